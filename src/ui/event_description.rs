//! The words the app shows for a trace event: one sentence per event for the "current
//! event" readout and mark hovers, written as one `match` over the event's typed
//! [`Detail`], and the names of messages and of the ways they get lost.

use crate::sim::config::{BrokerMode, Workload};
use crate::sim::oracle::format_time;
use crate::sim::trace::{
    Actor, Detail, DropReason, MessageKind, Outcome, SavedKeyState, Table, TimedStep, TraceEvent,
};
use crate::sim::RunResult;

use super::messaging_description::describe_messaging;
use super::saga_description::describe_saga;
use super::stream_description::describe_stream;

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
        MessageKind::Publish => "publish",
        MessageKind::PublishAck => "publish acknowledgement",
        MessageKind::Record => "message",
        MessageKind::OffsetCommit => "offset commit",
        MessageKind::Delete => "delete",
        MessageKind::Heartbeat => "visibility heartbeat",
        MessageKind::ShipCall => "ship call",
        MessageKind::ShipReply => "ship reply",
        MessageKind::Reserve => "reserve call",
        MessageKind::ReserveReply => "reserve reply",
        MessageKind::Release => "release call",
        MessageKind::ReleaseReply => "release reply",
        MessageKind::Refund => "refund call",
        MessageKind::RefundReply => "refund reply",
    }
}

/// "a request", "an email call".
fn a_message(kind: MessageKind) -> String {
    let name = message_name(kind);
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

pub fn drop_reason_text(reason: DropReason) -> &'static str {
    match reason {
        DropReason::Loss => "lost by the network",
        DropReason::Partition => "dropped by a partition",
        DropReason::ReplicaDown => "dropped: the replica is down",
        DropReason::Stale => "dropped: nobody waits for it any more",
    }
}

fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Succeeded => "succeeded",
        Outcome::Failed => "failed",
        Outcome::Unknown => "unknown",
    }
}

fn key_state_text(state: SavedKeyState) -> &'static str {
    match state {
        SavedKeyState::InProgress => "in_progress",
        SavedKeyState::Completed => "completed",
    }
}

/// One line about one trace event, for the "current event" readout.
pub fn describe_event(result: &RunResult, index: usize) -> String {
    let Some(event) = result.trace.get(index) else {
        return "Before the first event.".into();
    };
    format!(
        "t={} · {}",
        format_time(event.time),
        what_happened(result, event)
    )
}

/// The event as a sentence without its time: "client 1 sends a request p-3 attempt 1 to
/// load balancer".
fn what_happened(result: &RunResult, event: &TraceEvent) -> String {
    let who = event.actor.label();
    let peer = event.peer.label();
    // " p-3", or nothing when the event belongs to no operation.
    let op = result
        .operations
        .get(event.op as usize)
        .map(|o| format!(" {}", o.label()))
        .unwrap_or_default();
    let attempt = if event.attempt > 0 {
        format!(" attempt {}", event.attempt)
    } else {
        String::new()
    };
    let events = result.scenario.workload == Workload::Events;
    let queue = events && result.scenario.messaging.mode == BrokerMode::Queue;
    let carries = if events { "event" } else { "email" };
    match event.detail {
        Detail::Messaging(detail) => describe_messaging(event, detail, &op, queue),
        Detail::Stream(detail) => describe_stream(event, detail, &op),
        Detail::Saga(detail) => describe_saga(event, detail, &op),
        Detail::OpStart { .. } if event.actor == Actor::OrderService => {
            format!("{who} places{op}")
        }
        Detail::OpStart { .. } => format!("{who} starts{op}"),
        Detail::OpEnd { outcome, .. } => {
            format!("{who} finishes{op}: {}", outcome_text(outcome))
        }
        Detail::Send { message, .. } => {
            format!("{who} sends {}{op}{attempt} to {peer}", a_message(message))
        }
        Detail::Duplicate { message, .. } => {
            format!("the network duplicates {}{op}{attempt}", a_message(message))
        }
        Detail::Deliver { message, .. } => format!(
            "{who} receives {}{op}{attempt} from {peer}",
            a_message(message)
        ),
        Detail::LateResponse { message, .. } => {
            format!(
                "{who} receives a late {}{op}{attempt}",
                message_name(message)
            )
        }
        // A reply that reaches the saga's orchestrator while it is down.
        Detail::Drop {
            message,
            reason: DropReason::ReplicaDown,
            ..
        } if event.actor == Actor::Orchestrator => format!(
            "a {}{op}{attempt} to {who} is dropped: the orchestrator is down",
            message_name(message)
        ),
        Detail::Drop {
            message, reason, ..
        } => format!(
            "a {}{op}{attempt} to {who} is {}",
            message_name(message),
            drop_reason_text(reason)
        ),
        // A producer's publish went unacknowledged for `request.timeout.ms`.
        Detail::Timeout if matches!(event.actor, Actor::OrderService | Actor::Relay) => {
            format!("{who} has no acknowledgement for{op} in time and publishes it again")
        }
        Detail::Timeout => format!("{who} times out on{op}{attempt}"),
        Detail::Retry { backoff_us } => format!(
            "{who} will retry{op} as attempt {} after {}",
            event.attempt,
            format_time(backoff_us)
        ),
        Detail::Step {
            step: TimedStep::Compute,
            ..
        } => format!("{who} works on{op}"),
        Detail::Crash { point } => format!("{who} crashes {}", point.describe()),
        Detail::Restart => format!("{who} restarts"),
        Detail::KeyCheck { .. } => {
            format!("{peer} looks up the idempotency key of{op}{attempt}")
        }
        Detail::KeySave { .. } if event.peer == Actor::Nobody => {
            format!("the key store's recovery job settles the abandoned key of{op}")
        }
        Detail::KeySave { state, .. } => {
            format!("{peer} saves the key of{op} as {}", key_state_text(state))
        }
        Detail::KeyRelease { .. } => format!("{peer} releases the key of{op}"),
        Detail::KeyPurge { rows } => format!(
            "the key store deletes {rows} expired key record{}",
            if rows == 1 { "" } else { "s" }
        ),
        Detail::DbRead { .. } => format!("{peer} reads a row for{op}"),
        Detail::DbWrite {
            table: Table::Ledger,
            value,
            ..
        } => format!(
            "{peer} writes a ledger row for{op} ({value} row{} for it now)",
            if value == 1 { "" } else { "s" }
        ),
        Detail::DbWrite {
            table: Table::Orders,
            ..
        } if event.peer == Actor::OrderService => format!("the order service commits{op}"),
        Detail::DbWrite { .. } => format!("{peer} writes to the database for{op}"),
        Detail::CasConflict { .. } => {
            format!("a version conflict stops {peer}'s write for{op}")
        }
        Detail::Charge { amount, .. } => format!("the provider charges {amount} for{op}"),
        Detail::ChargeDeduplicated { .. } => {
            format!("the provider recognises the key and does not charge{op} again")
        }
        Detail::ChargeDeclined { .. } => {
            format!("the provider declines the charge of{op}: its key was settled")
        }
        Detail::Refund { .. } => format!("the provider refunds a charge of{op}"),
        Detail::EmailSent { .. } => format!("the email service sends an email for{op}"),
        Detail::EmailDeduplicated { .. } => {
            format!("the email service recognises the key and does not send{op} again")
        }
        Detail::OutboxWrite { sent: false, .. } => {
            format!("the outbox records an {carries} for{op}")
        }
        // The relay's mark on the row once the email service has answered.
        Detail::OutboxWrite { sent: true, .. } => {
            format!("the outbox relay marks the {carries} for{op} as sent")
        }
        Detail::ExternalTimeout { .. } => format!("{who} gives up waiting for {peer} on{op}"),
    }
}
