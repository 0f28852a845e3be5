//! The idempotency-key store: the record kept per (client, key), and where it lives —
//! in each replica's memory (lost on a crash, invisible to the other replicas) or in the
//! shared database.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::sim::config::KeyStoreLocation;

/// A response as stored for replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    /// The operation whose result this is (the body "belongs" to it).
    pub body_op: u32,
    pub version: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum KeyState {
    InProgress { locked_at: u64 },
    Completed { response: StoredResponse },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub client: u16,
    pub key: u64,
    pub fingerprint: u64,
    pub state: KeyState,
    pub created_at: u64,
    pub expires_at: u64,
    /// The operation and attempt that created the record.
    pub op: u32,
    pub attempt: u8,
    /// The execution that holds (or held) the record: a fencing token, so an execution
    /// whose lock timed out and was taken over cannot commit.
    pub owner: u32,
    /// A recovery point: the holder had started its charge call (under a key derived from
    /// this one), so an execution that takes the key over must settle that charge.
    #[serde(default)]
    pub charge_started: bool,
}

/// A key store: either a replica's memory or the database table.
pub type KeyTable = HashMap<(u16, u64), KeyRecord>;

/// Count the records that are still live (not expired) at `now`.
pub fn live_records(table: &KeyTable, now: u64) -> usize {
    table.values().filter(|r| now < r.expires_at).count()
}

/// Every key table of the run: one per replica's memory and the database's.
#[derive(Clone, Debug)]
pub struct KeyStore {
    location: KeyStoreLocation,
    memory: Vec<KeyTable>,
    database: KeyTable,
    /// No record expires before this (purges before it have nothing to do).
    next_expiry: u64,
}

impl KeyStore {
    pub fn new(location: KeyStoreLocation, replicas: u32) -> Self {
        KeyStore {
            location,
            memory: vec![KeyTable::default(); replicas as usize],
            database: KeyTable::default(),
            next_expiry: u64::MAX,
        }
    }

    /// The table a handler on `replica` reads and writes.
    pub fn table(&mut self, replica: u8) -> &mut KeyTable {
        match self.location {
            KeyStoreLocation::Memory => &mut self.memory[replica as usize],
            KeyStoreLocation::Database => &mut self.database,
        }
    }

    pub fn get(&mut self, replica: u8, client: u16, key: u64) -> Option<KeyRecord> {
        self.table(replica).get(&(client, key)).copied()
    }

    /// Visit the records that `select` picks, table by table in a fixed order and by
    /// (client, key) within a table, so that what a visitor writes is the same in every
    /// run. Only the picked records are sorted.
    pub fn visit_sorted(
        &mut self,
        select: impl Fn(&KeyRecord) -> bool,
        mut visit: impl FnMut(&mut KeyRecord),
    ) {
        for table in self
            .memory
            .iter_mut()
            .chain(std::iter::once(&mut self.database))
        {
            let mut ids: Vec<(u16, u64)> = table
                .iter()
                .filter(|(_, r)| select(r))
                .map(|(&id, _)| id)
                .collect();
            ids.sort_unstable();
            for id in ids {
                if let Some(record) = table.get_mut(&id) {
                    visit(record);
                }
            }
        }
    }

    /// Keep `record` in the table of `replica` (see [`KeyStore::table`]).
    pub fn insert(&mut self, replica: u8, record: KeyRecord) {
        self.next_expiry = self.next_expiry.min(record.expires_at);
        self.table(replica)
            .insert((record.client, record.key), record);
    }

    /// Delete the records that expired by `now`; returns how many.
    pub fn purge_expired(&mut self, now: u64) -> u64 {
        // Nothing can have expired before the earliest expiry: skip the scan.
        if now < self.next_expiry {
            return 0;
        }
        let before = self.rows();
        for table in self
            .memory
            .iter_mut()
            .chain(std::iter::once(&mut self.database))
        {
            table.retain(|_, r| now < r.expires_at);
        }
        self.next_expiry = self
            .memory
            .iter()
            .chain(std::iter::once(&self.database))
            .flat_map(|table| table.values())
            .map(|r| r.expires_at)
            .min()
            .unwrap_or(u64::MAX);
        before - self.rows()
    }

    /// A crash loses what the replica kept in memory.
    pub fn clear_memory(&mut self, replica: u8) {
        self.memory[replica as usize].clear();
    }

    /// Rows held, over every table (a cost of the protection).
    pub fn rows(&self) -> u64 {
        (self.database.len() + self.memory.iter().map(HashMap::len).sum::<usize>()) as u64
    }
}
