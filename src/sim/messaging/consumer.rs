//! A consumer: receives a record or message, and processes it — dedup check, compute,
//! ship at the warehouse, apply to the ledger, record the id — then commits its offset
//! (log) or deletes the message (queue). Each step's crash point is drawn from the
//! event's identity and its delivery number. The handlers tell the world what the
//! consumer does next ([`Next`]); the world tells the broker.

use crate::sim::config::{
    BrokerMode, DedupLocation, DedupRecording, MessagingCrashPoint as C, OffsetCommit,
};
use crate::sim::rng::mix64;
use crate::sim::trace::{
    Actor, Detail, MessageKind, MessagingDetail as M, Table, TimedStep, WriteFlags,
};

use super::consumer_lifecycle::{crash, heartbeat_every};
use super::events::{Body, Envelope, Event};
use super::faults::{delivery_identity, processing_time, warehouse_identity, MsgLink};
use super::oracle::Fact;
use super::out::Out;
use super::store::{Database, MemoryDedup};

/// The delivery a consumer is working on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    pub op: u32,
    pub delivery: u32,
    pub partition: u8,
    pub offset: u32,
    pub receipt: u8,
    pub generation: u32,
    pub shipping: bool,
    pub ship_call: u32,
    /// Done, waiting for its offset commit to be answered (`commitSync`).
    pub committing: bool,
}

pub struct Consumer {
    pub index: u8,
    pub up: bool,
    /// Counts restarts, so a session timeout of an earlier life is recognised.
    pub incarnation: u32,
    pub work: Option<Work>,
    pub memory: MemoryDedup,
    /// Removed from the group for exceeding the poll interval (log mode): it rejoins at
    /// its next poll.
    pub removed: bool,
    /// The trace event of its latest crash.
    pub crash_event: u32,
}

/// What a consumer does after a handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Still working (or nothing changed).
    Busy,
    /// Done: it polls for the next record.
    Poll,
    Crashed,
}

impl Consumer {
    pub fn new(index: u8) -> Self {
        Consumer {
            index,
            up: true,
            incarnation: 0,
            work: None,
            memory: MemoryDedup::default(),
            removed: false,
            crash_event: u32::MAX,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::Consumer(self.index)
    }

    /// The work on `op`'s `delivery`-th delivery, if that is what the consumer is doing.
    pub(super) fn working_on(&self, op: u32, delivery: u32) -> Option<Work> {
        self.work
            .filter(|w| self.up && w.op == op && w.delivery == delivery && !w.committing)
    }
}

/// A record or message arrives.
pub fn on_record(c: &mut Consumer, db: &mut Database, envelope: &Envelope, out: &mut Out) -> Next {
    let Body::Record {
        partition,
        offset,
        delivery,
        receipt,
        generation,
    } = envelope.body
    else {
        return Next::Busy;
    };
    let op = envelope.op;
    let event = out.delivered(envelope, delivery as i64);
    out.fact(
        Fact::Delivered {
            op,
            consumer: c.index,
        },
        event,
    );
    c.work = Some(Work {
        op,
        delivery,
        partition,
        offset,
        receipt,
        generation,
        shipping: false,
        ship_call: 0,
        committing: false,
    });
    let m = &out.scenario.messaging;
    if m.mode == BrokerMode::Log {
        out.after(
            m.max_poll_interval_us,
            Event::PollDeadline {
                consumer: c.index,
                op,
                delivery,
            },
        );
        if m.commit == OffsetCommit::BeforeProcessing {
            let event = commit(c, out);
            out.fact(Fact::CommittedBeforeProcessing { op }, event);
        }
    }
    if out.crashes(op, delivery, C::ConsumerAfterReceive) {
        return crash(c, C::ConsumerAfterReceive, out);
    }
    let dedup = &out.scenario.protections.dedup_store;
    if dedup.enabled {
        let seen = match dedup.location {
            DedupLocation::Database => db.processed(op, out.now, dedup.ttl_us),
            DedupLocation::Memory => c.memory.seen(op, out.now, dedup.ttl_us),
        };
        let lane = store_lane(c, out);
        let event = out.event(
            lane,
            c.actor(),
            op,
            Detail::Messaging(M::DedupCheck {
                seen,
                in_transaction: false,
            }),
        );
        if seen {
            out.fact(
                Fact::DedupSkipped {
                    op,
                    consumer: c.index,
                },
                event,
            );
            return finish(c, out);
        }
        if dedup.recording == DedupRecording::BeforeProcessing {
            let event = record(c, db, out);
            out.fact(Fact::DedupRecordedEarly { op }, event);
        }
    }
    let (time, slow) = processing_time(out.scenario, op, delivery);
    let detail = Detail::Step {
        step: TimedStep::Compute,
        duration_us: time,
    };
    let event = out.event(c.actor(), Actor::Nobody, op, detail);
    if let Some(fault) = slow {
        out.fault(fault, op, event);
    }
    let consumer = c.index;
    out.after(
        time,
        Event::Computed {
            consumer,
            op,
            delivery,
        },
    );
    if m.mode == BrokerMode::Queue && out.scenario.protections.visibility_heartbeat {
        let beat = Event::HeartbeatDue {
            consumer,
            op,
            delivery,
        };
        out.after(heartbeat_every(out), beat);
    }
    Next::Busy
}

/// The compute time is over: ask the warehouse to ship.
pub fn on_computed(c: &mut Consumer, op: u32, delivery: u32, out: &mut Out) -> Next {
    if c.working_on(op, delivery).is_none() {
        return Next::Busy;
    }
    call_warehouse(c, out);
    Next::Busy
}

fn call_warehouse(c: &mut Consumer, out: &mut Out) {
    let Some(work) = c.work.as_mut() else {
        return;
    };
    work.shipping = true;
    work.ship_call += 1;
    let (op, delivery, call) = (work.op, work.delivery, work.ship_call);
    let key = out
        .scenario
        .protections
        .key_propagation
        .then(|| mix64(op as u64 ^ 0x5A1B));
    let body = Body::ShipCall {
        consumer: c.index,
        delivery,
        call,
        key,
    };
    out.send(
        c.actor(),
        Actor::Warehouse,
        MessageKind::ShipCall,
        op,
        MsgLink::Warehouse,
        warehouse_identity(op, delivery, call, false),
        body,
        call as i64,
    );
    let timeout = out.scenario.messaging.warehouse_timeout_us;
    let consumer = c.index;
    out.after(
        timeout,
        Event::WarehouseTimeout {
            consumer,
            op,
            delivery,
            call,
        },
    );
}

/// No reply from the warehouse in time: call again.
pub fn on_warehouse_timeout(
    c: &mut Consumer,
    op: u32,
    delivery: u32,
    call: u32,
    out: &mut Out,
) -> Next {
    let Some(work) = c.working_on(op, delivery) else {
        return Next::Busy;
    };
    if !work.shipping || work.ship_call != call {
        return Next::Busy;
    }
    let detail = Detail::ExternalTimeout {
        call: call.min(u8::MAX as u32) as u8,
        outbox: None,
    };
    let event = out.event(c.actor(), Actor::Warehouse, work.op, detail);
    out.fact(Fact::ShipCallTimedOut { op: work.op }, event);
    call_warehouse(c, out);
    Next::Busy
}

/// The warehouse answered: apply the event to the ledger and acknowledge it.
pub fn on_ship_reply(
    c: &mut Consumer,
    db: &mut Database,
    envelope: &Envelope,
    out: &mut Out,
) -> Next {
    let Body::ShipReply { delivery, .. } = envelope.body else {
        return Next::Busy;
    };
    let current = c.working_on(envelope.op, delivery).filter(|w| w.shipping);
    out.delivered(envelope, 0);
    let Some(work) = current else {
        return Next::Busy;
    };
    if let Some(w) = c.work.as_mut() {
        w.shipping = false;
    }
    if out.crashes(work.op, delivery, C::ConsumerAfterShip) {
        return crash(c, C::ConsumerAfterShip, out);
    }
    apply(c, db, work, out)
}

fn apply(c: &mut Consumer, db: &mut Database, work: Work, out: &mut Out) -> Next {
    let op = work.op;
    let dedup = out.scenario.protections.dedup_store.clone();
    let together = dedup.enabled && dedup.recording == DedupRecording::SameTransaction;
    if together
        && dedup.location == DedupLocation::Database
        && db.processed(op, out.now, dedup.ttl_us)
    {
        // The processed_messages insert fails on its primary key: the transaction,
        // ledger row included, rolls back.
        let detail = Detail::Messaging(M::DedupCheck {
            seen: true,
            in_transaction: true,
        });
        let event = out.event(Actor::Database, c.actor(), op, detail);
        out.fact(
            Fact::DedupSkipped {
                op,
                consumer: c.index,
            },
            event,
        );
        return finish(c, out);
    }
    let rows = db.apply(op);
    let detail = Detail::DbWrite {
        table: Table::Ledger,
        row: op,
        value: rows as i64,
        how: WriteFlags::default(),
    };
    let event = out.event(Actor::Database, c.actor(), op, detail);
    out.fact(
        Fact::Applied {
            op,
            consumer: c.index,
        },
        event,
    );
    if together {
        record(c, db, out);
    }
    if out.crashes(op, work.delivery, C::ConsumerAfterApply) {
        return crash(c, C::ConsumerAfterApply, out);
    }
    if dedup.enabled && dedup.recording == DedupRecording::AfterEffect {
        record(c, db, out);
    }
    finish(c, out)
}

/// Record the message id in the dedup store.
fn record(c: &mut Consumer, db: &mut Database, out: &mut Out) -> u32 {
    let Some(work) = c.work else {
        return u32::MAX;
    };
    let lane = store_lane(c, out);
    match out.scenario.protections.dedup_store.location {
        DedupLocation::Database => db.record_processed(work.op, out.now),
        DedupLocation::Memory => c.memory.record(work.op, out.now),
    }
    out.event(
        lane,
        c.actor(),
        work.op,
        Detail::Messaging(M::DedupRecorded),
    )
}

fn store_lane(c: &Consumer, out: &Out) -> Actor {
    match out.scenario.protections.dedup_store.location {
        DedupLocation::Database => Actor::Database,
        DedupLocation::Memory => c.actor(),
    }
}

/// Acknowledge the work (commit after processing, or delete) and poll again.
fn finish(c: &mut Consumer, out: &mut Out) -> Next {
    let Some(work) = c.work else {
        return Next::Busy;
    };
    let m = &out.scenario.messaging;
    match m.mode {
        BrokerMode::Log if m.commit == OffsetCommit::AfterProcessing => {
            // commitSync: the next poll waits for the broker's answer.
            commit(c, out);
            if let Some(w) = c.work.as_mut() {
                w.committing = true;
            }
            return Next::Busy;
        }
        BrokerMode::Log => {}
        BrokerMode::Queue => {
            let body = Body::Delete {
                message: work.offset,
                receipt: work.receipt,
            };
            out.send(
                c.actor(),
                Actor::Broker,
                MessageKind::Delete,
                work.op,
                MsgLink::Broker,
                delivery_identity(work.op, work.delivery, 1),
                body,
                work.offset as i64,
            );
        }
    }
    c.work = None;
    Next::Poll
}

/// Commit the offset after the record in work; returns the send event.
fn commit(c: &Consumer, out: &mut Out) -> u32 {
    let Some(work) = c.work else {
        return u32::MAX;
    };
    let body = Body::OffsetCommit {
        consumer: c.index,
        partition: work.partition,
        offset: work.offset + 1,
        generation: work.generation,
    };
    let what = if out.scenario.messaging.commit == OffsetCommit::BeforeProcessing {
        2
    } else {
        3
    };
    out.send(
        c.actor(),
        Actor::Broker,
        MessageKind::OffsetCommit,
        work.op,
        MsgLink::Broker,
        delivery_identity(work.op, work.delivery, what),
        body,
        (work.offset + 1) as i64,
    )
}
