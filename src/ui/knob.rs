//! One setting of the control panel, generated from its row of `KNOBS`.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::sim::config::KnobKind;

use super::controlled::{use_controlled_checked, use_controlled_value};
use super::settings::{knob, knob_dom_id, knob_test_id, micros_as_millis};

#[derive(Properties, PartialEq)]
pub struct KnobProps {
    /// The knob's dotted path in `KNOBS`.
    pub path: &'static str,
    /// The text the input shows (the current value, or a rejected draft).
    pub value: AttrValue,
    pub error: Option<AttrValue>,
    /// Emits `(path, raw value)`.
    pub on_change: Callback<(&'static str, String)>,
}

fn number_attributes(kind: KnobKind) -> (String, String, String) {
    match kind {
        KnobKind::Probability => ("0".into(), "1".into(), "0.01".into()),
        KnobKind::Duration { min, max } => {
            (micros_as_millis(min), micros_as_millis(max), "any".into())
        }
        KnobKind::Count { min, max } => (min.to_string(), max.to_string(), "1".into()),
        KnobKind::Signed { min, max } => (min.to_string(), max.to_string(), "1".into()),
        KnobKind::Bool | KnobKind::Choice(_) => (String::new(), String::new(), String::new()),
    }
}

#[component(KnobControl)]
pub fn knob_control(props: &KnobProps) -> Html {
    let value_ref = use_controlled_value(props.value.clone());
    let checked_ref = use_controlled_checked(props.value == "true");
    let Some(knob) = knob(props.path) else {
        return html! {};
    };
    let id = knob_dom_id(knob.path);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described_by = if props.error.is_some() {
        format!("{help_id} {error_id}")
    } else {
        help_id.clone()
    };
    let test_id = knob_test_id(knob);
    let path = knob.path;
    let invalid = props.error.is_some().then_some("true");

    let control = match knob.kind {
        KnobKind::Bool => {
            let on_change = props.on_change.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                on_change.emit((path, input.checked().to_string()));
            });
            html! {
                <input type="checkbox" class="toggle" id={id.clone()} data-testid={test_id}
                    checked={props.value == "true"} ref={checked_ref} aria-describedby={described_by}
                    aria-invalid={invalid} {onchange} />
            }
        }
        KnobKind::Choice(options) => {
            let on_change = props.on_change.clone();
            let onchange = Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                on_change.emit((path, select.value()));
            });
            html! {
                <select id={id.clone()} data-testid={test_id} ref={value_ref} aria-describedby={described_by}
                    aria-invalid={invalid} {onchange}>
                    { for options.iter().map(|option| html! {
                        <option value={*option} selected={props.value == *option}>{ *option }</option>
                    }) }
                </select>
            }
        }
        kind => {
            let (min, max, step) = number_attributes(kind);
            let on_change = props.on_change.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                on_change.emit((path, input.value()));
            });
            let unit = matches!(kind, KnobKind::Duration { .. }).then_some("ms");
            html! {
                <span class="number-field">
                    <input type="number" id={id.clone()} data-testid={test_id} {min} {max} {step}
                        value={props.value.clone()} ref={value_ref} aria-describedby={described_by}
                        aria-invalid={invalid} {onchange} />
                    if let Some(unit) = unit { <span class="unit" aria-hidden="true">{ unit }</span> }
                </span>
            }
        }
    };
    let label = match knob.kind {
        KnobKind::Duration { .. } => format!("{} (ms)", knob.label),
        _ => knob.label.to_string(),
    };
    html! {
        <div class={classes!("knob", matches!(knob.kind, KnobKind::Bool).then_some("knob-bool"), props.error.is_some().then_some("has-error"))}
            title={knob.help}>
            <label for={id}>{ label }</label>
            { control }
            <span id={help_id} class="visually-hidden">{ knob.help }</span>
            if let Some(error) = &props.error {
                <p id={error_id} class="knob-error">{ error.clone() }</p>
            }
        </div>
    }
}
