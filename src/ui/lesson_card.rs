//! The open lesson's step, above the diagram: where we are, what the step says about the
//! run below (its cursor is already on the moment it talks about), Back and Next; on the
//! last step the lesson's summary, the lessons it builds on and its glossary terms.

use yew::prelude::*;

use crate::sim::lessons::{lesson, lessons};

use super::glossary_list::GlossaryList;
use super::state::{Action, LessonAt};

#[derive(Properties, PartialEq)]
pub struct LessonCardProps {
    pub at: LessonAt,
    /// The run on screen is the step's own (the settings were not changed since).
    pub matches: bool,
    pub on_action: Callback<Action>,
}

/// Text with `code` spans for what is between backticks.
pub fn with_code(text: &str) -> Html {
    html! {
        { for text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
            html! { <code>{ part.to_string() }</code> }
        } else {
            html! { { part.to_string() } }
        }) }
    }
}

#[component(LessonCard)]
pub fn lesson_card(props: &LessonCardProps) -> Html {
    let LessonAt { lesson: l, step } = props.at;
    let s = &l.steps[step];
    let last = step + 1 == l.steps.len();
    let total = lessons().len();
    let send = |action: fn() -> Action| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action()))
    };
    let again = {
        let on_action = props.on_action.clone();
        let id = l.id;
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::StartLesson(id.to_string(), step))
        })
    };
    html! {
        <section class="lesson-card panel" data-testid="lesson-card" aria-labelledby="lesson-title" aria-live="polite">
            <p class="lesson-kicker">
                { format!("Lesson {} of {total} · step {} of {}", l.number, step + 1, l.steps.len()) }
            </p>
            <h2 id="lesson-title">{ l.title }</h2>
            <h3 data-testid="lesson-step-title">{ s.title }</h3>
            <p class="lesson-text" data-testid="lesson-text">{ with_code(s.text) }</p>
            if !props.matches {
                <p class="hint lesson-changed">
                    { "You changed the settings: the text above is about this step's own run. " }
                    <button type="button" class="link-button" onclick={again}>{ "Back to this step's run" }</button>
                </p>
            }
            if last {
                <div class="lesson-summary" data-testid="lesson-summary">
                    <h3>{ "In short" }</h3>
                    <p>{ with_code(l.summary) }</p>
                    if !l.builds_on.is_empty() {
                        <p class="lesson-links">{ "Builds on: " }
                            { for l.builds_on.iter().filter_map(|id| lesson(id)).map(|earlier| {
                                let on_action = props.on_action.clone();
                                let id = earlier.id;
                                html! {
                                    <button type="button" class="link-button"
                                        onclick={Callback::from(move |_: MouseEvent| on_action.emit(Action::StartLesson(id.to_string(), 0)))}>
                                        { format!("{}. {}", earlier.number, earlier.title) }
                                    </button>
                                }
                            }) }
                        </p>
                    }
                </div>
            }
            if !l.terms.is_empty() {
                <details class="lesson-terms">
                    <summary>{ format!("Glossary: {}", l.terms.join(", ")) }</summary>
                    <GlossaryList only={Some(l.terms)} />
                </details>
            }
            <nav class="lesson-buttons" aria-label="Lesson steps">
                <button type="button" class="button" data-testid="lesson-back" disabled={step == 0}
                    onclick={send(|| Action::LessonStep(-1))}>{ "◀ Back" }</button>
                if last {
                    <button type="button" class="button primary" data-testid="lesson-next-lesson"
                        onclick={send(|| Action::NextLesson)}>{ "Next lesson ▶" }</button>
                } else {
                    <button type="button" class="button primary" data-testid="lesson-next"
                        onclick={send(|| Action::LessonStep(1))}>{ "Next ▶" }</button>
                }
                <button type="button" class="button" onclick={send(|| Action::ToggleLessons)}>{ "All lessons" }</button>
                <button type="button" class="button" data-testid="lesson-end" onclick={send(|| Action::EndLesson)}>{ "End lesson" }</button>
            </nav>
        </section>
    }
}
