//! With the trace off, what the engine keeps follows what is in flight, not how many
//! operations the run has done: an operation is checked and forgotten once nothing can
//! touch it any more. Checked structurally (the most entries held at once, per kind of
//! state), not by timing or RSS: 20 times the operations may not need more state.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::oracle::KEPT;
use idempotency_lab::sim::results::LiveSizes;
use idempotency_lab::sim::scenarios::preset;
use idempotency_lab::sim::{run, run_settling_at_the_end, RunResult, Scenario};

/// Presets that between them exercise every store: payments, checkouts with emails and
/// the outbox, wallets, profiles, oversell, crashes, keys per operation, per attempt and
/// reused across operations, a short TTL, recovery of abandoned keys, and the benchmark.
const PRESETS: [&str; 14] = [
    "lost-response",
    "lost-response-protected",
    "crash-after-commit",
    "crash-after-commit-protected",
    "oversell",
    "retried-increment",
    "concurrent-writers-protected",
    "reordered-requests",
    "duplicate-email-protected",
    "short-ttl",
    "key-per-attempt",
    "key-reuse-no-fingerprint",
    "charge-then-crash-protected",
    "bench-checkout",
];

fn run_off(name: &str, operations: u32) -> RunResult {
    let mut s: Scenario = preset(name).expect("preset exists").scenario;
    s.operations = operations;
    s.trace = false;
    s.max_events = 20_000_000;
    run(&s.validate().expect("valid"))
}

/// The counts that must not grow with the run.
fn bounded(l: &LiveSizes) -> [(&'static str, usize); 11] {
    [
        ("operations", l.operations),
        ("executions", l.executions),
        ("in flight", l.in_flight),
        ("charges", l.charges),
        ("rows", l.rows),
        ("dedup keys", l.dedup_keys),
        ("key records", l.key_records),
        ("relay rows", l.relay_rows),
        ("queue", l.queue),
        ("parked", l.parked),
        ("late facts", l.late_facts as usize),
    ]
}

#[test]
fn state_held_does_not_grow_with_the_operations_done() {
    for name in PRESETS {
        let small = run_off(name, 1_000);
        let large = run_off(name, 20_000);
        for ((what, a), (_, b)) in bounded(&small.live).into_iter().zip(bounded(&large.live)) {
            assert!(
                b <= 2 * a + 16,
                "{name}: {what} peaked at {a} with 1,000 operations but {b} with 20,000"
            );
        }
        assert_eq!(large.live.late_facts, 0, "{name}");
        // Nothing per operation in the result either.
        assert!(large.operations.is_empty() && large.op_results.is_empty());
        assert!(large.attempts.is_empty() && large.trace.is_empty());
        assert!(large.anomalies.len() <= KEPT && large.unknown_took_effect.len() <= KEPT);
        assert!(large.live.operations < 100, "{name}: {:?}", large.live);
        // Settled key rows wait for their purge as counts: four bytes a round at most.
        let s = &large.scenario;
        let round = s
            .protections
            .idempotency_key
            .lock_timeout_us
            .min(s.protections.idempotency_key.ttl_us)
            .clamp(10_000, 10_000_000);
        let tables = s.replicas as u64 + 1;
        assert!(large.live.retired_rounds as u64 <= tables * (large.virtual_time_us / round + 2));
    }
}

#[test]
fn the_benchmark_keeps_its_first_anomalies_and_counts_them_all() {
    let mut s = preset("bench-checkout").unwrap().scenario;
    s.operations = 5_000;
    let off = run(&s.clone().validate().unwrap());
    s.trace = true;
    s.max_events = 3_000_000;
    let on = run(&s.validate().unwrap());
    assert_eq!(on.trace_hash, off.trace_hash);
    assert_eq!(on.anomaly_counts, off.anomaly_counts);
    assert!(on.anomalies.len() > KEPT, "enough anomalies to cut");
    assert_eq!(on.anomalies.len() as u64, on.anomaly_counts.total());
    assert_eq!(off.anomalies[..], on.anomalies[..KEPT]);
    assert_eq!(on.ground_truth, off.ground_truth);
    let exact = &on.outcomes.latency;
    let histogram = &off.outcomes.latency;
    for p in [50.0, 95.0, 99.0] {
        let (e, h) = (exact.percentile(p), histogram.percentile(p));
        assert!(
            h >= e && h - e <= e / 1000,
            "p{p}: {e} exact, {h} from the histogram"
        );
    }
    assert_eq!(exact.max(), histogram.max());
}

/// Late copies and delayed retries (the network duplicates half the requests with long
/// uniform delays), keys recovered after their lock expired, a key reused across
/// operations: operations are settled only once those can no longer act, so the run is
/// the one that settles everything at the end, event for event and verdict for verdict.
#[test]
fn settling_waits_for_late_copies_and_recovered_keys() {
    for name in [
        "reordered-requests",
        "charge-then-crash-protected",
        "key-reuse-no-fingerprint",
        "duplicate-email-protected",
    ] {
        for seed in 1..=5 {
            let mut s = preset(name).unwrap().scenario;
            s.seed = seed;
            s.operations = 400;
            let valid = s.clone().validate().unwrap();
            let (on, reference) = (run(&valid), run_settling_at_the_end(&valid));
            assert_eq!(on.trace, reference.trace, "{name} {seed}");
            assert_eq!(on.anomalies, reference.anomalies, "{name} {seed}");
            assert_eq!(on.costs, reference.costs, "{name} {seed}");
            assert!(on.live.operations < 100, "{name} {seed}: {:?}", on.live);
            assert!(reference.live.operations >= 400, "nothing settled early");
            s.trace = false;
            let off = run(&s.validate().unwrap());
            assert_eq!((on.live.late_facts, off.live.late_facts), (0, 0));
            let kept = on.anomalies.len().min(KEPT);
            assert_eq!(on.anomalies[..kept], off.anomalies[..], "{name} {seed}");
            assert_eq!(on.anomaly_counts, off.anomaly_counts, "{name} {seed}");
        }
    }
    // Keys waiting for recovery keep their operations live: some were parked.
    let s = preset("charge-then-crash-protected").unwrap().scenario;
    assert!(run(&s.validate().unwrap()).live.parked > 0);
}
