//! Native integration tests of the engine: determinism, counterfactual stability,
//! the cross-platform trace hash, and limits.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::{KeyPolicy, Protections, Scenario};
use idempotency_lab::sim::scenarios::preset;
use idempotency_lab::sim::trace::{Detail, DropReason, EventKind, MessageKind};
use idempotency_lab::sim::{run, RunResult};

/// The trace hash of `lost-response` seed 1. The browser test (tests/web_engine.rs) checks
/// the same value, so the two platforms must agree event for event. If the engine's
/// behaviour changes on purpose, update both after checking why the trace changed.
pub const LOST_RESPONSE_SEED_1_HASH: &str = include_str!("data/lost-response-seed-1.hash");

fn run_preset(name: &str, seed: u64) -> RunResult {
    let mut s = preset(name).expect("preset exists").scenario;
    s.seed = seed;
    run(&s.validate().expect("valid preset"))
}

#[test]
fn same_seed_same_trace_different_seed_different_trace() {
    let a = run_preset("lost-response", 7);
    let b = run_preset("lost-response", 7);
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.trace, b.trace);
    let c = run_preset("lost-response", 8);
    assert_ne!(a.trace_hash, c.trace_hash);
}

#[test]
fn trace_hash_matches_the_recorded_cross_platform_value() {
    let r = run_preset("lost-response", 1);
    assert_eq!(r.trace_hash, LOST_RESPONSE_SEED_1_HASH.trim());
}

#[test]
fn trace_hash_is_the_same_with_tracing_off() {
    let mut s = preset("crash-after-commit").unwrap().scenario;
    let on = run(&s.clone().validate().unwrap());
    s.trace = false;
    let off = run(&s.validate().unwrap());
    assert_eq!(on.trace_hash, off.trace_hash);
    assert_eq!(on.events, off.events);
    assert!(off.trace.is_empty());
    assert_eq!(on.trace.len() as u64, on.events);
}

/// Which (operation, attempt) lost its request and which lost its response.
type AttemptIds = Vec<(u32, u8)>;

fn losses(r: &RunResult) -> (AttemptIds, AttemptIds) {
    let mut requests = Vec::new();
    let mut responses = Vec::new();
    for e in &r.trace {
        match e.detail {
            Detail::Drop {
                message: MessageKind::Request,
                reason: DropReason::Loss,
                ..
            } => requests.push((e.op, e.attempt)),
            Detail::Drop {
                message: MessageKind::Response,
                reason: DropReason::Loss,
                ..
            } => responses.push((e.op, e.attempt)),
            _ => {}
        }
    }
    requests.sort_unstable();
    responses.sort_unstable();
    (requests, responses)
}

#[test]
fn protections_do_not_change_which_messages_are_lost() {
    let mut off = preset("lost-response").unwrap().scenario;
    off.network.request_loss = 0.2;
    off.network.response_loss = 0.3;
    off.client.max_attempts = 3;
    let mut on = off.clone();
    on.protections = Protections::full();
    on.client.key_policy = KeyPolicy::PerOperation;
    let a = run(&off.validate().unwrap());
    let b = run(&on.validate().unwrap());
    // The server behaves differently (replays instead of charging again)…
    assert_ne!(a.trace_hash, b.trace_hash);
    assert!(a.ground_truth.net_charges > b.ground_truth.net_charges);
    // …but every attempt both runs made lost the same request or response.
    let (req_a, resp_a) = losses(&a);
    let (req_b, resp_b) = losses(&b);
    let attempts_a: std::collections::BTreeSet<(u32, u8)> =
        a.attempts.iter().map(|x| (x.op, x.attempt)).collect();
    let attempts_b: std::collections::BTreeSet<(u32, u8)> =
        b.attempts.iter().map(|x| (x.op, x.attempt)).collect();
    let both = |v: &Vec<(u32, u8)>| -> Vec<(u32, u8)> {
        v.iter()
            .copied()
            .filter(|k| attempts_a.contains(k) && attempts_b.contains(k))
            .collect()
    };
    assert!(!both(&req_a).is_empty() && !both(&resp_a).is_empty());
    assert_eq!(both(&req_a), both(&req_b));
    assert_eq!(both(&resp_a), both(&resp_b));
}

#[test]
fn unprotected_payments_really_double_charge_and_checkouts_duplicate_orders() {
    let r = run_preset("lost-response", 1);
    let ops = r.operations.len() as u64;
    assert!(
        r.ground_truth.net_charges > ops,
        "{} charges for {ops} payments",
        r.ground_truth.net_charges
    );
    let r = run_preset("crash-after-commit", 1);
    assert!(r.ground_truth.orders > r.operations.len() as u64);
}

#[test]
fn the_event_limit_stops_a_run_and_says_so() {
    let mut s = preset("lost-response").unwrap().scenario;
    s.operations = 2_000;
    s.max_events = 1_000;
    let r = run(&s.validate().unwrap());
    assert!(r.stopped_at_event_limit);
    assert!(r.events <= 1_000);
}

#[test]
fn events_are_in_time_order() {
    let r = run_preset("crash-before-key-save", 3);
    assert!(r.trace.windows(2).all(|w| w[0].time <= w[1].time));
}

#[test]
fn bad_scenarios_are_rejected_before_running() {
    let s = Scenario {
        clients: 0,
        ..Scenario::default()
    };
    assert!(s.validate().unwrap_err().contains("clients"));
}

#[test]
fn observed_network_rates_match_the_configuration() {
    let mut s = preset("lost-response").unwrap().scenario;
    s.operations = 4_000;
    s.clients = 8;
    s.network.request_loss = 0.1;
    s.network.response_loss = 0.2;
    s.network.duplication = 0.05;
    let r = run(&s.clone().validate().unwrap());
    let is =
        |e: &&idempotency_lab::sim::trace::TraceEvent, kind: EventKind, message: MessageKind| {
            e.kind() == kind && e.detail.message().is_some_and(|(_, m)| m == message)
        };
    let count = |kind, message| r.trace.iter().filter(|e| is(e, kind, message)).count() as f64;
    let requests = count(EventKind::Send, MessageKind::Request);
    let responses = r
        .trace
        .iter()
        .filter(|e| {
            is(e, EventKind::Send, MessageKind::Response)
                && matches!(e.actor, idempotency_lab::sim::trace::Actor::Replica(_))
        })
        .count() as f64;
    let request_loss = count(EventKind::Drop, MessageKind::Request) / requests;
    let response_loss = r
        .trace
        .iter()
        .filter(|e| {
            is(e, EventKind::Drop, MessageKind::Response)
                && matches!(e.peer, idempotency_lab::sim::trace::Actor::Replica(_))
        })
        .count() as f64
        / responses;
    let duplication = count(EventKind::Duplicate, MessageKind::Request) / (requests * 0.9);
    assert!(requests > 4_000.0);
    assert!(
        (request_loss - 0.1).abs() < 0.02,
        "request loss {request_loss}"
    );
    assert!(
        (response_loss - 0.2).abs() < 0.02,
        "response loss {response_loss}"
    );
    assert!(
        (duplication - 0.05).abs() < 0.015,
        "duplication {duplication}"
    );
    // One-way delay of delivered requests: minimum + mean of the exponential part.
    let mut sent_at = std::collections::HashMap::new();
    let mut delays = Vec::new();
    for e in &r.trace {
        if is(&e, EventKind::Send, MessageKind::Request) {
            sent_at.insert(e.detail.message().map(|(id, _)| id), e.time);
        } else if is(&e, EventKind::Deliver, MessageKind::Request) {
            if let Some(t) = sent_at.get(&e.detail.message().map(|(id, _)| id)) {
                delays.push((e.time - t) as f64);
            }
        }
    }
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    let expected = (s.network.delay_min_us + s.network.delay_mean_us) as f64;
    assert!(
        (mean - expected).abs() < expected * 0.05,
        "mean delay {mean} vs {expected}"
    );
}

#[test]
fn a_timer_of_one_external_call_never_fires_for_the_next() {
    // Delays are bounded (uniform, at most 35 ms each way) and nothing is lost, so no
    // provider or email call may time out; each checkout sends exactly one email.
    let mut s = preset("crash-after-commit").unwrap().scenario;
    s.server.crash.after_commit_before_response = 0.0;
    s.network.delay = idempotency_lab::sim::config::DelayKind::Uniform;
    s.operations = 300;
    let r = run(&s.validate().unwrap());
    assert!(!r
        .trace
        .iter()
        .any(|e| e.kind() == EventKind::ExternalTimeout));
    assert_eq!(r.ground_truth.emails, r.ground_truth.orders);
    assert_eq!(r.ground_truth.orders, 300);
}
