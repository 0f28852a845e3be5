//! Every off-preset shows its lesson for a clear majority of seeds; every protected
//! variant shows no anomaly for any seed, also under extra loss, duplication,
//! reordering, slow requests and crashes.
//!
//! The default run uses 200 seeds per preset; `cargo test --release -- --ignored`
//! runs the long version with 2,000.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::{CrashConfig, DelayKind, Scenario};
use idempotency_lab::sim::oracle::count_by_kind;
use idempotency_lab::sim::scenarios::{presets, Lesson, Preset};
use idempotency_lab::sim::{run, RunResult};

fn run_seed(scenario: &Scenario, seed: u64) -> RunResult {
    let mut s = scenario.clone();
    s.seed = seed;
    run(&s.validate().expect("valid"))
}

fn off_presets() -> Vec<Preset> {
    presets()
        .into_iter()
        .filter(|p| !p.name.ends_with("-protected") && p.lesson != Lesson::Benchmark)
        .collect()
}

fn protected_presets() -> Vec<Preset> {
    presets()
        .into_iter()
        .filter(|p| p.name.ends_with("-protected"))
        .collect()
}

fn shows_lesson(lesson: Lesson, r: &RunResult) -> bool {
    match lesson {
        Lesson::Anomaly(kind) => r.anomalies.iter().any(|a| a.kind == kind),
        Lesson::Rejections422 => r.costs.responses_422 > 0,
        Lesson::Benchmark => true,
    }
}

fn check_lessons(seeds: u64) {
    for p in off_presets() {
        let hits = (0..seeds)
            .filter(|&seed| shows_lesson(p.lesson, &run_seed(&p.scenario, seed)))
            .count();
        assert!(
            hits as f64 >= 0.6 * seeds as f64,
            "{} shows its lesson for only {hits} of {seeds} seeds",
            p.name
        );
    }
}

/// The protected variant with every fault knob turned up as well.
fn stressed(p: &Preset) -> Scenario {
    let mut s = p.scenario.clone();
    s.network.request_loss = s.network.request_loss.max(0.1);
    s.network.response_loss = s.network.response_loss.max(0.1);
    s.network.duplication = s.network.duplication.max(0.1);
    s.network.delay = DelayKind::Uniform;
    s.network.delay_mean_us = s.network.delay_mean_us.max(40_000);
    s.server.slow_probability = 0.05;
    s.server.slow_us = 400_000;
    s.server.crash = CrashConfig {
        before_write: 0.02,
        after_write_before_key_save: 0.02,
        after_provider_call_before_commit: 0.02,
        after_commit_before_response: 0.02,
        downtime_us: 200_000,
    };
    // The messaging world's faults (read by the events workload only).
    let m = &mut s.messaging;
    m.publish_loss = m.publish_loss.max(0.1);
    m.warehouse_loss = m.warehouse_loss.max(0.1);
    m.slow_probability = m.slow_probability.max(0.05);
    let c = &mut m.crash;
    for p in [
        &mut c.after_commit_before_publish,
        &mut c.relay_before_ack,
        &mut c.relay_before_mark_sent,
        &mut c.consumer_after_receive,
        &mut c.consumer_after_ship,
        &mut c.consumer_after_apply,
    ] {
        *p = p.max(0.03);
    }
    // The saga world's faults (read by the saga workload only).
    let g = &mut s.saga;
    for p in [
        &mut g.inventory_loss,
        &mut g.provider_loss,
        &mut g.shipping_loss,
    ] {
        *p = p.max(0.1);
    }
    g.slow_probability = g.slow_probability.max(0.05);
    let c = &mut g.crash;
    for p in [
        &mut c.after_send,
        &mut c.after_reply_before_log,
        &mut c.between_state_and_log,
    ] {
        *p = p.max(0.03);
    }
    s
}

fn check_protected(seeds: u64) {
    for p in protected_presets() {
        for (label, scenario) in [("as is", p.scenario.clone()), ("stressed", stressed(&p))] {
            for seed in 0..seeds {
                let r = run_seed(&scenario, seed);
                assert!(
                    r.anomalies.is_empty(),
                    "{} ({label}) seed {seed}: {:?}\n{}",
                    p.name,
                    count_by_kind(&r.anomalies),
                    r.anomalies
                        .iter()
                        .map(|a| a.narrative.as_str())
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                assert!(
                    !r.stopped_at_event_limit,
                    "{} ({label}) seed {seed} hit the event limit",
                    p.name
                );
            }
        }
    }
}

#[test]
fn off_presets_show_their_lesson_for_most_seeds() {
    check_lessons(200);
}

#[test]
fn protected_presets_show_no_anomaly_for_any_seed() {
    check_protected(200);
}

#[test]
#[ignore = "long: 2,000 seeds per preset; run with cargo test --release -- --ignored"]
fn long_sweep() {
    check_lessons(2_000);
    check_protected(2_000);
}

#[test]
fn every_anomaly_has_a_chain_and_a_sentence() {
    for p in off_presets() {
        let r = run_seed(&p.scenario, 1);
        for a in &r.anomalies {
            assert!(!a.events.is_empty(), "{}: {}", p.name, a.narrative);
            assert!(a.events.iter().all(|&e| (e as usize) < r.trace.len()));
            assert!(
                a.narrative.ends_with('.') && a.narrative.len() > 40,
                "{}",
                a.narrative
            );
            let label = r.operations[a.op as usize].label();
            assert!(
                a.narrative.contains(&label),
                "{} should name {label}",
                a.narrative
            );
        }
    }
}

#[test]
fn every_anomaly_kind_appears_in_some_preset() {
    use idempotency_lab::sim::oracle::AnomalyKind;
    let mut seen = std::collections::BTreeSet::new();
    for p in off_presets() {
        for seed in 0..5 {
            seen.extend(run_seed(&p.scenario, seed).anomalies.iter().map(|a| a.kind));
        }
    }
    for kind in AnomalyKind::ALL {
        assert!(seen.contains(&kind), "no preset shows {kind:?}");
    }
}
