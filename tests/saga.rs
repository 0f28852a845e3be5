//! The saga workload against its ground truth: every saga preset shows its lesson on at
//! least 180 of 200 seeds and its protected twin nothing on any of them; every anomaly's
//! sentence names only times of events in its chain, and the oracle's conservation rules
//! hold.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::Workload;
use idempotency_lab::sim::oracle::{format_time, AnomalyKind};
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::{presets, Lesson, Preset};
use idempotency_lab::sim::RunResult;

const SEEDS: u64 = 200;
/// The lesson must show on at least this many of the 200 seeds.
const LESSON_SEEDS: u64 = 180;

fn saga_presets() -> Vec<Preset> {
    presets()
        .into_iter()
        .filter(|p| p.scenario.workload == Workload::Saga)
        .collect()
}

fn run_seed(preset: &Preset, seed: u64) -> RunResult {
    let mut scenario = preset.scenario.clone();
    scenario.seed = seed;
    run(&scenario.validate().expect("a preset is valid"))
}

/// Every "t=…" a sentence names is the time of an event in its chain.
fn check_times(name: &str, result: &RunResult) {
    for a in &result.anomalies {
        let shown: Vec<String> = a
            .events
            .iter()
            .map(|&e| format!("t={}", format_time(result.trace[e as usize].time)))
            .collect();
        for (i, _) in a.narrative.match_indices("t=") {
            let named: String = a.narrative[i..]
                .chars()
                .take_while(|&c| c != ')' && c != ',' && c != ':' && c != ';')
                .collect();
            let named = named
                .split(" and ")
                .next()
                .unwrap_or("")
                .trim_end_matches('.');
            assert!(
                shown.iter().any(|s| s == named),
                "{name}: \"{named}\" is not the time of an event in the chain {:?}: {}",
                a.events,
                a.narrative
            );
        }
    }
}

#[test]
fn each_saga_preset_teaches_its_lesson_and_its_twin_is_clean() {
    let all = saga_presets();
    assert_eq!(all.len(), 8, "four presets, each with its protected twin");
    let mut report = Vec::new();
    for preset in &all {
        let Lesson::Anomaly(kind) = preset.lesson else {
            panic!("{} has no anomaly to show", preset.name);
        };
        let protected = preset.name.ends_with("-protected");
        let mut shown = 0;
        let mut dirty = 0;
        for seed in 1..=SEEDS {
            let result = run_seed(preset, seed);
            assert!(
                result.conservation.is_empty(),
                "{} seed {seed}: {:?}",
                preset.name,
                result.conservation
            );
            assert!(
                !result.stopped_at_event_limit,
                "{} seed {seed} hit the event limit",
                preset.name
            );
            check_times(preset.name, &result);
            if result.anomaly_counts.get(kind) > 0 {
                shown += 1;
            }
            if result.anomaly_counts.total() > 0 {
                dirty += 1;
                assert!(
                    !protected,
                    "{} seed {seed}: {:?}",
                    preset.name,
                    result
                        .anomalies
                        .iter()
                        .map(|a| &a.narrative)
                        .collect::<Vec<_>>()
                );
            }
        }
        report.push(format!(
            "{}: {} on {shown} of {SEEDS} seeds, any anomaly on {dirty}",
            preset.name,
            kind.name()
        ));
        if !protected {
            assert!(
                shown >= LESSON_SEEDS,
                "{} shows {} on only {shown} of {SEEDS} seeds",
                preset.name,
                kind.name()
            );
        }
    }
    eprintln!("{}", report.join("\n"));
}

#[test]
fn the_twins_differ_by_protections_only() {
    for pair in saga_presets().chunks(2) {
        let (off, on) = (&pair[0].scenario, &pair[1].scenario);
        assert_eq!(pair[1].name, format!("{}-protected", pair[0].name));
        assert_eq!(off.saga, on.saga, "{}", pair[0].name);
        assert_eq!(off.network, on.network, "{}", pair[0].name);
        assert_eq!((off.seed, off.operations), (on.seed, on.operations));
        assert!(!off.protections.saga_step_keys && !off.protections.saga_atomic_log);
        assert!(on.protections.saga_step_keys && on.protections.saga_atomic_log);
    }
}

#[test]
fn totals_add_up_to_the_ground_truth() {
    for preset in saga_presets() {
        let r = run_seed(&preset, 7);
        let g = r.ground_truth;
        assert_eq!(
            g.sagas_completed + g.sagas_compensated + g.sagas_stuck,
            g.orders,
            "{}: every saga ends",
            preset.name
        );
        assert_eq!(g.net_charges, g.charges.saturating_sub(g.refunds));
        // A completed saga shipped; a double shipment is reported.
        let duplicates = r.anomaly_counts.get(AnomalyKind::DuplicateShipment);
        assert!(g.shipments >= g.sagas_completed, "{}", preset.name);
        if duplicates == 0 {
            assert!(
                g.shipments <= g.sagas_completed + g.sagas_stuck,
                "{}",
                preset.name
            );
        }
    }
}
