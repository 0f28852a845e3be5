//! The anomaly panel's explanations, in the run's order: one per anomaly in the panel's
//! scope (the whole run, or those the time cursor has passed), and the selected one, kept
//! while the cursor steps back through its chain (marked as ahead of the cursor). Each is a
//! button that selects its anomaly; the selected one offers to shrink it.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::oracle::format_time;

use super::anomaly_panel::Scope;
use super::run_view::RunView;

/// Explanations listed; a run with more says how many are left out.
const MAX_LISTED: usize = 200;

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
    let listed: Vec<usize> = (0..run.result.anomalies.len())
        .filter(|&index| props.scope.includes(run, index) || props.selected == Some(index))
        .collect();
    if listed.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h3 class="explanations-title">{ "Explanations" }<span class="hint">{ " — click one to see its chain (n: next)" }</span></h3>
            <ol class="explanations">
                { for listed.iter().take(MAX_LISTED).map(|&index| {
                    explanation(props, index, !props.scope.includes(run, index))
                }) }
            </ol>
            if listed.len() > MAX_LISTED {
                <p class="hint">{ format!("{} more not listed; use n to step through them.", listed.len() - MAX_LISTED) }</p>
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
