//! The top-level [`Scenario`] and the small sections of it: workload, client, balancer, world.

use serde::{Deserialize, Serialize};

use super::messaging::MessagingConfig;
use super::network::NetworkConfig;
use super::protections::Protections;
use super::saga::SagaConfig;
use super::server::ServerConfig;
use super::stream::StreamConfig;
use crate::sim::fault_set::{FaultId, FaultKind, FaultSet};

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
    /// An order service publishes `OrderPlaced`; a consumer group applies each event to a
    /// ledger and asks a warehouse to ship.
    Events,
    /// A read-process-write job turns `OrderPlaced` records into `Invoice` records (Kafka
    /// transactions, or a Flink-style job with a two-phase-commit sink).
    Stream,
    /// An orchestrator runs reserve stock → charge → ship per order, with compensations.
    Saga,
}

impl Workload {
    pub const ALL: [Workload; 7] = [
        Workload::Payment,
        Workload::Checkout,
        Workload::Wallet,
        Workload::Profile,
        Workload::Events,
        Workload::Stream,
        Workload::Saga,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Payment => "payment",
            Workload::Checkout => "checkout",
            Workload::Wallet => "wallet",
            Workload::Profile => "profile",
            Workload::Events => "events",
            Workload::Stream => "stream",
            Workload::Saga => "saga",
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
pub enum BalancerPolicy {
    RoundRobin,
    Random,
    Sticky,
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
    /// The broker, producers and consumers of the `events` workload.
    pub messaging: MessagingConfig,
    /// The job, topics and reader of the `stream` workload.
    pub stream: StreamConfig,
    /// The orchestrator and services of the `saga` workload.
    pub saga: SagaConfig,
    /// The run stops (and says so) after this many events.
    pub max_events: u64,
    /// Record the full trace (off for sweeps: counts only).
    pub trace: bool,
    /// When set, only these faults may happen (a shrunk run): any other fault that the
    /// knobs would draw is ignored. Unset, every drawn fault happens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_faults: Option<FaultSet>,
}

impl Scenario {
    /// Whether the fault `kind` may hit what `identity` names (see `only_faults`).
    #[inline]
    pub fn allows(&self, kind: FaultKind, identity: [u64; 4]) -> bool {
        self.only_faults
            .as_ref()
            .is_none_or(|only| only.contains(&FaultId::new(kind, identity)))
    }
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
            messaging: MessagingConfig::default(),
            stream: StreamConfig::default(),
            saga: SagaConfig::default(),
            max_events: 2_000_000,
            trace: true,
            only_faults: None,
        }
    }
}
