//! The outbox relay: sends each outbox row's email at least once, retrying on timeout,
//! and marks the row sent when the email service answers. The receiver deduplicates by
//! the outbox id, carried as the call's key.

use crate::sim::effects::{Cx, Effects};
use crate::sim::events::{Body, Event, Message, Route, RELAY_ROUTE};
use crate::sim::faults::{relay_call_identity, Link};
use crate::sim::live::IdMap;
use crate::sim::retry::RetryPolicy;
use crate::sim::rng::mix64;
use crate::sim::stores::db::Database;
use crate::sim::trace::{Actor, Detail, MessageKind};

/// The call number in flight for each outbox row not settled.
#[derive(Clone, Debug, Default)]
pub struct Relay {
    calls: IdMap<u32, u8>,
}

impl Relay {
    /// The rows of a settled operation: nothing will send them again.
    pub fn forget(&mut self, outbox: &[u32]) {
        for id in outbox {
            self.calls.remove(id);
        }
    }

    pub fn live_rows(&self) -> usize {
        self.calls.len()
    }
}

pub fn on_send(
    relay: &mut Relay,
    db: &Database,
    cx: &Cx,
    outbox: u32,
    call: u8,
    out: &mut impl Effects,
) {
    // A row is kept while its operation has not settled, and this event holds it.
    let Some(row) = db.outbox_row(outbox) else {
        return;
    };
    if row.sent {
        return;
    }
    relay.calls.insert(outbox, call);
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
        Event::RelayTimeout {
            outbox,
            op: row.op,
            call,
        },
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
    let Some(row) = db.outbox_row(outbox) else {
        return;
    };
    let in_flight = relay.calls.get(&outbox) == Some(&call);
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
    let Some(row) = db.mark_sent(route.outbox) else {
        return;
    };
    let (op, fresh) = (row.op, !row.sent);
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
