//! Interview scoring and the cheapest-protections search.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::interview::{
    cheapest, choices, judge, predictable, question, score, trial, Answer, POOL,
};
use idempotency_lab::sim::scenarios::preset;

#[test]
fn every_pool_preset_has_a_cheapest_working_set_and_nothing_cheaper_works() {
    for name in POOL {
        let scenario = preset(name).unwrap().scenario;
        let best = cheapest(&scenario)
            .unwrap()
            .unwrap_or_else(|| panic!("{name}: no combination removes every anomaly"));
        assert_eq!(best.anomalies, 0, "{name}");
        assert!(!best.protections.is_empty(), "{name} needs some protection");
        // Every protection in it is needed: dropping one leaves anomalies or costs no less.
        for i in 0..best.protections.len() {
            let mut fewer = best.protections.clone();
            fewer.remove(i);
            let t = trial(&scenario, &fewer).unwrap();
            assert!(
                t.anomalies > 0 || t.cost() >= best.cost(),
                "{name}: {:?} is cheaper than {:?}",
                t.protections,
                best.protections
            );
        }
        assert!(best
            .protections
            .iter()
            .all(|p| choices(scenario.workload).contains(p)));
    }
}

#[test]
fn a_perfect_answer_scores_100_and_an_empty_one_scores_little() {
    for n in [1, 2, 3, 7, 11] {
        let q = question(n);
        let blank = score(&q, &Answer::default()).unwrap();
        let best = blank.cheapest.clone().expect("a working set exists");
        let perfect = Answer {
            predicted: blank.actual.clone(),
            protections: best.protections.clone(),
        };
        let s = score(&q, &perfect).unwrap();
        assert_eq!(s.total(), 100, "question {n} ({}): {s:?}", q.preset);
        if !blank.actual.is_empty() {
            assert_eq!(blank.prediction_points, 0);
            assert_eq!(blank.missed, blank.actual);
            assert_eq!(blank.protection_points + blank.cost_points, 0);
        }
        // Everything on works but costs at least as much as the cheapest.
        let all = Answer {
            predicted: blank.actual.clone(),
            protections: choices(q.scenario.workload).to_vec(),
        };
        let s = score(&q, &all).unwrap();
        if s.yours.anomalies == 0 {
            assert_eq!(s.protection_points, 30);
            assert!(s.cost_points <= 20);
            assert!(s.yours.cost() >= best.cost());
        }
    }
}

#[test]
fn a_false_alarm_costs_prediction_points() {
    let q = question(1);
    let blank = score(&q, &Answer::default()).unwrap();
    let mut predicted = blank.actual.clone();
    let extra = idempotency_lab::sim::oracle::AnomalyKind::ALL
        .into_iter()
        .find(|k| !predicted.contains(k))
        .unwrap();
    predicted.push(extra);
    let s = score(
        &q,
        &Answer {
            predicted,
            protections: Vec::new(),
        },
    )
    .unwrap();
    assert_eq!(s.false_alarms, vec![extra]);
    assert!(s.prediction_points < 50);
    assert!(s.prediction_points > 0 || blank.actual.is_empty());
}

#[test]
fn every_question_asks_about_kinds_its_workload_can_show() {
    for name in POOL {
        let scenario = preset(name).unwrap().scenario;
        let result = idempotency_lab::sim::run(&scenario.clone().validate().unwrap());
        let kinds: Vec<_> = predictable(scenario.workload).collect();
        for kind in idempotency_lab::sim::oracle::AnomalyKind::ALL {
            if result.anomaly_counts.get(kind) > 0 {
                assert!(kinds.contains(&kind), "{name}: {kind:?} is not offered");
            }
        }
    }
}

#[test]
fn judging_the_trials_gives_the_score() {
    // The browser scores in two halves: the trials in a worker, the points on the page.
    let q = question(5);
    let answer = Answer {
        predicted: predictable(q.scenario.workload).take(2).collect(),
        protections: choices(q.scenario.workload)[..1].to_vec(),
    };
    let s = score(&q, &answer).unwrap();
    let judged = judge(
        s.actual.clone(),
        &answer,
        s.yours.clone(),
        s.cheapest.clone(),
    );
    assert_eq!(judged, s);
    assert_eq!(
        s.total(),
        s.prediction_points + s.protection_points + s.cost_points
    );
}
