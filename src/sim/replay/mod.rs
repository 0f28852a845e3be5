//! Derived tables at a time cursor: what the database, the payment provider, the email
//! service and the key store held after the first `cursor` events of a recorded trace.
//!
//! The trace is folded once into event-indexed histories: every row knows the event that
//! created it (and the one that ended or changed it), and every versioned row keeps its
//! list of writes. A query at any cursor is then a binary search plus a walk over the
//! rows it returns, so scrubbing a long run costs the same forwards and backwards. This
//! is the limit case of periodic checkpoints (a checkpoint at every event) without copying
//! the tables: a copy every 2,048 events of a 20,000-row table would cost quadratic memory.

pub mod messaging;
mod rows;
pub mod saga;
pub mod stream;

use std::collections::BTreeMap;

pub use rows::*;

use super::config::{KeyStoreLocation, Workload};
use super::results::RunResult;
use super::trace::{Actor, Detail, SavedKeyState, Table, TraceEvent};

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
            Workload::Payment | Workload::Events | Workload::Stream | Workload::Saga => {}
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
            match event.detail {
                Detail::DbWrite {
                    table,
                    row,
                    value,
                    how,
                } => {
                    let (overwrote, conflict, delete) =
                        (how.overwrote(), how.conflict(), how.delete());
                    let row_kind = match table {
                        Table::Orders | Table::Payments => {
                            if !conflict {
                                replay.orders.push(OrderRow {
                                    id: row,
                                    op: event.op,
                                    repeat: repeat(0, event.op),
                                    attempt: event.attempt,
                                    table,
                                    amount: value,
                                    replica: event.peer,
                                    created_event: id,
                                    created_us: event.time,
                                });
                            }
                            continue;
                        }
                        // The messaging world's tables are folded by its own replay.
                        Table::Ledger | Table::ProcessedMessages => continue,
                        Table::Inventory => RowKind::Inventory,
                        Table::Accounts => RowKind::Account(row),
                        Table::Profiles => RowKind::Profile(row as u16),
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
                        value,
                        deleted: delete,
                        overwrote,
                    });
                }
                Detail::Charge { charge, amount } => {
                    charge_by_id.insert(charge, replay.charges.len());
                    replay.charges.push(ChargeRow {
                        id: charge,
                        op: event.op,
                        repeat: repeat(1, event.op),
                        amount,
                        created_event: id,
                        created_us: event.time,
                        refunded_event: None,
                    });
                }
                Detail::Refund { charge } => {
                    if let Some(&row) = charge_by_id.get(&charge) {
                        replay.charges[row].refunded_event.get_or_insert(id);
                    }
                }
                Detail::EmailSent { email } => replay.emails.push(EmailRow {
                    id: email,
                    op: event.op,
                    repeat: repeat(2, event.op),
                    sender: event.peer,
                    created_event: id,
                    created_us: event.time,
                }),
                Detail::OutboxWrite { outbox, sent } => {
                    if !sent {
                        outbox_by_id.insert(outbox, replay.outbox.len());
                        replay.outbox.push(OutboxRow {
                            id: outbox,
                            op: event.op,
                            created_event: id,
                            sent_event: None,
                        });
                    } else if let Some(&row) = outbox_by_id.get(&outbox) {
                        replay.outbox[row].sent_event.get_or_insert(id);
                    }
                }
                Detail::KeySave { state, key } => {
                    let scope = key_scope(store, event);
                    let client = client_of(event.op);
                    let mut expires_us = event.time.saturating_add(replay.ttl_us);
                    if let Some(previous) = live_keys.remove(&(scope, client, key)) {
                        let previous = &mut replay.keys[previous];
                        previous.ended_event = Some(id);
                        if previous.expires_us > event.time {
                            expires_us = previous.expires_us;
                        }
                    }
                    live_keys.insert((scope, client, key), replay.keys.len());
                    replay.keys.push(KeyRowVersion {
                        scope,
                        client,
                        key,
                        op: event.op,
                        attempt: event.attempt,
                        state: match state {
                            SavedKeyState::InProgress => KeyRowState::InProgress,
                            SavedKeyState::Completed => KeyRowState::Completed,
                        },
                        saved_event: id,
                        saved_us: event.time,
                        expires_us,
                        ended_event: None,
                    });
                }
                Detail::KeyPurge { .. } => {
                    let keys = &mut replay.keys;
                    live_keys.retain(|_, &mut version| {
                        let expired = keys[version].expires_us <= event.time;
                        if expired {
                            keys[version].ended_event = Some(id);
                        }
                        !expired
                    });
                }
                Detail::KeyRelease { key } => {
                    let scope = key_scope(store, event);
                    let identity = (scope, client_of(event.op), key);
                    if let Some(previous) = live_keys.remove(&identity) {
                        replay.keys[previous].ended_event = Some(id);
                    }
                }
                Detail::Crash { .. } if store == KeyStoreLocation::Memory => {
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
                badge: if time_us >= row.expires_us {
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
mod tests;
