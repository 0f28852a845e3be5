//! The order service: places an order every `order_interval`, commits it (with its outbox
//! row when the outbox is on) and — without the outbox — publishes `OrderPlaced` itself
//! after the commit. A crash between the two loses the event; a crash also loses the
//! events its producer had not yet delivered.

use std::collections::VecDeque;

use crate::sim::config::MessagingCrashPoint as C;
use crate::sim::trace::{Actor, Detail, MessagingDetail as M, Table, WriteFlags};

use super::broker::Broker;
use super::events::{Event, Process, ProducerId};
use super::oracle::Fact;
use super::out::Out;
use super::producer::{Pending, Producer};
use super::store::Database;

pub struct OrderService {
    pub up: bool,
    /// Orders that came while the service was down, placed when it is back.
    backlog: VecDeque<u32>,
    pub producer: Producer,
}

impl OrderService {
    pub fn new(out: &Out) -> Self {
        let s = out.scenario;
        OrderService {
            up: true,
            backlog: VecDeque::new(),
            producer: Producer::new(
                ProducerId::OrderService,
                s.operations,
                s.messaging.partitions,
            ),
        }
    }
}

/// Time to place order `op` (and to schedule the next one).
pub fn on_place(svc: &mut OrderService, db: &mut Database, op: u32, out: &mut Out) {
    let s = out.scenario;
    if op + 1 < s.operations {
        out.after(
            s.messaging.order_interval_us,
            Event::PlaceOrder { op: op + 1 },
        );
    }
    if svc.up {
        place(svc, db, op, out);
    } else {
        svc.backlog.push_back(op);
    }
}

fn place(svc: &mut OrderService, db: &mut Database, op: u32, out: &mut Out) {
    let amount = crate::sim::workload::operation(out.scenario, op)
        .kind
        .amount();
    out.event(
        Actor::OrderService,
        Actor::Nobody,
        op,
        Detail::OpStart { amount },
    );
    let outbox = out.scenario.protections.outbox;
    let row = db.commit_order(op, outbox);
    let detail = Detail::DbWrite {
        table: Table::Orders,
        row: op,
        value: amount,
        how: WriteFlags::default(),
    };
    let event = out.event(Actor::Database, Actor::OrderService, op, detail);
    if let Some(outbox) = row {
        let detail = Detail::OutboxWrite {
            outbox,
            sent: false,
        };
        out.event(Actor::Database, Actor::OrderService, op, detail);
    }
    out.fact(Fact::OrderCommitted { op }, event);
    if out.crashes(op, 0, C::AfterCommitBeforePublish) {
        crash(svc, op, out);
        return;
    }
    if !outbox {
        svc.producer.publish(Pending { op, outbox: None }, out);
    }
}

fn crash(svc: &mut OrderService, op: u32, out: &mut Out) {
    let point = C::AfterCommitBeforePublish;
    let event = out.event(
        Actor::OrderService,
        Actor::Nobody,
        op,
        Detail::Messaging(M::Crash { point }),
    );
    out.fact(Fact::OrderServiceCrashed { op }, event);
    // Events its producer still held die with it.
    let held: Vec<u32> = svc
        .producer
        .in_flight
        .map(|f| f.pending.op)
        .into_iter()
        .chain(svc.producer.queue.iter().map(|p| p.op))
        .collect();
    for lost in held {
        out.fact(Fact::ProducerBufferLost { op: lost }, event);
    }
    svc.up = false;
    svc.producer.crash();
    out.after(
        out.scenario.messaging.crash.downtime_us,
        Event::Restart(Process::OrderService),
    );
}

/// Back after a crash: a new producer session, then the orders that waited.
pub fn on_restart(svc: &mut OrderService, db: &mut Database, broker: &mut Broker, out: &mut Out) {
    svc.up = true;
    out.note(Actor::OrderService, Detail::Restart);
    if !out.scenario.protections.outbox {
        svc.producer.start(broker, out);
    }
    while svc.up {
        let Some(op) = svc.backlog.pop_front() else {
            break;
        };
        place(svc, db, op, out);
    }
}
