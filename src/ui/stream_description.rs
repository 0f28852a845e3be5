//! The words for the stream world's events (the `stream` workload): one sentence per
//! [`StreamDetail`], for the "current event" readout and mark hovers.

use crate::sim::oracle::format_time;
use crate::sim::trace::{AbortReason, StreamDetail, TraceEvent, NO_TXN};

/// The event as a sentence without its time; `op` is " o-3" or empty.
pub fn describe_stream(event: &TraceEvent, detail: StreamDetail, op: &str) -> String {
    let who = event.actor.label();
    let peer = event.peer.label();
    match detail {
        StreamDetail::InputAppended { offset } => {
            format!("the input topic appends OrderPlaced{op} at offset {offset}")
        }
        StreamDetail::InstanceStarted { tid, epoch } => {
            format!("{who} starts (transactional.id {tid}, epoch {epoch})")
        }
        StreamDetail::StartRejected {
            requested_ms,
            max_ms,
        } => format!(
            "the coordinator refuses {who}: it asks for a transaction timeout of {}, above the broker's maximum of {}",
            format_time(requested_ms as u64 * 1000),
            format_time(max_ms as u64 * 1000)
        ),
        StreamDetail::RecordRead { offset, delivery } => {
            format!("{who} reads{op} at input offset {offset} (read {delivery})")
        }
        StreamDetail::Paused { pause_ms } => format!(
            "{who} pauses for {} (a GC pause)",
            format_time(pause_ms as u64 * 1000)
        ),
        StreamDetail::Woke => format!("{who} wakes up"),
        StreamDetail::OutputAppended { offset, txn: NO_TXN } => {
            format!("{peer} writes the invoice of{op} at output offset {offset}, outside any transaction")
        }
        StreamDetail::OutputAppended { offset, txn } => format!(
            "{peer} writes the invoice of{op} at output offset {offset}, in transaction {txn}"
        ),
        StreamDetail::TxnBegun { txn, epoch } => {
            format!("the coordinator begins transaction {txn} for {peer} (epoch {epoch})")
        }
        StreamDetail::PreCommitted { txn, checkpoint } => {
            format!("{who}'s sink pre-commits transaction {txn} at checkpoint {checkpoint}")
        }
        StreamDetail::Committed { txn, offset } => {
            format!("commit marker of transaction {txn} at output offset {offset}")
        }
        StreamDetail::Aborted {
            txn,
            offset,
            reason,
        } => format!(
            "abort marker of transaction {txn} at output offset {offset} ({})",
            match reason {
                AbortReason::Fenced => "a new instance with the same transactional.id started",
                AbortReason::Timeout => "open longer than the transaction timeout",
                AbortReason::Restore => "the job restored a checkpoint without it",
            }
        ),
        StreamDetail::Refused {
            txn,
            timed_out: false,
        } => format!("the coordinator fences {peer} (ProducerFenced) on transaction {txn}"),
        StreamDetail::Refused { txn, .. } => format!(
            "the coordinator refuses transaction {txn} of {peer}: it was aborted on timeout"
        ),
        StreamDetail::OffsetsCommitted { offset, in_txn } => format!(
            "input offsets committed up to {offset}{}",
            if in_txn {
                " in the transaction"
            } else {
                " in a separate commit"
            }
        ),
        StreamDetail::CheckpointTaken { checkpoint, offset } => {
            format!("{who} takes checkpoint {checkpoint} at input offset {offset}")
        }
        StreamDetail::CheckpointCompleted { checkpoint, offset } => {
            format!("checkpoint {checkpoint} completes (input offset {offset})")
        }
        StreamDetail::Restored {
            checkpoint: u32::MAX,
            offset,
        } => format!("{who} finds no completed checkpoint and starts at input offset {offset}"),
        StreamDetail::Restored { checkpoint, offset } => format!(
            "{who} restores checkpoint {checkpoint} and rewinds its input to offset {offset}"
        ),
        StreamDetail::Crash { point } => format!("{who} crashes {}", point.phrase()),
        StreamDetail::Stopped => format!("{who} learns its input moved to a newer instance and stops"),
        StreamDetail::Finished => format!("{who} has read and committed all its input"),
        StreamDetail::ReaderSaw { offset } => {
            format!("the downstream reader receives the invoice of{op} at output offset {offset}")
        }
    }
}
