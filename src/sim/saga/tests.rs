//! Saga world tests per actor: hand-made state and message, asserting what was written
//! (the trace events, the queued arrivals and timers) and the state left behind.

use crate::sim::config::{SagaCrashPoint, SagaStep, Scenario, Workload};
use crate::sim::trace::{Actor, Detail, SagaAction, SagaDetail, SagaRecord};

use super::events::{Answer, Body, Envelope, Event, Request};
use super::keys::step_key;
use super::orchestrator::{self, Orchestrator, Phase};
use super::out::{Out, Sinks};
use super::recovery;
use super::service::{self, Service};

fn scenario(keys: bool) -> Scenario {
    let mut s = Scenario {
        workload: Workload::Saga,
        operations: 4,
        ..Scenario::default()
    };
    s.protections.saga_step_keys = keys;
    s
}

fn request(
    action: SagaAction,
    attempt: u8,
    key: Option<u64>,
    target_id: Option<u32>,
    target_key: Option<u64>,
) -> Envelope {
    let (kind, _) = super::events::message_kinds(action);
    Envelope {
        id: 0,
        from: Actor::Orchestrator,
        to: super::events::service(action),
        kind,
        op: 1,
        body: Body::Request(Request {
            action,
            attempt,
            key,
            target_id,
            target_key,
            amount: 1_500,
        }),
    }
}

/// The saga details written, in order.
fn details(sinks: &Sinks) -> Vec<SagaDetail> {
    sinks
        .trace
        .events
        .iter()
        .filter_map(|e| match e.detail {
            Detail::Saga(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// The messages queued (arriving or lost), in the order they were sent.
fn sent(sinks: &mut Sinks) -> Vec<Envelope> {
    let mut found = Vec::new();
    while let Some((_, event)) = sinks.queue.pop() {
        if let Event::Arrive(envelope) | Event::Lost(envelope) = event {
            found.push(envelope);
        }
    }
    found.sort_by_key(|e| e.id);
    found
}

/// The answers of the replies sent, in order.
fn answers(sinks: &mut Sinks) -> Vec<Answer> {
    sent(sinks)
        .into_iter()
        .filter_map(|e| match e.body {
            Body::Reply { answer, .. } => Some(answer),
            Body::Request(_) => None,
        })
        .collect()
}

/// The requests sent to services: (action, attempt, key).
fn requests(sinks: &mut Sinks) -> Vec<(SagaAction, u8, Option<u64>)> {
    sent(sinks)
        .into_iter()
        .filter_map(|e| match e.body {
            Body::Request(r) => Some((r.action, r.attempt, r.key)),
            Body::Reply { .. } => None,
        })
        .collect()
}

#[test]
fn without_keys_a_refund_sent_twice_refunds_twice() {
    let s = scenario(false);
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut provider = Service::new(Actor::Provider, 4);
    service::carry_out(
        &mut provider,
        &request(SagaAction::Charge, 1, None, None, None),
        &mut out,
    );
    for attempt in 1..=2 {
        let refund = request(SagaAction::Refund, attempt, None, Some(0), None);
        service::carry_out(&mut provider, &refund, &mut out);
    }
    assert_eq!((provider.made[1], provider.undone[1]), (1, 2));
    assert_eq!(
        answers(&mut sinks),
        [Answer::Done(0), Answer::Done(0), Answer::Done(0)]
    );
}

#[test]
fn with_keys_the_second_refund_gets_the_stored_answer() {
    let s = scenario(true);
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut provider = Service::new(Actor::Provider, 4);
    let charge_key = step_key(1, SagaAction::Charge);
    let refund_key = step_key(1, SagaAction::Refund);
    let charge = request(SagaAction::Charge, 1, Some(charge_key), None, None);
    service::carry_out(&mut provider, &charge, &mut out);
    service::carry_out(&mut provider, &charge, &mut out);
    for attempt in 1..=2 {
        let refund = request(
            SagaAction::Refund,
            attempt,
            Some(refund_key),
            None,
            Some(charge_key),
        );
        service::carry_out(&mut provider, &refund, &mut out);
    }
    assert_eq!((provider.made[1], provider.undone[1]), (1, 1));
    assert_eq!(
        details(&sinks),
        [
            SagaDetail::Executed {
                action: SagaAction::Charge,
                id: 0
            },
            SagaDetail::Deduplicated {
                action: SagaAction::Charge,
                id: 0
            },
            SagaDetail::Executed {
                action: SagaAction::Refund,
                id: 0
            },
            SagaDetail::Deduplicated {
                action: SagaAction::Refund,
                id: 0
            },
        ]
    );
}

#[test]
fn a_refund_that_overtakes_its_charge_voids_the_charge_key() {
    let s = scenario(true);
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut provider = Service::new(Actor::Provider, 4);
    let charge_key = step_key(1, SagaAction::Charge);
    let refund = request(
        SagaAction::Refund,
        1,
        Some(step_key(1, SagaAction::Refund)),
        None,
        Some(charge_key),
    );
    service::carry_out(&mut provider, &refund, &mut out);
    service::carry_out(
        &mut provider,
        &request(SagaAction::Charge, 1, Some(charge_key), None, None),
        &mut out,
    );
    assert_eq!((provider.made[1], provider.undone[1]), (0, 0));
    assert_eq!(answers(&mut sinks), [Answer::Voided, Answer::Cancelled]);

    // Without keys the release finds nothing, and the reservation that follows stands.
    let s = scenario(false);
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut inventory = Service::new(Actor::Inventory, 4);
    service::carry_out(
        &mut inventory,
        &request(SagaAction::Release, 1, None, None, None),
        &mut out,
    );
    service::carry_out(
        &mut inventory,
        &request(SagaAction::Reserve, 1, None, None, None),
        &mut out,
    );
    assert_eq!((inventory.made[1], inventory.undone[1]), (1, 0));
    assert_eq!(answers(&mut sinks), [Answer::Nothing, Answer::Done(0)]);
}

/// Run order 1's saga by hand: start it, then answer each request as told.
fn reply(o: &mut Orchestrator, action: SagaAction, attempt: u8, answer: Answer, out: &mut Out) {
    let (_, kind) = super::events::message_kinds(action);
    let envelope = Envelope {
        id: 0,
        from: super::events::service(action),
        to: Actor::Orchestrator,
        kind,
        op: 1,
        body: Body::Reply {
            action,
            attempt,
            answer,
        },
    };
    orchestrator::on_reply(o, &envelope, out);
}

#[test]
fn a_refusal_at_the_pivot_compensates_in_reverse_order() {
    let mut s = scenario(false);
    s.saga.pivot = SagaStep::Ship;
    let mut sinks = Sinks::new(&s);
    let mut o = Orchestrator::new(4);
    {
        let mut out = Out {
            now: 0,
            scenario: &s,
            sinks: &mut sinks,
        };
        orchestrator::start(&mut o, 1, &mut out);
        reply(&mut o, SagaAction::Reserve, 1, Answer::Done(7), &mut out);
        reply(&mut o, SagaAction::Charge, 1, Answer::Done(3), &mut out);
        reply(&mut o, SagaAction::Ship, 1, Answer::Refused, &mut out);
        reply(&mut o, SagaAction::Refund, 1, Answer::Done(3), &mut out);
        reply(&mut o, SagaAction::Release, 1, Answer::Done(7), &mut out);
    }
    assert_eq!(o.sagas[1].phase, Phase::Compensated);
    let sent: Vec<_> = requests(&mut sinks).into_iter().map(|r| r.0).collect();
    assert_eq!(
        sent,
        [
            SagaAction::Reserve,
            SagaAction::Charge,
            SagaAction::Ship,
            SagaAction::Refund,
            SagaAction::Release
        ]
    );
}

#[test]
fn a_refusal_after_the_pivot_is_sent_again_and_never_compensated() {
    let mut s = scenario(false);
    s.saga.pivot = SagaStep::Charge;
    let mut sinks = Sinks::new(&s);
    let mut o = Orchestrator::new(4);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    orchestrator::start(&mut o, 1, &mut out);
    reply(&mut o, SagaAction::Reserve, 1, Answer::Done(0), &mut out);
    reply(&mut o, SagaAction::Charge, 1, Answer::Done(0), &mut out);
    reply(&mut o, SagaAction::Ship, 1, Answer::Refused, &mut out);
    orchestrator::on_resend(&mut o, 1, &mut out);
    reply(&mut o, SagaAction::Ship, 2, Answer::Done(0), &mut out);
    assert_eq!(o.sagas[1].phase, Phase::Completed);
    assert!(!o.sagas[1].compensating);
}

#[test]
fn recovery_sends_the_step_in_flight_again_under_the_same_key() {
    let s = scenario(true);
    let mut sinks = Sinks::new(&s);
    let mut o = Orchestrator::new(4);
    {
        let mut out = Out {
            now: 0,
            scenario: &s,
            sinks: &mut sinks,
        };
        orchestrator::start(&mut o, 1, &mut out);
        reply(&mut o, SagaAction::Reserve, 1, Answer::Done(0), &mut out);
        recovery::crash(&mut o, 1, 1, SagaCrashPoint::AfterSend, &mut out);
        // A reply that arrives while it is down is dropped.
        reply(&mut o, SagaAction::Charge, 1, Answer::Done(0), &mut out);
        assert_eq!(o.sagas[1].phase, Phase::Running);
        recovery::recover(&mut o, &mut out);
    }
    let key = Some(step_key(1, SagaAction::Charge));
    let sent = requests(&mut sinks);
    assert_eq!(
        sent,
        [
            (
                SagaAction::Reserve,
                1,
                Some(step_key(1, SagaAction::Reserve))
            ),
            (SagaAction::Charge, 1, key),
            (SagaAction::Charge, 2, key),
        ]
    );
    let logged: Vec<_> = details(&sinks)
        .into_iter()
        .filter_map(|d| match d {
            SagaDetail::Log {
                record: SagaRecord::Sent,
                action,
                attempt,
            } => Some((action, attempt)),
            _ => None,
        })
        .collect();
    assert_eq!(
        logged.last(),
        Some(&(SagaAction::Charge, 2)),
        "written ahead"
    );
}
