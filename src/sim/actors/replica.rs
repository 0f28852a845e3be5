//! A server replica: admits requests as executions, runs each through its endpoint's
//! steps (see `steps`), waits for external replies or their timeouts, and crashes and
//! restarts. A crash loses its executions and the keys it kept in memory.

use crate::sim::actors::external::DECLINED;
use crate::sim::effects::{Cx, Effects};
use crate::sim::events::{Body, CallKind, Event, Message, Route};
use crate::sim::oracle::{Fact, Fault};
use crate::sim::retry::RetryPolicy;
use crate::sim::steps::{self, external_call, plan, respond_pc, Step, StepResult};
use crate::sim::stores::db::Database;
use crate::sim::stores::keys::KeyStore;
use crate::sim::trace::{Actor, Detail, DropReason, NO_OP};
use crate::sim::workload::idempotency_key;

/// One request being handled: where it is in its plan and what it has learnt so far.
#[derive(Clone, Debug)]
pub struct Execution {
    pub id: u32,
    pub op: u32,
    pub attempt: u8,
    pub copy: u8,
    pub read_back: bool,
    pub plan: &'static [Step],
    pub pc: usize,
    pub key: Option<u64>,
    /// It holds the in-progress key record (the in-flight lock).
    pub holds_lock: bool,
    /// Its key record is settled (saved, replayed or rejected): nothing more to save.
    pub key_done: bool,
    pub key_event: u32,
    pub read_value: i64,
    pub read_version: u64,
    pub read_event: u32,
    pub read_time: u64,
    pub cas_rounds: u32,
    /// The number of the external call in flight (1, 2, … for its retries).
    pub call: u8,
    pub waiting: bool,
    /// The charge id the provider answered this execution's charge call with.
    pub charge: Option<u32>,
    /// This execution's call made that charge; if not, the provider recognised the key and
    /// returned a charge made earlier for the same key.
    pub charge_fresh: bool,
    /// The charge step is done (whatever the provider answered).
    pub charged: bool,
    /// A charge may stand under the derived key that this execution must settle: it
    /// started its own charge call, or took the key over from one that had.
    pub charge_may_stand: bool,
    pub status: u16,
    /// The insert found the row already there (an upsert conflict).
    pub row_existed: bool,
    /// The response says "already exists" (`ON CONFLICT DO NOTHING`).
    pub already_exists: bool,
    pub body_op: u32,
    pub version: u32,
    pub replayed: bool,
}

impl Execution {
    /// Execution `id` of one copy of a request, `(op, attempt, copy, read_back)`, as the
    /// replica admits it; `if_match` is the version the client sent.
    pub fn new(
        cx: &Cx,
        id: u32,
        (op, attempt, copy, read_back): (u32, u8, u8, bool),
        if_match: u32,
    ) -> Self {
        let scenario = cx.scenario();
        Execution {
            id,
            op,
            attempt,
            copy,
            read_back,
            plan: plan(scenario, read_back),
            pc: 0,
            key: idempotency_key(scenario.client.key_policy, &cx.op(op), attempt),
            holds_lock: false,
            key_done: !scenario.protections.idempotency_key.enabled,
            key_event: u32::MAX,
            read_value: 0,
            read_version: 0,
            read_event: 0,
            read_time: 0,
            cas_rounds: 0,
            call: 0,
            waiting: false,
            charge: None,
            charge_fresh: false,
            charged: false,
            charge_may_stand: false,
            status: 200,
            row_existed: false,
            already_exists: false,
            body_op: op,
            version: if_match,
            replayed: false,
        }
    }
}

/// A replica's own state: whether it is up, and its executions in slots.
#[derive(Clone, Debug)]
pub struct Replica {
    pub up: bool,
    /// Counts crashes, so a reply addressed to an execution from before one is stale.
    pub generation: u32,
    pub slots: Vec<Option<Execution>>,
    free: Vec<u16>,
}

impl Replica {
    pub fn new() -> Self {
        Replica {
            up: true,
            generation: 0,
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    pub fn admit(&mut self, execution: Execution) -> u16 {
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(execution);
                slot
            }
            None => {
                self.slots.push(Some(execution));
                (self.slots.len() - 1) as u16
            }
        }
    }

    pub fn release(&mut self, slot: u16) {
        self.slots[slot as usize] = None;
        self.free.push(slot);
    }

    /// Go down: every execution in a slot is lost (returned, in slot order).
    pub fn crash(&mut self) -> Vec<Execution> {
        self.up = false;
        self.generation += 1;
        self.free.clear();
        self.slots.drain(..).flatten().collect()
    }
}

impl Default for Replica {
    fn default() -> Self {
        Self::new()
    }
}

/// What a replica's handlers may change: the replica itself, the database, the key store
/// (its memory table, or the shared one) and the execution-id counter.
pub struct Node<'a> {
    pub index: u8,
    pub replica: &'a mut Replica,
    pub db: &'a mut Database,
    pub keys: &'a mut KeyStore,
    pub next_exec: &'a mut u32,
}

impl Node<'_> {
    pub fn actor(&self) -> Actor {
        Actor::Replica(self.index)
    }
}

/// A forwarded request arrives.
pub fn on_request(node: &mut Node, cx: &Cx, message: Message, out: &mut impl Effects) {
    let Body::Request {
        op,
        attempt,
        read_back,
        if_match,
    } = message.body
    else {
        return;
    };
    if !node.replica.up {
        let event = out.event(
            message.to,
            message.from,
            op,
            attempt,
            Detail::Drop {
                msg: message.id,
                message: message.kind,
                reason: DropReason::ReplicaDown,
            },
        );
        out.fact(Fact::Fault {
            op,
            attempt,
            fault: Fault::ReplicaDown,
            event,
        });
        return;
    }
    let arrival = out.received(&message, false, false, 0);
    let id = *node.next_exec;
    *node.next_exec += 1;
    out.fact(Fact::ExecutionStarted {
        exec: id,
        op,
        attempt,
        copy: message.copy,
        replica: node.index,
        event: arrival,
    });
    let request = (op, attempt, message.copy, read_back);
    let execution = Execution::new(cx, id, request, if_match);
    let slot = node.replica.admit(execution);
    advance(node, cx, slot, out);
}

/// A step's time has passed: carry on if the execution is still there.
pub fn on_resume(node: &mut Node, cx: &Cx, slot: u16, exec: u32, out: &mut impl Effects) {
    if execution(node.replica, slot).is_some_and(|x| x.id == exec) {
        advance(node, cx, slot, out);
    }
}

pub fn on_restart(node: &mut Node, out: &mut impl Effects) {
    node.replica.up = true;
    out.event(node.actor(), Actor::Nobody, NO_OP, 0, Detail::Restart);
}

/// An external service's reply arrives.
pub fn on_reply(node: &mut Node, cx: &Cx, message: Message, out: &mut impl Effects) {
    let Body::Reply {
        id,
        kind,
        route,
        fresh,
        ..
    } = message.body
    else {
        return;
    };
    if !awaits(node.replica, route, kind) {
        out.received(&message, true, false, 0);
        return;
    }
    out.received(&message, false, false, 0);
    if let Some(x) = node.replica.slots[route.slot as usize].as_mut() {
        x.waiting = false;
        if kind == CallKind::Charge {
            x.charged = true;
            if id == DECLINED {
                // The key's charge was settled while this call travelled: no payment.
                x.status = 402;
                x.pc = respond_pc(x);
                x.waiting = false;
                let slot = route.slot;
                return advance(node, cx, slot, out);
            }
            x.charge = Some(id);
            x.charge_fresh = fresh;
        }
        x.pc += 1;
    }
    advance(node, cx, route.slot, out);
}

/// Whether the reply on `route` is the one an execution is waiting for right now.
fn awaits(replica: &Replica, route: Route, kind: CallKind) -> bool {
    replica.up
        && replica.generation == route.generation
        && execution(replica, route.slot).is_some_and(|x| {
            x.id == route.exec && x.waiting && x.call == route.call && pending_call(x) == kind
        })
}

/// An external call's timer fires: retry the call, or give up on it.
pub fn on_external_timeout(
    node: &mut Node,
    cx: &Cx,
    slot: u16,
    exec: u32,
    kind: CallKind,
    call: u8,
    out: &mut impl Effects,
) {
    // Slots are reused and one execution makes several calls: the timer belongs to the
    // call in flight only if execution, call kind and call number all match.
    let Some(x) = execution(node.replica, slot) else {
        return;
    };
    if x.id != exec || !x.waiting || x.call != call || pending_call(x) != kind {
        return;
    }
    let peer = match kind {
        CallKind::Charge => Actor::Provider,
        CallKind::Email => Actor::Email,
    };
    let detail = Detail::ExternalTimeout { call, outbox: None };
    let event = out.event(node.actor(), peer, x.op, x.attempt, detail);
    let Some(mut x) = node.replica.slots[slot as usize].take() else {
        return;
    };
    if RetryPolicy::external_call(cx.scenario())
        .next(cx.seed(), x.op, call)
        .is_some()
    {
        out.fact(Fact::ExternalCallRetried { exec, event });
        x.call += 1;
        external_call(node, cx, slot, &mut x, kind, out);
        node.replica.slots[slot as usize] = Some(x);
    } else {
        x.waiting = false;
        if kind == CallKind::Charge {
            x.status = 502;
            x.pc = respond_pc(&x);
        } else {
            // The order stands; the email is lost. Carry on to respond.
            x.pc += 1;
        }
        node.replica.slots[slot as usize] = Some(x);
        advance(node, cx, slot, out);
    }
}

fn execution(replica: &Replica, slot: u16) -> Option<&Execution> {
    replica.slots.get(slot as usize).and_then(Option::as_ref)
}

/// The external call an execution waits for, from the step it is at.
fn pending_call(x: &Execution) -> CallKind {
    if x.plan[x.pc] == Step::ChargeCard {
        CallKind::Charge
    } else {
        CallKind::Email
    }
}

/// Run an execution's steps until one takes time, waits for a reply, or ends it.
fn advance(node: &mut Node, cx: &Cx, slot: u16, out: &mut impl Effects) {
    let Some(mut x) = node
        .replica
        .slots
        .get_mut(slot as usize)
        .and_then(Option::take)
    else {
        return;
    };
    loop {
        let step = x.plan[x.pc];
        let (pc, cost) = match steps::run(node, cx, slot, &mut x, step, out) {
            StepResult::Next(cost) => (x.pc + 1, cost),
            StepResult::Goto(pc, cost) => (pc, cost),
            StepResult::Wait => break,
            StepResult::Finished => {
                node.replica.release(slot);
                return;
            }
            StepResult::Crashed => return,
        };
        x.pc = pc;
        if cost > 0 {
            out.after(
                cost,
                Event::Resume {
                    replica: node.index,
                    slot,
                    exec: x.id,
                    op: x.op,
                },
            );
            break;
        }
    }
    node.replica.slots[slot as usize] = Some(x);
}
