//! Every keyed draw of the stream world: processing times, slow records, pauses and
//! crashes. As in the other worlds, each is a pure function of the seed and the logical
//! identity of what it hits — the order, which read of it, which crash point — and each
//! respects the scenario's fault filter (`Scenario::allows`), so a shrunk run and a run
//! with other protections meet the same faults.

use crate::sim::config::{Scenario, StreamCrashPoint};
use crate::sim::fault_set::{FaultId, FaultKind};
use crate::sim::rng::{KeyedDraw, Purpose};

/// Identity words of the `delivery`-th read of `op`.
fn read_identity(op: u32, delivery: u32) -> [u64; 4] {
    [0x70, op as u64, delivery as u64, 0]
}

/// The job's time on the `delivery`-th read of `op`, and the slow fault if it hit.
pub fn processing_time(scenario: &Scenario, op: u32, delivery: u32) -> (u64, Option<FaultId>) {
    let s = &scenario.stream;
    let identity = read_identity(op, delivery);
    let mut time = s.processing_min_us
        + KeyedDraw::new(scenario.seed, Purpose::Processing, identity)
            .exponential(s.processing_mean_us);
    let slow = KeyedDraw::new(scenario.seed, Purpose::Slow, identity).chance(s.slow_probability)
        && scenario.allows(FaultKind::Slow, identity);
    if slow {
        time += s.slow_us;
    }
    (time, slow.then(|| FaultId::new(FaultKind::Slow, identity)))
}

/// A pause (a GC pause) of the instance during the `delivery`-th read of `op`, if any:
/// its length and the fault.
pub fn pause(scenario: &Scenario, op: u32, delivery: u32) -> Option<(u64, FaultId)> {
    let s = &scenario.stream;
    let identity = read_identity(op, delivery);
    (KeyedDraw::new(scenario.seed, Purpose::Pause, identity).chance(s.pause_probability)
        && scenario.allows(FaultKind::Pause, identity))
    .then(|| (s.pause_us, FaultId::new(FaultKind::Pause, identity)))
}

/// The crash of the job at `point`, reached after the `delivery`-th read of `op` (the
/// last record of what is being committed or checkpointed), if it crashes.
pub fn crash(
    scenario: &Scenario,
    op: u32,
    delivery: u32,
    point: StreamCrashPoint,
) -> Option<FaultId> {
    let p = scenario.stream.crash.probability(point);
    let identity = [0x71, op as u64, delivery as u64, point as u64];
    (p > 0.0
        && KeyedDraw::new(scenario.seed, Purpose::Crash, identity).chance(p)
        && scenario.allows(FaultKind::Crash, identity))
    .then(|| FaultId::new(FaultKind::Crash, identity))
}
