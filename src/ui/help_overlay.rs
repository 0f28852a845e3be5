//! The keyboard shortcuts, in a dialog opened with `?` and closed with Escape.

use yew::prelude::*;

use super::dialog_focus::use_dialog_focus;

#[derive(Properties, PartialEq)]
pub struct HelpOverlayProps {
    pub on_close: Callback<()>,
}

const SHORTCUTS: [(&str, &str); 12] = [
    ("Space", "Play or pause"),
    ("→", "Step to the next event"),
    ("←", "Step back to the previous event"),
    ("Home", "Go to the start of the run"),
    ("End", "Go to the end of the run"),
    (
        "n",
        "Jump to the next anomaly and highlight its causal chain",
    ),
    (
        "a",
        "Anomalies: the whole run's totals, or only those the cursor has passed",
    ),
    ("+", "Zoom in (narrower time window)"),
    ("−", "Zoom out"),
    ("p", "Presentation mode on or off"),
    ("?", "Show or hide this help"),
    ("Escape", "Close this help, or leave presentation mode"),
];

#[component(HelpOverlay)]
pub fn help_overlay(props: &HelpOverlayProps) -> Html {
    let close_button = use_node_ref();
    use_dialog_focus(close_button.clone());
    let on_close = props.on_close.clone();
    let close = Callback::from(move |_: MouseEvent| on_close.emit(()));
    // The Close button is the dialog's only control: Tab keeps the focus on it.
    let keep_focus = Callback::from(|event: KeyboardEvent| {
        if event.key() == "Tab" {
            event.prevent_default();
        }
    });
    html! {
        <div class="overlay">
            <div class="help-dialog panel" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help"
                onkeydown={keep_focus}>
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <dl class="shortcuts">
                    { for SHORTCUTS.iter().map(|(key, what)| html! {
                        <div class="fact"><dt><kbd>{ *key }</kbd></dt><dd>{ *what }</dd></div>
                    }) }
                </dl>
                <p class="hint">{ "Shortcuts work everywhere except while you type in a text or number field, also when a dropdown, the time slider or a checkbox has the focus. Space and Enter press a focused button, and Space toggles a checkbox you reached with Tab. Hover a message in the diagram for its details; click an explanation to see its causal chain." }</p>
                <button type="button" class="button primary" ref={close_button} onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
