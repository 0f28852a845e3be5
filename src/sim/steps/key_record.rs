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
    let record = KeyRecord {
        client: op.client,
        key,
        fingerprint: op.fingerprint,
        state,
        created_at: cx.now,
        expires_at: cx.now + cx.scenario().protections.idempotency_key.ttl_us,
        op: x.op,
        attempt: x.attempt,
        owner: x.id,
    };
    node.keys.table(node.index).insert((op.client, key), record);
    let state = match state {
        KeyState::InProgress { .. } => SavedKeyState::InProgress,
        KeyState::Completed { .. } => SavedKeyState::Completed,
    };
    out.event(
        Actor::KeyStore,
        node.actor(),
        x.op,
        x.attempt,
        Detail::KeySave { state, key },
    );
    out.key_rows(node.keys.rows());
}

/// Save the execution's answer as its completed record; its key is then settled.
pub fn save_completed(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) {
    let response = stored_response(x.status, x.op, x.version);
    store(node, cx, x, KeyState::Completed { response }, out);
    x.key_done = true;
    x.holds_lock = false;
    out.fact(Fact::KeySaved { exec: x.id });
}

/// Delete the execution's in-progress record, so a retry runs as new.
pub fn release(node: &mut Node, cx: &Cx, x: &Execution, out: &mut impl Effects) {
    let Some(key) = x.key else { return };
    let client = cx.op(x.op).client;
    node.keys.table(node.index).remove(&(client, key));
    out.event(
        Actor::KeyStore,
        node.actor(),
        x.op,
        x.attempt,
        Detail::KeyRelease { key },
    );
    out.key_rows(node.keys.rows());
}
