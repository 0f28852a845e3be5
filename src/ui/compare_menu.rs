//! "Compare…": one click makes the run on screen A and opens B beside it with the
//! protection picked here toggled, or under a named protection set.

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::protection_sets::PROTECTION_SETS;
use crate::sim::Scenario;

use super::compare_settings::{toggles, CompareB};

#[derive(Properties, PartialEq)]
pub struct CompareMenuProps {
    pub scenario: Scenario,
    pub on_compare: Callback<CompareB>,
}

fn close(menu: &NodeRef) {
    if let Some(details) = menu.cast::<web_sys::Element>() {
        let _ = details.remove_attribute("open");
    }
}

#[component(CompareMenu)]
pub fn compare_menu(props: &CompareMenuProps) -> Html {
    let menu = use_node_ref();
    {
        // A click anywhere else closes the menu, as menus do.
        let menu = menu.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "click", move |event| {
                    let inside = event
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                        .zip(menu.cast::<web_sys::Node>())
                        .is_some_and(|(target, details)| details.contains(Some(&target)));
                    if !inside {
                        close(&menu);
                    }
                })
            });
            move || drop(listener)
        });
    }
    let on_key = {
        let menu = menu.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                close(&menu);
            }
        })
    };
    let pick = |b: CompareB| {
        let on_compare = props.on_compare.clone();
        let menu = menu.clone();
        Callback::from(move |_: MouseEvent| {
            close(&menu);
            on_compare.emit(b)
        })
    };
    html! {
        <details class="compare-menu" ref={menu.clone()} onkeydown={on_key}>
            <summary class="button" data-testid="compare-menu">{ "Compare…" }</summary>
            <div class="compare-menu-list" role="group" aria-label="Compare this run with">
                <p class="hint">{ "This run is A. B is the same seed, workload and faults with:" }</p>
                { for toggles(&props.scenario).into_iter().map(|(knob, on)| {
                    let b = CompareB::Toggle(knob.path);
                    html! {
                        <button type="button" class="button" onclick={pick(b)} data-testid={format!("compare-{}", b.name())}>
                            { format!("{} {}", knob.label, if on { "off" } else { "on" }) }
                        </button>
                    }
                }) }
                <p class="hint">{ "or with a named protection set:" }</p>
                { for PROTECTION_SETS.iter().take(2).map(|set| {
                    let b = CompareB::Set(set.name);
                    html! {
                        <button type="button" class="button" title={set.description} onclick={pick(b)}
                            data-testid={format!("compare-{}", b.name())}>{ format!("set “{}”", set.name) }</button>
                    }
                }) }
            </div>
        </details>
    }
}
