//! One setting of the control panel, generated from its row of `KNOBS`.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::sim::config::{choice_label, Knob, KnobKind};
use crate::sim::units::{format_duration, format_exact, parse_duration};

use super::controlled::{use_controlled_checked, use_controlled_value};
use super::settings::{knob, knob_dom_id, knob_test_id};

/// Said under every duration: old links and habits typed bare milliseconds.
const DURATION_HINT: &str =
    "Type a duration such as 5 s, 300 ms, 1 min 30 s or 24 h; a bare number means milliseconds.";

#[derive(Properties, PartialEq)]
pub struct KnobProps {
    /// The knob's dotted path in `KNOBS`.
    pub path: &'static str,
    /// The text the input shows (the current value, or a rejected draft).
    pub value: AttrValue,
    pub error: Option<AttrValue>,
    /// Emits `(path, raw value)`.
    pub on_change: Callback<(&'static str, String)>,
    /// Opens the control's help (the "?" beside its label).
    pub on_help: Callback<&'static str>,
}

/// A control's help sentence (durations say how to type one).
pub fn help_text(knob: &Knob) -> String {
    match knob.kind {
        KnobKind::Duration { .. } => format!("{} {DURATION_HINT}", knob.help),
        _ => knob.help.to_string(),
    }
}

fn number_attributes(kind: KnobKind) -> (String, String, String) {
    match kind {
        KnobKind::Probability => ("0".into(), "1".into(), "0.01".into()),
        KnobKind::Count { min, max } => (min.to_string(), max.to_string(), "1".into()),
        KnobKind::Signed { min, max } => (min.to_string(), max.to_string(), "1".into()),
        KnobKind::Duration { .. } | KnobKind::Bool | KnobKind::Choice(_) => {
            (String::new(), String::new(), String::new())
        }
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
    let help_test_id = format!("help-{test_id}");
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
                        <option value={*option} selected={props.value == *option}>
                            { choice_label(option).unwrap_or(option) }
                        </option>
                    }) }
                </select>
            }
        }
        KnobKind::Duration { min, max } => {
            let on_change = props.on_change.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                on_change.emit((path, input.value()));
            });
            // The field shows the value in human units; the tooltip gives it exactly (a
            // rejected draft has no exact value, so it gets the allowed range instead).
            let title = parse_duration(&props.value).map_or_else(
                |_| format!("{} to {}", format_duration(min), format_duration(max)),
                format_exact,
            );
            html! {
                <input type="text" inputmode="text" class="duration-field" id={id.clone()} data-testid={test_id}
                    value={props.value.clone()} ref={value_ref} aria-describedby={described_by}
                    aria-invalid={invalid} {title} spellcheck="false" autocomplete="off" {onchange} />
            }
        }
        kind => {
            let (min, max, step) = number_attributes(kind);
            let on_change = props.on_change.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                on_change.emit((path, input.value()));
            });
            html! {
                <span class="number-field">
                    <input type="number" id={id.clone()} data-testid={test_id} {min} {max} {step}
                        value={props.value.clone()} ref={value_ref} aria-describedby={described_by}
                        aria-invalid={invalid} {onchange} />
                </span>
            }
        }
    };
    let help = help_text(knob);
    let on_help = props.on_help.reform(move |_: MouseEvent| path);
    html! {
        <div class={classes!("knob", matches!(knob.kind, KnobKind::Bool).then_some("knob-bool"), props.error.is_some().then_some("has-error"))}
            title={help.clone()}>
            <span class="knob-name">
                <label for={id}>{ knob.label }</label>
                // Named without the setting's label: a search by label finds the setting only.
                <button type="button" class="knob-help" aria-label="Explain this setting"
                    title={format!("{}: help and glossary", knob.label)}
                    data-testid={help_test_id} onclick={on_help}>{ "?" }</button>
            </span>
            { control }
            <span id={help_id} class="visually-hidden">{ help }</span>
            if let Some(error) = &props.error {
                <p id={error_id} class="knob-error">{ error.clone() }</p>
            }
        </div>
    }
}
