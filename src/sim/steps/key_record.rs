//! Writing and deleting an execution's key record (the rules for *when* are in
//! `protections`).

use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cx, Effects};
use crate::sim::oracle::Fact;
use crate::sim::protections::stored_response;
use crate::sim::stores::keys::{KeyRecord, KeyState};
use crate::sim::trace::{Actor, Detail, SavedKeyState};

/// Write this execution's key record (in progress or completed) to the key store.
pub fn store(node: &mut Node, cx: &Cx, x: &Execution, state: KeyState, out: &mut impl Effects) {
    let Some(key) = x.key else { return };
    let op = cx.op(x.op);
    let table = node.keys.table(node.index);
    // A live record of this key keeps its creation time, so the key expires one TTL after
    // the first request, as real stores do; and an in-progress record keeps its recovery
    // point when another execution takes it over.
    let live = table
        .get(&(op.client, key))
        .filter(|r| cx.now < r.expires_at)
        .copied();
    let (created_at, expires_at) = live.map_or(
        (
            cx.now,
            cx.now + cx.scenario().protections.idempotency_key.ttl_us,
        ),
        |r| (r.created_at, r.expires_at),
    );
    let charge_started = live
        .is_some_and(|r| r.charge_started && matches!(r.state, KeyState::InProgress { .. }))
        && matches!(state, KeyState::InProgress { .. });
    let record = KeyRecord {
        client: op.client,
        key,
        fingerprint: op.fingerprint,
        state,
        created_at,
        expires_at,
        op: x.op,
        attempt: x.attempt,
        owner: x.id,
        charge_started,
    };
    node.keys.insert(node.index, record);
    let state = match state {
        KeyState::InProgress { .. } => SavedKeyState::InProgress,
        KeyState::Completed { .. } => SavedKeyState::Completed,
    };
    key_store_event(node, x, Detail::KeySave { state, key }, out);
    out.key_rows(node.keys.rows());
}

/// A recovery point: mark the execution's in-progress record "charge started" before it
/// calls the provider, so whoever takes the key over knows a charge may stand under it.
pub fn mark_charge_started(node: &mut Node, cx: &Cx, x: &Execution, out: &mut impl Effects) {
    let Some(key) = x.key else { return };
    let client = cx.op(x.op).client;
    let Some(record) = node.keys.table(node.index).get_mut(&(client, key)) else {
        return;
    };
    if record.owner != x.id {
        return;
    }
    record.charge_started = true;
    let state = SavedKeyState::InProgress;
    key_store_event(node, x, Detail::KeySave { state, key }, out);
}

/// Save the execution's answer as its completed record; its key is then settled.
pub fn save_completed(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) {
    let response = stored_response(x.status, x.op, x.version);
    store(node, cx, x, KeyState::Completed { response }, out);
    x.key_done = true;
    x.holds_lock = false;
    out.fact(Fact::KeySaved { exec: x.id });
}

/// Let go of the execution's in-progress lock but keep the record and its recovery point:
/// the lock counts as expired from now.
pub fn unlock(node: &mut Node, cx: &Cx, x: &Execution, out: &mut impl Effects) {
    let Some(key) = x.key else { return };
    let client = cx.op(x.op).client;
    let lock = cx.scenario().protections.idempotency_key.lock_timeout_us;
    let Some(record) = node.keys.table(node.index).get_mut(&(client, key)) else {
        return;
    };
    if record.owner != x.id {
        return;
    }
    record.state = KeyState::InProgress {
        locked_at: cx.now.saturating_sub(lock),
    };
    let state = SavedKeyState::InProgress;
    key_store_event(node, x, Detail::KeySave { state, key }, out);
}

/// Delete the execution's in-progress record, so a retry runs as new.
pub fn release(node: &mut Node, cx: &Cx, x: &Execution, out: &mut impl Effects) {
    let Some(key) = x.key else { return };
    let client = cx.op(x.op).client;
    node.keys.table(node.index).remove(&(client, key));
    key_store_event(node, x, Detail::KeyRelease { key }, out);
    out.key_rows(node.keys.rows());
}

/// Record what the key store did for this execution.
fn key_store_event(node: &Node, x: &Execution, detail: Detail, out: &mut impl Effects) {
    out.event(Actor::KeyStore, node.actor(), x.op, x.attempt, detail);
}
