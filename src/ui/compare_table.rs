//! The compare view's table: each anomaly kind and cost for A, B and B − A, then every
//! operation that ended differently, labelled "same fault, different outcome" or "a
//! consequence of the protection" (`sim::compare` decides which).

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::compare::{Cause, Comparison};
use crate::sim::oracle::AnomalyKind;

/// Differences listed; the rest are counted.
const MAX_LISTED: usize = 50;

#[derive(Properties, PartialEq)]
pub struct CompareTableProps {
    pub comparison: Rc<Comparison>,
    pub b_label: AttrValue,
}

/// An anomaly kind's row by its title ("Double charge"), other measures as they are.
fn measure_name(measure: &str) -> String {
    AnomalyKind::ALL
        .iter()
        .find(|k| k.name() == measure || k.name().replace('_', " ") == measure)
        .map_or_else(|| measure.to_string(), |k| k.title().to_string())
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        crate::sim::config::thousands(x.abs() as u64)
    } else {
        format!("{:.2}", x.abs())
    }
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number(x))
    } else if x < 0.0 {
        format!("−{}", number(x))
    } else {
        "0".into()
    }
}

#[component(CompareTable)]
pub fn compare_table(props: &CompareTableProps) -> Html {
    let c = &props.comparison;
    let same = c
        .differences
        .iter()
        .filter(|d| d.cause == Cause::SameFault)
        .count();
    let consequence = c.differences.len() - same;
    let summary = if c.identical() {
        "No difference: every measure, event and operation is the same in A and B.".to_string()
    } else if c.differences.is_empty() {
        "No operation ended differently; only the costs differ.".to_string()
    } else {
        format!(
            "{} operation{} ended differently: {same} with the same fault and a different outcome, {consequence} as a consequence of the protection.",
            c.differences.len(),
            if c.differences.len() == 1 { "" } else { "s" }
        )
    };
    html! {
        <section class="compare-table panel" aria-labelledby="compare-table-title" data-testid="compare-table">
            <h2 id="compare-table-title">{ "What differs, over the whole runs" }</h2>
            <p class={classes!("compare-summary", c.identical().then_some("clean"))} data-testid="compare-summary"
                data-identical={c.identical().to_string()}>{ summary }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Measures of A and B">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{ "measure" }</th>
                            <th scope="col">{ "A" }</th>
                            <th scope="col">{ format!("B ({})", props.b_label) }</th>
                            <th scope="col">{ "B − A" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for c.rows.iter().map(|row| {
                            let d = row.difference();
                            html! {
                                <tr class={classes!((d != 0.0).then_some("row-changed"))} data-measure={row.measure.clone()}>
                                    <th scope="row">{ measure_name(&row.measure) }</th>
                                    <td>{ number(row.a) }</td>
                                    <td>{ number(row.b) }</td>
                                    <td class="difference">{ signed(d) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if !c.differences.is_empty() {
                <h3>{ "Operations that ended differently" }</h3>
                <ul class="compare-differences">
                    { for c.differences.iter().take(MAX_LISTED).map(|d| html! {
                        <li data-cause={match d.cause { Cause::SameFault => "same-fault", Cause::Consequence => "consequence" }}>
                            <span class={classes!("badge", match d.cause { Cause::SameFault => "badge-warn", Cause::Consequence => "badge-info" }, "badge-count")}>
                                { d.cause.label() }
                            </span>
                            { " " }{ d.sentence.clone() }
                        </li>
                    }) }
                </ul>
                if c.differences.len() > MAX_LISTED {
                    <p class="hint">{ format!("{} more not listed.", c.differences.len() - MAX_LISTED) }</p>
                }
            }
        </section>
    }
}
