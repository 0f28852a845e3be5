//! Calls to external services: the charge at the payment provider and the confirmation
//! email. The execution waits for the reply or the call's timeout (see the replica).

use super::{key_record, respond_pc, StepResult};
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cx, Effects};
use crate::sim::events::{Body, CallKind, Event, Route};
use crate::sim::faults::{call_identity, execution_word, Link};
use crate::sim::protections::fenced;
use crate::sim::rng::mix64;
use crate::sim::trace::{Actor, MessageKind};

pub fn charge(
    node: &mut Node,
    cx: &Cx,
    slot: u16,
    x: &mut Execution,
    out: &mut impl Effects,
) -> StepResult {
    // An execution charges at most once: nothing sends it back to this step after a
    // charge, and this guard keeps it so.
    if x.charged {
        return StepResult::Next(0);
    }
    // Fencing, as at the commit: an execution whose lock was taken over (it was slow or
    // its key was recovered) must not charge; the key's holder answers for the operation.
    let protections = &cx.scenario().protections;
    let client = cx.op(x.op).client;
    let record = x.key.and_then(|k| node.keys.get(node.index, client, k));
    let holds = x.key.is_some() && x.holds_lock;
    if fenced(&protections.idempotency_key, holds, record.as_ref(), x.id) {
        x.holds_lock = false;
        x.key_done = true;
        x.status = 409;
        return StepResult::Goto(respond_pc(x), 0);
    }
    if x.holds_lock && protections.key_propagation {
        key_record::mark_charge_started(node, cx, x, out);
        x.charge_may_stand = true;
    }
    x.call = 1;
    external_call(node, cx, slot, x, CallKind::Charge, out);
    StepResult::Wait
}

pub fn email(
    node: &mut Node,
    cx: &Cx,
    slot: u16,
    x: &mut Execution,
    out: &mut impl Effects,
) -> StepResult {
    // With the outbox the relay sends it; a failed or repeated checkout sends none.
    if cx.scenario().protections.outbox || x.status != 200 || x.row_existed {
        return StepResult::Next(0);
    }
    x.call = 1;
    external_call(node, cx, slot, x, CallKind::Email, out);
    StepResult::Wait
}

/// The key a server passes to an external service: derived from the client's key if it
/// sent one (so every attempt of the operation uses the same), else from the execution.
pub fn derived_key(kind: CallKind, client_key: Option<u64>, client: u16, exec: u32) -> u64 {
    let salt = match kind {
        CallKind::Charge => 0xC4A6,
        CallKind::Email => 0xE7A1,
    };
    match client_key {
        Some(k) => mix64(k ^ salt ^ (client as u64) << 48),
        None => mix64((exec as u64) << 20 ^ salt),
    }
}

/// Send call number `x.call` of `kind` and arm its timeout.
pub fn external_call(
    node: &mut Node,
    cx: &Cx,
    slot: u16,
    x: &mut Execution,
    kind: CallKind,
    out: &mut impl Effects,
) {
    x.waiting = true;
    let route = Route {
        replica: node.index,
        slot,
        generation: node.replica.generation,
        call: x.call,
        exec: x.id,
        execution: execution_word(x.attempt, x.copy),
        outbox: 0,
    };
    let operation = cx.op(x.op);
    let key = cx
        .scenario()
        .protections
        .key_propagation
        .then(|| derived_key(kind, x.key, operation.client, x.id));
    let amount = operation.kind.amount();
    let identity = call_identity(x.op, execution_word(x.attempt, x.copy), x.call, kind, false);
    let (to, link, message_kind) = match kind {
        CallKind::Charge => (Actor::Provider, Link::Provider, MessageKind::ChargeCall),
        CallKind::Email => (Actor::Email, Link::Email, MessageKind::EmailCall),
    };
    let body = Body::Call {
        route,
        op: x.op,
        key,
        amount,
    };
    out.send(
        cx,
        node.actor(),
        to,
        message_kind,
        Some(link),
        identity,
        body,
        amount,
    );
    out.after(
        cx.scenario().server.external_timeout_us,
        Event::ExternalTimeout {
            replica: node.index,
            slot,
            exec: x.id,
            op: x.op,
            kind,
            call: x.call,
        },
    );
}
