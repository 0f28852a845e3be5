//! Property test: no scenario inside the documented limits panics or exceeds its event bound.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::*;
use idempotency_lab::sim::run;
use proptest::prelude::*;

/// The stream workload's job and its protections, anywhere inside their limits.
fn stream() -> impl Strategy<Value = (StreamConfig, StreamProtections)> {
    (
        prop::bool::ANY,
        prop::array::uniform8(1_000u64..=3_000_000),
        prop::array::uniform6(0.0..=1.0f64),
        1u32..=100,
        prop::array::uniform6(prop::bool::ANY),
        prop_oneof![Just(0u64), 1_000u64..=3_600_000_000],
    )
        .prop_map(|(flink, times, p, batch_records, flags, timeout)| {
            let config = StreamConfig {
                mode: if flink {
                    StreamMode::Flink
                } else {
                    StreamMode::Kafka
                },
                order_interval_us: times[0],
                processing_min_us: times[1] / 10,
                processing_mean_us: times[2] / 10,
                slow_probability: p[0],
                slow_us: times[3],
                batch_records,
                offset_commit: if flags[5] {
                    StreamOffsetCommit::BeforeTransaction
                } else {
                    StreamOffsetCommit::AfterTransaction
                },
                transaction_max_timeout_us: 900_000_000,
                checkpoint_interval_us: times[4],
                checkpoint_ack_us: times[5] / 10,
                liveness_timeout_us: times[6],
                pause_probability: p[1],
                pause_us: times[7],
                crash: StreamCrashConfig {
                    after_write: p[2],
                    between_commits: p[3],
                    after_pre_commit: p[4],
                    after_checkpoint: p[5],
                    downtime_us: times[0] / 2,
                },
            };
            let protections = StreamProtections {
                transactions: flags[0],
                read_committed: flags[1],
                offsets_in_transaction: flags[2],
                stable_transactional_id: flags[3],
                transaction_timeout_us: timeout,
                upsert_sink: flags[4],
            };
            (config, protections)
        })
}

/// The events workload's world and its protections, anywhere inside their limits.
fn messaging() -> impl Strategy<Value = (MessagingConfig, DedupStoreConfig, [bool; 2], BrokerDedup)>
{
    let shape = (
        prop::bool::ANY,
        1u32..=8,
        1u32..=8,
        1_000u64..=200_000,
        prop::sample::select(vec![
            OffsetCommit::BeforeProcessing,
            OffsetCommit::AfterProcessing,
            OffsetCommit::Auto,
        ]),
        0u32..=5,
        prop::bool::ANY,
    );
    let times = prop::array::uniform8(1_000u64..=3_000_000);
    let faults = (
        prop::array::uniform6(0.0..=1.0f64),
        0.0..=1.0f64,
        0.0..=1.0f64,
        0.0..=1.0f64,
        0u64..=3_000_000,
    );
    let protections = (
        prop::array::uniform4(prop::bool::ANY),
        prop::sample::select(vec![
            DedupRecording::SameTransaction,
            DedupRecording::AfterEffect,
            DedupRecording::BeforeProcessing,
        ]),
        1_000u64..=10_000_000,
        prop::sample::select(vec![
            BrokerDedup::Off,
            BrokerDedup::ContentBased,
            BrokerDedup::ExplicitId,
        ]),
    );
    (shape, times, faults, protections).prop_map(|(shape, times, faults, protections)| {
        let (queue, partitions, consumers, order_interval_us, commit, max_receive_count, honours) =
            shape;
        let (crash, slow_probability, publish_loss, warehouse_loss, downtime_us) = faults;
        let (flags, recording, ttl_us, broker_dedup) = protections;
        let messaging = MessagingConfig {
            mode: if queue {
                BrokerMode::Queue
            } else {
                BrokerMode::Log
            },
            partitions,
            consumers,
            order_interval_us,
            processing_min_us: times[0] / 10,
            processing_mean_us: times[1] / 10,
            slow_probability,
            slow_us: times[2],
            commit,
            auto_commit_interval_us: times[3],
            max_poll_interval_us: times[4],
            session_timeout_us: times[5],
            visibility_timeout_us: times[6],
            max_receive_count,
            publish_loss,
            warehouse_loss,
            request_timeout_us: times[7],
            delivery_timeout_us: 10_000_000,
            relay_interval_us: times[0],
            warehouse_timeout_us: times[1],
            warehouse_honours_keys: honours,
            crash: MessagingCrashConfig {
                after_commit_before_publish: crash[0],
                relay_before_ack: crash[1],
                relay_before_mark_sent: crash[2],
                consumer_after_receive: crash[3],
                consumer_after_ship: crash[4],
                consumer_after_apply: crash[5],
                downtime_us,
            },
        };
        let dedup = DedupStoreConfig {
            enabled: flags[0],
            location: if flags[1] {
                DedupLocation::Memory
            } else {
                DedupLocation::Database
            },
            ttl_us,
            recording,
        };
        (messaging, dedup, [flags[2], flags[3]], broker_dedup)
    })
}

/// The saga workload's world and its protections, anywhere inside their limits.
fn saga() -> impl Strategy<Value = (SagaConfig, [bool; 2])> {
    (
        prop::sample::select(vec![SagaStep::Reserve, SagaStep::Charge, SagaStep::Ship]),
        prop::array::uniform4(0u64..=3_000_000),
        (1u32..=20, 1u32..=20),
        prop::array::uniform8(0.0..=1.0f64),
        prop::array::uniform3(0.0..=1.0f64),
        prop::array::uniform2(prop::bool::ANY),
    )
        .prop_map(|(pivot, times, attempts, p, crash, flags)| {
            let config = SagaConfig {
                pivot,
                order_interval_us: times[0].max(1_000),
                step_timeout_us: times[1].max(1_000),
                max_attempts: attempts.0,
                compensation_max_attempts: attempts.1,
                retry_backoff_us: times[2],
                out_of_stock: p[0],
                card_declined: p[1],
                shipping_refused: p[2],
                inventory_loss: p[3],
                provider_loss: p[4],
                shipping_loss: p[5],
                slow_probability: p[6],
                slow_us: times[3],
                crash: SagaCrashConfig {
                    after_send: crash[0],
                    after_reply_before_log: crash[1],
                    between_state_and_log: crash[2],
                    downtime_us: (p[7] * 2_000_000.0) as u64,
                },
            };
            (config, flags)
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let shape = (
        prop::sample::select(Workload::ALL.to_vec()),
        any::<u64>(),
        1u32..=12,
        1u32..=150,
        1u32..=limits::MAX_REPLICAS as u32,
        prop::sample::select(vec![
            BalancerPolicy::RoundRobin,
            BalancerPolicy::Random,
            BalancerPolicy::Sticky,
        ]),
        1_000u64..=60_000,
    );
    let client = (
        1_000u64..=2_000_000,
        1u32..=limits::MAX_ATTEMPTS as u32,
        prop::bool::ANY,
        0u64..=500_000,
        prop::bool::ANY,
        prop::sample::select(vec![
            KeyPolicy::None,
            KeyPolicy::PerOperation,
            KeyPolicy::PerAttempt,
            KeyPolicy::ReusedAcrossOperations,
        ]),
        0u64..=200_000,
    );
    let network = (
        0.0..=1.0f64,
        0.0..=1.0f64,
        0.0..=1.0f64,
        prop::bool::ANY,
        0u64..=100_000,
        0u64..=200_000,
        0.0..=1.0f64,
        0.0..=1.0f64,
    );
    let server = (
        0u64..=100_000,
        0u64..=100_000,
        0.0..=1.0f64,
        0u64..=2_000_000,
        1u32..=5,
        prop::array::uniform4(0.0..=1.0f64),
        0u64..=1_000_000,
    );
    let protections = (
        prop::array::uniform8(prop::bool::ANY),
        1_000u64..=10_000_000,
        1_000u64..=10_000_000,
        0u32..=10,
        prop::bool::ANY,
    );
    let world = (0u64..=50, 1u32..=4, prop::bool::ANY, prop::bool::ANY);
    (
        shape,
        client,
        network,
        server,
        protections,
        world,
        (messaging(), stream(), saga()),
    )
        .prop_map(
            |(shape, client, network, server, protections, world, (messaging, stream, saga))| {
                let (stream, stream_protections) = stream;
                let (saga, [saga_step_keys, saga_atomic_log]) = saga;
                let (
                    messaging,
                    dedup_store,
                    [idempotent_producer, visibility_heartbeat],
                    broker_dedup,
                ) = messaging;
                let (workload, seed, clients, operations, replicas, balancer, max_events) = shape;
                let (
                    timeout_us,
                    max_attempts,
                    exponential,
                    backoff_base_us,
                    jitter,
                    key_policy,
                    think_time_us,
                ) = client;
                let (
                    request_loss,
                    response_loss,
                    duplication,
                    uniform,
                    delay_min_us,
                    delay_mean_us,
                    provider_loss,
                    email_loss,
                ) = network;
                let (
                    processing_min_us,
                    processing_mean_us,
                    slow_probability,
                    slow_us,
                    external_attempts,
                    crash,
                    downtime_us,
                ) = server;
                let (flags, ttl_us, lock_timeout_us, cas_retries, memory) = protections;
                let (stock, accounts, increment, honours) = world;
                Scenario {
                    workload,
                    seed,
                    clients,
                    operations,
                    replicas,
                    balancer,
                    max_events,
                    trace: true,
                    only_faults: None,
                    client: ClientConfig {
                        timeout_us,
                        max_attempts,
                        backoff: if exponential {
                            BackoffKind::Exponential
                        } else {
                            BackoffKind::Fixed
                        },
                        backoff_base_us,
                        backoff_max_us: backoff_base_us * 4,
                        jitter,
                        key_policy,
                        think_time_us,
                    },
                    network: NetworkConfig {
                        request_loss,
                        response_loss,
                        duplication,
                        delay: if uniform {
                            DelayKind::Uniform
                        } else {
                            DelayKind::Exponential
                        },
                        delay_min_us,
                        delay_mean_us,
                        partitions: vec![Partition {
                            start_us: 100_000,
                            end_us: 300_000,
                        }],
                        provider_loss,
                        email_loss,
                    },
                    server: ServerConfig {
                        processing_min_us,
                        processing_mean_us,
                        slow_probability,
                        slow_us,
                        db_rtt_us: 1_000,
                        external_timeout_us: 100_000,
                        external_attempts,
                        crash: CrashConfig {
                            before_write: crash[0],
                            after_write_before_key_save: crash[1],
                            after_provider_call_before_commit: crash[2],
                            after_commit_before_response: crash[3],
                            downtime_us,
                        },
                    },
                    protections: Protections {
                        idempotency_key: IdempotencyKeyConfig {
                            enabled: flags[0],
                            required: flags[1],
                            store: if memory {
                                KeyStoreLocation::Memory
                            } else {
                                KeyStoreLocation::Database
                            },
                            ttl_us,
                            fingerprint_check: flags[2],
                            in_flight_lock: flags[3],
                            lock_timeout_us,
                            atomic: flags[4],
                            store_errors: flags[5],
                        },
                        upsert: flags[6],
                        upsert_mode: UpsertMode::DoNothing,
                        cas: flags[7],
                        cas_retries,
                        key_propagation: !flags[7],
                        outbox: flags[1] ^ flags[6],
                        dedup_store,
                        idempotent_producer,
                        broker_dedup,
                        visibility_heartbeat,
                        stream: stream_protections,
                        saga_step_keys,
                        saga_atomic_log,
                    },
                    world: WorldConfig {
                        stock,
                        accounts,
                        initial_balance: 100,
                        wallet_write: if increment {
                            WalletWrite::Increment
                        } else {
                            WalletWrite::Set
                        },
                        provider_honours_keys: honours,
                    },
                    messaging,
                    stream,
                    saga,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_scenario_runs_within_its_event_bound(s in scenario()) {
        let max_events = s.max_events;
        let valid = s.validate().expect("the strategy stays inside the limits");
        let r = run(&valid);
        prop_assert!(r.events <= max_events);
        prop_assert_eq!(r.trace.len() as u64, r.events);
        prop_assert!(r.trace.windows(2).all(|w| w[0].time <= w[1].time));
        for a in &r.anomalies {
            prop_assert!(a.events.iter().all(|&e| (e as usize) < r.trace.len()));
        }
    }
}
