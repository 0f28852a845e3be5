//! The stream workload's tables at a time cursor: the output topic's transactions (id,
//! the instance and epoch that opened it, its state, its invoices) and the Flink job's
//! checkpoints, folded from the trace up to the cursor. A stream run is small (a few
//! thousand events), so each cursor folds from the start rather than keeping histories.

use crate::sim::trace::{Actor, Detail, StreamDetail, TraceEvent};

/// Where a transaction stands at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnStateAt {
    Open,
    PreCommitted,
    Committed,
    Aborted,
}

impl TxnStateAt {
    pub fn name(self) -> &'static str {
        match self {
            TxnStateAt::Open => "open",
            TxnStateAt::PreCommitted => "pre-committed",
            TxnStateAt::Committed => "committed",
            TxnStateAt::Aborted => "aborted",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnAt {
    pub id: u32,
    /// The job instance that opened it (0-based).
    pub instance: u8,
    pub epoch: u16,
    pub state: TxnStateAt,
    /// Its invoices' orders, in the order written.
    pub records: Vec<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointAt {
    pub id: u32,
    /// The source position it snapshots.
    pub offset: u32,
    pub completed: bool,
    /// The transaction the sink pre-committed at it.
    pub txn: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamTablesAt {
    pub txns: Vec<TxnAt>,
    pub checkpoints: Vec<CheckpointAt>,
    /// Invoices written outside any transaction.
    pub plain_invoices: u32,
    /// The committed input offset (Kafka), if any commit happened yet.
    pub committed_offset: Option<u32>,
    /// Invoices the reader received.
    pub received: u32,
}

/// The tables after the first `cursor` events of `trace`.
pub fn stream_tables_at(trace: &[TraceEvent], cursor: usize) -> StreamTablesAt {
    let mut at = StreamTablesAt::default();
    for e in trace.iter().take(cursor) {
        let Detail::Stream(d) = e.detail else {
            continue;
        };
        match d {
            StreamDetail::TxnBegun { txn, epoch } => {
                let instance = match e.peer {
                    Actor::Job(k) => k,
                    _ => 0,
                };
                at.txns.push(TxnAt {
                    id: txn,
                    instance,
                    epoch,
                    state: TxnStateAt::Open,
                    records: Vec::new(),
                });
            }
            StreamDetail::OutputAppended { txn, .. } => match find(&mut at.txns, txn) {
                Some(t) => t.records.push(e.op),
                None => at.plain_invoices += 1,
            },
            StreamDetail::PreCommitted { txn, checkpoint } => {
                if let Some(t) = find(&mut at.txns, txn) {
                    if t.state == TxnStateAt::Open {
                        t.state = TxnStateAt::PreCommitted;
                    }
                }
                if let Some(c) = at.checkpoints.iter_mut().find(|c| c.id == checkpoint) {
                    c.txn = Some(txn);
                }
            }
            StreamDetail::Committed { txn, .. } => {
                if let Some(t) = find(&mut at.txns, txn) {
                    t.state = TxnStateAt::Committed;
                }
            }
            StreamDetail::Aborted { txn, .. } => {
                if let Some(t) = find(&mut at.txns, txn) {
                    t.state = TxnStateAt::Aborted;
                }
            }
            StreamDetail::CheckpointTaken { checkpoint, offset } => {
                at.checkpoints.push(CheckpointAt {
                    id: checkpoint,
                    offset,
                    completed: false,
                    txn: None,
                })
            }
            StreamDetail::CheckpointCompleted { checkpoint, .. } => {
                if let Some(c) = at.checkpoints.iter_mut().find(|c| c.id == checkpoint) {
                    c.completed = true;
                }
            }
            StreamDetail::OffsetsCommitted { offset, .. } => at.committed_offset = Some(offset),
            StreamDetail::ReaderSaw { .. } => at.received += 1,
            _ => {}
        }
    }
    at
}

fn find(txns: &mut [TxnAt], id: u32) -> Option<&mut TxnAt> {
    // Transactions are numbered in the order they begin.
    txns.get_mut(id as usize).filter(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::run;
    use crate::sim::scenarios::preset;

    #[test]
    fn the_tables_follow_the_cursor() {
        let s = preset("stream-read-uncommitted").unwrap().scenario;
        let r = run(&s.clone().validate().unwrap());
        assert!(stream_tables_at(&r.trace, 0).txns.is_empty());
        let end = stream_tables_at(&r.trace, r.trace.len());
        assert!(end.txns.iter().any(|t| t.state == TxnStateAt::Aborted));
        assert!(end.txns.iter().any(|t| t.state == TxnStateAt::Committed));
        assert!(end.txns.iter().all(|t| t.state != TxnStateAt::Open));
        let records: usize = end.txns.iter().map(|t| t.records.len()).sum();
        assert_eq!(records as u64, r.ground_truth.published_events);
        assert_eq!(end.received as u64, r.ground_truth.applied_events);
        assert_eq!(end.committed_offset, Some(s.operations));
        // Half-way, something is still open or not yet written.
        let half = stream_tables_at(&r.trace, r.trace.len() / 2);
        assert!(half.txns.len() < end.txns.len());
    }

    #[test]
    fn flink_checkpoints_carry_their_pre_committed_transaction() {
        let s = preset("flink-downtime-timeout-protected").unwrap().scenario;
        let r = run(&s.clone().validate().unwrap());
        let end = stream_tables_at(&r.trace, r.trace.len());
        assert!(end.checkpoints.iter().all(|c| c.offset <= s.operations));
        assert!(end
            .checkpoints
            .iter()
            .any(|c| c.completed && c.txn.is_some()));
        assert!(end
            .txns
            .iter()
            .all(|t| t.state == TxnStateAt::Committed || t.state == TxnStateAt::Aborted));
    }
}
