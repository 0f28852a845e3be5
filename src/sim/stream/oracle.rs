//! The stream oracle. Its verdicts come from ground truth at the end of the run — the
//! output topic's invoices with the state of their transactions, what the downstream
//! reader received, and how far the job consumed its input — counted per order:
//! - duplicate output: the reader received more than one invoice for the order (read
//!   table-wise, by key, an upsert sink shows one);
//! - lost output: the job consumed past the order for good (its committed input offset,
//!   or its last completed checkpoint) yet no invoice of it stands (none outside a
//!   transaction, none in a committed one);
//! - zombie write: the reader received an invoice that became visible — appended (plain
//!   writes, or a read_uncommitted reader) or committed — after a newer instance of the
//!   job had started while its writer was still alive.

use crate::sim::config::Scenario;
use crate::sim::oracle::{sort_by_time, Anomaly, AnomalyCounts, AnomalyKind, KEPT};
use crate::sim::trace::NO_TXN;

use super::coordinator::TxnState;
use super::explain;
use super::instance::State;
use super::topics::Entry;

/// One invoice of an order: the entry and its place in the output topic.
#[derive(Clone, Copy, Debug)]
pub struct Copy {
    pub offset: u32,
    pub txn: u32,
    pub instance: u8,
    pub time: u64,
    pub event: u32,
}

/// The verdicts of a run.
pub struct Verdicts {
    pub anomalies: Vec<Anomaly>,
    pub counts: AnomalyCounts,
    pub conservation: Vec<String>,
}

/// Whether the copy stands: written outside a transaction or in a committed one.
pub fn stands(state: &State, copy: &Copy) -> bool {
    copy.txn == NO_TXN || state.coordinator.txns[copy.txn as usize].state == TxnState::Committed
}

/// The trace event that made `copy` visible to the reader: its commit marker for a
/// read_committed reader of a transactional write, else its append.
pub fn visible_event(state: &State, copy: &Copy) -> u32 {
    if state.reader.read_committed && copy.txn != NO_TXN {
        state.coordinator.txns[copy.txn as usize].end_event
    } else {
        copy.event
    }
}

/// Whether `copy` became visible after a newer instance replaced its live writer.
pub fn by_zombie(state: &State, copy: &Copy) -> bool {
    let writer = &state.instances[copy.instance as usize];
    writer.replaced_at.is_some() && visible_event(state, copy) > writer.replaced_event
}

pub fn judge(scenario: &Scenario, state: &State) -> Verdicts {
    let mut copies: Vec<Vec<Copy>> = vec![Vec::new(); state.orders as usize];
    for (offset, entry) in state.topic.entries.iter().enumerate() {
        if let Entry::Invoice {
            op,
            txn,
            instance,
            time,
            event,
        } = *entry
        {
            copies[op as usize].push(Copy {
                offset: offset as u32,
                txn,
                instance,
                time,
                event,
            });
        }
    }
    let upsert = scenario.protections.stream.upsert_sink;
    let past = state.consumed_past(scenario.stream.mode);
    let mut anomalies = Vec::new();
    let mut counts = AnomalyCounts::default();
    let mut conservation = Vec::new();
    for op in 0..state.orders {
        let mine = &copies[op as usize];
        let seen = &state.reader.seen[op as usize];
        let copy_at = |offset: u32| mine.iter().find(|c| c.offset == offset);
        let mut found = |kind: AnomalyKind| {
            counts.add(kind);
            if scenario.trace {
                anomalies.push(explain::anomaly(scenario, state, kind, op, mine));
            } else if anomalies.len() < KEPT {
                anomalies.push(Anomaly::counted(kind, op, 0));
            }
        };
        if seen.len() > 1 && !upsert {
            found(AnomalyKind::DuplicateOutput);
        }
        if op < past && !mine.iter().any(|c| stands(state, c)) {
            found(AnomalyKind::LostOutput);
        }
        if seen
            .iter()
            .filter_map(|s| copy_at(s.offset))
            .any(|c| by_zombie(state, c))
        {
            found(AnomalyKind::ZombieWrite);
        }
        if seen.len() > mine.len() {
            conservation.push(format!(
                "the reader received {} invoices for order {op}, which has {}",
                seen.len(),
                mine.len()
            ));
        }
    }
    sort_by_time(&mut anomalies);
    Verdicts {
        anomalies,
        counts,
        conservation,
    }
}
