//! The shared, durable database. Each public method is one statement or one
//! transaction: it applies all its writes or none. Unique constraints exist only
//! where a protection turns them on.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

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
    pub orders: Vec<OrderRow>,
    /// The unique index on the natural key, present only when upsert is on.
    order_by_ref: HashMap<u32, u32>,
    pub inventory: VersionedRow,
    pub accounts: Vec<VersionedRow>,
    pub profiles: Vec<VersionedRow>,
    pub outbox: Vec<OutboxRow>,
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
                    let target = &mut self.orders[existing as usize];
                    target.amount = row.amount;
                    target.quantity = row.quantity;
                }
                return Insert::Exists(existing);
            }
        }
        let id = self.orders.len() as u32;
        self.orders.push(OrderRow { id, ..row });
        if unique_ref {
            self.order_by_ref.insert(row.op, id);
        }
        Insert::Inserted(id)
    }

    pub fn find_order(&self, op: u32) -> Option<&OrderRow> {
        match self.order_by_ref.get(&op) {
            Some(&id) => self.orders.get(id as usize),
            None => self.orders.iter().find(|o| o.op == op),
        }
    }

    pub fn remove_order(&mut self, id: u32) {
        // Rolling back the last insert of an aborted transaction.
        if let Some(row) = self.orders.pop() {
            debug_assert_eq!(row.id, id);
            if self.order_by_ref.get(&row.op) == Some(&id) {
                self.order_by_ref.remove(&row.op);
            }
        }
    }

    pub fn add_outbox(&mut self, op: u32, exec: u32) -> u32 {
        let id = self.outbox.len() as u32;
        self.outbox.push(OutboxRow {
            id,
            op,
            exec,
            sent: false,
        });
        id
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
        assert_eq!(db.orders.len(), 2);
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
        assert_eq!(db.orders.len(), 1);
        assert_eq!(db.orders[0].amount, 99);
        db.remove_order(0);
        assert!(db.find_order(7).is_none());
    }
}
