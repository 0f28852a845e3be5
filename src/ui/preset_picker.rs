//! The preset picker: every preset with its description.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::sim::scenarios::Preset;

use super::controlled::use_controlled_value;
use super::settings::{catalog, find_preset};

#[derive(Properties, PartialEq)]
pub struct PresetPickerProps {
    pub selected: Option<&'static str>,
    /// The configuration differs from the selected preset.
    pub modified: bool,
    pub on_select: Callback<String>,
}

/// The picker's groups: the presets that show a problem, then their protected variants.
const GROUPS: [(&str, bool); 2] = [
    ("Problems", false),
    ("The same, with every protection on", true),
];

fn presets_in_group(protected: bool) -> impl Iterator<Item = &'static Preset> {
    catalog()
        .iter()
        .filter(move |p| p.name.ends_with("-protected") == protected)
}

#[component(PresetPicker)]
pub fn preset_picker(props: &PresetPickerProps) -> Html {
    let select_ref = use_controlled_value(AttrValue::from(props.selected.unwrap_or("")));
    let on_select = props.on_select.clone();
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        on_select.emit(select.value());
    });
    let description = props.selected.and_then(find_preset).map_or(
        "A custom configuration (imported, or from a link without a preset).",
        |p| p.description,
    );
    html! {
        <div class="preset-picker">
            <label for="preset-select">{ "Preset" }</label>
            <select id="preset-select" data-testid="preset" ref={select_ref} {onchange} aria-describedby="preset-description">
                if props.selected.is_none() {
                    <option value="" selected=true disabled=true>{ "custom" }</option>
                }
                { for GROUPS.iter().map(|&(label, protected)| html! {
                    <optgroup {label}>
                        { for presets_in_group(protected).map(|preset| html! {
                            <option value={preset.name} selected={props.selected == Some(preset.name)}>
                                { preset.name }
                            </option>
                        }) }
                    </optgroup>
                }) }
            </select>
            <p id="preset-description" class="preset-description">
                if props.modified { <span class="badge badge-info">{ "modified" }</span>{ " " } }
                { description }
            </p>
        </div>
    }
}
