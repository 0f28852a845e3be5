//! The readout under the diagram: the hovered message in full, or the event at the cursor.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::Workload;
use crate::sim::oracle::format_time;
use crate::sim::trace::{DropReason, MessageKind};

use super::diagram_items::Hovered;
use super::event_description::{describe_event, drop_reason_text, message_name};
use super::run_view::RunView;
use super::timeline::{Arrow, ArrowEnd};

#[derive(Properties, PartialEq)]
pub struct MessageDetailsProps {
    pub run: Rc<RunView>,
    pub hovered: Option<Hovered>,
    pub cursor: usize,
}

/// Label/value pairs describing one message.
fn arrow_facts(run: &RunView, arrow: &Arrow) -> Vec<(&'static str, String)> {
    let result = &run.result;
    let lane = |i: u16| {
        run.timeline
            .lanes
            .get(i as usize)
            .map_or_else(String::new, |l| l.label.clone())
    };
    let mut facts = vec![
        (
            "message",
            format!(
                "{}{}",
                message_name(arrow.kind),
                if arrow.duplicate {
                    " (network duplicate)"
                } else {
                    ""
                }
            ),
        ),
        (
            "route",
            format!("{} → {}", lane(arrow.from_lane), lane(arrow.to_lane)),
        ),
    ];
    let events = matches!(result.scenario.workload, Workload::Events | Workload::Saga);
    if let Some(operation) = result.operations.get(arrow.op as usize) {
        facts.push((
            if events { "order" } else { "operation" },
            operation.title(),
        ));
    }
    if arrow.attempt > 0 {
        facts.push(("attempt", arrow.attempt.to_string()));
    }
    let client_side = matches!(
        arrow.kind,
        MessageKind::Request | MessageKind::Forward | MessageKind::Response | MessageKind::ReadBack
    );
    if let Some(info) = result
        .attempts
        .iter()
        .find(|a| client_side && a.op == arrow.op && a.attempt == arrow.attempt)
    {
        facts.push((
            "idempotency key",
            info.key
                .map_or_else(|| "none".into(), |k| format!("{k:016x}")),
        ));
        facts.push(("payload fingerprint", format!("{:016x}", info.fingerprint)));
        if info.read_back {
            facts.push((
                "read-back",
                "yes: asking whether the operation happened".into(),
            ));
        }
    }
    if arrow.kind == MessageKind::Response {
        let replayed = if arrow.replayed {
            " (replayed from the key store)"
        } else {
            ""
        };
        facts.push(("status", format!("{}{replayed}", arrow.status)));
    }
    facts.push(("sent", format!("t={}", format_time(arrow.start_us))));
    let ending = match arrow.end {
        ArrowEnd::Delivered => format!("delivered at t={}", format_time(arrow.end_us)),
        ArrowEnd::Late => format!(
            "arrived late at t={}: nobody was waiting",
            format_time(arrow.end_us)
        ),
        // Only the saga's orchestrator is ever down for a message to it in a saga run.
        ArrowEnd::Lost(DropReason::ReplicaDown)
            if events && result.scenario.workload == Workload::Saga =>
        {
            format!(
                "dropped: the orchestrator is down (t={})",
                format_time(arrow.end_us)
            )
        }
        ArrowEnd::Lost(reason) => format!(
            "{} (t={})",
            drop_reason_text(reason),
            format_time(arrow.end_us)
        ),
        ArrowEnd::InFlight => "still in flight when the run ended".into(),
    };
    facts.push(("fate", ending));
    facts
}

/// What hovering shows, in the run's terms: HTTP requests carry keys and statuses, the
/// events workload's messages an order.
fn hint(run: &RunView) -> &'static str {
    if matches!(
        run.result.scenario.workload,
        Workload::Events | Workload::Saga
    ) {
        " · hover a message for its order and fate, a mark for what happened; click a message to move the cursor there"
    } else {
        " · hover a message for its key, fingerprint and status; click it to move the cursor there"
    }
}

#[component(MessageDetails)]
pub fn message_details(props: &MessageDetailsProps) -> Html {
    match &props.hovered {
        Some(Hovered::Mark(event)) => html! {
            <p class="message-details current-event">
                <span class="current-label">{ "Event: " }</span>
                { describe_event(&props.run.result, *event as usize) }
            </p>
        },
        Some(Hovered::Arrow(arrow)) => html! {
            <dl class="message-details">
                { for arrow_facts(&props.run, arrow).into_iter().map(|(label, value)| html! {
                    <div class="fact"><dt>{ label }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
        },
        None => {
            let (label, now) = match props.cursor.checked_sub(1) {
                Some(index) => ("Last event: ", describe_event(&props.run.result, index)),
                None => (
                    "Start: ",
                    "nothing has happened yet; press Play or step forward (→).".into(),
                ),
            };
            // Stepping onto a message shows its details too, so keyboard users get them.
            let message = props
                .cursor
                .checked_sub(1)
                .and_then(|index| props.run.timeline.arrow_of_event(index as u32));
            html! {
                <div class="message-details current-event">
                    <p>
                        <span class="current-label">{ label }</span>{ now }
                        if message.is_none() {
                            <span class="hint">{ hint(&props.run) }</span>
                        }
                    </p>
                    if let Some(arrow) = message {
                        <dl class="facts-inline">
                            { for arrow_facts(&props.run, arrow).into_iter().skip(2).map(|(label, value)| html! {
                                <div class="fact"><dt>{ label }</dt><dd>{ value }</dd></div>
                            }) }
                        </dl>
                    }
                </div>
            }
        }
    }
}
