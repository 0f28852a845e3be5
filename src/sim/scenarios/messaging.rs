//! The `events` workload's presets: each shows one way message processing duplicates or
//! loses an event. Timeouts are scaled down from the real defaults (5 min poll interval,
//! 30 s visibility, 5 s auto-commit) so that the story fits on one screen; the knobs say
//! what each stands for.

use crate::sim::config::*;
use crate::sim::oracle::AnomalyKind;

use super::{Lesson, Preset};

fn events() -> Scenario {
    Scenario {
        workload: Workload::Events,
        operations: 20,
        messaging: MessagingConfig {
            request_timeout_us: 300_000,
            delivery_timeout_us: 120_000_000,
            ..MessagingConfig::default()
        },
        ..Scenario::default()
    }
}

fn crash(s: &mut Scenario) -> &mut MessagingCrashConfig {
    &mut s.messaging.crash
}

pub(super) fn presets() -> Vec<Preset> {
    let mut presets = Vec::new();
    let mut add = |name, description, kind, scenario| {
        presets.push(Preset {
            name,
            description,
            lesson: Lesson::Anomaly(kind),
            scenario,
        })
    };

    let mut s = events();
    crash(&mut s).consumer_after_apply = 0.2;
    add("consumer-crash-redelivery", "Consumers crash after writing the ledger but before committing their offset: the group resumes from the last committed offset and the event is applied again.", AnomalyKind::DuplicateEventEffect, s);

    let mut s = events();
    s.messaging.slow_probability = 0.15;
    s.messaging.slow_us = 1_500_000;
    s.messaging.max_poll_interval_us = 1_000_000;
    add("slow-consumer-rebalance", "A slow message keeps a consumer past the poll interval: the group removes it and the record is read again from the last committed offset, so the order ships twice.", AnomalyKind::DuplicateShipment, s);

    let mut s = events();
    s.messaging.mode = BrokerMode::Queue;
    s.messaging.visibility_timeout_us = 150_000;
    s.messaging.slow_probability = 0.2;
    s.messaging.slow_us = 300_000;
    add("visibility-timeout", "The queue's visibility timeout is shorter than a slow message's processing: the message becomes visible again and a second consumer processes it at the same time.", AnomalyKind::DuplicateEventEffect, s);

    let mut s = events();
    crash(&mut s).consumer_after_ship = 0.2;
    let dedup = &mut s.protections.dedup_store;
    dedup.enabled = true;
    dedup.recording = DedupRecording::BeforeProcessing;
    add("dedup-before-processing", "The idempotent consumer records each message id before processing it; a consumer that crashes before the ledger write leaves the id behind, and the redelivery is skipped as a duplicate.", AnomalyKind::LostEvent, s);

    let mut s = events();
    s.seed = 2;
    s.protections.outbox = true;
    s.protections.idempotent_producer = true;
    crash(&mut s).relay_before_ack = 0.15;
    add("producer-restart", "The outbox relay's idempotent producer crashes before the acknowledgement arrives; restarted, it has a new producer id, so the broker cannot tell its re-send from a new event.", AnomalyKind::DuplicateEventEffect, s);

    let mut s = events();
    crash(&mut s).after_commit_before_publish = 0.2;
    add("commit-then-publish", "The order service commits the order, then publishes its event; a crash between the two loses the event, and nothing will ever publish it.", AnomalyKind::LostEvent, s);

    let mut s = events();
    s.seed = 2;
    s.protections.outbox = true;
    crash(&mut s).relay_before_mark_sent = 0.2;
    add("relay-crash-after-publish", "The outbox relay crashes after the broker acknowledged an event but before marking its row sent: after the restart it publishes the row again.", AnomalyKind::DuplicateEventEffect, s);

    let mut s = events();
    s.messaging.commit = OffsetCommit::Auto;
    s.messaging.auto_commit_interval_us = 50_000;
    s.messaging.processing_min_us = 60_000;
    crash(&mut s).consumer_after_ship = 0.2;
    add("auto-commit-loss", "Auto-commit commits the position on a timer, past a record still being processed; a consumer that then crashes never finishes it, and the group resumes after it.", AnomalyKind::LostEvent, s);

    let mut s = events();
    s.seed = 2;
    s.messaging.mode = BrokerMode::Queue;
    s.protections.outbox = true;
    s.protections.broker_dedup = BrokerDedup::ExplicitId;
    crash(&mut s).relay_before_mark_sent = 0.2;
    crash(&mut s).downtime_us = 360_000_000;
    add("fifo-window", "A FIFO queue drops duplicate sends for 5 minutes; the outbox relay crashes before marking a row sent and is down for 6 minutes, so its re-send comes after the window and is delivered again.", AnomalyKind::DuplicateEventEffect, s);

    let mut s = events();
    s.operations = 20_000;
    s.messaging.partitions = 4;
    s.messaging.consumers = 4;
    s.messaging.order_interval_us = 100_000;
    s.messaging.publish_loss = 0.05;
    s.messaging.warehouse_loss = 0.05;
    *crash(&mut s) = MessagingCrashConfig {
        consumer_after_receive: 0.002,
        consumer_after_ship: 0.002,
        consumer_after_apply: 0.002,
        after_commit_before_publish: 0.002,
        ..MessagingCrashConfig::default()
    };
    s.trace = false;
    s.max_events = limits::MAX_EVENTS;
    presets.push(Preset {
        name: "bench-events",
        description: "The messaging benchmark run: 20,000 orders published to 4 partitions and consumed by 4 consumers, with 5% loss on the publish and warehouse links and crashes.",
        lesson: Lesson::Benchmark,
        scenario: s,
    });

    presets
}
