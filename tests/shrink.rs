//! Faults by name, shrinking and comparing, checked over every preset and many seeds:
//! a run allowed exactly the faults it met is the same run; a run allowed none meets none;
//! a shrunk anomaly reproduces, and removing any one of its faults makes it vanish; a
//! protection set compared with itself shows no difference.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::compare::{compare_runs, compare_sets, Cause};
use idempotency_lab::sim::fault_set::{FaultId, FaultKind, FaultSet};
use idempotency_lab::sim::scenarios::presets;
use idempotency_lab::sim::shrink::{shrink, MAX_SHRINK_RUNS};
use idempotency_lab::sim::trace::{Detail, MessagingDetail, SagaDetail, StreamDetail};
use idempotency_lab::sim::{run, RunResult, Scenario};

fn run_with(scenario: &Scenario, only: Option<Vec<FaultId>>) -> RunResult {
    let mut s = scenario.clone();
    s.only_faults = only.map(FaultSet::new);
    run(&s.validate().expect("valid"))
}

fn distinct(result: &RunResult) -> Vec<FaultId> {
    let mut faults: Vec<FaultId> = result.faults.iter().map(|f| f.fault).collect();
    faults.sort();
    faults.dedup();
    faults
}

/// Every preset that is not a protected twin, at a few seeds.
fn cases(seeds: u64) -> Vec<(String, Scenario)> {
    let mut cases = Vec::new();
    for p in presets() {
        if p.name.ends_with("-protected") || p.name.starts_with("bench") {
            continue;
        }
        for seed in 1..=seeds {
            let mut s = p.scenario.clone();
            s.seed = seed;
            cases.push((format!("{} seed {seed}", p.name), s));
        }
    }
    cases
}

#[test]
fn allowing_exactly_the_faults_met_gives_the_same_run_and_allowing_none_gives_no_fault() {
    let mut faults_seen = 0;
    for (name, scenario) in cases(4) {
        let original = run_with(&scenario, None);
        faults_seen += original.faults.len();
        let same = run_with(&scenario, Some(distinct(&original)));
        assert_eq!(same.trace_hash, original.trace_hash, "{name}");
        assert_eq!(same.faults, original.faults, "{name}");
        let quiet = run_with(&scenario, Some(Vec::new()));
        assert!(quiet.faults.is_empty(), "{name}: {:?}", quiet.faults);
        // Every recorded fault points at the trace event that shows it.
        for f in &original.faults {
            assert!((f.event as usize) < original.trace.len(), "{name}: {f:?}");
            let e = &original.trace[f.event as usize];
            assert_eq!(e.op, f.op, "{name}: {f:?}");
            let shows = match f.fault.kind {
                FaultKind::Loss | FaultKind::Partition | FaultKind::Duplicate => {
                    matches!(e.detail, Detail::Send { .. })
                }
                FaultKind::Crash => matches!(
                    e.detail,
                    Detail::Crash { .. }
                        | Detail::Messaging(MessagingDetail::Crash { .. })
                        | Detail::Stream(StreamDetail::Crash { .. })
                        | Detail::Saga(SagaDetail::Crash { .. })
                ),
                FaultKind::Slow => matches!(
                    e.detail,
                    Detail::Step { .. }
                        | Detail::Stream(StreamDetail::RecordRead { .. })
                        | Detail::Saga(SagaDetail::Held { .. })
                ),
                FaultKind::Pause => matches!(e.detail, Detail::Stream(StreamDetail::Paused { .. })),
            };
            assert!(shows, "{name}: {f:?} points at {e:?}");
        }
    }
    assert!(
        faults_seen > 500,
        "the presets met only {faults_seen} faults"
    );
}

#[test]
fn a_shrunk_anomaly_reproduces_and_needs_each_of_its_faults() {
    let mut shrunk_count = 0;
    let mut single_fault = 0;
    for (name, scenario) in cases(3) {
        let original = run_with(&scenario, None);
        // The first and the last anomaly of each run.
        let n = original.anomalies.len();
        let picks: Vec<usize> = match n {
            0 => continue,
            1 => vec![0],
            _ => vec![0, n - 1],
        };
        for pick in picks {
            let target = &original.anomalies[pick];
            let shrunk = shrink(&scenario, pick, MAX_SHRINK_RUNS, &mut |_| true)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                (shrunk.target.kind, shrunk.target.op),
                (target.kind, target.op)
            );
            assert!(
                shrunk.minimal,
                "{name}: not minimal in {} runs",
                shrunk.runs
            );
            let kept = distinct(&shrunk.run);
            assert!(kept.len() <= shrunk.original_faults, "{name}");
            assert_eq!(
                shrunk.scenario.only_faults,
                Some(FaultSet::new(kept.clone())),
                "{name}: the shrunk run's faults are exactly the listed ones"
            );
            assert_eq!(shrunk.descriptions.len(), shrunk.run.faults.len());
            let has = |r: &RunResult| {
                r.anomalies
                    .iter()
                    .any(|a| a.kind == target.kind && a.op == target.op)
            };
            let again = run(&shrunk.scenario.clone().validate().unwrap());
            assert!(has(&again), "{name}: the shrunk scenario lost its anomaly");
            for i in 0..kept.len() {
                let mut fewer = kept.clone();
                let removed = fewer.remove(i);
                assert!(
                    !has(&run_with(&scenario, Some(fewer))),
                    "{name}: the anomaly survives without {removed}"
                );
            }
            shrunk_count += 1;
            single_fault += (kept.len() == 1) as u32;
        }
    }
    assert!(shrunk_count > 40, "only {shrunk_count} anomalies shrunk");
    assert!(
        single_fault > 10,
        "only {single_fault} needed a single fault"
    );
}

#[test]
fn asking_for_an_anomaly_the_run_does_not_have_says_which_exist() {
    let p = presets()
        .into_iter()
        .find(|p| p.name == "lost-response-protected")
        .unwrap();
    let error = shrink(&p.scenario, 0, 50, &mut |_| true).unwrap_err();
    assert_eq!(error, "this run has no anomaly to shrink");
    let p = presets()
        .into_iter()
        .find(|p| p.name == "lost-response")
        .unwrap();
    let n = run_with(&p.scenario, None).anomalies.len();
    let error = shrink(&p.scenario, n, 50, &mut |_| true).unwrap_err();
    assert!(error.contains(&format!("from 1 to {n}")), "{error}");
}

#[test]
fn a_stopped_shrink_says_it_is_not_proven_minimal() {
    let p = presets()
        .into_iter()
        .find(|p| p.name == "duplicate-email")
        .unwrap();
    let shrunk = shrink(&p.scenario, 0, 50, &mut |runs| runs < 2).unwrap();
    assert!(!shrunk.minimal);
    assert!(shrunk.runs <= 4, "{} runs", shrunk.runs);
    assert!(shrunk.summary().contains("stopped"), "{}", shrunk.summary());
}

#[test]
fn a_set_compared_with_itself_shows_no_difference() {
    for (name, scenario) in cases(2) {
        for set in ["none", "full"] {
            let (a, b, comparison) = compare_sets(&scenario, set, set).unwrap();
            assert!(comparison.identical(), "{name} {set}: {comparison:?}");
            assert_eq!(a.trace_hash, b.trace_hash);
        }
    }
}

#[test]
fn the_same_lost_response_is_labelled_as_the_same_fault_with_a_different_outcome() {
    let p = presets()
        .into_iter()
        .find(|p| p.name == "lost-response")
        .unwrap();
    let (a, b, comparison) = compare_sets(&p.scenario, "none", "full").unwrap();
    assert!(a.anomaly_counts.total() > 0 && b.anomaly_counts.total() == 0);
    assert!(comparison.divergence.is_some());
    let first = &a.anomalies[0];
    let difference = comparison
        .differences
        .iter()
        .find(|d| d.op == first.op)
        .expect("the anomaly's operation differs");
    assert_eq!(
        difference.cause,
        Cause::SameFault,
        "{}",
        difference.sentence
    );
    assert!(
        difference.sentence.contains("was lost"),
        "{}",
        difference.sentence
    );
    // Labels are symmetric in what they compare.
    let reversed = compare_runs(&b, &a);
    assert_eq!(reversed.differences.len(), comparison.differences.len());
}
