//! Which glossary term explains each control: a control's help in the app links to it.
//! Every protection has one; other controls have one where a term names what they set.

use super::glossary::{term, Term};

/// (knob path, or a path prefix ending in '.', glossary term). The first match wins, so
/// exact paths come before the prefixes they fall under.
const KNOB_TERMS: [(&str, &str); 45] = [
    ("workload", "idempotent"),
    ("client.key_policy", "idempotency key"),
    ("protections.idempotency_key.ttl_us", "TTL"),
    (
        "protections.idempotency_key.fingerprint_check",
        "fingerprint",
    ),
    (
        "protections.idempotency_key.in_flight_lock",
        "in-flight lock",
    ),
    (
        "protections.idempotency_key.lock_timeout_us",
        "in-flight lock",
    ),
    ("protections.idempotency_key.", "idempotency key"),
    ("protections.upsert", "upsert"),
    ("protections.upsert_mode", "upsert"),
    ("protections.cas", "CAS"),
    ("protections.cas_retries", "CAS"),
    ("protections.key_propagation", "idempotency key"),
    ("world.provider_honours_keys", "idempotency key"),
    ("protections.outbox", "outbox"),
    ("messaging.relay_interval_us", "outbox"),
    ("messaging.crash.after_commit_before_publish", "outbox"),
    ("messaging.crash.relay_before_ack", "producer id and epoch"),
    ("messaging.crash.relay_before_mark_sent", "outbox"),
    ("messaging.mode", "at-least-once"),
    ("messaging.commit", "offset commit"),
    ("messaging.auto_commit_interval_us", "offset commit"),
    ("messaging.visibility_timeout_us", "visibility timeout"),
    ("messaging.max_receive_count", "dead-letter queue"),
    ("messaging.warehouse_honours_keys", "idempotency key"),
    ("protections.dedup_store.ttl_us", "TTL"),
    ("protections.dedup_store.", "dedup store"),
    ("protections.idempotent_producer", "producer id and epoch"),
    ("protections.broker_dedup", "deduplication id"),
    ("protections.visibility_heartbeat", "visibility timeout"),
    ("stream.mode", "two-phase commit"),
    ("stream.transaction_max_timeout_us", "transaction timeout"),
    ("stream.checkpoint_interval_us", "checkpoint"),
    ("stream.checkpoint_ack_us", "checkpoint"),
    ("stream.crash.after_pre_commit", "two-phase commit"),
    ("stream.crash.after_checkpoint", "checkpoint"),
    ("stream.pause_probability", "zombie fencing"),
    ("protections.stream.transactions", "Kafka transaction"),
    ("protections.stream.read_committed", "read_committed"),
    (
        "protections.stream.offsets_in_transaction",
        "Kafka transaction",
    ),
    (
        "protections.stream.stable_transactional_id",
        "transactional id",
    ),
    (
        "protections.stream.transaction_timeout_us",
        "transaction timeout",
    ),
    ("protections.stream.upsert_sink", "upsert"),
    ("saga.", "saga"),
    ("protections.saga_step_keys", "idempotency key"),
    ("protections.saga_atomic_log", "saga"),
];

/// More specific saga terms than "saga" for the controls they name.
const SAGA_TERMS: [(&str, &str); 2] = [
    ("saga.pivot", "pivot"),
    ("saga.compensation_max_attempts", "compensation"),
];

/// The glossary term that explains the control at `path`, if one does.
pub fn term_of_knob(path: &str) -> Option<&'static Term> {
    let matches = |pattern: &str| {
        if pattern.ends_with('.') {
            path.starts_with(pattern)
        } else {
            path == pattern
        }
    };
    SAGA_TERMS
        .iter()
        .chain(KNOB_TERMS.iter())
        .find(|(pattern, _)| matches(pattern))
        .and_then(|(_, name)| term(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::{KnobGroup, KNOBS};

    #[test]
    fn every_pattern_names_a_control_and_a_term() {
        for (pattern, name) in SAGA_TERMS.iter().chain(KNOB_TERMS.iter()) {
            assert!(term(name).is_some(), "{name} is not in the glossary");
            let hits = KNOBS
                .iter()
                .filter(|k| match pattern.strip_suffix('.') {
                    Some(_) => k.path.starts_with(pattern),
                    None => k.path == *pattern,
                })
                .count();
            assert!(hits > 0, "{pattern} names no control");
        }
    }

    #[test]
    fn every_protection_has_a_term() {
        for knob in KNOBS.iter().filter(|k| k.group == KnobGroup::Protection) {
            assert!(
                term_of_knob(knob.path).is_some(),
                "{} has no term",
                knob.path
            );
        }
    }

    #[test]
    fn specific_terms_win_over_prefixes() {
        let name = |path| term_of_knob(path).map(|t| t.term);
        assert_eq!(name("protections.idempotency_key.ttl_us"), Some("TTL"));
        assert_eq!(
            name("protections.idempotency_key.enabled"),
            Some("idempotency key")
        );
        assert_eq!(name("saga.pivot"), Some("pivot"));
        assert_eq!(name("saga.step_timeout_us"), Some("saga"));
        assert_eq!(name("network.response_loss"), None);
        assert_eq!(name("protections.upsert_mode"), Some("upsert"));
    }
}
