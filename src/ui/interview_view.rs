//! Interview mode: a question's number and setup, the candidate's answer (the anomaly
//! kinds that will appear, the protections that remove them), Reveal, and then the score
//! and the run (the app's diagram, handed in as children). Nothing of the answer is on
//! the page before the reveal.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::interview::{choices, predictable, Question, Score};
use crate::sim::protection_sets::protection_set;

use super::browser;
use super::interview_link::{parse_number, InterviewLink, MAX_QUESTION};
use super::interview_score::{set_title, InterviewScore};
use super::interview_setup::InterviewSetup;
use super::state::{Action, InterviewAction, NoticeLevel};

#[derive(Properties, PartialEq)]
pub struct InterviewViewProps {
    pub link: InterviewLink,
    pub question: Rc<Question>,
    pub score: Option<Rc<Score>>,
    pub on_action: Callback<Action>,
    pub on_notify: Callback<(NoticeLevel, String)>,
    /// The question's run, shown once revealed.
    #[prop_or_default]
    pub children: Html,
}

/// Copy `link` (an interview's fragment) as a full URL, and say so.
fn copy_link(
    link: &InterviewLink,
    what: &'static str,
    on_notify: &Callback<(NoticeLevel, String)>,
) -> Callback<MouseEvent> {
    let link = link.clone();
    let on_notify = on_notify.clone();
    Callback::from(move |_: MouseEvent| {
        let url = format!(
            "{}#{}",
            browser::page_url_without_fragment(),
            link.fragment()
        );
        let on_notify = on_notify.clone();
        let shown = url.clone();
        browser::copy_text(
            &url,
            Callback::from(move |result: Result<(), String>| {
                on_notify.emit(match result {
                    Ok(()) => (NoticeLevel::Info, format!("Link copied: {what}.")),
                    Err(_) => (
                        NoticeLevel::Info,
                        format!("Copy this link ({what}): {shown}"),
                    ),
                })
            }),
        );
    })
}

#[component(InterviewView)]
pub fn interview_view(props: &InterviewViewProps) -> Html {
    let link = &props.link;
    let number = link.number;
    let revealed = link.revealed;
    let workload = props.question.scenario.workload;
    let interview = {
        let on_action = props.on_action.clone();
        move |action: InterviewAction| on_action.emit(Action::Interview(action))
    };
    let number_field = use_node_ref();
    let open_number = {
        let number_field = number_field.clone();
        let interview = interview.clone();
        let on_notify = props.on_notify.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let raw = number_field
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            match parse_number(&raw) {
                Ok(n) => interview(InterviewAction::Open(n)),
                Err(e) => {
                    on_notify.emit((NoticeLevel::Error, format!("No question '{raw}': {e}.")))
                }
            }
        })
    };
    let next = {
        let interview = interview.clone();
        Callback::from(move |_: MouseEvent| {
            interview(InterviewAction::Open(number % MAX_QUESTION + 1))
        })
    };
    let reveal = {
        let interview = interview.clone();
        Callback::from(move |_: MouseEvent| interview(InterviewAction::Reveal))
    };
    // Reveal plays the run from its start, above the question and the score: bring it into
    // view (the Reveal button may be far down the page on a phone).
    let was_revealed = use_mut_ref(|| revealed);
    use_effect_with(revealed, move |&revealed| {
        let before = std::mem::replace(&mut *was_revealed.borrow_mut(), revealed);
        if revealed && !before {
            let run = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(".interview-run").ok().flatten());
            if let Some(run) = run {
                run.scroll_into_view_with_bool(true);
            }
        }
    });
    let question_only = copy_link(
        &InterviewLink::question(number),
        "the question, without its answer",
        &props.on_notify,
    );
    let with_answer = copy_link(
        link,
        "the question with this answer and the reveal",
        &props.on_notify,
    );
    html! {
        <div class="interview" data-testid="interview">
            <section class="panel interview-question" aria-labelledby="question-title">
                <div class="question-head">
                    <h2 id="question-title" data-testid="question-title">{ format!("Question {number}") }</h2>
                    <form class="question-number" onsubmit={open_number}>
                        <label for="question-number">{ "Question number" }</label>
                        <input id="question-number" type="number" min="1" max={MAX_QUESTION.to_string()} step="1"
                            value={number.to_string()} ref={number_field} data-testid="question-number" />
                        <button type="submit" class="button">{ "Open" }</button>
                    </form>
                    <button type="button" class="button" onclick={next} data-testid="new-question">{ "New question" }</button>
                </div>
                if !revealed {
                    <p class="hint">{ "Predict which anomalies this run will show, then choose the protections that remove them at the lowest cost. Nothing runs until you reveal." }</p>
                }
                <InterviewSetup question={props.question.clone()} />
                <div class="share">
                    <button type="button" class="button" onclick={question_only} data-testid="copy-question">{ "Copy question link" }</button>
                    if revealed {
                        <button type="button" class="button" onclick={with_answer} data-testid="copy-reveal">{ "Copy link with the reveal" }</button>
                    }
                </div>
            </section>
            if revealed {
                <InterviewScore question={props.question.clone()} score={props.score.clone()} />
            } else {
                <section class="panel interview-answer" aria-labelledby="answer-title">
                    <h2 id="answer-title">{ "Your answer" }</h2>
                    <fieldset>
                        <legend>{ "Which anomalies will this run show?" }</legend>
                        <div class="answer-options">
                            { for predictable(workload).map(|kind| {
                                let interview = interview.clone();
                                let checked = link.predicted.contains(&kind);
                                html! {
                                    <label class="answer-option">
                                        <input type="checkbox" {checked} data-testid={format!("predict-{}", kind.name())}
                                            onchange={Callback::from(move |_: Event| interview(InterviewAction::Predict(kind)))} />
                                        { kind.title() }
                                    </label>
                                }
                            }) }
                        </div>
                    </fieldset>
                    <fieldset>
                        <legend>{ "Which protections remove them at the lowest cost?" }</legend>
                        <p class="hint">{ "Your choice replaces the protections configured." }</p>
                        <div class="answer-options">
                            { for choices(workload).iter().map(|&name| {
                                let interview = interview.clone();
                                let checked = link.protections.contains(&name);
                                let description = protection_set(name).map_or("", |s| s.description);
                                html! {
                                    <label class="answer-option">
                                        <input type="checkbox" {checked} data-testid={format!("protect-{name}")}
                                            onchange={Callback::from(move |_: Event| interview(InterviewAction::Protect(name)))} />
                                        <span>{ set_title(name) }<span class="option-hint">{ description }</span></span>
                                    </label>
                                }
                            }) }
                        </div>
                    </fieldset>
                    <button type="button" class="button primary reveal-button" onclick={reveal} data-testid="reveal">{ "Reveal" }</button>
                </section>
            }
            if revealed {
                { props.children.clone() }
            }
        </div>
    }
}
