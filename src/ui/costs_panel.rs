//! The price of the protections: latency percentiles, rejections, key rows, round trips.
//! The events workload has no clients waiting on responses: its run is told in orders,
//! published events, ledger rows, shipments and redeliveries instead.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::{thousands, BrokerDedup, BrokerMode, Workload};

use crate::sim::oracle::format_time;
use crate::sim::replay::messaging::MessagingReplay;

use super::run_view::RunView;

#[derive(Properties, PartialEq)]
pub struct CostsPanelProps {
    pub run: Rc<RunView>,
}

fn http_facts(run: &RunView) -> Vec<(&'static str, String)> {
    let summary = &run.summary;
    let costs = &summary.costs;
    let outcomes = &summary.client_outcomes;
    let latency = &summary.latency_us;
    vec![
        ("latency p50", format_time(latency.p50)),
        ("latency p95", format_time(latency.p95)),
        ("latency p99", format_time(latency.p99)),
        ("409 in progress", thousands(costs.responses_409)),
        ("422 mismatch", thousands(costs.responses_422)),
        ("5xx errors", thousands(costs.responses_5xx)),
        ("replayed responses", thousands(costs.replays)),
        (
            "key rows peak / final",
            format!(
                "{} / {}",
                thousands(costs.key_rows_peak),
                thousands(costs.key_rows_final)
            ),
        ),
        ("db round trips", thousands(costs.db_round_trips)),
        ("provider calls", thousands(costs.provider_calls)),
        ("client timeouts", thousands(costs.client_timeouts)),
        (
            "clients: ok / failed / unknown",
            format!(
                "{} / {} / {}",
                thousands(outcomes.succeeded),
                thousands(outcomes.failed),
                thousands(outcomes.unknown)
            ),
        ),
    ]
}

/// The events workload's run: what the ground truth counts, and what the broker and the
/// protections did to get there.
fn event_facts(run: &RunView) -> Vec<(&'static str, String)> {
    let truth = &run.result.ground_truth;
    let scenario = &run.result.scenario;
    let replay = &run.messaging;
    let queue = scenario.messaging.mode == BrokerMode::Queue;
    let protections = &scenario.protections;
    let count = |n: usize| thousands(n as u64);
    let mut facts = vec![
        ("orders committed", thousands(truth.orders)),
        (
            if queue {
                "messages in the queue"
            } else {
                "records in the log"
            },
            thousands(truth.published_events),
        ),
        ("ledger rows", thousands(truth.applied_events)),
        ("shipments", thousands(truth.shipments)),
        ("redeliveries", count(replay.redeliveries())),
        (
            if queue {
                "stale deletes"
            } else {
                "stale commits refused"
            },
            count(replay.stale_acknowledgements()),
        ),
    ];
    let deduplicated_publishes =
        protections.idempotent_producer || (queue && protections.broker_dedup != BrokerDedup::Off);
    if deduplicated_publishes {
        facts.push((
            "publishes deduplicated",
            count(replay.publishes_deduplicated.len()),
        ));
    }
    if protections.dedup_store.enabled {
        facts.push(("duplicates skipped", count(replay.dedup_skips.len())));
    }
    if protections.key_propagation && scenario.messaging.warehouse_honours_keys {
        facts.push((
            "shipments recognised by key",
            count(MessagingReplay::count_at(
                &replay.shipments_deduplicated,
                usize::MAX,
            )),
        ));
    }
    facts.push(("trace events", thousands(run.summary.events)));
    facts
}

/// The stream workload's run: input records, invoices written and received, and why the
/// job did not start if it did not.
fn stream_facts(run: &RunView) -> Vec<(&'static str, String)> {
    let truth = &run.result.ground_truth;
    let mut facts = vec![
        ("input records", thousands(truth.orders)),
        ("invoices written", thousands(truth.published_events)),
        (
            "invoices received by the reader",
            thousands(truth.applied_events),
        ),
        ("trace events", thousands(run.summary.events)),
    ];
    for note in &run.result.notes {
        facts.push(("note", note.clone()));
    }
    facts
}

/// The saga workload's run: how the sagas ended, and what the services' logs hold.
fn saga_facts(run: &RunView) -> Vec<(&'static str, String)> {
    let t = &run.result.ground_truth;
    vec![
        ("sagas completed", thousands(t.sagas_completed)),
        ("sagas compensated", thousands(t.sagas_compensated)),
        ("sagas stuck", thousands(t.sagas_stuck)),
        (
            "charges / refunds",
            format!("{} / {}", thousands(t.charges), thousands(t.refunds)),
        ),
        (
            "reservations / releases",
            format!("{} / {}", thousands(t.reservations), thousands(t.releases)),
        ),
        ("shipments", thousands(t.shipments)),
        ("trace events", thousands(run.summary.events)),
    ]
}

#[component(CostsPanel)]
pub fn costs_panel(props: &CostsPanelProps) -> Html {
    let workload = props.run.result.scenario.workload;
    let events = matches!(
        workload,
        Workload::Events | Workload::Stream | Workload::Saga
    );
    let facts = match workload {
        Workload::Events => event_facts(&props.run),
        Workload::Stream => stream_facts(&props.run),
        Workload::Saga => saga_facts(&props.run),
        _ => http_facts(&props.run),
    };
    html! {
        <section class="costs-panel" aria-labelledby="costs-title">
            <h2 id="costs-title">{ if events { "Run totals" } else { "Costs of the whole run" } }</h2>
            <dl class="costs">
                { for facts.into_iter().map(|(label, value)| html! {
                    <div class="fact"><dt>{ label }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
        </section>
    }
}
