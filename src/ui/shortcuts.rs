//! The keyboard shortcuts: which key asks for which action, depending on where the focus is.

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};

use super::state::Action;

/// Where the focus is, as far as the shortcuts care.
enum FocusKind {
    /// A field that takes typed text: every key belongs to it.
    TextEntry,
    /// A button, link or disclosure, or a checkbox reached with the keyboard: Space (and
    /// Enter on a button) activates it.
    Activates,
    /// Anything else (the page, the diagram, a dropdown, the slider, a clicked checkbox).
    Other,
}

/// How the focus last arrived: a checkbox focused by a click keeps Space for Play, so a
/// teacher can click a protection and then press Space; one reached with Tab toggles with
/// Space, as everywhere. (`:focus-visible` cannot tell: any key press turns it on.)
#[derive(Default)]
pub struct FocusOrigin {
    pointer_pressed: bool,
    focused_by_pointer: Option<Element>,
}

impl FocusOrigin {
    pub fn pointer_down(&mut self) {
        self.pointer_pressed = true;
    }

    pub fn focus_in(&mut self, target: Option<Element>) {
        self.focused_by_pointer = if self.pointer_pressed { target } else { None };
        self.pointer_pressed = false;
    }

    pub fn key_down(&mut self) {
        self.pointer_pressed = false;
    }

    fn clicked(&self, element: &Element) -> bool {
        self.focused_by_pointer.as_ref() == Some(element)
    }
}

fn focus_kind(event: &KeyboardEvent, origin: &FocusOrigin) -> FocusKind {
    let Some(element) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return FocusKind::Other;
    };
    let input_type = element.get_attribute("type").unwrap_or_default();
    match element.tag_name().to_ascii_lowercase().as_str() {
        "textarea" => FocusKind::TextEntry,
        "input" => match input_type.as_str() {
            "checkbox" | "radio" if origin.clicked(&element) => FocusKind::Other,
            "checkbox" | "radio" => FocusKind::Activates,
            "range" | "button" | "submit" | "file" => FocusKind::Other,
            _ => FocusKind::TextEntry,
        },
        "button" | "a" | "summary" | "label" => FocusKind::Activates,
        _ if element.get_attribute("contenteditable").is_some() => FocusKind::TextEntry,
        _ => FocusKind::Other,
    }
}

/// The action a key press asks for, if any. Keys typed into a text field belong to the
/// field; Space and Enter on a button belong to the button; everything else is a shortcut,
/// also while a dropdown, the slider or a clicked checkbox has the focus.
pub fn shortcut(event: &KeyboardEvent, origin: &FocusOrigin) -> Option<Action> {
    if event.ctrl_key() || event.meta_key() || event.alt_key() {
        return None;
    }
    let key = event.key();
    if key == "Escape" {
        return Some(Action::Escape);
    }
    let focus = focus_kind(event, origin);
    if matches!(focus, FocusKind::TextEntry) {
        return None;
    }
    match key.as_str() {
        " " if !matches!(focus, FocusKind::Activates) => Some(Action::TogglePlay),
        "ArrowRight" => Some(Action::StepForward),
        "ArrowLeft" => Some(Action::StepBack),
        "Home" => Some(Action::Seek(0)),
        "End" => Some(Action::Seek(usize::MAX)),
        "n" | "N" => Some(Action::NextAnomaly),
        "p" | "P" => Some(Action::TogglePresentation),
        "a" | "A" => Some(Action::ToggleShowAll),
        "?" => Some(Action::ToggleHelp),
        "+" | "=" => Some(Action::ZoomIn),
        "-" | "_" => Some(Action::ZoomOut),
        _ => None,
    }
}
