//! The `events` workload's tables at a time cursor: the broker's log (per partition, with
//! the committed offset and the owner) or queue (with receive counts and each message's
//! state), the ledger, the dedup store, the warehouse's shipments and the orders.
//!
//! As for the HTTP tables (`super::Replay`), the trace is folded once into event-indexed
//! histories and a query at a cursor only searches and walks what it returns. Outbox rows
//! are the HTTP replay's, which folds them for both worlds.

use crate::sim::config::{BrokerMode, DedupLocation};
use crate::sim::results::RunResult;
mod at_cursor;
mod fold;

pub use at_cursor::*;
use fold::Folder;

use crate::sim::trace::{Actor, Detail, MessageKind, MessagingDetail as M, Table};

/// Events before the cursor, from a list of event ids in order.
fn before(events: &[u32], cursor: u32) -> usize {
    events.partition_point(|&e| e < cursor)
}

/// One record of a partition (log mode) and every time the broker handed it out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogRecord {
    pub offset: u32,
    pub op: u32,
    /// Earlier copies of the same order's event in the log (non-zero: a duplicate publish).
    pub repeat: u32,
    pub appended_event: u32,
    pub appended_us: u64,
    /// (event, consumer) of every delivery, in order.
    pub deliveries: Vec<(u32, u8)>,
}

/// A partition's records, accepted commits and owners over the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionHistory {
    pub records: Vec<LogRecord>,
    /// (event, committed offset) of every accepted commit.
    pub commits: Vec<(u32, u32)>,
    /// Events of refused (stale) commits.
    pub refused: Vec<u32>,
    /// (event, owner): `None` from a rebalance until the assignment that follows it.
    pub owners: Vec<(u32, Option<u8>)>,
}

/// Where a queue message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueState {
    Visible,
    /// Received by `consumer` and hidden until its visibility timeout.
    InFlight {
        consumer: u8,
    },
    Deleted,
    DeadLettered,
}

/// A queue message (queue mode) and its changes of state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueMessage {
    pub id: u32,
    pub op: u32,
    pub repeat: u32,
    pub sent_event: u32,
    pub sent_us: u64,
    /// (event, new state), in order; a move to `InFlight` is a receive.
    pub changes: Vec<(u32, QueueState)>,
    /// Events of deletes that no longer applied (a stale receipt).
    pub stale_deletes: Vec<u32>,
}

/// A row the events workload adds: a ledger row, a shipment, an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectRow {
    /// The shipment's number for shipments, the order for ledger rows and orders.
    pub id: u32,
    pub op: u32,
    /// Earlier rows of the same order (non-zero: the effect repeated).
    pub repeat: u32,
    /// Who made it: the consumer for ledger rows and shipments.
    pub by: Actor,
    pub event: u32,
    pub time_us: u64,
}

/// Which dedup store holds an id: the database's, or one consumer's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DedupScope {
    Database,
    Consumer(u8),
}

/// One recording of a message id, alive until recorded again or lost with a crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DedupRow {
    pub scope: DedupScope,
    pub op: u32,
    pub recorded_event: u32,
    pub recorded_us: u64,
    pub expires_us: u64,
    pub ended_event: Option<u32>,
}

/// Every messaging table's history, built once per run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessagingReplay {
    pub queue_mode: bool,
    pub events: usize,
    pub partitions: Vec<PartitionHistory>,
    pub messages: Vec<QueueMessage>,
    pub orders: Vec<EffectRow>,
    pub ledger: Vec<EffectRow>,
    pub shipments: Vec<EffectRow>,
    pub dedup: Vec<DedupRow>,
    pub dedup_ttl_us: u64,
    pub dedup_in_memory: bool,
    /// Events of the dedup store's hits, the warehouse's deduplicated shipments, and the
    /// broker's deduplicated publishes.
    pub dedup_skips: Vec<u32>,
    pub shipments_deduplicated: Vec<u32>,
    pub publishes_deduplicated: Vec<u32>,
    /// Per order: the events that appended its event, wrote its ledger rows, shipped it.
    pub appends_by_op: PerOp,
    pub ledger_by_op: PerOp,
    pub shipments_by_op: PerOp,
    /// (event, order) of every event that changed what became of an order's event (see
    /// `touches_order`).
    pub touches: Vec<(u32, u32)>,
    /// Each order's row in `orders` (`u32::MAX`: not placed).
    pub order_of: Vec<u32>,
}

/// Event lists per order in one buffer: order `op`'s are `events[start[op]..start[op + 1]]`,
/// in event order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PerOp {
    start: Vec<u32>,
    events: Vec<u32>,
}

impl PerOp {
    /// From `(order, event)` pairs in event order, for orders below `orders`.
    fn new(orders: usize, pairs: &[(u32, u32)]) -> PerOp {
        let mut start = vec![0u32; orders + 1];
        for &(op, _) in pairs {
            start[op as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut events = vec![0; pairs.len()];
        for &(op, event) in pairs {
            events[next[op as usize] as usize] = event;
            next[op as usize] += 1;
        }
        PerOp { start, events }
    }

    /// Order `op`'s events.
    pub fn of(&self, op: u32) -> &[u32] {
        match (self.start.get(op as usize), self.start.get(op as usize + 1)) {
            (Some(&from), Some(&to)) => &self.events[from as usize..to as usize],
            _ => &[],
        }
    }
}

/// The lists per order being gathered: the pairs, and how many each order has so far.
#[derive(Default)]
struct Gathered {
    pairs: Vec<(u32, u32)>,
    counts: Vec<u32>,
}

impl Gathered {
    /// Adds `event` to `op`'s list and returns how many it had before.
    fn push(&mut self, op: u32, event: u32) -> u32 {
        self.pairs.push((op, event));
        let count = &mut self.counts[op as usize];
        *count += 1;
        *count - 1
    }
}

impl MessagingReplay {
    /// Fold the whole trace once (an empty replay for the HTTP workloads).
    pub fn new(result: &RunResult) -> MessagingReplay {
        let scenario = &result.scenario;
        let dedup = &scenario.protections.dedup_store;
        let mut replay = MessagingReplay {
            queue_mode: scenario.messaging.mode == BrokerMode::Queue,
            events: result.trace.len(),
            dedup_ttl_us: dedup.ttl_us,
            dedup_in_memory: dedup.location == DedupLocation::Memory,
            ..MessagingReplay::default()
        };
        if scenario.workload != crate::sim::config::Workload::Events {
            return replay;
        }
        if !replay.queue_mode {
            replay.partitions =
                vec![PartitionHistory::default(); scenario.messaging.partitions as usize];
        }
        let orders = scenario.operations as usize;
        let gathered = || Gathered {
            pairs: Vec::new(),
            counts: vec![0; orders],
        };
        let mut folder = Folder {
            orders: orders as u32,
            partition_of: vec![u8::MAX; orders],
            live_in_database: vec![u32::MAX; orders],
            appends: gathered(),
            ledger: gathered(),
            shipments: gathered(),
            ..Folder::default()
        };
        replay.order_of = vec![u32::MAX; orders];
        for (index, event) in result.trace.iter().enumerate() {
            folder.fold(&mut replay, index as u32, event);
        }
        replay.appends_by_op = PerOp::new(orders, &folder.appends.pairs);
        replay.ledger_by_op = PerOp::new(orders, &folder.ledger.pairs);
        replay.shipments_by_op = PerOp::new(orders, &folder.shipments.pairs);
        replay
    }
}

/// Whether an event of an order changes what became of its event: placed, published or
/// recognised, handed to a consumer, checked, recorded, applied, shipped, crashed on,
/// made visible again, deleted or dead-lettered. The orders table shows the latest.
fn touches_order(detail: &Detail) -> bool {
    match detail {
        Detail::Send { message, .. } => *message == MessageKind::Record,
        Detail::DbWrite { table, .. } => matches!(table, Table::Ledger | Table::Orders),
        Detail::Messaging(m) => matches!(
            m,
            M::Appended { .. }
                | M::PublishDeduplicated { .. }
                | M::PublishAbandoned
                | M::VisibilityExpired { .. }
                | M::DeadLettered { .. }
                | M::MessageDeleted { .. }
                | M::DedupCheck { .. }
                | M::DedupRecorded
                | M::Shipped { .. }
                | M::ShipmentDeduplicated { .. }
                | M::Crash { .. }
        ),
        _ => false,
    }
}
