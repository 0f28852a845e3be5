//! Property tests of the stream oracle over random stream scenarios: every anomaly it
//! reports is what the trace's raw logs say — the output topic's invoices and markers,
//! what the reader received, the instances' starts and ends, the committed offsets or
//! checkpoints — recomputed here independently; the reader's isolation holds; and the full
//! protection set leaves nothing, whatever the faults.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use idempotency_lab::sim::config::*;
use idempotency_lab::sim::oracle::AnomalyKind;
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::protect;
use idempotency_lab::sim::trace::{Actor, Detail, StreamDetail, NO_OP, NO_TXN};
use idempotency_lab::sim::RunResult;
use proptest::prelude::*;

fn probability(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), 0.0..max]
}

prop_compose! {
    /// A stream scenario with any faults and protections, small enough to run fast.
    fn stream_scenario()(
        seed in any::<u64>(),
        operations in 1u32..50,
        flink in any::<bool>(),
        batch_records in 1u32..8,
        before in any::<bool>(),
        crash in prop::array::uniform4(probability(0.3)),
        downtime_us in 0u64..2_000_000,
        (slow_probability, slow_us) in (probability(0.3), 10_000u64..500_000),
        (pause_probability, pause_us) in (probability(0.2), 0u64..2_000_000),
        liveness_timeout_us in 50_000u64..1_000_000,
        checkpoint_interval_us in 20_000u64..500_000,
        checkpoint_ack_us in 0u64..300_000,
        (transactions, read_committed, offsets_in_transaction, stable, upsert) in
            (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        transaction_timeout_us in prop_oneof![Just(0u64), 50_000u64..3_000_000, Just(900_000_000u64)],
    ) -> Scenario {
        let mut s = Scenario {
            workload: Workload::Stream,
            seed,
            operations,
            ..Scenario::default()
        };
        let st = &mut s.stream;
        st.mode = if flink { StreamMode::Flink } else { StreamMode::Kafka };
        st.batch_records = batch_records;
        st.offset_commit = if before {
            StreamOffsetCommit::BeforeTransaction
        } else {
            StreamOffsetCommit::AfterTransaction
        };
        st.crash = StreamCrashConfig {
            after_write: crash[0],
            between_commits: crash[1],
            after_pre_commit: crash[2],
            after_checkpoint: crash[3],
            downtime_us,
        };
        st.slow_probability = slow_probability;
        st.slow_us = slow_us;
        st.pause_probability = pause_probability;
        st.pause_us = pause_us;
        st.liveness_timeout_us = liveness_timeout_us;
        st.checkpoint_interval_us = checkpoint_interval_us;
        st.checkpoint_ack_us = checkpoint_ack_us;
        let p = &mut s.protections.stream;
        p.transactions = transactions;
        p.read_committed = read_committed;
        p.offsets_in_transaction = offsets_in_transaction;
        p.stable_transactional_id = stable;
        p.upsert_sink = upsert;
        p.transaction_timeout_us = transaction_timeout_us;
        s
    }
}

#[derive(Clone, Copy)]
struct Copy {
    op: u32,
    txn: u32,
    writer: u8,
    event: u32,
}

/// The anomalies, recomputed from the trace alone.
fn from_the_trace(r: &RunResult) -> BTreeMap<AnomalyKind, BTreeSet<u32>> {
    let s = &r.scenario;
    let mut copies: BTreeMap<u32, Copy> = BTreeMap::new();
    let mut committed: BTreeMap<u32, u32> = BTreeMap::new();
    let mut aborted: BTreeSet<u32> = BTreeSet::new();
    let mut seen: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut starts: Vec<u32> = Vec::new();
    let mut ends: BTreeMap<u8, u32> = BTreeMap::new();
    let mut past = 0;
    for (id, e) in r.trace.iter().enumerate() {
        let id = id as u32;
        let Detail::Stream(d) = e.detail else {
            continue;
        };
        match (d, e.actor, e.peer) {
            (StreamDetail::InstanceStarted { .. }, Actor::Job(_), _) => starts.push(id),
            (
                StreamDetail::Crash { .. } | StreamDetail::Stopped | StreamDetail::Finished,
                Actor::Job(k),
                _,
            ) => {
                ends.entry(k).or_insert(id);
            }
            (StreamDetail::Refused { .. }, _, Actor::Job(k)) if e.op != NO_OP => {
                ends.entry(k).or_insert(id);
            }
            (StreamDetail::OutputAppended { offset, txn }, _, Actor::Job(writer)) => {
                copies.insert(
                    offset,
                    Copy {
                        op: e.op,
                        txn,
                        writer,
                        event: id,
                    },
                );
            }
            (StreamDetail::Committed { txn, .. }, ..) => {
                committed.insert(txn, id);
            }
            (StreamDetail::Aborted { txn, .. }, ..) => {
                aborted.insert(txn);
            }
            (StreamDetail::ReaderSaw { offset }, ..) => seen.entry(e.op).or_default().push(offset),
            (StreamDetail::OffsetsCommitted { offset, .. }, ..)
                if s.stream.mode == StreamMode::Kafka =>
            {
                past = offset
            }
            (StreamDetail::CheckpointCompleted { offset, .. }, ..)
                if s.stream.mode == StreamMode::Flink =>
            {
                past = offset
            }
            _ => {}
        }
    }
    let read_committed = s.protections.stream.read_committed;
    let mut found: BTreeMap<AnomalyKind, BTreeSet<u32>> = BTreeMap::new();
    for (&op, offsets) in &seen {
        if offsets.len() > 1 && !s.protections.stream.upsert_sink {
            found
                .entry(AnomalyKind::DuplicateOutput)
                .or_default()
                .insert(op);
        }
        for offset in offsets {
            let c = copies[offset];
            assert_eq!(c.op, op);
            // The reader's isolation.
            if read_committed && c.txn != NO_TXN {
                assert!(
                    committed.contains_key(&c.txn),
                    "read_committed saw an uncommitted invoice"
                );
            }
            let published = if read_committed && c.txn != NO_TXN {
                committed[&c.txn]
            } else {
                c.event
            };
            let next_start = starts.get(c.writer as usize + 1).copied();
            let alive_then = |start: u32| ends.get(&c.writer).is_none_or(|&end| end > start);
            if next_start.is_some_and(|start| alive_then(start) && published > start) {
                found
                    .entry(AnomalyKind::ZombieWrite)
                    .or_default()
                    .insert(op);
            }
        }
    }
    if !read_committed {
        // read_uncommitted receives every invoice.
        assert_eq!(seen.values().map(Vec::len).sum::<usize>(), copies.len());
    }
    for op in 0..past {
        let stands = copies
            .values()
            .any(|c| c.op == op && (c.txn == NO_TXN || committed.contains_key(&c.txn)));
        if !stands {
            found.entry(AnomalyKind::LostOutput).or_default().insert(op);
        }
    }
    found
}

fn reported(r: &RunResult) -> BTreeMap<AnomalyKind, BTreeSet<u32>> {
    let mut found: BTreeMap<AnomalyKind, BTreeSet<u32>> = BTreeMap::new();
    for a in &r.anomalies {
        assert!(
            found.entry(a.kind).or_default().insert(a.op),
            "{:?} twice",
            a.kind
        );
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_oracle_reports_exactly_what_the_trace_shows(s in stream_scenario()) {
        let r = run(&s.clone().validate().unwrap());
        prop_assert!(r.conservation.is_empty(), "{:?}", r.conservation);
        prop_assert_eq!(reported(&r), from_the_trace(&r));
        prop_assert_eq!(r.anomaly_counts.total() as usize, r.anomalies.len());
        for a in &r.anomalies {
            prop_assert!(!a.events.is_empty() && !a.narrative.is_empty());
            for &e in &a.events {
                prop_assert!((e as usize) < r.trace.len());
            }
        }
    }

    #[test]
    fn the_full_protection_set_leaves_nothing(s in stream_scenario()) {
        let mut s = protect(s);
        // The full set asks for 15 min; a downtime below it keeps pre-committed work.
        s.stream.crash.downtime_us = s.stream.crash.downtime_us.min(60_000_000);
        let r = run(&s.validate().unwrap());
        prop_assert_eq!(r.anomaly_counts.total(), 0, "{:?}", r.anomalies.iter().map(|a| &a.narrative).collect::<Vec<_>>());
        // A job that crashes on nearly every record may give up restarting; else every
        // invoice reached the reader once.
        prop_assert!(r.notes.iter().all(|n| n.contains("stopped restarting")), "{:?}", r.notes);
        if r.notes.is_empty() {
            prop_assert_eq!(r.ground_truth.applied_events, r.ground_truth.orders);
        }
    }
}

/// "0" is literally true: a run the oracle calls clean has each order's invoice exactly
/// once in the reader's view and standing in the topic.
#[test]
fn a_clean_run_delivered_each_invoice_once() {
    let mut s = Scenario {
        workload: Workload::Stream,
        operations: 30,
        ..Scenario::default()
    };
    s.protections.stream = StreamProtections::full();
    s.stream.crash.after_write = 0.1;
    for seed in 1..=30 {
        s.seed = seed;
        let r = run(&s.clone().validate().unwrap());
        assert_eq!(r.anomaly_counts.total(), 0);
        assert_eq!(r.ground_truth.applied_events, 30, "seed {seed}");
    }
}

#[test]
fn every_stream_preset_agrees_with_its_trace() {
    let mut anomalies = 0;
    for p in idempotency_lab::sim::scenarios::presets()
        .into_iter()
        .filter(|p| p.scenario.workload == Workload::Stream)
    {
        for seed in 1..=20 {
            let mut s = p.scenario.clone();
            s.seed = seed;
            let r = run(&s.validate().unwrap());
            assert_eq!(reported(&r), from_the_trace(&r), "{} seed {seed}", p.name);
            anomalies += r.anomalies.len();
        }
    }
    assert!(anomalies > 100, "only {anomalies} anomalies to compare");
}
