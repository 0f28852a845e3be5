//! The idempotency-key lookup: the decision is `protections::decide`; this step reads the
//! record, records the outcome, and takes the in-flight lock when it runs the request.

use super::{key_record, key_store_access, respond_pc, StepResult};
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cost, Cx, Effects};
use crate::sim::oracle::Fact;
use crate::sim::protections::{decide, KeyDecision};
use crate::sim::stores::keys::KeyState;
use crate::sim::trace::{Actor, Detail, KeyCheckOutcome};

pub fn run(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) -> StepResult {
    let config = &cx.scenario().protections.idempotency_key;
    if !config.enabled {
        return StepResult::Next(0);
    }
    let op = cx.op(x.op);
    let record = x.key.and_then(|k| node.keys.get(node.index, op.client, k));
    let decision = decide(config, x.key, record.as_ref(), op.fingerprint, cx.now);
    let outcome = match decision {
        KeyDecision::Run(o) => o,
        KeyDecision::Replay(_) => KeyCheckOutcome::Replay,
        KeyDecision::Reject { outcome, .. } => outcome,
    };
    let cost = key_store_access(cx, out);
    let key = x.key.unwrap_or(0);
    x.key_event = out.event(
        Actor::KeyStore,
        node.actor(),
        x.op,
        x.attempt,
        Detail::KeyCheck { outcome, key },
    );
    out.fact(Fact::KeyChecked {
        exec: x.id,
        outcome,
        event: x.key_event,
    });
    match decision {
        KeyDecision::Run(outcome) => {
            x.charge_may_stand =
                outcome == KeyCheckOutcome::LockExpired && record.is_some_and(|r| r.charge_started);
            if config.in_flight_lock && x.key.is_some() {
                let locked_at = cx.now;
                key_record::store(node, cx, x, KeyState::InProgress { locked_at }, out);
                x.holds_lock = true;
            }
            StepResult::Next(cost)
        }
        KeyDecision::Replay(stored) => {
            x.key_done = true;
            x.status = stored.status;
            x.body_op = stored.body_op;
            x.version = stored.version as u32;
            x.replayed = true;
            out.cost(Cost::Replay);
            StepResult::Goto(respond_pc(x), cost)
        }
        KeyDecision::Reject { status, .. } => {
            x.key_done = true;
            x.status = status;
            StepResult::Goto(respond_pc(x), cost)
        }
    }
}
