//! The seed: one number drives every random choice of a run.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::controlled::use_controlled_value;

#[derive(Properties, PartialEq)]
pub struct SeedInputProps {
    pub value: AttrValue,
    pub error: Option<AttrValue>,
    pub on_change: Callback<String>,
}

/// A fresh seed for the "New seed" button (user-side randomness, never inside the model).
fn random_seed() -> u64 {
    let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    // Keep it below 2^53 so it stays exact wherever JavaScript reads it.
    (high << 32 | low) & ((1 << 53) - 1)
}

#[component(SeedInput)]
pub fn seed_input(props: &SeedInputProps) -> Html {
    let input_ref = use_controlled_value(props.value.clone());
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on_change.emit(input.value());
    });
    let on_change = props.on_change.clone();
    let new_seed = Callback::from(move |_: MouseEvent| on_change.emit(random_seed().to_string()));
    let invalid = props.error.is_some().then_some("true");
    html! {
        <div class={classes!("knob", "seed", props.error.is_some().then_some("has-error"))}>
            <label for="seed-input">{ "Seed" }</label>
            <span class="seed-row">
                <input id="seed-input" type="text" inputmode="numeric" data-testid="seed" ref={input_ref}
                    value={props.value.clone()} {onchange} aria-invalid={invalid}
                    aria-describedby={props.error.as_ref().map(|_| "seed-error")} />
                <button type="button" class="button" onclick={new_seed}>{ "New seed" }</button>
            </span>
            if let Some(error) = &props.error {
                <p id="seed-error" class="knob-error">{ error.clone() }</p>
            }
        </div>
    }
}
