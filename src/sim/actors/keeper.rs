//! The key store's housekeeping job, run on a schedule: it purges records whose TTL has
//! passed (as a real store's expiry does), and recovers abandoned keys — an in-progress
//! record whose holder started a charge and whose lock has expired (the holder crashed,
//! or its client gave up). Recovery asks the provider, by the derived key, to refund the
//! charge if no order of the operation exists, and completes the record with a 502 so a
//! late retry replays that failure instead of charging again (Stripe's "completer").

use crate::sim::config::IdempotencyKeyConfig;
use crate::sim::effects::{Cx, Effects};
use crate::sim::events::{CallKind, Event};
use crate::sim::protections::stored_response;
use crate::sim::steps::derived_key;
use crate::sim::stores::db::Database;
use crate::sim::stores::keys::{KeyRecord, KeyState, KeyStore};
use crate::sim::trace::{Actor, Detail, SavedKeyState, NO_OP};

/// The owner recorded on a key the job completed: no execution holds it.
pub const KEEPER: u32 = u32::MAX;

/// How often the job runs: as often as a lock can expire, within 10 ms and 10 s.
pub fn interval(cx: &Cx) -> u64 {
    round_us(&cx.scenario().protections.idempotency_key)
}

/// [`interval`], from the key settings.
pub fn round_us(keys: &IdempotencyKeyConfig) -> u64 {
    keys.lock_timeout_us
        .min(keys.ttl_us)
        .clamp(10_000, 10_000_000)
}

/// Whether the job runs at all: only when keys are kept.
pub fn enabled(cx: &Cx) -> bool {
    cx.scenario().protections.idempotency_key.enabled
}

/// One round: purge, recover, and come back after `interval` while the run goes on or
/// an abandoned key still waits for its lock to expire.
pub fn on_round(keys: &mut KeyStore, db: &Database, cx: &Cx, more: bool, out: &mut impl Effects) {
    let purged = keys.purge_expired(cx.now);
    if purged > 0 {
        out.event(
            Actor::KeyStore,
            Actor::Nobody,
            NO_OP,
            0,
            Detail::KeyPurge {
                rows: purged.min(u32::MAX as u64) as u32,
            },
        );
        out.key_rows(keys.rows());
    }
    let protections = &cx.scenario().protections;
    // Keys still waiting for their lock to expire keep the job coming back.
    let mut waiting = false;
    if protections.key_propagation && protections.idempotency_key.in_flight_lock {
        let lock = protections.idempotency_key.lock_timeout_us;
        let abandoned_candidate =
            |r: &KeyRecord| r.charge_started && matches!(r.state, KeyState::InProgress { .. });
        keys.visit_sorted(abandoned_candidate, |record| {
            let KeyState::InProgress { locked_at } = record.state else {
                return;
            };
            if !record.charge_started {
                return;
            }
            if cx.now < locked_at + lock {
                waiting = true;
                return;
            }
            if db.find_order(record.op).is_none() {
                let key = derived_key(CallKind::Charge, Some(record.key), record.client, 0);
                out.refund_by_key(key, record.op);
            }
            record.state = KeyState::Completed {
                response: stored_response(502, record.op, 0),
            };
            record.owner = KEEPER;
            record.charge_started = false;
            out.event(
                Actor::KeyStore,
                Actor::Nobody,
                record.op,
                0,
                Detail::KeySave {
                    state: SavedKeyState::Completed,
                    key: record.key,
                },
            );
        });
    }
    if more || waiting {
        out.after(interval(cx), Event::KeyStoreRound);
    }
}
