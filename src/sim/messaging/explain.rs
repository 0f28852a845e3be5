//! One sentence per messaging anomaly, each clause taken from a fact of the order's story
//! (and so from a trace event in the anomaly's chain) or from the scenario's settings.

use crate::sim::config::{
    BrokerDedup, BrokerMode, DedupLocation, DedupRecording, MessagingCrashPoint as C, OffsetCommit,
    Scenario, FIFO_DEDUP_WINDOW_US,
};
use crate::sim::oracle::{format_time, Anomaly, AnomalyKind};
use crate::sim::units::format_duration;
use crate::sim::workload::operation;

use super::oracle::{Fact, Told};

fn at(t: &Told) -> String {
    format!("t={}", format_time(t.time))
}

fn times(n: usize) -> &'static str {
    match n {
        2 => "twice",
        3 => "three times",
        4 => "four times",
        _ => "more than four times",
    }
}

/// "t=1 s and t=2 s", "t=1 s, t=2 s and t=3 s".
fn all_times(told: &[&Told]) -> String {
    let shown: Vec<String> = told.iter().map(|t| at(t)).collect();
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn consumer_name(c: u8) -> String {
    format!("consumer {}", c + 1)
}

/// The anomaly `kind` of order `op`, with its chain and sentence.
pub fn anomaly(
    scenario: &Scenario,
    kind: AnomalyKind,
    op: u32,
    facts: &[Told],
    stopped: bool,
) -> Anomaly {
    let label = operation(scenario, op).label();
    let mut chain: Vec<u32> = Vec::new();
    let (narrative, time) = match kind {
        AnomalyKind::DuplicateEventEffect => duplicate_effect(scenario, &label, facts, &mut chain),
        AnomalyKind::LostEvent => lost(scenario, &label, facts, stopped, &mut chain),
        _ => duplicate_shipment(scenario, &label, facts, &mut chain),
    };
    chain.retain(|&e| e != u32::MAX);
    chain.sort_unstable();
    chain.dedup();
    Anomaly {
        kind,
        op,
        time_us: time,
        events: chain,
        narrative,
    }
}

fn all<'a>(
    facts: &'a [Told],
    test: impl Fn(&Fact) -> bool + 'a,
) -> impl Iterator<Item = &'a Told> + 'a {
    facts.iter().filter(move |t| test(&t.fact))
}

fn first<'a>(facts: &'a [Told], test: impl Fn(&Fact) -> bool + 'a) -> Option<&'a Told> {
    all(facts, test).next()
}

fn duplicate_effect(
    scenario: &Scenario,
    label: &str,
    facts: &[Told],
    chain: &mut Vec<u32>,
) -> (String, u64) {
    let applied: Vec<&Told> = all(facts, |f| matches!(f, Fact::Applied { .. })).collect();
    chain.extend(applied.iter().map(|t| t.event));
    let (a1, a2) = (applied[0], applied[1]);
    let cause = redelivery_cause(scenario, facts, a1, a2, chain);
    let dedup = dedup_clause(scenario, a1, a2, facts);
    let sentence = format!(
        "{label}'s OrderPlaced event was applied to the ledger {} ({}): {cause}{dedup}.",
        times(applied.len()),
        all_times(&applied)
    );
    (sentence, a2.time)
}

fn duplicate_shipment(
    scenario: &Scenario,
    label: &str,
    facts: &[Told],
    chain: &mut Vec<u32>,
) -> (String, u64) {
    let shipped: Vec<&Told> = all(facts, |f| matches!(f, Fact::Shipped { .. })).collect();
    chain.extend(shipped.iter().map(|t| t.event));
    let (s1, s2) = (shipped[0], shipped[1]);
    let retried = all(facts, |f| matches!(f, Fact::ShipCallTimedOut { .. }))
        .find(|t| t.time > s1.time && t.time <= s2.time);
    let deliveries_between = all(facts, |f| matches!(f, Fact::Delivered { .. }))
        .filter(|t| t.time > s1.time && t.time <= s2.time)
        .count();
    let cause = match retried {
        Some(t) if deliveries_between == 0 => {
            chain.push(t.event);
            format!(
                "no reply came from the warehouse in time, so the consumer called it again ({})",
                at(t)
            )
        }
        _ => redelivery_cause(scenario, facts, s1, s2, chain),
    };
    let keys = if !scenario.protections.key_propagation {
        "; the consumer gave the warehouse no idempotency key to recognise the repeat"
    } else if !scenario.messaging.warehouse_honours_keys {
        "; the warehouse ignores the idempotency key it is given"
    } else {
        ""
    };
    let sentence = format!(
        "{label} was shipped {} ({}): {cause}{keys}.",
        times(shipped.len()),
        all_times(&shipped)
    );
    (sentence, s2.time)
}

/// Why the event was processed again after `e1` (its first effect), leading to `e2`.
fn redelivery_cause(
    scenario: &Scenario,
    facts: &[Told],
    e1: &Told,
    e2: &Told,
    chain: &mut Vec<u32>,
) -> String {
    let appended: Vec<&Told> = all(facts, |f| matches!(f, Fact::Appended { .. })).collect();
    if appended.len() >= 2 {
        chain.extend(appended.iter().map(|t| t.event));
        return republish_cause(scenario, facts, appended[0], appended[1], chain);
    }
    let queue = scenario.messaging.mode == BrokerMode::Queue;
    let redelivered = all(facts, |f| matches!(f, Fact::Delivered { .. }))
        .find(|t| t.time > e1.time.min(e2.time) && t.time <= e2.time);
    let again = |chain: &mut Vec<u32>| match redelivered {
        Some(t) => {
            chain.push(t.event);
            let Fact::Delivered { consumer, .. } = t.fact else {
                return String::new();
            };
            format!(
                " and {} received it again ({})",
                consumer_name(consumer),
                at(t)
            )
        }
        None => String::new(),
    };
    if let Some(t) =
        first(facts, |f| matches!(f, Fact::PollTimeout { .. })).filter(|t| t.time <= e2.time)
    {
        chain.push(t.event);
        let Fact::PollTimeout { consumer, .. } = t.fact else {
            unreachable!()
        };
        return format!(
            "{} took longer than the poll interval ({}) on it, so the group removed it ({}) and resumed its partition from the last committed offset{}",
            consumer_name(consumer),
            format_duration(scenario.messaging.max_poll_interval_us),
            at(t),
            again(chain)
        );
    }
    if let Some(t) =
        all(facts, |f| matches!(f, Fact::VisibilityExpired { .. })).find(|t| t.time <= e2.time)
    {
        chain.push(t.event);
        return format!(
            "its visibility timeout ({}) ran out while it was still being processed ({}), so it became visible again{}",
            format_duration(scenario.messaging.visibility_timeout_us),
            at(t),
            again(chain)
        );
    }
    let crash = all(facts, |f| matches!(f, Fact::ConsumerCrashed { .. }))
        .find(|t| t.time >= e1.time.min(e2.time) && t.time <= e2.time);
    if let Some(t) = crash {
        chain.push(t.event);
        let Fact::ConsumerCrashed {
            consumer, point, ..
        } = t.fact
        else {
            unreachable!()
        };
        let dedup = &scenario.protections.dedup_store;
        let point = if point == C::ConsumerAfterApply
            && dedup.enabled
            && dedup.recording == DedupRecording::AfterEffect
        {
            "after the ledger transaction, before recording the message id in its second transaction".to_string()
        } else if point == C::ConsumerAfterApply && queue {
            "after the ledger transaction, before deleting the message".to_string()
        } else if point == C::ConsumerAfterApply {
            "after the ledger transaction, before committing its offset".to_string()
        } else {
            point.phrase().to_string()
        };
        let resume = if queue {
            "the message became visible again when its visibility timeout ran out"
        } else {
            "the group resumed from the last committed offset"
        };
        return format!(
            "{} crashed {point} ({}), so {resume}{}",
            consumer_name(consumer),
            at(t),
            again(chain)
        );
    }
    let refused = all(facts, |f| matches!(f, Fact::StaleAcknowledgement { .. }))
        .find(|t| t.time >= e1.time.min(e2.time) && t.time <= e2.time);
    if let (Some(t), false) = (refused, queue) {
        chain.push(t.event);
        return format!(
            "its offset commit reached the broker after the group had rebalanced and was refused ({}), so the partition resumed from the last committed offset{}",
            at(t),
            again(chain)
        );
    }
    let later = all(facts, |f| matches!(f, Fact::CrashedBeforeCommit { .. }))
        .find(|t| t.time >= e1.time.min(e2.time) && t.time <= e2.time);
    if let Some(t) = later {
        chain.push(t.event);
        let Fact::CrashedBeforeCommit { consumer, .. } = t.fact else {
            unreachable!()
        };
        let before = match scenario.messaging.commit {
            OffsetCommit::Auto => "before its next auto-commit passed it",
            _ => "before its offset commit for it landed",
        };
        return format!(
            "{} crashed ({}) {before}, so the group resumed from the last committed offset{}",
            consumer_name(consumer),
            at(t),
            again(chain)
        );
    }
    let removed = all(facts, |f| matches!(f, Fact::RemovedBeforeCommit { .. }))
        .find(|t| t.time >= e1.time.min(e2.time) && t.time <= e2.time);
    if let Some(t) = removed {
        chain.push(t.event);
        let Fact::RemovedBeforeCommit { consumer, .. } = t.fact else {
            unreachable!()
        };
        return format!(
            "{} took longer than the poll interval ({}) on a later record and the group removed it ({}) before its offset was committed past this one, so the group resumed from the last committed offset{}",
            consumer_name(consumer),
            format_duration(scenario.messaging.max_poll_interval_us),
            at(t),
            again(chain)
        );
    }
    format!(
        "it was delivered more than once{}",
        again(chain).replacen(" and", ",", 1)
    )
}

/// Why a second copy of the event was published.
fn republish_cause(
    scenario: &Scenario,
    facts: &[Told],
    p1: &Told,
    p2: &Told,
    chain: &mut Vec<u32>,
) -> String {
    let between = |t: &&Told| t.time >= p1.time && t.time <= p2.time;
    // A relay that crashes before the acknowledgement may do so before the broker
    // appends what it sent: look from the first send.
    let sent = first(facts, |f| matches!(f, Fact::Published { .. })).map_or(p1.time, |t| t.time);
    let relay = all(facts, |f| matches!(f, Fact::RelayCrashed { .. }))
        .find(|t| t.time >= sent && t.time <= p2.time);
    let fifo = scenario.messaging.mode == BrokerMode::Queue
        && scenario.protections.broker_dedup != BrokerDedup::Off;
    let window = if fifo && p2.time - p1.time >= FIFO_DEDUP_WINDOW_US {
        ", more than 5 minutes after the first, outside the FIFO queue's deduplication window"
    } else {
        ""
    };
    let published = format!("it was published twice ({} and {})", at(p1), at(p2));
    if let Some(t) = relay {
        chain.push(t.event);
        let Fact::RelayCrashed { point, .. } = t.fact else {
            unreachable!()
        };
        return match point {
            C::RelayBeforeMarkSent => format!(
                "{published} because the outbox relay crashed after the broker acknowledged it, before marking its outbox row sent ({}), and published the row again after restarting{window}",
                at(t)
            ),
            _ => format!(
                "{published} because the outbox relay crashed before the broker's acknowledgement arrived ({}) and, restarted with a new producer id, published it again{window}; an idempotent producer only recognises re-sends within one session",
                at(t)
            ),
        };
    }
    if scenario.messaging.mode == BrokerMode::Queue
        && scenario.protections.broker_dedup != BrokerDedup::Off
    {
        if p2.time - p1.time >= FIFO_DEDUP_WINDOW_US {
            return format!("{published}, the second more than 5 minutes after the first, outside the FIFO queue's deduplication window");
        }
        if scenario.protections.broker_dedup == BrokerDedup::ContentBased {
            return format!("{published}, and the content-based deduplication id differed because the body carries the time it was published");
        }
    }
    if let Some(t) = all(facts, |f| matches!(f, Fact::PublishLost { ack: true, .. })).find(between)
    {
        chain.push(t.event);
        let idempotent = if scenario.protections.idempotent_producer {
            ""
        } else {
            " with no idempotent producer to let the broker recognise it"
        };
        return format!("{published} because the broker's acknowledgement was lost ({}) and the producer sent it again{idempotent}", at(t));
    }
    if let Some(t) = all(facts, |f| matches!(f, Fact::Published { resend: true, .. })).find(between)
    {
        chain.push(t.event);
        return format!(
            "{published} because no acknowledgement came in time and the producer sent it again ({})",
            at(t)
        );
    }
    published
}

fn dedup_clause(scenario: &Scenario, e1: &Told, e2: &Told, facts: &[Told]) -> String {
    let dedup = &scenario.protections.dedup_store;
    if !dedup.enabled {
        return "; no dedup store on the consumers caught the repeat".into();
    }
    let consumer = |t: &Told| match t.fact {
        Fact::Applied { consumer, .. } | Fact::Delivered { consumer, .. } => Some(consumer),
        _ => None,
    };
    if dedup.location == DedupLocation::Memory {
        return match (consumer(e1), consumer(e2)) {
            (Some(a), Some(b)) if a != b => format!(
                ", and the dedup store lives in {}'s memory, which {} does not share",
                consumer_name(a),
                consumer_name(b)
            ),
            _ if first(facts, |f| matches!(f, Fact::ConsumerCrashed { .. })).is_some() => {
                ", and the dedup store lived in the consumer's memory, which the crash emptied"
                    .into()
            }
            _ => "; the dedup store in consumer memory did not have its id".into(),
        };
    }
    if e2.time.saturating_sub(e1.time) >= dedup.ttl_us {
        return format!(
            ", after the dedup window ({}) had passed",
            format_duration(dedup.ttl_us)
        );
    }
    String::new()
}

fn lost(
    scenario: &Scenario,
    label: &str,
    facts: &[Told],
    stopped: bool,
    chain: &mut Vec<u32>,
) -> (String, u64) {
    let committed = first(facts, |f| matches!(f, Fact::OrderCommitted { .. }));
    if let Some(t) = committed {
        chain.push(t.event);
    }
    let mut last = committed.map_or(0, |t| t.time);
    let mut note = |t: &Told, chain: &mut Vec<u32>| {
        chain.push(t.event);
        last = last.max(t.time);
        at(t)
    };
    let outbox = if scenario.protections.outbox {
        ""
    } else {
        ", and with no outbox nothing published it later"
    };
    // With the outbox, a crash of the order service loses nothing: the relay publishes.
    let no_outbox = !scenario.protections.outbox;
    let cause = if let Some(t) =
        first(facts, |f| matches!(f, Fact::OrderServiceCrashed { .. })).filter(|_| no_outbox)
    {
        format!("the order service crashed after committing it, before publishing its event ({}){outbox}", note(t, chain))
    } else if let Some(t) =
        first(facts, |f| matches!(f, Fact::ProducerBufferLost { .. })).filter(|_| no_outbox)
    {
        format!("the order service crashed ({}) while its producer still held the unacknowledged event{outbox}", note(t, chain))
    } else if let (Some(d), Some(c)) = (
        first(facts, |f| matches!(f, Fact::DedupRecordedEarly { .. })),
        first(facts, |f| matches!(f, Fact::ConsumerCrashed { .. })),
    ) {
        let (d_at, c_at) = (note(d, chain), note(c, chain));
        let skipped = first(facts, |f| matches!(f, Fact::DedupSkipped { .. }))
            .map(|t| {
                format!(
                    ", and the redelivery was skipped as already processed ({})",
                    note(t, chain)
                )
            })
            .unwrap_or_default();
        format!("its id was recorded in the dedup store before processing ({d_at}) and the consumer crashed ({c_at}){skipped}")
    } else if let (Some(b), Some(c)) = (
        first(facts, |f| {
            matches!(f, Fact::CommittedBeforeProcessing { .. })
        }),
        first(facts, |f| matches!(f, Fact::ConsumerCrashed { .. })),
    ) {
        let (b_at, c_at) = (note(b, chain), note(c, chain));
        format!("the consumer committed its offset before processing it ({b_at}) and crashed ({c_at}), so the group resumed after it")
    } else if let (Some(a), Some(c)) = (
        first(facts, |f| matches!(f, Fact::AutoCommittedPast { .. })),
        first(facts, |f| matches!(f, Fact::ConsumerCrashed { .. })),
    ) {
        let (a_at, c_at) = (note(a, chain), note(c, chain));
        let interval = format_duration(scenario.messaging.auto_commit_interval_us);
        format!("an auto-commit (every {interval}) committed the offset past it while it was still being processed ({a_at}), and the consumer crashed ({c_at}), so the group resumed after it")
    } else if let Some(t) = first(facts, |f| matches!(f, Fact::DeadLettered { .. })) {
        let limit = scenario.messaging.max_receive_count;
        let receives = if limit == 1 { "receive" } else { "receives" };
        format!(
            "it moved to the dead-letter queue after {limit} {receives} ({})",
            note(t, chain)
        )
    } else if let Some(t) = first(facts, |f| matches!(f, Fact::Abandoned { .. })) {
        format!(
            "the producer gave up on it after its delivery timeout ({}){outbox}",
            note(t, chain)
        )
    } else if stopped {
        "the run stopped at its event limit before it was applied".into()
    } else {
        "it was never applied".into()
    };
    let when = committed
        .map(|t| format!(" ({})", at(t)))
        .unwrap_or_default();
    (
        format!("{label} was committed{when} but its event never reached the ledger: {cause}."),
        last,
    )
}
