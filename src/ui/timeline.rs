//! The space-time diagram's model, built once per run: lanes, message arrows (from send to
//! delivery, loss or late arrival) and point marks, each sorted by time so the visible
//! window is found by binary search.

use std::collections::{BTreeMap, HashMap};
use std::mem::{discriminant, Discriminant};

use crate::sim::trace::{Actor, Detail, DropReason, MessageKind, Outcome};
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

/// The mark an event leaves on its lane; `None` for message events (drawn as arrows) and
/// handler steps (not drawn).
fn mark_kind(detail: &Detail) -> Option<MarkKind> {
    Some(match *detail {
        Detail::OpStart { .. } => MarkKind::OpStart,
        Detail::OpEnd { outcome, .. } => MarkKind::OpEnd(outcome),
        Detail::Timeout => MarkKind::Timeout,
        Detail::Retry { .. } => MarkKind::Retry,
        Detail::Crash { .. } => MarkKind::Crash,
        Detail::Restart => MarkKind::Restart,
        Detail::KeyCheck { .. } => MarkKind::KeyCheck,
        Detail::KeySave { .. } => MarkKind::KeySave,
        Detail::KeyRelease { .. } | Detail::KeyPurge { .. } => MarkKind::KeyRelease,
        Detail::DbRead { .. } => MarkKind::DbRead,
        Detail::DbWrite { .. } => MarkKind::DbWrite,
        Detail::CasConflict { .. } => MarkKind::CasConflict,
        Detail::Charge { .. } => MarkKind::Charge,
        Detail::ChargeDeduplicated { .. }
        | Detail::ChargeDeclined { .. }
        | Detail::EmailDeduplicated { .. } => MarkKind::Deduplicated,
        Detail::Refund { .. } => MarkKind::Refund,
        Detail::EmailSent { .. } => MarkKind::EmailSent,
        Detail::OutboxWrite { .. } => MarkKind::OutboxWrite,
        Detail::ExternalTimeout { .. } => MarkKind::ExternalTimeout,
        Detail::Send { .. }
        | Detail::Duplicate { .. }
        | Detail::Deliver { .. }
        | Detail::LateResponse { .. }
        | Detail::Drop { .. }
        | Detail::Step { .. } => return None,
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
        // Arrows waiting for their end, by message id and kind: a request and its forward
        // from the balancer share the message id.
        let mut open: HashMap<(u32, Discriminant<MessageKind>), usize> = HashMap::new();
        for (index, event) in result.trace.iter().enumerate() {
            let id = index as u32;
            let lane = |actor: Actor| lane_of.get(&actor).copied();
            let Some((msg, kind)) = event.detail.message() else {
                if let (Some(mark), Some(lane)) = (mark_kind(&event.detail), lane(event.actor)) {
                    marks.push(Mark {
                        lane,
                        time_us: event.time,
                        event: id,
                        kind: mark,
                    });
                }
                continue;
            };
            let key = (msg, discriminant(&kind));
            let response = kind == MessageKind::Response;
            // A new arrow, with the status it carries: a response's own, or for a copy made
            // by the network, its original's (sent at the same instant, so still open).
            let started = match event.detail {
                Detail::Send { value, .. } => Some((false, if response { value } else { 0 })),
                Detail::Duplicate { original, .. } => {
                    let status = open
                        .get(&(original, key.1))
                        .and_then(|&i| arrows.get(i))
                        .map_or(0, |a| a.status);
                    Some((true, status))
                }
                _ => None,
            };
            if let Some((duplicate, status)) = started {
                let (Some(from_lane), Some(to_lane)) = (lane(event.actor), lane(event.peer)) else {
                    continue;
                };
                open.insert(key, arrows.len());
                arrows.push(Arrow {
                    from_lane,
                    to_lane,
                    start_us: event.time,
                    end_us: result.virtual_time_us.max(event.time),
                    start_event: id,
                    end_event: None,
                    kind,
                    end: ArrowEnd::InFlight,
                    duplicate,
                    op: event.op,
                    attempt: event.attempt,
                    status,
                    replayed: false,
                });
                continue;
            }
            // Delivered, late or lost: the end of an open arrow.
            let Some(arrow) = open.remove(&key).and_then(|i| arrows.get_mut(i)) else {
                continue;
            };
            arrow.end_us = event.time;
            arrow.end_event = Some(id);
            match event.detail {
                Detail::Deliver {
                    replayed, status, ..
                } => {
                    arrow.end = ArrowEnd::Delivered;
                    if response {
                        arrow.replayed = replayed;
                        arrow.status = status;
                    }
                }
                Detail::LateResponse { status, .. } => {
                    arrow.end = ArrowEnd::Late;
                    if response {
                        arrow.status = status;
                    }
                }
                Detail::Drop { reason, .. } => arrow.end = ArrowEnd::Lost(reason),
                _ => {}
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
