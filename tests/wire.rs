//! The bytes a run crosses from the web worker to the page in: decoding what was encoded
//! gives the run back exactly, for real runs of every preset, traced or not, and damaged
//! bytes give an error rather than a wrong run or a panic.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::{
    limits, CrashPoint, KeyPolicy, MessagingCrashPoint, SagaCrashPoint,
};
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::presets;
use idempotency_lab::sim::trace::{
    Actor, DedupBy, Detail, DropReason, KeyCheckOutcome, MessageKind, MessagingDetail, Outcome,
    RebalanceReason, SagaAction, SagaDetail, SagaRecord, SavedKeyState, Table, TimedStep,
    TraceEvent, WriteFlags,
};
use idempotency_lab::sim::wire::{
    decode_events, decode_result, encode_result, encode_trace, EVENT_BYTES,
};
use idempotency_lab::sim::{RunResult, Scenario};
use proptest::prelude::*;

fn round_trip(result: &RunResult) -> RunResult {
    let trace_bytes = encode_trace(&result.trace);
    assert_eq!(trace_bytes.len(), result.trace.len() * EVENT_BYTES);
    let mut trace = Vec::new();
    decode_events(&trace_bytes, &mut trace).expect("the trace decodes");
    decode_result(&encode_result(result), result.scenario.clone(), trace)
        .expect("the rest of the run decodes")
}

fn preset_run(index: usize, seed: u64, operations: u32, trace: bool) -> RunResult {
    let all = presets();
    let mut scenario: Scenario = all[index % all.len()].scenario.clone();
    scenario.seed = seed;
    scenario.operations = operations;
    scenario.trace = trace;
    // The benchmark preset runs untraced with a larger event limit than a trace allows.
    if trace {
        scenario.max_events = scenario.max_events.min(limits::MAX_TRACED_EVENTS);
    }
    run(&scenario
        .validate()
        .expect("a preset with other operations is valid"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    /// decode(encode(run)) == run, over real runs: every preset, any seed, a few sizes,
    /// with the trace on (what the page receives) and off (an HDR histogram of latencies).
    #[test]
    fn a_run_survives_the_trip(
        index in 0usize..64,
        seed in any::<u64>(),
        operations in 1u32..300,
        trace in prop_oneof![4 => Just(true), 1 => Just(false)],
    ) {
        let result = preset_run(index, seed, operations, trace);
        prop_assert_eq!(round_trip(&result), result);
    }

    /// A trace cut into slices of whole events decodes to the same events as in one go.
    #[test]
    fn a_trace_decodes_in_slices(seed in any::<u64>(), slice_events in 1usize..500) {
        let result = preset_run(2, seed, 100, true);
        let bytes = encode_trace(&result.trace);
        let mut events = Vec::new();
        for slice in bytes.chunks(slice_events * EVENT_BYTES) {
            decode_events(slice, &mut events).unwrap();
        }
        prop_assert_eq!(events, result.trace);
    }
}

/// The largest run the browser allows, and the hashes the end-to-end spec
/// `tests/e2e/specs/worker.mjs` expects of the same runs made in the browser's worker.
#[test]
fn the_largest_browser_runs_survive_the_trip_with_their_native_hashes() {
    let all = presets();
    let index = all
        .iter()
        .position(|p| p.name == "crash-after-commit")
        .unwrap();
    assert_eq!(
        all[index].scenario.seed, 1,
        "the spec keeps the preset's seed"
    );
    for (seed, hash) in [
        (1, include_str!("data/crash-after-commit-20000-seed-1.hash")),
        (7, include_str!("data/crash-after-commit-20000-seed-7.hash")),
    ] {
        let result = preset_run(index, seed, 20_000, true);
        assert!(
            result.trace.len() > 400_000,
            "{} events",
            result.trace.len()
        );
        assert_eq!(result.trace_hash, hash.trim(), "seed {seed}");
        if seed == 1 {
            assert_eq!(round_trip(&result), result);
        }
    }
}

/// One event of every kind, with fields at their extremes: real runs may not show them all.
#[test]
fn every_kind_of_detail_survives_the_trip() {
    let message = MessageKind::ReadBack;
    let mut details = vec![
        Detail::OpStart { amount: i64::MIN },
        Detail::Timeout,
        Detail::Restart,
        Detail::Retry {
            backoff_us: u64::MAX,
        },
        Detail::Step {
            step: TimedStep::Compute,
            duration_us: 7,
        },
        Detail::KeyRelease { key: u64::MAX },
        Detail::KeyPurge { rows: u32::MAX },
        Detail::ChargeDeclined { amount: -5 },
        Detail::Charge {
            charge: 9,
            amount: i64::MAX,
        },
        Detail::ChargeDeduplicated {
            charge: 9,
            amount: 1,
        },
        Detail::Refund { charge: u32::MAX },
        Detail::EmailSent { email: 3 },
        Detail::EmailDeduplicated { email: 4 },
        Detail::LateResponse {
            msg: 1,
            message,
            status: 503,
        },
        Detail::Duplicate {
            msg: 2,
            message,
            original: u32::MAX,
        },
        Detail::Send {
            msg: u32::MAX,
            message,
            value: -1,
        },
    ];
    for replayed in [false, true] {
        details.push(Detail::Deliver {
            msg: 5,
            message: MessageKind::Response,
            replayed,
            status: 200,
        });
    }
    for reason in [
        DropReason::Loss,
        DropReason::Partition,
        DropReason::ReplicaDown,
        DropReason::Stale,
    ] {
        details.push(Detail::Drop {
            msg: 6,
            message: MessageKind::ChargeReply,
            reason,
        });
    }
    for outcome in [
        KeyCheckOutcome::New,
        KeyCheckOutcome::Unlocked,
        KeyCheckOutcome::Missing,
    ] {
        details.push(Detail::KeyCheck { outcome, key: 11 });
    }
    for state in [SavedKeyState::InProgress, SavedKeyState::Completed] {
        details.push(Detail::KeySave { state, key: 12 });
    }
    for point in CrashPoint::ALL {
        details.push(Detail::Crash { point });
    }
    for table in [Table::Orders, Table::Profiles, Table::Payments] {
        details.push(Detail::DbRead {
            table,
            version: 4,
            value: -9,
        });
        details.push(Detail::CasConflict { table, version: 2 });
    }
    for bits in 0..8u8 {
        details.push(Detail::DbWrite {
            table: Table::Accounts,
            row: 1,
            value: 100,
            how: WriteFlags::new(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0),
        });
    }
    for sent in [false, true] {
        details.push(Detail::OutboxWrite { outbox: 8, sent });
    }
    for outcome in [Outcome::Succeeded, Outcome::Failed, Outcome::Unknown] {
        details.push(Detail::OpEnd {
            outcome,
            latency_us: 1,
        });
    }
    for outbox in [None, Some(0), Some(u32::MAX)] {
        details.push(Detail::ExternalTimeout {
            call: u8::MAX,
            outbox,
        });
    }
    for table in [Table::Ledger, Table::ProcessedMessages] {
        details.push(Detail::DbWrite {
            table,
            row: 3,
            value: 2,
            how: WriteFlags::default(),
        });
    }
    for message in [
        MessageKind::Publish,
        MessageKind::PublishAck,
        MessageKind::Record,
        MessageKind::OffsetCommit,
        MessageKind::Delete,
        MessageKind::Heartbeat,
        MessageKind::ShipCall,
        MessageKind::ShipReply,
    ] {
        details.push(Detail::Send {
            msg: 7,
            message,
            value: 1,
        });
    }
    details.extend(
        [
            MessagingDetail::Appended {
                partition: 7,
                offset: u32::MAX,
            },
            MessagingDetail::PublishDeduplicated {
                partition: 0,
                offset: 3,
                by: DedupBy::ProducerSequence,
            },
            MessagingDetail::OffsetCommitted {
                partition: 1,
                offset: 9,
                accepted: false,
            },
            MessagingDetail::Rebalance {
                generation: u32::MAX,
                reason: RebalanceReason::SessionTimeout,
            },
            MessagingDetail::DeadLettered {
                message: u32::MAX,
                receives: u8::MAX,
            },
            MessagingDetail::Crash {
                point: MessagingCrashPoint::ConsumerAfterApply,
            },
        ]
        .map(Detail::Messaging),
    );
    details.extend(
        [
            SagaDetail::Log {
                action: SagaAction::Refund,
                record: SagaRecord::Compensated,
                attempt: u8::MAX,
            },
            SagaDetail::Executed {
                action: SagaAction::Charge,
                id: u32::MAX,
            },
            SagaDetail::Credited { amount: u32::MAX },
            SagaDetail::Crash {
                point: SagaCrashPoint::BetweenStateAndLog,
            },
        ]
        .map(Detail::Saga),
    );
    let actors = [
        Actor::Orchestrator,
        Actor::Inventory,
        Actor::Shipping,
        Actor::OrderService,
        Actor::Broker,
        Actor::Consumer(u8::MAX),
        Actor::Warehouse,
        Actor::Client(u16::MAX),
        Actor::Balancer,
        Actor::Replica(u8::MAX),
        Actor::Database,
        Actor::KeyStore,
        Actor::Provider,
        Actor::Email,
        Actor::Relay,
        Actor::Nobody,
    ];
    let events: Vec<TraceEvent> = details
        .iter()
        .enumerate()
        .map(|(i, &detail)| TraceEvent {
            time: u64::MAX - i as u64,
            detail,
            op: u32::MAX - i as u32,
            actor: actors[i % actors.len()],
            peer: actors[(i + 4) % actors.len()],
            attempt: i as u8,
        })
        .collect();
    let mut decoded = Vec::new();
    decode_events(&encode_trace(&events), &mut decoded).unwrap();
    assert_eq!(decoded, events);
}

#[test]
fn every_actor_code_reads_back_and_others_do_not() {
    for actor in [
        Actor::Client(0),
        Actor::Client(u16::MAX),
        Actor::Balancer,
        Actor::Replica(7),
        Actor::Database,
        Actor::KeyStore,
        Actor::Provider,
        Actor::Email,
        Actor::Relay,
        Actor::OrderService,
        Actor::Broker,
        Actor::Consumer(3),
        Actor::Warehouse,
        Actor::Job(0),
        Actor::Job(u8::MAX),
        Actor::InputTopic,
        Actor::OutputTopic,
        Actor::Coordinator,
        Actor::Reader,
        Actor::Orchestrator,
        Actor::Inventory,
        Actor::Shipping,
        Actor::Nobody,
    ] {
        assert_eq!(Actor::from_code(actor.code()), Some(actor));
    }
    for code in [
        0x1,
        0x2_0001,
        0x3_0100,
        0x9_0001,
        0xB_0100,
        0xD_0100,
        0xE_0001,
        0x12_0001,
        0x15_0000,
        1 << 40,
    ] {
        assert_eq!(Actor::from_code(code), None, "{code:#x}");
    }
}

#[test]
fn damaged_bytes_are_an_error_not_a_wrong_run() {
    let mut scenario = presets()[0].scenario.clone();
    scenario.client.key_policy = KeyPolicy::PerOperation;
    let result = run(&scenario.clone().validate().unwrap());
    let trace = encode_trace(&result.trace);
    let rest = encode_result(&result);

    let mut events = Vec::new();
    assert!(decode_events(&trace[..trace.len() - 1], &mut events).is_err());
    for (byte, value) in [(24, 0u8), (24, 99), (34, 0xFF), (38, 0x7F)] {
        let mut damaged = trace.clone();
        damaged[byte] = value;
        let mut events = Vec::new();
        assert!(
            decode_events(&damaged, &mut events).is_err(),
            "byte {byte} set to {value} should not decode"
        );
    }
    let decode = |bytes: &[u8]| decode_result(bytes, scenario.clone(), Vec::new());
    for cut in [0, 1, rest.len() / 2, rest.len() - 1] {
        assert!(decode(&rest[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = rest.clone();
    longer.push(0);
    assert!(decode(&longer).is_err());
    // A length that promises more items than there are bytes is refused before reserving.
    let mut huge = rest.clone();
    let after_header = 4 + result.trace_hash.len() + 8 + 1 + 8 + 1;
    huge[after_header..after_header + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(decode(&huge).is_err());
}
