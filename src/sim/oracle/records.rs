//! What the oracle remembers of an operation while it is live, and of its executions:
//! enough to explain any verdict about it. All of it goes when the operation settles.

use super::{Anomaly, Fault};
use crate::sim::config::CrashPoint;
use crate::sim::trace::{KeyCheckOutcome, Outcome};

#[derive(Clone, Copy, Debug, Default)]
pub(super) struct AttemptRecord {
    pub sent_event: u32,
    pub sent_time: u64,
    pub key: Option<u64>,
    pub fault: Option<(Fault, u32, u64)>,
    pub duplicate_event: Option<u32>,
}

#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ExecRecord {
    pub op: u32,
    pub attempt: u8,
    pub replica: u8,
    pub copy: u8,
    pub start: u64,
    pub start_event: u32,
    pub end: Option<u64>,
    pub key_check: Option<(KeyCheckOutcome, u32, u64)>,
    pub key_saved: Option<u64>,
    pub crashed: Option<(CrashPoint, u32, u64)>,
    /// The status it answered with, if it answered.
    pub status: Option<u16>,
    /// Server-side retries of an external call: (event that made it retry, time).
    pub call_retries: [Option<(u32, u64)>; 2],
    /// The first crash of its replica at or after its start (the keys that replica kept
    /// in memory were lost then).
    pub replica_crash: Option<u64>,
}

/// An effect as it happened: its id in the ground truth (charge, row or email id), the
/// execution that produced it, its trace event and time.
#[derive(Clone, Copy, Debug)]
pub(super) struct SideEffect {
    pub id: u32,
    pub event: u32,
    pub time: u64,
    pub exec: u32,
}

/// A profile write of an older operation that undid this one's: the write (its `id` is
/// the older operation) and what its sentence needs of the execution that made it, taken
/// when it happened (the older operation may have settled by the time this one does).
#[derive(Clone, Copy, Debug)]
pub(super) struct UndoneBy {
    pub write: SideEffect,
    pub attempt: u8,
    pub copy: u8,
    pub replica: u8,
    pub start: u64,
    pub start_event: u32,
    /// The network's copy of that attempt's request, if it made one.
    pub copy_event: Option<u32>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct OpRecord {
    pub attempts: Vec<AttemptRecord>,
    pub charges: Vec<SideEffect>,
    pub orders: Vec<SideEffect>,
    pub emails: Vec<SideEffect>,
    pub applied: Vec<SideEffect>,
    pub outcome: Option<(Outcome, u32, u64)>,
    pub wrong_replay_of: Option<u32>,
    /// The payment provider answered one of its charge calls with a charge that does not
    /// stand for it (another operation's, or its own refunded one): that charge's
    /// operation, the event and its time.
    pub charge_replayed_from: Option<(u32, u32, u64)>,
    /// A profile write of an older operation that overwrote this one's, not restored.
    pub undone_by: Option<UndoneBy>,
    /// Its executions, whose records go with it.
    pub execs: Vec<u32>,
    /// Anomalies about it found during the run (lost update, oversell, wrong replay).
    pub found: Vec<Anomaly>,
    /// Memories of the last write to a row that name it: a later write to that row may
    /// still report it, so it is not settled while any is held.
    pub pins: u32,
}

impl OpRecord {
    /// The record of attempt `attempt` (numbered from 1), made if new.
    pub fn attempt(&mut self, attempt: u8) -> &mut AttemptRecord {
        let index = attempt.max(1) as usize - 1;
        if self.attempts.len() <= index {
            self.attempts.resize(index + 1, AttemptRecord::default());
        }
        &mut self.attempts[index]
    }
}
