//! Modal dialogs take the focus when they open and give it back when they close.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Focus `target` when the dialog opens, and the element that had the focus when it closes.
#[hook]
pub fn use_dialog_focus(target: NodeRef) {
    use_effect_with((), move |_| {
        let previous = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(element) = target.cast::<HtmlElement>() {
            let _ = element.focus();
        }
        move || {
            if let Some(element) = previous {
                let _ = element.focus();
            }
        }
    });
}
