//! The outbox relay: sends each outbox row's email at least once, retrying on timeout,
//! and marks the row sent when the email service answers. The receiver deduplicates by
//! the outbox id, carried as the call's key.

use crate::sim::effects::{Cx, Effects};
use crate::sim::events::{Body, Event, Message, Route, RELAY_ROUTE};
use crate::sim::faults::{relay_call_identity, Link};
use crate::sim::retry::RetryPolicy;
use crate::sim::rng::mix64;
use crate::sim::stores::db::Database;
use crate::sim::trace::{Actor, Detail, MessageKind};

/// The call number in flight for each outbox row.
#[derive(Clone, Debug, Default)]
pub struct Relay {
    calls: Vec<u8>,
}

pub fn on_send(
    relay: &mut Relay,
    db: &Database,
    cx: &Cx,
    outbox: u32,
    call: u8,
    out: &mut impl Effects,
) {
    let row = db.outbox[outbox as usize];
    if row.sent {
        return;
    }
    if relay.calls.len() <= outbox as usize {
        relay.calls.resize(outbox as usize + 1, 0);
    }
    relay.calls[outbox as usize] = call;
    let route = Route {
        replica: RELAY_ROUTE,
        slot: 0,
        generation: 0,
        call,
        exec: row.exec,
        execution: 0,
        outbox,
    };
    let body = Body::Call {
        route,
        op: row.op,
        key: Some(mix64(outbox as u64 ^ 0x0B0C_0000_0000)),
        amount: 0,
    };
    out.send(
        cx,
        Actor::Relay,
        Actor::Email,
        MessageKind::EmailCall,
        Some(Link::Email),
        relay_call_identity(outbox, call, false),
        body,
        0,
    );
    out.after(
        cx.scenario().server.external_timeout_us,
        Event::RelayTimeout { outbox, call },
    );
}

pub fn on_timeout(
    relay: &mut Relay,
    db: &Database,
    cx: &Cx,
    outbox: u32,
    call: u8,
    out: &mut impl Effects,
) {
    let row = db.outbox[outbox as usize];
    let in_flight = relay.calls.get(outbox as usize) == Some(&call);
    let retry = RetryPolicy::relay().next(cx.seed(), row.op, call);
    if row.sent || !in_flight || retry.is_none() {
        return;
    }
    out.event(
        Actor::Relay,
        Actor::Email,
        row.op,
        0,
        Detail::ExternalTimeout {
            call,
            outbox: Some(outbox),
        },
    );
    on_send(relay, db, cx, outbox, call + 1, out);
}

/// The email service answered: the row is sent.
pub fn on_reply(db: &mut Database, message: Message, out: &mut impl Effects) {
    let Body::Reply { route, .. } = message.body else {
        return;
    };
    let row = &mut db.outbox[route.outbox as usize];
    let (op, fresh) = (row.op, !row.sent);
    row.sent = true;
    out.received(&message, false, false, 0);
    if fresh {
        out.event(
            Actor::Database,
            Actor::Relay,
            op,
            0,
            Detail::OutboxWrite {
                outbox: route.outbox,
                sent: true,
            },
        );
    }
}
