//! What a handler may write, and the read-only context it reads from.
//!
//! A handler changes only its own state; everything else it wants to happen — a message
//! sent, a timer, a trace event, a fact for the oracle, a cost, a refund — it writes
//! through the [`Effects`] interface, as data ([`Effect`]). There are two writers:
//! - [`Out`] records the effects in order: tests drive one handler and read them back;
//! - the world's `Applier` (world.rs) carries each effect out as it is written, in the
//!   same order as recording them and then applying them would, without copying them
//!   through a buffer (the hot loop writes about two effects per event).
//!
//! A message's fate is decided when it is written (it depends only on its identity), so
//! either writer knows the id of every trace event at once and a handler can refer to the
//! events it wrote.

use super::config::{Scenario, ValidScenario};
use super::events::{Body, Event, Message};
use super::fault_set::FaultId;
use super::faults::{fate, Fate, Link, MessageIdentity};
use super::oracle::Fact;
use super::trace::{Actor, Detail, MessageKind};
use super::workload::{Operation, Operations};

/// Fixed hop from the load balancer to a replica (same data centre, never lost).
pub const BALANCER_HOP_US: u64 = 200;

/// What a handler may read besides its own state.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub now: u64,
    pub valid: &'a ValidScenario,
    pub ops: &'a Operations,
}

impl<'a> Cx<'a> {
    pub fn scenario(&self) -> &'a Scenario {
        self.valid.scenario()
    }

    pub fn seed(&self) -> u64 {
        self.valid.scenario().seed
    }

    #[inline]
    pub fn op(&self, op: u32) -> Operation {
        self.ops.get(op)
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
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Effect {
    /// Record a trace event at the current time.
    Trace(PendingTrace),
    /// Put a new message on the network with its already decided fate.
    Send(PendingSend),
    /// A fault drawn by the handler itself (a crash, a slow request).
    Fault(FaultId),
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
        op: u32,
        exec: u32,
    },
    /// The provider refunds the charge made under a key, if one stands.
    RefundByKey {
        key: u64,
        op: u32,
    },
}

/// A trace event to record at the current time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PendingTrace {
    pub actor: Actor,
    pub peer: Actor,
    pub op: u32,
    pub attempt: u8,
    pub detail: Detail,
}

/// A message to put on the network (the world gives it its id).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PendingSend {
    pub from: Actor,
    pub to: Actor,
    pub kind: MessageKind,
    pub body: Body,
    /// The value shown on the send event (status, amount or copy number).
    pub value: i64,
    pub fate: Fate,
}

/// Where a handler writes its effects.
pub trait Effects {
    /// The id the next trace event will get (`u32::MAX` past the event limit).
    fn next_event_id(&self) -> u32;

    /// Record a trace event; returns its id.
    fn trace(&mut self, event: PendingTrace) -> u32;

    /// Send a message over `link` (or the balancer's fixed hop when `None`). Its fate is
    /// decided now from its identity ([`fate_of`]).
    #[allow(clippy::too_many_arguments)]
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
    );

    fn after(&mut self, delay: u64, event: Event);

    fn fact(&mut self, fact: Fact);

    /// A fault hit operation `op`'s `attempt`; trace event `event` shows it.
    fn fault(&mut self, fault: FaultId, op: u32, attempt: u8, event: u32);

    fn cost(&mut self, cost: Cost);

    /// The key store now holds `rows` rows.
    fn key_rows(&mut self, rows: u64);

    /// Refund `charge`, which execution `exec` of `op` holds. The provider records it (and
    /// the trace shows it) only if the charge still stands.
    fn refund(&mut self, charge: u32, op: u32, exec: u32);

    /// Ask the provider to refund the charge made under `key` for `op`, if one stands.
    fn refund_by_key(&mut self, key: u64, op: u32);

    /// Record a trace event by its parts; returns its id.
    #[inline(always)]
    fn event(&mut self, actor: Actor, peer: Actor, op: u32, attempt: u8, detail: Detail) -> u32 {
        self.trace(PendingTrace {
            actor,
            peer,
            op,
            attempt,
            detail,
        })
    }

    /// Record that `message` reached its receiver (delivered, or too late to matter).
    #[inline(always)]
    fn received(&mut self, message: &Message, late: bool, replayed: bool, status: i64) -> u32 {
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
        self.event(message.to, message.from, op, attempt, detail)
    }
}

/// The fate of a message sent now over `link` (the balancer's hop when `None`).
pub fn fate_of(cx: &Cx, link: Option<Link>, identity: MessageIdentity) -> Fate {
    match link {
        Some(link) => fate(cx.scenario(), link, identity, cx.now),
        None => Fate::Delivered {
            delay: BALANCER_HOP_US,
            copy_delay: None,
        },
    }
}

/// Counts trace event ids the way the trace will: up to the event limit, then none.
#[derive(Clone, Copy, Debug, Default)]
pub struct EventIds {
    next: u64,
    limit: u64,
}

impl EventIds {
    pub fn new(recorded: u64, limit: u64) -> Self {
        EventIds {
            next: recorded,
            limit,
        }
    }

    /// The id the next event will get (`u32::MAX` past the limit).
    pub fn peek(&self) -> u32 {
        if self.next < self.limit {
            self.next as u32
        } else {
            u32::MAX
        }
    }

    /// Take the next id.
    pub fn take(&mut self) -> u32 {
        let id = self.peek();
        if self.next < self.limit {
            self.next += 1;
        }
        id
    }

    /// The number of ids a message takes: its send, and the network's copy if any.
    pub fn take_send(&mut self, fate: Fate) {
        self.take();
        if let Fate::Delivered {
            copy_delay: Some(_),
            ..
        } = fate
        {
            self.take();
        }
    }
}

/// Records a handler's effects in order (for tests, and anyone who wants to look at
/// what a handler would do).
#[derive(Debug, Default)]
pub struct Out {
    effects: Vec<Effect>,
    ids: EventIds,
}

impl Out {
    /// A recorder whose trace events are numbered from `recorded`, up to `limit`.
    pub fn new(recorded: u64, limit: u64) -> Self {
        Out {
            effects: Vec::new(),
            ids: EventIds::new(recorded, limit),
        }
    }

    /// The effects written so far, in order.
    pub fn effects(&self) -> &[Effect] {
        &self.effects
    }
}

impl Effects for Out {
    fn next_event_id(&self) -> u32 {
        self.ids.peek()
    }

    fn trace(&mut self, event: PendingTrace) -> u32 {
        self.effects.push(Effect::Trace(event));
        self.ids.take()
    }

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
        self.ids.take_send(fate);
        self.effects.push(Effect::Send(PendingSend {
            from,
            to,
            kind,
            body,
            value,
            fate,
        }));
    }

    fn after(&mut self, delay: u64, event: Event) {
        self.effects.push(Effect::After { delay, event });
    }

    fn fact(&mut self, fact: Fact) {
        self.effects.push(Effect::Fact(fact));
    }

    fn fault(&mut self, fault: FaultId, _op: u32, _attempt: u8, _event: u32) {
        self.effects.push(Effect::Fault(fault));
    }

    fn cost(&mut self, cost: Cost) {
        self.effects.push(Effect::Cost(cost));
    }

    fn key_rows(&mut self, rows: u64) {
        self.effects.push(Effect::KeyRows(rows));
    }

    fn refund(&mut self, charge: u32, op: u32, exec: u32) {
        self.effects.push(Effect::Refund { charge, op, exec });
    }

    fn refund_by_key(&mut self, key: u64, op: u32) {
        self.effects.push(Effect::RefundByKey { key, op });
    }
}
