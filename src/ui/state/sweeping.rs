//! The sweep view's state: the form's settings (in the permalink), the sweep running in
//! the workers, and the last result, folded by the engine's own `summarize` and `to_csv`
//! so that the chart and the CSV are those of `idemlab sweep`.

use std::rc::Rc;

use crate::sim::sweep::{summarize, to_csv, Sample, SweepPoint, SweepSpec};
use crate::sim::Scenario;

use super::super::run_view::now_ms;
use super::super::settings::knob;
use super::super::sweep_settings::{sweepable, SweepSettings};
use super::{AppState, NoticeLevel};

#[derive(Clone, Debug, PartialEq)]
pub struct SweepState {
    pub settings: SweepSettings,
    /// The settings were chosen (in the form or by a link), not the workload's defaults.
    pub chosen: bool,
    pub running: Option<SweepRunning>,
    pub outcome: Option<Rc<SweepOutcome>>,
    next_seq: u32,
}

/// A sweep the workers are on.
#[derive(Clone, Debug)]
pub struct SweepRunning {
    pub seq: u32,
    pub spec: Rc<SweepSpec>,
    pub settings: SweepSettings,
    /// The scenario it sweeps, and the preset it came from.
    pub scenario: Scenario,
    preset: Option<&'static str>,
    started_ms: f64,
}

impl PartialEq for SweepRunning {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq
    }
}

/// A finished sweep.
#[derive(Debug)]
pub struct SweepOutcome {
    pub settings: SweepSettings,
    pub spec: Rc<SweepSpec>,
    pub points: Vec<SweepPoint>,
    /// Byte for byte what `idemlab sweep --format csv` prints (with its final newline).
    pub csv: String,
    pub elapsed_ms: f64,
    /// What was swept, for the file name and the chart's caption.
    pub workload: &'static str,
    pub preset: Option<&'static str>,
}

/// Outcomes are compared by identity: a new sweep is a new value.
impl PartialEq for SweepOutcome {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl SweepState {
    pub fn new(scenario: &Scenario) -> SweepState {
        SweepState {
            settings: SweepSettings::default_for(scenario),
            chosen: false,
            running: None,
            outcome: None,
            next_seq: 0,
        }
    }
}

impl AppState {
    /// The form's settings changed (always ones the engine accepts for this scenario).
    pub(super) fn set_sweep(&mut self, settings: SweepSettings) {
        self.sweep.settings = settings;
        self.sweep.chosen = true;
    }

    /// A new workload may not read the knob being swept: its own default sweep instead.
    pub(super) fn fit_sweep(&mut self) {
        let fits =
            knob(self.sweep.settings.knob).is_some_and(|k| sweepable(k, self.scenario.workload));
        if !fits {
            self.sweep.settings = SweepSettings::default_for(&self.scenario);
            self.sweep.chosen = false;
        }
    }

    pub(super) fn run_sweep(&mut self) {
        let settings = self.sweep.settings.clone();
        match settings.spec(&self.scenario) {
            Ok(spec) => {
                self.sweep.next_seq = self.sweep.next_seq.wrapping_add(1);
                self.sweep.running = Some(SweepRunning {
                    seq: self.sweep.next_seq,
                    spec: Rc::new(spec),
                    settings,
                    scenario: self.scenario.clone(),
                    preset: self.preset,
                    started_ms: now_ms(),
                });
            }
            Err(e) => self.notify(NoticeLevel::Error, format!("This sweep cannot run: {e}.")),
        }
    }

    pub(super) fn sweep_done(&mut self, seq: u32, samples: &[Sample]) {
        let Some(running) = self.sweep.running.take_if(|r| r.seq == seq) else {
            return;
        };
        let points = summarize(&running.spec, samples);
        let csv = to_csv(&running.spec, &points);
        self.sweep.outcome = Some(Rc::new(SweepOutcome {
            settings: running.settings,
            points,
            csv,
            elapsed_ms: now_ms() - running.started_ms,
            workload: running.scenario.workload.name(),
            preset: running.preset,
            spec: running.spec,
        }));
    }

    pub(super) fn sweep_failed(&mut self, seq: u32, message: &str) {
        if self.sweep.running.take_if(|r| r.seq == seq).is_some() {
            self.notify(
                NoticeLevel::Error,
                format!("The sweep could not finish: {message}."),
            );
        }
    }

    pub(super) fn cancel_sweep(&mut self) {
        if self.sweep.running.take().is_some() {
            self.notify(
                NoticeLevel::Info,
                "Sweep cancelled: its workers were stopped. The last finished sweep stays on screen.".into(),
            );
        }
    }
}
