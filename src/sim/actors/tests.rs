//! One test (at least) per actor: a handler driven with a hand-made state and message,
//! asserting the effects it writes.

use super::balancer::{self, Balancer};
use super::client::{self, Clients};
use super::email::EmailService;
use super::external;
use super::network;
use super::provider::PaymentProvider;
use super::relay::{self, Relay};
use super::replica::{self, Replica};
use crate::sim::config::{BalancerPolicy, KeyPolicy, Scenario, Workload};
use crate::sim::effects::{Cost, Effect, BALANCER_HOP_US};
use crate::sim::events::{Body, CallKind, Event, Message, Route, RELAY_ROUTE};
use crate::sim::oracle::{Fact, Fault};
use crate::sim::testkit::{facts, fresh_out, sends, timers, traces, Bench};
use crate::sim::trace::{Actor, Detail, DropReason, MessageKind, Outcome};

fn request(op: u32, attempt: u8, to: Actor) -> Message {
    Message {
        id: 40,
        from: Actor::Client(0),
        to,
        copy: 0,
        kind: MessageKind::Request,
        body: Body::Request {
            op,
            attempt,
            read_back: false,
            if_match: 0,
        },
    }
}

fn response(op: u32, attempt: u8, status: u16) -> Message {
    Message {
        id: 41,
        from: Actor::Replica(0),
        to: Actor::Client(0),
        copy: 0,
        kind: MessageKind::Response,
        body: Body::Response {
            op,
            attempt,
            status,
            replayed: false,
            already_exists: false,
            body_op: op,
            version: 0,
            key_event: u32::MAX,
        },
    }
}

fn call(to: Actor, route: Route, key: Option<u64>) -> Message {
    Message {
        id: 50,
        from: Actor::Replica(0),
        to,
        copy: 0,
        kind: MessageKind::ChargeCall,
        body: Body::Call {
            route,
            op: 0,
            key,
            amount: 700,
        },
    }
}

fn route() -> Route {
    Route {
        replica: 0,
        slot: 0,
        generation: 0,
        call: 1,
        exec: 0,
        execution: 1 << 8,
        outbox: 0,
    }
}

#[test]
fn a_client_starts_an_operation_sends_attempt_1_and_arms_its_timeout() {
    let bench = Bench::new(Scenario::default());
    let mut clients = Clients::new(2, bench.ops.len() as u32, true);
    let mut out = fresh_out();
    client::on_begin(&mut clients, &bench.cx(10), 0, &mut out);
    assert!(matches!(traces(&out)[0], Detail::OpStart { .. }));
    let sent = sends(&out);
    assert_eq!(
        (sent[0].to, sent[0].kind),
        (Actor::Balancer, MessageKind::Request)
    );
    // The fact names the send's own trace event (the second event written).
    assert!(facts(&out).iter().any(|f| matches!(
        f,
        Fact::AttemptSent {
            op: 0,
            attempt: 1,
            event: 1,
            ..
        }
    )));
    assert!(matches!(
        timers(&out)[..],
        [(_, Event::ClientTimeout { op: 0, attempt: 1 })]
    ));
    assert_eq!(clients.results[0].start_us, 10);
    assert_eq!(clients.attempts.len(), 1);
}

#[test]
fn a_client_timeout_retries_with_backoff_and_a_late_response_is_only_recorded() {
    let mut s = Scenario::default();
    s.client.max_attempts = 2;
    s.client.jitter = false;
    s.client.key_policy = KeyPolicy::PerOperation;
    let bench = Bench::new(s);
    let mut clients = Clients::new(2, bench.ops.len() as u32, false);
    client::on_begin(&mut clients, &bench.cx(0), 0, &mut fresh_out());
    let mut out = fresh_out();
    client::on_timeout(&mut clients, &bench.cx(5), 0, 1, &mut out);
    assert!(facts(&out).iter().any(|f| matches!(
        f,
        Fact::Fault {
            fault: Fault::Timeout,
            ..
        }
    )));
    let backoff = bench.valid.scenario().client.backoff_base_us;
    assert!(matches!(
        traces(&out)[..],
        [Detail::Timeout, Detail::Retry { backoff_us }] if backoff_us == backoff
    ));
    assert!(out.effects().contains(&Effect::Cost(Cost::ClientTimeout)));
    // Attempt 1's answer arrives after the client moved on: late.
    let mut out = fresh_out();
    client::on_response(&mut clients, &bench.cx(6), 0, response(0, 1, 200), &mut out);
    assert!(matches!(
        traces(&out)[..],
        [Detail::LateResponse { status: 200, .. }]
    ));
    assert!(facts(&out).is_empty());
}

#[test]
fn a_client_ends_the_operation_on_success_and_gives_up_after_its_last_attempt() {
    let mut s = Scenario::default();
    s.client.max_attempts = 1;
    s.client.key_policy = KeyPolicy::None;
    let bench = Bench::new(s);
    let mut clients = Clients::new(2, bench.ops.len() as u32, false);
    client::on_begin(&mut clients, &bench.cx(0), 0, &mut fresh_out());
    let mut out = fresh_out();
    client::on_response(&mut clients, &bench.cx(9), 0, response(0, 1, 200), &mut out);
    assert!(matches!(
        traces(&out)[1],
        Detail::OpEnd {
            outcome: Outcome::Succeeded,
            latency_us: 9
        }
    ));
    assert_eq!(clients.outcomes.succeeded, 1);
    assert!(clients.results.is_empty(), "kept with the trace only");
    client::on_begin(&mut clients, &bench.cx(20), 0, &mut fresh_out());
    let op = bench
        .ops
        .iter()
        .find(|o| o.client == 0 && o.index > 0)
        .unwrap()
        .index;
    let mut out = fresh_out();
    client::on_response(
        &mut clients,
        &bench.cx(30),
        0,
        response(op, 1, 503),
        &mut out,
    );
    assert_eq!((clients.outcomes.failed, clients.outcomes.ended()), (1, 2));
    assert_eq!(clients.outcomes.latency.max(), 10);
    assert!(out
        .effects()
        .contains(&Effect::Cost(Cost::ClientVisibleError)));
}

#[test]
fn a_client_with_keys_gives_up_on_a_5xx_as_unknown() {
    let mut s = Scenario::default();
    s.client.max_attempts = 1;
    s.client.key_policy = KeyPolicy::PerOperation;
    let bench = Bench::new(s);
    let mut clients = Clients::new(2, bench.ops.len() as u32, false);
    client::on_begin(&mut clients, &bench.cx(0), 0, &mut fresh_out());
    let mut out = fresh_out();
    client::on_response(&mut clients, &bench.cx(9), 0, response(0, 1, 502), &mut out);
    assert_eq!(clients.outcomes.unknown, 1);
}

#[test]
fn the_balancer_forwards_to_a_live_replica_or_answers_503() {
    let bench = Bench::new(Scenario::default());
    let mut balancer = Balancer::new(BalancerPolicy::RoundRobin, 1);
    let mut down = Replica::new();
    down.up = false;
    let replicas = vec![down, Replica::new()];
    let mut out = fresh_out();
    balancer::on_request(
        &mut balancer,
        &replicas,
        &bench.cx(0),
        request(0, 1, Actor::Balancer),
        &mut out,
    );
    assert!(matches!(traces(&out)[0], Detail::Deliver { .. }));
    assert!(matches!(
        traces(&out)[1],
        Detail::Send {
            msg: 40,
            message: MessageKind::Forward,
            ..
        }
    ));
    let [(delay, Event::Arrive(forward))] = timers(&out)[..] else {
        panic!("one forward");
    };
    assert_eq!((delay, forward.to), (BALANCER_HOP_US, Actor::Replica(1)));

    let all_down = vec![replicas[0].clone()];
    let mut out = fresh_out();
    balancer::on_request(
        &mut balancer,
        &all_down,
        &bench.cx(0),
        request(0, 1, Actor::Balancer),
        &mut out,
    );
    let reply = sends(&out)[0];
    assert_eq!((reply.from, reply.value), (Actor::Balancer, 503));
}

#[test]
fn a_replica_that_is_down_drops_the_request() {
    let mut bench = Bench::new(Scenario::default());
    bench.replica.up = false;
    let (_, out) = bench.on_replica(0, |node, cx, out| {
        replica::on_request(node, cx, request(0, 1, Actor::Replica(0)), out)
    });
    assert!(matches!(
        traces(&out)[..],
        [Detail::Drop {
            reason: DropReason::ReplicaDown,
            ..
        }]
    ));
    assert!(facts(&out).iter().any(|f| matches!(
        f,
        Fact::Fault {
            fault: Fault::ReplicaDown,
            ..
        }
    )));
}

#[test]
fn a_replica_admits_a_request_and_runs_it_until_a_step_takes_time() {
    let mut bench = Bench::new(Scenario::default());
    let (_, out) = bench.on_replica(0, |node, cx, out| {
        replica::on_request(node, cx, request(0, 1, Actor::Replica(0)), out)
    });
    assert_eq!(bench.next_exec, 1);
    assert!(facts(&out).contains(&Fact::ExecutionStarted {
        exec: 0,
        op: 0,
        attempt: 1,
        copy: 0,
        replica: 0,
        event: 0
    }));
    // Payment without protections: key check and crash point pass at once; compute takes time.
    assert!(matches!(traces(&out)[1], Detail::Step { .. }));
    assert!(matches!(
        timers(&out)[..],
        [(
            _,
            Event::Resume {
                replica: 0,
                slot: 0,
                exec: 0,
                op: 0
            }
        )]
    ));
    assert_eq!(bench.replica.slots[0].as_ref().unwrap().pc, 3);
}

#[test]
fn a_replica_retries_a_timed_out_call_and_treats_an_old_reply_as_late() {
    let mut bench = Bench::new(Scenario::default());
    bench.on_replica(0, |node, cx, out| {
        replica::on_request(node, cx, request(0, 1, Actor::Replica(0)), out)
    });
    // Compute done: the charge call goes out.
    let (_, out) = bench.on_replica(20_000, |node, cx, out| {
        replica::on_resume(node, cx, 0, 0, out)
    });
    assert_eq!(sends(&out)[0].kind, MessageKind::ChargeCall);
    let (_, out) = bench.on_replica(170_000, |node, cx, out| {
        replica::on_external_timeout(node, cx, 0, 0, CallKind::Charge, 1, out)
    });
    assert!(matches!(
        traces(&out)[0],
        Detail::ExternalTimeout {
            call: 1,
            outbox: None
        }
    ));
    assert!(facts(&out).contains(&Fact::ExternalCallRetried { exec: 0, event: 0 }));
    assert_eq!(sends(&out).len(), 1, "call 2 goes out");
    let reply = Message {
        id: 60,
        from: Actor::Provider,
        to: Actor::Replica(0),
        copy: 0,
        kind: MessageKind::ChargeReply,
        body: Body::Reply {
            kind: CallKind::Charge,
            route: route(),
            op: 0,
            id: 3,
            fresh: true,
        },
    };
    let (_, out) = bench.on_replica(171_000, |node, cx, out| {
        replica::on_reply(node, cx, reply, out)
    });
    assert!(
        matches!(traces(&out)[..], [Detail::LateResponse { .. }]),
        "call 1's reply is stale"
    );
}

#[test]
fn the_provider_charges_once_per_key_and_replies() {
    let bench = Bench::new(Scenario::default());
    let mut provider = PaymentProvider::new(true);
    let mut email = EmailService::default();
    let mut out = fresh_out();
    let message = call(Actor::Provider, route(), Some(77));
    external::on_call(&mut provider, &mut email, &bench.cx(0), message, &mut out);
    assert!(matches!(
        traces(&out)[1],
        Detail::Charge {
            charge: 0,
            amount: 700
        }
    ));
    assert!(facts(&out).contains(&Fact::Charged {
        exec: 0,
        op: 0,
        charge: 0,
        event: 1
    }));
    assert_eq!(sends(&out)[0].kind, MessageKind::ChargeReply);
    let mut out = fresh_out();
    external::on_call(&mut provider, &mut email, &bench.cx(1), message, &mut out);
    assert!(matches!(
        traces(&out)[1],
        Detail::ChargeDeduplicated { charge: 0, .. }
    ));
    assert!(facts(&out).is_empty());
    assert_eq!(provider.totals(), (1, 0));
}

#[test]
fn the_email_service_sends_and_logs() {
    let bench = Bench::new(Scenario::default());
    let mut provider = PaymentProvider::new(true);
    let mut email = EmailService::default();
    let mut out = fresh_out();
    let message = Message {
        kind: MessageKind::EmailCall,
        ..call(Actor::Email, route(), None)
    };
    external::on_call(&mut provider, &mut email, &bench.cx(0), message, &mut out);
    assert!(matches!(traces(&out)[1], Detail::EmailSent { email: 0 }));
    assert!(out.effects().contains(&Effect::Cost(Cost::EmailCall)));
    assert_eq!(sends(&out)[0].kind, MessageKind::EmailReply);
    assert_eq!(email.sent(), 1);
}

#[test]
fn the_relay_sends_retries_and_marks_the_row_sent_once() {
    let mut s = Scenario {
        workload: Workload::Checkout,
        ..Scenario::default()
    };
    s.protections.outbox = true;
    let mut bench = Bench::new(s);
    let outbox = bench.db.add_outbox(0, 0);
    let mut relay = Relay::default();
    let mut out = fresh_out();
    relay::on_send(&mut relay, &bench.db, &bench.cx(0), outbox, 1, &mut out);
    assert_eq!(sends(&out)[0].kind, MessageKind::EmailCall);
    assert!(matches!(
        timers(&out)[..],
        [(
            _,
            Event::RelayTimeout {
                outbox: 0,
                op: 0,
                call: 1
            }
        )]
    ));
    let mut out = fresh_out();
    relay::on_timeout(&mut relay, &bench.db, &bench.cx(1), outbox, 1, &mut out);
    assert!(matches!(
        traces(&out)[0],
        Detail::ExternalTimeout {
            call: 1,
            outbox: Some(0)
        }
    ));
    assert_eq!(sends(&out).len(), 1, "call 2");
    let reply = Message {
        id: 70,
        from: Actor::Email,
        to: Actor::Relay,
        copy: 0,
        kind: MessageKind::EmailReply,
        body: Body::Reply {
            kind: CallKind::Email,
            route: Route {
                replica: RELAY_ROUTE,
                outbox,
                ..route()
            },
            op: 0,
            id: 0,
            fresh: true,
        },
    };
    let mut out = fresh_out();
    relay::on_reply(&mut bench.db, reply, &mut out);
    assert!(matches!(
        traces(&out)[1],
        Detail::OutboxWrite { sent: true, .. }
    ));
    let mut out = fresh_out();
    relay::on_reply(&mut bench.db, reply, &mut out);
    assert_eq!(traces(&out).len(), 1, "a second reply only arrives");
    // A timer for a call that was answered does nothing.
    let mut out = fresh_out();
    relay::on_timeout(&mut relay, &bench.db, &bench.cx(2), outbox, 2, &mut out);
    assert!(out.effects().is_empty());
}

#[test]
fn the_network_reports_a_lost_request_and_a_partitioned_response() {
    let mut out = fresh_out();
    network::on_lost(request(3, 2, Actor::Balancer), DropReason::Loss, &mut out);
    assert!(facts(&out).contains(&Fact::Fault {
        op: 3,
        attempt: 2,
        fault: Fault::RequestLost,
        event: 0
    }));
    let mut out = fresh_out();
    network::on_lost(response(3, 2, 200), DropReason::Partition, &mut out);
    assert!(facts(&out).contains(&Fact::Fault {
        op: 3,
        attempt: 2,
        fault: Fault::ResponsePartitioned,
        event: 0
    }));
}
