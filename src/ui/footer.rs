//! The footer: the trace hash that proves a link reproduces the run, and run statistics.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::{thousands, Workload};

use crate::sim::units::{format_exact, format_readout};

use super::run_view::RunView;

#[derive(Properties, PartialEq)]
pub struct FooterProps {
    pub run: Rc<RunView>,
}

#[component(Footer)]
pub fn footer(props: &FooterProps) -> Html {
    let summary = &props.run.summary;
    let events = matches!(
        props.run.result.scenario.workload,
        Workload::Events | Workload::Stream | Workload::Saga
    );
    html! {
        <footer class="app-footer">
            <span>{ "Trace hash " }<code data-testid="trace-hash">{ summary.trace_hash.clone() }</code></span>
            <span>{ format!("seed {}", summary.seed) }</span>
            <span>{ format!("{} events", thousands(summary.events)) }</span>
            <span>{ format!("{} {}", thousands(summary.operations), if events { "orders" } else { "operations" }) }</span>
            <span data-testid="simulated-time" title={format_exact(summary.virtual_time_us)}>
                { format!("{} simulated", format_readout(summary.virtual_time_us)) }
            </span>
            <span>{ format!("run in {:.1} ms", summary.wall_time_ms) }</span>
            if summary.stopped_at_event_limit {
                <span class="badge badge-warn">{ "stopped at the event limit" }</span>
            }
            <span class="footer-note">{ "Same link, same seed, same trace hash — in any browser and in the idemlab CLI." }</span>
        </footer>
    }
}
