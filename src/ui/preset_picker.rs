//! The preset picker: every preset with its description.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::settings::{catalog, find_preset};

#[derive(Properties, PartialEq)]
pub struct PresetPickerProps {
    pub selected: Option<&'static str>,
    /// The configuration differs from the selected preset.
    pub modified: bool,
    pub on_select: Callback<String>,
}

#[component(PresetPicker)]
pub fn preset_picker(props: &PresetPickerProps) -> Html {
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
            <select id="preset-select" data-testid="preset" {onchange} aria-describedby="preset-description">
                if props.selected.is_none() {
                    <option value="" selected=true disabled=true>{ "custom" }</option>
                }
                { for catalog().iter().map(|preset| html! {
                    <option value={preset.name} selected={props.selected == Some(preset.name)}>
                        { preset.name }
                    </option>
                }) }
            </select>
            <p id="preset-description" class="preset-description">
                if props.modified { <span class="badge badge-info">{ "modified" }</span>{ " " } }
                { description }
            </p>
        </div>
    }
}
