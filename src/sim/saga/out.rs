//! Where the saga world's handlers write what they want to happen: trace events, messages
//! (whose fate is decided from their identity when written), timers and facts for the
//! oracle. Each effect is carried out as it is written, as in the messaging world.

use crate::sim::config::{SagaCrashPoint, Scenario};
use crate::sim::fault_set::{FaultId, FaultKind, FaultRecord};
use crate::sim::queue::EventQueue;
use crate::sim::trace::{
    Actor, Detail, DropReason, SagaAction, SagaDetail, Trace, TraceEvent, NO_OP,
};

use super::events::{message_kinds, Body, Envelope, Event};
use super::faults::{crash, fate, identity, Direction};
use super::oracle::{Fact, Story};

/// The queue, the trace and the oracle's story: what effects go into.
pub struct Sinks {
    pub queue: EventQueue<Event>,
    pub trace: Trace,
    pub max_events: u64,
    pub stopped: bool,
    next_msg: u32,
    /// The time of the last trace event: the run's end.
    pub last_active: u64,
    pub story: Story,
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
    pub fn event(
        &mut self,
        actor: Actor,
        peer: Actor,
        op: u32,
        attempt: u8,
        detail: Detail,
    ) -> u32 {
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
            attempt,
        })
    }

    /// A fault hit attempt `attempt` of order `op`'s saga; trace event `event` shows it.
    pub fn fault(&mut self, fault: FaultId, op: u32, attempt: u8, event: u32) {
        if self.scenario.trace {
            self.sinks.faults.push(FaultRecord {
                fault,
                op,
                attempt,
                time_us: self.now,
                event,
            });
        }
    }

    /// Whether the orchestrator crashes at `point` while it handles attempt `attempt` of
    /// `action` for order `op`; a crash is recorded as a fault (its event is the next).
    pub fn crashes(
        &mut self,
        op: u32,
        action: SagaAction,
        attempt: u8,
        point: SagaCrashPoint,
    ) -> bool {
        match crash(self.scenario, op, action, attempt, point) {
            Some(fault) => {
                let event = self.sinks.trace.count.min(u32::MAX as u64) as u32;
                self.fault(fault, op, attempt, event);
                true
            }
            None => false,
        }
    }

    /// A saga event of `actor` about order `op`.
    pub fn saga(&mut self, actor: Actor, peer: Actor, op: u32, attempt: u8, d: SagaDetail) -> u32 {
        self.event(actor, peer, op, attempt, Detail::Saga(d))
    }

    /// A saga event of `actor` alone.
    pub fn note(&mut self, actor: Actor, d: SagaDetail) -> u32 {
        self.event(actor, Actor::Nobody, NO_OP, 0, Detail::Saga(d))
    }

    /// Send a request or a reply about attempt `attempt` of `action`: record its send,
    /// then queue its arrival or its loss. Returns the send event's id.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &mut self,
        from: Actor,
        to: Actor,
        op: u32,
        action: SagaAction,
        attempt: u8,
        direction: Direction,
        body: Body,
    ) -> u32 {
        let id = self.sinks.next_msg;
        self.sinks.next_msg += 1;
        let (request, reply) = message_kinds(action);
        let kind = match direction {
            Direction::Request => request,
            Direction::Reply => reply,
        };
        let envelope = Envelope {
            id,
            from,
            to,
            kind,
            op,
            body,
        };
        let value = match body {
            Body::Request(r) if action == SagaAction::Charge => r.amount,
            _ => 0,
        };
        let sent = self.event(
            from,
            to,
            op,
            attempt,
            Detail::Send {
                msg: id,
                message: kind,
                value,
            },
        );
        match fate(self.scenario, op, action, attempt, direction) {
            Some(delay) => self.after(delay, Event::Arrive(envelope)),
            None => {
                let lost = FaultId::new(FaultKind::Loss, identity(op, action, attempt, direction));
                self.fault(lost, op, attempt, sent);
                let network = &self.scenario.network;
                let shown = network.delay_min_us + network.delay_mean_us;
                self.after(shown, Event::Lost(envelope));
            }
        }
        sent
    }

    /// Record that `envelope` reached its receiver.
    pub fn delivered(&mut self, envelope: &Envelope, attempt: u8) -> u32 {
        self.event(
            envelope.to,
            envelope.from,
            envelope.op,
            attempt,
            Detail::Deliver {
                msg: envelope.id,
                message: envelope.kind,
                replayed: false,
                status: 0,
            },
        )
    }

    /// Record that `envelope` reached a receiver no longer waiting for it.
    pub fn late(&mut self, envelope: &Envelope, attempt: u8) -> u32 {
        self.event(
            envelope.to,
            envelope.from,
            envelope.op,
            attempt,
            Detail::LateResponse {
                msg: envelope.id,
                message: envelope.kind,
                status: 0,
            },
        )
    }

    /// Record that `envelope` never arrived (`reason`: lost, or its receiver was down).
    pub fn dropped(&mut self, envelope: &Envelope, attempt: u8, reason: DropReason) -> u32 {
        self.event(
            envelope.to,
            envelope.from,
            envelope.op,
            attempt,
            Detail::Drop {
                msg: envelope.id,
                message: envelope.kind,
                reason,
            },
        )
    }

    pub fn after(&mut self, delay: u64, event: Event) {
        self.sinks.queue.push(self.now + delay, event);
    }

    /// Tell the oracle `fact` about order `op`, which trace event `event` shows.
    pub fn fact(&mut self, op: u32, fact: Fact, event: u32) {
        self.sinks.story.observe(op, fact, event, self.now);
    }
}
