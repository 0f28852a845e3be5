//! Ground truth against what the oracle reports, over random configurations.
//!
//! - With the full protection set (keys per operation in the database, atomic, locked,
//!   fingerprinted; upsert; CAS; key propagation; the outbox; a provider that honours
//!   keys), every run has zero anomalies and its conservation checks hold — whatever the
//!   workload, faults, timeouts, attempts and backoff.
//! - With no faults and a client that never times out, no retry anomaly can appear.
//! - In every run, protected or not, the reported counts agree with the ground truth.
//! - Settling operations as soon as nothing can touch them changes nothing: a run finds
//!   exactly what the same run settling everything at the end finds, and with the trace
//!   off (which keeps only the first anomalies' sentences) what it finds with it on, under
//!   any key policy and protection set.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use idempotency_lab::sim::config::{
    BackoffKind, BalancerPolicy, DelayKind, KeyPolicy, KeyStoreLocation, Protections, Scenario,
    UpsertMode, WalletWrite, Workload,
};
use idempotency_lab::sim::oracle::{count_by_kind, AnomalyKind, KEPT};
use idempotency_lab::sim::trace::{Detail, Outcome};
use idempotency_lab::sim::{run, run_settling_at_the_end};
use proptest::prelude::*;

fn workload() -> impl Strategy<Value = Workload> {
    prop_oneof![
        Just(Workload::Payment),
        Just(Workload::Checkout),
        Just(Workload::Wallet),
        Just(Workload::Profile),
    ]
}

fn probability(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), 0.0..max]
}

prop_compose! {
    /// Any scenario within the knobs' ranges that keeps runs small.
    fn scenario()(
        workload in workload(),
        seed in any::<u64>(),
        clients in 1u32..6,
        operations in 1u32..40,
        replicas in 1u32..4,
        balancer in prop_oneof![Just(BalancerPolicy::RoundRobin), Just(BalancerPolicy::Random), Just(BalancerPolicy::Sticky)],
        (request_loss, response_loss, duplication) in (probability(0.4), probability(0.4), probability(0.3)),
        (provider_loss, email_loss) in (probability(0.4), probability(0.4)),
        uniform in any::<bool>(),
        delay_mean_us in 1_000u64..80_000,
        crashes in (probability(0.15), probability(0.15), probability(0.15), probability(0.15)),
        downtime_us in 10_000u64..600_000,
        (slow_probability, slow_us) in (probability(0.2), 100_000u64..1_500_000),
        timeout_us in 50_000u64..2_000_000,
        max_attempts in 1u32..8,
        exponential in any::<bool>(),
        backoff_base_us in 0u64..300_000,
        jitter in any::<bool>(),
        external_attempts in 1u32..4,
        stock in prop_oneof![Just(3u64), Just(10), Just(1_000_000)],
        accounts in 1u32..3,
        set in any::<bool>(),
        do_update in any::<bool>(),
        lock_timeout_us in 50_000u64..3_000_000,
    ) -> Scenario {
        let mut s = Scenario { workload, seed, clients, operations, replicas, balancer, ..Scenario::default() };
        s.network.request_loss = request_loss;
        s.network.response_loss = response_loss;
        s.network.duplication = duplication;
        s.network.provider_loss = provider_loss;
        s.network.email_loss = email_loss;
        s.network.delay = if uniform { DelayKind::Uniform } else { DelayKind::Exponential };
        s.network.delay_mean_us = delay_mean_us;
        s.server.crash.before_write = crashes.0;
        s.server.crash.after_write_before_key_save = crashes.1;
        s.server.crash.after_provider_call_before_commit = crashes.2;
        s.server.crash.after_commit_before_response = crashes.3;
        s.server.crash.downtime_us = downtime_us;
        s.server.slow_probability = slow_probability;
        s.server.slow_us = slow_us;
        s.server.external_attempts = external_attempts;
        s.client.timeout_us = timeout_us;
        s.client.max_attempts = max_attempts;
        s.client.backoff = if exponential { BackoffKind::Exponential } else { BackoffKind::Fixed };
        s.client.backoff_base_us = backoff_base_us;
        s.client.jitter = jitter;
        s.world.stock = stock;
        s.world.accounts = accounts;
        s.world.wallet_write = if set { WalletWrite::Set } else { WalletWrite::Increment };
        s.protections.upsert_mode = if do_update { UpsertMode::DoUpdate } else { UpsertMode::DoNothing };
        s.protections.idempotency_key.lock_timeout_us = lock_timeout_us;
        s.max_events = 400_000;
        s
    }
}

prop_compose! {
    /// Any scenario with any key policy and any mix of protections, sometimes cut short
    /// by its event limit.
    fn any_protections()(
        s in scenario(),
        key_policy in prop_oneof![Just(KeyPolicy::None), Just(KeyPolicy::PerOperation), Just(KeyPolicy::PerAttempt), Just(KeyPolicy::ReusedAcrossOperations)],
        (keys, memory, fingerprint, lock, atomic, store_errors) in (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        ttl_us in prop_oneof![Just(100_000u64), Just(400_000), Just(86_400_000_000)],
        (upsert, cas, propagation, outbox, honours) in (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        max_events in prop_oneof![3 => Just(400_000u64), 1 => 1_000u64..1_500],
    ) -> Scenario {
        let mut s = s;
        s.client.key_policy = key_policy;
        let k = &mut s.protections.idempotency_key;
        k.enabled = keys;
        k.store = if memory { KeyStoreLocation::Memory } else { KeyStoreLocation::Database };
        k.ttl_us = ttl_us;
        k.fingerprint_check = fingerprint;
        k.in_flight_lock = lock;
        k.atomic = atomic;
        k.store_errors = store_errors;
        s.protections.upsert = upsert;
        s.protections.cas = cas;
        s.protections.key_propagation = propagation;
        s.protections.outbox = outbox;
        s.world.provider_honours_keys = honours;
        s.max_events = max_events;
        s
    }
}

/// The full protection set on `s`, keeping its faults, timeouts and attempts.
fn fully_protected(mut s: Scenario) -> Scenario {
    let lock_timeout_us = s.protections.idempotency_key.lock_timeout_us;
    let upsert_mode = s.protections.upsert_mode;
    s.protections = Protections::full();
    s.protections.idempotency_key.lock_timeout_us = lock_timeout_us;
    s.protections.upsert_mode = upsert_mode;
    s.client.key_policy = KeyPolicy::PerOperation;
    s.world.provider_honours_keys = true;
    s
}

/// Per operation, from the trace alone: charges standing, rows inserted, emails sent.
fn trace_truth(r: &idempotency_lab::sim::RunResult) -> BTreeMap<u32, (i64, i64, i64)> {
    let mut per_op: BTreeMap<u32, (i64, i64, i64)> = BTreeMap::new();
    for e in &r.trace {
        let entry = per_op.entry(e.op).or_default();
        match e.detail {
            Detail::Charge { .. } => entry.0 += 1,
            Detail::Refund { .. } => entry.0 -= 1,
            Detail::DbWrite { table, how, .. }
                if !how.conflict()
                    && matches!(
                        table,
                        idempotency_lab::sim::trace::Table::Orders
                            | idempotency_lab::sim::trace::Table::Payments
                    ) =>
            {
                entry.1 += 1
            }
            Detail::EmailSent { .. } => entry.2 += 1,
            _ => {}
        }
    }
    per_op
}

/// The reported anomalies agree with the ground truth read off the trace.
fn check_counts_against_the_trace(s: &Scenario) -> Result<(), TestCaseError> {
    let r = run(&s.clone().validate().expect("a valid scenario"));
    prop_assert!(
        r.conservation.is_empty(),
        "conservation: {:?}",
        r.conservation
    );
    prop_assert_eq!(
        r.live.late_facts,
        0,
        "a fact came after its operation settled"
    );
    if r.stopped_at_event_limit {
        return Ok(());
    }
    let truth = trace_truth(&r);
    let reported = |kind| {
        r.anomalies
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.op)
            .collect::<Vec<_>>()
    };
    let mut double: Vec<u32> = truth
        .iter()
        .filter(|(_, t)| t.0 > 1)
        .map(|(&op, _)| op)
        .collect();
    double.sort_unstable();
    prop_assert_eq!(reported(AnomalyKind::DoubleCharge).len(), double.len());
    let orders: Vec<u32> = truth
        .iter()
        .filter(|(&op, t)| {
            t.1 > 1
                && matches!(
                    r.operations[op as usize].kind,
                    idempotency_lab::sim::workload::OpKind::Checkout { .. }
                )
        })
        .map(|(&op, _)| op)
        .collect();
    prop_assert_eq!(reported(AnomalyKind::DuplicateOrder).len(), orders.len());
    let emails: Vec<u32> = truth
        .iter()
        .filter(|(_, t)| t.2 > 1)
        .map(|(&op, _)| op)
        .collect();
    prop_assert_eq!(reported(AnomalyKind::DuplicateEmail).len(), emails.len());
    let without: usize = truth
        .iter()
        .filter(|(&op, t)| {
            t.0 > 0
                && t.1 == 0
                && matches!(
                    r.operations[op as usize].kind,
                    idempotency_lab::sim::workload::OpKind::Payment { .. }
                        | idempotency_lab::sim::workload::OpKind::Checkout { .. }
                )
        })
        .count();
    prop_assert_eq!(reported(AnomalyKind::ChargedWithoutOrder).len(), without);
    // Ghost successes are definitive failures only.
    for op in reported(AnomalyKind::GhostSuccess) {
        prop_assert_eq!(r.op_results[op as usize].outcome, Some(Outcome::Failed));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Faults by name: a run allowed exactly the faults it met is the same run, and a run
    /// allowed none meets none (the shrinker and the compare view rely on both).
    #[test]
    fn a_run_allowed_exactly_its_faults_is_the_same_run(s in any_protections()) {
        let r = run(&s.clone().validate().expect("a valid scenario"));
        let mut met: Vec<_> = r.faults.iter().map(|f| f.fault).collect();
        met.sort();
        met.dedup();
        let mut only = s.clone();
        only.only_faults = Some(idempotency_lab::sim::fault_set::FaultSet::new(met));
        let same = run(&only.validate().expect("a valid scenario"));
        let context = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(&same.trace_hash, &r.trace_hash, "{}", context);
        prop_assert_eq!(&same.faults, &r.faults, "{}", context);
        let mut none = s.clone();
        none.only_faults = Some(idempotency_lab::sim::fault_set::FaultSet::default());
        let quiet = run(&none.validate().expect("a valid scenario"));
        prop_assert!(quiet.faults.is_empty(), "{:?} {}", quiet.faults, context);
    }

    #[test]
    fn the_full_protection_set_leaves_no_anomaly(s in scenario()) {
        let s = fully_protected(s);
        let r = run(&s.clone().validate().expect("a valid scenario"));
        prop_assert!(
            r.anomalies.is_empty(),
            "{:?}\n{}\n{}",
            count_by_kind(&r.anomalies),
            r.anomalies.iter().map(|a| a.narrative.as_str()).collect::<Vec<_>>().join("\n"),
            serde_json::to_string(&s).unwrap()
        );
        prop_assert!(r.conservation.is_empty(), "{:?}", r.conservation);
    }

    #[test]
    fn reported_anomalies_match_the_ground_truth(s in scenario(), protect in any::<bool>()) {
        let s = if protect { fully_protected(s) } else { s };
        check_counts_against_the_trace(&s)?;
    }

    #[test]
    fn without_faults_and_timeouts_no_retry_anomaly_appears(s in scenario()) {
        let mut s = s;
        s.network.request_loss = 0.0;
        s.network.response_loss = 0.0;
        s.network.duplication = 0.0;
        s.network.provider_loss = 0.0;
        s.network.email_loss = 0.0;
        s.server.crash.before_write = 0.0;
        s.server.crash.after_write_before_key_save = 0.0;
        s.server.crash.after_provider_call_before_commit = 0.0;
        s.server.crash.after_commit_before_response = 0.0;
        s.server.slow_probability = 0.0;
        s.client.timeout_us = 3_600_000_000;
        s.server.external_timeout_us = 3_600_000_000;
        let r = run(&s.validate().expect("a valid scenario"));
        for a in &r.anomalies {
            prop_assert!(
                !matches!(
                    a.kind,
                    AnomalyKind::DoubleCharge
                        | AnomalyKind::DuplicateOrder
                        | AnomalyKind::DuplicateEmail
                        | AnomalyKind::DoubleApply
                        | AnomalyKind::GhostSuccess
                        | AnomalyKind::ChargedWithoutOrder
                ),
                "{}",
                a.narrative
            );
        }
    }

    #[test]
    fn settling_early_and_the_trace_off_change_nothing(s in any_protections()) {
        let valid = s.clone().validate().expect("a valid scenario");
        let on = run(&valid);
        let reference = run_settling_at_the_end(&valid);
        let mut off = s.clone();
        off.trace = false;
        let off = run(&off.validate().expect("a valid scenario"));
        let context = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(&on.trace, &reference.trace, "{}", context);
        prop_assert_eq!(&on.anomalies, &reference.anomalies, "{}", context);
        prop_assert_eq!(&on.costs, &reference.costs, "{}", context);
        prop_assert_eq!(&on.op_results, &reference.op_results);
        prop_assert_eq!(&on.unknown_took_effect, &reference.unknown_took_effect);
        prop_assert_eq!(&on.trace_hash, &off.trace_hash, "{}", context);
        prop_assert_eq!(on.events, off.events);
        prop_assert_eq!(on.anomaly_counts, off.anomaly_counts, "{}", context);
        prop_assert_eq!(on.anomaly_counts.by_name(), count_by_kind(&on.anomalies));
        let kept = on.anomalies.len().min(KEPT);
        prop_assert_eq!(&on.anomalies[..kept], &off.anomalies[..], "{}", context);
        prop_assert_eq!(on.ground_truth, off.ground_truth);
        prop_assert_eq!(&on.conservation, &off.conservation);
        prop_assert_eq!(on.unknown_took_effect.len() as u64, off.unknown_took_effect_count);
        prop_assert_eq!((on.live.late_facts, off.live.late_facts), (0, 0), "{}", context);
        let (a, b) = (&on.outcomes, &off.outcomes);
        prop_assert_eq!((a.succeeded, a.failed, a.unknown), (b.succeeded, b.failed, b.unknown));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever the key policy and protections, every difference between an operation's
    /// standing charges, rows and emails is accounted for by a reported anomaly: a run never
    /// shows zero while a customer was charged twice or an order went unpaid.
    #[test]
    fn any_protection_mix_accounts_for_every_charge_and_row(s in any_protections()) {
        let r = run(&s.clone().validate().expect("a valid scenario"));
        prop_assert!(
            r.conservation.is_empty(),
            "{:?}\n{}",
            r.conservation,
            serde_json::to_string(&s).unwrap()
        );
    }
}
