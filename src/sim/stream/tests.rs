//! Per-actor tests of the stream world: hand-made state, one handler, the effects.

use crate::sim::config::{Scenario, StreamMode, Workload};
use crate::sim::trace::{AbortReason, Detail, StreamDetail};

use super::coordinator::{Coordinator, TxnState};
use super::out::{Out, Sinks};
use super::reader::Reader;
use super::topics::{Entry, OutputTopic};

fn scenario() -> Scenario {
    Scenario {
        workload: Workload::Stream,
        ..Scenario::default()
    }
}

fn details(sinks: &Sinks) -> Vec<StreamDetail> {
    sinks
        .trace
        .events
        .iter()
        .filter_map(|e| match e.detail {
            Detail::Stream(d) => Some(d),
            _ => None,
        })
        .collect()
}

#[test]
fn init_with_the_same_id_fences_the_old_epoch_and_aborts_its_transaction() {
    let s = scenario();
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 10,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut topic = OutputTopic::default();
    let mut c = Coordinator::default();
    let first = c.init(0, &mut topic, &mut out);
    let txn = c.begin(0, 0, first, &mut out);
    let second = c.init(0, &mut topic, &mut out);
    assert_eq!((first, second), (0, 1));
    assert!(c.fenced(0, first) && !c.fenced(0, second));
    assert_eq!(
        c.txns[txn as usize].state,
        TxnState::Aborted(AbortReason::Fenced)
    );
    // The abort marker occupies an offset.
    assert_eq!(topic.entries, vec![Entry::Marker { txn }]);
    // Another id is not fenced by it.
    let other = c.init(5, &mut topic, &mut out);
    assert!(!c.fenced(5, other) && c.fenced(0, first));
}

#[test]
fn a_timed_out_transaction_is_aborted_once() {
    let s = scenario();
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut topic = OutputTopic::default();
    let mut c = Coordinator::default();
    let txn = c.begin(0, 0, 0, &mut out);
    assert!(c.on_timeout(txn, &mut topic, &mut out));
    assert!(!c.on_timeout(txn, &mut topic, &mut out));
    let txn2 = c.begin(0, 0, 0, &mut out);
    c.commit(txn2, &mut topic, &mut out);
    assert!(!c.on_timeout(txn2, &mut topic, &mut out));
    assert_eq!(c.txns[txn2 as usize].state, TxnState::Committed);
}

#[test]
fn read_committed_stops_at_an_open_transaction_and_skips_aborted_ones() {
    let s = scenario();
    let mut sinks = Sinks::new(&s);
    let mut out = Out {
        now: 0,
        scenario: &s,
        sinks: &mut sinks,
    };
    let mut topic = OutputTopic::default();
    let mut c = Coordinator::default();
    let aborted = c.begin(0, 0, 0, &mut out);
    let open = c.begin(0, 0, 0, &mut out);
    let invoice = |op, txn| Entry::Invoice {
        op,
        txn,
        instance: 0,
        time: 0,
        event: 0,
    };
    topic.append(invoice(0, aborted));
    topic.append(invoice(1, open));
    topic.append(invoice(2, crate::sim::trace::NO_TXN));
    c.abort(aborted, AbortReason::Timeout, &mut topic, &mut out);
    let mut committed = Reader::new(true, 3);
    let mut uncommitted = Reader::new(false, 3);
    committed.catch_up(&topic, &c, &mut out);
    uncommitted.catch_up(&topic, &c, &mut out);
    assert_eq!(
        committed.total, 0,
        "blocked at the open transaction's record"
    );
    assert_eq!(committed.position, 1);
    assert_eq!(uncommitted.total, 3, "read_uncommitted sees every invoice");
    c.commit(open, &mut topic, &mut out);
    committed.catch_up(&topic, &c, &mut out);
    assert_eq!(committed.total, 2);
    assert!(
        committed.seen[0].is_empty(),
        "the aborted invoice is skipped"
    );
    assert!(details(&sinks)
        .iter()
        .any(|d| matches!(d, StreamDetail::ReaderSaw { offset: 2 })));
}

#[test]
fn flink_asks_for_an_hour_by_default_and_kafka_for_a_minute() {
    let p = crate::sim::config::StreamProtections::default();
    assert_eq!(p.timeout_in(StreamMode::Kafka), 60_000_000);
    assert_eq!(p.timeout_in(StreamMode::Flink), 3_600_000_000);
}
