//! The compare view: the run on screen (A) above run B — the same seed, workload and
//! faults with other protections — on one time axis with one cursor, the first event
//! where they part marked in both, and the table of what differs (`CompareTable`).

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::sim::compare::compare_runs;
use crate::sim::config::thousands;
use crate::sim::protection_sets::PROTECTION_SETS;
use crate::sim::Scenario;

use super::compare_settings::{toggles, CompareB};
use super::compare_table::CompareTable;
use super::controlled::use_controlled_value;
use super::diagram::Diagram;
use super::event_description::describe_event;
use super::run_view::RunView;
use super::state::CompareState;

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    /// The run on screen.
    pub a: Rc<RunView>,
    pub compare: CompareState,
    pub scenario: Scenario,
    pub cursor: usize,
    pub playhead_us: u64,
    pub window_us: u64,
    /// A click in A's diagram (its event count); in B's, the time of the event clicked.
    pub on_seek: Callback<usize>,
    pub on_seek_time: Callback<u64>,
    pub on_compare: Callback<CompareB>,
    /// The time controls, shared by both diagrams.
    #[prop_or_default]
    pub children: Html,
}

#[component(CompareView)]
pub fn compare_view(props: &CompareViewProps) -> Html {
    let b_run = props.compare.run.clone();
    let comparison = use_memo((props.a.clone(), b_run.clone()), |(a, b)| {
        b.as_ref()
            .map(|b| Rc::new(compare_runs(&a.result, &b.result)))
    });
    let divergence = (*comparison)
        .as_ref()
        .and_then(|c| c.divergence.as_ref().map(|d| d.index));
    let chain = use_memo(divergence, |d| {
        d.map(|i| vec![i as u32]).unwrap_or_default()
    });
    let select_ref = use_controlled_value(AttrValue::from(props.compare.b.name()));
    let on_pick = {
        let on_compare = props.on_compare.clone();
        let scenario = props.scenario.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Ok(b) = CompareB::parse(&select.value(), &scenario) {
                    on_compare.emit(b);
                }
            }
        })
    };
    let on_seek_b = {
        let on_seek_time = props.on_seek_time.clone();
        let b_run = b_run.clone();
        Callback::from(move |cursor: usize| {
            if let Some(b) = &b_run {
                on_seek_time.emit(b.time_at(cursor));
            }
        })
    };
    let end_us = b_run.as_ref().map_or(props.a.timeline.end_us, |b| {
        b.timeline.end_us.max(props.a.timeline.end_us)
    });
    let b_label = props.compare.b.label(&props.scenario);
    let go_to_divergence = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = divergence {
                on_seek.emit(i + 1);
            }
        })
    };
    let divergence_text = match (divergence, &b_run) {
        (Some(i), Some(b)) => format!(
            "First difference, event {}. A: {}. B: {}.",
            thousands(i as u64 + 1),
            describe_event(&props.a.result, i),
            describe_event(&b.result, i)
        ),
        (None, Some(_)) => "The two runs are identical, event for event.".to_string(),
        _ => String::new(),
    };
    let scenario = &props.scenario;
    let offered = toggles(scenario);

    html! {
        <div class="compare-view" data-testid="compare-view">
            <section class="compare-head panel" aria-labelledby="compare-title">
                <h2 id="compare-title" class="visually-hidden">{ "Compare two protection choices" }</h2>
                <p class="hint">{ "A is the configuration on the left; B has the same seed, workload and faults, and changes only its protections. Faults are keyed by what they hit, so an attempt sent in both runs meets the same fault in both." }</p>
                <label class="compare-pick">
                    <span>{ "B: the same with" }</span>
                    <select ref={select_ref} onchange={on_pick} data-testid="compare-b">
                        <optgroup label="One protection toggled">
                            { for offered.iter().map(|(k, on)| {
                                let b = CompareB::Toggle(k.path);
                                html! { <option value={b.name()} selected={b == props.compare.b}>{ format!("{} {}", k.label, if *on { "off" } else { "on" }) }</option> }
                            }) }
                        </optgroup>
                        <optgroup label="A named protection set">
                            { for PROTECTION_SETS.iter().map(|set| {
                                let b = CompareB::Set(set.name);
                                html! { <option value={b.name()} selected={b == props.compare.b}>{ set.name }</option> }
                            }) }
                        </optgroup>
                        <option value="same" selected={props.compare.b == CompareB::Same}>{ "nothing changed (A again)" }</option>
                    </select>
                </label>
                if let Some(problem) = &props.compare.problem {
                    <p class="field-error" role="alert">{ format!("B cannot run: {problem}.") }</p>
                }
                if props.compare.pending.is_some() {
                    <p class="hint" role="status">{ "Running B…" }</p>
                }
            </section>
            { props.children.clone() }
            if !divergence_text.is_empty() {
                <p class="compare-divergence" data-testid="compare-divergence" data-index={divergence.map(|i| i.to_string())}>
                    <span>{ divergence_text }</span>
                    if divergence.is_some() {
                        <button type="button" class="button" onclick={go_to_divergence} data-testid="go-to-divergence">{ "Go to it" }</button>
                    }
                </p>
            }
            <div class="compare-diagram" data-testid="compare-a">
                <Diagram run={props.a.clone()} cursor={props.cursor} playhead_us={props.playhead_us}
                    window_us={props.window_us} chain={chain.clone()} on_seek={props.on_seek.clone()}
                    end_us={Some(end_us)} name={AttrValue::from("A: the configuration on the left")} id="-a"
                    divergence_us={divergence.and_then(|i| props.a.result.trace.get(i)).map(|e| e.time)} />
            </div>
            <div class="compare-diagram" data-testid="compare-b-diagram">
                if let Some(b) = &b_run {
                    <Diagram run={b.clone()} cursor={b.cursor_at(props.playhead_us)} playhead_us={props.playhead_us}
                        window_us={props.window_us} chain={chain.clone()} on_seek={on_seek_b}
                        end_us={Some(end_us)} name={AttrValue::from(format!("B: {b_label}"))} id="-b"
                        divergence_us={divergence.and_then(|i| b.result.trace.get(i)).map(|e| e.time)} />
                }
            </div>
            if let Some(comparison) = (*comparison).clone() {
                <CompareTable {comparison} b_label={b_label.clone()} />
            }
        </div>
    }
}
