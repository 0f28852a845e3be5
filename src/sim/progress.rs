//! How far a run has got, for a caller that shows progress or stops a run early. The
//! engine only counts; how often it reports and what the caller does stay outside `sim`.

use std::ops::ControlFlow;

use super::config::ValidScenario;

/// A run's position, reported every so many trace events by [`super::world::run_observed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Trace events so far.
    pub events: u64,
    /// Operations whose client has finished with them.
    pub operations_ended: u64,
}

impl Progress {
    /// The fraction done, 0 to 1: the operations ended, or the events used of the limit
    /// when the run is heading for it, whichever is further.
    pub fn fraction(&self, valid: &ValidScenario) -> f64 {
        let scenario = valid.scenario();
        let operations = self.operations_ended as f64 / scenario.operations.max(1) as f64;
        let events = self.events as f64 / scenario.max_events.max(1) as f64;
        operations.max(events).clamp(0.0, 1.0)
    }
}

/// What an observer tells the run after a report.
pub type Observed = ControlFlow<()>;
