//! A service of the saga: the inventory (reserve, release), the payment provider
//! (charge, refund) or the shipping service (ship). Each carries out what it is asked —
//! immediately, or after holding a slow request — and keeps the log that is the ground
//! truth: the reservations, the charges with their refunds, the shipments.
//!
//! Without keys a service carries out every request it receives. A compensation names
//! what it undoes when the orchestrator was told of it (a reservation or charge id). The
//! provider's refund of a charge is a credit of its amount on every call (our
//! simplification: Stripe refuses to refund more than a charge's amount; a provider whose
//! refund is a payout does not), which is how a refund retried after a lost reply refunds
//! twice. When the orchestrator was never told (the step's reply never came), a release
//! frees the order's latest standing reservation, or finds nothing; a refund can only ask
//! for the order's amount back, which the provider credits whether or not it charged the
//! order (a refund without a charge when the charge never happened, or a credit before
//! the charge that is still on its way). With keys a service answers a key it saw with its
//! stored answer, and a compensation finds its step by the step's key (see `keys.rs`).

use crate::sim::config::SagaStep;
use crate::sim::trace::{Actor, SagaAction, SagaDetail as S};

use super::events::{Answer, Body, Envelope, Request};
use super::faults::{self, Direction};
use super::keys::KeyMemory;
use super::oracle::Fact;
use super::out::Out;

/// One thing a service made: a reservation, a charge or a shipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub op: u32,
    /// Times it was released or refunded.
    pub undone: u8,
}

pub struct Service {
    pub actor: Actor,
    pub items: Vec<Item>,
    /// Per order: items made, and undo operations carried out (releases, refunds).
    pub made: Vec<u8>,
    pub undone: Vec<u8>,
    keys: KeyMemory,
}

impl Service {
    pub fn new(actor: Actor, orders: u32) -> Self {
        Service {
            actor,
            items: Vec::new(),
            made: vec![0; orders as usize],
            undone: vec![0; orders as usize],
            keys: KeyMemory::default(),
        }
    }

    pub fn undone_total(&self) -> u64 {
        self.undone.iter().map(|&n| n as u64).sum()
    }
}

/// A request arrived: carry it out now, or hold it if the service is slow this time.
pub fn on_request(service: &mut Service, envelope: &Envelope, out: &mut Out) {
    let Body::Request(r) = envelope.body else {
        return;
    };
    out.delivered(envelope, r.attempt);
    if let Some(fault) = faults::held(out.scenario, envelope.op, r.action, r.attempt) {
        let detail = S::Held {
            action: r.action,
            attempt: r.attempt,
        };
        let event = out.saga(service.actor, envelope.from, envelope.op, r.attempt, detail);
        out.fault(fault, envelope.op, r.attempt, event);
        out.fact(
            envelope.op,
            Fact::Held {
                action: r.action,
                attempt: r.attempt,
            },
            event,
        );
        let held = out.scenario.saga.slow_us;
        out.after(held, super::events::Event::CarryOut(*envelope));
    } else {
        carry_out(service, envelope, out);
    }
}

/// Carry out a request and reply.
pub fn carry_out(service: &mut Service, envelope: &Envelope, out: &mut Out) {
    let Body::Request(r) = envelope.body else {
        return;
    };
    let answer = match r.action.undoes() {
        Some(_) => compensate(service, envelope.op, &r, envelope.from, out),
        None => perform(service, envelope.op, &r, envelope.from, out),
    };
    let body = Body::Reply {
        action: r.action,
        attempt: r.attempt,
        answer,
    };
    out.send(
        service.actor,
        envelope.from,
        envelope.op,
        r.action,
        r.attempt,
        Direction::Reply,
        body,
    );
}

fn step_of(action: SagaAction) -> SagaStep {
    match action {
        SagaAction::Reserve => SagaStep::Reserve,
        SagaAction::Charge => SagaStep::Charge,
        _ => SagaStep::Ship,
    }
}

fn perform(service: &mut Service, op: u32, r: &Request, peer: Actor, out: &mut Out) -> Answer {
    let (action, attempt) = (r.action, r.attempt);
    if let Some(key) = r.key {
        if let Some(answer) = service.keys.answer(key) {
            let id = match answer {
                Answer::Done(id) => id,
                _ => u32::MAX,
            };
            let event = out.saga(
                service.actor,
                peer,
                op,
                attempt,
                S::Deduplicated { action, id },
            );
            out.fact(op, Fact::Deduplicated { action, attempt }, event);
            return answer;
        }
        if service.keys.voided(key) {
            let event = out.saga(
                service.actor,
                peer,
                op,
                attempt,
                S::VoidedRefused { action },
            );
            out.fact(op, Fact::VoidedRefused { action, attempt }, event);
            return Answer::Cancelled;
        }
    }
    if faults::refused(out.scenario, op, step_of(action), attempt) {
        let event = out.saga(service.actor, peer, op, attempt, S::Refused { action });
        out.fact(op, Fact::Refused { action, attempt }, event);
        return Answer::Refused;
    }
    let id = service.items.len() as u32;
    service.items.push(Item { op, undone: 0 });
    let made = &mut service.made[op as usize];
    *made = made.saturating_add(1);
    if let Some(key) = r.key {
        service.keys.remember(key, Answer::Done(id));
    }
    let event = out.saga(service.actor, peer, op, attempt, S::Executed { action, id });
    out.fact(
        op,
        Fact::Executed {
            action,
            attempt,
            id,
            keyed: r.key.is_some(),
        },
        event,
    );
    Answer::Done(id)
}

fn compensate(service: &mut Service, op: u32, r: &Request, peer: Actor, out: &mut Out) -> Answer {
    let (action, attempt) = (r.action, r.attempt);
    if let Some(key) = r.key {
        if let Some(answer) = service.keys.answer(key) {
            let id = match answer {
                Answer::Done(id) => id,
                _ => u32::MAX,
            };
            let event = out.saga(
                service.actor,
                peer,
                op,
                attempt,
                S::Deduplicated { action, id },
            );
            out.fact(op, Fact::Deduplicated { action, attempt }, event);
            return answer;
        }
    }
    let answer = match (r.target_key, r.target_id) {
        (Some(step_key), _) => match service.keys.answer(step_key) {
            Some(Answer::Done(id)) => undo(service, id, op, r, peer, out),
            Some(_) => nothing(service, op, r, peer, out),
            None => {
                service.keys.void(step_key);
                let event = out.saga(service.actor, peer, op, attempt, S::Voided { action });
                out.fact(op, Fact::Voided { action, attempt }, event);
                Answer::Voided
            }
        },
        (None, Some(id)) if (id as usize) < service.items.len() => {
            undo(service, id, op, r, peer, out)
        }
        _ if r.action == SagaAction::Refund => credit(service, op, r, peer, out),
        _ => {
            // By the order: its latest reservation that stands.
            let standing = service
                .items
                .iter()
                .rposition(|item| item.op == op && item.undone == 0);
            match standing {
                Some(id) => undo(service, id as u32, op, r, peer, out),
                None => nothing(service, op, r, peer, out),
            }
        }
    };
    if let Some(key) = r.key {
        service.keys.remember(key, answer);
    }
    answer
}

/// Release reservation `id` (once: a released one stays released) or refund charge `id`
/// (a credit on every call).
fn undo(
    service: &mut Service,
    id: u32,
    op: u32,
    r: &Request,
    peer: Actor,
    out: &mut Out,
) -> Answer {
    let item = &mut service.items[id as usize];
    if r.action == SagaAction::Release && item.undone > 0 {
        return nothing(service, op, r, peer, out);
    }
    item.undone = item.undone.saturating_add(1);
    let owner = item.op as usize;
    let undone = &mut service.undone[owner];
    *undone = undone.saturating_add(1);
    let action = r.action;
    let event = out.saga(
        service.actor,
        peer,
        op,
        r.attempt,
        S::Executed { action, id },
    );
    out.fact(
        op,
        Fact::Executed {
            action,
            attempt: r.attempt,
            id,
            keyed: r.key.is_some(),
        },
        event,
    );
    Answer::Done(id)
}

/// A refund naming no charge: the order's amount credited back.
fn credit(service: &mut Service, op: u32, r: &Request, peer: Actor, out: &mut Out) -> Answer {
    let undone = &mut service.undone[op as usize];
    *undone = undone.saturating_add(1);
    let amount = r.amount.clamp(0, u32::MAX as i64) as u32;
    let event = out.saga(service.actor, peer, op, r.attempt, S::Credited { amount });
    out.fact(
        op,
        Fact::Executed {
            action: SagaAction::Refund,
            attempt: r.attempt,
            id: u32::MAX,
            keyed: false,
        },
        event,
    );
    Answer::Nothing
}

fn nothing(service: &mut Service, op: u32, r: &Request, peer: Actor, out: &mut Out) -> Answer {
    let action = r.action;
    let event = out.saga(
        service.actor,
        peer,
        op,
        r.attempt,
        S::NothingToUndo { action },
    );
    out.fact(
        op,
        Fact::NothingToUndo {
            action,
            attempt: r.attempt,
        },
        event,
    );
    Answer::Nothing
}
