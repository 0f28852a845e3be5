//! The messaging world's database and the consumers' in-memory dedup stores. Every
//! transaction here commits at once: the crash windows are between transactions.

use std::collections::BTreeMap;

/// One outbox row: the event of order `op`, written with the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub op: u32,
    pub sent: bool,
}

/// Ledger rows per order: the ground truth of applied events.
#[derive(Debug, Default)]
pub struct Database {
    /// Orders committed (by order number).
    pub orders: Vec<bool>,
    pub outbox: Vec<OutboxRow>,
    pub ledger_rows: Vec<u8>,
    pub ledger_total: u64,
    /// Orders with at least one ledger row: how far the consumers have got.
    pub applied_orders: u64,
    /// `processed_messages`: message id → when it was recorded.
    pub processed: BTreeMap<u32, u64>,
}

impl Database {
    pub fn new(orders: u32) -> Self {
        Database {
            orders: vec![false; orders as usize],
            ledger_rows: vec![0; orders as usize],
            ..Database::default()
        }
    }

    /// Insert the order (and its outbox row); returns the outbox row's id.
    pub fn commit_order(&mut self, op: u32, outbox: bool) -> Option<u32> {
        self.orders[op as usize] = true;
        outbox.then(|| {
            self.outbox.push(OutboxRow { op, sent: false });
            (self.outbox.len() - 1) as u32
        })
    }

    /// Whether `op`'s id is in `processed_messages` and younger than `ttl`.
    pub fn processed(&self, op: u32, now: u64, ttl: u64) -> bool {
        self.processed
            .get(&op)
            .is_some_and(|&at| now.saturating_sub(at) < ttl)
    }

    pub fn record_processed(&mut self, op: u32, now: u64) {
        self.processed.insert(op, now);
    }

    /// Add a ledger row for `op`; returns how many it has now.
    pub fn apply(&mut self, op: u32) -> u8 {
        let rows = &mut self.ledger_rows[op as usize];
        self.applied_orders += (*rows == 0) as u64;
        *rows = rows.saturating_add(1);
        self.ledger_total += 1;
        *rows
    }

    /// Outbox rows not marked sent, in order.
    pub fn unsent(&self) -> impl Iterator<Item = (u32, OutboxRow)> + '_ {
        self.outbox
            .iter()
            .enumerate()
            .filter(|(_, row)| !row.sent)
            .map(|(id, &row)| (id as u32, row))
    }
}

/// A consumer's in-memory dedup store: message id → when it was recorded.
#[derive(Debug, Default)]
pub struct MemoryDedup(BTreeMap<u32, u64>);

impl MemoryDedup {
    pub fn seen(&self, op: u32, now: u64, ttl: u64) -> bool {
        self.0
            .get(&op)
            .is_some_and(|&at| now.saturating_sub(at) < ttl)
    }

    pub fn record(&mut self, op: u32, now: u64) {
        self.0.insert(op, now);
    }

    /// A crash loses it.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}
