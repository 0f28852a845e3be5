//! The `events` workload's tables at a time cursor: the broker's log (per partition, with
//! the committed offset and the owner) or queue (with receive counts and each message's
//! state), the ledger, the dedup store, the warehouse's shipments and the orders.
//!
//! As for the HTTP tables (`super::Replay`), the trace is folded once into event-indexed
//! histories and a query at a cursor only searches and walks what it returns. Outbox rows
//! are the HTTP replay's, which folds them for both worlds.

use std::collections::BTreeMap;

use crate::sim::config::{BrokerMode, DedupLocation};
use crate::sim::results::RunResult;
use crate::sim::trace::{Actor, Detail, MessageKind, MessagingDetail as M, Table, TraceEvent};

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

/// What the fold remembers between events.
#[derive(Default)]
struct Folder {
    orders: u32,
    /// Log mode: the partition of each order's records (`u8::MAX`: none yet). A record's
    /// offset is its place in its partition.
    partition_of: Vec<u8>,
    /// The live recording of each id: in the database, and in each consumer's memory.
    live_in_database: Vec<u32>,
    live_in_memory: BTreeMap<(u8, u32), usize>,
    appends: Gathered,
    ledger: Gathered,
    shipments: Gathered,
}

impl Folder {
    fn fold(&mut self, r: &mut MessagingReplay, id: u32, event: &TraceEvent) {
        let op = event.op;
        // Every event this fold keeps belongs to an order, except the group's and the
        // crashes' (which may carry none).
        let of_order = op < self.orders;
        if of_order && touches_order(&event.detail) {
            r.touches.push((id, op));
        }
        let effect = |id_field: u32, repeat: u32| EffectRow {
            id: id_field,
            op,
            repeat,
            by: event.peer,
            event: id,
            time_us: event.time,
        };
        match event.detail {
            Detail::Messaging(M::Appended { partition, offset }) if of_order => {
                let repeat = self.appends.push(op, id);
                if r.queue_mode {
                    r.messages.push(QueueMessage {
                        id: offset,
                        op,
                        repeat,
                        sent_event: id,
                        sent_us: event.time,
                        changes: vec![(id, QueueState::Visible)],
                        stale_deletes: Vec::new(),
                    });
                } else if let Some(p) = r.partitions.get_mut(partition as usize) {
                    self.partition_of[op as usize] = partition;
                    p.records.push(LogRecord {
                        offset,
                        op,
                        repeat,
                        appended_event: id,
                        appended_us: event.time,
                        deliveries: Vec::new(),
                    });
                }
            }
            Detail::Messaging(M::PublishDeduplicated { .. }) => r.publishes_deduplicated.push(id),
            Detail::Send {
                message: MessageKind::Record,
                value,
                ..
            } => {
                if let Actor::Consumer(c) = event.peer {
                    let at = value.clamp(0, u32::MAX as i64) as u32;
                    if r.queue_mode {
                        if let Some(m) = r.messages.get_mut(at as usize) {
                            m.changes.push((id, QueueState::InFlight { consumer: c }));
                        }
                    } else if let Some(record) = self
                        .partition_of
                        .get(op as usize)
                        .and_then(|&p| r.partitions.get_mut(p as usize))
                        .and_then(|p| p.records.get_mut(at as usize))
                        .filter(|record| record.op == op)
                    {
                        record.deliveries.push((id, c));
                    }
                }
            }
            // Queue messages are numbered in the order they were sent, as `r.messages` is.
            Detail::Messaging(M::MessageDeleted { message, applied }) => {
                if let Some(m) = r.messages.get_mut(message as usize) {
                    if applied {
                        m.changes.push((id, QueueState::Deleted));
                    } else {
                        m.stale_deletes.push(id);
                    }
                }
            }
            Detail::Messaging(M::VisibilityExpired { message, .. }) => {
                if let Some(m) = r.messages.get_mut(message as usize) {
                    m.changes.push((id, QueueState::Visible));
                }
            }
            Detail::Messaging(M::DeadLettered { message, .. }) => {
                if let Some(m) = r.messages.get_mut(message as usize) {
                    m.changes.push((id, QueueState::DeadLettered));
                }
            }
            Detail::Messaging(M::OffsetCommitted {
                partition,
                offset,
                accepted,
            }) => {
                if let Some(p) = r.partitions.get_mut(partition as usize) {
                    if accepted {
                        p.commits.push((id, offset));
                    } else {
                        p.refused.push(id);
                    }
                }
            }
            Detail::Messaging(M::Rebalance { .. }) => {
                for p in &mut r.partitions {
                    p.owners.push((id, None));
                }
            }
            Detail::Messaging(M::Assigned { partition, .. }) => {
                if let (Some(p), Actor::Consumer(c)) =
                    (r.partitions.get_mut(partition as usize), event.actor)
                {
                    p.owners.push((id, Some(c)));
                }
            }
            Detail::DbWrite {
                table: Table::Ledger,
                ..
            } if of_order => {
                let repeat = self.ledger.push(op, id);
                r.ledger.push(effect(op, repeat));
            }
            Detail::DbWrite {
                table: Table::Orders,
                ..
            } if of_order => {
                let row = &mut r.order_of[op as usize];
                if *row == u32::MAX {
                    *row = r.orders.len() as u32;
                }
                r.orders.push(effect(op, 0));
            }
            Detail::Messaging(M::Shipped { shipment }) if of_order => {
                let repeat = self.shipments.push(op, id);
                r.shipments.push(effect(shipment, repeat));
            }
            Detail::Messaging(M::ShipmentDeduplicated { .. }) => r.shipments_deduplicated.push(id),
            Detail::Messaging(M::DedupCheck { seen: true, .. }) => r.dedup_skips.push(id),
            Detail::Messaging(M::DedupRecorded) if of_order => {
                let row = r.dedup.len();
                let (scope, previous) = match event.actor {
                    Actor::Consumer(c) => (
                        DedupScope::Consumer(c),
                        self.live_in_memory.insert((c, op), row),
                    ),
                    _ => {
                        let live = &mut self.live_in_database[op as usize];
                        let previous = std::mem::replace(live, row as u32);
                        (
                            DedupScope::Database,
                            (previous != u32::MAX).then_some(previous as usize),
                        )
                    }
                };
                if let Some(previous) = previous {
                    r.dedup[previous].ended_event = Some(id);
                }
                r.dedup.push(DedupRow {
                    scope,
                    op,
                    recorded_event: id,
                    recorded_us: event.time,
                    expires_us: event.time.saturating_add(r.dedup_ttl_us),
                    ended_event: None,
                });
            }
            Detail::Messaging(M::Crash { .. }) => {
                // A consumer's memory, and the ids in it, are gone.
                if let Actor::Consumer(c) = event.actor {
                    let lost: Vec<(u8, u32)> = self
                        .live_in_memory
                        .range((c, 0)..=(c, u32::MAX))
                        .map(|(&key, _)| key)
                        .collect();
                    for key in lost {
                        if let Some(row) = self.live_in_memory.remove(&key) {
                            r.dedup[row].ended_event = Some(id);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// A log record at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogRecordAt {
    pub offset: u32,
    pub op: u32,
    pub repeat: u32,
    /// Below the partition's committed offset.
    pub committed: bool,
    /// Times the broker handed it to a consumer, and the last one it went to.
    pub deliveries: u32,
    pub last_consumer: Option<u8>,
}

/// A partition at the cursor: its records around the committed offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionAt {
    pub partition: u8,
    pub appended: usize,
    pub committed: u32,
    pub refused_commits: usize,
    pub owner: Option<u8>,
    pub records: Vec<LogRecordAt>,
}

/// A queue message at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueMessageAt {
    pub id: u32,
    pub op: u32,
    pub repeat: u32,
    pub receives: u32,
    pub state: QueueState,
    pub stale_deletes: u32,
}

/// The queue at the cursor: counts by state, and some of its messages (see `queue_at`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueAt {
    pub total: usize,
    pub visible: usize,
    pub in_flight: usize,
    pub deleted: usize,
    pub dead_lettered: usize,
    pub messages: Vec<QueueMessageAt>,
}

/// A dedup store row at the cursor; `expired` once older than the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DedupRowAt {
    pub row: DedupRow,
    pub expired: bool,
}

/// An order at the cursor, with what became of its event so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderAt {
    pub row: EffectRow,
    /// Copies of its event in the log or queue, ledger rows, shipments.
    pub copies: u32,
    pub ledger_rows: u32,
    pub shipments: u32,
}

/// A table's most recent rows at the cursor, and how many it has in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recent<T> {
    pub total: usize,
    /// Rows that repeat an earlier row's order (ledger rows, shipments).
    pub repeated: usize,
    pub rows: Vec<T>,
}

/// The `limit` rows of `list[..total]` starting at `start` (clamped to show `limit` rows).
fn window(total: usize, start: usize, limit: usize) -> std::ops::Range<usize> {
    let start = start.min(total.saturating_sub(limit));
    start..(start + limit).min(total)
}

impl MessagingReplay {
    fn happened(&self, cursor: usize) -> u32 {
        cursor.min(self.events) as u32
    }

    /// The partitions after the first `cursor` events, each with `limit` records from just
    /// below its committed offset.
    pub fn partitions_at(&self, cursor: usize, limit: usize) -> Vec<PartitionAt> {
        let cursor = self.happened(cursor);
        let mut out = Vec::with_capacity(self.partitions.len());
        for (index, p) in self.partitions.iter().enumerate() {
            let appended = p.records.partition_point(|r| r.appended_event < cursor);
            let commits = p.commits.partition_point(|&(e, _)| e < cursor);
            let committed = commits.checked_sub(1).map_or(0, |i| p.commits[i].1);
            let owners = p.owners.partition_point(|&(e, _)| e < cursor);
            let owner = owners.checked_sub(1).and_then(|i| p.owners[i].1);
            let shown = window(appended, committed.saturating_sub(1) as usize, limit);
            let records = p.records[shown]
                .iter()
                .map(|r| {
                    let delivered = before_pairs(&r.deliveries, cursor);
                    LogRecordAt {
                        offset: r.offset,
                        op: r.op,
                        repeat: r.repeat,
                        committed: r.offset < committed,
                        deliveries: delivered as u32,
                        last_consumer: delivered.checked_sub(1).map(|i| r.deliveries[i].1),
                    }
                })
                .collect();
            out.push(PartitionAt {
                partition: index as u8,
                appended,
                committed,
                refused_commits: before(&p.refused, cursor),
                owner,
                records,
            });
        }
        out
    }

    /// The queue after the first `cursor` events, with `limit` of its messages: those in
    /// flight (oldest first), then the others by their latest change (a send, an expired
    /// visibility, a delete, stale or not, a dead-lettering), most recent first.
    pub fn queue_at(&self, cursor: usize, limit: usize) -> QueueAt {
        let cursor = self.happened(cursor);
        let total = self.messages.partition_point(|m| m.sent_event < cursor);
        let mut queue = QueueAt {
            total,
            ..QueueAt::default()
        };
        // (rank, order within the rank, message): rank 0 in flight, 1 the others.
        let mut ranked: Vec<(u8, i64, QueueMessageAt)> = Vec::with_capacity(total);
        for m in &self.messages[..total] {
            let changes = before_pairs(&m.changes, cursor);
            let (last, state) = m.changes[changes - 1];
            let stale = before(&m.stale_deletes, cursor);
            let latest = stale
                .checked_sub(1)
                .map_or(last, |i| last.max(m.stale_deletes[i]));
            match state {
                QueueState::InFlight { .. } => queue.in_flight += 1,
                QueueState::Visible => queue.visible += 1,
                QueueState::Deleted => queue.deleted += 1,
                QueueState::DeadLettered => queue.dead_lettered += 1,
            }
            let rank = match state {
                QueueState::InFlight { .. } => (0, m.id as i64),
                _ => (1, -(latest as i64)),
            };
            let receives = m.changes[..changes]
                .iter()
                .filter(|(_, s)| matches!(s, QueueState::InFlight { .. }))
                .count() as u32;
            ranked.push((
                rank.0,
                rank.1,
                QueueMessageAt {
                    id: m.id,
                    op: m.op,
                    repeat: m.repeat,
                    receives,
                    state,
                    stale_deletes: stale as u32,
                },
            ));
        }
        let shown = limit.min(ranked.len());
        if shown < ranked.len() {
            ranked.select_nth_unstable_by_key(shown, |&(rank, order, _)| (rank, order));
            ranked.truncate(shown);
        }
        ranked.sort_unstable_by_key(|&(rank, order, _)| (rank, order));
        queue.messages = ranked.into_iter().map(|(.., m)| m).collect();
        queue
    }

    /// The `limit` most recent rows of `rows` made before the cursor.
    fn recent(rows: &[EffectRow], cursor: u32, limit: usize) -> Recent<EffectRow> {
        let total = rows.partition_point(|r| r.event < cursor);
        Recent {
            total,
            repeated: rows[..total].iter().filter(|r| r.repeat > 0).count(),
            rows: rows[window(total, total, limit)].to_vec(),
        }
    }

    pub fn ledger_at(&self, cursor: usize, limit: usize) -> Recent<EffectRow> {
        Self::recent(&self.ledger, self.happened(cursor), limit)
    }

    pub fn shipments_at(&self, cursor: usize, limit: usize) -> Recent<EffectRow> {
        Self::recent(&self.shipments, self.happened(cursor), limit)
    }

    /// Copies of `op`'s event in the broker, ledger rows and shipments after `cursor` events.
    pub fn effects_of(&self, op: u32, cursor: usize) -> (u32, u32, u32) {
        let cursor = self.happened(cursor);
        let count = |lists: &PerOp| before(lists.of(op), cursor) as u32;
        (
            count(&self.appends_by_op),
            count(&self.ledger_by_op),
            count(&self.shipments_by_op),
        )
    }

    /// The orders placed before the cursor, `limit` of them: those whose event something
    /// happened to most recently (see `touches_order`), oldest first.
    pub fn orders_at(&self, cursor: usize, limit: usize) -> Recent<OrderAt> {
        let happened = self.happened(cursor);
        let total = self.orders.partition_point(|r| r.event < happened);
        let mut ops: Vec<u32> = Vec::with_capacity(limit.min(total));
        let touched = self.touches.partition_point(|&(e, _)| e < happened);
        for &(_, op) in self.touches[..touched].iter().rev() {
            if ops.len() >= limit {
                break;
            }
            if !ops.contains(&op) {
                ops.push(op);
            }
        }
        let rows = ops
            .iter()
            .rev()
            .filter_map(|&op| {
                let row = *self.order_of.get(op as usize)?;
                self.orders.get(row as usize).copied()
            })
            .map(|row| {
                let (copies, ledger_rows, shipments) = self.effects_of(row.op, cursor);
                OrderAt {
                    row,
                    copies,
                    ledger_rows,
                    shipments,
                }
            })
            .collect();
        Recent {
            total,
            repeated: 0,
            rows,
        }
    }

    /// The dedup store's live ids at the cursor (the `limit` most recent), at `time_us`.
    pub fn dedup_at(&self, cursor: usize, time_us: u64, limit: usize) -> Recent<DedupRowAt> {
        let cursor = self.happened(cursor);
        let recorded = self.dedup.partition_point(|r| r.recorded_event < cursor);
        let live: Vec<&DedupRow> = self.dedup[..recorded]
            .iter()
            .filter(|r| r.ended_event.is_none_or(|e| e >= cursor))
            .collect();
        Recent {
            total: live.len(),
            repeated: 0,
            rows: live[window(live.len(), live.len(), limit)]
                .iter()
                .map(|&&row| DedupRowAt {
                    row,
                    expired: time_us >= row.expires_us,
                })
                .collect(),
        }
    }

    /// How many events of `list` happened before the cursor (dedup skips and the like).
    pub fn count_at(list: &[u32], cursor: usize) -> usize {
        before(list, cursor.min(u32::MAX as usize) as u32)
    }
}

impl MessagingReplay {
    /// Over the whole run: records or messages handed to a consumer again.
    pub fn redeliveries(&self) -> usize {
        let log: usize = self
            .partitions
            .iter()
            .flat_map(|p| &p.records)
            .map(|r| r.deliveries.len().saturating_sub(1))
            .sum();
        let queue: usize = self
            .messages
            .iter()
            .map(|m| {
                let receives = m.changes.iter();
                let receives = receives.filter(|(_, s)| matches!(s, QueueState::InFlight { .. }));
                receives.count().saturating_sub(1)
            })
            .sum();
        log + queue
    }

    /// Over the whole run: offset commits refused, or deletes that no longer applied.
    pub fn stale_acknowledgements(&self) -> usize {
        let commits: usize = self.partitions.iter().map(|p| p.refused.len()).sum();
        let deletes: usize = self.messages.iter().map(|m| m.stale_deletes.len()).sum();
        commits + deletes
    }
}

/// Entries of `(event, _)` pairs before the cursor.
fn before_pairs<T>(list: &[(u32, T)], cursor: u32) -> usize {
    list.partition_point(|(e, _)| *e < cursor)
}
