//! A crash point: the replica goes down here if the keyed draw says so. Every execution
//! on it is lost (the balancer answers their clients 502), and so are the keys it kept in
//! memory; it restarts after the configured downtime.

use super::StepResult;
use crate::sim::actors::balancer::error_reply;
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::config::CrashPoint;
use crate::sim::effects::{Cx, Effects};
use crate::sim::events::Event;
use crate::sim::faults::crash_at;
use crate::sim::oracle::Fact;
use crate::sim::trace::{Actor, Detail};

pub fn run(
    node: &mut Node,
    cx: &Cx,
    x: &mut Execution,
    point: CrashPoint,
    out: &mut impl Effects,
) -> StepResult {
    let Some(fault) = crash_at(cx.scenario(), x.op, x.attempt, x.copy, point) else {
        return StepResult::Next(0);
    };
    let event = out.event(
        node.actor(),
        Actor::Nobody,
        x.op,
        x.attempt,
        Detail::Crash { point },
    );
    out.fault(fault, x.op, x.attempt, event);
    let mut lost = node.replica.crash();
    lost.push(x.clone());
    node.keys.clear_memory(node.index);
    let replica = node.index;
    out.fact(Fact::Crashed {
        replica,
        point,
        event,
    });
    for e in &lost {
        out.fact(Fact::LostInCrash {
            exec: e.id,
            replica,
            point,
            event,
        });
    }
    out.key_rows(node.keys.rows());
    for e in &lost {
        let client = Actor::Client(cx.op(e.op).client);
        error_reply(cx, out, (e.op, e.attempt, e.read_back, e.copy), client, 502);
    }
    out.after(
        cx.scenario().server.crash.downtime_us,
        Event::Restart {
            replica: node.index,
        },
    );
    StepResult::Crashed
}
