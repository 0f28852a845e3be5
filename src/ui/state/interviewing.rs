//! Interview mode: the question on screen and the candidate's answer; the reveal, which
//! makes the question's run the run on screen (playing from the start) and asks a worker
//! for the trials the score needs; the score, judged here. Before the reveal the run on
//! screen is never the question's, and the keys that move through a run do nothing.

use std::rc::Rc;

use crate::sim::interview::{judge, question, Answer, Question, Score, Trial};
use crate::sim::oracle::AnomalyKind;
use crate::sim::Scenario;

use super::super::interview_link::InterviewLink;
use super::super::permalink::View;
use super::super::settings::{find_preset, validate_for_browser};
use super::running::Landing;
use super::{Action, AppState, NoticeLevel};

#[derive(Clone, Debug, PartialEq)]
pub struct InterviewState {
    /// The question's number, the answer, and whether it is revealed.
    pub link: InterviewLink,
    pub question: Rc<Question>,
    /// The trials asked of the worker.
    pub scoring: Option<PendingScore>,
    pub score: Option<Rc<Score>>,
    next_seq: u32,
}

impl Default for InterviewState {
    fn default() -> Self {
        InterviewState {
            link: InterviewLink::default(),
            question: Rc::new(question(1)),
            scoring: None,
            score: None,
            next_seq: 0,
        }
    }
}

/// The trials of a revealed answer, being computed.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingScore {
    pub seq: u32,
    pub number: u64,
    pub protections: Vec<&'static str>,
}

pub enum InterviewAction {
    /// Question `n`, not answered yet.
    Open(u64),
    /// Tick or untick an anomaly kind, or a protection.
    Predict(AnomalyKind),
    Protect(&'static str),
    Reveal,
    Scored {
        seq: u32,
        actual: Vec<AnomalyKind>,
        yours: Trial,
        cheapest: Option<Trial>,
    },
    ScoreFailed {
        seq: u32,
        message: String,
    },
}

fn toggle<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(i) => drop(list.remove(i)),
        None => list.push(item),
    }
}

impl AppState {
    pub(super) fn interview(&mut self, action: InterviewAction) {
        let answered = self.interview.link.revealed;
        let scoring = self.interview.scoring.as_ref().map(|p| p.seq);
        match action {
            InterviewAction::Open(n) => self.open_interview(InterviewLink::question(n)),
            InterviewAction::Predict(kind) if !answered => {
                toggle(&mut self.interview.link.predicted, kind)
            }
            InterviewAction::Protect(name) if !answered => {
                toggle(&mut self.interview.link.protections, name)
            }
            InterviewAction::Reveal if !answered => self.reveal(),
            InterviewAction::Scored {
                seq,
                actual,
                yours,
                cheapest,
            } if scoring == Some(seq) => {
                self.interview.scoring = None;
                let link = &self.interview.link;
                let answer = Answer {
                    predicted: link.predicted.clone(),
                    protections: link.protections.clone(),
                };
                let score = judge(actual, &answer, yours, cheapest);
                self.interview.score = Some(Rc::new(score));
            }
            InterviewAction::ScoreFailed { seq, message } if scoring == Some(seq) => {
                self.interview.scoring = None;
                self.notify(
                    NoticeLevel::Error,
                    format!("The answer could not be scored: {message}."),
                );
            }
            _ => {}
        }
    }

    /// Show an interview, as a link or the number field gives it.
    pub(super) fn open_interview(&mut self, link: InterviewLink) {
        self.view = View::Interview;
        self.interview.scoring = None;
        self.interview.score = None;
        self.interview.question = Rc::new(question(link.number));
        let revealed = link.revealed;
        self.interview.link = InterviewLink {
            revealed: false,
            ..link
        };
        if revealed {
            self.reveal();
        } else if self.scenario == self.interview.question.scenario {
            // The run on screen is this question's (revealed before, or the page's default):
            // the engine's default, which has no fault, takes its place.
            if let Ok(valid) = validate_for_browser(Scenario::default()) {
                self.request(None, &valid, Landing::Start);
            }
        }
    }

    /// An interview's link; what could not be used is said.
    pub(super) fn open_interview_link(&mut self, link: InterviewLink, problems: &[String]) {
        self.open_interview(link);
        if !problems.is_empty() {
            self.notify(
                NoticeLevel::Error,
                format!(
                    "Part of this interview link could not be used: {}.",
                    problems.join("; ")
                ),
            );
        }
    }

    /// Run the question and score the answer.
    fn reveal(&mut self) {
        self.show_question_run();
        self.interview.link.revealed = true;
        self.interview.next_seq = self.interview.next_seq.wrapping_add(1);
        self.interview.scoring = Some(PendingScore {
            seq: self.interview.next_seq,
            number: self.interview.link.number,
            protections: self.interview.link.protections.clone(),
        });
    }

    /// The question's run on screen, playing from the start.
    fn show_question_run(&mut self) {
        let q = self.interview.question.clone();
        match validate_for_browser(q.scenario.clone()) {
            Ok(valid) => {
                self.request(
                    find_preset(q.preset).map(|p| p.name),
                    &valid,
                    Landing::Start,
                );
                self.playing = true;
                self.last_tick_ms = None;
            }
            Err(e) => self.notify(
                NoticeLevel::Error,
                format!("Question {}'s run could not start: {e}.", q.number),
            ),
        }
    }

    /// Switch views; a revealed interview shows its run again if another replaced it.
    pub(super) fn show_view(&mut self, view: View) {
        self.view = view;
        if view == View::Interview
            && self.interview.link.revealed
            && self.scenario != self.interview.question.scenario
        {
            self.show_question_run();
        }
    }

    /// Whether `action` is one the interview ignores: before the reveal no key moves
    /// through a run or leaves the question.
    pub(super) fn interview_ignores(&self, action: &Action) -> bool {
        self.view == View::Interview
            && !self.interview.link.revealed
            && matches!(
                action,
                Action::TogglePlay
                    | Action::StepForward
                    | Action::StepBack
                    | Action::Seek(_)
                    | Action::NextAnomaly
                    | Action::SelectAnomaly(_)
                    | Action::ZoomIn
                    | Action::ZoomOut
                    | Action::TogglePresentation
                    | Action::ToggleShowAll
            )
    }
}
