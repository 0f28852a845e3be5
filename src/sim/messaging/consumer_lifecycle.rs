//! A consumer's life outside its processing steps: crashes, the broker's answer to its
//! offset commit, removal after the poll interval, and visibility heartbeats.

use crate::sim::config::{BrokerMode, MessagingCrashPoint as C};
use crate::sim::trace::{Actor, Detail, MessageKind, MessagingDetail as M, RebalanceReason};

use super::consumer::{Consumer, Next};
use super::events::{Body, Event, Process};
use super::faults::{delivery_identity, MsgLink};
use super::oracle::Fact;
use super::out::Out;

/// The consumer crashes at `point`: its work and its memory are gone.
pub fn crash(c: &mut Consumer, point: C, out: &mut Out) -> Next {
    let op = c.work.map_or(crate::sim::trace::NO_OP, |w| w.op);
    let event = out.event(
        c.actor(),
        Actor::Nobody,
        op,
        Detail::Messaging(M::Crash { point }),
    );
    out.fact(
        Fact::ConsumerCrashed {
            op,
            consumer: c.index,
            point,
        },
        event,
    );
    c.crash_event = event;
    c.up = false;
    c.incarnation += 1;
    c.work = None;
    c.memory.clear();
    let m = &out.scenario.messaging;
    out.after(
        m.crash.downtime_us,
        Event::Restart(Process::Consumer(c.index)),
    );
    if m.mode == BrokerMode::Log {
        let (consumer, incarnation) = (c.index, c.incarnation);
        out.after(
            m.session_timeout_us,
            Event::SessionTimeout {
                consumer,
                incarnation,
            },
        );
    }
    Next::Crashed
}

/// The broker answered the offset commit the consumer waits for: it polls again.
pub fn on_commit_answered(c: &mut Consumer, op: u32, offset: u32) -> Next {
    match c.work {
        Some(w) if c.up && w.committing && w.op == op && w.offset + 1 == offset => {
            c.work = None;
            Next::Poll
        }
        _ => Next::Busy,
    }
}

/// Still on `delivery` when the poll interval ran out: the group removes it.
/// Returns the trace event of its removal.
pub fn on_poll_deadline(c: &mut Consumer, op: u32, delivery: u32, out: &mut Out) -> Option<u32> {
    let work = c.working_on(op, delivery)?;
    if c.removed {
        return None;
    }
    c.removed = true;
    let detail = M::MemberRemoved {
        reason: RebalanceReason::PollTimeout,
    };
    let event = out.event(Actor::Broker, c.actor(), work.op, Detail::Messaging(detail));
    out.fact(
        Fact::PollTimeout {
            op: work.op,
            consumer: c.index,
        },
        event,
    );
    Some(event)
}

/// Extend the visibility of the message in work, and again later.
pub fn on_heartbeat_due(c: &mut Consumer, op: u32, delivery: u32, out: &mut Out) {
    let Some(work) = c.working_on(op, delivery) else {
        return;
    };
    let body = Body::Heartbeat {
        message: work.offset,
        receipt: work.receipt,
    };
    out.send(
        c.actor(),
        Actor::Broker,
        MessageKind::Heartbeat,
        work.op,
        MsgLink::Broker,
        delivery_identity(work.op, work.delivery, 4 + out.now),
        body,
        work.offset as i64,
    );
    let consumer = c.index;
    let beat = Event::HeartbeatDue {
        consumer,
        op,
        delivery,
    };
    out.after(heartbeat_every(out), beat);
}

/// Heartbeats go at half the visibility timeout, so one lost to a slow network still
/// leaves time for the next.
pub(super) fn heartbeat_every(out: &Out) -> u64 {
    (out.scenario.messaging.visibility_timeout_us / 2).max(1_000)
}
