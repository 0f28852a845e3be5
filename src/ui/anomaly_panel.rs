//! The right panel: a counter per anomaly kind, and the one-sentence explanations.
//! Clicking an explanation moves the time cursor to it and highlights its causal chain;
//! the selected one can be shrunk to the fewest faults that still make it.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::{thousands, Workload};
use crate::sim::oracle::{format_time, AnomalyKind};

use super::run_view::RunView;

/// Explanations listed; a run with more says how many are left out.
const MAX_LISTED: usize = 200;

#[derive(Properties, PartialEq)]
pub struct AnomalyPanelProps {
    pub run: Rc<RunView>,
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
    /// Shrink an anomaly to its fewest faults (offered for the selected one).
    #[prop_or_default]
    pub on_shrink: Option<Callback<usize>>,
}

/// The events workload's anomalies, which only it can show (and it shows no other).
const EVENT_ANOMALIES: [AnomalyKind; 3] = [
    AnomalyKind::DuplicateEventEffect,
    AnomalyKind::LostEvent,
    AnomalyKind::DuplicateShipment,
];

/// The stream workload's anomalies, likewise.
const STREAM_ANOMALIES: [AnomalyKind; 3] = [
    AnomalyKind::DuplicateOutput,
    AnomalyKind::LostOutput,
    AnomalyKind::ZombieWrite,
];

/// The saga workload's anomalies (it shows no other; its double charge is the HTTP one).
const SAGA_ANOMALIES: [AnomalyKind; 6] = [
    AnomalyKind::DoubleCharge,
    AnomalyKind::DoubleRefund,
    AnomalyKind::RefundWithoutCharge,
    AnomalyKind::ChargeNeverCompensated,
    AnomalyKind::DuplicateShipment,
    AnomalyKind::StockLeak,
];

/// The counters a run's workload can make count.
fn kinds_of(run: &RunView) -> impl Iterator<Item = AnomalyKind> {
    let workload = run.result.scenario.workload;
    AnomalyKind::ALL.into_iter().filter(move |kind| {
        let events = EVENT_ANOMALIES.contains(kind);
        let stream = STREAM_ANOMALIES.contains(kind);
        let saga_only = SAGA_ANOMALIES.contains(kind) && *kind != AnomalyKind::DoubleCharge;
        match workload {
            Workload::Events => events,
            Workload::Stream => stream,
            Workload::Saga => SAGA_ANOMALIES.contains(kind),
            _ => !events && !stream && !saga_only,
        }
    })
}

fn count_of(run: &RunView, kind: AnomalyKind) -> u64 {
    run.summary.anomalies.get(kind.name()).copied().unwrap_or(0)
}

/// "Clean run: no anomalies." or "11 anomalies: double charge 8, ghost success 3."
pub fn anomaly_summary(run: &RunView) -> String {
    let parts: Vec<String> = AnomalyKind::ALL
        .iter()
        .filter_map(|&kind| {
            let count = count_of(run, kind);
            (count > 0)
                .then(|| format!("{} {}", kind.title().to_ascii_lowercase(), thousands(count)))
        })
        .collect();
    let total = run.result.anomalies.len();
    if total == 0 {
        "Clean run: no anomalies.".into()
    } else {
        let noun = if total == 1 { "anomaly" } else { "anomalies" };
        format!("{} {noun}: {}.", thousands(total as u64), parts.join(", "))
    }
}

#[component(AnomalyPanel)]
pub fn anomaly_panel(props: &AnomalyPanelProps) -> Html {
    let run = &props.run;
    let anomalies = &run.result.anomalies;
    let clean = anomalies.is_empty();
    html! {
        <section class="anomaly-panel" aria-labelledby="anomalies-title">
            <h2 id="anomalies-title">{ "Anomalies" }</h2>
            <p class={classes!("anomaly-summary", if clean { "clean" } else { "bad" })} aria-live="polite" aria-atomic="true">
                <span class="summary-icon" aria-hidden="true">{ if clean { "✓" } else { "!" } }</span>
                { anomaly_summary(run) }
            </p>
            <ul class="counters">
                { for kinds_of(run).map(|kind| {
                    let count = count_of(run, kind);
                    html! {
                        <li class={classes!("counter", if count > 0 { "bad" } else { "clean" })}
                            data-testid={format!("anomaly-{}", kind.name())} data-count={count.to_string()}>
                            <span class="count">{ thousands(count) }</span>
                            <span class="counter-label">{ kind.title() }</span>
                        </li>
                    }
                }) }
            </ul>
            if !clean {
                <h3 class="explanations-title">{ "Explanations" }<span class="hint">{ " — click one to see its chain (n: next)" }</span></h3>
                <ol class="explanations">
                    { for anomalies.iter().enumerate().take(MAX_LISTED).map(|(index, anomaly)| {
                        let on_select = props.on_select.clone();
                        let onclick = Callback::from(move |_: MouseEvent| on_select.emit(index));
                        let selected = props.selected == Some(index);
                        html! {
                            <li key={index}>
                                <button type="button" class={classes!("explanation", selected.then_some("selected"))}
                                    aria-pressed={selected.to_string()} {onclick}>
                                    <span class="explanation-head">
                                        <span class="badge badge-bad">{ anomaly.kind.title() }</span>
                                        <span class="explanation-time">{ format!("t={}", format_time(anomaly.time_us)) }</span>
                                    </span>
                                    <span class="narrative">{ anomaly.narrative.clone() }</span>
                                </button>
                                if let (true, Some(on_shrink)) = (selected, props.on_shrink.clone()) {
                                    <button type="button" class="button shrink-button" data-testid="shrink"
                                        title="Find the fewest faults that still make this anomaly, and run with only those"
                                        onclick={Callback::from(move |_: MouseEvent| on_shrink.emit(index))}>
                                        { "Shrink to its fewest faults" }
                                    </button>
                                }
                            </li>
                        }
                    }) }
                </ol>
                if anomalies.len() > MAX_LISTED {
                    <p class="hint">{ format!("{} more not listed; use n to step through them.", anomalies.len() - MAX_LISTED) }</p>
                }
            }
        </section>
    }
}
