//! One simulated run and everything derived from it once: the summary, the tables'
//! histories and the diagram's model. Moving the time cursor only reads these.

use std::ops::ControlFlow;

use crate::sim::config::Workload;
use crate::sim::replay::messaging::MessagingReplay;
use crate::sim::replay::saga::SagaIndex;
use crate::sim::replay::Replay;
use crate::sim::report::Summary;
use crate::sim::{run_observed, RunResult, ValidScenario};

use super::timeline::Timeline;

/// A run up to this many events is simulated where it is asked for, on the page's thread:
/// with its replay and diagram that takes about 4 ms in Chromium on this project's
/// machine, less than a worker's round trip. A bigger run stops there and goes to the
/// worker, or goes there at once when it certainly is bigger.
pub const INLINE_EVENTS: u64 = 10_000;

pub struct RunView {
    pub result: RunResult,
    pub summary: Summary,
    pub replay: Replay,
    /// The events workload's tables (empty for the HTTP workloads).
    pub messaging: MessagingReplay,
    pub timeline: Timeline,
    /// Where each saga's log records are (empty for the other workloads).
    pub sagas: SagaIndex,
    /// Per anomaly (in the run's order), the cursor at which it is complete: just after the
    /// last event of its chain. The panel counts an anomaly once the cursor reaches it.
    completions: Vec<usize>,
    /// Anomaly indices in the order they complete: how many a cursor has passed is a
    /// binary search, and the first `n` of them are those.
    completion_order: Vec<usize>,
}

impl RunView {
    /// Run `valid` to the end, here.
    pub fn simulate(valid: &ValidScenario) -> RunView {
        RunView::simulate_within(valid, u64::MAX)
            .unwrap_or_else(|| unreachable!("a run without a limit is not stopped"))
    }

    /// Run `valid` here if it ends within [`INLINE_EVENTS`] events; `None` if it is bigger.
    pub fn simulate_small(valid: &ValidScenario) -> Option<RunView> {
        // Every operation starts with two events of its own (its start and its first
        // request) unless the run stops at its event limit first.
        let scenario = valid.scenario();
        let certainly_big =
            scenario.max_events > INLINE_EVENTS && 2 * scenario.operations as u64 > INLINE_EVENTS;
        if certainly_big {
            return None;
        }
        RunView::simulate_within(valid, INLINE_EVENTS)
    }

    /// The browser reaches the engine only through `run_observed`: one copy of it in the
    /// wasm, where `run` as well would add a second.
    fn simulate_within(valid: &ValidScenario, limit: u64) -> Option<RunView> {
        let started = now_ms();
        let result = run_observed(valid, limit, &mut |_| ControlFlow::Break(()))?;
        Some(RunView::new(result, now_ms() - started))
    }

    /// Derive the views of a run that took `wall_ms` (shown in the footer).
    pub fn new(result: RunResult, wall_ms: f64) -> RunView {
        let summary = Summary::new(&result, wall_ms);
        let replay = Replay::new(&result);
        let messaging = MessagingReplay::new(&result);
        let timeline = Timeline::new(&result);
        RunView::from_parts(result, summary, replay, messaging, timeline)
    }

    /// A run whose views were derived elsewhere (the worker's host, in slices).
    pub fn from_parts(
        result: RunResult,
        summary: Summary,
        replay: Replay,
        messaging: MessagingReplay,
        timeline: Timeline,
    ) -> RunView {
        let completions: Vec<usize> = (0..result.anomalies.len())
            .map(|index| completion_of(&result, index))
            .collect();
        let sagas = if result.scenario.workload == Workload::Saga {
            SagaIndex::new(&result.trace)
        } else {
            SagaIndex::default()
        };
        let mut completion_order: Vec<usize> = (0..completions.len()).collect();
        completion_order.sort_by_key(|&index| (completions[index], index));
        RunView {
            result,
            summary,
            replay,
            messaging,
            timeline,
            sagas,
            completions,
            completion_order,
        }
    }

    /// The cursor at which anomaly `index` is complete.
    pub fn completion_cursor(&self, index: usize) -> Option<usize> {
        self.completions.get(index).copied()
    }

    /// Whether anomaly `index` has happened by `cursor`.
    pub fn anomaly_passed(&self, index: usize, cursor: usize) -> bool {
        self.completion_cursor(index).is_some_and(|at| at <= cursor)
    }

    /// How many anomalies have happened by `cursor`.
    pub fn anomalies_passed(&self, cursor: usize) -> usize {
        self.completion_order
            .partition_point(|&index| self.completions[index] <= cursor)
    }

    /// Whether anomaly `index` is among the first `passed` to happen.
    pub fn among_first(&self, index: usize, passed: usize) -> bool {
        let last = passed
            .checked_sub(1)
            .and_then(|i| self.completion_order.get(i));
        match (last, self.completion_cursor(index)) {
            (Some(&last), Some(at)) => at <= self.completions[last],
            _ => false,
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

/// Just after the last event of the anomaly's chain (or, without a chain, after the last
/// event at its time).
fn completion_of(result: &RunResult, index: usize) -> usize {
    let anomaly = &result.anomalies[index];
    anomaly.events.iter().max().map_or_else(
        || result.trace.partition_point(|e| e.time <= anomaly.time_us),
        |&e| e as usize + 1,
    )
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
