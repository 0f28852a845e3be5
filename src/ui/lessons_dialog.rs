//! The list of lessons, each with whether it was finished, and the glossary: every term
//! the lessons and controls use, with its source.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::glossary::GLOSSARY;
use crate::sim::lessons::lessons;

use super::state::Action;

#[derive(Properties, PartialEq)]
pub struct LessonsDialogProps {
    /// Ids of the lessons finished.
    pub done: Vec<String>,
    pub on_action: Callback<Action>,
}

#[component(LessonsDialog)]
pub fn lessons_dialog(props: &LessonsDialogProps) -> Html {
    let close_button = use_node_ref();
    {
        let close_button = close_button.clone();
        use_effect_with((), move |_| {
            // Focus moves into the dialog, and back to where it was when it closes.
            let previous = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(button) = close_button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
            move || {
                if let Some(element) = previous {
                    let _ = element.focus();
                }
            }
        });
    }
    let on_action = props.on_action.clone();
    let close = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::ToggleLessons))
    };
    let on_key = {
        let on_action = on_action.clone();
        Callback::from(move |event: KeyboardEvent| {
            // The app's shortcuts would act behind the dialog.
            event.stop_propagation();
            if event.key() == "Escape" {
                event.prevent_default();
                on_action.emit(Action::ToggleLessons);
            }
        })
    };
    let reset = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::ResetLessonProgress))
    };
    let finished = |id: &str| props.done.iter().any(|d| d == id);
    html! {
        <div class="overlay" onkeydown={on_key}>
            <div class="lessons-dialog panel" role="dialog" aria-modal="true" aria-labelledby="lessons-title" data-testid="lessons">
                <h2 id="lessons-title">{ "Lessons" }</h2>
                <p class="hint">{ "Each lesson starts with an anomaly in a real run and ends with the protection that removes it and what it costs. The diagram's cursor moves to the moment each step talks about." }</p>
                <ol class="lesson-list">
                    { for lessons().into_iter().map(|l| {
                        let on_action = on_action.clone();
                        let id = l.id;
                        let done = finished(id);
                        html! {
                            <li class={classes!("lesson-entry", done.then_some("done"))}>
                                <button type="button" class="button lesson-start" data-testid={format!("lesson-{id}")}
                                    onclick={Callback::from(move |_: MouseEvent| on_action.emit(Action::StartLesson(id.to_string(), 0)))}>
                                    <span class="lesson-number">{ l.number }</span>
                                    <span class="lesson-name">{ l.title }</span>
                                    if done { <span class="badge badge-ok">{ "done" }</span> }
                                </button>
                            </li>
                        }
                    }) }
                </ol>
                <details class="glossary" data-testid="glossary">
                    <summary>{ "Glossary" }</summary>
                    <dl>
                        { for GLOSSARY.iter().map(|t| html! {
                            <div class="term" id={format!("term-{}", t.term.replace(' ', "-").to_ascii_lowercase())}>
                                <dt>{ t.term }</dt>
                                <dd>{ t.definition }<span class="term-source">{ format!(" Source: {}.", t.source) }</span></dd>
                            </div>
                        }) }
                    </dl>
                </details>
                <div class="lessons-buttons">
                    <button type="button" class="button" onclick={reset} disabled={props.done.is_empty()}>{ "Reset progress" }</button>
                    <button type="button" class="button primary" ref={close_button} onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
