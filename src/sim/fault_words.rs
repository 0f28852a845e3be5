//! A fault in one sentence, read from the run's trace: "the response from replica A to
//! client 1 (attempt 1 of p-3) was lost at t=412 ms".

use super::fault_set::{FaultKind, FaultRecord};
use super::oracle::format_time;
use super::results::RunResult;
use super::trace::{
    Actor, Detail, MessageKind, MessagingDetail, SagaDetail, StreamDetail, TraceEvent,
};

/// What a message is, in words.
fn noun(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Request => "request",
        MessageKind::Forward => "forwarded request",
        MessageKind::Response => "response",
        MessageKind::ChargeCall => "charge call",
        MessageKind::ChargeReply => "reply to a charge call",
        MessageKind::EmailCall => "email call",
        MessageKind::EmailReply => "reply to an email call",
        MessageKind::ReadBack => "read-back request",
        MessageKind::Publish => "publish",
        MessageKind::PublishAck => "acknowledgement of a publish",
        MessageKind::Record => "record",
        MessageKind::OffsetCommit => "offset commit",
        MessageKind::Delete => "delete",
        MessageKind::Heartbeat => "heartbeat",
        MessageKind::ShipCall => "call to the warehouse",
        MessageKind::ShipReply => "warehouse's reply",
        MessageKind::Reserve => "reserve call",
        MessageKind::ReserveReply => "reply to a reserve call",
        MessageKind::Release => "release call",
        MessageKind::ReleaseReply => "reply to a release call",
        MessageKind::Refund => "refund call",
        MessageKind::RefundReply => "reply to a refund call",
    }
}

/// An actor's name as the subject or object of a sentence: "client 1", "replica A",
/// "the email service".
fn named(actor: Actor) -> String {
    let label = actor.label();
    match actor {
        Actor::Client(_) | Actor::Replica(_) | Actor::Consumer(_) => label,
        _ => format!("the {label}"),
    }
}

/// Which operation (and attempt) a fault hit: "attempt 2 of p-3", or "o-3" for an
/// event of the events workload, which has no attempts.
fn subject(result: &RunResult, record: &FaultRecord) -> String {
    let op = result
        .operations
        .get(record.op as usize)
        .map_or_else(|| format!("operation {}", record.op + 1), |o| o.label());
    if record.attempt == 0 {
        op
    } else {
        format!("attempt {} of {op}", record.attempt)
    }
}

/// The fault in one sentence. Reads the trace event the record points to; with that
/// event missing (the trace was full), says what it can from the record alone.
pub fn describe_fault(result: &RunResult, record: &FaultRecord) -> String {
    let subject = subject(result, record);
    let when = format!("t={}", format_time(record.time_us));
    let event: Option<&TraceEvent> = result.trace.get(record.event as usize);
    match (record.fault.kind, event.map(|e| (e, e.detail))) {
        (kind, Some((e, Detail::Send { message, .. })))
            if matches!(
                kind,
                FaultKind::Loss | FaultKind::Partition | FaultKind::Duplicate
            ) =>
        {
            let what = match kind {
                FaultKind::Loss => "was lost",
                FaultKind::Partition => "was cut off by a network partition",
                _ => "was delivered twice (the network made a copy)",
            };
            format!(
                "the {} from {} to {} ({subject}) {what}, sent at {when}",
                noun(message),
                named(e.actor),
                named(e.peer)
            )
        }
        (FaultKind::Crash, Some((e, Detail::Crash { point }))) => format!(
            "{} crashed {} during {subject} at {when}",
            named(e.actor),
            point.describe()
        ),
        (FaultKind::Crash, Some((e, Detail::Messaging(MessagingDetail::Crash { point })))) => {
            format!(
                "{} crashed {} while handling {subject} at {when}",
                named(e.actor),
                point.phrase()
            )
        }
        (FaultKind::Crash, Some((e, Detail::Stream(StreamDetail::Crash { point })))) => format!(
            "{} crashed {} while handling {subject} at {when}",
            named(e.actor),
            point.phrase()
        ),
        (FaultKind::Pause, Some((e, Detail::Stream(StreamDetail::Paused { pause_ms })))) => {
            format!(
                "{} paused for {} while handling {subject} at {when}",
                named(e.actor),
                format_time(pause_ms as u64 * 1000)
            )
        }
        (FaultKind::Slow, Some((e, Detail::Stream(StreamDetail::RecordRead { .. })))) => {
            format!(
                "{} took the slow path on {subject} at {when}",
                named(e.actor)
            )
        }
        (FaultKind::Crash, Some((e, Detail::Saga(SagaDetail::Crash { point })))) => format!(
            "{} crashed {} during {subject} at {when}",
            named(e.actor),
            point.phrase()
        ),
        (FaultKind::Slow, Some((e, Detail::Saga(SagaDetail::Held { .. })))) => format!(
            "{} held {subject} past the step timeout, from {when}",
            named(e.actor)
        ),
        (FaultKind::Slow, Some((e, Detail::Step { duration_us, .. }))) => format!(
            "{subject} took the slow path on {} ({} of work) at {when}",
            named(e.actor),
            format_time(duration_us)
        ),
        (kind, _) => {
            let what = match kind {
                FaultKind::Loss => "a message was lost",
                FaultKind::Partition => "a message was cut off by a network partition",
                FaultKind::Duplicate => "the network duplicated a message",
                FaultKind::Slow => "a request took the slow path",
                FaultKind::Crash => "a process crashed",
                FaultKind::Pause => "a process paused",
            };
            format!("{what} during {subject} at {when}")
        }
    }
}
