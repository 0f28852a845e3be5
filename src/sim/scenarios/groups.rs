//! Presets grouped by the problem they show, each with a plain title ("Lost response →
//! double charge"); the identifiers stay in links and the CLI.

/// One group of presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresetGroup {
    pub title: &'static str,
    /// (preset name, plain title), the name of an off-preset; its `-protected` twin shares
    /// the title.
    pub presets: &'static [(&'static str, &'static str)],
}

pub const GROUPS: [PresetGroup; 10] = [
    PresetGroup {
        title: "Retries after a lost answer",
        presets: &[
            ("lost-response", "Lost response → double charge"),
            ("retried-increment", "Retried increment → applied twice"),
            (
                "ghost-success",
                "Crash before answering → told it failed, charged anyway",
            ),
        ],
    },
    PresetGroup {
        title: "Idempotency keys done wrong",
        presets: &[
            ("key-per-attempt", "A new key every attempt → double charge"),
            (
                "impatient-client",
                "Retry while the first attempt runs → double charge",
            ),
            (
                "memory-key-store",
                "Keys in a replica's memory → double charge",
            ),
            ("short-ttl", "Key expires before the retry → double charge"),
            ("key-reuse", "One key for different payments → 422"),
            (
                "key-reuse-no-fingerprint",
                "One key, no fingerprint check → wrong replay",
            ),
            (
                "crash-before-key-save",
                "Crash before the key is saved → double charge",
            ),
            (
                "refunded-replay",
                "Refunded charge replayed as paid → unpaid payment",
            ),
        ],
    },
    PresetGroup {
        title: "Crashes around the database",
        presets: &[
            ("crash-after-commit", "Crash after commit → duplicate order"),
            (
                "charge-then-crash",
                "Crash after charging → charged without an order",
            ),
        ],
    },
    PresetGroup {
        title: "Concurrency and ordering",
        presets: &[
            ("concurrent-writers", "Concurrent writers → lost update"),
            ("oversell", "Last units, many buyers → oversold"),
            ("reordered-requests", "Reordered updates → lost write"),
        ],
    },
    PresetGroup {
        title: "Side effects outside the database",
        presets: &[
            ("provider-retry", "Provider's reply lost → charged twice"),
            ("duplicate-email", "Email call retried → two confirmations"),
        ],
    },
    PresetGroup {
        title: "Messaging: consumers",
        presets: &[
            (
                "consumer-crash-redelivery",
                "Consumer crash before commit → applied twice",
            ),
            (
                "slow-consumer-rebalance",
                "Slow consumer removed from the group → shipped twice",
            ),
            (
                "visibility-timeout",
                "Visibility timeout too short → processed twice",
            ),
            (
                "dedup-before-processing",
                "Message id recorded too early → lost event",
            ),
            (
                "auto-commit-loss",
                "Auto-commit past unfinished work → lost event",
            ),
        ],
    },
    PresetGroup {
        title: "Messaging: producers and the outbox",
        presets: &[
            (
                "producer-restart",
                "Producer restart, new producer id → published twice",
            ),
            (
                "commit-then-publish",
                "Commit, then crash before publishing → lost event",
            ),
            (
                "relay-crash-after-publish",
                "Relay crash before marking sent → published twice",
            ),
            (
                "fifo-window",
                "Re-send after the FIFO window → delivered twice",
            ),
        ],
    },
    PresetGroup {
        title: "Streams: exactly-once in practice",
        presets: &[
            (
                "stream-nontransactional-restart",
                "Plain producer, restart → duplicate invoices",
            ),
            (
                "stream-offsets-outside-tx",
                "Offsets outside the transaction → duplicate after a crash",
            ),
            (
                "stream-zombie-random-id",
                "Zombie with a random transactional.id → double write",
            ),
            (
                "stream-read-uncommitted",
                "read_uncommitted reader → sees aborted invoices",
            ),
            (
                "flink-downtime-timeout",
                "Flink down longer than the transaction timeout → lost invoices",
            ),
        ],
    },
    PresetGroup {
        title: "Sagas: steps and compensations",
        presets: &[
            (
                "saga-refund-retry",
                "Refund sent again after a lost reply → refunded twice",
            ),
            (
                "saga-charge-retry",
                "Charge step sent again after a lost reply or a crash → charged twice",
            ),
            (
                "saga-compensation-overtakes",
                "Release arrives before its reservation → stock leak",
            ),
            (
                "saga-charge-never-compensated",
                "Slow charge sent again, saga fails → a charge stands",
            ),
        ],
    },
    PresetGroup {
        title: "Benchmarks",
        presets: &[
            ("bench-checkout", "Benchmark: 20,000 checkouts"),
            ("bench-events", "Benchmark: 20,000 events"),
        ],
    },
];

/// The plain title of a preset (a twin's ends with "— protected").
pub fn preset_title(name: &str) -> Option<String> {
    let (base, twin) = match name.strip_suffix("-protected") {
        Some(base) => (base, true),
        None => (name, false),
    };
    GROUPS
        .iter()
        .flat_map(|g| g.presets.iter())
        .find(|(n, _)| *n == base)
        .map(|(_, title)| {
            if twin {
                format!("{title} — protected")
            } else {
                (*title).to_string()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenarios::presets;

    #[test]
    fn every_preset_has_one_group_and_a_plain_title() {
        let all = presets();
        for p in &all {
            let base = p.name.strip_suffix("-protected").unwrap_or(p.name);
            let groups = GROUPS
                .iter()
                .filter(|g| g.presets.iter().any(|(n, _)| *n == base))
                .count();
            assert_eq!(groups, 1, "{} is in {groups} groups", p.name);
            assert!(preset_title(p.name).is_some(), "{}", p.name);
        }
        for (name, _) in GROUPS.iter().flat_map(|g| g.presets.iter()) {
            assert!(all.iter().any(|p| p.name == *name), "no preset {name}");
        }
        assert_eq!(
            preset_title("lost-response-protected").as_deref(),
            Some("Lost response → double charge — protected")
        );
    }
}
