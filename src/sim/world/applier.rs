//! The world's writer of effects: each effect a handler writes is carried out at once —
//! trace events, messages (whose fate was decided when written), timers, facts for the
//! oracle, costs, refunds — in the order they are written.

use super::{Refund, Sinks};
use crate::sim::config::ValidScenario;
use crate::sim::effects::{fate_of, Cost, Cx, Effects, PendingTrace};
use crate::sim::events::{Body, Event, Message};
use crate::sim::fault_set::{FaultId, FaultRecord};
use crate::sim::faults::{faults_of, lost_after, Fate, Link, MessageIdentity};
use crate::sim::oracle::Fact;
use crate::sim::trace::{Actor, Detail, DropReason, MessageKind, TraceEvent};

/// The world's writer of effects: each one is carried out as it is written.
pub(super) struct Applier<'w> {
    pub now: u64,
    pub valid: &'w ValidScenario,
    pub sinks: &'w mut Sinks,
}

impl Applier<'_> {
    /// Record a trace event now; returns its id. The limit is exact: once reached,
    /// nothing more is recorded and the loop stops.
    #[inline(always)]
    pub fn emit(&mut self, actor: Actor, peer: Actor, op: u32, attempt: u8, detail: Detail) -> u32 {
        let sinks = &mut *self.sinks;
        if sinks.trace.count >= sinks.max_events {
            sinks.stopped = true;
            return u32::MAX;
        }
        sinks.trace.emit(TraceEvent {
            time: self.now,
            detail,
            op,
            actor,
            peer,
            attempt,
        })
    }

    fn next_message_id(&mut self) -> u32 {
        let id = self.sinks.next_msg;
        self.sinks.next_msg += 1;
        id
    }
}

impl Effects for Applier<'_> {
    #[inline(always)]
    fn next_event_id(&self) -> u32 {
        if self.sinks.trace.count < self.sinks.max_events {
            self.sinks.trace.count as u32
        } else {
            u32::MAX
        }
    }

    #[inline(always)]
    fn trace(&mut self, e: PendingTrace) -> u32 {
        self.emit(e.actor, e.peer, e.op, e.attempt, e.detail)
    }

    /// Put a message on the network: record the send, then its arrival, its loss, or its
    /// arrival and a copy's.
    fn send(
        &mut self,
        cx: &Cx,
        from: Actor,
        to: Actor,
        kind: MessageKind,
        link: Option<Link>,
        identity: MessageIdentity,
        body: Body,
        value: i64,
    ) {
        let fate = fate_of(cx, link, identity);
        let message = Message {
            id: self.next_message_id(),
            from,
            to,
            copy: 0,
            kind,
            body,
        };
        let (op, attempt) = message.op_attempt();
        let detail = Detail::Send {
            msg: message.id,
            message: kind,
            value,
        };
        let sent = self.emit(from, to, op, attempt, detail);
        if let Some(fault) = faults_of(fate, identity) {
            self.fault(fault, op, attempt, sent);
        }
        match fate {
            Fate::Lost | Fate::Partitioned => {
                let reason = if fate == Fate::Lost {
                    DropReason::Loss
                } else {
                    DropReason::Partition
                };
                // Shown where the message would have arrived, at its would-be arrival time.
                let at = self.now + lost_after(&self.valid.scenario().network);
                self.sinks.push(at, Event::Lost(message, reason));
            }
            Fate::Delivered { delay, copy_delay } => {
                self.sinks.push(self.now + delay, Event::Arrive(message));
                if let Some(copy_delay) = copy_delay {
                    let id = self.next_message_id();
                    let duplicate = Detail::Duplicate {
                        msg: id,
                        message: kind,
                        original: message.id,
                    };
                    let event = self.emit(from, to, op, attempt, duplicate);
                    if let Body::Request { op, attempt, .. } = message.body {
                        let fact = Fact::Duplicated { op, attempt, event };
                        self.sinks.oracle.observe(fact, self.now);
                    }
                    let copy = Message {
                        id,
                        copy: 1,
                        ..message
                    };
                    self.sinks.push(self.now + copy_delay, Event::Arrive(copy));
                }
            }
        }
    }

    #[inline(always)]
    fn after(&mut self, delay: u64, event: Event) {
        self.sinks.push(self.now + delay, event);
    }

    #[inline(always)]
    fn fact(&mut self, fact: Fact) {
        self.sinks.oracle.observe(fact, self.now);
    }

    fn fault(&mut self, fault: FaultId, op: u32, attempt: u8, event: u32) {
        if self.sinks.record_faults {
            self.sinks.faults.push(FaultRecord {
                fault,
                op,
                attempt,
                time_us: self.now,
                event,
            });
        }
    }

    #[inline(always)]
    fn cost(&mut self, cost: Cost) {
        let c = &mut self.sinks.costs;
        let counter = match cost {
            Cost::DbRoundTrip => &mut c.db_round_trips,
            Cost::Replay => &mut c.replays,
            Cost::Response409 => &mut c.responses_409,
            Cost::Response422 => &mut c.responses_422,
            Cost::Response5xx => &mut c.responses_5xx,
            Cost::ClientVisibleError => &mut c.client_visible_errors,
            Cost::ClientTimeout => &mut c.client_timeouts,
            Cost::ProviderCall => &mut c.provider_calls,
            Cost::EmailCall => &mut c.email_calls,
        };
        *counter += 1;
    }

    fn key_rows(&mut self, rows: u64) {
        let record = self.sinks.record_key_rows;
        let c = &mut self.sinks.costs;
        c.key_rows_peak = c.key_rows_peak.max(rows);
        c.key_rows_final = rows;
        if record {
            c.key_rows_series.push((self.now, rows));
        }
    }

    fn refund(&mut self, charge: u32, op: u32, exec: u32) {
        self.sinks.refunds.push(Refund::Charge { charge, op, exec });
    }

    fn refund_by_key(&mut self, key: u64, op: u32) {
        self.sinks.refunds.push(Refund::ByKey { key, op });
    }
}
