//! The words for the messaging world's events (the `events` workload): one sentence per
//! [`MessagingDetail`], for the "current event" readout and mark hovers.

use crate::sim::config::MessagingCrashPoint;
use crate::sim::trace::{DedupBy, MessagingDetail, RebalanceReason, TraceEvent};

/// The event as a sentence without its time; `op` is " o-3" or empty; `queue`: the broker
/// is a queue (its messages are numbered, not placed at offsets of partitions).
pub fn describe_messaging(
    event: &TraceEvent,
    detail: MessagingDetail,
    op: &str,
    queue: bool,
) -> String {
    let who = event.actor.label();
    let peer = event.peer.label();
    match detail {
        MessagingDetail::Appended { offset, .. } if queue => {
            format!("the queue takes{op} as message {offset}")
        }
        MessagingDetail::Appended { partition, offset } => {
            format!("the broker appends{op} at offset {offset} of partition {partition}")
        }
        MessagingDetail::PublishDeduplicated { offset, by, .. } => match by {
            DedupBy::ProducerSequence => format!(
                "the broker recognises{op}'s producer id and sequence number and keeps the copy at offset {offset}"
            ),
            DedupBy::DeduplicationId => format!(
                "the FIFO queue recognises{op}'s deduplication id and drops the send"
            ),
        },
        MessagingDetail::PublishAbandoned => {
            format!("{who} gives up publishing{op} after its delivery timeout")
        }
        MessagingDetail::ProducerStarted { pid } => {
            format!("{who} starts a producer session with producer id {pid}")
        }
        MessagingDetail::OffsetCommitted {
            partition,
            offset,
            accepted: true,
        } => format!("the broker records offset {offset} as committed on partition {partition}"),
        MessagingDetail::OffsetCommitted { offset, .. } => format!(
            "the broker refuses {peer}'s commit of offset {offset}: the group has rebalanced since"
        ),
        MessagingDetail::Rebalance { generation, reason } => format!(
            "the group rebalances (generation {generation}) because {}",
            match reason {
                RebalanceReason::Joined => "a consumer joined",
                RebalanceReason::SessionTimeout => "a crashed consumer's session timed out",
                RebalanceReason::PollTimeout => "a consumer exceeded the poll interval",
            }
        ),
        MessagingDetail::Assigned { partition, offset } => format!(
            "{who} takes partition {partition} and resumes at offset {offset}, the last committed"
        ),
        MessagingDetail::VisibilityExpired { receives, .. } => format!(
            "the visibility timeout of{op} runs out after {receives} receive{}: it is visible again",
            plural(receives as u32)
        ),
        MessagingDetail::DeadLettered { receives, .. } => format!(
            "the queue moves{op} to the dead-letter queue after {receives} receive{}",
            plural(receives as u32)
        ),
        MessagingDetail::MessageDeleted { applied: true, .. } => {
            format!("the queue deletes{op}")
        }
        MessagingDetail::MessageDeleted { applied: false, .. } => format!(
            "{peer}'s delete of{op} no longer applies: the message was received again since"
        ),
        MessagingDetail::DedupCheck {
            seen: true,
            in_transaction: true,
        } => format!("the ledger transaction's insert of{op}'s id fails: the dedup store has it, so the transaction rolls back"),
        MessagingDetail::DedupCheck { seen: true, .. } => {
            format!("the dedup store has{op}'s id: {peer} skips it as processed")
        }
        MessagingDetail::DedupCheck { seen: false, .. } => {
            format!("the dedup store does not have{op}'s id")
        }
        MessagingDetail::DedupRecorded => format!("the dedup store records{op}'s id"),
        MessagingDetail::Shipped { shipment } => {
            format!("the warehouse ships{op} (shipment {})", shipment + 1)
        }
        MessagingDetail::ShipmentDeduplicated { shipment } => format!(
            "the warehouse recognises the key and does not ship{op} again (shipment {})",
            shipment + 1
        ),
        MessagingDetail::Crash { point } => format!("{who} crashes {}", crash_words(point)),
        MessagingDetail::MemberRemoved { reason } => format!(
            "the group removes {peer}: {}",
            match reason {
                RebalanceReason::PollTimeout => "it exceeded the poll interval",
                RebalanceReason::SessionTimeout => "its session timed out",
                RebalanceReason::Joined => "it left",
            }
        ),
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn crash_words(point: MessagingCrashPoint) -> &'static str {
    point.phrase()
}
