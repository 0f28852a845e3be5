//! Named protection sets, shared by the browser's compare and sweep views and the CLI
//! (`idemlab protections`): `none`, `full`, and one per protection. A set replaces a
//! scenario's protections (and the client's key policy, which idempotency keys need)
//! and keeps everything else — workload, seed, faults, timeouts — so runs under two
//! sets meet the same faults.

use super::config::{
    BrokerDedup, DedupStoreConfig, KeyPolicy, OffsetCommit, Protections, Scenario,
};
use super::scenarios::protect;

/// One named set.
#[derive(Clone, Copy, Debug)]
pub struct ProtectionSet {
    pub name: &'static str,
    pub description: &'static str,
    apply: fn(&mut Scenario),
}

impl ProtectionSet {
    /// `scenario` with this set's protections instead of its own.
    pub fn apply(&self, scenario: &Scenario) -> Scenario {
        let mut s = scenario.clone();
        s.protections = Protections::default();
        s.client.key_policy = KeyPolicy::None;
        (self.apply)(&mut s);
        s
    }
}

fn keys(s: &mut Scenario) {
    s.protections.idempotency_key.enabled = true;
    s.client.key_policy = KeyPolicy::PerOperation;
}

/// Every named set, `none` and `full` first.
pub const PROTECTION_SETS: &[ProtectionSet] = &[
    ProtectionSet {
        name: "none",
        description: "No protection: no idempotency keys, no upsert, CAS, dedup store or outbox.",
        apply: |_| {},
    },
    ProtectionSet {
        name: "full",
        description: "Every protection, as the presets' -protected twins use it.",
        apply: |s| *s = protect(s.clone()),
    },
    ProtectionSet {
        name: "idempotency-keys",
        description: "Idempotency keys per operation, stored in the database with the business write, with an in-flight lock and a fingerprint check.",
        apply: keys,
    },
    ProtectionSet {
        name: "upsert",
        description: "A unique natural key on orders (ON CONFLICT DO NOTHING).",
        apply: |s| s.protections.upsert = true,
    },
    ProtectionSet {
        name: "cas",
        description: "Conditional writes WHERE version = v on accounts, inventory and profiles.",
        apply: |s| s.protections.cas = true,
    },
    ProtectionSet {
        name: "key-propagation",
        description: "A derived key forwarded to the payment provider, the email service and the warehouse.",
        apply: |s| {
            keys(s);
            s.protections.key_propagation = true;
        },
    },
    ProtectionSet {
        name: "outbox",
        description: "The transactional outbox and its relay for emails and events.",
        apply: |s| s.protections.outbox = true,
    },
    ProtectionSet {
        name: "dedup-store",
        description: "The idempotent consumer: processed message ids in the database, recorded in the effect's transaction; consumers commit after processing.",
        apply: |s| {
            s.protections.dedup_store = DedupStoreConfig {
                enabled: true,
                ..DedupStoreConfig::default()
            };
            s.messaging.commit = OffsetCommit::AfterProcessing;
        },
    },
    ProtectionSet {
        name: "idempotent-producer",
        description: "Kafka's idempotent producer: the broker drops a re-sent publish within one producer session.",
        apply: |s| s.protections.idempotent_producer = true,
    },
    ProtectionSet {
        name: "fifo-dedup",
        description: "SQS FIFO deduplication of sends by the event id for 5 minutes (queue mode).",
        apply: |s| s.protections.broker_dedup = BrokerDedup::ExplicitId,
    },
    ProtectionSet {
        name: "saga-step-keys",
        description: "Saga: a per-step idempotency key on every step and compensation, which the inventory, the provider and the shipping service deduplicate by.",
        apply: |s| s.protections.saga_step_keys = true,
    },
    ProtectionSet {
        name: "saga-atomic-log",
        description: "Saga: the orchestrator's log records a step done in the same transaction as the order's state.",
        apply: |s| s.protections.saga_atomic_log = true,
    },
    ProtectionSet {
        name: "visibility-heartbeat",
        description: "Consumers extend a message's visibility timeout while they work on it (queue mode).",
        apply: |s| s.protections.visibility_heartbeat = true,
    },
    ProtectionSet {
        name: "transactions",
        description: "Stream: a transactional producer (Kafka) or a two-phase-commit sink (Flink), asking for the broker's default maximum transaction timeout, 15 min, above a checkpoint interval plus a downtime shorter than that.",
        apply: |s| {
            s.protections.stream.transactions = true;
            s.protections.stream.transaction_timeout_us = FULL_TIMEOUT_US;
        },
    },
    ProtectionSet {
        name: "read-committed",
        description: "Stream: the downstream reader reads read_committed: no open or aborted invoices.",
        apply: |s| s.protections.stream.read_committed = true,
    },
    ProtectionSet {
        name: "offsets-in-transaction",
        description: "Stream: transactions with the input offsets committed in them (sendOffsetsToTransaction).",
        apply: |s| {
            s.protections.stream.transactions = true;
            s.protections.stream.transaction_timeout_us = FULL_TIMEOUT_US;
            s.protections.stream.offsets_in_transaction = true;
        },
    },
    ProtectionSet {
        name: "stable-transactional-id",
        description: "Stream: transactions with the same transactional.id on every start, so a new instance fences a zombie.",
        apply: |s| {
            s.protections.stream.transactions = true;
            s.protections.stream.transaction_timeout_us = FULL_TIMEOUT_US;
            s.protections.stream.stable_transactional_id = true;
        },
    },
    ProtectionSet {
        name: "upsert-sink",
        description: "Stream: no transactions; the downstream reads the output as a table keyed by order, so a second invoice replaces the first.",
        apply: |s| s.protections.stream.upsert_sink = true,
    },
];

/// `scenario` with the protections of every set in `sets` together, instead of its own.
pub fn combine(sets: &[&ProtectionSet], scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    s.protections = Protections::default();
    s.client.key_policy = KeyPolicy::None;
    for set in sets {
        (set.apply)(&mut s);
    }
    s
}

/// The transaction timeout the stream sets ask for: the broker's default maximum.
const FULL_TIMEOUT_US: u64 = 900_000_000;

/// The set called `name`.
pub fn protection_set(name: &str) -> Result<&'static ProtectionSet, String> {
    PROTECTION_SETS
        .iter()
        .find(|set| set.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = PROTECTION_SETS.iter().map(|s| s.name).collect();
            format!(
                "unknown protection set '{name}' (one of: {})",
                names.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenarios::preset;

    #[test]
    fn sets_change_protections_only_and_keep_the_faults() {
        let base = preset("crash-after-commit").unwrap().scenario;
        for set in PROTECTION_SETS {
            let s = set.apply(&base);
            s.clone()
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", set.name));
            assert_eq!(s.network, base.network, "{}", set.name);
            assert_eq!(s.server, base.server, "{}", set.name);
            assert_eq!(s.seed, base.seed, "{}", set.name);
            assert_eq!(s.messaging.crash, base.messaging.crash, "{}", set.name);
        }
        assert_eq!(
            protection_set("none").unwrap().apply(&base).protections,
            Protections::default()
        );
        assert_eq!(
            protection_set("full").unwrap().apply(&base),
            protect(base.clone())
        );
        assert!(protection_set("nope").unwrap_err().contains("dedup-store"));
    }
}
