//! The transaction coordinator (and the group's committed input offsets): transactional
//! ids and their epochs, every transaction with its state, fencing, the timeout abort,
//! and the commit and abort markers it writes to the output topic.

use crate::sim::trace::{AbortReason, Actor, StreamDetail, NO_OP};

use super::out::Out;
use super::topics::{Entry, OutputTopic};

/// Where a transaction stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnState {
    Open,
    /// Flink: pre-committed at a checkpoint, waiting for its completion (still open at the
    /// broker, so its timeout still runs).
    PreCommitted {
        checkpoint: u32,
    },
    Committed,
    Aborted(AbortReason),
}

/// One transaction: who opened it, when, and how it ended.
#[derive(Clone, Copy, Debug)]
pub struct Txn {
    pub tid: u32,
    pub state: TxnState,
    /// Trace events: begin, pre-commit and end (`u32::MAX` if none yet).
    pub begin_event: u32,
    pub pre_commit_event: u32,
    pub end_event: u32,
    pub ended_at: u64,
    /// Flink: the checkpoint that pre-committed it, and when.
    pub pre_committed: Option<(u32, u64)>,
}

impl Txn {
    pub fn is_open(&self) -> bool {
        matches!(self.state, TxnState::Open | TxnState::PreCommitted { .. })
    }
}

#[derive(Default)]
pub struct Coordinator {
    /// The current epoch of each transactional id that has one (index: the id).
    epochs: Vec<Option<u16>>,
    pub txns: Vec<Txn>,
    /// The group's committed input offset: the next record to read.
    pub committed_offset: u32,
}

impl Coordinator {
    /// `initTransactions()` for `tid` by `instance`: bump the epoch, which fences every
    /// older producer with this id, and abort the id's open transactions. Returns the new
    /// epoch.
    pub fn init(&mut self, tid: u32, topic: &mut OutputTopic, out: &mut Out) -> u16 {
        let index = tid as usize;
        if self.epochs.len() <= index {
            self.epochs.resize(index + 1, None);
        }
        let epoch = self.epochs[index].map_or(0, |e| e.saturating_add(1));
        self.epochs[index] = Some(epoch);
        let open: Vec<u32> = (0..self.txns.len() as u32)
            .filter(|&t| self.txns[t as usize].tid == tid && self.txns[t as usize].is_open())
            .collect();
        for txn in open {
            self.abort(txn, AbortReason::Fenced, topic, out);
        }
        epoch
    }

    /// Whether a producer with `tid` at `epoch` has been fenced by a newer one.
    pub fn fenced(&self, tid: u32, epoch: u16) -> bool {
        self.epochs
            .get(tid as usize)
            .copied()
            .flatten()
            .is_some_and(|current| current != epoch)
    }

    /// Begin a transaction for `instance`; returns its number. The caller arms its timer.
    pub fn begin(&mut self, instance: u8, tid: u32, epoch: u16, out: &mut Out) -> u32 {
        let txn = self.txns.len() as u32;
        let event = out.note(
            Actor::Coordinator,
            Actor::Job(instance),
            StreamDetail::TxnBegun { txn, epoch },
        );
        self.txns.push(Txn {
            tid,
            state: TxnState::Open,
            begin_event: event,
            pre_commit_event: u32::MAX,
            end_event: u32::MAX,
            ended_at: 0,
            pre_committed: None,
        });
        txn
    }

    /// Write `txn`'s commit marker.
    pub fn commit(&mut self, txn: u32, topic: &mut OutputTopic, out: &mut Out) {
        let offset = topic.append(Entry::Marker { txn });
        let event = out.event(
            Actor::OutputTopic,
            Actor::Coordinator,
            NO_OP,
            StreamDetail::Committed { txn, offset },
        );
        let t = &mut self.txns[txn as usize];
        t.state = TxnState::Committed;
        t.end_event = event;
        t.ended_at = out.now;
    }

    /// Write `txn`'s abort marker.
    pub fn abort(&mut self, txn: u32, reason: AbortReason, topic: &mut OutputTopic, out: &mut Out) {
        let offset = topic.append(Entry::Marker { txn });
        let event = out.event(
            Actor::OutputTopic,
            Actor::Coordinator,
            NO_OP,
            StreamDetail::Aborted {
                txn,
                offset,
                reason,
            },
        );
        let t = &mut self.txns[txn as usize];
        t.state = TxnState::Aborted(reason);
        t.end_event = event;
        t.ended_at = out.now;
    }

    /// The transaction's timer: abort it if it is still open.
    pub fn on_timeout(&mut self, txn: u32, topic: &mut OutputTopic, out: &mut Out) -> bool {
        if self.txns[txn as usize].is_open() {
            self.abort(txn, AbortReason::Timeout, topic, out);
            return true;
        }
        false
    }

    /// What stops `instance` (with `tid` at `epoch`) from writing to or committing `txn`:
    /// `Some(false)` fenced, `Some(true)` aborted on timeout, `None` nothing. A refusal is
    /// written to the trace.
    pub fn refusal(
        &self,
        instance: u8,
        tid: u32,
        epoch: u16,
        txn: Option<u32>,
        op: u32,
        out: &mut Out,
    ) -> Option<u32> {
        let timed_out = txn.is_some_and(|t| {
            self.txns[t as usize].state == TxnState::Aborted(AbortReason::Timeout)
        });
        let fenced = self.fenced(tid, epoch);
        (fenced || timed_out).then(|| {
            out.event(
                Actor::Coordinator,
                Actor::Job(instance),
                op,
                StreamDetail::Refused {
                    txn: txn.unwrap_or(u32::MAX),
                    timed_out: timed_out && !fenced,
                },
            )
        })
    }

    /// Commit the input offsets up to `offset`, in a transaction or on their own.
    pub fn commit_offsets(&mut self, instance: u8, offset: u32, in_txn: bool, out: &mut Out) {
        self.committed_offset = offset;
        out.note(
            Actor::Coordinator,
            Actor::Job(instance),
            StreamDetail::OffsetsCommitted { offset, in_txn },
        );
    }
}
