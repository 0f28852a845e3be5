//! A control's help, opened with the "?" beside it: what the control sets, the glossary
//! term that explains it (with its source), and the whole glossary. On a phone, where a
//! hovered title never shows, this is where a control's help is read.

use yew::prelude::*;

use crate::sim::knob_terms::term_of_knob;

use super::dialog_focus::use_dialog_focus;
use super::glossary_list::GlossaryList;
use super::knob::help_text;
use super::settings::knob;

#[derive(Properties, PartialEq)]
pub struct ControlHelpProps {
    /// The control's path in `KNOBS`.
    pub path: &'static str,
    pub on_close: Callback<()>,
}

#[component(ControlHelp)]
pub fn control_help(props: &ControlHelpProps) -> Html {
    let close_button = use_node_ref();
    use_dialog_focus(close_button.clone());
    let Some(knob) = knob(props.path) else {
        return Html::default();
    };
    let term = term_of_knob(props.path);
    let on_close = props.on_close.clone();
    let close = on_close.reform(|_: MouseEvent| ());
    let on_key = Callback::from(move |event: KeyboardEvent| {
        // The app's shortcuts would act behind the dialog.
        event.stop_propagation();
        if event.key() == "Escape" {
            event.prevent_default();
            on_close.emit(());
        }
    });
    html! {
        <div class="overlay" onkeydown={on_key}>
            <div class="control-help panel" role="dialog" aria-modal="true" aria-labelledby="control-help-title"
                data-testid="control-help">
                <h2 id="control-help-title">{ knob.label }</h2>
                <p class="control-help-text">{ help_text(knob) }</p>
                if let Some(term) = term {
                    <section class="control-help-term" aria-labelledby="control-help-term" data-testid="control-help-term">
                        <h3 id="control-help-term">{ format!("Glossary: {}", term.term) }</h3>
                        <p>{ term.definition }</p>
                        <p class="term-source">{ format!("Source: {}.", term.source) }</p>
                    </section>
                }
                <details class="glossary" data-testid="glossary">
                    <summary>{ "All glossary terms" }</summary>
                    <GlossaryList marked={term.map(|t| t.term)} />
                </details>
                <div class="lessons-buttons">
                    <button type="button" class="button primary" ref={close_button} onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
