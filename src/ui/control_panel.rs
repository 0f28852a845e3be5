//! The left panel: preset, seed and every knob of `KNOBS`, grouped.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::sim::config::KnobGroup;
use crate::sim::Scenario;

use super::knob::KnobControl;
use super::preset_picker::PresetPicker;
use super::seed_input::SeedInput;
use super::settings::{base_scenario, display_value, knobs_in, scenario_json};

/// Groups in the order a lesson reaches for them: what runs (the workload is in Run), then
/// what protects it, then the world around it. The first ones start open.
const GROUPS: [(KnobGroup, bool); 10] = [
    (KnobGroup::Run, true),
    (KnobGroup::Protection, true),
    (KnobGroup::Messaging, true),
    (KnobGroup::Stream, true),
    (KnobGroup::Saga, true),
    (KnobGroup::Client, true),
    (KnobGroup::Network, true),
    (KnobGroup::Faults, false),
    (KnobGroup::Server, false),
    (KnobGroup::World, false),
];

#[derive(Properties, PartialEq)]
pub struct ControlPanelProps {
    pub preset: Option<&'static str>,
    pub scenario: Scenario,
    pub errors: BTreeMap<String, String>,
    pub drafts: BTreeMap<String, String>,
    pub on_select_preset: Callback<String>,
    pub on_knob: Callback<(&'static str, String)>,
    /// Opens a control's help.
    pub on_help: Callback<&'static str>,
}

#[component(ControlPanel)]
pub fn control_panel(props: &ControlPanelProps) -> Html {
    let json = use_memo(props.scenario.clone(), scenario_json);
    let modified = props.preset.is_some() && base_scenario(props.preset) != props.scenario;
    let error_of = |path: &str| props.errors.get(path).map(|e| AttrValue::from(e.clone()));
    let on_seed = {
        let on_knob = props.on_knob.clone();
        Callback::from(move |raw: String| on_knob.emit(("seed", raw)))
    };
    let seed_value = props
        .drafts
        .get("seed")
        .cloned()
        .unwrap_or_else(|| props.scenario.seed.to_string());
    let pending = !props.errors.is_empty();
    let workload = props.scenario.workload;

    html! {
        <aside class="controls panel" aria-labelledby="controls-title">
            <h2 id="controls-title">{ "Configuration" }</h2>
            <PresetPicker selected={props.preset} {modified} on_select={props.on_select_preset.clone()} />
            <SeedInput value={seed_value} error={error_of("seed")} on_change={on_seed} />
            if pending {
                <p class="not-run" role="status">{ "Not run: fix the highlighted setting. The diagram still shows the last valid run." }</p>
            }
            { for GROUPS.iter().filter(|&&(group, _)| knobs_in(group, workload).next().is_some()).map(|&(group, open)| html! {
                <details class="knob-group" {open}>
                    <summary>{ group.title() }</summary>
                    { for knobs_in(group, workload).map(|knob| {
                        let value = props.drafts.get(knob.path).cloned()
                            .unwrap_or_else(|| display_value(knob, &json));
                        html! {
                            <KnobControl key={knob.path} path={knob.path} value={value}
                                error={error_of(knob.path)} on_change={props.on_knob.clone()}
                                on_help={props.on_help.clone()} />
                        }
                    }) }
                </details>
            }) }
        </aside>
    }
}
