//! Property test: no scenario inside the documented limits panics or exceeds its event bound.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::*;
use idempotency_lab::sim::run;
use proptest::prelude::*;

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
    (shape, client, network, server, protections, world).prop_map(
        |(shape, client, network, server, protections, world)| {
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
