//! The downstream reader of the output topic. `read_uncommitted` (Kafka's default) reads
//! every invoice as soon as it is appended, whatever becomes of its transaction;
//! `read_committed` reads up to the last stable offset — it stops at the first record of
//! a transaction still open — and skips aborted records.

use crate::sim::trace::{Actor, StreamDetail, NO_TXN};

use super::coordinator::{Coordinator, TxnState};
use super::out::Out;
use super::topics::{Entry, OutputTopic};

/// What the reader received: one per invoice read.
#[derive(Clone, Copy, Debug)]
pub struct Seen {
    pub offset: u32,
    pub event: u32,
    pub time: u64,
}

pub struct Reader {
    pub read_committed: bool,
    /// The next offset to read.
    pub position: u32,
    /// Per order, the invoices received.
    pub seen: Vec<Vec<Seen>>,
    pub total: u64,
}

impl Reader {
    pub fn new(read_committed: bool, orders: u32) -> Self {
        Reader {
            read_committed,
            position: 0,
            seen: vec![Vec::new(); orders as usize],
            total: 0,
        }
    }

    /// Read everything the isolation level lets through.
    pub fn catch_up(&mut self, topic: &OutputTopic, coordinator: &Coordinator, out: &mut Out) {
        while let Some(&entry) = topic.entries.get(self.position as usize) {
            if let Entry::Invoice { op, txn, .. } = entry {
                let state = (txn != NO_TXN).then(|| coordinator.txns[txn as usize].state);
                let read = match state {
                    _ if !self.read_committed => true,
                    None | Some(TxnState::Committed) => true,
                    Some(TxnState::Aborted(_)) => false,
                    // The last stable offset: nothing after an open transaction's record.
                    Some(TxnState::Open | TxnState::PreCommitted { .. }) => return,
                };
                if read {
                    let offset = self.position;
                    let event = out.event(
                        Actor::Reader,
                        Actor::OutputTopic,
                        op,
                        StreamDetail::ReaderSaw { offset },
                    );
                    self.seen[op as usize].push(Seen {
                        offset,
                        event,
                        time: out.now,
                    });
                    self.total += 1;
                }
            }
            self.position += 1;
        }
    }
}
