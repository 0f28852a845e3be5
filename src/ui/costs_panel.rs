//! The price of the protections: latency percentiles, rejections, key rows, round trips.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::oracle::format_time;

use super::run_view::RunView;

#[derive(Properties, PartialEq)]
pub struct CostsPanelProps {
    pub run: Rc<RunView>,
}

#[component(CostsPanel)]
pub fn costs_panel(props: &CostsPanelProps) -> Html {
    let summary = &props.run.summary;
    let costs = &summary.costs;
    let outcomes = &summary.client_outcomes;
    let latency = &summary.latency_us;
    let facts: Vec<(&str, String)> = vec![
        ("latency p50", format_time(latency.p50)),
        ("latency p95", format_time(latency.p95)),
        ("latency p99", format_time(latency.p99)),
        ("409 in progress", costs.responses_409.to_string()),
        ("422 mismatch", costs.responses_422.to_string()),
        ("5xx errors", costs.responses_5xx.to_string()),
        ("replayed responses", costs.replays.to_string()),
        (
            "key rows peak / final",
            format!("{} / {}", costs.key_rows_peak, costs.key_rows_final),
        ),
        ("db round trips", costs.db_round_trips.to_string()),
        ("provider calls", costs.provider_calls.to_string()),
        ("client timeouts", costs.client_timeouts.to_string()),
        (
            "clients: ok / failed / unknown",
            format!(
                "{} / {} / {}",
                outcomes.succeeded, outcomes.failed, outcomes.unknown
            ),
        ),
    ];
    html! {
        <section class="costs-panel" aria-labelledby="costs-title">
            <h2 id="costs-title">{ "Costs" }</h2>
            <dl class="costs">
                { for facts.into_iter().map(|(label, value)| html! {
                    <div class="fact"><dt>{ label }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
        </section>
    }
}
