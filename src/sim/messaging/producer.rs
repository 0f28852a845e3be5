//! A producer client, as the order service and the outbox relay each hold one: one
//! publish in flight at a time (`max.in.flight.requests.per.connection` = 1, so sequence
//! numbers never arrive out of order), re-sent with the same producer id and sequence
//! number after `request.timeout.ms`, abandoned after `delivery.timeout.ms`. A crash loses
//! the session: after a restart the producer has a new producer id (no `transactional.id`),
//! so the broker cannot match its re-sends to the old session's.

use std::collections::VecDeque;

use crate::sim::config::BrokerMode;
use crate::sim::trace::{Actor, Detail, MessageKind, MessagingDetail as M};

use super::broker::Broker;
use super::events::{Body, Envelope, Event, ProducerId};
use super::faults::{publish_identity, MsgLink};
use super::oracle::Fact;
use super::out::Out;

/// An event waiting to be published: order `op`, from outbox row `outbox` if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    pub op: u32,
    pub outbox: Option<u32>,
}

/// The publish in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InFlight {
    pub pending: Pending,
    pub seq: u32,
    pub partition: u8,
    pub first_sent: u64,
    pub body_time: u64,
    /// This producer's send number of the event, counted over all its sessions.
    pub send: u32,
}

pub struct Producer {
    pub id: ProducerId,
    /// The session's producer id; 0 while down.
    pub pid: u32,
    next_seq: Vec<u32>,
    pub in_flight: Option<InFlight>,
    pub queue: VecDeque<Pending>,
    /// Per order: sends so far (the identity of each send's fault draws).
    sends: Vec<u32>,
}

impl Producer {
    pub fn new(id: ProducerId, orders: u32, partitions: u32) -> Self {
        Producer {
            id,
            pid: 0,
            next_seq: vec![0; partitions as usize],
            in_flight: None,
            queue: VecDeque::new(),
            sends: vec![0; orders as usize],
        }
    }

    /// Start a session: a new producer id, sequence numbers from 0.
    pub fn start(&mut self, broker: &mut Broker, out: &mut Out) {
        self.pid = broker.init_producer();
        self.next_seq.iter_mut().for_each(|s| *s = 0);
        let pid = self.pid;
        out.note(
            self.id.actor(),
            Detail::Messaging(M::ProducerStarted { pid }),
        );
    }

    /// The process crashed: the session and everything it held are gone.
    pub fn crash(&mut self) {
        self.pid = 0;
        self.in_flight = None;
        self.queue.clear();
    }

    pub fn idle(&self) -> bool {
        self.in_flight.is_none() && self.queue.is_empty()
    }

    /// Queue `pending` for publishing; if nothing is in flight, send it now. Returns the
    /// send number if a send went out.
    pub fn publish(&mut self, pending: Pending, out: &mut Out) -> Option<u32> {
        self.queue.push_back(pending);
        self.send_next(out)
    }

    /// Send the next queued event if nothing is in flight; returns its send number.
    pub fn send_next(&mut self, out: &mut Out) -> Option<u32> {
        if self.in_flight.is_some() || self.pid == 0 {
            return None;
        }
        let pending = self.queue.pop_front()?;
        let m = &out.scenario.messaging;
        let partition = match m.mode {
            BrokerMode::Log => (pending.op % m.partitions) as u8,
            BrokerMode::Queue => 0,
        };
        let seq = self.next_seq[partition as usize];
        self.next_seq[partition as usize] += 1;
        self.in_flight = Some(InFlight {
            pending,
            seq,
            partition,
            first_sent: out.now,
            body_time: out.now,
            send: 0,
        });
        Some(self.transmit(out, false))
    }

    /// (Re)send the publish in flight; returns its send number.
    fn transmit(&mut self, out: &mut Out, resend: bool) -> u32 {
        let Some(flight) = self.in_flight.as_mut() else {
            return 0;
        };
        let op = flight.pending.op;
        let sends = &mut self.sends[op as usize];
        *sends += 1;
        flight.send = *sends;
        let body = Body::Publish {
            producer: self.id,
            pid: self.pid,
            seq: flight.seq,
            partition: flight.partition,
            body_time: flight.body_time,
            send: flight.send,
        };
        let (send, seq) = (flight.send, flight.seq);
        let event = out.send(
            self.id.actor(),
            Actor::Broker,
            MessageKind::Publish,
            op,
            MsgLink::Publish,
            publish_identity(self.id == ProducerId::Relay, op, send, false),
            body,
            seq as i64,
        );
        out.fact(
            Fact::Published {
                op,
                producer: self.id,
                resend,
            },
            event,
        );
        out.after(
            out.scenario.messaging.request_timeout_us,
            Event::PublishTimeout {
                producer: self.id,
                pid: self.pid,
                seq,
            },
        );
        send
    }

    /// An acknowledgement arrives: if it is for the publish in flight, that publish is
    /// done and returned.
    pub fn on_ack(&mut self, envelope: &Envelope, out: &mut Out) -> Option<InFlight> {
        let Body::PublishAck { pid, seq, .. } = envelope.body else {
            return None;
        };
        let current = self
            .in_flight
            .filter(|f| pid == self.pid && seq == f.seq && f.pending.op == envelope.op);
        let event = out.delivered(envelope, 0);
        if current.is_none() {
            let _ = event;
            return None;
        }
        self.in_flight = None;
        current
    }

    /// The publish in flight went unacknowledged: send it again, or give up on it after
    /// the delivery timeout (returned).
    pub fn on_timeout(&mut self, pid: u32, seq: u32, out: &mut Out) -> Option<Pending> {
        let flight = self.in_flight.filter(|f| pid == self.pid && seq == f.seq)?;
        let op = flight.pending.op;
        let m = &out.scenario.messaging;
        if out.now.saturating_sub(flight.first_sent) >= m.delivery_timeout_us {
            self.in_flight = None;
            let event = out.event(
                self.id.actor(),
                Actor::Nobody,
                op,
                Detail::Messaging(M::PublishAbandoned),
            );
            out.fact(Fact::Abandoned { op }, event);
            return Some(flight.pending);
        }
        out.event(self.id.actor(), Actor::Nobody, op, Detail::Timeout);
        self.transmit(out, true);
        None
    }
}
