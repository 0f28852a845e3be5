//! What happened in one trace event, typed: one variant per kind of event, with named
//! fields. [`Detail::hash_words`] packs it into the words the trace hash is computed
//! over; the packing is the one used before details were typed, so recorded hashes hold.

use serde::{Deserialize, Serialize};

use crate::sim::config::CrashPoint;

use super::messaging::MessagingDetail;
use super::saga::SagaDetail;
use super::stream::StreamDetail;
use super::{DropReason, KeyCheckOutcome, MessageKind, Outcome, Table};

/// Every kind of trace event, without its fields (for filters and counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum EventKind {
    OpStart = 1,
    Send = 2,
    Deliver = 3,
    Drop = 4,
    Duplicate = 5,
    Timeout = 6,
    Retry = 7,
    Step = 8,
    KeyCheck = 9,
    KeySave = 10,
    KeyRelease = 11,
    Crash = 12,
    Restart = 13,
    DbRead = 14,
    DbWrite = 15,
    CasConflict = 16,
    Charge = 17,
    ChargeDeduplicated = 18,
    Refund = 19,
    EmailSent = 20,
    EmailDeduplicated = 21,
    OutboxWrite = 22,
    OpEnd = 23,
    LateResponse = 24,
    ExternalTimeout = 25,
    KeyPurge = 26,
    ChargeDeclined = 27,
    /// Everything of the messaging world (see `trace/messaging.rs`).
    Messaging = 28,
    /// Everything of the stream world (see `trace/stream.rs`).
    Stream = 29,
    /// Everything of the saga world (see `trace/saga.rs`).
    Saga = 30,
}

/// The state a key record was saved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedKeyState {
    InProgress,
    Completed,
}

/// A step of a server handler that takes time of its own (the others are accounted
/// for by the database, key-store or network events they cause).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimedStep {
    Compute,
}

/// The fields of one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// A client starts a logical operation of this amount (or target value).
    OpStart {
        amount: i64,
    },
    /// A message leaves `actor` for `peer`. `value` is the status on responses, the
    /// amount on calls and the copy number on forwards; 0 otherwise.
    Send {
        msg: u32,
        message: MessageKind,
        value: i64,
    },
    /// A message reaches `actor`; `status` is set on responses a client acts on.
    Deliver {
        msg: u32,
        message: MessageKind,
        replayed: bool,
        status: i64,
    },
    /// A message reaches a receiver that no longer waits for it.
    LateResponse {
        msg: u32,
        message: MessageKind,
        status: i64,
    },
    /// A message never arrives.
    Drop {
        msg: u32,
        message: MessageKind,
        reason: DropReason,
    },
    /// The network delivers a second copy (`msg`) of message `original`.
    Duplicate {
        msg: u32,
        message: MessageKind,
        original: u32,
    },
    /// A client's attempt timed out.
    Timeout,
    /// A client schedules its next attempt after `backoff_us`.
    Retry {
        backoff_us: u64,
    },
    /// A handler step took `duration_us`.
    Step {
        step: TimedStep,
        duration_us: u64,
    },
    KeyCheck {
        outcome: KeyCheckOutcome,
        key: u64,
    },
    KeySave {
        state: SavedKeyState,
        key: u64,
    },
    KeyRelease {
        key: u64,
    },
    /// The key store deleted `rows` records whose TTL had passed.
    KeyPurge {
        rows: u32,
    },
    Crash {
        point: CrashPoint,
    },
    Restart,
    /// A read of a row (`version` and `value`), or of an order by reference (`value` 1
    /// if found).
    DbRead {
        table: Table,
        version: u32,
        value: i64,
    },
    /// A write to row `row` of `table` (an order id, an account, a client's profile).
    DbWrite {
        table: Table,
        row: u32,
        value: i64,
        how: WriteFlags,
    },
    CasConflict {
        table: Table,
        version: u32,
    },
    Charge {
        charge: u32,
        amount: i64,
    },
    /// The provider refused a charge under a voided key.
    ChargeDeclined {
        amount: i64,
    },
    ChargeDeduplicated {
        charge: u32,
        amount: i64,
    },
    Refund {
        charge: u32,
    },
    EmailSent {
        email: u32,
    },
    EmailDeduplicated {
        email: u32,
    },
    /// An outbox row written in the business transaction, or marked sent by the relay.
    OutboxWrite {
        outbox: u32,
        sent: bool,
    },
    OpEnd {
        outcome: Outcome,
        latency_us: u64,
    },
    /// An external call (number `call`) timed out; `outbox` is set for the relay's calls.
    ExternalTimeout {
        call: u8,
        outbox: Option<u32>,
    },
    /// An event of the messaging world.
    Messaging(MessagingDetail),
    /// An event of the stream world.
    Stream(StreamDetail),
    /// An event of the saga world.
    Saga(SagaDetail),
}

/// What else is true of a database write. Kept in one byte so that an event stays at 40
/// bytes; read it through the named methods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteFlags(u8);

impl WriteFlags {
    const OVERWROTE: u8 = 1;
    const CONFLICT: u8 = 2;
    const DELETE: u8 = 4;

    pub const fn new(overwrote: bool, conflict: bool, delete: bool) -> Self {
        let mut bits = 0;
        if overwrote {
            bits |= Self::OVERWROTE;
        }
        if conflict {
            bits |= Self::CONFLICT;
        }
        if delete {
            bits |= Self::DELETE;
        }
        WriteFlags(bits)
    }

    /// It overwrote a change made after this handler read the row.
    pub const fn overwrote(self) -> bool {
        self.0 & Self::OVERWROTE != 0
    }

    /// `ON CONFLICT`: the row existed; nothing new was inserted.
    pub const fn conflict(self) -> bool {
        self.0 & Self::CONFLICT != 0
    }

    pub const fn delete(self) -> bool {
        self.0 & Self::DELETE != 0
    }
}

/// The flags of a write as packed into the hashed `detail` word.
fn write_flag_bits(how: WriteFlags) -> u32 {
    (how.overwrote() as u32) << 8 | (how.conflict() as u32) << 9 | (how.delete() as u32) << 10
}

fn crash_point_index(point: CrashPoint) -> u32 {
    CrashPoint::ALL
        .iter()
        .position(|&c| c == point)
        .unwrap_or(0) as u32
}

impl Detail {
    #[inline(always)]
    pub fn kind(&self) -> EventKind {
        match self {
            Detail::OpStart { .. } => EventKind::OpStart,
            Detail::Send { .. } => EventKind::Send,
            Detail::Deliver { .. } => EventKind::Deliver,
            Detail::LateResponse { .. } => EventKind::LateResponse,
            Detail::Drop { .. } => EventKind::Drop,
            Detail::Duplicate { .. } => EventKind::Duplicate,
            Detail::Timeout => EventKind::Timeout,
            Detail::Retry { .. } => EventKind::Retry,
            Detail::Step { .. } => EventKind::Step,
            Detail::KeyCheck { .. } => EventKind::KeyCheck,
            Detail::KeySave { .. } => EventKind::KeySave,
            Detail::KeyRelease { .. } => EventKind::KeyRelease,
            Detail::KeyPurge { .. } => EventKind::KeyPurge,
            Detail::Crash { .. } => EventKind::Crash,
            Detail::Restart => EventKind::Restart,
            Detail::DbRead { .. } => EventKind::DbRead,
            Detail::DbWrite { .. } => EventKind::DbWrite,
            Detail::CasConflict { .. } => EventKind::CasConflict,
            Detail::Charge { .. } => EventKind::Charge,
            Detail::ChargeDeduplicated { .. } => EventKind::ChargeDeduplicated,
            Detail::ChargeDeclined { .. } => EventKind::ChargeDeclined,
            Detail::Refund { .. } => EventKind::Refund,
            Detail::EmailSent { .. } => EventKind::EmailSent,
            Detail::EmailDeduplicated { .. } => EventKind::EmailDeduplicated,
            Detail::OutboxWrite { .. } => EventKind::OutboxWrite,
            Detail::OpEnd { .. } => EventKind::OpEnd,
            Detail::ExternalTimeout { .. } => EventKind::ExternalTimeout,
            Detail::Messaging(_) => EventKind::Messaging,
            Detail::Stream(_) => EventKind::Stream,
            Detail::Saga(_) => EventKind::Saga,
        }
    }

    /// The message this event is about, if any.
    pub fn message(&self) -> Option<(u32, MessageKind)> {
        match *self {
            Detail::Send { msg, message, .. }
            | Detail::Deliver { msg, message, .. }
            | Detail::LateResponse { msg, message, .. }
            | Detail::Drop { msg, message, .. }
            | Detail::Duplicate { msg, message, .. } => Some((msg, message)),
            _ => None,
        }
    }

    /// The packed `(msg, detail, value)` words hashed into the trace hash.
    #[inline(always)]
    pub fn hash_words(&self) -> (u32, u32, i64) {
        match *self {
            Detail::OpStart { amount } => (0, 0, amount),
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
            } => (msg, message as u32 | (replayed as u32) << 8, status),
            Detail::LateResponse {
                msg,
                message,
                status,
            } => (msg, message as u32, status),
            Detail::Drop {
                msg,
                message,
                reason,
            } => (msg, message as u32 | (reason as u32) << 8, 0),
            Detail::Duplicate {
                msg,
                message,
                original,
            } => (msg, message as u32, original as i64),
            Detail::Timeout | Detail::Restart => (0, 0, 0),
            Detail::Retry { backoff_us } => (0, 0, backoff_us as i64),
            Detail::Step { step, duration_us } => {
                let code = match step {
                    TimedStep::Compute => 4,
                };
                (0, code, duration_us as i64)
            }
            Detail::KeyCheck { outcome, key } => (0, outcome as u32, key as i64),
            Detail::KeySave { state, key } => {
                let code = match state {
                    SavedKeyState::InProgress => 1,
                    SavedKeyState::Completed => 2,
                };
                (0, code, key as i64)
            }
            Detail::KeyRelease { key } => (0, 0, key as i64),
            Detail::KeyPurge { rows } => (0, 0, rows as i64),
            Detail::Crash { point } => (0, crash_point_index(point), 0),
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
            } => (row, table as u32 | write_flag_bits(how), value),
            Detail::CasConflict { table, version } => (version, table as u32, 0),
            Detail::ChargeDeclined { amount } => (u32::MAX, 0, amount),
            Detail::Charge { charge, amount } | Detail::ChargeDeduplicated { charge, amount } => {
                (charge, 0, amount)
            }
            Detail::Refund { charge } => (charge, 0, 0),
            Detail::EmailSent { email } | Detail::EmailDeduplicated { email } => (email, 0, 0),
            Detail::OutboxWrite { outbox, sent } => (outbox, if sent { 2 } else { 1 }, 0),
            Detail::OpEnd {
                outcome,
                latency_us,
            } => {
                let code = match outcome {
                    Outcome::Succeeded => 1,
                    Outcome::Failed => 2,
                    Outcome::Unknown => 3,
                };
                (0, code, latency_us as i64)
            }
            Detail::ExternalTimeout { call, outbox } => match outbox {
                Some(outbox) => (outbox, 0, call as i64),
                None => (0, call as u32, 0),
            },
            Detail::Messaging(m) => m.split(),
            Detail::Stream(d) => d.split(),
            Detail::Saga(s) => s.split(),
        }
    }
}
