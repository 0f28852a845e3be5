//! Shrinking an anomaly: the shrink asked for (computed by its own worker), and, once it
//! is done, the shrunk run on screen with what was found and the way back to the full run.

use crate::sim::oracle::AnomalyKind;
use crate::sim::Scenario;

use super::super::settings::validate_for_browser;
use super::super::worker::ShrinkReport;
use super::running::Landing;
use super::{AppState, NoticeLevel};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShrinkState {
    pub pending: Option<PendingShrink>,
    /// The last shrink's findings, shown while its run is the configuration on screen.
    pub found: Option<Shrunk>,
    next_seq: u32,
}

/// A shrink being computed.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingShrink {
    pub seq: u32,
    pub scenario: Scenario,
    pub anomaly: usize,
    /// "the double charge of p-3".
    pub title: String,
}

/// A finished shrink.
#[derive(Clone, Debug, PartialEq)]
pub struct Shrunk {
    pub title: String,
    pub report: ShrinkReport,
    /// The shrunk scenario (the full one with `only_faults`).
    pub scenario: Scenario,
    kind: AnomalyKind,
    op: u32,
    /// Where "Back to the full run" goes.
    full_preset: Option<&'static str>,
    full: Scenario,
}

impl ShrinkState {
    /// The findings, if their run is the configuration on screen.
    pub fn shown<'a>(&'a self, scenario: &Scenario) -> Option<&'a Shrunk> {
        self.found.as_ref().filter(|f| f.scenario == *scenario)
    }
}

impl AppState {
    /// Shrink anomaly `index` of the run on screen.
    pub(super) fn start_shrink(&mut self, index: usize) {
        let Some(anomaly) = self.run.result.anomalies.get(index) else {
            return;
        };
        let op = self
            .run
            .result
            .operations
            .get(anomaly.op as usize)
            .map_or_else(|| format!("operation {}", anomaly.op + 1), |o| o.label());
        let title = format!("the {} of {op}", anomaly.kind.title().to_ascii_lowercase());
        self.shrink.next_seq = self.shrink.next_seq.wrapping_add(1);
        self.shrink.pending = Some(PendingShrink {
            seq: self.shrink.next_seq,
            scenario: self.run.result.scenario.clone(),
            anomaly: index,
            title,
        });
        self.playing = false;
    }

    pub(super) fn shrink_done(&mut self, seq: u32, scenario: Scenario, report: ShrinkReport) {
        let Some(pending) = self.shrink.pending.take_if(|p| p.seq == seq) else {
            return;
        };
        let Some(anomaly) = self.run.result.anomalies.get(pending.anomaly) else {
            return;
        };
        let (kind, op) = (anomaly.kind, anomaly.op);
        let valid = match validate_for_browser(scenario) {
            Ok(valid) => valid,
            Err(e) => {
                return self.notify(
                    NoticeLevel::Error,
                    format!("The shrunk run could not start: {e}"),
                )
            }
        };
        let found = Shrunk {
            title: pending.title,
            report,
            scenario: valid.scenario().clone(),
            kind,
            op,
            full_preset: self.run_preset,
            full: self.run.result.scenario.clone(),
        };
        self.request(self.preset, &valid, Landing::Start);
        self.shrink.found = Some(found);
        self.select_shrunk_anomaly();
    }

    /// With the shrunk run on screen, select its anomaly (the same kind, the same
    /// operation), so its chain is highlighted.
    pub(super) fn select_shrunk_anomaly(&mut self) {
        let Some(found) = self.shrink.shown(&self.run.result.scenario) else {
            return;
        };
        let (kind, op) = (found.kind, found.op);
        if let Some(index) = self
            .run
            .result
            .anomalies
            .iter()
            .position(|a| a.kind == kind && a.op == op)
        {
            self.select_anomaly(index);
        }
    }

    pub(super) fn shrink_failed(&mut self, seq: u32, message: &str) {
        if self.shrink.pending.take_if(|p| p.seq == seq).is_some() {
            self.notify(
                NoticeLevel::Error,
                format!("The shrink could not finish: {message}."),
            );
        }
    }

    pub(super) fn cancel_shrink(&mut self) {
        if self.shrink.pending.take().is_some() {
            self.notify(
                NoticeLevel::Info,
                "Shrink cancelled: the run on screen stays.".into(),
            );
        }
    }

    /// Back to the run the shrink started from.
    pub(super) fn unshrink(&mut self) {
        let Some(found) = self.shrink.found.take() else {
            return;
        };
        if let Ok(valid) = validate_for_browser(found.full) {
            self.request(found.full_preset, &valid, Landing::Start);
        }
    }
}
