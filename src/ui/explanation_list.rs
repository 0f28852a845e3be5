//! The anomaly panel's explanations, each a button that selects its anomaly; the selected
//! one offers to shrink it. For the whole run they are listed in the run's order; while
//! they follow the time cursor, the latest ones the cursor has passed come first, like a
//! feed, and only the latest few are drawn, so that a jump of the cursor changes a few
//! items rather than hundreds. The selected anomaly is always listed (marked when the
//! cursor stands before it, as it does while its chain is stepped back through).

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::oracle::format_time;

use super::anomaly_panel::Scope;
use super::run_view::RunView;

/// Explanations listed for the whole run; a run with more says how many are left out.
const MAX_LISTED: usize = 200;
/// Explanations listed while following the cursor: the latest this many.
const MAX_LATEST: usize = 10;

#[derive(Properties, PartialEq)]
pub struct ExplanationListProps {
    pub run: Rc<RunView>,
    pub scope: Scope,
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
    #[prop_or_default]
    pub on_shrink: Option<Callback<usize>>,
}

#[component(ExplanationList)]
pub fn explanation_list(props: &ExplanationListProps) -> Html {
    let run = &props.run;
    let (mut listed, left_out, hint, more): (Vec<usize>, usize, &str, &str) = match props.scope {
        Scope::WholeRun => {
            let total = run.result.anomalies.len();
            (
                (0..total.min(MAX_LISTED)).collect(),
                total.saturating_sub(MAX_LISTED),
                " — click one to see its chain (n: next)",
                "more not listed; use n to step through them.",
            )
        }
        Scope::Passed(passed) => (
            run.first_to_happen(passed)
                .iter()
                .rev()
                .take(MAX_LATEST)
                .copied()
                .collect(),
            passed.saturating_sub(MAX_LATEST),
            " — latest first; click one to see its chain (n: next)",
            "earlier ones not listed here; Show all (a) lists the whole run's.",
        ),
    };
    if let Some(selected) = props.selected.filter(|s| !listed.contains(s)) {
        if selected < run.result.anomalies.len() {
            listed.insert(0, selected);
        }
    }
    if listed.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h3 class="explanations-title">{ "Explanations" }<span class="hint">{ hint }</span></h3>
            <ol class="explanations">
                { for listed.iter().map(|&index| {
                    explanation(props, index, !props.scope.includes(run, index))
                }) }
            </ol>
            if left_out > 0 {
                <p class="hint">{ format!("{left_out} {more}") }</p>
            }
        </>
    }
}

/// One anomaly's sentence, as a button that selects it; `ahead` if the cursor has not
/// reached it yet (the selected one, kept while its chain is stepped through).
fn explanation(props: &ExplanationListProps, index: usize, ahead: bool) -> Html {
    let anomaly = &props.run.result.anomalies[index];
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
                    if ahead {
                        <span class="hint">{ "ahead of the cursor" }</span>
                    }
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
}
