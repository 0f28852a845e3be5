//! What the diagram's colours, lines and shapes mean: only what the run on screen draws.
//! Every meaning has a shape or a line pattern as well as a colour.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::{BrokerMode, Workload};
use crate::sim::trace::Outcome;

use super::diagram_items::{arrow_class, mark_shape};
use super::run_view::RunView;
use super::timeline::{ArrowEnd, MarkKind, Timeline};

/// Message looks, in the order the legend lists them: CSS class and meaning.
const ARROWS: [(&str, &str); 15] = [
    ("msg-request", "request"),
    ("msg-ok", "2xx response"),
    ("msg-error", "error response"),
    ("msg-replayed", "replayed response"),
    ("msg-charge", "provider call"),
    ("msg-email", "email call"),
    ("msg-publish", "publish"),
    ("msg-ack", "publish acknowledgement"),
    ("msg-record", "record to a consumer"),
    ("msg-commit", "offset commit"),
    ("msg-delete", "delete"),
    ("msg-heartbeat", "visibility heartbeat"),
    ("msg-ship", "warehouse call"),
    ("msg-stock", "inventory call"),
    ("msg-refund", "refund call"),
];

/// Every mark the legend can list, in its order; kinds drawn alike share an entry (see
/// [`listed_under`]).
const MARKS: [MarkKind; 45] = [
    MarkKind::OpStart,
    MarkKind::OpEnd(Outcome::Succeeded),
    MarkKind::OpEnd(Outcome::Failed),
    MarkKind::OpEnd(Outcome::Unknown),
    MarkKind::Crash,
    MarkKind::Restart,
    MarkKind::Timeout,
    MarkKind::Retry,
    MarkKind::KeyCheck,
    MarkKind::KeySave,
    MarkKind::KeyRelease,
    MarkKind::DbRead,
    MarkKind::DbWrite,
    MarkKind::CasConflict,
    MarkKind::Charge,
    MarkKind::Deduplicated,
    MarkKind::Refund,
    MarkKind::EmailSent,
    MarkKind::ProducerStarted,
    MarkKind::Append,
    MarkKind::Rebalance,
    MarkKind::Assigned,
    MarkKind::MemberRemoved,
    MarkKind::OffsetCommit,
    MarkKind::CommitRefused,
    MarkKind::VisibilityExpired,
    MarkKind::Deleted,
    MarkKind::DeleteRefused,
    MarkKind::DeadLettered,
    MarkKind::DedupCheck,
    MarkKind::DedupSkip,
    MarkKind::DedupRecord,
    MarkKind::Shipped,
    MarkKind::ShipmentDeduplicated,
    MarkKind::RecordRead,
    MarkKind::Pause,
    MarkKind::TxnBegin,
    MarkKind::PreCommit,
    MarkKind::TxnCommit,
    MarkKind::TxnAbort,
    MarkKind::Fenced,
    MarkKind::Checkpoint,
    MarkKind::CheckpointDone,
    MarkKind::Restore,
    MarkKind::ReaderSaw,
];

/// The kinds listed under a legend entry: the entry's own, and those drawn like it.
fn listed_under(kind: MarkKind) -> u64 {
    match kind {
        MarkKind::Timeout => kind.bit() | MarkKind::ExternalTimeout.bit(),
        MarkKind::DbWrite => kind.bit() | MarkKind::OutboxWrite.bit(),
        _ => kind.bit(),
    }
}

/// What a mark means in a saga run (drawn with the other worlds' shapes).
fn saga_mark_label(kind: MarkKind) -> Option<&'static str> {
    Some(match kind {
        MarkKind::OpStart => "saga started",
        MarkKind::OpEnd(Outcome::Succeeded) => "saga completed",
        MarkKind::OpEnd(Outcome::Failed) => "saga compensated",
        MarkKind::OpEnd(Outcome::Unknown) => "saga stuck",
        MarkKind::Retry => "compensation starts",
        MarkKind::Timeout | MarkKind::ExternalTimeout => "timeout, or gave up",
        MarkKind::Restart => "recovered from the saga log",
        MarkKind::DbWrite | MarkKind::OutboxWrite => "saga log or order written",
        MarkKind::CasConflict => "step failed",
        MarkKind::Append => "stock reserved",
        MarkKind::Deleted => "stock released",
        MarkKind::Deduplicated => "answered from its key",
        MarkKind::DeleteRefused => "refused (stock, card, address)",
        MarkKind::CommitRefused => "nothing to undo",
        MarkKind::KeyRelease => "step's key voided",
        MarkKind::VisibilityExpired => "request held (slow service)",
        _ => return None,
    })
}

/// What a mark means, in the words of the run's workload.
fn mark_label(kind: MarkKind, events: bool, queue: bool, stream: bool, saga: bool) -> &'static str {
    if let Some(label) = saga.then(|| saga_mark_label(kind)).flatten() {
        return label;
    }
    match kind {
        MarkKind::ProducerStarted if stream => "instance started",
        MarkKind::Append if stream => "record or invoice appended",
        MarkKind::Restart if stream => "woke from a pause",
        MarkKind::OffsetCommit if stream => "input offsets committed",
        MarkKind::MemberRemoved if stream => "zombie stopped",
        MarkKind::OpEnd(Outcome::Succeeded) if stream => "job finished",
        MarkKind::OpStart if events => "order placed",
        MarkKind::OpStart => "operation start",
        MarkKind::OpEnd(Outcome::Succeeded) => "operation done",
        MarkKind::OpEnd(Outcome::Failed) => "operation failed",
        MarkKind::OpEnd(Outcome::Unknown) => "outcome unknown",
        MarkKind::Crash => "crash",
        MarkKind::Restart => "restart",
        MarkKind::Timeout | MarkKind::ExternalTimeout => "timeout",
        MarkKind::Retry => "retry",
        MarkKind::KeyCheck => "key check",
        MarkKind::KeySave => "key saved",
        MarkKind::KeyRelease => "key released",
        MarkKind::DbRead => "database read",
        MarkKind::DbWrite | MarkKind::OutboxWrite => "database write",
        MarkKind::CasConflict => "write conflict",
        MarkKind::Charge => "charge",
        MarkKind::Deduplicated => "deduplicated",
        MarkKind::Refund => "refund",
        MarkKind::EmailSent => "email sent",
        MarkKind::ProducerStarted => "new producer id",
        MarkKind::Append if queue => "message queued",
        MarkKind::Append => "record appended",
        MarkKind::Rebalance => "rebalance",
        MarkKind::Assigned => "partition assigned",
        MarkKind::MemberRemoved => "removed from the group",
        MarkKind::OffsetCommit => "offset committed",
        MarkKind::CommitRefused => "stale commit refused",
        MarkKind::VisibilityExpired => "visibility timeout ran out",
        MarkKind::Deleted => "message deleted",
        MarkKind::DeleteRefused => "stale delete refused",
        MarkKind::DeadLettered => "dead-lettered",
        MarkKind::DedupCheck => "dedup check: new id",
        MarkKind::DedupSkip => "dedup check: skipped",
        MarkKind::DedupRecord => "id recorded",
        MarkKind::Shipped => "shipped",
        MarkKind::ShipmentDeduplicated => "shipment deduplicated",
        MarkKind::RecordRead => "input record read",
        MarkKind::Pause => "paused",
        MarkKind::TxnBegin => "transaction begun",
        MarkKind::PreCommit => "pre-commit",
        MarkKind::TxnCommit => "commit marker",
        MarkKind::TxnAbort => "abort marker",
        MarkKind::Fenced => "fenced or refused",
        MarkKind::Checkpoint => "checkpoint barrier",
        MarkKind::CheckpointDone => "checkpoint completed",
        MarkKind::Restore => "checkpoint restored",
        MarkKind::ReaderSaw => "reader received an invoice",
    }
}

/// What a timeline draws: message looks (by [`ARROWS`] index), how messages end, marks
/// (by [`MARKS`] index).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drawn {
    arrows: u32,
    duplicate: bool,
    lost: bool,
    late: bool,
    marks: u64,
}

impl Drawn {
    pub fn of(timeline: &Timeline) -> Drawn {
        let mut drawn = Drawn::default();
        for arrow in &timeline.arrows {
            let class = arrow_class(arrow);
            if let Some(i) = ARROWS.iter().position(|(c, _)| *c == class) {
                drawn.arrows |= 1 << i;
            }
            drawn.duplicate |= arrow.duplicate;
            drawn.lost |= matches!(arrow.end, ArrowEnd::Lost(_));
            drawn.late |= arrow.end == ArrowEnd::Late;
        }
        for (i, &kind) in MARKS.iter().enumerate() {
            if timeline.marks_drawn & listed_under(kind) != 0 {
                drawn.marks |= 1 << i;
            }
        }
        drawn
    }
}

fn arrow_line(class: &'static str) -> Html {
    html! { <g class={classes!("arrow", class)}><line class="shaft" x1="2" y1="7" x2="26" y2="7" /></g> }
}

fn entry(key: String, shape: Html, label: &'static str) -> Html {
    html! {
        <li key={key}>
            <svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">{ shape }</svg>
            { label }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub run: Rc<RunView>,
}

#[component(Legend)]
pub fn legend(props: &LegendProps) -> Html {
    let drawn = use_memo(props.run.clone(), |run| Drawn::of(&run.timeline));
    let scenario = &props.run.result.scenario;
    let events = scenario.workload == Workload::Events;
    let saga = scenario.workload == Workload::Saga;
    let queue = events && scenario.messaging.mode == BrokerMode::Queue;
    let stream = scenario.workload == Workload::Stream;
    let arrows = ARROWS
        .iter()
        .enumerate()
        .filter(|(i, _)| drawn.arrows & 1 << i != 0)
        .map(|(_, &(class, label))| {
            let label = match class {
                "msg-record" if queue => "message to a consumer",
                "msg-charge" if saga => "charge call",
                "msg-ship" if saga => "shipping call",
                _ => label,
            };
            entry(class.to_string(), arrow_line(class), label)
        });
    let duplicate = drawn.duplicate.then(|| {
        let shape = html! {
            <g class="arrow msg-request duplicate"><line class="shaft" x1="2" y1="5.4" x2="26" y2="5.4" /><line class="shaft" x1="2" y1="8.6" x2="26" y2="8.6" /></g>
        };
        entry("duplicate".into(), shape, "network duplicate")
    });
    let lost = drawn.lost.then(|| {
        let shape = html! {
            <g class="arrow msg-request lost"><line class="shaft" x1="2" y1="7" x2="20" y2="7" /><path class="lost-x" d="M18,3 l8,8 m0,-8 l-8,8" /></g>
        };
        entry("lost".into(), shape, "lost message")
    });
    let late = drawn.late.then(|| {
        let shape = html! {
            <g class="arrow msg-ok"><line class="shaft" x1="2" y1="7" x2="20" y2="7" /><circle class="late-end" cx="22" cy="7" r="3.5" /></g>
        };
        entry("late".into(), shape, "arrived after the timeout")
    });
    let marks = MARKS
        .iter()
        .enumerate()
        .filter(|(i, _)| drawn.marks & 1 << i != 0)
        .map(|(_, &kind)| {
            let shape = html! {
                <g class={classes!("mark", kind.class())} transform="translate(14,7) scale(0.8)">{ mark_shape(kind) }</g>
            };
            let label = mark_label(kind, events, queue, stream, saga);
            entry(format!("mark {label}"), shape, label)
        });
    html! {
        <ul class="legend" aria-label="Diagram legend" data-testid="legend">
            { for arrows }
            { for duplicate }
            { for lost }
            { for late }
            { for marks }
        </ul>
    }
}
