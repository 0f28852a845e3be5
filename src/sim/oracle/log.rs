//! Where the verdicts of settled operations go. With the trace on, every anomaly (with
//! its narrative) is kept for the browser; with it off, they are counted by kind and only
//! the first [`KEPT`] — in the report's order: time, kind, operation — keep their
//! sentences, so memory does not grow with the run.

use std::collections::BinaryHeap;

use super::anomaly::{Anomaly, AnomalyCounts, AnomalyKind};

/// Anomalies (and operations left unknown that took effect) listed when the trace is off:
/// as many as the browser lists.
pub const KEPT: usize = 200;

pub struct AnomalyLog {
    keep_all: bool,
    counts: AnomalyCounts,
    /// Every anomaly (trace on) or the first `KEPT` (a max-heap that drops the latest).
    anomalies: BinaryHeap<Ranked>,
    /// Operations left unknown whose effect happened: all, or the first `KEPT`.
    unknown_took_effect: BinaryHeap<u32>,
    unknown_took_effect_count: u64,
    /// Broken conservation rules by operation (none unless the oracle is wrong): all, or
    /// the first `KEPT` found.
    conservation: Vec<(u32, String)>,
}

/// An anomaly ordered as the report lists them.
struct Ranked(Anomaly);

impl Ranked {
    fn rank(&self) -> (u64, AnomalyKind, u32) {
        (self.0.time_us, self.0.kind, self.0.op)
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.rank() == other.rank()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// What the log holds at the end of a run.
pub struct Logged {
    /// In the report's order.
    pub anomalies: Vec<Anomaly>,
    pub counts: AnomalyCounts,
    /// Ascending.
    pub unknown_took_effect: Vec<u32>,
    pub unknown_took_effect_count: u64,
    pub conservation: Vec<String>,
}

impl AnomalyLog {
    pub fn new(keep_all: bool) -> Self {
        AnomalyLog {
            keep_all,
            counts: AnomalyCounts::default(),
            anomalies: BinaryHeap::new(),
            unknown_took_effect: BinaryHeap::new(),
            unknown_took_effect_count: 0,
            conservation: Vec::new(),
        }
    }

    /// Whether an anomaly of `kind` about `op` at `time_us` would keep its sentence: with
    /// the trace off, not once the first `KEPT` all come before it (they only get
    /// earlier), so its sentence need not be written.
    pub fn keeps(&self, time_us: u64, kind: AnomalyKind, op: u32) -> bool {
        self.keep_all
            || self.anomalies.len() < KEPT
            || self
                .anomalies
                .peek()
                .is_some_and(|last| (time_us, kind, op) < last.rank())
    }

    /// One anomaly of a settled operation (at most one per kind and operation).
    pub fn anomaly(&mut self, anomaly: Anomaly) {
        self.counts.add(anomaly.kind);
        keep(&mut self.anomalies, Ranked(anomaly), self.keep_all);
    }

    pub fn unknown_took_effect(&mut self, op: u32) {
        self.unknown_took_effect_count += 1;
        keep(&mut self.unknown_took_effect, op, self.keep_all);
    }

    pub fn conservation(&mut self, op: u32, broken: String) {
        if self.keep_all || self.conservation.len() < KEPT {
            self.conservation.push((op, broken));
        }
    }

    pub fn finish(self) -> Logged {
        Logged {
            anomalies: self
                .anomalies
                .into_sorted_vec()
                .into_iter()
                .map(|r| r.0)
                .collect(),
            counts: self.counts,
            unknown_took_effect: self.unknown_took_effect.into_sorted_vec(),
            unknown_took_effect_count: self.unknown_took_effect_count,
            conservation: {
                let mut broken = self.conservation;
                // By operation, as the rules are checked in order for each.
                broken.sort_by_key(|&(op, _)| op);
                broken.into_iter().map(|(_, b)| b).collect()
            },
        }
    }
}

/// Add `item`; unless all are kept, drop the greatest beyond the first `KEPT`.
fn keep<T: Ord>(heap: &mut BinaryHeap<T>, item: T, keep_all: bool) {
    heap.push(item);
    if !keep_all && heap.len() > KEPT {
        heap.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anomaly(time_us: u64, op: u32) -> Anomaly {
        Anomaly {
            kind: AnomalyKind::DoubleCharge,
            op,
            time_us,
            events: vec![],
            narrative: String::new(),
        }
    }

    #[test]
    fn off_the_trace_only_the_first_are_kept_and_all_are_counted() {
        let mut log = AnomalyLog::new(false);
        for op in 0..1000u32 {
            log.anomaly(anomaly(1_000_000 - op as u64 * 7 % 1000, op));
            log.unknown_took_effect(999 - op);
        }
        let logged = log.finish();
        assert_eq!(logged.counts.get(AnomalyKind::DoubleCharge), 1000);
        assert_eq!(logged.anomalies.len(), KEPT);
        assert_eq!(
            logged.unknown_took_effect,
            (0..KEPT as u32).collect::<Vec<_>>()
        );
        assert_eq!(logged.unknown_took_effect_count, 1000);
        let times: Vec<u64> = logged.anomalies.iter().map(|a| a.time_us).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(times[0], 1_000_000 - 999);
        let last = times[KEPT - 1];
        let mut log = AnomalyLog::new(false);
        for a in logged.anomalies {
            log.anomaly(a);
        }
        assert!(log.keeps(last - 1, AnomalyKind::DoubleCharge, 0));
        assert!(!log.keeps(last + 1, AnomalyKind::DoubleCharge, 0));
        assert!(AnomalyLog::new(true).keeps(u64::MAX, AnomalyKind::WrongReplay, 0));
    }
}
