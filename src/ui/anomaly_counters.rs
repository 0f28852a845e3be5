//! The anomaly panel's counters: one per kind the run's workload can show, with the count
//! the panel shows (what the cursor has passed, or the whole run) and the whole run's count
//! in `data-count`.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::{thousands, Workload};
use crate::sim::oracle::{AnomalyCounts, AnomalyKind};

use super::anomaly_panel::total_of;
use super::run_view::RunView;

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

#[derive(Properties, PartialEq)]
pub struct AnomalyCountersProps {
    pub run: Rc<RunView>,
    /// What the counters show.
    pub counts: Rc<AnomalyCounts>,
    /// Whether `counts` are the whole run's (a zero is then "clean", not "none yet").
    pub whole: bool,
}

#[component(AnomalyCounters)]
pub fn anomaly_counters(props: &AnomalyCountersProps) -> Html {
    let run = &props.run;
    html! {
        <ul class="counters">
            { for kinds_of(run).map(|kind| {
                let shown = props.counts.get(kind);
                let class = match (shown > 0, props.whole) {
                    (true, _) => "bad",
                    (false, true) => "clean",
                    (false, false) => "none-yet",
                };
                html! {
                    <li class={classes!("counter", class)}
                        data-testid={format!("anomaly-{}", kind.name())}
                        data-count={total_of(run, kind).to_string()} data-shown={shown.to_string()}>
                        <span class="count">{ thousands(shown) }</span>
                        <span class="counter-label">{ kind.title() }</span>
                    </li>
                }
            }) }
        </ul>
    }
}
