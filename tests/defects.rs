//! One regression test per defect found when the simulator was tried against how the
//! real systems behave. Each fails on the engine before its fix.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use idempotency_lab::sim::actors::client::{react, Reaction};
use idempotency_lab::sim::config::{KeyPolicy, UpsertMode};
use idempotency_lab::sim::oracle::AnomalyKind;
use idempotency_lab::sim::scenarios::{preset, presets};
use idempotency_lab::sim::trace::{Detail, MessageKind, Outcome};
use idempotency_lab::sim::{run, RunResult, Scenario};

fn preset_at(name: &str, seed: u64) -> Scenario {
    let mut s = preset(name).expect("preset").scenario;
    s.seed = seed;
    s
}

fn run_scenario(s: &Scenario) -> RunResult {
    run(&s.clone().validate().expect("valid"))
}

fn kinds(r: &RunResult) -> Vec<AnomalyKind> {
    r.anomalies.iter().map(|a| a.kind).collect()
}

#[test]
fn defect_1_a_protected_checkout_never_charges_without_an_order() {
    for seed in 0..40 {
        let r = run_scenario(&preset_at("oversell-protected", seed));
        let t = r.ground_truth;
        assert_eq!(t.net_charges, t.orders, "seed {seed}: {t:?}");
        assert!(r.anomalies.is_empty(), "seed {seed}: {:?}", kinds(&r));
        assert!(r.conservation.is_empty());
    }
}

#[test]
fn defect_2_upsert_never_refunds_the_charge_the_provider_deduplicated_back() {
    for seed in 0..40 {
        let mut s = preset_at("lost-response", seed);
        s.protections.upsert = true;
        s.protections.key_propagation = true;
        s.client.key_policy = KeyPolicy::PerOperation;
        let r = run_scenario(&s);
        let t = r.ground_truth;
        assert_eq!(t.net_charges, t.orders, "seed {seed}: {t:?}");
        assert_eq!(t.refunds, 0, "seed {seed}: a shared charge was refunded");
    }
}

#[test]
fn defect_3_turning_cas_on_never_charges_again() {
    for seed in 0..20 {
        let mut s = preset_at("oversell", seed);
        s.world.stock = 1000;
        let off = run_scenario(&s);
        s.protections.cas = true;
        let on = run_scenario(&s);
        assert_eq!(
            on.ground_truth.charges, on.ground_truth.orders,
            "seed {seed}"
        );
        assert_eq!(
            on.ground_truth.orders, off.ground_truth.orders,
            "seed {seed}"
        );
    }
}

#[test]
fn defect_4_double_charges_count_operations_net_of_refunds() {
    for seed in 0..30 {
        let mut s = preset_at("lost-response", seed);
        s.protections.upsert = true;
        let r = run_scenario(&s);
        let mut standing: BTreeMap<u32, i64> = BTreeMap::new();
        for e in &r.trace {
            match e.detail {
                Detail::Charge { .. } => *standing.entry(e.op).or_default() += 1,
                Detail::Refund { .. } => *standing.entry(e.op).or_default() -= 1,
                _ => {}
            }
        }
        let expected = standing.values().filter(|&&n| n > 1).count();
        let reported: Vec<u32> = r
            .anomalies
            .iter()
            .filter(|a| a.kind == AnomalyKind::DoubleCharge)
            .map(|a| a.op)
            .collect();
        assert_eq!(reported.len(), expected, "seed {seed}");
        let mut unique = reported.clone();
        unique.dedup();
        assert_eq!(unique.len(), reported.len(), "one anomaly per operation");
    }
}

#[test]
fn defect_5_ghost_success_is_a_definitive_failure_and_twins_differ_by_protection_only() {
    for p in presets()
        .into_iter()
        .filter(|p| p.name.ends_with("-protected"))
    {
        let off = preset(p.name.trim_end_matches("-protected"))
            .unwrap()
            .scenario;
        let mut twin = p.scenario.clone();
        twin.protections = off.protections.clone();
        twin.client.key_policy = off.client.key_policy;
        twin.world.provider_honours_keys = off.world.provider_honours_keys;
        // The consumer's side of the protection set: commit after processing (at least
        // once, which the dedup store makes effectively once) and a warehouse that honours keys.
        twin.messaging.commit = off.messaging.commit;
        twin.messaging.warehouse_honours_keys = off.messaging.warehouse_honours_keys;
        assert_eq!(twin, off, "{} changes more than protections", p.name);
    }
    for seed in 0..30 {
        let r = run_scenario(&preset_at("ghost-success", seed));
        for a in r
            .anomalies
            .iter()
            .filter(|a| a.kind == AnomalyKind::GhostSuccess)
        {
            assert_eq!(r.op_results[a.op as usize].outcome, Some(Outcome::Failed));
        }
    }
}

#[test]
fn defect_6_the_fingerprint_covers_the_operation_reference() {
    for seed in 0..30 {
        let r = run_scenario(&preset_at("key-reuse", seed));
        assert!(
            !kinds(&r).contains(&AnomalyKind::WrongReplay),
            "seed {seed}"
        );
        let r = run_scenario(&preset_at("key-reuse-no-fingerprint", seed));
        for a in r
            .anomalies
            .iter()
            .filter(|a| a.kind == AnomalyKind::WrongReplay)
        {
            assert!(a.narrative.contains("no fingerprint check"));
        }
    }
}

#[test]
fn defect_7_no_late_copy_is_named_where_the_network_made_no_copy() {
    let mut s = preset_at("reordered-requests", 1);
    s.network.duplication = 0.0;
    s.server.slow_probability = 0.3;
    s.server.slow_us = 1_500_000;
    s.client.max_attempts = 2;
    s.client.timeout_us = 300_000;
    let r = run_scenario(&s);
    assert!(!r
        .trace
        .iter()
        .any(|e| matches!(e.detail, Detail::Duplicate { .. })));
    for a in &r.anomalies {
        assert!(!a.narrative.contains("copy"), "{}", a.narrative);
    }
}

#[test]
fn defect_8_a_profile_client_rereads_after_412() {
    let mut s = preset_at("reordered-requests", 1);
    s.network.duplication = 0.0;
    s.network.response_loss = 0.5;
    s.client.max_attempts = 2;
    let off = run_scenario(&s);
    s.protections.cas = true;
    let on = run_scenario(&s);
    let succeeded = |r: &RunResult| {
        r.op_results
            .iter()
            .filter(|o| o.outcome == Some(Outcome::Succeeded))
            .count()
    };
    assert!(
        succeeded(&on) * 2 > succeeded(&off),
        "{} succeed with CAS, {} without",
        succeeded(&on),
        succeeded(&off)
    );
    assert!(on.trace.iter().any(|e| matches!(
        e.detail,
        Detail::Send {
            message: MessageKind::ReadBack,
            ..
        }
    )));
    assert!(matches!(react(412, false, true), Reaction::ReadBack));
}

#[test]
fn defect_9_do_update_answers_with_the_row_and_needs_no_read_back() {
    let mut s = preset_at("lost-response", 1);
    s.protections.upsert = true;
    s.protections.upsert_mode = UpsertMode::DoNothing;
    let nothing = run_scenario(&s);
    s.protections.upsert_mode = UpsertMode::DoUpdate;
    let update = run_scenario(&s);
    assert_ne!(nothing.trace_hash, update.trace_hash);
    let read_backs = |r: &RunResult| {
        r.trace
            .iter()
            .filter(|e| {
                matches!(
                    e.detail,
                    Detail::Send {
                        message: MessageKind::ReadBack,
                        ..
                    }
                )
            })
            .count()
    };
    assert!(read_backs(&nothing) > 0);
    assert_eq!(read_backs(&update), 0);
}

#[test]
fn defect_10_a_retried_increment_is_a_double_apply_not_a_lost_update() {
    let r = run_scenario(&preset_at("retried-increment", 1));
    assert!(kinds(&r).contains(&AnomalyKind::DoubleApply));
    assert!(!kinds(&r).contains(&AnomalyKind::LostUpdate));
}

#[test]
fn defect_11_faults_are_keyed_by_logical_identity() {
    use idempotency_lab::sim::config::CrashConfig;
    for seed in 0..10 {
        let mut off = preset_at("lost-response", seed);
        off.network.duplication = 0.2;
        off.network.request_loss = 0.2;
        off.server.slow_probability = 0.2;
        off.server.crash = CrashConfig {
            before_write: 0.1,
            after_write_before_key_save: 0.1,
            after_provider_call_before_commit: 0.1,
            after_commit_before_response: 0.1,
            downtime_us: 50_000,
        };
        let on = idempotency_lab::sim::scenarios::protect(off.clone());
        let (a, b) = (run_scenario(&off), run_scenario(&on));
        // For every message both runs sent — requests and responses by operation, attempt
        // and copy — the fate is the same: lost, or delivered after the same delay.
        let fates = |r: &RunResult| {
            let mut sent = BTreeMap::new();
            let mut fate = BTreeMap::new();
            for e in &r.trace {
                let Some((msg, kind)) = e.detail.message() else {
                    continue;
                };
                if !matches!(kind, MessageKind::Request | MessageKind::Response) {
                    continue;
                }
                match e.detail {
                    Detail::Send { .. }
                        if !matches!(e.actor, idempotency_lab::sim::trace::Actor::Balancer)
                            || kind == MessageKind::Response =>
                    {
                        sent.insert(msg, (e.op, e.attempt, kind as u8, e.time));
                    }
                    Detail::Drop { .. } | Detail::Deliver { .. } | Detail::LateResponse { .. } => {
                        if let Some(&(op, attempt, kind, at)) = sent.get(&msg) {
                            let lost = matches!(e.detail, Detail::Drop { .. });
                            fate.entry((op, attempt, kind))
                                .or_insert_with(Vec::new)
                                .push((lost, e.time - at));
                        }
                    }
                    _ => {}
                }
            }
            fate
        };
        let (fa, fb) = (fates(&a), fates(&b));
        let mut compared = 0;
        // The response to each copy of a request has its own identity, and the trace does
        // not say which copy a response answers: compare the fates of an attempt's
        // messages as a set, where both runs sent as many.
        for (id, f) in &fa {
            if let Some(g) = fb.get(id).filter(|g| g.len() == f.len()) {
                let (mut f, mut g) = (f.clone(), g.clone());
                f.sort_unstable();
                g.sort_unstable();
                assert_eq!(f, g, "seed {seed}: {id:?} met different faults");
                compared += 1;
            }
        }
        assert!(
            compared > 10,
            "seed {seed}: only {compared} messages in both runs"
        );
        // Processing time (with the slow path) per execution — each copy of an attempt
        // draws its own — is the same in both runs.
        let steps = |r: &RunResult| {
            let mut per_attempt: BTreeMap<(u32, u8), Vec<u64>> = BTreeMap::new();
            for e in &r.trace {
                if let Detail::Step { duration_us, .. } = e.detail {
                    per_attempt
                        .entry((e.op, e.attempt))
                        .or_default()
                        .push(duration_us);
                }
            }
            per_attempt
        };
        let (sa, sb) = (steps(&a), steps(&b));
        for (id, d) in &sa {
            if let Some(e) = sb.get(id).filter(|e| e.len() == d.len()) {
                let (mut d, mut e) = (d.clone(), e.clone());
                d.sort_unstable();
                e.sort_unstable();
                assert_eq!(d, e, "seed {seed}: {id:?}");
            }
        }
    }
}

#[test]
fn defect_12_expired_keys_are_purged_and_nothing_sends_429() {
    for seed in 1..10 {
        let r = run_scenario(&preset_at("short-ttl", seed));
        assert!(r
            .trace
            .iter()
            .any(|e| matches!(e.detail, Detail::KeyPurge { .. })));
        assert!((r.costs.key_rows_final as usize) < r.operations.len());
    }
    assert_eq!(react(429, false, true), Reaction::Fail);
}
