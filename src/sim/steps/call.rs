//! Calls to external services: the charge at the payment provider and the confirmation
//! email. The execution waits for the reply or the call's timeout (see the replica).

use super::StepResult;
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cx, Effects};
use crate::sim::events::{Body, CallKind, Event, Route};
use crate::sim::faults::{call_identity, execution_word, Link};
use crate::sim::rng::mix64;
use crate::sim::trace::{Actor, MessageKind};

pub fn charge(
    node: &mut Node,
    cx: &Cx,
    slot: u16,
    x: &mut Execution,
    out: &mut impl Effects,
) -> StepResult {
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
    if cx.scenario().protections.outbox || x.status != 200 || x.already_exists {
        return StepResult::Next(0);
    }
    x.call = 1;
    external_call(node, cx, slot, x, CallKind::Email, out);
    StepResult::Wait
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
        outbox: 0,
    };
    let salt = match kind {
        CallKind::Charge => 0xC4A6,
        CallKind::Email => 0xE7A1,
    };
    let operation = cx.op(x.op);
    // A derived key: from the client's key if it sent one, else from this execution.
    let key = cx
        .scenario()
        .protections
        .key_propagation
        .then(|| match x.key {
            Some(k) => mix64(k ^ salt ^ (operation.client as u64) << 48),
            None => mix64((x.id as u64) << 20 ^ salt),
        });
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
            kind,
            call: x.call,
        },
    );
}
