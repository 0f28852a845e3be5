//! Derived tables at a time cursor: what the database, the payment provider, the email
//! service and the key store held after the first `cursor` events of a recorded trace.
//!
//! The trace is folded once into event-indexed histories: every row knows the event that
//! created it (and the one that ended or changed it), and every versioned row keeps its
//! list of writes. A query at any cursor is then a binary search plus a walk over the
//! rows it returns, so scrubbing a long run costs the same forwards and backwards. This
//! is the limit case of periodic checkpoints (a checkpoint at every event) without copying
//! the tables: a copy every 2,048 events of a 20,000-row table would cost quadratic memory.

use std::collections::BTreeMap;

use super::config::{KeyStoreLocation, Workload};
use super::engine::RunResult;
use super::trace::{write_flags, Actor, EventKind, Table, TraceEvent};

/// Which key store a key row lives in: one per replica (memory), or the shared database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyScope {
    Replica(u8),
    Database,
}

/// An `orders` (checkout) or `payments` (payment) row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderRow {
    pub id: u32,
    pub op: u32,
    /// How many earlier rows belong to the same operation (non-zero: a duplicate).
    pub repeat: u32,
    pub attempt: u8,
    pub table: Table,
    pub amount: i64,
    pub replica: Actor,
    pub created_event: u32,
    pub created_us: u64,
}

/// A charge at the payment provider, possibly refunded later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChargeRow {
    pub id: u32,
    pub op: u32,
    /// How many earlier charges belong to the same operation (non-zero: a second charge).
    pub repeat: u32,
    pub amount: i64,
    pub created_event: u32,
    pub created_us: u64,
    pub refunded_event: Option<u32>,
}

/// An email the email service sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmailRow {
    pub id: u32,
    pub op: u32,
    /// How many earlier emails belong to the same operation (non-zero: a duplicate).
    pub repeat: u32,
    pub sender: Actor,
    pub created_event: u32,
    pub created_us: u64,
}

/// An outbox row: written in the business transaction, later marked sent by the relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: u32,
    pub op: u32,
    pub created_event: u32,
    pub sent_event: Option<u32>,
}

/// The state of an idempotency-key record as the key store saved it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRowState {
    InProgress,
    Completed,
}

/// One saved version of a key record, alive from `saved_event` until `ended_event`
/// (replaced by a newer save, released, or wiped by a crash of its replica).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRowVersion {
    pub scope: KeyScope,
    pub client: u16,
    pub key: u64,
    pub op: u32,
    pub attempt: u8,
    pub state: KeyRowState,
    pub saved_event: u32,
    pub saved_us: u64,
    pub ended_event: Option<u32>,
}

/// What a key row looks like at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyBadge {
    InProgress,
    Completed,
    /// Still stored, but older than the TTL: a lookup treats it as absent.
    Expired,
}

impl KeyBadge {
    pub fn name(self) -> &'static str {
        match self {
            KeyBadge::InProgress => "in_progress",
            KeyBadge::Completed => "completed",
            KeyBadge::Expired => "expired",
        }
    }
}

/// Which kind of versioned row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKind {
    Inventory,
    Account(u32),
    Profile(u16),
}

impl RowKind {
    pub fn label(self) -> String {
        match self {
            RowKind::Inventory => "inventory".into(),
            RowKind::Account(i) => format!("account {}", i + 1),
            RowKind::Profile(i) => format!("profile of client {}", i + 1),
        }
    }
}

/// One write to a versioned row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowWrite {
    pub event: u32,
    pub op: u32,
    pub value: i64,
    pub deleted: bool,
    /// The write overwrote a change it had not seen (a lost update in the making).
    pub overwrote: bool,
}

/// A versioned row (accounts, inventory, profiles) and every write to it, in event order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowHistory {
    pub row: RowKind,
    pub initial_value: i64,
    pub initially_deleted: bool,
    pub writes: Vec<RowWrite>,
}

/// A versioned row as it stood at the cursor. `version` counts the writes so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowAt {
    pub row: RowKind,
    pub value: i64,
    pub version: u64,
    pub deleted: bool,
    pub last_writer: Option<u32>,
    pub last_overwrote: bool,
}

/// A key row as it stood at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRowAt {
    pub row: KeyRowVersion,
    pub badge: KeyBadge,
}

/// The most recent rows of every table at a cursor, with the totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TablesAt {
    pub orders_total: usize,
    pub orders: Vec<OrderRow>,
    pub charges_total: usize,
    pub charges_refunded: usize,
    pub charges: Vec<(ChargeRow, bool)>,
    pub emails_total: usize,
    pub emails: Vec<EmailRow>,
    pub outbox_total: usize,
    pub outbox_pending: usize,
    pub outbox: Vec<(OutboxRow, bool)>,
    pub keys_total: usize,
    pub keys: Vec<KeyRowAt>,
    pub rows: Vec<RowAt>,
}

/// Every table's history, built once per run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replay {
    pub orders: Vec<OrderRow>,
    pub charges: Vec<ChargeRow>,
    pub emails: Vec<EmailRow>,
    pub outbox: Vec<OutboxRow>,
    pub keys: Vec<KeyRowVersion>,
    pub rows: Vec<RowHistory>,
    pub ttl_us: u64,
    pub events: usize,
}

fn key_scope(store: KeyStoreLocation, event: &TraceEvent) -> KeyScope {
    match (store, event.peer) {
        (KeyStoreLocation::Memory, Actor::Replica(r)) => KeyScope::Replica(r),
        _ => KeyScope::Database,
    }
}

fn table_of(detail: u32) -> Option<Table> {
    Some(match detail & 0xff {
        1 => Table::Orders,
        2 => Table::Inventory,
        3 => Table::Accounts,
        4 => Table::Profiles,
        5 => Table::Payments,
        _ => return None,
    })
}

impl Replay {
    /// Fold the whole trace once.
    pub fn new(result: &RunResult) -> Replay {
        let scenario = &result.scenario;
        let store = scenario.protections.idempotency_key.store;
        let mut replay = Replay {
            ttl_us: scenario.protections.idempotency_key.ttl_us,
            events: result.trace.len(),
            ..Replay::default()
        };
        let mut rows: BTreeMap<RowKind, RowHistory> = BTreeMap::new();
        match scenario.workload {
            Workload::Checkout => {
                rows.insert(
                    RowKind::Inventory,
                    RowHistory {
                        row: RowKind::Inventory,
                        initial_value: i64::try_from(scenario.world.stock).unwrap_or(i64::MAX),
                        initially_deleted: false,
                        writes: Vec::new(),
                    },
                );
            }
            Workload::Wallet => {
                for account in 0..scenario.world.accounts {
                    rows.insert(
                        RowKind::Account(account),
                        RowHistory {
                            row: RowKind::Account(account),
                            initial_value: scenario.world.initial_balance,
                            initially_deleted: false,
                            writes: Vec::new(),
                        },
                    );
                }
            }
            Workload::Profile => {
                for client in 0..scenario.clients.min(u16::MAX as u32) as u16 {
                    rows.insert(
                        RowKind::Profile(client),
                        RowHistory {
                            row: RowKind::Profile(client),
                            initial_value: 0,
                            initially_deleted: true,
                            writes: Vec::new(),
                        },
                    );
                }
            }
            Workload::Payment => {}
        }
        // The live version of each key record, by identity.
        let mut live_keys: BTreeMap<(KeyScope, u16, u64), usize> = BTreeMap::new();
        let mut charge_by_id: BTreeMap<u32, usize> = BTreeMap::new();
        let mut outbox_by_id: BTreeMap<u32, usize> = BTreeMap::new();
        // Rows so far per (table, operation), to flag duplicates once instead of per query.
        let mut seen: BTreeMap<(u8, u32), u32> = BTreeMap::new();
        let mut repeat = |table: u8, op: u32| {
            let count = seen.entry((table, op)).or_insert(0);
            *count += 1;
            *count - 1
        };
        let client_of = |op: u32| {
            result
                .operations
                .get(op as usize)
                .map_or(0, |operation| operation.client)
        };

        for (index, event) in result.trace.iter().enumerate() {
            let id = index as u32;
            match event.kind {
                EventKind::DbWrite => {
                    let Some(table) = table_of(event.detail) else {
                        continue;
                    };
                    let overwrote = event.detail & write_flags::OVERWROTE_CONCURRENT != 0;
                    let conflict = event.detail & write_flags::CONFLICT != 0;
                    let row_kind = match table {
                        Table::Orders | Table::Payments => {
                            if !conflict {
                                replay.orders.push(OrderRow {
                                    id: event.msg,
                                    op: event.op,
                                    repeat: repeat(0, event.op),
                                    attempt: event.attempt,
                                    table,
                                    amount: event.value,
                                    replica: event.peer,
                                    created_event: id,
                                    created_us: event.time,
                                });
                            }
                            continue;
                        }
                        Table::Inventory => RowKind::Inventory,
                        Table::Accounts => RowKind::Account(event.msg),
                        Table::Profiles => RowKind::Profile(event.msg as u16),
                    };
                    let history = rows.entry(row_kind).or_insert_with(|| RowHistory {
                        row: row_kind,
                        initial_value: 0,
                        initially_deleted: false,
                        writes: Vec::new(),
                    });
                    history.writes.push(RowWrite {
                        event: id,
                        op: event.op,
                        value: event.value,
                        deleted: event.detail & write_flags::DELETE != 0,
                        overwrote,
                    });
                }
                EventKind::Charge => {
                    charge_by_id.insert(event.msg, replay.charges.len());
                    replay.charges.push(ChargeRow {
                        id: event.msg,
                        op: event.op,
                        repeat: repeat(1, event.op),
                        amount: event.value,
                        created_event: id,
                        created_us: event.time,
                        refunded_event: None,
                    });
                }
                EventKind::Refund => {
                    if let Some(&row) = charge_by_id.get(&event.msg) {
                        replay.charges[row].refunded_event.get_or_insert(id);
                    }
                }
                EventKind::EmailSent => replay.emails.push(EmailRow {
                    id: event.msg,
                    op: event.op,
                    repeat: repeat(2, event.op),
                    sender: event.peer,
                    created_event: id,
                    created_us: event.time,
                }),
                EventKind::OutboxWrite => {
                    if event.detail == 1 {
                        outbox_by_id.insert(event.msg, replay.outbox.len());
                        replay.outbox.push(OutboxRow {
                            id: event.msg,
                            op: event.op,
                            created_event: id,
                            sent_event: None,
                        });
                    } else if let Some(&row) = outbox_by_id.get(&event.msg) {
                        replay.outbox[row].sent_event.get_or_insert(id);
                    }
                }
                EventKind::KeySave => {
                    let scope = key_scope(store, event);
                    let client = client_of(event.op);
                    let key = event.value as u64;
                    if let Some(previous) = live_keys.remove(&(scope, client, key)) {
                        replay.keys[previous].ended_event = Some(id);
                    }
                    live_keys.insert((scope, client, key), replay.keys.len());
                    replay.keys.push(KeyRowVersion {
                        scope,
                        client,
                        key,
                        op: event.op,
                        attempt: event.attempt,
                        state: if event.detail == 1 {
                            KeyRowState::InProgress
                        } else {
                            KeyRowState::Completed
                        },
                        saved_event: id,
                        saved_us: event.time,
                        ended_event: None,
                    });
                }
                EventKind::KeyRelease => {
                    let scope = key_scope(store, event);
                    let identity = (scope, client_of(event.op), event.value as u64);
                    if let Some(previous) = live_keys.remove(&identity) {
                        replay.keys[previous].ended_event = Some(id);
                    }
                }
                EventKind::Crash if store == KeyStoreLocation::Memory => {
                    // A crash wipes the replica's memory, and its key records with it.
                    if let Actor::Replica(r) = event.actor {
                        let wiped: Vec<_> = live_keys
                            .keys()
                            .filter(|(scope, _, _)| *scope == KeyScope::Replica(r))
                            .copied()
                            .collect();
                        for identity in wiped {
                            if let Some(previous) = live_keys.remove(&identity) {
                                replay.keys[previous].ended_event = Some(id);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        replay.rows = rows.into_values().collect();
        replay
    }

    /// The tables after the first `cursor` events, at virtual time `time_us`, keeping the
    /// `limit` most recent rows of each table (the totals count them all).
    pub fn tables_at(&self, cursor: usize, time_us: u64, limit: usize) -> TablesAt {
        let cursor = cursor.min(self.events) as u32;
        let happened = |event: u32| event < cursor;
        let recent = |len: usize| len.saturating_sub(limit)..len;

        let orders_total = self.orders.partition_point(|r| happened(r.created_event));
        let charges_total = self.charges.partition_point(|r| happened(r.created_event));
        let refunded = |r: &ChargeRow| r.refunded_event.is_some_and(happened);
        let emails_total = self.emails.partition_point(|r| happened(r.created_event));
        let outbox_total = self.outbox.partition_point(|r| happened(r.created_event));
        let sent = |r: &OutboxRow| r.sent_event.is_some_and(happened);

        let saved = self.keys.partition_point(|r| happened(r.saved_event));
        let live_keys: Vec<&KeyRowVersion> = self.keys[..saved]
            .iter()
            .filter(|r| !r.ended_event.is_some_and(happened))
            .collect();
        let keys = live_keys[recent(live_keys.len())]
            .iter()
            .map(|&&row| KeyRowAt {
                row,
                badge: if time_us >= row.saved_us.saturating_add(self.ttl_us) {
                    KeyBadge::Expired
                } else if row.state == KeyRowState::InProgress {
                    KeyBadge::InProgress
                } else {
                    KeyBadge::Completed
                },
            })
            .collect();

        let rows = self
            .rows
            .iter()
            .map(|history| {
                let applied = history.writes.partition_point(|w| happened(w.event));
                let last = applied.checked_sub(1).map(|i| history.writes[i]);
                RowAt {
                    row: history.row,
                    value: last.map_or(history.initial_value, |w| w.value),
                    version: applied as u64,
                    deleted: last.map_or(history.initially_deleted, |w| w.deleted),
                    last_writer: last.map(|w| w.op),
                    last_overwrote: last.is_some_and(|w| w.overwrote),
                }
            })
            .collect();

        TablesAt {
            orders_total,
            orders: self.orders[recent(orders_total)].to_vec(),
            charges_total,
            charges_refunded: self.charges[..charges_total]
                .iter()
                .filter(|r| refunded(r))
                .count(),
            charges: self.charges[recent(charges_total)]
                .iter()
                .map(|r| (*r, refunded(r)))
                .collect(),
            emails_total,
            emails: self.emails[recent(emails_total)].to_vec(),
            outbox_total,
            outbox_pending: self.outbox[..outbox_total]
                .iter()
                .filter(|r| !sent(r))
                .count(),
            outbox: self.outbox[recent(outbox_total)]
                .iter()
                .map(|r| (*r, sent(r)))
                .collect(),
            keys_total: live_keys.len(),
            keys,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Scenario;
    use crate::sim::scenarios::preset;
    use crate::sim::{run, RunResult};

    fn run_preset(name: &str) -> RunResult {
        let scenario = preset(name).expect("preset exists").scenario;
        run(&scenario.validate().expect("presets are valid"))
    }

    fn run_scenario(scenario: Scenario) -> RunResult {
        run(&scenario.validate().expect("valid"))
    }

    #[test]
    fn at_the_end_the_tables_match_the_ground_truth() {
        for name in ["lost-response", "crash-after-commit", "duplicate-email"] {
            let result = run_preset(name);
            let replay = Replay::new(&result);
            let end = replay.tables_at(result.trace.len(), u64::MAX / 2, usize::MAX);
            assert_eq!(
                (end.charges_total - end.charges_refunded) as u64,
                result.charges,
                "{name}"
            );
            assert_eq!(end.orders_total as u64, result.orders, "{name}");
            assert_eq!(end.emails_total as u64, result.emails, "{name}");
        }
    }

    #[test]
    fn duplicates_are_flagged_once_per_extra_row() {
        let result = run_preset("crash-after-commit");
        let replay = Replay::new(&result);
        let duplicates = replay.orders.iter().filter(|r| r.repeat > 0).count();
        let ops: std::collections::BTreeSet<u32> = replay.orders.iter().map(|r| r.op).collect();
        assert!(duplicates > 0);
        assert_eq!(duplicates, replay.orders.len() - ops.len());
    }

    #[test]
    fn at_the_start_everything_is_empty_and_rows_hold_initial_values() {
        let result = run_preset("oversell");
        let replay = Replay::new(&result);
        let start = replay.tables_at(0, 0, 10);
        assert_eq!(start.orders_total, 0);
        assert_eq!(start.charges_total, 0);
        assert_eq!(start.keys_total, 0);
        assert_eq!(start.rows.len(), 1);
        assert_eq!(start.rows[0].value, 5);
        assert_eq!(start.rows[0].version, 0);
    }

    #[test]
    fn versions_count_writes_and_the_final_value_matches_the_last_write() {
        let result = run_preset("concurrent-writers");
        let replay = Replay::new(&result);
        let end = replay.tables_at(result.trace.len(), u64::MAX / 2, 10);
        let writes = result
            .trace
            .iter()
            .filter(|e| e.kind == EventKind::DbWrite && table_of(e.detail) == Some(Table::Accounts))
            .count() as u64;
        assert_eq!(end.rows.iter().map(|r| r.version).sum::<u64>(), writes);
        assert!(end.rows.iter().any(|r| r.last_writer.is_some()));
    }

    #[test]
    fn tables_are_monotone_in_the_cursor_and_the_same_from_either_direction() {
        let result = run_preset("crash-after-commit-protected");
        let replay = Replay::new(&result);
        let len = result.trace.len();
        let time_at = |c: usize| c.checked_sub(1).map_or(0, |i| result.trace[i].time);
        let cursors: Vec<usize> = (0..=len).step_by(7).collect();
        let forward: Vec<_> = cursors
            .iter()
            .map(|&c| replay.tables_at(c, time_at(c), 5))
            .collect();
        let backward: Vec<_> = cursors
            .iter()
            .rev()
            .map(|&c| replay.tables_at(c, time_at(c), 5))
            .collect();
        assert_eq!(forward, backward.into_iter().rev().collect::<Vec<_>>());
        for pair in forward.windows(2) {
            assert!(pair[0].orders_total <= pair[1].orders_total);
            assert!(pair[0].charges_total <= pair[1].charges_total);
        }
        // With keys on, some key rows exist at the end, all completed.
        let end = replay.tables_at(len, time_at(len), usize::MAX);
        assert!(end.keys_total > 0);
        assert!(end.keys.iter().all(|k| k.badge == KeyBadge::Completed));
        assert_eq!(end.keys.len(), end.keys_total);
    }

    #[test]
    fn in_progress_rows_show_while_a_request_is_handled() {
        let result = run_preset("lost-response-protected");
        let replay = Replay::new(&result);
        let first_save = result
            .trace
            .iter()
            .position(|e| e.kind == EventKind::KeySave && e.detail == 1)
            .expect("the in-flight lock saves an in_progress row");
        let time = result.trace[first_save].time;
        let before = replay.tables_at(first_save, time, 10);
        let after = replay.tables_at(first_save + 1, time, 10);
        assert_eq!(after.keys_total, before.keys_total + 1);
        assert!(after
            .keys
            .iter()
            .any(|k| k.badge == KeyBadge::InProgress && k.row.saved_event == first_save as u32));
    }

    #[test]
    fn rows_expire_after_the_ttl() {
        let result = run_preset("short-ttl");
        let replay = Replay::new(&result);
        let saved = replay.keys.first().expect("short-ttl saves keys");
        let cursor = saved.saved_event as usize + 1;
        let fresh = replay.tables_at(cursor, saved.saved_us, 50);
        let stale = replay.tables_at(cursor, saved.saved_us + replay.ttl_us, 50);
        let badge = |t: &TablesAt| {
            t.keys
                .iter()
                .find(|k| k.row.saved_event == saved.saved_event)
                .map(|k| k.badge)
        };
        assert_ne!(badge(&fresh), Some(KeyBadge::Expired));
        assert_eq!(badge(&stale), Some(KeyBadge::Expired));
    }

    #[test]
    fn a_crash_wipes_a_memory_key_store() {
        let mut scenario = preset("memory-key-store").expect("preset").scenario;
        scenario.server.crash.after_commit_before_response = 0.3;
        let result = run_scenario(scenario);
        let replay = Replay::new(&result);
        let crash = result
            .trace
            .iter()
            .position(|e| e.kind == EventKind::Crash)
            .expect("the run crashes a replica");
        let Actor::Replica(r) = result.trace[crash].actor else {
            panic!("crashes happen on replicas")
        };
        let time = result.trace[crash].time;
        let after = replay.tables_at(crash + 1, time, usize::MAX);
        assert!(after
            .keys
            .iter()
            .all(|k| k.row.scope != KeyScope::Replica(r)));
    }
}
