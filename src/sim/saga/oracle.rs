//! The saga oracle. Its verdicts come from ground truth at the end of the run — the
//! provider's charges and refunds, the inventory's reservations and releases, the
//! shipments, and how the orchestrator's log ended each saga — counted per order:
//! - double charge: more charges stand than one (charges − refunds ≥ 2);
//! - double refund: refunded more times than charged, and charged at least once;
//! - refund without charge: refunded, never charged;
//! - charge never compensated: the saga was compensated, yet a charge stands;
//! - duplicate shipment: shipped more than once;
//! - stock leak: a compensated saga still holds a reservation, or any saga holds two.
//!
//! A stuck saga (the orchestrator gave up) is not an anomaly but an honest state that
//! needs a person, counted in the ground truth; its duplicates and leaks still count.
//! With the trace on, each order's story (the facts below, with the trace events that
//! show them) explains each anomaly in one sentence (`explain.rs`).

use crate::sim::config::{SagaCrashPoint, Scenario};
use crate::sim::oracle::{sort_by_time, Anomaly, AnomalyCounts, AnomalyKind, KEPT};
use crate::sim::trace::SagaAction;

use super::explain;
use super::orchestrator::Phase;

/// Why the orchestrator sent an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    First,
    AfterTimeout,
    AfterRefusal,
    AfterRecovery,
}

/// What the oracle is told as the run goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    Started,
    Sent {
        action: SagaAction,
        attempt: u8,
        why: Why,
    },
    /// A request (`reply` false) or reply was lost on the network.
    Lost {
        action: SagaAction,
        attempt: u8,
        reply: bool,
    },
    ReplyWhileDown {
        action: SagaAction,
        attempt: u8,
    },
    Held {
        action: SagaAction,
        attempt: u8,
    },
    TimedOut {
        action: SagaAction,
        attempt: u8,
    },
    Executed {
        action: SagaAction,
        attempt: u8,
        id: u32,
        keyed: bool,
    },
    Deduplicated {
        action: SagaAction,
        attempt: u8,
    },
    Refused {
        action: SagaAction,
        attempt: u8,
    },
    NothingToUndo {
        action: SagaAction,
        attempt: u8,
    },
    Voided {
        action: SagaAction,
        attempt: u8,
    },
    VoidedRefused {
        action: SagaAction,
        attempt: u8,
    },
    /// The orchestrator crashed while this saga ran (`in_flight`: with a request of
    /// `action` outstanding; `at_this_order`: while handling this very saga).
    Crashed {
        point: SagaCrashPoint,
        action: SagaAction,
        in_flight: bool,
        at_this_order: bool,
    },
    /// The saga failed at `action`: refused, or (`gave_up`) never answered.
    Failed {
        action: SagaAction,
        gave_up: bool,
    },
    Completed,
    Compensated,
    Stuck {
        action: SagaAction,
    },
}

/// One fact with the trace event that shows it and its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Told {
    pub fact: Fact,
    pub event: u32,
    pub time: u64,
}

/// Each order's facts, kept only with the trace on (the sentences need them).
pub struct Story {
    per_op: Vec<Vec<Told>>,
}

impl Story {
    pub fn new(scenario: &Scenario) -> Self {
        let orders = if scenario.trace {
            scenario.operations as usize
        } else {
            0
        };
        Story {
            per_op: vec![Vec::new(); orders],
        }
    }

    pub fn observe(&mut self, op: u32, fact: Fact, event: u32, time: u64) {
        if let Some(facts) = self.per_op.get_mut(op as usize) {
            facts.push(Told { fact, event, time });
        }
    }

    fn of(&self, op: u32) -> &[Told] {
        self.per_op.get(op as usize).map_or(&[], Vec::as_slice)
    }
}

/// Per order, what the ground truth holds at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SagaTruth {
    pub phase: Phase,
    pub reservations: u8,
    pub releases: u8,
    pub charges: u8,
    pub refunds: u8,
    pub shipments: u8,
}

impl SagaTruth {
    pub fn net_charges(&self) -> i64 {
        self.charges as i64 - self.refunds as i64
    }

    pub fn standing_reservations(&self) -> i64 {
        self.reservations as i64 - self.releases as i64
    }

    /// The anomalies this order's ground truth shows.
    pub fn anomalies(&self) -> impl Iterator<Item = AnomalyKind> {
        let compensated = self.phase == Phase::Compensated;
        let net = self.net_charges();
        let standing = self.standing_reservations();
        [
            (net >= 2, AnomalyKind::DoubleCharge),
            (
                self.charges >= 1 && self.refunds > self.charges,
                AnomalyKind::DoubleRefund,
            ),
            (
                self.charges == 0 && self.refunds >= 1,
                AnomalyKind::RefundWithoutCharge,
            ),
            (compensated && net >= 1, AnomalyKind::ChargeNeverCompensated),
            (self.shipments >= 2, AnomalyKind::DuplicateShipment),
            (
                (compensated && standing >= 1) || standing >= 2,
                AnomalyKind::StockLeak,
            ),
        ]
        .into_iter()
        .filter_map(|(found, kind)| found.then_some(kind))
    }
}

/// The verdicts of a run.
pub struct Verdicts {
    pub anomalies: Vec<Anomaly>,
    pub counts: AnomalyCounts,
    pub conservation: Vec<String>,
}

/// Judge every order against its ground truth. `end_us` dates anomalies with no fact to
/// date them (the trace off).
pub fn judge(
    scenario: &Scenario,
    story: &Story,
    truth: impl Iterator<Item = SagaTruth>,
    end_us: u64,
) -> Verdicts {
    let mut anomalies = Vec::new();
    let mut counts = AnomalyCounts::default();
    let mut conservation = Vec::new();
    for (op, t) in truth.enumerate() {
        let op = op as u32;
        let facts = story.of(op);
        for kind in t.anomalies() {
            counts.add(kind);
            if scenario.trace {
                anomalies.push(explain::anomaly(scenario, kind, op, facts, &t));
            } else if anomalies.len() < KEPT {
                anomalies.push(Anomaly::counted(kind, op, end_us));
            }
        }
        // A completed saga reserved, charged and shipped; a compensated one never
        // reached a shipment that went through.
        if t.phase == Phase::Completed
            && (t.net_charges() < 1 || t.shipments == 0 || t.standing_reservations() < 1)
        {
            conservation.push(format!("order {op}'s saga completed without {t:?}"));
        }
        if t.phase == Phase::Compensated && t.shipments > 0 {
            conservation.push(format!("order {op}'s saga was compensated but shipped"));
        }
    }
    sort_by_time(&mut anomalies);
    Verdicts {
        anomalies,
        counts,
        conservation,
    }
}
