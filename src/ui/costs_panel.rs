//! The price of the protections: latency percentiles, rejections, key rows, round trips.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::thousands;

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
