//! Named presets. Each off-preset makes one anomaly (or cost) appear; its
//! `<name>-protected` variant keeps the same seed and faults and applies the full
//! protection set, which makes it vanish.

mod groups;
mod messaging;
mod saga;
mod stream;

pub use groups::{preset_title, PresetGroup, GROUPS};

use super::config::*;
use super::oracle::AnomalyKind;

/// What a preset is meant to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lesson {
    Anomaly(AnomalyKind),
    /// Not an anomaly: the protection answers 422 (a client-visible cost).
    Rejections422,
    /// A benchmark run; no lesson.
    Benchmark,
}

#[derive(Clone, Debug)]
pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    pub lesson: Lesson,
    pub scenario: Scenario,
}

fn base(workload: Workload) -> Scenario {
    Scenario {
        workload,
        clients: 2,
        operations: 20,
        replicas: 2,
        client: ClientConfig {
            key_policy: KeyPolicy::None,
            ..ClientConfig::default()
        },
        ..Scenario::default()
    }
}

fn keys_on(s: &mut Scenario) -> &mut IdempotencyKeyConfig {
    s.client.key_policy = KeyPolicy::PerOperation;
    let keys = &mut s.protections.idempotency_key;
    keys.enabled = true;
    keys
}

/// The off-presets (those that show a problem) and the benchmark run.
fn base_presets() -> Vec<Preset> {
    let mut presets = Vec::new();
    let mut add = |name, description, lesson, scenario| {
        presets.push(Preset {
            name,
            description,
            lesson,
            scenario,
        })
    };

    let mut s = base(Workload::Payment);
    s.network.response_loss = 0.3;
    add("lost-response", "Payments with 30% of responses lost and no protections: the client retries and the card is charged again.", Lesson::Anomaly(AnomalyKind::DoubleCharge), s);

    let mut s = base(Workload::Checkout);
    s.server.crash.after_commit_before_response = 0.3;
    add("crash-after-commit", "Checkouts on replicas that crash after committing but before responding: the retry creates a second order.", Lesson::Anomaly(AnomalyKind::DuplicateOrder), s);

    let mut s = base(Workload::Payment);
    s.client.timeout_us = 100_000;
    s.server.processing_min_us = 150_000;
    s.server.processing_mean_us = 50_000;
    keys_on(&mut s).in_flight_lock = false;
    add("impatient-client", "The client's timeout is shorter than the handler: its retry runs while the first attempt is still in flight, and without an in-flight lock both charge.", Lesson::Anomaly(AnomalyKind::DoubleCharge), s);

    let mut s = base(Workload::Payment);
    s.replicas = 3;
    s.network.response_loss = 0.3;
    keys_on(&mut s).store = KeyStoreLocation::Memory;
    add("memory-key-store", "Idempotency keys kept in each replica's memory: a retry that lands on another replica finds no record and charges again.", Lesson::Anomaly(AnomalyKind::DoubleCharge), s);

    let mut s = base(Workload::Payment);
    s.network.response_loss = 0.4;
    s.client.backoff = BackoffKind::Fixed;
    s.client.backoff_base_us = 400_000;
    s.client.jitter = false;
    keys_on(&mut s).ttl_us = 200_000;
    add("short-ttl", "Idempotency keys expire after 200 ms but clients retry after 400 ms: the key is gone and the retry charges again.", Lesson::Anomaly(AnomalyKind::DoubleCharge), s);

    let mut s = base(Workload::Payment);
    s.network.response_loss = 0.3;
    keys_on(&mut s);
    s.client.key_policy = KeyPolicy::PerAttempt;
    add("key-per-attempt", "The server checks idempotency keys, but the client makes a new key for every attempt: each retry looks like a new payment.", Lesson::Anomaly(AnomalyKind::DoubleCharge), s);

    let mut s = base(Workload::Payment);
    keys_on(&mut s);
    s.client.key_policy = KeyPolicy::ReusedAcrossOperations;
    add("key-reuse", "The client reuses one key for different payments; the fingerprint check rejects them with 422.", Lesson::Rejections422, s);

    let mut s = base(Workload::Payment);
    keys_on(&mut s).fingerprint_check = false;
    s.client.key_policy = KeyPolicy::ReusedAcrossOperations;
    add("key-reuse-no-fingerprint", "The client reuses one key for different payments and the server does not compare payloads: later payments get the first one's stored response.", Lesson::Anomaly(AnomalyKind::WrongReplay), s);

    let mut s = base(Workload::Payment);
    s.operations = 80;
    s.network.response_loss = 0.3;
    s.network.delay_mean_us = 60_000;
    s.client.timeout_us = 800_000;
    s.server.external_timeout_us = 80_000;
    keys_on(&mut s).ttl_us = 200_000;
    s.protections.key_propagation = true;
    s.world.provider_honours_keys = true;
    add("refunded-replay", "A slow provider call is abandoned and the key store's recovery refunds it; after the short key TTL a retry runs again under the same key, the provider replays the refunded charge as paid, and the payment is recorded unpaid.", Lesson::Anomaly(AnomalyKind::UnpaidOrder), s);

    let mut s = base(Workload::Payment);
    s.server.crash.after_write_before_key_save = 0.3;
    let keys = keys_on(&mut s);
    keys.atomic = false;
    keys.lock_timeout_us = 200_000;
    add("crash-before-key-save", "The key is saved in a second transaction after the business write; a crash between the two leaves no completed record and the retry charges again.", Lesson::Anomaly(AnomalyKind::DoubleCharge), s);

    let mut s = base(Workload::Wallet);
    s.clients = 6;
    s.operations = 30;
    s.world.accounts = 1;
    s.client.think_time_us = 5_000;
    s.server.processing_mean_us = 20_000;
    add("concurrent-writers", "Six clients update one account with read-then-SET and no versioning: concurrent writes overwrite each other.", Lesson::Anomaly(AnomalyKind::LostUpdate), s);

    let mut s = base(Workload::Wallet);
    s.network.response_loss = 0.3;
    s.world.wallet_write = WalletWrite::Increment;
    add("retried-increment", "Deposits as balance = balance + x with 30% of responses lost: a retried increment is applied twice.", Lesson::Anomaly(AnomalyKind::DoubleApply), s);

    let mut s = base(Workload::Profile);
    s.operations = 100;
    s.network.duplication = 0.5;
    s.network.delay = DelayKind::Uniform;
    s.network.delay_mean_us = 150_000;
    s.client.timeout_us = 2_000_000;
    s.client.think_time_us = 0;
    add("reordered-requests", "The network duplicates and reorders profile updates: a late copy of an old PUT overwrites a newer one that the client was told succeeded.", Lesson::Anomaly(AnomalyKind::LostWrite), s);

    let mut s = base(Workload::Payment);
    s.network.provider_loss = 0.3;
    s.client.timeout_us = 1_000_000;
    keys_on(&mut s);
    add("provider-retry", "The server keeps its own idempotency keys, but when the provider's reply is lost it calls again without a key: the provider charges twice.", Lesson::Anomaly(AnomalyKind::DoubleCharge), s);

    let mut s = base(Workload::Checkout);
    s.clients = 8;
    s.operations = 16;
    s.world.stock = 5;
    s.client.think_time_us = 5_000;
    s.server.processing_mean_us = 30_000;
    add("oversell", "Eight clients buy the last five units; the handler reads the stock and writes it back without a version check, so more is sold than exists.", Lesson::Anomaly(AnomalyKind::Oversell), s);

    let mut s = base(Workload::Checkout);
    s.network.email_loss = 0.4;
    s.client.timeout_us = 1_000_000;
    add("duplicate-email", "Calls to the email service are lost 40% of the time each way and the server sends again: customers get two confirmations.", Lesson::Anomaly(AnomalyKind::DuplicateEmail), s);

    let mut s = base(Workload::Payment);
    s.server.crash.after_commit_before_response = 0.4;
    s.client.max_attempts = 2;
    add("ghost-success", "Replicas crash after committing but before answering, and the client gives up after two attempts: the balancer's 502 tells it the payment failed, yet the card was charged.", Lesson::Anomaly(AnomalyKind::GhostSuccess), s);

    let mut s = base(Workload::Checkout);
    s.server.crash.after_provider_call_before_commit = 0.35;
    s.client.max_attempts = 2;
    add("charge-then-crash", "Replicas crash after charging the card but before committing the order, and the client gives up after two attempts: customers are charged for orders that do not exist.", Lesson::Anomaly(AnomalyKind::ChargedWithoutOrder), s);

    let mut s = base(Workload::Checkout);
    s.operations = 20_000;
    s.clients = 16;
    s.replicas = 3;
    s.network.request_loss = 0.1;
    s.network.response_loss = 0.1;
    s.network.duplication = 0.02;
    s.server.crash = CrashConfig {
        before_write: 0.002,
        after_write_before_key_save: 0.002,
        after_provider_call_before_commit: 0.002,
        after_commit_before_response: 0.002,
        downtime_us: 200_000,
    };
    s.trace = false;
    s.max_events = limits::MAX_EVENTS;
    let (benchmarks, lessons): (Vec<_>, Vec<_>) = messaging::presets()
        .into_iter()
        .partition(|p| p.lesson == Lesson::Benchmark);
    for p in lessons {
        add(p.name, p.description, p.lesson, p.scenario);
    }
    for p in stream::presets() {
        add(p.name, p.description, p.lesson, p.scenario);
    }
    add("bench-checkout", "The benchmark run: 20,000 checkouts from 16 clients on 3 replicas with 10% loss each way, 2% duplication and crashes.", Lesson::Benchmark, s);

    for p in benchmarks.into_iter().chain(saga::presets()) {
        add(p.name, p.description, p.lesson, p.scenario);
    }
    presets
}

/// Apply the full protection set and the correct key policy, keeping everything else —
/// workload, seed, faults, attempts, timeouts — so that the pair differs by the protection
/// alone. (A provider that honours the keys it is given is part of key propagation.)
pub fn protect(mut s: Scenario) -> Scenario {
    s.protections = Protections::full();
    s.protections.idempotency_key.lock_timeout_us = 1_000_000;
    s.client.key_policy = KeyPolicy::PerOperation;
    s.world.provider_honours_keys = true;
    // Consumers commit after processing (at least once), and the warehouse honours the
    // keys it is given, as the provider does.
    s.messaging.commit = OffsetCommit::AfterProcessing;
    s.messaging.warehouse_honours_keys = true;
    s
}

/// Every preset: each off-preset followed by its protected variant. Built once: the
/// twins' names are leaked to be `&'static`, which must happen once, not at every call
/// (lessons and interview questions look presets up as the user goes).
pub fn presets() -> Vec<Preset> {
    static ALL: std::sync::OnceLock<Vec<Preset>> = std::sync::OnceLock::new();
    ALL.get_or_init(build_presets).clone()
}

fn build_presets() -> Vec<Preset> {
    let mut all = Vec::new();
    for p in base_presets() {
        let lesson = p.lesson;
        let description = if p.scenario.workload == Workload::Stream {
            "The same seed, faults and timeouts with the stream protections on: a transactional producer (or two-phase-commit sink) with a stable transactional.id, the input offsets committed in the transaction, a read_committed reader, and a transaction timeout of 15 min, the broker's default maximum, above the checkpoint interval plus the downtime."
        } else if p.scenario.workload == Workload::Events {
            "The same seed, faults and timeouts with every protection on: the transactional outbox, an idempotent producer, consumers that commit after processing and record each message id in the ledger's transaction (the dedup store), a key for the warehouse, FIFO deduplication and visibility heartbeats in queue mode."
        } else if p.scenario.workload == Workload::Saga {
            "The same seed, faults, attempts and timeouts with the saga's protections on: a per-step idempotency key on every step and compensation, which the inventory, the provider and the shipping service deduplicate by (a compensation that arrives first voids its step's key), and a saga log that records a step done in the order's own transaction."
        } else {
            "The same seed, faults, attempts and timeouts with every protection on: idempotency keys per operation in the database, saved atomically with an in-flight lock, fingerprint check and recovery of abandoned keys; upsert, CAS, key propagation and the outbox."
        };
        let protected = (lesson != Lesson::Benchmark).then(|| Preset {
            name: Box::leak(format!("{}-protected", p.name).into_boxed_str()),
            description,
            lesson,
            scenario: protect(p.scenario.clone()),
        });
        all.push(p);
        all.extend(protected);
    }
    all
}

pub fn preset(name: &str) -> Option<Preset> {
    presets().into_iter().find(|p| p.name == name)
}

pub fn preset_names() -> Vec<&'static str> {
    presets().iter().map(|p| p.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_names_are_unique() {
        let all = presets();
        for p in &all {
            p.scenario
                .clone()
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        }
        let mut names: Vec<_> = all.iter().map(|p| p.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        assert!(preset("lost-response-protected").is_some());
        assert!(preset("bench-checkout-protected").is_none());
    }
}
