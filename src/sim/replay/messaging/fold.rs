//! Folding the trace once into the histories the tables are read from.

use std::collections::BTreeMap;

use crate::sim::trace::{Actor, Detail, MessageKind, MessagingDetail as M, Table, TraceEvent};

use super::*;

/// What the fold remembers between events.
#[derive(Default)]
pub(super) struct Folder {
    pub(super) orders: u32,
    /// Log mode: the partition of each order's records (`u8::MAX`: none yet). A record's
    /// offset is its place in its partition.
    pub(super) partition_of: Vec<u8>,
    /// The live recording of each id: in the database, and in each consumer's memory.
    pub(super) live_in_database: Vec<u32>,
    pub(super) live_in_memory: BTreeMap<(u8, u32), usize>,
    pub(super) appends: Gathered,
    pub(super) ledger: Gathered,
    pub(super) shipments: Gathered,
}

impl Folder {
    pub(super) fn fold(&mut self, r: &mut MessagingReplay, id: u32, event: &TraceEvent) {
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
