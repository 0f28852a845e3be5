//! Per-actor tests: each handler driven on its own, its effects read from the trace and
//! the queue it wrote to.

use crate::sim::config::{BrokerDedup, BrokerMode, Scenario, Workload, FIFO_DEDUP_WINDOW_US};
use crate::sim::trace::{Actor, DedupBy, Detail, MessageKind, MessagingDetail as M};

use super::broker::Broker;
use super::events::{Body, Envelope, Event, ProducerId};
use super::out::{Out, Sinks};
use super::producer::{Pending, Producer};

fn scenario(mode: BrokerMode) -> Scenario {
    let mut s = Scenario {
        workload: Workload::Events,
        operations: 10,
        ..Scenario::default()
    };
    s.messaging.mode = mode;
    s
}

fn publish(op: u32, pid: u32, seq: u32, body_time: u64) -> Envelope {
    Envelope {
        id: 0,
        from: Actor::Relay,
        to: Actor::Broker,
        kind: MessageKind::Publish,
        op,
        body: Body::Publish {
            producer: ProducerId::Relay,
            pid,
            seq,
            partition: (op % 2) as u8,
            body_time,
            send: 1,
        },
    }
}

/// The messaging details recorded so far.
fn details(sinks: &Sinks) -> Vec<M> {
    sinks
        .trace
        .events
        .iter()
        .filter_map(|e| match e.detail {
            Detail::Messaging(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[test]
fn the_idempotent_producer_lets_the_broker_drop_a_resent_batch() {
    for idempotent in [false, true] {
        let mut s = scenario(BrokerMode::Log);
        s.protections.idempotent_producer = idempotent;
        let mut sinks = Sinks::new(&s);
        let mut out = Out {
            now: 0,
            scenario: &s,
            sinks: &mut sinks,
        };
        let mut broker = Broker::new(&out);
        broker.on_publish(&publish(3, 1, 0, 0), &mut out);
        broker.on_publish(&publish(3, 1, 0, 0), &mut out);
        // A new session (new producer id) re-sending the same record is not recognised.
        broker.on_publish(&publish(3, 2, 0, 0), &mut out);
        let expected = if idempotent { 2 } else { 3 };
        assert_eq!(broker.records_per_op[3], expected);
        let deduplicated = details(&sinks)
            .iter()
            .filter(|d| {
                matches!(
                    d,
                    M::PublishDeduplicated {
                        by: DedupBy::ProducerSequence,
                        offset: 0,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(deduplicated, idempotent as usize);
    }
}

#[test]
fn a_fifo_queue_drops_a_duplicate_for_five_minutes_only() {
    let mut s = scenario(BrokerMode::Queue);
    s.protections.broker_dedup = BrokerDedup::ExplicitId;
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut broker = Broker::new(&out);
    broker.on_publish(&publish(1, 1, 0, 0), &mut out);
    out.now = FIFO_DEDUP_WINDOW_US - 1;
    broker.on_publish(&publish(1, 2, 0, out.now), &mut out);
    assert_eq!(broker.records_per_op[1], 1, "inside the window");
    out.now = FIFO_DEDUP_WINDOW_US;
    broker.on_publish(&publish(1, 3, 0, out.now), &mut out);
    assert_eq!(broker.records_per_op[1], 2, "after the window");

    // Content-based: a re-publish carries a new publish time, so a new body.
    s.protections.broker_dedup = BrokerDedup::ContentBased;
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut broker = Broker::new(&out);
    broker.on_publish(&publish(1, 1, 0, 0), &mut out);
    broker.on_publish(&publish(1, 1, 0, 0), &mut out);
    assert_eq!(broker.records_per_op[1], 1, "the same body is recognised");
    out.now = 10;
    broker.on_publish(&publish(1, 2, 0, 10), &mut out);
    assert_eq!(broker.records_per_op[1], 2, "a new body is not");
}

/// Receive what the broker sends to consumer 0 after a pump: (message, receipt).
fn received(sinks: &mut Sinks) -> Vec<(u32, u8)> {
    let mut got = Vec::new();
    while let Some((_, event)) = sinks.queue.pop() {
        if let Event::Arrive(Envelope {
            body: Body::Record {
                offset, receipt, ..
            },
            ..
        }) = event
        {
            got.push((offset, receipt));
        }
    }
    got
}

#[test]
fn visibility_timeout_redelivers_and_an_old_receipt_no_longer_deletes() {
    let mut s = scenario(BrokerMode::Queue);
    s.messaging.consumers = 1;
    s.messaging.visibility_timeout_us = 1_000;
    s.messaging.max_receive_count = 2;
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut broker = Broker::new(&out);
    broker.on_publish(&publish(4, 1, 0, 0), &mut out);
    broker.waiting[0] = true;
    broker.pump(&mut out);
    assert_eq!(received(out.sinks), vec![(0, 1)]);
    // Still invisible before the timeout.
    out.now = 999;
    broker.on_visibility_deadline(0, 1, &mut out);
    broker.waiting[0] = true;
    broker.pump(&mut out);
    assert_eq!(received(out.sinks), vec![]);
    out.now = 1_000;
    broker.on_visibility_deadline(0, 1, &mut out);
    broker.pump(&mut out);
    assert_eq!(
        received(out.sinks),
        vec![(0, 2)],
        "visible again, second receive"
    );
    let stale = Envelope {
        id: 9,
        from: Actor::Consumer(0),
        to: Actor::Broker,
        kind: MessageKind::Delete,
        op: 4,
        body: Body::Delete {
            message: 0,
            receipt: 1,
        },
    };
    broker.on_delete(&stale, &mut out);
    assert!(details(out.sinks).contains(&M::MessageDeleted {
        message: 0,
        applied: false
    }));
    // A third receive is past max_receive_count: the dead-letter queue takes it.
    out.now = 2_000;
    broker.on_visibility_deadline(0, 2, &mut out);
    broker.waiting[0] = true;
    broker.pump(&mut out);
    assert_eq!(received(out.sinks), vec![]);
    assert!(details(out.sinks).contains(&M::DeadLettered {
        message: 0,
        receives: 2
    }));
}

#[test]
fn a_commit_from_an_old_generation_is_refused_and_a_rebalance_waits_for_busy_members() {
    let mut s = scenario(BrokerMode::Log);
    s.messaging.consumers = 2;
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut broker = Broker::new(&out);
    broker.join(0);
    broker.join(1);
    broker.waiting = vec![true, false];
    broker.pump(&mut out);
    assert_eq!(
        broker.log.generation, 0,
        "consumer 2 is busy: the rebalance waits"
    );
    broker.waiting[1] = true;
    broker.pump(&mut out);
    assert_eq!(broker.log.generation, 1);
    let commit = |generation| Envelope {
        id: 1,
        from: Actor::Consumer(0),
        to: Actor::Broker,
        kind: MessageKind::OffsetCommit,
        op: 0,
        body: Body::OffsetCommit {
            consumer: 0,
            partition: 0,
            offset: 1,
            generation,
        },
    };
    broker.on_commit(&commit(0), &mut out);
    assert_eq!(broker.log.partitions[0].committed, 0, "refused");
    broker.on_commit(&commit(1), &mut out);
    assert_eq!(broker.log.partitions[0].committed, 1, "accepted");
}

#[test]
fn a_producer_resends_with_its_sequence_and_a_restart_gets_a_new_id() {
    let s = scenario(BrokerMode::Log);
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut broker = Broker::new(&out);
    let mut producer = Producer::new(ProducerId::Relay, 10, 2);
    producer.start(&mut broker, &mut out);
    let first = producer.pid;
    producer.publish(
        Pending {
            op: 2,
            outbox: None,
        },
        &mut out,
    );
    let seq = producer.in_flight.map(|f| f.seq);
    out.now = s.messaging.request_timeout_us;
    assert_eq!(
        producer.on_timeout(first, 0, &mut out),
        None,
        "re-sent, not abandoned"
    );
    assert_eq!(
        producer.in_flight.map(|f| f.seq),
        seq,
        "with the same sequence number"
    );
    out.now = s.messaging.delivery_timeout_us;
    let abandoned = producer.on_timeout(first, 0, &mut out);
    assert_eq!(
        abandoned,
        Some(Pending {
            op: 2,
            outbox: None
        })
    );
    producer.crash();
    producer.start(&mut broker, &mut out);
    assert_ne!(producer.pid, first);
}

#[test]
fn a_consumer_skips_a_message_its_dedup_store_has_and_polls_only_after_its_commit() {
    use super::consumer::{on_record, Consumer, Next};
    use super::consumer_lifecycle::on_commit_answered;
    use super::store::Database;

    let mut s = scenario(BrokerMode::Log);
    s.protections.dedup_store.enabled = true;
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut db = Database::new(10);
    db.record_processed(5, 0);
    let mut consumer = Consumer::new(0);
    let record = Envelope {
        id: 3,
        from: Actor::Broker,
        to: Actor::Consumer(0),
        kind: MessageKind::Record,
        op: 5,
        body: Body::Record {
            partition: 1,
            offset: 2,
            delivery: 2,
            receipt: 0,
            generation: 1,
        },
    };
    // Seen before: skipped, its offset committed, and the next poll waits for the commit.
    assert_eq!(
        on_record(&mut consumer, &mut db, &record, &mut out),
        Next::Busy
    );
    assert!(details(out.sinks).contains(&M::DedupCheck {
        seen: true,
        in_transaction: false
    }));
    assert_eq!(db.ledger_rows[5], 0, "not applied again");
    assert_eq!(
        on_commit_answered(&mut consumer, 5, 2),
        Next::Busy,
        "another offset"
    );
    assert_eq!(on_commit_answered(&mut consumer, 5, 3), Next::Poll);
    assert!(consumer.work.is_none());
}
