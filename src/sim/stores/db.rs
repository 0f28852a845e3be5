//! The shared, durable database. Each public method is one statement or one
//! transaction: it applies all its writes or none. Unique constraints exist only
//! where a protection turns them on.

use serde::{Deserialize, Serialize};

use crate::sim::live::IdMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: u32,
    /// The logical operation (also the client-supplied natural key).
    pub op: u32,
    pub amount: i64,
    pub quantity: u32,
    pub created_at: u64,
}

/// A row with an optimistic-concurrency version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionedRow {
    pub value: i64,
    pub version: u64,
    /// The operation that wrote it last (`NO_OP` if none).
    pub last_writer: u32,
    /// Profiles only: the row is deleted.
    pub deleted: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: u32,
    pub op: u32,
    /// The execution whose transaction wrote it.
    pub exec: u32,
    pub sent: bool,
}

/// Result of an `INSERT` into orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insert {
    Inserted(u32),
    /// `ON CONFLICT`: a row for this natural key exists already.
    Exists(u32),
}

#[derive(Clone, Debug, Default)]
pub struct Database {
    /// Order and payment rows, per operation that has not settled; a settled operation's
    /// rows are counted in `rows` and dropped (see `settle.rs`).
    orders: IdMap<u32, Vec<OrderRow>>,
    /// The unique index on the natural key, present only when upsert is on.
    order_by_ref: IdMap<u32, u32>,
    next_order: u32,
    pub inventory: VersionedRow,
    pub accounts: Vec<VersionedRow>,
    pub profiles: Vec<VersionedRow>,
    /// Outbox rows of operations that have not settled, by id, and their ids per operation.
    outbox: IdMap<u32, OutboxRow>,
    outbox_by_op: IdMap<u32, Vec<u32>>,
    next_outbox: u32,
    /// Outbox rows asked for after they were forgotten: none, unless settling is wrong.
    pub late: u64,
}

impl Database {
    pub fn new(stock: u64, accounts: u32, initial_balance: i64, profiles: u32) -> Self {
        let row = |value| VersionedRow {
            value,
            version: 0,
            last_writer: crate::sim::trace::NO_OP,
            deleted: false,
        };
        Database {
            inventory: row(stock as i64),
            accounts: vec![row(initial_balance); accounts as usize],
            profiles: vec![
                VersionedRow {
                    deleted: true,
                    ..row(0)
                };
                profiles as usize
            ],
            ..Database::default()
        }
    }

    /// `INSERT INTO orders`, with `ON CONFLICT (ref)` when the unique key is on.
    pub fn insert_order(
        &mut self,
        row: OrderRow,
        unique_ref: bool,
        update_on_conflict: bool,
    ) -> Insert {
        if unique_ref {
            if let Some(&existing) = self.order_by_ref.get(&row.op) {
                if update_on_conflict {
                    let rows = self.orders.entry(row.op).or_default();
                    if let Some(target) = rows.iter_mut().find(|o| o.id == existing) {
                        target.amount = row.amount;
                        target.quantity = row.quantity;
                    }
                }
                return Insert::Exists(existing);
            }
        }
        let id = self.next_order;
        self.next_order += 1;
        self.orders
            .entry(row.op)
            .or_default()
            .push(OrderRow { id, ..row });
        if unique_ref {
            self.order_by_ref.insert(row.op, id);
        }
        Insert::Inserted(id)
    }

    /// The order of `op` (its first row).
    pub fn find_order(&self, op: u32) -> Option<&OrderRow> {
        let rows = self.orders.get(&op)?;
        match self.order_by_ref.get(&op) {
            Some(&id) => rows.iter().find(|o| o.id == id),
            None => rows.first(),
        }
    }

    /// Order and payment rows inserted in the run: the ground truth's total.
    pub fn order_rows(&self) -> u64 {
        self.next_order as u64
    }

    pub fn add_outbox(&mut self, op: u32, exec: u32) -> u32 {
        let id = self.next_outbox;
        self.next_outbox += 1;
        let row = OutboxRow {
            id,
            op,
            exec,
            sent: false,
        };
        self.outbox.insert(id, row);
        self.outbox_by_op.entry(op).or_default().push(id);
        id
    }

    pub fn outbox_row(&self, id: u32) -> Option<OutboxRow> {
        self.outbox.get(&id).copied()
    }

    /// Mark outbox row `id` sent; returns it as it was.
    pub fn mark_sent(&mut self, id: u32) -> Option<OutboxRow> {
        let Some(row) = self.outbox.get_mut(&id) else {
            self.late += 1;
            return None;
        };
        let before = *row;
        row.sent = true;
        Some(before)
    }

    /// `op` has settled: forget its rows. Returns how many order or payment rows it had,
    /// and the ids of its outbox rows.
    pub fn settle(&mut self, op: u32) -> (u32, Vec<u32>) {
        let rows = self.orders.remove(&op).map_or(0, |rows| rows.len() as u32);
        self.order_by_ref.remove(&op);
        let outbox = self.outbox_by_op.remove(&op).unwrap_or_default();
        for id in &outbox {
            self.outbox.remove(id);
        }
        (rows, outbox)
    }

    /// Rows held for operations not settled (orders and outbox).
    pub fn live_rows(&self) -> usize {
        self.orders.values().map(Vec::len).sum::<usize>() + self.outbox.len()
    }
}

/// Which versioned row a handler reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRef {
    Inventory,
    Account(u32),
    Profile(u16),
}

impl Database {
    pub fn row(&self, r: RowRef) -> &VersionedRow {
        match r {
            RowRef::Inventory => &self.inventory,
            RowRef::Account(i) => &self.accounts[i as usize],
            RowRef::Profile(i) => &self.profiles[i as usize],
        }
    }

    pub fn row_mut(&mut self, r: RowRef) -> &mut VersionedRow {
        match r {
            RowRef::Inventory => &mut self.inventory,
            RowRef::Account(i) => &mut self.accounts[i as usize],
            RowRef::Profile(i) => &mut self.profiles[i as usize],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(op: u32) -> OrderRow {
        OrderRow {
            id: 0,
            op,
            amount: 10,
            quantity: 1,
            created_at: 0,
        }
    }

    #[test]
    fn without_a_unique_key_duplicates_are_inserted() {
        let mut db = Database::new(10, 1, 0, 1);
        assert_eq!(db.insert_order(order(7), false, false), Insert::Inserted(0));
        assert_eq!(db.insert_order(order(7), false, false), Insert::Inserted(1));
        assert_eq!(db.order_rows(), 2);
        assert_eq!(db.find_order(7).map(|o| o.id), Some(0));
        assert_eq!(db.settle(7), (2, vec![]));
        assert!(db.find_order(7).is_none());
    }

    #[test]
    fn on_conflict_blocks_the_duplicate_and_do_update_overwrites() {
        let mut db = Database::new(10, 1, 0, 1);
        assert_eq!(db.insert_order(order(7), true, false), Insert::Inserted(0));
        assert_eq!(db.insert_order(order(7), true, false), Insert::Exists(0));
        let changed = OrderRow {
            amount: 99,
            ..order(7)
        };
        assert_eq!(db.insert_order(changed, true, true), Insert::Exists(0));
        assert_eq!(db.order_rows(), 1);
        assert_eq!(db.find_order(7).map(|o| o.amount), Some(99));
    }
}
