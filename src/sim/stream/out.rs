//! Where the stream world's handlers write what they want to happen: trace events,
//! timers and the faults that hit. Each effect is carried out as it is written.

use crate::sim::config::Scenario;
use crate::sim::fault_set::{FaultId, FaultRecord};
use crate::sim::queue::EventQueue;
use crate::sim::trace::{Actor, Detail, StreamDetail, Trace, TraceEvent, NO_OP};

use super::events::Event;

/// The queue, the trace and the faults met: what effects go into.
pub struct Sinks {
    pub queue: EventQueue<Event>,
    pub trace: Trace,
    pub max_events: u64,
    pub stopped: bool,
    /// The time of the last trace event: the run's end.
    pub last_active: u64,
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
            last_active: 0,
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
    /// Record a stream event of `actor` (with `peer`) about order `op` now; returns its
    /// id (`u32::MAX` past the event limit, which stops the run).
    pub fn event(&mut self, actor: Actor, peer: Actor, op: u32, detail: StreamDetail) -> u32 {
        let sinks = &mut *self.sinks;
        if sinks.trace.count >= sinks.max_events {
            sinks.stopped = true;
            return u32::MAX;
        }
        sinks.last_active = self.now;
        sinks.trace.emit(TraceEvent {
            time: self.now,
            detail: Detail::Stream(detail),
            op,
            actor,
            peer,
            attempt: 0,
        })
    }

    /// An event of `actor` alone, about no order.
    pub fn note(&mut self, actor: Actor, peer: Actor, detail: StreamDetail) -> u32 {
        self.event(actor, peer, NO_OP, detail)
    }

    /// A fault hit order `op`; trace event `event` (about `op`) shows it.
    pub fn fault(&mut self, fault: FaultId, op: u32, event: u32) {
        if self.scenario.trace && event != u32::MAX {
            self.sinks.faults.push(FaultRecord {
                fault,
                op,
                attempt: 0,
                time_us: self.now,
                event,
            });
        }
    }

    pub fn after(&mut self, delay: u64, event: Event) {
        self.sinks.queue.push(self.now + delay, event);
    }
}
