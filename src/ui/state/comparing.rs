//! The compare view's state: run B beside the run on screen (A). B follows A: whenever
//! the configuration or the choice of B changes while comparing, B is run again, at once
//! if it is small and by the compare view's own worker if not (so A's run and B's run
//! can be computed at the same time).

use std::rc::Rc;

use crate::sim::{Scenario, ValidScenario};

use super::super::compare_settings::CompareB;
use super::super::permalink::View;
use super::super::run_view::RunView;
use super::{AppState, NoticeLevel, Runner};

#[derive(Clone, PartialEq)]
pub struct CompareState {
    pub b: CompareB,
    /// B's run, once computed (it may be of an earlier configuration while `pending`).
    pub run: Option<Rc<RunView>>,
    pub pending: Option<PendingCompare>,
    /// Why B could not be built from the configuration, if it could not.
    pub problem: Option<String>,
    /// The scenario B was last asked for.
    wanted: Option<Scenario>,
    next_seq: u32,
}

/// Run B being computed by the worker.
#[derive(Clone, Debug)]
pub struct PendingCompare {
    pub seq: u32,
    pub valid: ValidScenario,
}

impl PartialEq for PendingCompare {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq
    }
}

impl CompareState {
    pub fn new(scenario: &Scenario) -> CompareState {
        CompareState {
            b: CompareB::first_for(scenario),
            run: None,
            pending: None,
            problem: None,
            wanted: None,
            next_seq: 0,
        }
    }
}

impl AppState {
    /// While comparing, ask for B of the current configuration if it is not the one on
    /// screen or being computed.
    pub(super) fn refresh_compare(&mut self) {
        if self.view != View::Compare {
            return;
        }
        if CompareB::parse(&self.compare.b.name(), &self.scenario).is_err() {
            // A protection of another workload: the first of this one instead.
            self.compare.b = CompareB::first_for(&self.scenario);
        }
        let valid = match self.compare.b.apply(&self.scenario) {
            Ok(valid) => valid,
            Err(e) => {
                self.compare.problem = Some(e);
                self.compare.pending = None;
                self.compare.run = None;
                self.compare.wanted = None;
                return;
            }
        };
        if self.compare.wanted.as_ref() == Some(valid.scenario()) {
            return;
        }
        self.compare.problem = None;
        self.compare.wanted = Some(valid.scenario().clone());
        self.compare.next_seq = self.compare.next_seq.wrapping_add(1);
        let done = match self.runner {
            Runner::Inline => Some(RunView::simulate(&valid)),
            Runner::Worker => RunView::simulate_small(&valid),
        };
        match done {
            Some(run) => {
                self.compare.pending = None;
                self.compare.run = Some(Rc::new(run));
            }
            None => {
                self.compare.pending = Some(PendingCompare {
                    seq: self.compare.next_seq,
                    valid,
                })
            }
        }
    }

    pub(super) fn compare_finished(&mut self, seq: u32, run: Rc<RunView>) {
        if self.compare.pending.take_if(|p| p.seq == seq).is_some() {
            self.compare.run = Some(run);
        }
    }

    pub(super) fn compare_failed(&mut self, seq: u32, message: &str) {
        if self.compare.pending.take_if(|p| p.seq == seq).is_some() {
            self.compare.wanted = None;
            self.compare.run = None;
            self.notify(
                NoticeLevel::Error,
                format!("Run B of the comparison could not finish: {message}."),
            );
        }
    }
}
