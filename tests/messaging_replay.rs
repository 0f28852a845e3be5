//! The events workload's tables at a time cursor (`sim::replay::messaging`) against the
//! run: at the end they hold what the ground truth counts, at the start nothing, and in
//! between each row appears at the event that made it.

use std::collections::BTreeSet;

use idempotency_lab::sim::config::{DedupLocation, Workload};
use idempotency_lab::sim::replay::messaging::{DedupScope, MessagingReplay, QueueState};
use idempotency_lab::sim::scenarios::{preset, presets, Lesson};
use idempotency_lab::sim::{run, RunResult, Scenario};

fn run_scenario(scenario: &Scenario) -> RunResult {
    run(&scenario.clone().validate().expect("valid"))
}

fn run_preset(name: &str) -> RunResult {
    run_scenario(&preset(name).expect("preset exists").scenario)
}

fn messaging_presets() -> Vec<&'static str> {
    presets()
        .into_iter()
        .filter(|p| p.scenario.workload == Workload::Events && p.lesson != Lesson::Benchmark)
        .map(|p| p.name)
        .collect()
}

#[test]
fn at_the_end_the_tables_hold_what_the_ground_truth_counts() {
    for name in messaging_presets() {
        let result = run_preset(name);
        let replay = MessagingReplay::new(&result);
        let end = result.trace.len();
        let truth = &result.ground_truth;
        let ledger = replay.ledger_at(end, 8);
        assert_eq!(
            ledger.total as u64, truth.applied_events,
            "{name}: ledger rows"
        );
        let shipments = replay.shipments_at(end, 8);
        assert_eq!(shipments.total as u64, truth.shipments, "{name}: shipments");
        assert_eq!(
            replay.orders_at(end, 8).total as u64,
            truth.orders,
            "{name}: orders"
        );
        let published = if replay.queue_mode {
            replay.queue_at(end, 8).total
        } else {
            replay
                .partitions_at(end, 8)
                .iter()
                .map(|p| p.appended)
                .sum()
        };
        assert_eq!(published as u64, truth.published_events, "{name}: records");
        // One repeated row per extra row of an order.
        let orders: BTreeSet<u32> = replay.ledger.iter().map(|r| r.op).collect();
        assert_eq!(ledger.repeated, ledger.total - orders.len(), "{name}");
        assert!(ledger.rows.len() <= 8 && shipments.rows.len() <= 8);
    }
}

#[test]
fn before_the_first_event_every_table_is_empty() {
    for name in [
        "consumer-crash-redelivery",
        "visibility-timeout",
        "dedup-before-processing",
    ] {
        let result = run_preset(name);
        let replay = MessagingReplay::new(&result);
        assert_eq!(replay.ledger_at(0, 8).total, 0);
        assert_eq!(replay.shipments_at(0, 8).total, 0);
        assert_eq!(replay.orders_at(0, 8).total, 0);
        assert_eq!(replay.dedup_at(0, 0, 8).total, 0);
        assert_eq!(replay.queue_at(0, 8).total, 0);
        for p in replay.partitions_at(0, 8) {
            assert_eq!((p.appended, p.committed, p.owner), (0, 0, None), "{name}");
        }
    }
}

#[test]
fn a_redelivered_record_is_applied_again_and_the_repeat_appears_at_its_event() {
    let result = run_preset("consumer-crash-redelivery");
    let replay = MessagingReplay::new(&result);
    let repeat = replay
        .ledger
        .iter()
        .find(|r| r.repeat > 0)
        .copied()
        .expect("a repeated ledger row");
    let at = repeat.event as usize;
    assert_eq!(replay.ledger_at(at, 8).repeated, 0);
    let after = replay.ledger_at(at + 1, 8);
    assert_eq!(after.repeated, 1);
    assert_eq!(
        after.rows.last(),
        Some(&repeat),
        "the newest row comes last"
    );
    // Its record was handed out twice, and the order counts two rows from then on.
    let end = result.trace.len();
    let record = replay
        .partitions
        .iter()
        .flat_map(|p| &p.records)
        .find(|r| r.op == repeat.op)
        .expect("its record");
    assert!(record.deliveries.len() >= 2);
    assert_eq!(replay.effects_of(repeat.op, at + 1).1, 2);
    // The orders table shows the order whose event was just applied again, last.
    let orders = replay.orders_at(at + 1, 8);
    let latest = orders.rows.last().expect("orders");
    assert_eq!((latest.row.op, latest.ledger_rows), (repeat.op, 2));
    assert!(orders.rows.len() <= 8 && orders.total >= orders.rows.len());
    // At the end every record is committed and every partition has an owner.
    for p in replay.partitions_at(end, usize::MAX) {
        assert_eq!(
            p.committed as usize, p.appended,
            "partition {}",
            p.partition
        );
        assert!(p.owner.is_some() && p.records.iter().all(|r| r.committed));
    }
}

#[test]
fn records_are_shown_from_the_last_committed_one_and_a_rebalance_hands_some_out_again() {
    let result = run_preset("slow-consumer-rebalance");
    let replay = MessagingReplay::new(&result);
    for cursor in (0..=result.trace.len()).step_by(7) {
        for p in replay.partitions_at(cursor, 4) {
            assert!(p.committed as usize <= p.appended);
            assert!(p.records.len() <= 4);
            // The window starts at the last committed record (or shows the newest four).
            if let Some(first) = p.records.first() {
                let start =
                    (p.committed.saturating_sub(1) as usize).min(p.appended.saturating_sub(4));
                assert_eq!(first.offset as usize, start);
            }
            for r in &p.records {
                assert_eq!(r.committed, r.offset < p.committed);
            }
        }
    }
    let redelivered = replay
        .partitions
        .iter()
        .flat_map(|p| &p.records)
        .filter(|r| r.deliveries.len() > 1)
        .count();
    assert!(redelivered > 0, "a rebalance hands records out again");
}

#[test]
fn queue_messages_move_between_visible_in_flight_and_deleted() {
    let result = run_preset("visibility-timeout");
    let replay = MessagingReplay::new(&result);
    assert!(replay.queue_mode && replay.partitions.is_empty());
    for cursor in (0..=result.trace.len()).step_by(5) {
        let q = replay.queue_at(cursor, 8);
        assert_eq!(
            q.visible + q.in_flight + q.deleted + q.dead_lettered,
            q.total
        );
        assert_eq!(q.messages.len(), q.total.min(8));
        for m in &q.messages {
            let in_flight = matches!(m.state, QueueState::InFlight { .. });
            assert!(!in_flight || m.receives > 0);
        }
        // Messages in flight come first, then the others, latest changed first.
        let rank = |s: QueueState| match s {
            QueueState::InFlight { .. } => 0,
            _ => 1,
        };
        let ranks: Vec<u8> = q.messages.iter().map(|m| rank(m.state)).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        assert_eq!(
            ranks.iter().filter(|&&r| r == 0).count(),
            q.in_flight.min(8)
        );
    }
    let end = replay.queue_at(result.trace.len(), usize::MAX);
    assert_eq!(
        end.deleted + end.dead_lettered,
        end.total,
        "the run ends with the queue empty"
    );
    assert!(
        end.messages.iter().any(|m| m.receives >= 2),
        "a message whose visibility ran out is received again"
    );
    // A visibility expiry makes its message visible again at that event.
    let expired = replay
        .messages
        .iter()
        .find(|m| {
            m.changes
                .iter()
                .filter(|(_, s)| *s == QueueState::Visible)
                .count()
                > 1
        })
        .expect("a message made visible again");
    let (event, _) = expired.changes[2];
    let at = replay.queue_at(event as usize + 1, usize::MAX);
    let message = at.messages.iter().find(|m| m.id == expired.id).unwrap();
    assert_eq!((message.state, message.receives), (QueueState::Visible, 1));
}

#[test]
fn dead_letters_are_counted_after_max_receive_count() {
    let mut scenario = preset("visibility-timeout").unwrap().scenario;
    scenario.messaging.max_receive_count = 1;
    let result = run_scenario(&scenario);
    let replay = MessagingReplay::new(&result);
    let end = replay.queue_at(result.trace.len(), usize::MAX);
    assert!(
        end.dead_lettered > 0,
        "a message received once too often is dead-lettered"
    );
    assert_eq!(end.deleted + end.dead_lettered, end.total);
    for m in end
        .messages
        .iter()
        .filter(|m| m.state == QueueState::DeadLettered)
    {
        assert_eq!(m.receives, 1);
    }
}

#[test]
fn the_dedup_store_keeps_ids_for_its_window_and_memory_loses_them_in_a_crash() {
    let result = run_preset("dedup-before-processing");
    let replay = MessagingReplay::new(&result);
    let end = result.trace.len();
    let store = replay.dedup_at(end, result.virtual_time_us, usize::MAX);
    assert_eq!(
        store.total, result.ground_truth.orders as usize,
        "one id per order"
    );
    assert!(store
        .rows
        .iter()
        .all(|r| r.row.scope == DedupScope::Database && !r.expired));
    assert!(MessagingReplay::count_at(&replay.dedup_skips, end) > 0);
    // Past the window every id shows expired.
    let later = replay.dedup_at(end, u64::MAX, usize::MAX);
    assert!(later.rows.iter().all(|r| r.expired));

    let mut scenario = preset("consumer-crash-redelivery").unwrap().scenario;
    scenario.protections.dedup_store.enabled = true;
    scenario.protections.dedup_store.location = DedupLocation::Memory;
    let result = run_scenario(&scenario);
    let replay = MessagingReplay::new(&result);
    assert!(replay.dedup_in_memory);
    let lost = replay
        .dedup
        .iter()
        .filter(|r| r.ended_event.is_some())
        .count();
    assert!(lost > 0, "a crash empties the consumer's memory");
    let end = replay.dedup_at(result.trace.len(), result.virtual_time_us, usize::MAX);
    assert!(end.total < replay.dedup.len());
    assert!(end
        .rows
        .iter()
        .all(|r| matches!(r.row.scope, DedupScope::Consumer(_))));
}

#[test]
fn duplicate_publishes_show_as_second_copies_and_http_runs_have_no_messaging_tables() {
    let result = run_preset("producer-restart");
    let replay = MessagingReplay::new(&result);
    let copies = replay
        .partitions
        .iter()
        .flat_map(|p| &p.records)
        .filter(|r| r.repeat > 0)
        .count();
    assert!(
        copies > 0,
        "a restarted producer's re-send is a second copy"
    );
    let orders = replay.orders_at(result.trace.len(), usize::MAX);
    assert!(orders.rows.iter().any(|o| o.copies > 1));

    let http = run_preset("lost-response");
    let empty = MessagingReplay::new(&http);
    assert!(empty.partitions.is_empty() && empty.messages.is_empty() && empty.ledger.is_empty());
}

#[test]
fn the_run_totals_count_redeliveries_and_stale_acknowledgements() {
    let crash = MessagingReplay::new(&run_preset("consumer-crash-redelivery"));
    assert!(crash.redeliveries() > 0);
    let queue = MessagingReplay::new(&run_preset("visibility-timeout"));
    assert!(
        queue.redeliveries() > 0,
        "a message received again after its visibility ran out"
    );
    assert!(
        queue.stale_acknowledgements() > 0,
        "the first receiver's late delete is stale"
    );
}

#[test]
fn a_lost_event_shows_in_the_orders_table_when_its_redelivery_is_skipped() {
    use idempotency_lab::sim::oracle::AnomalyKind;
    let result = run_preset("dedup-before-processing");
    let replay = MessagingReplay::new(&result);
    let lost = result
        .anomalies
        .iter()
        .find(|a| a.kind == AnomalyKind::LostEvent)
        .expect("a lost event");
    let cursor = *lost.events.iter().max().expect("a chain") as usize + 1;
    let orders = replay.orders_at(cursor, 8);
    let order = orders
        .rows
        .iter()
        .find(|o| o.row.op == lost.op)
        .expect("the order whose redelivery was just skipped is shown");
    assert!(order.copies >= 1 && order.ledger_rows == 0, "{order:?}");
}
