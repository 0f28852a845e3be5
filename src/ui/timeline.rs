//! The space-time diagram's model, built once per run: lanes, message arrows (from send to
//! delivery, loss or late arrival) and point marks, each sorted by time so the visible
//! window is found by binary search.

use std::collections::BTreeMap;

use crate::sim::config::CrashPoint;
use crate::sim::oracle::format_time;
use crate::sim::trace::{Actor, DropReason, EventKind, MessageKind, Outcome, TraceEvent};
use crate::sim::RunResult;

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
}

impl MarkKind {
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
}

fn message_kind(detail: u32) -> Option<MessageKind> {
    Some(match detail & 0xff {
        1 => MessageKind::Request,
        2 => MessageKind::Forward,
        3 => MessageKind::Response,
        4 => MessageKind::ChargeCall,
        5 => MessageKind::ChargeReply,
        6 => MessageKind::EmailCall,
        7 => MessageKind::EmailReply,
        8 => MessageKind::ReadBack,
        _ => return None,
    })
}

fn drop_reason(detail: u32) -> DropReason {
    match detail >> 8 & 0xff {
        2 => DropReason::Partition,
        3 => DropReason::ReplicaDown,
        4 => DropReason::Stale,
        _ => DropReason::Loss,
    }
}

fn outcome(detail: u32) -> Outcome {
    match detail {
        1 => Outcome::Succeeded,
        2 => Outcome::Failed,
        _ => Outcome::Unknown,
    }
}

fn mark_kind(event: &TraceEvent) -> Option<MarkKind> {
    Some(match event.kind {
        EventKind::OpStart => MarkKind::OpStart,
        EventKind::OpEnd => MarkKind::OpEnd(outcome(event.detail)),
        EventKind::Timeout => MarkKind::Timeout,
        EventKind::Retry => MarkKind::Retry,
        EventKind::Crash => MarkKind::Crash,
        EventKind::Restart => MarkKind::Restart,
        EventKind::KeyCheck => MarkKind::KeyCheck,
        EventKind::KeySave => MarkKind::KeySave,
        EventKind::KeyRelease => MarkKind::KeyRelease,
        EventKind::DbRead => MarkKind::DbRead,
        EventKind::DbWrite => MarkKind::DbWrite,
        EventKind::CasConflict => MarkKind::CasConflict,
        EventKind::Charge => MarkKind::Charge,
        EventKind::ChargeDeduplicated | EventKind::EmailDeduplicated => MarkKind::Deduplicated,
        EventKind::Refund => MarkKind::Refund,
        EventKind::EmailSent => MarkKind::EmailSent,
        EventKind::OutboxWrite => MarkKind::OutboxWrite,
        EventKind::ExternalTimeout => MarkKind::ExternalTimeout,
        _ => return None,
    })
}

impl Timeline {
    pub fn new(result: &RunResult) -> Timeline {
        let scenario = &result.scenario;
        let mut actors: Vec<Actor> = (0..scenario.clients.min(u16::MAX as u32))
            .map(|c| Actor::Client(c as u16))
            .chain([Actor::Balancer, Actor::Database])
            .chain((0..scenario.replicas.min(u8::MAX as u32)).map(|r| Actor::Replica(r as u8)))
            .collect();
        for event in &result.trace {
            actors.extend([event.actor, event.peer]);
        }
        actors.retain(|a| *a != Actor::Nobody);
        actors.sort();
        actors.dedup();
        let lane_of: BTreeMap<Actor, u16> = actors
            .iter()
            .enumerate()
            .map(|(i, a)| (*a, i as u16))
            .collect();
        let lanes = actors
            .iter()
            .map(|&actor| Lane {
                actor,
                label: actor.label(),
            })
            .collect();

        let mut arrows: Vec<Arrow> = Vec::new();
        let mut marks = Vec::new();
        // Arrows waiting for their end, by (message id, kind): a request and its forward
        // from the balancer share the message id.
        let mut open: BTreeMap<(u32, u8), usize> = BTreeMap::new();
        for (index, event) in result.trace.iter().enumerate() {
            let id = index as u32;
            let lane = |actor: Actor| lane_of.get(&actor).copied();
            match event.kind {
                EventKind::Send | EventKind::Duplicate => {
                    let (Some(kind), Some(from_lane), Some(to_lane)) = (
                        message_kind(event.detail),
                        lane(event.actor),
                        lane(event.peer),
                    ) else {
                        continue;
                    };
                    open.insert((event.msg, kind as u8), arrows.len());
                    arrows.push(Arrow {
                        from_lane,
                        to_lane,
                        start_us: event.time,
                        end_us: result.virtual_time_us.max(event.time),
                        start_event: id,
                        end_event: None,
                        kind,
                        end: ArrowEnd::InFlight,
                        duplicate: event.kind == EventKind::Duplicate,
                        op: event.op,
                        attempt: event.attempt,
                        status: if kind == MessageKind::Response {
                            event.value
                        } else {
                            0
                        },
                        replayed: false,
                    });
                }
                EventKind::Deliver | EventKind::Drop | EventKind::LateResponse => {
                    let Some(kind) = message_kind(event.detail) else {
                        continue;
                    };
                    let Some(arrow) = open
                        .remove(&(event.msg, kind as u8))
                        .and_then(|i| arrows.get_mut(i))
                    else {
                        continue;
                    };
                    arrow.end_us = event.time;
                    arrow.end_event = Some(id);
                    arrow.end = match event.kind {
                        EventKind::Deliver => ArrowEnd::Delivered,
                        EventKind::LateResponse => ArrowEnd::Late,
                        _ => ArrowEnd::Lost(drop_reason(event.detail)),
                    };
                    if event.kind == EventKind::Deliver && kind == MessageKind::Response {
                        arrow.replayed = event.detail >> 8 & 1 == 1;
                    }
                    if event.kind != EventKind::Drop && kind == MessageKind::Response {
                        arrow.status = event.value;
                    }
                }
                _ => {
                    if let (Some(kind), Some(lane)) = (mark_kind(event), lane(event.actor)) {
                        marks.push(Mark {
                            lane,
                            time_us: event.time,
                            event: id,
                            kind,
                        });
                    }
                }
            }
        }
        let mut arrow_ends: Vec<(u32, u32)> = arrows
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.end_event.map(|e| (e, i as u32)))
            .collect();
        arrow_ends.sort_unstable();
        let longest_arrow_us = arrows
            .iter()
            .map(|a| a.end_us - a.start_us)
            .max()
            .unwrap_or(0);
        Timeline {
            lanes,
            arrows,
            longest_arrow_us,
            marks,
            arrow_ends,
            end_us: result.virtual_time_us,
        }
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

/// "request", "charge call"…
pub fn message_name(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Request => "request",
        MessageKind::Forward => "forwarded request",
        MessageKind::Response => "response",
        MessageKind::ChargeCall => "charge call",
        MessageKind::ChargeReply => "charge reply",
        MessageKind::EmailCall => "email call",
        MessageKind::EmailReply => "email reply",
        MessageKind::ReadBack => "read-back request",
    }
}

pub fn drop_reason_text(reason: DropReason) -> &'static str {
    match reason {
        DropReason::Loss => "lost by the network",
        DropReason::Partition => "dropped by a partition",
        DropReason::ReplicaDown => "dropped: the replica is down",
        DropReason::Stale => "dropped: nobody waits for it any more",
    }
}

fn op_label(result: &RunResult, op: u32) -> Option<String> {
    result.operations.get(op as usize).map(|o| o.label())
}

/// One line about one trace event, for the "current event" readout.
pub fn describe_event(result: &RunResult, index: usize) -> String {
    let Some(event) = result.trace.get(index) else {
        return "Before the first event.".into();
    };
    let at = format!("t={}", format_time(event.time));
    let who = event.actor.label();
    let peer = event.peer.label();
    let op = op_label(result, event.op)
        .map(|l| format!(" {l}"))
        .unwrap_or_default();
    let attempt = if event.attempt > 0 {
        format!(" attempt {}", event.attempt)
    } else {
        String::new()
    };
    let message = message_kind(event.detail).map_or("message", message_name);
    let what = match event.kind {
        EventKind::OpStart => format!("{who} starts{op}"),
        EventKind::OpEnd => {
            let outcome = match outcome(event.detail) {
                Outcome::Succeeded => "succeeded",
                Outcome::Failed => "failed",
                Outcome::Unknown => "unknown",
            };
            format!("{who} finishes{op}: {outcome}")
        }
        EventKind::Send => format!("{who} sends a {message}{op}{attempt} to {peer}"),
        EventKind::Duplicate => format!("the network duplicates a {message}{op}{attempt}"),
        EventKind::Deliver => format!("{who} receives a {message}{op}{attempt} from {peer}"),
        EventKind::LateResponse => format!("{who} receives a late {message}{op}{attempt}"),
        EventKind::Drop => format!(
            "a {message}{op}{attempt} to {who} is {}",
            drop_reason_text(drop_reason(event.detail))
        ),
        EventKind::Timeout => format!("{who} times out on{op}{attempt}"),
        EventKind::Retry => format!(
            "{who} will retry{op} as attempt {} after {}",
            event.attempt,
            format_time(event.value.max(0) as u64)
        ),
        EventKind::Crash => {
            let point = CrashPoint::ALL
                .get(event.detail as usize)
                .map_or("", |p| p.describe());
            format!("{who} crashes {point}")
        }
        EventKind::Restart => format!("{who} restarts"),
        EventKind::KeyCheck => format!("{peer} looks up the idempotency key of{op}{attempt}"),
        EventKind::KeySave => {
            let state = if event.detail == 1 {
                "in_progress"
            } else {
                "completed"
            };
            format!("{peer} saves the key of{op} as {state}")
        }
        EventKind::KeyRelease => format!("{peer} releases the key of{op}"),
        EventKind::DbRead => format!("{peer} reads a row for{op}"),
        EventKind::DbWrite => format!("{peer} writes to the database for{op}"),
        EventKind::CasConflict => format!("a version conflict stops {peer}'s write for{op}"),
        EventKind::Charge => format!("the provider charges {} for{op}", event.value),
        EventKind::ChargeDeduplicated => {
            format!("the provider recognises the key and does not charge{op} again")
        }
        EventKind::Refund => format!("the provider refunds a charge of{op}"),
        EventKind::EmailSent => format!("the email service sends an email for{op}"),
        EventKind::EmailDeduplicated => {
            format!("the email service recognises the key and does not send{op} again")
        }
        EventKind::OutboxWrite => format!("the outbox records an email for{op}"),
        EventKind::ExternalTimeout => format!("{who} gives up waiting for {peer} on{op}"),
        EventKind::Step => format!("{who} works on{op}"),
    };
    format!("{at} · {what}")
}
