//! The messaging oracle. Its verdicts come from ground truth at the end of the run — the
//! orders committed, the broker's log or queue, the ledger rows and the warehouse's
//! shipments — counted per event:
//! - duplicate event effect: an order's event has more than one ledger row;
//! - lost event: an order was committed but its event has no ledger row;
//! - duplicate shipment: the warehouse shipped an order more than once.
//!
//! With the trace on, it also keeps each order's story (the facts below, with the trace
//! events that show them) to explain each anomaly in one sentence (`explain.rs`).

use crate::sim::config::{MessagingCrashPoint, Scenario};
use crate::sim::oracle::{sort_by_time, Anomaly, AnomalyCounts, AnomalyKind, KEPT};

use super::events::ProducerId;
use super::explain;

/// What the oracle is told as the run goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    OrderCommitted {
        op: u32,
    },
    Published {
        op: u32,
        producer: ProducerId,
        resend: bool,
    },
    PublishLost {
        op: u32,
        ack: bool,
    },
    Appended {
        op: u32,
    },
    PublishDeduplicated {
        op: u32,
    },
    Abandoned {
        op: u32,
    },
    OrderServiceCrashed {
        op: u32,
    },
    /// The order service crashed while its producer held this event unacknowledged.
    ProducerBufferLost {
        op: u32,
    },
    RelayCrashed {
        op: u32,
        point: MessagingCrashPoint,
    },
    Delivered {
        op: u32,
        consumer: u8,
    },
    CommittedBeforeProcessing {
        op: u32,
    },
    /// An auto-commit committed the offset past this event while it was in work.
    AutoCommittedPast {
        op: u32,
        consumer: u8,
    },
    DedupSkipped {
        op: u32,
        consumer: u8,
    },
    DedupRecordedEarly {
        op: u32,
    },
    Applied {
        op: u32,
        consumer: u8,
    },
    ShipCallTimedOut {
        op: u32,
    },
    Shipped {
        op: u32,
        keyed: bool,
    },
    ShipmentDeduplicated {
        op: u32,
    },
    ConsumerCrashed {
        op: u32,
        consumer: u8,
        point: MessagingCrashPoint,
    },
    /// A consumer crashed after handling this event but before committing past it.
    CrashedBeforeCommit {
        op: u32,
        consumer: u8,
    },
    /// A consumer was removed from the group before committing past this event.
    RemovedBeforeCommit {
        op: u32,
        consumer: u8,
    },
    PollTimeout {
        op: u32,
        consumer: u8,
    },
    VisibilityExpired {
        op: u32,
    },
    DeadLettered {
        op: u32,
    },
    /// A commit from a stale generation, or a delete with an old receipt.
    StaleAcknowledgement {
        op: u32,
    },
}

impl Fact {
    pub fn op(&self) -> u32 {
        match *self {
            Fact::OrderCommitted { op }
            | Fact::Published { op, .. }
            | Fact::PublishLost { op, .. }
            | Fact::Appended { op }
            | Fact::PublishDeduplicated { op }
            | Fact::Abandoned { op }
            | Fact::OrderServiceCrashed { op }
            | Fact::ProducerBufferLost { op }
            | Fact::RelayCrashed { op, .. }
            | Fact::Delivered { op, .. }
            | Fact::CommittedBeforeProcessing { op }
            | Fact::AutoCommittedPast { op, .. }
            | Fact::DedupSkipped { op, .. }
            | Fact::DedupRecordedEarly { op }
            | Fact::Applied { op, .. }
            | Fact::ShipCallTimedOut { op }
            | Fact::Shipped { op, .. }
            | Fact::ShipmentDeduplicated { op }
            | Fact::ConsumerCrashed { op, .. }
            | Fact::CrashedBeforeCommit { op, .. }
            | Fact::RemovedBeforeCommit { op, .. }
            | Fact::PollTimeout { op, .. }
            | Fact::VisibilityExpired { op }
            | Fact::DeadLettered { op }
            | Fact::StaleAcknowledgement { op } => op,
        }
    }
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

    pub fn observe(&mut self, fact: Fact, event: u32, time: u64) {
        if let Some(facts) = self.per_op.get_mut(fact.op() as usize) {
            facts.push(Told { fact, event, time });
        }
    }

    fn of(&self, op: u32) -> &[Told] {
        self.per_op.get(op as usize).map_or(&[], Vec::as_slice)
    }
}

/// Per order, what the ground truth holds at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventTruth {
    pub committed: bool,
    pub records: u8,
    pub ledger_rows: u8,
    pub shipments: u8,
}

/// The verdicts of a run.
pub struct Verdicts {
    pub anomalies: Vec<Anomaly>,
    pub counts: AnomalyCounts,
    pub conservation: Vec<String>,
}

/// Judge every order against its ground truth. `end_us` dates anomalies with no fact
/// to date them (the trace off).
pub fn judge(
    scenario: &Scenario,
    story: &Story,
    truth: impl Iterator<Item = EventTruth>,
    end_us: u64,
    stopped: bool,
) -> Verdicts {
    let mut anomalies = Vec::new();
    let mut counts = AnomalyCounts::default();
    let mut conservation = Vec::new();
    for (op, t) in truth.enumerate() {
        let op = op as u32;
        let facts = story.of(op);
        let mut found = |kind: AnomalyKind| {
            counts.add(kind);
            if scenario.trace {
                anomalies.push(explain::anomaly(scenario, kind, op, facts, stopped));
            } else if anomalies.len() < KEPT {
                anomalies.push(Anomaly::counted(kind, op, end_us));
            }
        };
        if t.ledger_rows >= 2 {
            found(AnomalyKind::DuplicateEventEffect);
        }
        if t.committed && t.ledger_rows == 0 {
            found(AnomalyKind::LostEvent);
        }
        if t.shipments >= 2 {
            found(AnomalyKind::DuplicateShipment);
        }
        if t.ledger_rows > 0 && t.records == 0 {
            conservation.push(format!(
                "order {op} has ledger rows but no published record"
            ));
        }
        if !t.committed && t.records > 0 {
            conservation.push(format!("order {op} was published but never committed"));
        }
    }
    sort_by_time(&mut anomalies);
    Verdicts {
        anomalies,
        counts,
        conservation,
    }
}
