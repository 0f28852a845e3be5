//! The list of lessons, each with whether it was finished, and the glossary: every term
//! the lessons and controls use, with its source.

use yew::prelude::*;

use crate::sim::lessons::lessons;

use super::dialog_focus::use_dialog_focus;
use super::glossary_list::GlossaryList;
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
    use_dialog_focus(close_button.clone());
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
                    <GlossaryList />
                </details>
                <div class="lessons-buttons">
                    <button type="button" class="button" onclick={reset} disabled={props.done.is_empty()}>{ "Reset progress" }</button>
                    <button type="button" class="button primary" ref={close_button} onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
