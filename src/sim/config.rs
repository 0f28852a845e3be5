//! Scenario configuration: a plain serde type, validated once before a run.
//!
//! Every tunable field is described in [`KNOBS`]: its dotted path, what it means and
//! its allowed range. Validation, the CLI's `--set` and the browser's control panel all
//! read that one table, so a knob cannot be documented in one place and checked in another.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Microseconds of virtual time.
pub type Micros = u64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// `POST /payments`: charge the card, record the payment.
    Payment,
    /// `POST /checkout`: charge, insert an order, decrement inventory, send an email.
    Checkout,
    /// Deposits and withdrawals on shared accounts.
    Wallet,
    /// `PUT` (replace) and `DELETE` of a profile.
    Profile,
}

impl Workload {
    pub const ALL: [Workload; 4] = [
        Workload::Payment,
        Workload::Checkout,
        Workload::Wallet,
        Workload::Profile,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Payment => "payment",
            Workload::Checkout => "checkout",
            Workload::Wallet => "wallet",
            Workload::Profile => "profile",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyPolicy {
    /// No `Idempotency-Key` header.
    None,
    /// One key per logical operation, reused by its retries (correct).
    PerOperation,
    /// A fresh key on every attempt (the classic bug).
    PerAttempt,
    /// One key for every operation of the client (the other bug).
    ReusedAcrossOperations,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackoffKind {
    Fixed,
    Exponential,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    pub timeout_us: Micros,
    pub max_attempts: u32,
    pub backoff: BackoffKind,
    pub backoff_base_us: Micros,
    pub backoff_max_us: Micros,
    /// Full jitter: the wait is uniform in [0, backoff].
    pub jitter: bool,
    pub key_policy: KeyPolicy,
    /// Pause between one operation's end and the next one's start.
    pub think_time_us: Micros,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout_us: 300_000,
            max_attempts: 4,
            backoff: BackoffKind::Exponential,
            backoff_base_us: 100_000,
            backoff_max_us: 2_000_000,
            jitter: true,
            key_policy: KeyPolicy::PerOperation,
            think_time_us: 50_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayKind {
    /// minimum + exponential(mean)
    Exponential,
    /// uniform in [minimum, minimum + 2·mean]
    Uniform,
}

/// A scheduled window in which every message on the client↔server network is dropped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partition {
    pub start_us: Micros,
    pub end_us: Micros,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    pub request_loss: f64,
    pub response_loss: f64,
    pub duplication: f64,
    pub delay: DelayKind,
    pub delay_min_us: Micros,
    pub delay_mean_us: Micros,
    pub partitions: Vec<Partition>,
    /// Loss on the server↔payment-provider link, each way.
    pub provider_loss: f64,
    /// Loss on the server↔email-service link, each way.
    pub email_loss: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            request_loss: 0.0,
            response_loss: 0.0,
            duplication: 0.0,
            delay: DelayKind::Exponential,
            delay_min_us: 5_000,
            delay_mean_us: 15_000,
            partitions: Vec::new(),
            provider_loss: 0.0,
            email_loss: 0.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalancerPolicy {
    RoundRobin,
    Random,
    Sticky,
}

/// The four places a replica can be made to crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CrashPoint {
    BeforeWrite,
    AfterWriteBeforeKeySave,
    AfterProviderCallBeforeCommit,
    AfterCommitBeforeResponse,
}

impl CrashPoint {
    pub const ALL: [CrashPoint; 4] = [
        CrashPoint::BeforeWrite,
        CrashPoint::AfterProviderCallBeforeCommit,
        CrashPoint::AfterWriteBeforeKeySave,
        CrashPoint::AfterCommitBeforeResponse,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::BeforeWrite => "before_write",
            CrashPoint::AfterWriteBeforeKeySave => "after_write_before_key_save",
            CrashPoint::AfterProviderCallBeforeCommit => "after_provider_call_before_commit",
            CrashPoint::AfterCommitBeforeResponse => "after_commit_before_response",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CrashPoint::BeforeWrite => "before writing anything",
            CrashPoint::AfterWriteBeforeKeySave => {
                "after the business write but before saving the idempotency key"
            }
            CrashPoint::AfterProviderCallBeforeCommit => {
                "after charging the card but before committing"
            }
            CrashPoint::AfterCommitBeforeResponse => "after committing but before responding",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrashConfig {
    pub before_write: f64,
    pub after_write_before_key_save: f64,
    pub after_provider_call_before_commit: f64,
    pub after_commit_before_response: f64,
    pub downtime_us: Micros,
}

impl Default for CrashConfig {
    fn default() -> Self {
        CrashConfig {
            before_write: 0.0,
            after_write_before_key_save: 0.0,
            after_provider_call_before_commit: 0.0,
            after_commit_before_response: 0.0,
            downtime_us: 500_000,
        }
    }
}

impl CrashConfig {
    pub fn probability(&self, point: CrashPoint) -> f64 {
        match point {
            CrashPoint::BeforeWrite => self.before_write,
            CrashPoint::AfterWriteBeforeKeySave => self.after_write_before_key_save,
            CrashPoint::AfterProviderCallBeforeCommit => self.after_provider_call_before_commit,
            CrashPoint::AfterCommitBeforeResponse => self.after_commit_before_response,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub processing_min_us: Micros,
    pub processing_mean_us: Micros,
    /// Probability that a request is slow (takes `slow_us` extra), e.g. a GC pause.
    pub slow_probability: f64,
    pub slow_us: Micros,
    /// Round trip of one database statement or transaction.
    pub db_rtt_us: Micros,
    /// How long a replica waits for the provider or email service before retrying the call.
    pub external_timeout_us: Micros,
    /// Attempts of one external call before the handler gives up with 502.
    pub external_attempts: u32,
    pub crash: CrashConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            processing_min_us: 5_000,
            processing_mean_us: 10_000,
            slow_probability: 0.0,
            slow_us: 1_000_000,
            db_rtt_us: 1_000,
            external_timeout_us: 150_000,
            external_attempts: 3,
            crash: CrashConfig::default(),
        }
    }
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WalletWrite {
    /// Read the balance, then `SET balance = read + x`.
    Set,
    /// `SET balance = balance + x` in one statement.
    Increment,
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
    /// Write emails to the outbox in the business transaction; a relay sends them.
    pub outbox: bool,
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
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorldConfig {
    /// Units of the one product the checkout sells.
    pub stock: u64,
    /// Accounts shared by the wallet clients.
    pub accounts: u32,
    pub initial_balance: i64,
    pub wallet_write: WalletWrite,
    /// The payment provider honours an idempotency key it is given.
    pub provider_honours_keys: bool,
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            stock: 1_000_000,
            accounts: 2,
            initial_balance: 1_000,
            wallet_write: WalletWrite::Set,
            provider_honours_keys: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    pub workload: Workload,
    pub seed: u64,
    pub clients: u32,
    /// Logical operations in total, shared round-robin among the clients.
    pub operations: u32,
    pub replicas: u32,
    pub balancer: BalancerPolicy,
    pub client: ClientConfig,
    pub network: NetworkConfig,
    pub server: ServerConfig,
    pub protections: Protections,
    pub world: WorldConfig,
    /// The run stops (and says so) after this many events.
    pub max_events: u64,
    /// Record the full trace (off for sweeps: counts only).
    pub trace: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            workload: Workload::Payment,
            seed: 1,
            clients: 2,
            operations: 20,
            replicas: 2,
            balancer: BalancerPolicy::RoundRobin,
            client: ClientConfig::default(),
            network: NetworkConfig::default(),
            server: ServerConfig::default(),
            protections: Protections::default(),
            world: WorldConfig::default(),
            max_events: 2_000_000,
            trace: true,
        }
    }
}

/// Hard limits, checked before a run starts.
pub mod limits {
    pub const MAX_CLIENTS: u64 = 64;
    pub const MAX_REPLICAS: u64 = 8;
    pub const MAX_OPERATIONS: u64 = 100_000;
    pub const MAX_EVENTS: u64 = 20_000_000;
    pub const MAX_ATTEMPTS: u64 = 20;
    pub const MAX_PARTITIONS: usize = 16;
    /// One hour of virtual time bounds every duration knob.
    pub const MAX_DURATION_US: u64 = 3_600_000_000;
    pub const MAX_TTL_US: u64 = 7 * 86_400_000_000;
    /// A full trace costs memory; above this many events tracing must be off.
    pub const MAX_TRACED_EVENTS: u64 = 3_000_000;
}

/// What kind of value a knob holds, with its range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KnobKind {
    Bool,
    Probability,
    /// An integer count in [min, max].
    Count {
        min: u64,
        max: u64,
    },
    /// A duration in microseconds in [min, max].
    Duration {
        min: u64,
        max: u64,
    },
    /// A signed integer in [min, max].
    Signed {
        min: i64,
        max: i64,
    },
    Choice(&'static [&'static str]),
}

/// Where a knob belongs in the control panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnobGroup {
    Run,
    Client,
    Network,
    Server,
    Faults,
    Protection,
    World,
}

impl KnobGroup {
    pub fn title(self) -> &'static str {
        match self {
            KnobGroup::Run => "Run",
            KnobGroup::Client => "Client",
            KnobGroup::Network => "Network",
            KnobGroup::Server => "Server",
            KnobGroup::Faults => "Crashes",
            KnobGroup::Protection => "Protections",
            KnobGroup::World => "World",
        }
    }
}

/// One tunable field of [`Scenario`].
#[derive(Clone, Copy, Debug)]
pub struct Knob {
    pub path: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: KnobKind,
    pub group: KnobGroup,
}

const fn knob(
    path: &'static str,
    label: &'static str,
    help: &'static str,
    kind: KnobKind,
    group: KnobGroup,
) -> Knob {
    Knob {
        path,
        label,
        help,
        kind,
        group,
    }
}

use limits::*;
use KnobGroup as G;
use KnobKind as K;

const HOUR: u64 = MAX_DURATION_US;

/// Every knob of a scenario.
pub const KNOBS: &[Knob] = &[
    knob(
        "workload",
        "Workload",
        "What the clients do.",
        K::Choice(&["payment", "checkout", "wallet", "profile"]),
        G::Run,
    ),
    knob(
        "seed",
        "Seed",
        "Drives every random choice; same seed, same run.",
        K::Count {
            min: 0,
            max: u64::MAX,
        },
        G::Run,
    ),
    knob(
        "clients",
        "Clients",
        "Concurrent clients.",
        K::Count {
            min: 1,
            max: MAX_CLIENTS,
        },
        G::Run,
    ),
    knob(
        "operations",
        "Operations",
        "Logical operations in total, shared among the clients.",
        K::Count {
            min: 1,
            max: MAX_OPERATIONS,
        },
        G::Run,
    ),
    knob(
        "replicas",
        "Replicas",
        "Server replicas behind the load balancer.",
        K::Count {
            min: 1,
            max: MAX_REPLICAS,
        },
        G::Run,
    ),
    knob(
        "balancer",
        "Load balancing",
        "How the load balancer picks a replica.",
        K::Choice(&["round_robin", "random", "sticky"]),
        G::Run,
    ),
    knob(
        "max_events",
        "Event limit",
        "The run stops after this many events.",
        K::Count {
            min: 1_000,
            max: MAX_EVENTS,
        },
        G::Run,
    ),
    knob(
        "trace",
        "Record trace",
        "Keep every event (off: counts only).",
        K::Bool,
        G::Run,
    ),
    knob(
        "client.timeout_us",
        "Timeout",
        "How long a client waits for a response.",
        K::Duration {
            min: 1_000,
            max: HOUR,
        },
        G::Client,
    ),
    knob(
        "client.max_attempts",
        "Max attempts",
        "Attempts per operation, the first included.",
        K::Count {
            min: 1,
            max: MAX_ATTEMPTS,
        },
        G::Client,
    ),
    knob(
        "client.backoff",
        "Backoff",
        "Wait between attempts: fixed or doubling.",
        K::Choice(&["fixed", "exponential"]),
        G::Client,
    ),
    knob(
        "client.backoff_base_us",
        "Backoff base",
        "First wait before a retry.",
        K::Duration { min: 0, max: HOUR },
        G::Client,
    ),
    knob(
        "client.backoff_max_us",
        "Backoff cap",
        "Longest wait before a retry.",
        K::Duration { min: 0, max: HOUR },
        G::Client,
    ),
    knob(
        "client.jitter",
        "Jitter",
        "Randomise each wait in [0, backoff].",
        K::Bool,
        G::Client,
    ),
    knob(
        "client.key_policy",
        "Key policy",
        "How the client picks Idempotency-Key values.",
        K::Choice(&[
            "none",
            "per-operation",
            "per-attempt",
            "reused-across-operations",
        ]),
        G::Client,
    ),
    knob(
        "client.think_time_us",
        "Think time",
        "Pause between a client's operations.",
        K::Duration { min: 0, max: HOUR },
        G::Client,
    ),
    knob(
        "network.request_loss",
        "Request loss",
        "Probability a request is lost on the way to the server.",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.response_loss",
        "Response loss",
        "Probability a response is lost on the way back.",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.duplication",
        "Duplication",
        "Probability a message is delivered twice (the copy has its own delay).",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.delay",
        "Delay shape",
        "Exponential tail or uniform spread.",
        K::Choice(&["exponential", "uniform"]),
        G::Network,
    ),
    knob(
        "network.delay_min_us",
        "Delay minimum",
        "Smallest one-way delay.",
        K::Duration { min: 0, max: HOUR },
        G::Network,
    ),
    knob(
        "network.delay_mean_us",
        "Delay mean",
        "Mean of the random part of the delay.",
        K::Duration { min: 0, max: HOUR },
        G::Network,
    ),
    knob(
        "network.provider_loss",
        "Provider link loss",
        "Loss each way between replicas and the payment provider.",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.email_loss",
        "Email link loss",
        "Loss each way between replicas and the email service.",
        K::Probability,
        G::Network,
    ),
    knob(
        "server.processing_min_us",
        "Processing minimum",
        "Least time a handler computes.",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.processing_mean_us",
        "Processing mean",
        "Mean extra handler time (exponential).",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.slow_probability",
        "Slow requests",
        "Probability a request takes the slow path.",
        K::Probability,
        G::Server,
    ),
    knob(
        "server.slow_us",
        "Slow extra time",
        "Extra time of a slow request.",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.db_rtt_us",
        "Database round trip",
        "Time of one database statement or transaction.",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.external_timeout_us",
        "External call timeout",
        "How long a replica waits for the provider or email service.",
        K::Duration {
            min: 1_000,
            max: HOUR,
        },
        G::Server,
    ),
    knob(
        "server.external_attempts",
        "External call attempts",
        "Attempts of one provider or email call.",
        K::Count {
            min: 1,
            max: MAX_ATTEMPTS,
        },
        G::Server,
    ),
    knob(
        "server.crash.before_write",
        "Crash before write",
        "Probability a replica crashes before any effect.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.after_provider_call_before_commit",
        "Crash after charge",
        "Probability of a crash after the provider call, before the commit.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.after_write_before_key_save",
        "Crash before key save",
        "Probability of a crash between the business write and a separate key save.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.after_commit_before_response",
        "Crash after commit",
        "Probability of a crash after the commit, before the response.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.downtime_us",
        "Downtime",
        "How long a crashed replica stays down.",
        K::Duration { min: 0, max: HOUR },
        G::Faults,
    ),
    knob(
        "protections.idempotency_key.enabled",
        "Idempotency keys",
        "The server deduplicates requests by Idempotency-Key.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.required",
        "Key required",
        "Reject requests without a key (400).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.store",
        "Key store",
        "Where the key records live.",
        K::Choice(&["memory", "database"]),
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.ttl_us",
        "Key TTL",
        "How long a key record is kept.",
        K::Duration {
            min: 1_000,
            max: MAX_TTL_US,
        },
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.fingerprint_check",
        "Fingerprint check",
        "Same key with another payload is rejected (422).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.in_flight_lock",
        "In-flight lock",
        "A key still in progress answers 409.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.lock_timeout_us",
        "Lock timeout",
        "After this an in-progress record stops blocking.",
        K::Duration {
            min: 1_000,
            max: HOUR,
        },
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.atomic",
        "Atomic key save",
        "Save the key in the business transaction.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.store_errors",
        "Store 5xx",
        "Store and replay server errors too.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.upsert",
        "Upsert",
        "Orders have a unique natural key (ON CONFLICT).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.upsert_mode",
        "Upsert mode",
        "What the insert does on conflict.",
        K::Choice(&["do_nothing", "do_update"]),
        G::Protection,
    ),
    knob(
        "protections.cas",
        "CAS versioning",
        "Conditional writes WHERE version = v.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.cas_retries",
        "CAS retries",
        "Re-read-and-retry rounds after a conflict.",
        K::Count { min: 0, max: 20 },
        G::Protection,
    ),
    knob(
        "protections.key_propagation",
        "Key propagation",
        "Forward a derived key to the provider and email service.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.outbox",
        "Transactional outbox",
        "Emails go through the outbox and a relay.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "world.stock",
        "Stock",
        "Units the checkout can sell.",
        K::Count {
            min: 0,
            max: 1_000_000_000,
        },
        G::World,
    ),
    knob(
        "world.accounts",
        "Accounts",
        "Wallet accounts shared by the clients.",
        K::Count { min: 1, max: 64 },
        G::World,
    ),
    knob(
        "world.initial_balance",
        "Initial balance",
        "Starting balance of each account.",
        K::Signed {
            min: -1_000_000_000,
            max: 1_000_000_000,
        },
        G::World,
    ),
    knob(
        "world.wallet_write",
        "Wallet write",
        "SET balance = read + x, or balance = balance + x.",
        K::Choice(&["set", "increment"]),
        G::World,
    ),
    knob(
        "world.provider_honours_keys",
        "Provider honours keys",
        "The payment provider deduplicates by the key it is given.",
        K::Bool,
        G::World,
    ),
];

/// A scenario that passed validation. Only these can be run.
#[derive(Clone, Debug)]
pub struct ValidScenario(Scenario);

impl ValidScenario {
    pub fn scenario(&self) -> &Scenario {
        &self.0
    }
}

/// Find a knob by its dotted path.
pub fn knob_by_path(path: &str) -> Option<&'static Knob> {
    KNOBS.iter().find(|k| k.path == path)
}

/// Read a value at a dotted path of a JSON object.
pub fn value_at<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(root, |v, part| v.get(part))
}

fn value_at_mut<'a>(root: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.').try_fold(root, |v, part| v.get_mut(part))
}

fn check_knob(knob: &Knob, value: &Value) -> Result<(), String> {
    let path = knob.path;
    match knob.kind {
        K::Bool => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| format!("{path} must be true or false")),
        K::Probability => match value.as_f64() {
            Some(p) if (0.0..=1.0).contains(&p) => Ok(()),
            Some(p) => Err(format!(
                "{path} is a probability and must be between 0 and 1, not {p}"
            )),
            None => Err(format!("{path} must be a number between 0 and 1")),
        },
        K::Count { min, max } | K::Duration { min, max } => {
            let unit = if matches!(knob.kind, K::Duration { .. }) {
                " µs"
            } else {
                ""
            };
            match value.as_u64() {
                Some(n) if (min..=max).contains(&n) => Ok(()),
                Some(n) => Err(format!(
                    "{path} must be between {min} and {max}{unit}, not {n}"
                )),
                None => Err(format!(
                    "{path} must be a whole number between {min} and {max}{unit}"
                )),
            }
        }
        K::Signed { min, max } => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(format!(
                "{path} must be a whole number between {min} and {max}"
            )),
        },
        K::Choice(options) => match value.as_str() {
            Some(s) if options.contains(&s) => Ok(()),
            _ => Err(format!("{path} must be one of: {}", options.join(", "))),
        },
    }
}

impl Scenario {
    /// Check every knob's range and the cross-field rules.
    pub fn validate(self) -> Result<ValidScenario, String> {
        let json = serde_json::to_value(&self).map_err(|e| e.to_string())?;
        for knob in KNOBS {
            let value =
                value_at(&json, knob.path).ok_or_else(|| format!("{} is missing", knob.path))?;
            check_knob(knob, value)?;
        }
        if self.network.partitions.len() > MAX_PARTITIONS {
            return Err(format!("at most {MAX_PARTITIONS} partitions are allowed"));
        }
        for p in &self.network.partitions {
            if p.start_us >= p.end_us || p.end_us > MAX_DURATION_US {
                return Err(format!(
                    "a partition must end after it starts and within one hour (got {}..{} µs)",
                    p.start_us, p.end_us
                ));
            }
        }
        if self.client.backoff_max_us < self.client.backoff_base_us {
            return Err("client.backoff_max_us must be at least client.backoff_base_us".into());
        }
        if self.trace && self.max_events > MAX_TRACED_EVENTS {
            return Err(format!(
                "with trace on, max_events can be at most {MAX_TRACED_EVENTS}; turn trace off for bigger runs"
            ));
        }
        Ok(ValidScenario(self))
    }

    /// Apply `key=value` overrides; a value is parsed as JSON, else taken as a string.
    pub fn with_override(self, assignment: &str) -> Result<Scenario, String> {
        let (path, raw) = assignment
            .split_once('=')
            .ok_or_else(|| format!("--set needs key=value, got '{assignment}'"))?;
        let path = path.trim();
        let knob = knob_by_path(path)
            .ok_or_else(|| format!("unknown setting '{path}' (run `idemlab keys` to list them)"))?;
        let raw = raw.trim();
        let value: Value = match knob.kind {
            K::Choice(_) => Value::String(raw.to_string()),
            _ => serde_json::from_str(raw)
                .map_err(|_| format!("{path}: '{raw}' is not a valid value"))?,
        };
        check_knob(knob, &value)?;
        let mut json = serde_json::to_value(&self).map_err(|e| e.to_string())?;
        *value_at_mut(&mut json, path).ok_or_else(|| format!("{path} is missing"))? = value;
        serde_json::from_value(json).map_err(|e| format!("{path}: {e}"))
    }

    /// Parse a scenario from JSON text, with a size limit, as from an imported file.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        const MAX_BYTES: usize = 256 * 1024;
        if text.len() > MAX_BYTES {
            return Err(format!(
                "the configuration is {} KB; at most {} KB is accepted",
                text.len() / 1024,
                MAX_BYTES / 1024
            ));
        }
        serde_json::from_str(text).map_err(|e| format!("not a valid scenario: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scenario_is_valid() {
        Scenario::default().validate().unwrap();
    }

    #[test]
    fn every_knob_path_exists_in_the_default() {
        let json = serde_json::to_value(Scenario::default()).unwrap();
        for knob in KNOBS {
            let value = value_at(&json, knob.path).unwrap_or_else(|| panic!("{}", knob.path));
            check_knob(knob, value).unwrap();
        }
    }

    #[test]
    fn probability_out_of_range_is_rejected_with_the_path() {
        let mut s = Scenario::default();
        s.network.response_loss = 1.5;
        let err = s.validate().unwrap_err();
        assert!(err.contains("network.response_loss"), "{err}");
        assert!(err.contains("between 0 and 1"), "{err}");
    }

    #[test]
    fn zero_clients_and_too_many_operations_are_rejected() {
        let s = Scenario {
            clients: 0,
            ..Scenario::default()
        };
        assert!(s.validate().unwrap_err().contains("clients"));
        let s = Scenario {
            operations: 1_000_000,
            ..Scenario::default()
        };
        assert!(s.validate().unwrap_err().contains("operations"));
        let s = Scenario {
            replicas: 9,
            ..Scenario::default()
        };
        assert!(s.validate().unwrap_err().contains("replicas"));
    }

    #[test]
    fn overrides_set_typed_values_and_reject_bad_ones() {
        let s = Scenario::default()
            .with_override("network.response_loss=0.25")
            .unwrap()
            .with_override("client.key_policy=per-attempt")
            .unwrap()
            .with_override("protections.idempotency_key.enabled=true")
            .unwrap();
        assert_eq!(s.network.response_loss, 0.25);
        assert_eq!(s.client.key_policy, KeyPolicy::PerAttempt);
        assert!(s.protections.idempotency_key.enabled);
        assert!(Scenario::default().with_override("network.nope=1").is_err());
        assert!(Scenario::default().with_override("clients=-3").is_err());
        assert!(Scenario::default()
            .with_override("client.key_policy=sometimes")
            .is_err());
        assert!(Scenario::default().with_override("noequals").is_err());
    }

    #[test]
    fn oversized_or_malformed_json_is_rejected() {
        assert!(Scenario::from_json("{").is_err());
        assert!(Scenario::from_json(r#"{"clients": "many"}"#).is_err());
        assert!(Scenario::from_json(r#"{"bogus": 1}"#).is_err());
        let big = format!(
            "{{\"workload\": \"payment\", \"x\": \"{}\"}}",
            "a".repeat(300_000)
        );
        assert!(Scenario::from_json(&big).unwrap_err().contains("KB"));
    }
}
