//! Trace events as fixed 40-byte records: five little-endian words,
//!
//! | word | holds |
//! | --- | --- |
//! | 0 | time (µs) |
//! | 1 | the detail's 64-bit field (amount, status, key, duration…), as two's complement |
//! | 2 | operation (low half), the detail's id field (high half: message, row, charge…) |
//! | 3 | kind (byte 0), attempt (byte 1), the detail's small fields (bytes 2–5) |
//! | 4 | actor code (high half), peer code (low half), as [`Actor::code`] |
//!
//! Every detail is split into `(id, small, wide)` by [`split`] and rebuilt by [`join`],
//! side by side so that a field added to one is seen missing from the other.

use crate::sim::config::CrashPoint;
use crate::sim::trace::{
    Actor, Detail, DropReason, EventKind, KeyCheckOutcome, MessageKind, MessagingDetail, Outcome,
    SagaDetail, SavedKeyState, StreamDetail, Table, TimedStep, TraceEvent, WriteFlags,
};

/// Bytes per encoded event.
pub const EVENT_BYTES: usize = 40;

/// Every event of `events`, in order.
pub fn encode_trace(events: &[TraceEvent]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(events.len() * EVENT_BYTES);
    for event in events {
        let (id, small, wide) = split(&event.detail);
        let words = [
            event.time,
            wide as u64,
            event.op as u64 | (id as u64) << 32,
            event.kind() as u64 | (event.attempt as u64) << 8 | (small as u64) << 16,
            event.actor.code() << 32 | event.peer.code(),
        ];
        let mut record = [0; EVENT_BYTES];
        for (slot, word) in record.chunks_exact_mut(8).zip(words) {
            slot.copy_from_slice(&word.to_le_bytes());
        }
        bytes.extend_from_slice(&record);
    }
    bytes
}

/// Decode whole events from `bytes` (a multiple of [`EVENT_BYTES`]) onto `out`, so a long
/// trace can be read in slices.
pub fn decode_events(bytes: &[u8], out: &mut Vec<TraceEvent>) -> Result<(), String> {
    if bytes.len() % EVENT_BYTES != 0 {
        return Err(format!(
            "a trace of {} bytes is not whole {EVENT_BYTES}-byte events",
            bytes.len()
        ));
    }
    out.reserve(bytes.len() / EVENT_BYTES);
    for record in bytes.chunks_exact(EVENT_BYTES) {
        let word = |i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&record[i * 8..i * 8 + 8]);
            u64::from_le_bytes(w)
        };
        let (time, wide, ids, small, actors) = (word(0), word(1), word(2), word(3), word(4));
        let actor = |code: u64| {
            Actor::from_code(code).ok_or_else(|| format!("no actor has code {code:#x}"))
        };
        let detail = join(
            small as u8,
            (ids >> 32) as u32,
            (small >> 16) as u32,
            wide as i64,
        )?;
        out.push(TraceEvent {
            time,
            detail,
            op: ids as u32,
            actor: actor(actors >> 32)?,
            peer: actor(actors & 0xFFFF_FFFF)?,
            attempt: (small >> 8) as u8,
        });
    }
    Ok(())
}

/// The detail's id field, its small fields packed, and its wide field.
fn split(detail: &Detail) -> (u32, u32, i64) {
    let message_and = |message: MessageKind, high: u32| message as u32 | high << 8;
    match *detail {
        Detail::OpStart { amount } | Detail::ChargeDeclined { amount } => (0, 0, amount),
        Detail::Send {
            msg,
            message,
            value,
        } => (msg, message as u32, value),
        Detail::Deliver {
            msg,
            message,
            replayed,
            status,
        } => (msg, message_and(message, replayed as u32), status),
        Detail::LateResponse {
            msg,
            message,
            status,
        } => (msg, message as u32, status),
        Detail::Drop {
            msg,
            message,
            reason,
        } => (msg, message_and(message, reason as u32), 0),
        Detail::Duplicate {
            msg,
            message,
            original,
        } => (msg, message as u32, original as i64),
        Detail::Timeout | Detail::Restart => (0, 0, 0),
        Detail::Retry { backoff_us } => (0, 0, backoff_us as i64),
        Detail::Step {
            step: TimedStep::Compute,
            duration_us,
        } => (0, 0, duration_us as i64),
        Detail::KeyCheck { outcome, key } => (0, outcome as u32, key as i64),
        Detail::KeySave { state, key } => {
            let completed = match state {
                SavedKeyState::InProgress => false,
                SavedKeyState::Completed => true,
            };
            (0, completed as u32, key as i64)
        }
        Detail::KeyRelease { key } => (0, 0, key as i64),
        Detail::KeyPurge { rows } => (rows, 0, 0),
        Detail::Crash { point } => {
            let index = CrashPoint::ALL.iter().position(|&p| p == point);
            (0, index.unwrap_or(0) as u32, 0)
        }
        Detail::DbRead {
            table,
            version,
            value,
        } => (version, table as u32, value),
        Detail::DbWrite {
            table,
            row,
            value,
            how,
        } => {
            let flags =
                how.overwrote() as u32 | (how.conflict() as u32) << 1 | (how.delete() as u32) << 2;
            (row, table as u32 | flags << 8, value)
        }
        Detail::CasConflict { table, version } => (version, table as u32, 0),
        Detail::Charge { charge, amount } | Detail::ChargeDeduplicated { charge, amount } => {
            (charge, 0, amount)
        }
        Detail::Refund { charge } => (charge, 0, 0),
        Detail::EmailSent { email } | Detail::EmailDeduplicated { email } => (email, 0, 0),
        Detail::OutboxWrite { outbox, sent } => (outbox, sent as u32, 0),
        Detail::OpEnd {
            outcome,
            latency_us,
        } => (0, outcome_code(outcome) as u32, latency_us as i64),
        Detail::ExternalTimeout { call, outbox } => (
            outbox.unwrap_or(0),
            call as u32 | (outbox.is_some() as u32) << 8,
            0,
        ),
        Detail::Messaging(m) => m.split(),
        Detail::Stream(d) => d.split(),
        Detail::Saga(s) => s.split(),
    }
}

/// The detail of an event of kind `kind` from the fields [`split`] gave.
fn join(kind: u8, id: u32, small: u32, wide: i64) -> Result<Detail, String> {
    let low = small as u8;
    let high = (small >> 8) as u8;
    let flag = |bit: u8| match bit {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(format!("{bit} is not a flag")),
    };
    let message = || message_kind(low);
    Ok(match event_kind(kind)? {
        EventKind::OpStart => Detail::OpStart { amount: wide },
        EventKind::ChargeDeclined => Detail::ChargeDeclined { amount: wide },
        EventKind::Send => Detail::Send {
            msg: id,
            message: message()?,
            value: wide,
        },
        EventKind::Deliver => Detail::Deliver {
            msg: id,
            message: message()?,
            replayed: flag(high)?,
            status: wide,
        },
        EventKind::LateResponse => Detail::LateResponse {
            msg: id,
            message: message()?,
            status: wide,
        },
        EventKind::Drop => Detail::Drop {
            msg: id,
            message: message()?,
            reason: drop_reason(high)?,
        },
        EventKind::Duplicate => Detail::Duplicate {
            msg: id,
            message: message()?,
            original: wide as u32,
        },
        EventKind::Timeout => Detail::Timeout,
        EventKind::Restart => Detail::Restart,
        EventKind::Retry => Detail::Retry {
            backoff_us: wide as u64,
        },
        EventKind::Step => Detail::Step {
            step: TimedStep::Compute,
            duration_us: wide as u64,
        },
        EventKind::KeyCheck => Detail::KeyCheck {
            outcome: key_check_outcome(low)?,
            key: wide as u64,
        },
        EventKind::KeySave => Detail::KeySave {
            state: if flag(low)? {
                SavedKeyState::Completed
            } else {
                SavedKeyState::InProgress
            },
            key: wide as u64,
        },
        EventKind::KeyRelease => Detail::KeyRelease { key: wide as u64 },
        EventKind::KeyPurge => Detail::KeyPurge { rows: id },
        EventKind::Crash => Detail::Crash {
            point: *CrashPoint::ALL
                .get(low as usize)
                .ok_or_else(|| format!("no crash point has index {low}"))?,
        },
        EventKind::DbRead => Detail::DbRead {
            table: table(low)?,
            version: id,
            value: wide,
        },
        EventKind::DbWrite => Detail::DbWrite {
            table: table(low)?,
            row: id,
            value: wide,
            how: WriteFlags::new(high & 1 != 0, high & 2 != 0, high & 4 != 0),
        },
        EventKind::CasConflict => Detail::CasConflict {
            table: table(low)?,
            version: id,
        },
        EventKind::Charge => Detail::Charge {
            charge: id,
            amount: wide,
        },
        EventKind::ChargeDeduplicated => Detail::ChargeDeduplicated {
            charge: id,
            amount: wide,
        },
        EventKind::Refund => Detail::Refund { charge: id },
        EventKind::EmailSent => Detail::EmailSent { email: id },
        EventKind::EmailDeduplicated => Detail::EmailDeduplicated { email: id },
        EventKind::OutboxWrite => Detail::OutboxWrite {
            outbox: id,
            sent: flag(low)?,
        },
        EventKind::OpEnd => Detail::OpEnd {
            outcome: outcome(low)?,
            latency_us: wide as u64,
        },
        EventKind::ExternalTimeout => Detail::ExternalTimeout {
            call: low,
            outbox: flag(high)?.then_some(id),
        },
        EventKind::Messaging => Detail::Messaging(MessagingDetail::join(id, small)?),
        EventKind::Stream => Detail::Stream(StreamDetail::join(id, small, wide)?),
        EventKind::Saga => Detail::Saga(SagaDetail::join(id, small)?),
    })
}

/// Every code of an enum, listed once: decoding is the inverse of `as u8`.
macro_rules! decoder {
    ($name:ident, $ty:ident, [$($variant:ident),+ $(,)?]) => {
        fn $name(code: u8) -> Result<$ty, String> {
            $(if code == $ty::$variant as u8 {
                return Ok($ty::$variant);
            })+
            Err(format!(concat!("no ", stringify!($ty), " has code {}"), code))
        }
    };
}

decoder!(
    event_kind,
    EventKind,
    [
        OpStart,
        Send,
        Deliver,
        Drop,
        Duplicate,
        Timeout,
        Retry,
        Step,
        KeyCheck,
        KeySave,
        KeyRelease,
        Crash,
        Restart,
        DbRead,
        DbWrite,
        CasConflict,
        Charge,
        ChargeDeduplicated,
        Refund,
        EmailSent,
        EmailDeduplicated,
        OutboxWrite,
        OpEnd,
        LateResponse,
        ExternalTimeout,
        KeyPurge,
        ChargeDeclined,
        Messaging,
        Stream,
        Saga,
    ]
);
decoder!(
    message_kind,
    MessageKind,
    [
        Request,
        Forward,
        Response,
        ChargeCall,
        ChargeReply,
        EmailCall,
        EmailReply,
        ReadBack,
        Publish,
        PublishAck,
        Record,
        OffsetCommit,
        Delete,
        Heartbeat,
        ShipCall,
        ShipReply,
        Reserve,
        ReserveReply,
        Release,
        ReleaseReply,
        Refund,
        RefundReply,
    ]
);
decoder!(
    drop_reason,
    DropReason,
    [Loss, Partition, ReplicaDown, Stale]
);
decoder!(
    key_check_outcome,
    KeyCheckOutcome,
    [
        New,
        Expired,
        LockExpired,
        Replay,
        InProgress,
        Mismatch,
        Missing,
        NoKey,
        Unlocked
    ]
);
decoder!(
    table,
    Table,
    [
        Orders,
        Inventory,
        Accounts,
        Profiles,
        Payments,
        Ledger,
        ProcessedMessages
    ]
);

/// Outcomes have no `repr`: their codes are here, both ways.
fn outcome_code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Succeeded => 1,
        Outcome::Failed => 2,
        Outcome::Unknown => 3,
    }
}

pub(super) fn outcome(code: u8) -> Result<Outcome, String> {
    [Outcome::Succeeded, Outcome::Failed, Outcome::Unknown]
        .into_iter()
        .find(|&o| outcome_code(o) == code)
        .ok_or_else(|| format!("no outcome has code {code}"))
}

pub(super) fn encode_outcome(outcome: Option<Outcome>) -> u8 {
    outcome.map_or(0, outcome_code)
}
