//! The network's own handler: a message whose fate was "lost" (or cut by a partition)
//! disappears where it would have arrived. Delivery itself is applied by the world.

use crate::sim::effects::Effects;
use crate::sim::events::{Body, Message};
use crate::sim::oracle::{Fact, Fault};
use crate::sim::trace::{Detail, DropReason};

pub fn on_lost(message: Message, reason: DropReason, out: &mut impl Effects) {
    let (op, attempt) = message.op_attempt();
    let event = out.event(
        message.to,
        message.from,
        op,
        attempt,
        Detail::Drop {
            msg: message.id,
            message: message.kind,
            reason,
        },
    );
    let partition = reason == DropReason::Partition;
    let fault = match (message.body, partition) {
        (Body::Request { .. }, false) => Fault::RequestLost,
        (Body::Request { .. }, true) => Fault::RequestPartitioned,
        (Body::Response { .. }, false) => Fault::ResponseLost,
        (Body::Response { .. }, true) => Fault::ResponsePartitioned,
        _ => return,
    };
    out.fact(Fact::Fault {
        op,
        attempt,
        fault,
        event,
    });
}
