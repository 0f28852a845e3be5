//! The end of a handler: the separate key save (when the save is not atomic with the
//! commit), settling a key record that is still open, and the response to the client.

use super::{key_record, key_store_access, StepResult};
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cost, Cx, Effects};
use crate::sim::events::Body;
use crate::sim::faults::{response_identity, Link};
use crate::sim::oracle::Fact;
use crate::sim::protections::{settle, Settlement};
use crate::sim::trace::{Actor, MessageKind};

/// Save the completed key record in its own transaction, after the commit.
pub fn key_save(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) -> StepResult {
    if x.key_done || x.key.is_none() {
        return StepResult::Next(0);
    }
    let cost = key_store_access(cx, out);
    key_record::save_completed(node, cx, x, out);
    StepResult::Next(cost)
}

pub fn respond(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) {
    // Answers decided off the normal path (errors, sold out) settle the record here.
    if !x.key_done && x.key.is_some() {
        let config = &cx.scenario().protections.idempotency_key;
        match settle(config, x.status, x.holds_lock, x.charge_may_stand) {
            Settlement::SaveCompleted => key_record::save_completed(node, cx, x, out),
            Settlement::Release => key_record::release(node, cx, x, out),
            Settlement::Unlock => key_record::unlock(node, cx, x, out),
            Settlement::Nothing => {}
        }
    }
    match x.status {
        409 => out.cost(Cost::Response409),
        422 => out.cost(Cost::Response422),
        500..=599 => out.cost(Cost::Response5xx),
        _ => {}
    }
    let body = Body::Response {
        op: x.op,
        attempt: x.attempt,
        status: x.status,
        replayed: x.replayed,
        already_exists: x.already_exists,
        body_op: x.body_op,
        version: x.version,
        key_event: x.key_event,
    };
    out.fact(Fact::ExecutionEnded {
        exec: x.id,
        status: x.status,
    });
    out.send(
        cx,
        node.actor(),
        Actor::Client(cx.op(x.op).client),
        MessageKind::Response,
        Some(Link::Response),
        response_identity(x.op, x.attempt, x.read_back, x.copy),
        body,
        x.status as i64,
    );
}
