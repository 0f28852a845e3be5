//! The space-time diagram's model, built once per run: lanes, message arrows (from send to
//! delivery, loss or late arrival) and point marks, each sorted by time so the visible
//! window is found by binary search.

mod builder;

use crate::sim::config::BrokerMode;
use crate::sim::trace::{Actor, DropReason, MessageKind, Outcome};
use crate::sim::RunResult;

pub use builder::TimelineBuilder;

/// Where a message ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowEnd {
    Delivered,
    /// Delivered after the receiver had stopped waiting for it.
    Late,
    Lost(DropReason),
    /// Still travelling when the run stopped.
    InFlight,
}

/// One message from its send (or duplication) to its end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrow {
    pub from_lane: u16,
    pub to_lane: u16,
    pub start_us: u64,
    pub end_us: u64,
    pub start_event: u32,
    pub end_event: Option<u32>,
    pub kind: MessageKind,
    pub end: ArrowEnd,
    /// A copy made by the network.
    pub duplicate: bool,
    pub op: u32,
    pub attempt: u8,
    /// HTTP status on responses (0 otherwise).
    pub status: i64,
    pub replayed: bool,
}

/// A point on one lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    OpStart,
    OpEnd(Outcome),
    Timeout,
    Retry,
    Crash,
    Restart,
    KeyCheck,
    KeySave,
    KeyRelease,
    DbRead,
    DbWrite,
    CasConflict,
    Charge,
    Deduplicated,
    Refund,
    EmailSent,
    OutboxWrite,
    ExternalTimeout,
    // The events workload's marks.
    /// The broker appended a record (log) or took a message (queue).
    Append,
    /// The broker recorded an offset commit, or refused a stale one.
    OffsetCommit,
    CommitRefused,
    /// The queue deleted a message, or refused a delete with a stale receipt.
    Deleted,
    DeleteRefused,
    /// The group coordinator reassigned the partitions; a consumer took one.
    Rebalance,
    Assigned,
    /// The group removed a consumer (drawn on the consumer's lane).
    MemberRemoved,
    VisibilityExpired,
    DeadLettered,
    /// The idempotent consumer looked an id up and found it new, or found it and skipped.
    DedupCheck,
    DedupSkip,
    DedupRecord,
    Shipped,
    ShipmentDeduplicated,
    /// A producer session started with a new producer id.
    ProducerStarted,
    // The stream workload's marks.
    /// A job instance read an input record.
    RecordRead,
    /// A job instance paused (a GC pause).
    Pause,
    /// The coordinator began a transaction.
    TxnBegin,
    /// The Flink sink pre-committed its transaction at a checkpoint.
    PreCommit,
    /// A commit or abort marker in the output topic.
    TxnCommit,
    TxnAbort,
    /// The coordinator fenced a producer or refused a timed-out transaction.
    Fenced,
    /// A checkpoint barrier, and the checkpoint's completion.
    Checkpoint,
    CheckpointDone,
    /// The job restored a checkpoint.
    Restore,
    /// The downstream reader received an invoice.
    ReaderSaw,
}

impl MarkKind {
    /// A bit of its own per kind: what [`Timeline::marks_drawn`] is made of.
    pub fn bit(self) -> u64 {
        let index = match self {
            MarkKind::OpStart => 0,
            MarkKind::OpEnd(Outcome::Succeeded) => 1,
            MarkKind::OpEnd(Outcome::Failed) => 2,
            MarkKind::OpEnd(Outcome::Unknown) => 3,
            MarkKind::Timeout => 4,
            MarkKind::Retry => 5,
            MarkKind::Crash => 6,
            MarkKind::Restart => 7,
            MarkKind::KeyCheck => 8,
            MarkKind::KeySave => 9,
            MarkKind::KeyRelease => 10,
            MarkKind::DbRead => 11,
            MarkKind::DbWrite => 12,
            MarkKind::CasConflict => 13,
            MarkKind::Charge => 14,
            MarkKind::Deduplicated => 15,
            MarkKind::Refund => 16,
            MarkKind::EmailSent => 17,
            MarkKind::OutboxWrite => 18,
            MarkKind::ExternalTimeout => 19,
            MarkKind::Append => 20,
            MarkKind::OffsetCommit => 21,
            MarkKind::CommitRefused => 22,
            MarkKind::Deleted => 23,
            MarkKind::DeleteRefused => 24,
            MarkKind::Rebalance => 25,
            MarkKind::Assigned => 26,
            MarkKind::MemberRemoved => 27,
            MarkKind::VisibilityExpired => 28,
            MarkKind::DeadLettered => 29,
            MarkKind::DedupCheck => 30,
            MarkKind::DedupSkip => 31,
            MarkKind::DedupRecord => 32,
            MarkKind::Shipped => 33,
            MarkKind::ShipmentDeduplicated => 34,
            MarkKind::ProducerStarted => 35,
            MarkKind::RecordRead => 36,
            MarkKind::Pause => 37,
            MarkKind::TxnBegin => 38,
            MarkKind::PreCommit => 39,
            MarkKind::TxnCommit => 40,
            MarkKind::TxnAbort => 41,
            MarkKind::Fenced => 42,
            MarkKind::Checkpoint => 43,
            MarkKind::CheckpointDone => 44,
            MarkKind::Restore => 45,
            MarkKind::ReaderSaw => 46,
        };
        1 << index
    }

    /// CSS class naming the mark's shape and colour.
    pub fn class(self) -> &'static str {
        match self {
            MarkKind::OpStart => "mark-op-start",
            MarkKind::OpEnd(Outcome::Succeeded) => "mark-op-ok",
            MarkKind::OpEnd(Outcome::Failed) => "mark-op-failed",
            MarkKind::OpEnd(Outcome::Unknown) => "mark-op-unknown",
            MarkKind::Timeout => "mark-timeout",
            MarkKind::Retry => "mark-retry",
            MarkKind::Crash => "mark-crash",
            MarkKind::Restart => "mark-restart",
            MarkKind::KeyCheck => "mark-key",
            MarkKind::KeySave => "mark-key",
            MarkKind::KeyRelease => "mark-key-release",
            MarkKind::DbRead => "mark-read",
            MarkKind::DbWrite => "mark-write",
            MarkKind::CasConflict => "mark-conflict",
            MarkKind::Charge => "mark-charge",
            MarkKind::Deduplicated => "mark-dedup",
            MarkKind::Refund => "mark-refund",
            MarkKind::EmailSent => "mark-email",
            MarkKind::OutboxWrite => "mark-write",
            MarkKind::ExternalTimeout => "mark-timeout",
            MarkKind::Append => "mark-append",
            MarkKind::OffsetCommit => "mark-commit",
            MarkKind::CommitRefused => "mark-commit-refused",
            MarkKind::Deleted => "mark-deleted",
            MarkKind::DeleteRefused => "mark-conflict",
            MarkKind::Rebalance => "mark-rebalance",
            MarkKind::Assigned => "mark-assigned",
            MarkKind::MemberRemoved => "mark-removed",
            MarkKind::VisibilityExpired => "mark-visibility",
            MarkKind::DeadLettered => "mark-dead-letter",
            MarkKind::DedupCheck => "mark-key",
            MarkKind::DedupSkip => "mark-dedup",
            MarkKind::DedupRecord => "mark-key",
            MarkKind::Shipped => "mark-shipped",
            MarkKind::ShipmentDeduplicated => "mark-ship-dedup",
            MarkKind::ProducerStarted => "mark-producer",
            MarkKind::RecordRead => "mark-read",
            MarkKind::Pause => "mark-pause",
            MarkKind::TxnBegin => "mark-txn-begin",
            MarkKind::PreCommit => "mark-pre-commit",
            MarkKind::TxnCommit => "mark-txn-commit",
            MarkKind::TxnAbort => "mark-txn-abort",
            MarkKind::Fenced => "mark-commit-refused",
            MarkKind::Checkpoint => "mark-checkpoint",
            MarkKind::CheckpointDone => "mark-checkpoint-done",
            MarkKind::Restore => "mark-restore",
            MarkKind::ReaderSaw => "mark-reader",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub lane: u16,
    pub time_us: u64,
    pub event: u32,
    pub kind: MarkKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub actor: Actor,
    pub label: String,
}

/// Everything the diagram draws, for the whole run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub lanes: Vec<Lane>,
    /// Sorted by `start_us`.
    pub arrows: Vec<Arrow>,
    /// The longest time any arrow spans, to find arrows that enter the window from the left.
    pub longest_arrow_us: u64,
    /// Sorted by `time_us`.
    pub marks: Vec<Mark>,
    /// (end event, arrow index), sorted by event: which message an arrival or loss ends.
    pub arrow_ends: Vec<(u32, u32)>,
    pub end_us: u64,
    /// Every kind of mark drawn ([`MarkKind::bit`]), for the legend.
    pub marks_drawn: u64,
    /// The events workload's broker mode (`None` for the HTTP workloads): what the
    /// exported legend lists.
    pub messaging: Option<BrokerMode>,
    /// A run of the stream workload: the exported legend lists its marks.
    pub stream: bool,
    /// A saga run: the exported legend lists the saga's looks and marks.
    pub saga: bool,
}

impl Timeline {
    pub fn new(result: &RunResult) -> Timeline {
        let mut builder = TimelineBuilder::new(result);
        while !builder.feed(usize::MAX) {}
        builder.finish()
    }

    /// The message that a trace event sends, duplicates, delivers or loses.
    pub fn arrow_of_event(&self, event: u32) -> Option<&Arrow> {
        // Arrows are created in the order of their start events.
        if let Ok(i) = self.arrows.binary_search_by_key(&event, |a| a.start_event) {
            return self.arrows.get(i);
        }
        let i = self
            .arrow_ends
            .binary_search_by_key(&event, |&(e, _)| e)
            .ok()?;
        self.arrows.get(self.arrow_ends[i].1 as usize)
    }

    /// The arrows that overlap `[from_us, to_us]`.
    pub fn arrows_in(&self, from_us: u64, to_us: u64) -> impl Iterator<Item = &Arrow> {
        let earliest = from_us.saturating_sub(self.longest_arrow_us);
        let lo = self.arrows.partition_point(|a| a.start_us < earliest);
        let hi = self.arrows.partition_point(|a| a.start_us <= to_us);
        self.arrows[lo..hi.max(lo)]
            .iter()
            .filter(move |a| a.end_us >= from_us)
    }

    /// The marks in `[from_us, to_us]`.
    pub fn marks_in(&self, from_us: u64, to_us: u64) -> &[Mark] {
        let lo = self.marks.partition_point(|m| m.time_us < from_us);
        let hi = self.marks.partition_point(|m| m.time_us <= to_us);
        &self.marks[lo..hi.max(lo)]
    }
}
