//! The tables at a time cursor: searches in the folded histories, walking only what
//! they return.

use super::*;

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
