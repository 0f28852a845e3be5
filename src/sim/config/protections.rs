//! The protections a server can turn on, idempotency keys first.

use serde::{Deserialize, Serialize};

use super::messaging::{BrokerDedup, DedupStoreConfig};
use super::stream::StreamProtections;
use super::Micros;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStoreLocation {
    /// In the replica's memory: lost on crash, invisible to other replicas.
    Memory,
    /// In the shared, durable database.
    Database,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpsertMode {
    /// `ON CONFLICT DO NOTHING`
    DoNothing,
    /// `ON CONFLICT DO UPDATE`
    DoUpdate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdempotencyKeyConfig {
    pub enabled: bool,
    /// Reject requests without a key with 400.
    pub required: bool,
    pub store: KeyStoreLocation,
    pub ttl_us: Micros,
    /// Same key with a different payload → 422.
    pub fingerprint_check: bool,
    /// A key `in_progress` answers 409 instead of running the handler again.
    pub in_flight_lock: bool,
    /// After this long an `in_progress` record no longer blocks (its owner is presumed dead).
    pub lock_timeout_us: Micros,
    /// Save the key in the business transaction rather than in a second one afterwards.
    pub atomic: bool,
    /// Store and replay 5xx responses too (Stripe does).
    pub store_errors: bool,
}

impl Default for IdempotencyKeyConfig {
    fn default() -> Self {
        IdempotencyKeyConfig {
            enabled: false,
            required: false,
            store: KeyStoreLocation::Database,
            ttl_us: 86_400_000_000,
            fingerprint_check: true,
            in_flight_lock: true,
            lock_timeout_us: 5_000_000,
            atomic: true,
            store_errors: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Protections {
    pub idempotency_key: IdempotencyKeyConfig,
    /// Unique natural key on orders with `ON CONFLICT`.
    pub upsert: bool,
    pub upsert_mode: UpsertMode,
    /// Conditional writes `WHERE version = v` on accounts, inventory and profiles.
    pub cas: bool,
    /// Re-read-and-retry rounds after a version conflict.
    pub cas_retries: u32,
    /// Forward a derived key to the payment provider and the email service.
    pub key_propagation: bool,
    /// Write emails (and, in the events workload, the `OrderPlaced` event) to the outbox in
    /// the business transaction; a relay sends them.
    pub outbox: bool,
    /// The idempotent consumer: processed message ids in a dedup store.
    pub dedup_store: DedupStoreConfig,
    /// Kafka's idempotent producer: a producer id and per-partition sequence numbers, so
    /// the broker drops a re-sent batch it already has (within one producer session).
    pub idempotent_producer: bool,
    /// SQS FIFO deduplication of sends within 5 minutes (queue mode).
    pub broker_dedup: BrokerDedup,
    /// A consumer extends a message's visibility while it works on it (queue mode).
    pub visibility_heartbeat: bool,
    /// The stream workload's: transactions, isolation, offsets, transactional.id, timeout.
    pub stream: StreamProtections,
    /// Saga: every step and compensation carries a key derived from the order and the
    /// step, which the inventory, the provider and the shipping service deduplicate by.
    pub saga_step_keys: bool,
    /// Saga: the log records a step done in the same transaction as the order's state.
    pub saga_atomic_log: bool,
}

impl Default for Protections {
    fn default() -> Self {
        Protections {
            idempotency_key: IdempotencyKeyConfig::default(),
            upsert: false,
            upsert_mode: UpsertMode::DoNothing,
            cas: false,
            cas_retries: 3,
            key_propagation: false,
            outbox: false,
            dedup_store: DedupStoreConfig::default(),
            idempotent_producer: false,
            broker_dedup: BrokerDedup::Off,
            visibility_heartbeat: false,
            stream: StreamProtections::default(),
            saga_step_keys: false,
            saga_atomic_log: false,
        }
    }
}

impl Protections {
    /// Every protection on, with safe parameters.
    pub fn full() -> Self {
        Protections {
            idempotency_key: IdempotencyKeyConfig {
                enabled: true,
                required: true,
                store: KeyStoreLocation::Database,
                ttl_us: 86_400_000_000,
                fingerprint_check: true,
                in_flight_lock: true,
                lock_timeout_us: 30_000_000,
                atomic: true,
                store_errors: false,
            },
            upsert: true,
            upsert_mode: UpsertMode::DoNothing,
            cas: true,
            cas_retries: 8,
            key_propagation: true,
            outbox: true,
            dedup_store: DedupStoreConfig {
                enabled: true,
                ..DedupStoreConfig::default()
            },
            idempotent_producer: true,
            broker_dedup: BrokerDedup::ExplicitId,
            visibility_heartbeat: true,
            stream: StreamProtections::full(),
            saga_step_keys: true,
            saga_atomic_log: true,
        }
    }
}
