//! One simulated run and everything derived from it once: the summary, the tables'
//! histories and the diagram's model. Moving the time cursor only reads these.

use crate::sim::replay::Replay;
use crate::sim::report::Summary;
use crate::sim::{run, RunResult, ValidScenario};

use super::timeline::Timeline;

pub struct RunView {
    pub result: RunResult,
    pub summary: Summary,
    pub replay: Replay,
    pub timeline: Timeline,
}

impl RunView {
    pub fn simulate(valid: &ValidScenario) -> RunView {
        let started = now_ms();
        let result = run(valid);
        let wall_ms = now_ms() - started;
        let summary = Summary::new(&result, wall_ms);
        let replay = Replay::new(&result);
        let timeline = Timeline::new(&result);
        RunView {
            result,
            summary,
            replay,
            timeline,
        }
    }

    pub fn event_count(&self) -> usize {
        self.result.trace.len()
    }

    /// The virtual time after the first `cursor` events.
    pub fn time_at(&self, cursor: usize) -> u64 {
        cursor
            .checked_sub(1)
            .and_then(|i| self.result.trace.get(i))
            .map_or(0, |e| e.time)
    }

    /// How many events happened at or before `time_us`.
    pub fn cursor_at(&self, time_us: u64) -> usize {
        self.result.trace.partition_point(|e| e.time <= time_us)
    }
}

/// Runs are compared by identity: a new run is a new value.
impl PartialEq for RunView {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Wall-clock milliseconds, for measuring how long a run took (never used by the model).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
