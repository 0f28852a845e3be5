//! Where the messaging world's handlers write what they want to happen: trace events,
//! messages (whose fate is decided from their identity when written), timers and facts
//! for the oracle. Each effect is carried out as it is written, as in the HTTP world's
//! applier (`sim/world/applier.rs`).

use crate::sim::config::{MessagingCrashPoint, Scenario};
use crate::sim::fault_set::{FaultId, FaultKind, FaultRecord};
use crate::sim::queue::EventQueue;
use crate::sim::trace::{Actor, Detail, DropReason, MessageKind, Trace, TraceEvent, NO_OP};

use super::events::{Body, Envelope, Event};
use super::faults::{crash, fate, Identity, MsgLink};
use super::oracle::{Fact, Story};

/// The queue, the trace and the oracle's story: what effects go into.
pub struct Sinks {
    pub queue: EventQueue<Event>,
    pub trace: Trace,
    pub max_events: u64,
    pub stopped: bool,
    next_msg: u32,
    /// The time of the last trace event: the run's end (timers that find nothing to do
    /// do not stretch it).
    pub last_active: u64,
    pub story: Story,
    /// The latest arrival on each broker connection (from, to): messages between a
    /// consumer and the broker travel over one TCP connection, so they arrive in order.
    connections: Vec<(Actor, Actor, u64)>,
    /// The faults that happened, recorded with the trace on.
    pub faults: Vec<FaultRecord>,
}

impl Sinks {
    pub fn new(scenario: &Scenario) -> Self {
        Sinks {
            queue: EventQueue::new(),
            trace: Trace::new(scenario.trace),
            max_events: scenario.max_events,
            stopped: false,
            next_msg: 0,
            last_active: 0,
            story: Story::new(scenario),
            connections: Vec::new(),
            faults: Vec::new(),
        }
    }
}

/// A handler's writer of effects, at the current time.
pub struct Out<'a> {
    pub now: u64,
    pub scenario: &'a Scenario,
    pub sinks: &'a mut Sinks,
}

impl Out<'_> {
    /// Record a trace event now; returns its id (`u32::MAX` past the event limit, which
    /// stops the run).
    pub fn event(&mut self, actor: Actor, peer: Actor, op: u32, detail: Detail) -> u32 {
        let sinks = &mut *self.sinks;
        if sinks.trace.count >= sinks.max_events {
            sinks.stopped = true;
            return u32::MAX;
        }
        sinks.last_active = self.now;
        sinks.trace.emit(TraceEvent {
            time: self.now,
            detail,
            op,
            actor,
            peer,
            attempt: 0,
        })
    }

    /// A fault hit event `op`; trace event `event` shows it.
    pub fn fault(&mut self, fault: FaultId, op: u32, event: u32) {
        if self.scenario.trace {
            self.sinks.faults.push(FaultRecord {
                fault,
                op,
                attempt: 0,
                time_us: self.now,
                event,
            });
        }
    }

    /// Whether the process crashes at `point` while handling event `op` for the `n`-th
    /// time; a crash is recorded as a fault.
    pub fn crashes(&mut self, op: u32, n: u32, point: MessagingCrashPoint) -> bool {
        match crash(self.scenario, op, n, point) {
            Some(fault) => {
                let event = self.sinks.trace.count.min(u32::MAX as u64) as u32;
                self.fault(fault, op, event);
                true
            }
            None => false,
        }
    }

    /// An event of `actor` alone (no peer, no order).
    pub fn note(&mut self, actor: Actor, detail: Detail) -> u32 {
        self.event(actor, Actor::Nobody, NO_OP, detail)
    }

    /// Put a message on `link`: record its send, then queue its arrival or its loss.
    /// Returns the send event's id.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &mut self,
        from: Actor,
        to: Actor,
        kind: MessageKind,
        op: u32,
        link: MsgLink,
        identity: Identity,
        body: Body,
        value: i64,
    ) -> u32 {
        let id = self.sinks.next_msg;
        self.sinks.next_msg += 1;
        let envelope = Envelope {
            id,
            from,
            to,
            kind,
            op,
            body,
        };
        let sent = self.event(
            from,
            to,
            op,
            Detail::Send {
                msg: id,
                message: kind,
                value,
            },
        );
        match fate(self.scenario, link, identity) {
            Some(delay) if link == MsgLink::Broker => {
                let at = self.in_order(from, to, self.now + delay);
                self.sinks.queue.push(at, Event::Arrive(envelope));
            }
            Some(delay) => self.after(delay, Event::Arrive(envelope)),
            None => {
                self.fault(FaultId::new(FaultKind::Loss, identity), op, sent);
                let network = &self.scenario.network;
                let shown = network.delay_min_us + network.delay_mean_us;
                self.after(shown, Event::Lost(envelope));
            }
        }
        sent
    }

    /// Record that `envelope` reached its receiver.
    pub fn delivered(&mut self, envelope: &Envelope, status: i64) -> u32 {
        self.event(
            envelope.to,
            envelope.from,
            envelope.op,
            Detail::Deliver {
                msg: envelope.id,
                message: envelope.kind,
                replayed: false,
                status,
            },
        )
    }

    /// Record that `envelope` was lost on the way.
    pub fn lost(&mut self, envelope: &Envelope) -> u32 {
        self.event(
            envelope.to,
            envelope.from,
            envelope.op,
            Detail::Drop {
                msg: envelope.id,
                message: envelope.kind,
                reason: DropReason::Loss,
            },
        )
    }

    /// The arrival time of a message sent at `at` on the connection from → to, no
    /// earlier than the one sent before it.
    fn in_order(&mut self, from: Actor, to: Actor, at: u64) -> u64 {
        let connections = &mut self.sinks.connections;
        match connections.iter_mut().find(|c| c.0 == from && c.1 == to) {
            Some(connection) => {
                connection.2 = connection.2.max(at);
                connection.2
            }
            None => {
                connections.push((from, to, at));
                at
            }
        }
    }

    pub fn after(&mut self, delay: u64, event: Event) {
        self.sinks.queue.push(self.now + delay, event);
    }

    /// Tell the oracle `fact`, which trace event `event` shows.
    pub fn fact(&mut self, fact: Fact, event: u32) {
        self.sinks.story.observe(fact, event, self.now);
    }
}
