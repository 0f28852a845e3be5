//! Controlled inputs: after every render a control's DOM property is set to the state's
//! value if the two differ. Yew diffs attributes against its own last render, not against
//! the DOM, so a dropdown or field the user has changed by hand would otherwise keep
//! showing its old choice after a preset, a link or Back changed the state.

use wasm_bindgen::JsValue;
use yew::prelude::*;

fn sync_property(node: &NodeRef, property: &str, wanted: &JsValue) {
    let Some(element) = node.get() else { return };
    let key = JsValue::from_str(property);
    let shown = js_sys::Reflect::get(&element, &key).unwrap_or(JsValue::UNDEFINED);
    if shown != *wanted {
        // A refused property write leaves the control as it was; the next render retries.
        let _ = js_sys::Reflect::set(&element, &key, wanted);
    }
}

/// A ref for a `<select>` or text-like `<input>` whose `value` always shows `value`.
#[hook]
pub fn use_controlled_value(value: AttrValue) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect(move || sync_property(&node, "value", &JsValue::from_str(&value)));
    }
    node
}

/// A ref for a checkbox whose `checked` always shows `checked`.
#[hook]
pub fn use_controlled_checked(checked: bool) -> NodeRef {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect(move || sync_property(&node, "checked", &JsValue::from_bool(checked)));
    }
    node
}
