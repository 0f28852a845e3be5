//! The outbox relay (a polling publisher): every `relay_interval` it hands the unsent
//! outbox rows to its producer, and marks each row sent once the broker acknowledged it.
//! A crash before the mark publishes the row again after the restart; a crash before
//! the acknowledgement loses the session, so the re-send comes from a new producer id.

use crate::sim::config::MessagingCrashPoint as C;
use crate::sim::trace::{Actor, Detail, MessagingDetail as M};

use super::broker::Broker;
use super::events::{Envelope, Event, Process, ProducerId};
use super::oracle::Fact;
use super::out::Out;
use super::producer::{Pending, Producer};
use super::store::Database;

pub struct Relay {
    pub up: bool,
    pub producer: Producer,
}

impl Relay {
    pub fn new(out: &Out) -> Self {
        let s = out.scenario;
        Relay {
            up: true,
            producer: Producer::new(ProducerId::Relay, s.operations, s.messaging.partitions),
        }
    }
}

/// A polling round: queue every unsent row (if the last round's are all done).
pub fn on_round(relay: &mut Relay, db: &Database, out: &mut Out) {
    if !relay.up || !relay.producer.idle() {
        return;
    }
    let rows: Vec<Pending> = db
        .unsent()
        .map(|(id, row)| Pending {
            op: row.op,
            outbox: Some(id),
        })
        .collect();
    relay.producer.queue.extend(rows);
    send_next(relay, out);
}

/// Send the next queued row; the relay may crash before its acknowledgement.
fn send_next(relay: &mut Relay, out: &mut Out) {
    let Some(send) = relay.producer.send_next(out) else {
        return;
    };
    let Some(flight) = relay.producer.in_flight else {
        return;
    };
    if out.crashes(flight.pending.op, send, C::RelayBeforeAck) {
        crash(relay, flight.pending.op, C::RelayBeforeAck, out);
    }
}

/// The broker acknowledged a publish: mark its row sent (unless the relay crashes first).
pub fn on_ack(relay: &mut Relay, db: &mut Database, envelope: &Envelope, out: &mut Out) {
    if !relay.up {
        out.delivered(envelope, 0);
        return;
    }
    let Some(flight) = relay.producer.on_ack(envelope, out) else {
        return;
    };
    let op = flight.pending.op;
    if out.crashes(op, flight.send, C::RelayBeforeMarkSent) {
        crash(relay, op, C::RelayBeforeMarkSent, out);
        return;
    }
    if let Some(outbox) = flight.pending.outbox {
        db.outbox[outbox as usize].sent = true;
        let detail = Detail::OutboxWrite { outbox, sent: true };
        out.event(Actor::Database, Actor::Relay, op, detail);
    }
    send_next(relay, out);
}

/// A publish went unacknowledged: re-send it or give up (the row stays unsent).
pub fn on_timeout(relay: &mut Relay, pid: u32, seq: u32, out: &mut Out) {
    if !relay.up {
        return;
    }
    if relay.producer.on_timeout(pid, seq, out).is_some() {
        send_next(relay, out);
    }
}

fn crash(relay: &mut Relay, op: u32, point: C, out: &mut Out) {
    let event = out.event(
        Actor::Relay,
        Actor::Nobody,
        op,
        Detail::Messaging(M::Crash { point }),
    );
    out.fact(Fact::RelayCrashed { op, point }, event);
    relay.up = false;
    relay.producer.crash();
    out.after(
        out.scenario.messaging.crash.downtime_us,
        Event::Restart(Process::Relay),
    );
}

/// Back after a crash, with a new producer session; the next round finds the unsent rows.
pub fn on_restart(relay: &mut Relay, broker: &mut Broker, out: &mut Out) {
    relay.up = true;
    out.note(Actor::Relay, Detail::Restart);
    relay.producer.start(broker, out);
}
