//! The sweep view: the form, the progress of a running sweep, and the last result as two
//! charts (anomaly rate with its spread over the seeds, and the chosen cost), a legend,
//! the numbers as a table and the CSV that `idemlab sweep --format csv` prints.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::thousands;
use crate::sim::Scenario;

use super::browser;
use super::state::{NoticeLevel, SweepOutcome};
use super::sweep_chart::{marker_path, ChartPoint, ChartSeries, SweepChart};
use super::sweep_form::SweepForm;
use super::sweep_settings::{axis_label, format_knob_value, SweepCost, SweepSettings};
use super::sweep_status::SweepStatus;
use super::worker::SweepProgress;

#[derive(Properties, PartialEq)]
pub struct SweepViewProps {
    pub settings: SweepSettings,
    pub scenario: Scenario,
    pub running: bool,
    pub outcome: Option<Rc<SweepOutcome>>,
    pub progress: Rc<Cell<SweepProgress>>,
    pub on_change: Callback<SweepSettings>,
    pub on_run: Callback<()>,
    pub on_cancel: Callback<()>,
    pub on_notify: Callback<(NoticeLevel, String)>,
}

/// One series per set, read from the outcome's points with `read` (mean, low, high).
fn series_of(
    outcome: &SweepOutcome,
    read: impl Fn(&crate::sim::sweep::SweepPoint) -> (f64, f64, f64),
) -> Rc<Vec<ChartSeries>> {
    Rc::new(
        outcome
            .spec
            .sets
            .iter()
            .map(|set| ChartSeries {
                name: set.name,
                points: outcome
                    .points
                    .iter()
                    .filter(|p| p.set == set.name)
                    .map(|p| {
                        let (mean, low, high) = read(p);
                        ChartPoint {
                            x: p.value,
                            mean,
                            low,
                            high,
                        }
                    })
                    .collect(),
            })
            .collect(),
    )
}

fn file_name(outcome: &SweepOutcome) -> String {
    format!(
        "idempotency-lab-sweep-{}-{}.csv",
        outcome.preset.unwrap_or(outcome.workload),
        outcome.spec.knob.path.replace(['.', '_'], "-")
    )
}

/// Seconds with one decimal, as people say a short wait.
fn seconds(ms: f64) -> String {
    format!("{:.1} s", ms / 1_000.0)
}

#[component(SweepView)]
pub fn sweep_view(props: &SweepViewProps) -> Html {
    let cost = props.settings.cost;
    let rates = use_memo(props.outcome.clone(), |outcome| {
        outcome.as_ref().map(|o| {
            series_of(o, |p| {
                (p.anomaly_rate_mean, p.anomaly_rate_min, p.anomaly_rate_max)
            })
        })
    });
    let costs = use_memo((props.outcome.clone(), cost), |(outcome, cost)| {
        outcome.as_ref().map(|o| {
            series_of(o, |p| {
                let v = cost.of(p);
                (v, v, v)
            })
        })
    });
    let export = {
        let outcome = props.outcome.clone();
        let on_notify = props.on_notify.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(o) = &outcome {
                if let Err(e) = browser::download_text(&file_name(o), "text/csv", &o.csv) {
                    on_notify.emit((NoticeLevel::Error, e));
                }
            }
        })
    };

    let result = match (props.outcome.as_ref(), (*rates).clone(), (*costs).clone()) {
        (Some(o), Some(rates), Some(costs)) => {
            let knob = o.spec.knob;
            let runs = o.spec.values.len() * o.spec.sets.len() * o.spec.seeds as usize;
            let operations = o.spec.base.operations;
            let caption = format!(
                "{} runs of {} ({} workload): {} points from {} to {}, {} seeds per point, {} operations per run; took {}.",
                thousands(runs as u64),
                o.preset.unwrap_or("a custom scenario"),
                o.workload,
                o.spec.values.len(),
                format_knob_value(knob, o.spec.values[0]),
                format_knob_value(knob, o.spec.values[o.spec.values.len() - 1]),
                o.spec.seeds,
                thousands(operations as u64),
                seconds(o.elapsed_ms)
            );
            html! {
                <section class="sweep-result panel" aria-labelledby="sweep-result-title" data-testid="sweep-result">
                    <div class="sweep-result-head">
                        <h2 id="sweep-result-title">{ format!("Anomalies and {} against {}", cost.label(), knob.label.to_ascii_lowercase()) }</h2>
                        <button type="button" class="button" onclick={export} data-testid="export-csv">{ "Export CSV" }</button>
                    </div>
                    <p class="hint" data-testid="sweep-caption">{ caption }</p>
                    <ul class="sweep-legend" aria-label="Protection sets" data-testid="sweep-legend">
                        { for o.spec.sets.iter().enumerate().map(|(i, set)| html! {
                            <li class={format!("series series-{i}")} title={set.description}>
                                <svg width="34" height="14" viewBox="0 0 34 14" aria-hidden="true">
                                    <line class="series-line" x1="1" y1="7" x2="33" y2="7" />
                                    <path class="series-marker" transform="translate(17,7)" d={marker_path(i, 4.5)} />
                                </svg>
                                { set.name }
                            </li>
                        }) }
                    </ul>
                    <div class="sweep-charts">
                        <SweepChart title="Anomaly rate" x_label={axis_label(knob)}
                            y_label="per 1,000 operations" y_unit="anomalies per 1,000 operations"
                            knob={knob.path} series={rates} band=true seeds={o.spec.seeds} test_id="sweep-chart-anomalies" />
                        <SweepChart title={match cost { SweepCost::P99Latency => "p99 latency", SweepCost::KeyRowsPeak => "Key-store rows at peak", SweepCost::Responses409 => "409 responses" }}
                            x_label={axis_label(knob)} y_label={cost.label()} y_unit={cost.label()}
                            knob={knob.path} series={costs} band=false seeds={o.spec.seeds} test_id="sweep-chart-cost" />
                    </div>
                    <p class="hint">{ "Lines join the means over the seeds; the shaded band runs from the lowest to the highest seed. The cost is a mean over the seeds." }</p>
                    if o.points.iter().all(|p| cost.of(p) == 0.0) {
                        <p class="hint" data-testid="sweep-cost-zero">{ format!("The cost is zero everywhere: this sweep's runs have no {}.", cost.counted()) }</p>
                    }
                    <details class="sweep-numbers">
                        <summary>{ "The numbers" }</summary>
                        <div class="table-scroll" tabindex="0" role="region" aria-label="The sweep's numbers">
                            <table data-testid="sweep-table">
                                <thead><tr>
                                    <th scope="col">{ knob.label }</th><th scope="col">{ "protection set" }</th>
                                    <th scope="col">{ "anomalies / 1,000 ops (mean)" }</th><th scope="col">{ "lowest" }</th><th scope="col">{ "highest" }</th>
                                    <th scope="col">{ "p99 latency (ms)" }</th><th scope="col">{ "key-store rows at peak" }</th><th scope="col">{ "409 responses" }</th>
                                </tr></thead>
                                <tbody>
                                    { for o.points.iter().map(|p| html! {
                                        <tr>
                                            <td>{ format_knob_value(knob, p.value) }</td><td>{ p.set }</td>
                                            <td>{ format!("{:.3}", p.anomaly_rate_mean) }</td><td>{ format!("{:.3}", p.anomaly_rate_min) }</td>
                                            <td>{ format!("{:.3}", p.anomaly_rate_max) }</td><td>{ format!("{:.3}", p.p99_latency_ms_mean) }</td>
                                            <td>{ format!("{:.3}", p.key_rows_peak_mean) }</td><td>{ format!("{:.3}", p.responses_409_mean) }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        </div>
                    </details>
                </section>
            }
        }
        _ => html! {
            <section class="sweep-result sweep-empty panel" data-testid="sweep-empty">
                <p>{ "No sweep yet. Choose a setting and its range, tick the protection sets to compare, and press Run sweep. The result is a chart of the anomaly rate for each set, and of the cost you choose." }</p>
            </section>
        },
    };

    html! {
        <div class="sweep-view" data-testid="sweep-view">
            <SweepForm settings={props.settings.clone()} scenario={props.scenario.clone()} running={props.running}
                on_change={props.on_change.clone()} on_run={props.on_run.clone()} />
            <SweepStatus running={props.running} progress={props.progress.clone()} on_cancel={props.on_cancel.clone()} />
            { result }
        </div>
    }
}
