//! The idempotency-key store: the record kept per (client, key), and where it lives —
//! in each replica's memory (lost on a crash, invisible to the other replicas) or in the
//! shared database.

use std::collections::{HashMap, VecDeque};

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

/// Every key table of the run: one per replica's memory and the database's.
#[derive(Clone, Debug)]
pub struct KeyStore {
    location: KeyStoreLocation,
    memory: Vec<KeyTable>,
    database: KeyTable,
    /// No record expires before this (purges before it have nothing to do).
    next_expiry: u64,
    /// Rows of settled operations, per table (the memory tables, then the database's).
    retired: Vec<Retired>,
    /// The housekeeping job's period: purges run at its multiples only.
    round_us: u64,
}

/// Rows that nothing can look up any more (their operation has settled and its key is
/// its own), kept as counts by the housekeeping round that will purge them: they still
/// count as rows, and they go when they expire, as before, without their records. Purges
/// run only at multiples of the round (keeper.rs), so a row that expires at `e` is purged
/// at the first multiple ≥ `e` whether it is a record or a count. Four bytes a round
/// between now and the last expiry (at most TTL / round), instead of a record a row.
#[derive(Clone, Debug, Default)]
struct Retired {
    /// Rows purged at round `first`, `first + 1`, …; never a zero at the front.
    by_round: VecDeque<u32>,
    first: u64,
    rows: u64,
}

impl Retired {
    /// A row that round `round` purges.
    fn add(&mut self, round: u64) {
        if self.by_round.is_empty() {
            self.first = round;
        }
        while round < self.first {
            self.by_round.push_front(0);
            self.first -= 1;
        }
        let index = (round - self.first) as usize;
        if self.by_round.len() <= index {
            self.by_round.resize(index + 1, 0);
        }
        self.by_round[index] += 1;
        self.rows += 1;
    }

    /// Drop the rows purged by round `round` and before.
    fn purge(&mut self, round: u64) {
        while self.first <= round {
            let Some(rows) = self.by_round.pop_front() else {
                break;
            };
            self.rows -= rows as u64;
            self.first += 1;
        }
        while self.by_round.front() == Some(&0) {
            self.by_round.pop_front();
            self.first += 1;
        }
    }

    /// The round of the earliest row, if any.
    fn next(&self) -> Option<u64> {
        (!self.by_round.is_empty()).then_some(self.first)
    }
}

impl KeyStore {
    /// A store whose expired rows are purged every `round_us` (the keeper's interval).
    pub fn new(location: KeyStoreLocation, replicas: u32, round_us: u64) -> Self {
        KeyStore {
            location,
            memory: vec![KeyTable::default(); replicas as usize],
            database: KeyTable::default(),
            next_expiry: u64::MAX,
            retired: vec![Retired::default(); replicas as usize + 1],
            round_us: round_us.max(1),
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

    /// The record of `(client, key)` in any table.
    pub fn find(&self, client: u16, key: u64) -> impl Iterator<Item = &KeyRecord> {
        self.tables().filter_map(move |t| t.get(&(client, key)))
    }

    fn tables(&self) -> impl Iterator<Item = &KeyTable> {
        self.memory.iter().chain(std::iter::once(&self.database))
    }

    fn tables_mut(&mut self) -> impl Iterator<Item = &mut KeyTable> {
        self.memory
            .iter_mut()
            .chain(std::iter::once(&mut self.database))
    }

    /// Visit the records that `select` picks, table by table in a fixed order and by
    /// (client, key) within a table, so that what a visitor writes is the same in every
    /// run. Only the picked records are sorted.
    pub fn visit_sorted(
        &mut self,
        select: impl Fn(&KeyRecord) -> bool,
        mut visit: impl FnMut(&mut KeyRecord),
    ) {
        for table in self.tables_mut() {
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

    /// The key of a settled operation that no other operation sends: its records leave
    /// the tables and are counted until they expire.
    pub fn retire(&mut self, client: u16, key: u64) {
        let round = self.round_us;
        let tables = self
            .memory
            .iter_mut()
            .chain(std::iter::once(&mut self.database));
        for (table, retired) in tables.zip(&mut self.retired) {
            if let Some(record) = table.remove(&(client, key)) {
                retired.add(record.expires_at.div_ceil(round));
            }
        }
    }

    /// Delete the records that expired by `now`; returns how many.
    pub fn purge_expired(&mut self, now: u64) -> u64 {
        // Nothing can have expired before the earliest expiry: skip the scan.
        if now < self.next_expiry {
            return 0;
        }
        debug_assert_eq!(now % self.round_us, 0, "purges run at the rounds only");
        let before = self.rows();
        for table in self.tables_mut() {
            table.retain(|_, r| now < r.expires_at);
        }
        for retired in &mut self.retired {
            retired.purge(now / self.round_us);
        }
        let live = self.tables().flat_map(|table| table.values());
        let round = self.round_us;
        let retired = self.retired.iter().filter_map(|r| r.next());
        self.next_expiry = live
            .map(|r| r.expires_at)
            .chain(retired.map(|k| k * round))
            .min()
            .unwrap_or(u64::MAX);
        before - self.rows()
    }

    /// A crash loses what the replica kept in memory.
    pub fn clear_memory(&mut self, replica: u8) {
        self.memory[replica as usize].clear();
        self.retired[replica as usize] = Retired::default();
    }

    /// Rows held, over every table (a cost of the protection).
    pub fn rows(&self) -> u64 {
        let records = self.tables().map(HashMap::len).sum::<usize>() as u64;
        records + self.retired.iter().map(|r| r.rows).sum::<u64>()
    }

    /// Records held in the tables (not counting retired rows).
    pub fn live_records(&self) -> usize {
        self.tables().map(HashMap::len).sum()
    }

    /// Purge rounds the retired rows' counts span.
    pub fn retired_rounds(&self) -> usize {
        self.retired.iter().map(|r| r.by_round.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(client: u16, key: u64, expires_at: u64) -> KeyRecord {
        KeyRecord {
            client,
            key,
            fingerprint: 0,
            state: KeyState::InProgress { locked_at: 0 },
            created_at: 0,
            expires_at,
            op: key as u32,
            attempt: 1,
            owner: 0,
            charge_started: false,
        }
    }

    #[test]
    fn retired_rows_count_and_expire_as_their_records_would() {
        let round = 1_000;
        let mut kept = KeyStore::new(KeyStoreLocation::Memory, 2, round);
        let mut retired = KeyStore::new(KeyStoreLocation::Memory, 2, round);
        for key in 0..60u64 {
            let r = record(1, key, 500 + key * 137 % 9_000);
            for store in [&mut kept, &mut retired] {
                store.insert((key % 2) as u8, r);
            }
            if key % 3 > 0 {
                retired.retire(1, key);
            }
        }
        assert_eq!(retired.live_records(), 20);
        assert_eq!(retired.rows(), kept.rows());
        for now in (round..12_000).step_by(round as usize) {
            assert_eq!(
                kept.purge_expired(now),
                retired.purge_expired(now),
                "at {now}"
            );
            assert_eq!(kept.rows(), retired.rows());
            if now == 4_000 {
                // A crash loses replica 1's memory, counted rows included.
                kept.clear_memory(1);
                retired.clear_memory(1);
                assert_eq!(kept.rows(), retired.rows());
            }
        }
        assert_eq!(retired.rows(), 0);
        assert_eq!(retired.retired_rounds(), 0);
    }
}
