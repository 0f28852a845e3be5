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

mod jobs {
    use crate::sim::config::{Scenario, StreamMode, StreamProtections, Workload};
    use crate::sim::stream::coordinator::TxnState;
    use crate::sim::stream::instance::{Checkpoint, Instance, State};
    use crate::sim::stream::out::{Out, Sinks};
    use crate::sim::stream::{flink_job, kafka_job};
    use crate::sim::trace::AbortReason;

    fn scenario(stable: bool, mode: StreamMode) -> Scenario {
        let mut s = Scenario {
            workload: Workload::Stream,
            operations: 4,
            ..Scenario::default()
        };
        s.stream.mode = mode;
        s.protections.stream = StreamProtections {
            stable_transactional_id: stable,
            ..StreamProtections::full()
        };
        s
    }

    /// A started instance `k` (the world's part of a start: the instance and who it
    /// replaces).
    fn start_kafka(state: &mut State, k: u8, out: &mut Out) {
        for older in state.instances.iter_mut().filter(|i| i.alive) {
            older.replaced_at = Some(out.now);
        }
        state.instances.push(Instance {
            alive: true,
            ..Instance::default()
        });
        kafka_job::start(state, k, out);
    }

    /// Instance `k` finished processing the next record: it writes its invoice.
    fn process(state: &mut State, k: u8, op: u32, out: &mut Out) {
        state.deliveries[op as usize] += 1;
        let delivery = state.deliveries[op as usize];
        let inst = &mut state.instances[k as usize];
        inst.busy = true;
        inst.position = op + 1;
        kafka_job::on_processed(state, k, op, delivery, false, out);
    }

    #[test]
    fn a_stable_transactional_id_fences_the_zombie_and_aborts_its_transaction() {
        let s = scenario(true, StreamMode::Kafka);
        let mut sinks = Sinks::new(&s);
        let mut out = Out {
            now: 0,
            scenario: &s,
            sinks: &mut sinks,
        };
        let mut state = State::new(&s);
        state.appended = 4;
        start_kafka(&mut state, 0, &mut out);
        process(&mut state, 0, 0, &mut out);
        assert_eq!(state.topic.invoices, 1);
        // The replacement's initTransactions aborts the zombie's open transaction.
        start_kafka(&mut state, 1, &mut out);
        assert_eq!(
            state.coordinator.txns[0].state,
            TxnState::Aborted(AbortReason::Fenced)
        );
        // The zombie wakes and writes: ProducerFenced, nothing appended, it is gone.
        process(&mut state, 0, 1, &mut out);
        assert!(!state.instances[0].alive && state.instances[0].fenced.is_some());
        assert_eq!(state.topic.invoices, 1);
    }

    #[test]
    fn a_random_transactional_id_lets_the_zombie_write_and_commit() {
        let s = scenario(false, StreamMode::Kafka);
        let mut sinks = Sinks::new(&s);
        let mut out = Out {
            now: 0,
            scenario: &s,
            sinks: &mut sinks,
        };
        let mut state = State::new(&s);
        state.appended = 4;
        start_kafka(&mut state, 0, &mut out);
        process(&mut state, 0, 0, &mut out);
        start_kafka(&mut state, 1, &mut out);
        assert_eq!(state.coordinator.txns[0].state, TxnState::Open);
        process(&mut state, 0, 1, &mut out);
        assert!(state.instances[0].alive);
        assert_eq!(state.topic.invoices, 2);
        assert_eq!(state.instances[0].batch, vec![0, 1]);
    }

    #[test]
    fn a_restore_commits_the_checkpoints_transaction_unless_the_broker_aborted_it() {
        for timed_out in [false, true] {
            let s = scenario(true, StreamMode::Flink);
            let mut sinks = Sinks::new(&s);
            let mut out = Out {
                now: 0,
                scenario: &s,
                sinks: &mut sinks,
            };
            let mut state = State::new(&s);
            state.instances.push(Instance::default());
            let pending = state.coordinator.begin(0, 0, 0, &mut out);
            state.coordinator.txns[pending as usize].state =
                TxnState::PreCommitted { checkpoint: 0 };
            let open = state.coordinator.begin(0, 0, 0, &mut out);
            if timed_out {
                state
                    .coordinator
                    .on_timeout(pending, &mut state.topic, &mut out);
            }
            state.checkpoints.push(Checkpoint {
                offset: 3,
                pending: Some(pending),
                completed: Some((0, 0)),
            });
            state.last_completed = Some(0);
            state.instances.push(Instance {
                alive: true,
                ..Instance::default()
            });
            flink_job::start(&mut state, 1, &mut out);
            assert_eq!(state.instances[1].position, 3, "the source rewinds");
            let expected = if timed_out {
                TxnState::Aborted(AbortReason::Timeout)
            } else {
                TxnState::Committed
            };
            assert_eq!(state.coordinator.txns[pending as usize].state, expected);
            assert_eq!(
                state.coordinator.txns[open as usize].state,
                TxnState::Aborted(AbortReason::Restore)
            );
        }
    }
}
