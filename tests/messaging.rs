//! The events workload against its ground truth: every messaging preset shows its lesson
//! on most seeds and its protected twin none on any, every anomaly's sentence names only
//! times of events in its chain, and the oracle's conservation rules hold.

use idempotency_lab::sim::config::Workload;
use idempotency_lab::sim::oracle::AnomalyKind;
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::{presets, Lesson, Preset};
use idempotency_lab::sim::RunResult;

const SEEDS: u64 = 200;

fn messaging_presets() -> Vec<Preset> {
    presets()
        .into_iter()
        .filter(|p| p.scenario.workload == Workload::Events && p.lesson != Lesson::Benchmark)
        .collect()
}

fn run_seed(preset: &Preset, seed: u64) -> RunResult {
    let mut scenario = preset.scenario.clone();
    scenario.seed = seed;
    run(&scenario.validate().expect("a preset is valid"))
}

/// Every "t=…" a sentence mentions is the time of an event in its chain.
fn check_times(result: &RunResult) {
    for a in &result.anomalies {
        let shown: Vec<String> = a
            .events
            .iter()
            .map(|&e| {
                let t = result.trace[e as usize].time;
                format!("t={}", idempotency_lab::sim::oracle::format_time(t))
            })
            .collect();
        for part in a.narrative.split("t=").skip(1) {
            let time: String = part.chars().take_while(|&c| c != ')' && c != ',').collect();
            let time = time.trim_end_matches(" and").to_string();
            let time = time.split(" and ").next().unwrap_or("").to_string();
            assert!(
                shown.contains(&format!("t={time}")),
                "{}: \"t={time}\" is not the time of an event in the chain {:?}: {}",
                result.scenario.workload.name(),
                a.events,
                a.narrative
            );
        }
    }
}

#[test]
fn each_messaging_preset_teaches_its_lesson_and_its_twin_is_clean() {
    let all = messaging_presets();
    assert_eq!(all.len(), 18, "nine presets, each with its protected twin");
    for preset in &all {
        let Lesson::Anomaly(kind) = preset.lesson else {
            panic!("{} has no anomaly to show", preset.name);
        };
        let protected = preset.name.ends_with("-protected");
        let mut shown = 0;
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
            check_times(&result);
            if protected {
                assert_eq!(
                    result.anomaly_counts.total(),
                    0,
                    "{} seed {seed}: {:?}",
                    preset.name,
                    result
                        .anomalies
                        .iter()
                        .map(|a| &a.narrative)
                        .collect::<Vec<_>>()
                );
            } else if result.anomaly_counts.get(kind) > 0 {
                shown += 1;
            }
        }
        if !protected {
            eprintln!("{}: lesson on {shown} of {SEEDS} seeds", preset.name);
            assert!(
                shown * 2 > SEEDS,
                "{} shows {} on only {shown} of {SEEDS} seeds",
                preset.name,
                kind.name()
            );
        }
    }
}

#[test]
fn anomalies_match_the_ground_truth_counts() {
    for preset in messaging_presets() {
        let result = run_seed(&preset, 7);
        let truth = result.ground_truth;
        let duplicates = result.anomaly_counts.get(AnomalyKind::DuplicateEventEffect);
        let lost = result.anomaly_counts.get(AnomalyKind::LostEvent);
        // Each duplicate adds at least one extra ledger row; each lost event removes one.
        assert!(
            truth.applied_events + lost >= truth.orders,
            "{}",
            preset.name
        );
        assert!(
            truth.applied_events >= truth.orders - lost + duplicates,
            "{}",
            preset.name
        );
        if duplicates == 0 && lost == 0 {
            assert_eq!(truth.applied_events, truth.orders, "{}", preset.name);
        }
    }
}
