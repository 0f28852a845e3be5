//! Property tests of the saga oracle over random saga scenarios: every anomaly it reports
//! is what the raw logs in the trace say — the provider's charges and refunds, the
//! inventory's reservations and releases, the shipments and how the orchestrator's log
//! ended each saga — recomputed here independently, and per-step keys with the atomic
//! log leave none, whatever the faults.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use idempotency_lab::sim::config::*;
use idempotency_lab::sim::oracle::{format_time, AnomalyKind};
use idempotency_lab::sim::run;
use idempotency_lab::sim::trace::{Detail, SagaAction, SagaDetail, SagaRecord};
use idempotency_lab::sim::RunResult;
use proptest::prelude::*;

fn probability(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), 0.0..max]
}

prop_compose! {
    /// A saga scenario with any faults and protections, small enough to run fast.
    fn saga_scenario()(
        seed in any::<u64>(),
        operations in 1u32..30,
        pivot in prop_oneof![Just(SagaStep::Reserve), Just(SagaStep::Charge), Just(SagaStep::Ship)],
        (max_attempts, compensation_max_attempts) in (1u32..5, 1u32..8),
        (step_timeout_us, retry_backoff_us, order_interval_us) in (20_000u64..400_000, 0u64..200_000, 1_000u64..200_000),
        refusals in prop::array::uniform3(probability(0.6)),
        losses in prop::array::uniform3(probability(0.4)),
        (slow_probability, slow_us) in (probability(0.5), 0u64..1_500_000),
        crash in prop::array::uniform3(probability(0.15)),
        downtime_us in 0u64..800_000,
        (keys, atomic) in (any::<bool>(), any::<bool>()),
    ) -> Scenario {
        let mut s = Scenario {
            workload: Workload::Saga,
            seed,
            operations,
            ..Scenario::default()
        };
        s.saga = SagaConfig {
            pivot,
            order_interval_us,
            step_timeout_us,
            max_attempts,
            compensation_max_attempts,
            retry_backoff_us,
            out_of_stock: refusals[0],
            card_declined: refusals[1],
            shipping_refused: refusals[2],
            inventory_loss: losses[0],
            provider_loss: losses[1],
            shipping_loss: losses[2],
            slow_probability,
            slow_us,
            crash: SagaCrashConfig {
                after_send: crash[0],
                after_reply_before_log: crash[1],
                between_state_and_log: crash[2],
                downtime_us,
            },
        };
        s.protections.saga_step_keys = keys;
        s.protections.saga_atomic_log = atomic;
        s
    }
}

/// Per order, from the trace alone.
#[derive(Clone, Copy, Debug, Default)]
struct Logs {
    reserved: i64,
    released: i64,
    charged: i64,
    refunded: i64,
    shipped: i64,
    compensated: bool,
    ended: bool,
}

fn logs(r: &RunResult) -> BTreeMap<u32, Logs> {
    let mut per_op: BTreeMap<u32, Logs> = (0..r.scenario.operations)
        .map(|op| (op, Logs::default()))
        .collect();
    for e in &r.trace {
        let Detail::Saga(detail) = e.detail else {
            continue;
        };
        let Some(l) = per_op.get_mut(&e.op) else {
            continue;
        };
        match detail {
            SagaDetail::Executed { action, .. } => match action {
                SagaAction::Reserve => l.reserved += 1,
                SagaAction::Release => l.released += 1,
                SagaAction::Charge => l.charged += 1,
                SagaAction::Refund => l.refunded += 1,
                SagaAction::Ship => l.shipped += 1,
            },
            SagaDetail::Credited { .. } => l.refunded += 1,
            SagaDetail::Log { record, .. } => match record {
                SagaRecord::Compensated => {
                    l.compensated = true;
                    l.ended = true;
                }
                SagaRecord::Completed | SagaRecord::Stuck => l.ended = true,
                _ => {}
            },
            _ => {}
        }
    }
    per_op
}

fn expected(logs: &BTreeMap<u32, Logs>, kind: AnomalyKind) -> Vec<u32> {
    logs.iter()
        .filter(|(_, l)| {
            let net = l.charged - l.refunded;
            let standing = l.reserved - l.released;
            match kind {
                AnomalyKind::DoubleCharge => net >= 2,
                AnomalyKind::DoubleRefund => l.charged >= 1 && l.refunded > l.charged,
                AnomalyKind::RefundWithoutCharge => l.charged == 0 && l.refunded >= 1,
                AnomalyKind::ChargeNeverCompensated => l.compensated && net >= 1,
                AnomalyKind::DuplicateShipment => l.shipped >= 2,
                AnomalyKind::StockLeak => (l.compensated && standing >= 1) || standing >= 2,
                _ => false,
            }
        })
        .map(|(&op, _)| op)
        .collect()
}

fn reported(r: &RunResult, kind: AnomalyKind) -> Vec<u32> {
    let mut ops: Vec<u32> = r
        .anomalies
        .iter()
        .filter(|a| a.kind == kind)
        .map(|a| a.op)
        .collect();
    ops.sort_unstable();
    ops
}

const SAGA_KINDS: [AnomalyKind; 6] = [
    AnomalyKind::DoubleCharge,
    AnomalyKind::DoubleRefund,
    AnomalyKind::RefundWithoutCharge,
    AnomalyKind::ChargeNeverCompensated,
    AnomalyKind::DuplicateShipment,
    AnomalyKind::StockLeak,
];

/// Each time a sentence names is the time of an event in its chain; a crash it names is
/// a crash in its chain.
fn check_sentences(r: &RunResult, context: &str) -> Result<(), TestCaseError> {
    for a in &r.anomalies {
        let chain: Vec<_> = a.events.iter().map(|&e| r.trace[e as usize]).collect();
        let times: Vec<String> = chain
            .iter()
            .map(|e| format!("t={}", format_time(e.time)))
            .collect();
        for (i, _) in a.narrative.match_indices("t=") {
            let named: String = a.narrative[i..]
                .chars()
                .take_while(|&c| !matches!(c, ')' | ',' | ';' | ':'))
                .collect();
            let named = named
                .split(" and ")
                .next()
                .unwrap_or_default()
                .trim_end_matches('.');
            prop_assert!(
                times.iter().any(|t| t == named),
                "{named} not in {times:?}: {}\n{context}",
                a.narrative
            );
        }
        if a.narrative.contains("crashed") {
            prop_assert!(
                chain
                    .iter()
                    .any(|e| matches!(e.detail, Detail::Saga(SagaDetail::Crash { .. }))),
                "{}",
                a.narrative
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn reported_anomalies_are_the_ground_truth_of_the_trace(s in saga_scenario()) {
        let r = run(&s.clone().validate().expect("a valid scenario"));
        let context = serde_json::to_string(&s.saga).unwrap();
        prop_assert!(r.conservation.is_empty(), "{:?} {}", r.conservation, context);
        prop_assert!(!r.stopped_at_event_limit, "{}", context);
        let logs = logs(&r);
        for kind in SAGA_KINDS {
            prop_assert_eq!(reported(&r, kind), expected(&logs, kind), "{:?} {}", kind, context);
        }
        prop_assert_eq!(r.anomaly_counts.total() as usize, r.anomalies.len());
        prop_assert!(logs.values().all(|l| l.ended), "every saga ends: {}", context);
        let g = r.ground_truth;
        prop_assert_eq!(g.charges as i64, logs.values().map(|l| l.charged).sum::<i64>());
        prop_assert_eq!(g.refunds as i64, logs.values().map(|l| l.refunded).sum::<i64>());
        prop_assert_eq!(g.reservations as i64, logs.values().map(|l| l.reserved).sum::<i64>());
        prop_assert_eq!(g.releases as i64, logs.values().map(|l| l.released).sum::<i64>());
        prop_assert_eq!(g.shipments as i64, logs.values().map(|l| l.shipped).sum::<i64>());
        check_sentences(&r, &context)?;
        // Trace off: the same run, counted only.
        let mut off = s.clone();
        off.trace = false;
        let off = run(&off.validate().expect("a valid scenario"));
        prop_assert_eq!(&off.trace_hash, &r.trace_hash, "{}", context);
        prop_assert_eq!(off.anomaly_counts, r.anomaly_counts, "{}", context);
        prop_assert_eq!(off.ground_truth, r.ground_truth);
    }

    /// Whatever the faults, per-step keys and the atomic saga log leave no anomaly: a
    /// step runs once per key, a compensation undoes its step once or voids it, and what
    /// cannot be settled stays visible as a stuck saga.
    #[test]
    fn per_step_keys_leave_no_anomaly(s in saga_scenario()) {
        let mut s = s;
        s.protections.saga_step_keys = true;
        s.protections.saga_atomic_log = true;
        let r = run(&s.clone().validate().expect("a valid scenario"));
        prop_assert!(
            r.anomalies.is_empty(),
            "{:?}\n{}",
            r.anomalies.iter().map(|a| &a.narrative).collect::<Vec<_>>(),
            serde_json::to_string(&s.saga).unwrap()
        );
    }
}
