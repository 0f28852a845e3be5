//! Property tests of the messaging oracle over random events scenarios: every anomaly it
//! reports is what the trace's ground truth says (ledger rows, shipments, committed
//! orders), and the full protection set leaves none but dead-lettered messages, whatever
//! the faults.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use idempotency_lab::sim::config::*;
use idempotency_lab::sim::oracle::{format_time, AnomalyKind};
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::protect;
use idempotency_lab::sim::trace::{Detail, MessagingDetail, Table};
use idempotency_lab::sim::RunResult;
use proptest::prelude::*;

fn probability(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), 0.0..max]
}

prop_compose! {
    /// An events scenario with any faults and protections, small enough to run fast.
    fn events_scenario()(
        seed in any::<u64>(),
        operations in 1u32..40,
        queue in any::<bool>(),
        partitions in 1u32..5,
        consumers in 1u32..4,
        commit in prop_oneof![
            Just(OffsetCommit::BeforeProcessing),
            Just(OffsetCommit::AfterProcessing),
            Just(OffsetCommit::Auto),
        ],
        crash in prop::array::uniform6(probability(0.3)),
        (publish_loss, warehouse_loss) in (probability(0.3), probability(0.3)),
        (slow_probability, slow_us) in (probability(0.3), 10_000u64..2_000_000),
        (visibility_timeout_us, max_poll_interval_us) in (50_000u64..2_000_000, 100_000u64..3_000_000),
        max_receive_count in prop_oneof![Just(0u32), 1u32..6],
        auto_commit_interval_us in 10_000u64..500_000,
        downtime_us in 10_000u64..1_000_000,
        (dedup, memory, producer, heartbeat, outbox, keys) in
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        recording in prop_oneof![
            Just(DedupRecording::SameTransaction),
            Just(DedupRecording::AfterEffect),
            Just(DedupRecording::BeforeProcessing),
        ],
        broker_dedup in prop_oneof![
            Just(BrokerDedup::Off),
            Just(BrokerDedup::ContentBased),
            Just(BrokerDedup::ExplicitId),
        ],
    ) -> Scenario {
        let mut s = Scenario {
            workload: Workload::Events,
            seed,
            operations,
            ..Scenario::default()
        };
        let m = &mut s.messaging;
        m.mode = if queue { BrokerMode::Queue } else { BrokerMode::Log };
        m.partitions = partitions;
        m.consumers = consumers;
        m.commit = commit;
        m.publish_loss = publish_loss;
        m.warehouse_loss = warehouse_loss;
        m.slow_probability = slow_probability;
        m.slow_us = slow_us;
        m.visibility_timeout_us = visibility_timeout_us;
        m.max_poll_interval_us = max_poll_interval_us;
        m.session_timeout_us = 1_000_000;
        m.max_receive_count = max_receive_count;
        m.auto_commit_interval_us = auto_commit_interval_us;
        m.request_timeout_us = 300_000;
        m.crash = MessagingCrashConfig {
            after_commit_before_publish: crash[0],
            relay_before_ack: crash[1],
            relay_before_mark_sent: crash[2],
            consumer_after_receive: crash[3],
            consumer_after_ship: crash[4],
            consumer_after_apply: crash[5],
            downtime_us,
        };
        let p = &mut s.protections;
        p.dedup_store.enabled = dedup;
        p.dedup_store.location = if memory { DedupLocation::Memory } else { DedupLocation::Database };
        p.dedup_store.recording = recording;
        p.idempotent_producer = producer;
        p.visibility_heartbeat = heartbeat;
        p.outbox = outbox;
        p.key_propagation = keys;
        p.broker_dedup = broker_dedup;
        s
    }
}

/// Per order, from the trace alone: (committed, ledger rows, shipments).
fn trace_truth(r: &RunResult) -> BTreeMap<u32, (u32, u32, u32)> {
    let mut per_op: BTreeMap<u32, (u32, u32, u32)> = BTreeMap::new();
    for e in &r.trace {
        let entry = per_op.entry(e.op).or_default();
        match e.detail {
            Detail::DbWrite {
                table: Table::Orders,
                ..
            } => entry.0 += 1,
            Detail::DbWrite {
                table: Table::Ledger,
                ..
            } => entry.1 += 1,
            Detail::Messaging(MessagingDetail::Shipped { .. }) => entry.2 += 1,
            _ => {}
        }
    }
    per_op
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

fn truth_where(
    truth: &BTreeMap<u32, (u32, u32, u32)>,
    test: impl Fn(&(u32, u32, u32)) -> bool,
) -> Vec<u32> {
    truth
        .iter()
        .filter(|(_, t)| test(t))
        .map(|(&op, _)| op)
        .collect()
}

/// Each time a sentence names is the time of an event in its chain, and a crash it names
/// is a crash event in its chain.
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
                .take_while(|&c| c != ')' && c != ',')
                .collect();
            let named = named.split(" and ").next().unwrap_or_default().to_string();
            prop_assert!(
                times.contains(&named),
                "{named} not in {times:?}: {}",
                a.narrative
            );
        }
        // Every sentence names its cause; none falls back to restating the count.
        prop_assert!(
            !a.narrative.ends_with("it was never applied.")
                && !a.narrative.contains("it was delivered more than once"),
            "no cause found: {}\n{context}",
            a.narrative
        );
        if a.narrative.contains("crashed") {
            prop_assert!(
                chain
                    .iter()
                    .any(|e| matches!(e.detail, Detail::Messaging(MessagingDetail::Crash { .. }))),
                "{}",
                a.narrative
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Faults by name: a run allowed exactly the faults it met is the same run, and a run
    /// allowed none meets none (the shrinker and the compare view rely on both).
    #[test]
    fn a_run_allowed_exactly_its_faults_is_the_same_run(s in events_scenario()) {
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
    fn reported_anomalies_are_the_ground_truth_of_the_trace(s in events_scenario(), protected in any::<bool>()) {
        let s = if protected { protect(s) } else { s };
        let r = run(&s.clone().validate().expect("a valid scenario"));
        let context = serde_json::to_string(&s).unwrap();
        prop_assert!(r.conservation.is_empty(), "{:?} {}", r.conservation, context);
        let truth = trace_truth(&r);
        prop_assert_eq!(reported(&r, AnomalyKind::DuplicateEventEffect), truth_where(&truth, |t| t.1 > 1), "{}", context);
        prop_assert_eq!(reported(&r, AnomalyKind::LostEvent), truth_where(&truth, |t| t.0 > 0 && t.1 == 0), "{}", context);
        prop_assert_eq!(reported(&r, AnomalyKind::DuplicateShipment), truth_where(&truth, |t| t.2 > 1), "{}", context);
        prop_assert_eq!(r.ground_truth.applied_events, truth.values().map(|t| t.1 as u64).sum::<u64>());
        check_sentences(&r, &context)?;
        // Trace off: the same run, counted only.
        let mut off = s.clone();
        off.trace = false;
        let off = run(&off.validate().expect("a valid scenario"));
        prop_assert_eq!(&off.trace_hash, &r.trace_hash, "{}", context);
        prop_assert_eq!(off.anomaly_counts, r.anomaly_counts, "{}", context);
        prop_assert_eq!(off.ground_truth, r.ground_truth);
    }

    /// Whatever the faults, the full protection set (outbox, idempotent producer, commit
    /// after processing, the dedup store in the ledger's transaction, warehouse keys, FIFO
    /// deduplication, heartbeats) leaves no anomaly — except a message moved to the
    /// dead-letter queue, which is lost until someone handles that queue, and says so.
    #[test]
    fn the_full_protection_set_leaves_only_dead_letters(s in events_scenario()) {
        let s = protect(s);
        let r = run(&s.clone().validate().expect("a valid scenario"));
        if r.stopped_at_event_limit {
            return Ok(());
        }
        for a in &r.anomalies {
            prop_assert!(
                a.kind == AnomalyKind::LostEvent && a.narrative.contains("dead-letter queue"),
                "{}\n{}",
                a.narrative,
                serde_json::to_string(&s).unwrap()
            );
        }
    }
}
