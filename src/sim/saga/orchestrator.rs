//! The orchestrator: runs reserve stock → charge → ship for each order, one request at a
//! time per saga, with a timeout and bounded re-sends; on a failure at or before the pivot
//! it compensates the completed steps in reverse order (refund, then release); after the
//! pivot it retries until the step passes or it gives up (the saga is then stuck).
//!
//! Its saga log is durable: each attempt is written before it is sent, each reply's
//! outcome when it is recorded. [`Saga`] is that log's state for one order, except
//! `in_flight`, which a crash forgets (see `recovery.rs`).

use crate::sim::config::SagaCrashPoint as C;
use crate::sim::trace::{Actor, DropReason, SagaAction, SagaDetail as S, SagaRecord as R};
use crate::sim::workload::operation;

use super::events::{service, Answer, Body, Envelope, Event, Request};
use super::faults::Direction;
use super::keys::step_key;
use super::oracle::{Fact, Why};
use super::out::Out;
use super::recovery;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The order has not arrived yet (or arrived while the orchestrator was down).
    NotStarted,
    Running,
    Completed,
    Compensated,
    Stuck,
}

/// One order's saga, as its log holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saga {
    pub phase: Phase,
    /// The step or compensation under way, and its attempts so far.
    pub action: SagaAction,
    pub attempt: u8,
    pub compensating: bool,
    /// Per step (reserve, charge, ship): done, given up on (outcome unknown), undone by
    /// its compensation, and the id its reply named.
    pub done: [bool; 3],
    pub unknown: [bool; 3],
    pub undone: [bool; 3],
    pub ids: [Option<u32>; 3],
    /// Why the next send is a re-send.
    pub next_why: Why,
    /// A request of `action` is outstanding (not durable: a crash forgets it).
    pub in_flight: bool,
}

impl Saga {
    fn new() -> Self {
        Saga {
            phase: Phase::NotStarted,
            action: SagaAction::Reserve,
            attempt: 0,
            compensating: false,
            done: [false; 3],
            unknown: [false; 3],
            undone: [false; 3],
            ids: [None; 3],
            next_why: Why::First,
            in_flight: false,
        }
    }
}

pub struct Orchestrator {
    pub up: bool,
    pub incarnation: u32,
    pub sagas: Vec<Saga>,
    /// Orders that arrived while it was down, started when it recovers.
    pub pending: Vec<u32>,
}

impl Orchestrator {
    pub fn new(orders: u32) -> Self {
        Orchestrator {
            up: true,
            incarnation: 0,
            sagas: vec![Saga::new(); orders as usize],
            pending: Vec::new(),
        }
    }
}

/// Index of the step an action is or undoes: 0 reserve, 1 charge, 2 ship.
pub fn step_index(action: SagaAction) -> usize {
    match action.undoes().unwrap_or(action) {
        SagaAction::Reserve => 0,
        SagaAction::Charge => 1,
        _ => 2,
    }
}

const STEPS: [SagaAction; 3] = [SagaAction::Reserve, SagaAction::Charge, SagaAction::Ship];

fn log(out: &mut Out, op: u32, action: SagaAction, record: R, attempt: u8) -> u32 {
    let detail = S::Log {
        action,
        record,
        attempt,
    };
    out.saga(Actor::Orchestrator, Actor::Nobody, op, attempt, detail)
}

/// Order `op` arrives.
pub fn on_start(o: &mut Orchestrator, op: u32, out: &mut Out) {
    if !o.up {
        o.pending.push(op);
        return;
    }
    start(o, op, out);
}

pub fn start(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let saga = &mut o.sagas[op as usize];
    saga.phase = Phase::Running;
    saga.action = SagaAction::Reserve;
    let event = log(out, op, SagaAction::Reserve, R::Started, 0);
    out.fact(op, Fact::Started, event);
    send(o, op, out);
}

fn budget(out: &Out, saga: &Saga) -> u8 {
    let s = &out.scenario.saga;
    let max = if saga.compensating {
        s.compensation_max_attempts
    } else {
        s.max_attempts
    };
    max.min(u8::MAX as u32) as u8
}

/// Send the next attempt of the saga's action, or give up if none is left.
pub fn send_or_give_up(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let saga = &o.sagas[op as usize];
    if saga.attempt >= budget(out, saga) {
        give_up(o, op, out);
    } else {
        send(o, op, out);
    }
}

fn send(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let keys = out.scenario.protections.saga_step_keys;
    let saga = &mut o.sagas[op as usize];
    saga.attempt = saga.attempt.saturating_add(1);
    let (action, attempt, why) = (saga.action, saga.attempt, saga.next_why);
    log(out, op, action, R::Sent, attempt);
    let target = action.undoes();
    let request = Request {
        action,
        attempt,
        key: keys.then(|| step_key(op, action)),
        target_id: target.and_then(|step| saga.ids[step_index(step)]),
        target_key: target.filter(|_| keys).map(|step| step_key(op, step)),
        amount: operation(out.scenario, op).kind.amount(),
    };
    let to = service(action);
    let body = Body::Request(request);
    let event = out.send(
        Actor::Orchestrator,
        to,
        op,
        action,
        attempt,
        Direction::Request,
        body,
    );
    out.fact(
        op,
        Fact::Sent {
            action,
            attempt,
            why,
        },
        event,
    );
    saga.in_flight = true;
    let incarnation = o.incarnation;
    out.after(
        out.scenario.saga.step_timeout_us,
        Event::StepTimeout {
            op,
            action,
            attempt,
            incarnation,
        },
    );
    if out.crashes(op, action, attempt, C::AfterSend) {
        recovery::crash(o, op, attempt, C::AfterSend, out);
    }
}

/// A reply from a service.
pub fn on_reply(o: &mut Orchestrator, envelope: &Envelope, out: &mut Out) {
    let Body::Reply {
        action,
        attempt,
        answer,
    } = envelope.body
    else {
        return;
    };
    let op = envelope.op;
    if !o.up {
        let event = out.dropped(envelope, attempt, DropReason::ReplicaDown);
        out.fact(op, Fact::ReplyWhileDown { action, attempt }, event);
        return;
    }
    let saga = &o.sagas[op as usize];
    if saga.phase != Phase::Running || saga.action != action || !saga.in_flight {
        out.late(envelope, attempt);
        return;
    }
    out.delivered(envelope, attempt);
    if out.crashes(op, action, attempt, C::AfterReplyBeforeLog) {
        recovery::crash(o, op, attempt, C::AfterReplyBeforeLog, out);
        return;
    }
    o.sagas[op as usize].in_flight = false;
    match answer {
        Answer::Refused | Answer::Cancelled => refused(o, op, attempt, out),
        Answer::Done(_) | Answer::Nothing | Answer::Voided => {
            let id = match answer {
                Answer::Done(id) => Some(id),
                _ => None,
            };
            record_done(o, op, attempt, id, out)
        }
    }
}

/// The action is done: change the order's state and record the step in the log — one
/// transaction with the atomic log, two without (a crash between them is a window).
fn record_done(o: &mut Orchestrator, op: u32, attempt: u8, id: Option<u32>, out: &mut Out) {
    let action = o.sagas[op as usize].action;
    out.saga(
        Actor::Orchestrator,
        Actor::Nobody,
        op,
        attempt,
        S::OrderState { action },
    );
    let point = C::BetweenStateAndLog;
    if !out.scenario.protections.saga_atomic_log && out.crashes(op, action, attempt, point) {
        recovery::crash(o, op, attempt, point, out);
        return;
    }
    log(out, op, action, R::Done, attempt);
    let saga = &mut o.sagas[op as usize];
    let index = step_index(action);
    if action.is_compensation() {
        saga.undone[index] = true;
        next_compensation(o, op, out);
    } else {
        saga.done[index] = true;
        saga.ids[index] = id;
        match STEPS.get(index + 1) {
            Some(&next) => {
                begin(saga, next);
                send(o, op, out);
            }
            None => {
                saga.phase = Phase::Completed;
                let event = log(out, op, action, R::Completed, attempt);
                out.fact(op, Fact::Completed, event);
            }
        }
    }
}

fn begin(saga: &mut Saga, action: SagaAction) {
    saga.action = action;
    saga.attempt = 0;
    saga.next_why = Why::First;
}

/// A business refusal: at or before the pivot the saga fails and compensates; after it
/// the step is tried again.
fn refused(o: &mut Orchestrator, op: u32, attempt: u8, out: &mut Out) {
    let saga = &mut o.sagas[op as usize];
    let action = saga.action;
    let event = log(out, op, action, R::Failed, attempt);
    if step_index(action) <= out.scenario.saga.pivot as usize {
        out.fact(
            op,
            Fact::Failed {
                action,
                gave_up: false,
            },
            event,
        );
        begin_compensation(o, op, out);
    } else {
        saga.next_why = Why::AfterRefusal;
        retry_later(o, op, out);
    }
}

fn retry_later(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let saga = &o.sagas[op as usize];
    if saga.attempt >= budget(out, saga) {
        give_up(o, op, out);
        return;
    }
    let incarnation = o.incarnation;
    out.after(
        out.scenario.saga.retry_backoff_us,
        Event::Resend { op, incarnation },
    );
}

/// No reply in time.
pub fn on_timeout(o: &mut Orchestrator, op: u32, action: SagaAction, attempt: u8, out: &mut Out) {
    let saga = &mut o.sagas[op as usize];
    if saga.phase != Phase::Running
        || saga.action != action
        || saga.attempt != attempt
        || !saga.in_flight
    {
        return;
    }
    saga.in_flight = false;
    saga.next_why = Why::AfterTimeout;
    let detail = S::Timeout { action, attempt };
    let event = out.saga(Actor::Orchestrator, service(action), op, attempt, detail);
    out.fact(op, Fact::TimedOut { action, attempt }, event);
    retry_later(o, op, out);
}

/// The backoff is over: send again.
pub fn on_resend(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let saga = &o.sagas[op as usize];
    if saga.phase == Phase::Running && !saga.in_flight {
        send_or_give_up(o, op, out);
    }
}

/// The last attempt went unanswered (or was refused after the pivot). A step at or before
/// the pivot that can be undone may have happened: it is compensated too. Otherwise —
/// a shipment cannot be called back, a step after the pivot must not be undone, a
/// compensation that never answers — the saga is stuck.
fn give_up(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let saga = &mut o.sagas[op as usize];
    let (action, attempt) = (saga.action, saga.attempt);
    let event = log(out, op, action, R::GaveUp, attempt);
    let index = step_index(action);
    let pivot = out.scenario.saga.pivot as usize;
    if !saga.compensating && index <= pivot && action.compensation().is_some() {
        saga.unknown[index] = true;
        out.fact(
            op,
            Fact::Failed {
                action,
                gave_up: true,
            },
            event,
        );
        begin_compensation(o, op, out);
    } else {
        saga.phase = Phase::Stuck;
        let event = log(out, op, action, R::Stuck, attempt);
        out.fact(op, Fact::Stuck { action }, event);
    }
}

fn begin_compensation(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let saga = &mut o.sagas[op as usize];
    saga.compensating = true;
    log(out, op, saga.action, R::Compensating, saga.attempt);
    next_compensation(o, op, out);
}

/// Undo the latest step done (or given up on) that is not undone yet; when none is left,
/// the saga is compensated.
fn next_compensation(o: &mut Orchestrator, op: u32, out: &mut Out) {
    let saga = &mut o.sagas[op as usize];
    let next = [1, 0]
        .into_iter()
        .find(|&i| (saga.done[i] || saga.unknown[i]) && !saga.undone[i]);
    match next.and_then(|i| STEPS[i].compensation()) {
        Some(compensation) => {
            begin(saga, compensation);
            send(o, op, out);
        }
        None => {
            saga.phase = Phase::Compensated;
            let event = log(out, op, saga.action, R::Compensated, saga.attempt);
            out.fact(op, Fact::Compensated, event);
        }
    }
}
