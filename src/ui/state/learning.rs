//! Guided lessons: which lesson and step is open, the lesson list, and which lessons were
//! finished (kept in the browser's storage by the app). A step runs its scenario and puts
//! the cursor on the event its text talks about.

use crate::sim::lessons::{lesson, lessons, resolve_cursor, step_scenario, Cursor, Lesson};

use super::super::run_view::RunView;
use super::super::settings::{find_preset, validate_for_browser};
use super::running::Landing;
use super::{AppState, NoticeLevel};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LearningState {
    /// The open lesson and step.
    pub open: Option<LessonAt>,
    /// The list of lessons is shown.
    pub list_open: bool,
    /// Ids of the lessons finished, in the order they were.
    pub done: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LessonAt {
    pub lesson: &'static Lesson,
    pub step: usize,
}

impl AppState {
    /// Open step `step` of lesson `id`: run its scenario, the cursor on its moment.
    pub(super) fn open_lesson(&mut self, id: &str, step: usize) {
        let Some(l) = lesson(id) else {
            return self.notify(NoticeLevel::Error, format!("There is no lesson '{id}'."));
        };
        let step = step.min(l.steps.len() - 1);
        let s = &l.steps[step];
        let valid = step_scenario(s, l.seed).and_then(validate_for_browser);
        match valid {
            Ok(valid) => {
                let preset = find_preset(s.show.preset).map(|p| p.name);
                self.learning.list_open = false;
                self.request(preset, &valid, Landing::Lesson(s.cursor));
                self.learning.open = Some(LessonAt { lesson: l, step });
                if step + 1 == l.steps.len() && !self.learning.done.iter().any(|d| d == l.id) {
                    self.learning.done.push(l.id.to_string());
                }
            }
            Err(e) => self.notify(
                NoticeLevel::Error,
                format!("Lesson {}'s step could not run: {e}", l.number),
            ),
        }
    }

    /// Next (+1) or back (−1) within the open lesson.
    pub(super) fn lesson_step(&mut self, delta: i32) {
        if let Some(at) = self.learning.open {
            let step = at.step as i64 + delta as i64;
            if step >= 0 && (step as usize) < at.lesson.steps.len() {
                self.open_lesson(at.lesson.id, step as usize);
            }
        }
    }

    /// The lesson after the open one, or the list after the last.
    pub(super) fn next_lesson(&mut self) {
        let all = lessons();
        let next = self
            .learning
            .open
            .and_then(|at| all.iter().position(|l| l.id == at.lesson.id))
            .and_then(|i| all.get(i + 1));
        match next {
            Some(l) => self.open_lesson(l.id, 0),
            None => {
                self.learning.open = None;
                self.learning.list_open = true;
            }
        }
    }

    /// Put the cursor where a lesson step says, in the run that just landed: on an
    /// anomaly's completion (its chain highlighted), or on an event.
    pub(super) fn land_lesson_cursor(&mut self, cursor: Cursor) {
        let run: &RunView = &self.run;
        let anomaly_of = |kind| run.result.anomalies.iter().position(|a| a.kind == kind);
        let highlighted = match cursor {
            Cursor::Anomaly(kind) | Cursor::FaultBehind(kind, _) => anomaly_of(kind),
            _ => None,
        };
        let at = resolve_cursor(cursor, &run.result).unwrap_or(0);
        if let Some(index) = highlighted {
            // Fits the window around the chain, then moves to the step's own moment.
            self.select_anomaly(index);
        }
        self.seek(at);
    }
}
