//! The preset picker: every preset by its plain title, grouped by the problem it shows,
//! each followed by its protected twin; the preset's description below it.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::sim::scenarios::{preset_title, Preset, GROUPS};

use super::controlled::use_controlled_value;
use super::settings::{catalog, find_preset};

#[derive(Properties, PartialEq)]
pub struct PresetPickerProps {
    pub selected: Option<&'static str>,
    /// The configuration differs from the selected preset.
    pub modified: bool,
    pub on_select: Callback<String>,
}

/// The presets of one group, each problem followed by its protected twin, with their
/// plain titles; presets no group lists (none, normally) come last under "Other".
fn options_of(names: &[&'static str], selected: Option<&str>) -> Html {
    html! {
        { for names.iter().filter_map(|&name| find_preset(name)).flat_map(|p| {
            let twin = format!("{}-protected", p.name);
            std::iter::once(p).chain(find_preset(&twin))
        }).map(|preset| html! {
            <option value={preset.name} selected={selected == Some(preset.name)}>
                { preset_title(preset.name).unwrap_or_else(|| preset.name.to_string()) }
            </option>
        }) }
    }
}

fn ungrouped() -> Vec<&'static str> {
    catalog()
        .iter()
        .map(|p: &Preset| p.name)
        .filter(|name| !name.ends_with("-protected") && preset_title(name).is_none())
        .collect()
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
                { for GROUPS.iter().map(|group| {
                    let names: Vec<&'static str> = group.presets.iter().map(|&(name, _)| name).collect();
                    html! { <optgroup label={group.title}>{ options_of(&names, props.selected) }</optgroup> }
                }) }
                if !ungrouped().is_empty() {
                    <optgroup label="Other">{ options_of(&ungrouped(), props.selected) }</optgroup>
                }
            </select>
            <p id="preset-description" class="preset-description">
                if props.modified { <span class="badge badge-info">{ "modified" }</span>{ " " } }
                { description }
            </p>
        </div>
    }
}
