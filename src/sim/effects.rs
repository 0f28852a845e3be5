//! The output buffer a handler writes into, and the read-only context it reads from.
//!
//! A handler changes only its own state; everything else it wants to happen — a message
//! sent, a timer, a trace event, a fact for the oracle, a cost, a refund — goes into
//! [`Out`], and the world applies the effects in the order they were written. A message's
//! fate is decided when it is written (it depends only on its identity), so `Out` knows
//! the id of every trace event in advance and a handler can refer to the events it wrote.

use super::config::{Scenario, ValidScenario};
use super::events::{Body, Event, Message};
use super::faults::{fate, Fate, Link, MessageIdentity};
use super::oracle::Fact;
use super::trace::{Actor, Detail, MessageKind};
use super::workload::Operation;

/// Fixed hop from the load balancer to a replica (same data centre, never lost).
pub const BALANCER_HOP_US: u64 = 200;

/// What a handler may read besides its own state.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub now: u64,
    pub valid: &'a ValidScenario,
    pub ops: &'a [Operation],
}

impl<'a> Cx<'a> {
    pub fn scenario(&self) -> &'a Scenario {
        self.valid.scenario()
    }

    pub fn seed(&self) -> u64 {
        self.valid.scenario().seed
    }

    pub fn op(&self, op: u32) -> &'a Operation {
        &self.ops[op as usize]
    }
}

/// A counter a handler reports; the world adds it to the run's costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    DbRoundTrip,
    Replay,
    Response409,
    Response422,
    Response5xx,
    ClientVisibleError,
    ClientTimeout,
    ProviderCall,
    EmailCall,
}

/// One thing a handler wants to happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Record a trace event at the current time.
    Trace {
        actor: Actor,
        peer: Actor,
        op: u32,
        attempt: u8,
        detail: Detail,
    },
    /// Put a new message on the network with its already decided fate.
    Send {
        from: Actor,
        to: Actor,
        kind: MessageKind,
        body: Body,
        value: i64,
        fate: Fate,
    },
    /// Queue an event after a delay.
    After {
        delay: u64,
        event: Event,
    },
    Fact(Fact),
    Cost(Cost),
    /// The key store now holds this many rows (sampled for the costs).
    KeyRows(u64),
    /// The provider marks a charge refunded.
    Refund {
        charge: u32,
    },
}

/// The effects buffer, reused across handlers so the hot loop allocates nothing.
#[derive(Debug, Default)]
pub struct Out {
    pub(crate) effects: Vec<Effect>,
    next_event: u64,
    limit: u64,
}

impl Out {
    /// Start a handler: trace events will be numbered from `recorded`, up to `limit`.
    pub fn begin(&mut self, recorded: u64, limit: u64) {
        debug_assert!(self.effects.is_empty());
        self.next_event = recorded;
        self.limit = limit;
    }

    /// The id the next trace event will get (`u32::MAX` past the event limit).
    pub fn next_event_id(&self) -> u32 {
        if self.next_event < self.limit {
            self.next_event as u32
        } else {
            u32::MAX
        }
    }

    fn reserve_event(&mut self) -> u32 {
        let id = self.next_event_id();
        if self.next_event < self.limit {
            self.next_event += 1;
        }
        id
    }

    /// Record a trace event; returns its id.
    pub fn trace(
        &mut self,
        actor: Actor,
        peer: Actor,
        op: u32,
        attempt: u8,
        detail: Detail,
    ) -> u32 {
        self.effects.push(Effect::Trace {
            actor,
            peer,
            op,
            attempt,
            detail,
        });
        self.reserve_event()
    }

    /// Record that `message` reached its receiver (delivered, or too late to matter).
    pub fn received(&mut self, message: &Message, late: bool, replayed: bool, status: i64) -> u32 {
        let (op, attempt) = message.op_attempt();
        let (msg, kind) = (message.id, message.kind);
        let detail = if late {
            Detail::LateResponse {
                msg,
                message: kind,
                status,
            }
        } else {
            Detail::Deliver {
                msg,
                message: kind,
                replayed,
                status,
            }
        };
        self.trace(message.to, message.from, op, attempt, detail)
    }

    /// Send a message over `link` (or the balancer's fixed hop when `None`). Its fate is
    /// decided now from its identity.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
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
        let fate = match link {
            Some(link) => fate(&cx.scenario().network, cx.seed(), link, identity, cx.now),
            None => Fate::Delivered {
                delay: BALANCER_HOP_US,
                copy_delay: None,
            },
        };
        self.effects.push(Effect::Send {
            from,
            to,
            kind,
            body,
            value,
            fate,
        });
        // The send itself, and the copy the network makes.
        self.reserve_event();
        if let Fate::Delivered {
            copy_delay: Some(_),
            ..
        } = fate
        {
            self.reserve_event();
        }
    }

    pub fn after(&mut self, delay: u64, event: Event) {
        self.effects.push(Effect::After { delay, event });
    }

    pub fn fact(&mut self, fact: Fact) {
        self.effects.push(Effect::Fact(fact));
    }

    pub fn cost(&mut self, cost: Cost) {
        self.effects.push(Effect::Cost(cost));
    }

    pub fn key_rows(&mut self, rows: u64) {
        self.effects.push(Effect::KeyRows(rows));
    }

    pub fn refund(&mut self, charge: u32) {
        self.effects.push(Effect::Refund { charge });
    }

    /// The effects written so far (for tests of a single handler).
    pub fn effects(&self) -> &[Effect] {
        &self.effects
    }
}
