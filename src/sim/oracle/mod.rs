//! The oracle: knows each logical operation's intended effect, is told every fact of the
//! run as it happens (through the effects buffer), and explains every anomaly with its
//! causal chain and one sentence.
//!
//! - `facts`: what it is told ([`Fact`]);
//! - this file: what it remembers of each operation, attempt and execution;
//! - `explain`: the sentences for duplicates and their causes;
//! - `verdicts`: the end-of-run checks (ghost successes, lost writes);
//! - `anomaly`: the kinds of anomaly and their counts.

mod anomaly;
mod explain;
mod facts;
mod verdicts;

pub use anomaly::{count_by_kind, format_time, Anomaly, AnomalyKind};
pub use facts::{Fact, Fault};
pub use verdicts::{Truth, Verdicts};

use anomaly::{at, lowercase_first, sorted};

use super::config::{CrashPoint, KeyStoreLocation, Scenario};
use super::trace::{KeyCheckOutcome, Outcome};
use super::workload::Operation;

#[derive(Clone, Copy, Debug, Default)]
struct AttemptRecord {
    sent_event: u32,
    sent_time: u64,
    key: Option<u64>,
    fault: Option<(Fault, u32, u64)>,
    duplicate_event: Option<u32>,
}

#[derive(Clone, Copy, Debug)]
struct ExecRecord {
    op: u32,
    attempt: u8,
    replica: u8,
    copy: u8,
    start: u64,
    start_event: u32,
    end: Option<u64>,
    key_check: Option<(KeyCheckOutcome, u32, u64)>,
    key_saved: Option<u64>,
    crashed: Option<(CrashPoint, u32, u64)>,
    /// The status it answered with, if it answered.
    status: Option<u16>,
    /// Server-side retries of an external call: (event that made it retry, time).
    call_retries: [Option<(u32, u64)>; 2],
}

/// An effect as it happened: its id in the ground truth (charge, row or email id), the
/// execution that produced it, its trace event and time.
#[derive(Clone, Copy, Debug)]
struct SideEffect {
    id: u32,
    event: u32,
    time: u64,
    exec: u32,
}

#[derive(Clone, Debug, Default)]
struct OpRecord {
    attempts: Vec<AttemptRecord>,
    charges: Vec<SideEffect>,
    orders: Vec<SideEffect>,
    emails: Vec<SideEffect>,
    applied: Vec<SideEffect>,
    outcome: Option<(Outcome, u32, u64)>,
    wrong_replay_of: Option<u32>,
    /// A profile write of an older operation that overwrote this one's, not restored.
    undone_by: Option<SideEffect>,
}

pub struct Oracle {
    ops: Vec<Operation>,
    records: Vec<OpRecord>,
    execs: Vec<ExecRecord>,
    replica_crashes: Vec<Vec<u64>>,
    anomalies: Vec<Anomaly>,
    units_sold: u64,
    stock: u64,
    store: KeyStoreLocation,
    atomic: bool,
    keys_enabled: bool,
    ttl_us: u64,
    lock_timeout_us: u64,
    timeout_us: u64,
    propagation: bool,
    provider_honours_keys: bool,
    cas: bool,
    /// The last write to the stock and to each account: (event, op, time), so that a
    /// write that overwrote a concurrent one can name it.
    inventory_last: LastWrite,
    account_last: Vec<LastWrite>,
    /// The last write to each client's profile (its `id` is the writing operation).
    profile_last: Vec<Option<SideEffect>>,
}

/// The last write to a versioned row: (event, op, time).
type LastWrite = Option<(u32, u32, u64)>;

impl Oracle {
    pub fn new(scenario: &Scenario, ops: &[Operation]) -> Self {
        let keys = &scenario.protections.idempotency_key;
        Oracle {
            ops: ops.to_vec(),
            records: vec![OpRecord::default(); ops.len()],
            execs: Vec::new(),
            replica_crashes: vec![Vec::new(); scenario.replicas as usize],
            anomalies: Vec::new(),
            units_sold: 0,
            stock: scenario.world.stock,
            store: keys.store,
            atomic: keys.atomic,
            keys_enabled: keys.enabled,
            ttl_us: keys.ttl_us,
            lock_timeout_us: keys.lock_timeout_us,
            timeout_us: scenario.client.timeout_us,
            propagation: scenario.protections.key_propagation,
            provider_honours_keys: scenario.world.provider_honours_keys,
            cas: scenario.protections.cas,
            inventory_last: None,
            account_last: vec![None; scenario.world.accounts as usize],
            profile_last: vec![None; scenario.clients as usize],
        }
    }

    /// Take in one fact, observed at `time`. (Forcing it inline saved 2% natively but
    /// cost 6% in the browser's wasm; left to the compiler.)
    #[inline]
    pub fn observe(&mut self, fact: Fact, time: u64) {
        match fact {
            Fact::AttemptSent {
                op,
                attempt,
                key,
                event,
            } => self.attempt_sent(op, attempt, key, event, time),
            Fact::Fault {
                op,
                attempt,
                fault,
                event,
            } => self.fault(op, attempt, fault, event, time),
            Fact::Duplicated { op, attempt, event } => self.duplicated(op, attempt, event),
            Fact::ExecutionStarted {
                exec,
                op,
                attempt,
                copy,
                replica,
                event,
            } => {
                let id = self.execution_started(op, attempt, (copy, replica), event, time);
                debug_assert_eq!(id, exec, "execution ids count up from 0");
            }
            Fact::KeyChecked {
                exec,
                outcome,
                event,
            } => self.key_checked(exec, outcome, event, time),
            Fact::KeySaved { exec } => self.key_saved(exec, time),
            Fact::ExecutionEnded { exec, status } => {
                let e = &mut self.execs[exec as usize];
                e.end = Some(time);
                e.status = Some(status);
            }
            Fact::Crashed { replica, .. } => self.replica_crashes[replica as usize].push(time),
            Fact::LostInCrash {
                exec,
                replica,
                point,
                event,
            } => self.lost_in_crash(exec, replica, point, event, time),
            Fact::ExternalCallRetried { exec, event } => {
                self.external_call_retried(exec, event, time)
            }
            Fact::Charged {
                exec,
                op,
                charge,
                event,
            } => self.records[op as usize].charges.push(SideEffect {
                id: charge,
                event,
                time,
                exec,
            }),
            Fact::Refunded { op, charge, .. } => {
                self.records[op as usize].charges.retain(|c| c.id != charge)
            }
            Fact::OrderInserted {
                row,
                exec,
                op,
                quantity,
                event,
            } => {
                self.records[op as usize].orders.push(SideEffect {
                    id: row,
                    event,
                    time,
                    exec,
                });
                self.units_sold += quantity as u64;
            }
            Fact::Emailed {
                exec,
                op,
                email,
                event,
            } => self.records[op as usize].emails.push(SideEffect {
                id: email,
                event,
                time,
                exec,
            }),
            Fact::AccountWritten {
                exec,
                op,
                account,
                read_event,
                read_time,
                overwrote,
                event,
            } => {
                if overwrote {
                    if let Some((lost_event, lost_op, lost_time)) =
                        self.account_last[account as usize]
                    {
                        self.overwrote_concurrent(
                            op, read_event, read_time, lost_op, lost_event, lost_time, event, time,
                        );
                    }
                }
                self.account_last[account as usize] = Some((event, op, time));
                self.applied(exec, op, event, time);
            }
            Fact::StockWritten {
                op,
                read_event,
                read_time,
                read_value,
                overwrote,
                event,
            } => {
                let other = if overwrote {
                    self.inventory_last.map(|(e, op, t)| (op, e, t))
                } else {
                    None
                };
                self.stock_written(op, read_event, read_time, read_value, other, event, time);
                self.inventory_last = Some((event, op, time));
            }
            Fact::ProfileWritten { exec, op, event } => {
                let client = self.ops[op as usize].client as usize;
                let write = SideEffect {
                    id: op,
                    event,
                    time,
                    exec,
                };
                // An older operation's write landing on a newer one's undoes it; the newer
                // operation writing again restores it.
                if let Some(previous) = self.profile_last[client] {
                    if previous.id > op {
                        let undone = &mut self.records[previous.id as usize].undone_by;
                        undone.get_or_insert(write);
                    }
                }
                self.records[op as usize].undone_by = None;
                self.profile_last[client] = Some(write);
                self.applied(exec, op, event, time);
            }
            Fact::WrongReplay {
                op,
                body_op,
                key_event,
                event,
            } => self.wrong_replay(op, body_op, key_event, event, time),
            Fact::OpEnded { op, outcome, event } => self.op_ended(op, outcome, event, time),
        }
    }

    fn attempt(&mut self, op: u32, attempt: u8) -> &mut AttemptRecord {
        let attempts = &mut self.records[op as usize].attempts;
        let index = attempt.max(1) as usize - 1;
        if attempts.len() <= index {
            attempts.resize(index + 1, AttemptRecord::default());
        }
        &mut attempts[index]
    }

    // ---- observations -------------------------------------------------------------

    fn attempt_sent(&mut self, op: u32, attempt: u8, key: Option<u64>, event: u32, time: u64) {
        let a = self.attempt(op, attempt);
        a.sent_event = event;
        a.sent_time = time;
        a.key = key;
    }

    fn fault(&mut self, op: u32, attempt: u8, fault: Fault, event: u32, time: u64) {
        let a = self.attempt(op, attempt);
        if a.fault.is_none() {
            a.fault = Some((fault, event, time));
        }
    }

    fn duplicated(&mut self, op: u32, attempt: u8, event: u32) {
        let a = self.attempt(op, attempt);
        a.duplicate_event.get_or_insert(event);
    }

    fn execution_started(
        &mut self,
        op: u32,
        attempt: u8,
        (copy, replica): (u8, u8),
        start_event: u32,
        time: u64,
    ) -> u32 {
        self.execs.push(ExecRecord {
            op,
            attempt,
            replica,
            copy,
            start_event,
            start: time,
            end: None,
            key_check: None,
            key_saved: None,
            crashed: None,
            status: None,
            call_retries: [None; 2],
        });
        (self.execs.len() - 1) as u32
    }

    fn key_checked(&mut self, exec: u32, outcome: KeyCheckOutcome, event: u32, time: u64) {
        self.execs[exec as usize].key_check = Some((outcome, event, time));
    }

    fn key_saved(&mut self, exec: u32, time: u64) {
        self.execs[exec as usize].key_saved = Some(time);
    }

    fn lost_in_crash(&mut self, exec: u32, replica: u8, point: CrashPoint, event: u32, time: u64) {
        let e = &mut self.execs[exec as usize];
        e.crashed = Some((point, event, time));
        e.end = Some(time);
        let (op, attempt) = (e.op, e.attempt);
        self.fault(op, attempt, Fault::Crash(point, replica), event, time);
    }

    fn external_call_retried(&mut self, exec: u32, cause_event: u32, time: u64) {
        let slots = &mut self.execs[exec as usize].call_retries;
        if let Some(slot) = slots.iter_mut().find(|s| s.is_none()) {
            *slot = Some((cause_event, time));
        }
    }

    /// A wallet or profile write of `op` took effect.
    fn applied(&mut self, exec: u32, op: u32, event: u32, time: u64) {
        self.records[op as usize].applied.push(SideEffect {
            id: event,
            event,
            time,
            exec,
        });
    }

    /// A blind write overwrote a change made after this handler's read.
    #[allow(clippy::too_many_arguments)]
    fn overwrote_concurrent(
        &mut self,
        writer_op: u32,
        read_event: u32,
        read_time: u64,
        lost_op: u32,
        lost_event: u32,
        lost_time: u64,
        write_event: u32,
        time: u64,
    ) {
        let writer = self.ops[writer_op as usize].label();
        let lost = &self.ops[lost_op as usize];
        let narrative = format!(
            "The update of {} was lost: {writer} read the balance at {}, {} wrote a new balance at {}, and {writer} then overwrote it at {} with a value computed from its stale read, because writes are not conditional{}.",
            lowercase_first(&lost.title()),
            at(read_time),
            lost.label(),
            at(lost_time),
            at(time),
            if self.cas { "" } else { " (no CAS versioning)" },
        );
        self.anomalies.push(Anomaly {
            kind: AnomalyKind::LostUpdate,
            op: lost_op,
            time_us: time,
            events: sorted(vec![read_event, lost_event, write_event]),
            narrative,
        });
    }

    /// A checkout committed a stock count computed from a stale read.
    #[allow(clippy::too_many_arguments)]
    fn stock_written(
        &mut self,
        op: u32,
        read_event: u32,
        read_time: u64,
        read_stock: i64,
        other: Option<(u32, u32, u64)>,
        write_event: u32,
        time: u64,
    ) {
        if self.units_sold <= self.stock {
            return;
        }
        let title = self.ops[op as usize].title();
        let mut events = vec![read_event, write_event];
        let race = match other {
            Some((other_op, other_event, other_time)) => {
                events.push(other_event);
                format!(
                    ", {} sold from the same stock at {}",
                    self.ops[other_op as usize].label(),
                    at(other_time)
                )
            }
            None => String::new(),
        };
        self.anomalies.push(Anomaly {
            kind: AnomalyKind::Oversell,
            op,
            time_us: time,
            events: sorted(events),
            narrative: format!(
                "{title} oversold the stock: it read {read_stock} left at {}{race}, and it still wrote its own decrement at {}, so {} units were sold of {}{}.",
                at(read_time),
                at(time),
                self.units_sold,
                self.stock,
                if self.cas { "" } else { " (writes are not conditional: no CAS versioning)" },
            ),
        });
    }

    /// A profile write from an older operation replaced a newer one's.
    fn wrong_replay(
        &mut self,
        op: u32,
        body_op: u32,
        key_event: u32,
        deliver_event: u32,
        time: u64,
    ) {
        self.records[op as usize].wrong_replay_of = Some(body_op);
        let this = self.ops[op as usize].title();
        let other = self.ops[body_op as usize].label();
        self.anomalies.push(Anomaly {
            kind: AnomalyKind::WrongReplay,
            op,
            time_us: time,
            events: sorted(vec![key_event, deliver_event]),
            narrative: format!(
                "{this} received the stored response of {other} at {}: the client reused {other}'s idempotency key and, with no fingerprint check, the server replayed that reply instead of running {}.",
                at(time),
                self.ops[op as usize].label()
            ),
        });
    }

    fn op_ended(&mut self, op: u32, outcome: Outcome, event: u32, time: u64) {
        self.records[op as usize].outcome = Some((outcome, event, time));
    }
}
