//! Runs asked for and runs landing. A run is computed at once if it is small (or always,
//! without a worker: tests); a bigger one is handed to the worker while the run on screen
//! stays, and lands when it is done. Only the latest run asked for ever lands.

use std::rc::Rc;

use crate::sim::ValidScenario;

use super::super::permalink::Moment;
use super::super::run_view::RunView;
use super::{default_window, AppState, NoticeLevel};

/// Where the reducer's runs are computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    /// Every run at once, in the reducer.
    Inline,
    /// Runs of up to [`crate::ui::run_view::INLINE_EVENTS`] events at once; bigger ones
    /// by the worker (the app hands them over and reports back with actions).
    Worker,
}

/// A run asked for and not on screen yet.
#[derive(Clone, Debug)]
pub struct PendingRun {
    pub seq: u32,
    pub valid: ValidScenario,
    preset: Option<&'static str>,
    landing: Landing,
}

/// Where the cursor goes when a run lands, and what is said about it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Landing {
    /// At the same virtual time (so A/B comparisons stay at one moment), or the start.
    KeepTime,
    Start,
    /// Where a link points.
    Moment(Moment),
    /// Where a lesson step puts it.
    Lesson(crate::sim::lessons::Cursor),
    /// The start, saying whether the run reproduces a trace file's hash.
    Trace {
        name: String,
        hash: String,
        changes: String,
    },
}

impl AppState {
    /// Replace the run with a new configuration, keeping the view settings. The controls
    /// show the new configuration at once; notices and a held address spoke of the old
    /// run, so they go.
    pub(super) fn request(
        &mut self,
        preset: Option<&'static str>,
        valid: &ValidScenario,
        landing: Landing,
    ) {
        self.preset = preset;
        self.scenario = valid.scenario().clone();
        self.knob_errors.clear();
        self.drafts.clear();
        self.selected_anomaly = None;
        self.notices.clear();
        self.address_hold = None;
        self.pending_link = None;
        self.next_seq = self.next_seq.wrapping_add(1);
        let done = match self.runner {
            Runner::Inline => Some(RunView::simulate(valid)),
            Runner::Worker => RunView::simulate_small(valid),
        };
        match done {
            Some(run) => {
                self.pending = None;
                self.land(Rc::new(run), preset, landing);
            }
            None => {
                self.pending = Some(PendingRun {
                    seq: self.next_seq,
                    valid: valid.clone(),
                    preset,
                    landing,
                })
            }
        }
    }

    /// Put `run` on screen.
    fn land(&mut self, run: Rc<RunView>, preset: Option<&'static str>, landing: Landing) {
        let previous_end = self.run.timeline.end_us;
        let at_start = self.cursor == 0;
        self.run = run;
        self.run_preset = preset;
        self.selected_anomaly = None;
        if self.window_us >= previous_end || self.window_us > self.run.timeline.end_us {
            self.window_us = default_window(&self.run);
        }
        match landing {
            Landing::KeepTime => {
                let cursor = if at_start {
                    0
                } else {
                    self.run.cursor_at(self.playhead_us)
                };
                self.seek(cursor);
            }
            Landing::Start => self.seek(0),
            Landing::Lesson(cursor) => self.land_lesson_cursor(cursor),
            Landing::Moment(moment) => {
                self.seek(0);
                self.go_to_moment(moment);
            }
            Landing::Trace {
                name,
                hash,
                changes,
            } => {
                self.seek(0);
                self.report_trace(&name, &hash, &changes);
            }
        }
    }

    /// A link to the configuration being run arrived: it lands at the link's moment.
    pub(super) fn land_pending_at(&mut self, moment: Moment) -> bool {
        match &mut self.pending {
            Some(pending) => {
                pending.landing = Landing::Moment(moment);
                true
            }
            None => false,
        }
    }

    /// Run `seq` is done: on screen if it is still the one asked for.
    pub(super) fn run_finished(&mut self, seq: u32, run: Rc<RunView>) {
        if let Some(pending) = self.pending.take_if(|p| p.seq == seq) {
            self.land(run, pending.preset, pending.landing);
        }
    }

    pub(super) fn run_failed(&mut self, seq: u32, message: &str) {
        if self.pending.as_ref().is_some_and(|p| p.seq == seq) {
            self.stop_pending();
            self.notify(
                NoticeLevel::Error,
                format!("The run could not finish: {message}. The run on screen and its settings are back."),
            );
        }
    }

    /// Cancel: the run on screen stays, and the controls show its settings again.
    pub(super) fn cancel_run(&mut self) {
        if self.pending.is_some() {
            self.stop_pending();
            self.notify(
                NoticeLevel::Info,
                "Run cancelled: the settings are back to those of the run on screen.".into(),
            );
        }
    }

    /// Back to the run on screen; what was said about the run asked for no longer holds.
    fn stop_pending(&mut self) {
        self.pending = None;
        self.notices.clear();
        self.preset = self.run_preset;
        self.scenario = self.run.result.scenario.clone();
        self.knob_errors.clear();
        self.drafts.clear();
    }
}
