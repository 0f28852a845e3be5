//! The right panel: a counter per anomaly kind, and the one-sentence explanations.
//! They follow the time cursor: an anomaly is counted and its explanation listed once the
//! cursor passes the event that completes it, and "Show all" (or the end of the run)
//! shows the whole run's totals. Clicking an explanation moves the time cursor to it and
//! highlights its causal chain; the selected one can be shrunk to the fewest faults that
//! still make it.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::thousands;
use crate::sim::oracle::{AnomalyCounts, AnomalyKind};

use super::anomaly_counters::AnomalyCounters;
use super::explanation_list::ExplanationList;
use super::run_view::RunView;

#[derive(Properties, PartialEq)]
pub struct AnomalyPanelProps {
    pub run: Rc<RunView>,
    /// Events that have happened at the time cursor.
    pub cursor: usize,
    /// Show the whole run, wherever the cursor is.
    pub show_all: bool,
    pub on_show_all: Callback<()>,
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
    /// Shrink an anomaly to its fewest faults (offered for the selected one).
    #[prop_or_default]
    pub on_shrink: Option<Callback<usize>>,
}

/// What the panel counts: the whole run, or the first anomalies to happen (those the
/// cursor has passed). Most cursor moves pass no anomaly and leave the scope as it was, so
/// the counters and the list, which depend only on it, are not drawn again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    WholeRun,
    Passed(usize),
}

impl Scope {
    pub fn includes(self, run: &RunView, index: usize) -> bool {
        match self {
            Scope::WholeRun => true,
            Scope::Passed(passed) => run.among_first(index, passed),
        }
    }
}

/// The whole run's count of `kind`.
pub fn total_of(run: &RunView, kind: AnomalyKind) -> u64 {
    run.summary.anomalies.get(kind.name()).copied().unwrap_or(0)
}

/// The anomalies in `scope`, by kind.
fn counts_in(run: &RunView, scope: Scope) -> AnomalyCounts {
    let mut counts = AnomalyCounts::default();
    match scope {
        Scope::WholeRun => {
            for kind in AnomalyKind::ALL {
                counts.set(kind, total_of(run, kind));
            }
        }
        Scope::Passed(_) => {
            for (index, anomaly) in run.result.anomalies.iter().enumerate() {
                if scope.includes(run, index) {
                    counts.add(anomaly.kind);
                }
            }
        }
    }
    counts
}

/// The panel's sentence: "Clean run: no anomalies." or "11 anomalies: double charge 8,
/// ghost success 3." for the whole run. Before the end it never says "clean": it says what
/// has happened so far (the time is the time controls'; leaving it out here keeps the
/// sentence, a live region, from changing at every step).
fn summary_of(counts: &AnomalyCounts, whole: bool) -> String {
    let parts: Vec<String> = AnomalyKind::ALL
        .iter()
        .filter(|&&kind| counts.get(kind) > 0)
        .map(|&kind| {
            let title = kind.title().to_ascii_lowercase();
            format!("{title} {}", thousands(counts.get(kind)))
        })
        .collect();
    let total = counts.total();
    let noun = if total == 1 { "anomaly" } else { "anomalies" };
    match (whole, total) {
        (true, 0) => "Clean run: no anomalies.".into(),
        (true, _) => format!("{} {noun}: {}.", thousands(total), parts.join(", ")),
        (false, 0) => "No anomaly so far.".into(),
        (false, _) => format!("{} {noun} so far: {}.", thousands(total), parts.join(", ")),
    }
}

#[component(AnomalyPanel)]
pub fn anomaly_panel(props: &AnomalyPanelProps) -> Html {
    let run = &props.run;
    let whole = props.show_all || props.cursor >= run.event_count();
    let scope = if whole {
        Scope::WholeRun
    } else {
        Scope::Passed(run.anomalies_passed(props.cursor))
    };
    let counts = use_memo((run.clone(), scope), |(run, scope)| counts_in(run, *scope));
    // Green and a tick only for the whole run: "none so far" is not "clean".
    let summary_class = match (counts.total() > 0, whole) {
        (true, _) => "bad",
        (false, true) => "clean",
        (false, false) => "so-far",
    };
    let icon = match summary_class {
        "clean" => "✓",
        "bad" => "!",
        _ => "…",
    };
    let on_show_all = props.on_show_all.reform(|_: Event| ());
    html! {
        <section class="anomaly-panel" aria-labelledby="anomalies-title">
            <div class="anomaly-head">
                <h2 id="anomalies-title">{ "Anomalies" }</h2>
                <label class="show-all" title="The whole run's totals (a), or only the anomalies the time cursor has passed">
                    <input type="checkbox" role="switch" data-testid="show-all-anomalies"
                        checked={props.show_all} onchange={on_show_all} />
                    { "Show all" }
                </label>
            </div>
            <p class={classes!("anomaly-summary", summary_class)} data-testid="anomaly-summary"
                aria-live="polite" aria-atomic="true">
                <span class="summary-icon" aria-hidden="true">{ icon }</span>
                { summary_of(&counts, whole) }
            </p>
            <AnomalyCounters run={run.clone()} counts={counts.clone()} {whole} />
            if !whole {
                <p class="hint so-far-hint">{ "Counted as the time cursor passes each one; n jumps to the next. Show all (a) gives the whole run." }</p>
            }
            <ExplanationList run={run.clone()} {scope} selected={props.selected}
                on_select={props.on_select.clone()} on_shrink={props.on_shrink.clone()} />
        </section>
    }
}
