//! The stream workload against its ground truth: every stream preset shows its lesson on
//! at least 180 of 200 seeds and its protected twin nothing on any, every sentence names
//! only times of events in its chain, the oracle's conservation rules hold, and a job
//! asking for more than the broker's maximum transaction timeout does not start and the
//! run says why.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::{StreamMode, Workload};
use idempotency_lab::sim::oracle::{format_time, AnomalyKind};
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::{preset, presets, Lesson, Preset};
use idempotency_lab::sim::trace::{Detail, StreamDetail};
use idempotency_lab::sim::RunResult;

const SEEDS: u64 = 200;

fn stream_presets() -> Vec<Preset> {
    presets()
        .into_iter()
        .filter(|p| p.scenario.workload == Workload::Stream)
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
            .map(|&e| format!("t={}", format_time(result.trace[e as usize].time)))
            .collect();
        for part in a.narrative.split("t=").skip(1) {
            let time: String = part
                .chars()
                .take_while(|&c| c != ',' && c != ';' && c != ')')
                .collect();
            let time = time.split(' ').take(2).collect::<Vec<_>>().join(" ");
            let time = time.trim_end_matches('.');
            assert!(
                shown.contains(&format!("t={time}")),
                "\"t={time}\" is not the time of an event in the chain: {}",
                a.narrative
            );
        }
    }
}

#[test]
fn each_stream_preset_teaches_its_lesson_and_its_twin_is_clean() {
    let all = stream_presets();
    assert_eq!(all.len(), 10, "five presets, each with its protected twin");
    for preset in &all {
        let Lesson::Anomaly(kind) = preset.lesson else {
            panic!("{} has no anomaly to show", preset.name);
        };
        let protected = preset.name.ends_with("-protected");
        let mut shown = 0;
        for seed in 1..=SEEDS {
            let result = run_seed(preset, seed);
            assert!(
                result.conservation.is_empty() && result.notes.is_empty(),
                "{} seed {seed}: {:?} {:?}",
                preset.name,
                result.conservation,
                result.notes
            );
            assert!(
                !result.stopped_at_event_limit,
                "{} seed {seed}",
                preset.name
            );
            // The job read all its input and committed it.
            assert!(
                result
                    .trace
                    .iter()
                    .any(|e| e.detail == Detail::Stream(StreamDetail::Finished)),
                "{} seed {seed} did not finish",
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
                assert_eq!(
                    result.ground_truth.applied_events, result.ground_truth.orders,
                    "{} seed {seed}: the reader received each invoice once",
                    preset.name
                );
            } else if result.anomaly_counts.get(kind) > 0 {
                shown += 1;
            }
        }
        if !protected {
            eprintln!("{}: lesson on {shown} of {SEEDS} seeds", preset.name);
            assert!(
                shown >= 180,
                "{} shows {} on only {shown} of {SEEDS} seeds",
                preset.name,
                kind.name()
            );
        }
    }
}

#[test]
fn a_timeout_above_the_brokers_maximum_stops_the_job_at_start_up() {
    // Flink's Kafka sink asks for 1 h by default; the broker allows 15 min.
    let mut s = preset("flink-downtime-timeout").unwrap().scenario;
    s.protections.stream.transaction_timeout_us = 0;
    assert_eq!(s.stream.mode, StreamMode::Flink);
    let result = run(&s.clone().validate().unwrap());
    assert_eq!(result.notes.len(), 1, "{:?}", result.notes);
    assert!(
        result.notes[0].contains("1 h") && result.notes[0].contains("15 min"),
        "{}",
        result.notes[0]
    );
    assert_eq!(result.ground_truth.published_events, 0);
    assert_eq!(
        result.anomaly_counts.total(),
        0,
        "nothing consumed, nothing lost"
    );
    assert!(result.trace.iter().any(|e| matches!(
        e.detail,
        Detail::Stream(StreamDetail::StartRejected {
            requested_ms: 3_600_000,
            max_ms: 900_000
        })
    )));
    // Raising the broker's maximum lets it start.
    s.stream.transaction_max_timeout_us = 3_600_000_000;
    let result = run(&s.validate().unwrap());
    assert!(result.notes.is_empty());
    assert_eq!(
        result.ground_truth.applied_events,
        result.ground_truth.orders
    );
}

#[test]
fn an_upsert_sink_shows_no_duplicate_and_loses_nothing() {
    let mut s = preset("stream-nontransactional-restart").unwrap().scenario;
    s.protections.stream.upsert_sink = true;
    let mut duplicates_without = 0;
    for seed in 1..=20 {
        s.seed = seed;
        let result = run(&s.clone().validate().unwrap());
        assert_eq!(result.anomaly_counts.total(), 0, "seed {seed}");
        let mut plain = s.clone();
        plain.protections.stream.upsert_sink = false;
        duplicates_without += run(&plain.validate().unwrap())
            .anomaly_counts
            .get(AnomalyKind::DuplicateOutput);
    }
    assert!(duplicates_without > 0);
}

#[test]
fn the_twins_stay_clean_with_every_stream_fault_turned_up() {
    for preset in stream_presets()
        .into_iter()
        .filter(|p| p.name.ends_with("-protected"))
    {
        for seed in 1..=SEEDS {
            let mut s = preset.scenario.clone();
            s.seed = seed;
            let st = &mut s.stream;
            st.crash.after_write = st.crash.after_write.max(0.05);
            st.crash.between_commits = st.crash.between_commits.max(0.05);
            st.crash.after_pre_commit = st.crash.after_pre_commit.max(0.05);
            st.crash.after_checkpoint = st.crash.after_checkpoint.max(0.05);
            st.slow_probability = 0.1;
            st.slow_us = 200_000;
            st.pause_probability = 0.03;
            st.pause_us = 800_000;
            st.liveness_timeout_us = st.liveness_timeout_us.min(300_000);
            let result = run(&s.validate().unwrap());
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
            assert!(result.notes.is_empty(), "{} seed {seed}", preset.name);
            assert_eq!(
                result.ground_truth.applied_events, result.ground_truth.orders,
                "{} seed {seed}",
                preset.name
            );
        }
    }
}
