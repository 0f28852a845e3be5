//! The oracle: knows each logical operation's intended effect, watches effects as
//! they happen, and explains every anomaly with its causal chain and one sentence.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::client::{OpKind, Operation};
use super::config::{CrashPoint, KeyStoreLocation, Scenario};
use super::trace::{replica_letter, KeyCheckOutcome, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    DoubleCharge,
    DuplicateOrder,
    Oversell,
    LostUpdate,
    DuplicateEmail,
    GhostSuccess,
    LostWrite,
    WrongReplay,
}

impl AnomalyKind {
    pub const ALL: [AnomalyKind; 8] = [
        AnomalyKind::DoubleCharge,
        AnomalyKind::DuplicateOrder,
        AnomalyKind::Oversell,
        AnomalyKind::LostUpdate,
        AnomalyKind::DuplicateEmail,
        AnomalyKind::GhostSuccess,
        AnomalyKind::LostWrite,
        AnomalyKind::WrongReplay,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::DoubleCharge => "double_charge",
            AnomalyKind::DuplicateOrder => "duplicate_order",
            AnomalyKind::Oversell => "oversell",
            AnomalyKind::LostUpdate => "lost_update",
            AnomalyKind::DuplicateEmail => "duplicate_email",
            AnomalyKind::GhostSuccess => "ghost_success",
            AnomalyKind::LostWrite => "lost_write",
            AnomalyKind::WrongReplay => "wrong_replay",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            AnomalyKind::DoubleCharge => "Double charge",
            AnomalyKind::DuplicateOrder => "Duplicate order",
            AnomalyKind::Oversell => "Oversell",
            AnomalyKind::LostUpdate => "Lost update",
            AnomalyKind::DuplicateEmail => "Duplicate email",
            AnomalyKind::GhostSuccess => "Ghost success",
            AnomalyKind::LostWrite => "Lost write",
            AnomalyKind::WrongReplay => "Wrong replay",
        }
    }
}

/// One anomaly with the trace events that produced it and a sentence saying why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub op: u32,
    /// When the anomaly became true (the event that completed it).
    pub time_us: u64,
    pub events: Vec<u32>,
    pub narrative: String,
}

/// Why a client attempt did not get its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    RequestLost,
    RequestPartitioned,
    ResponseLost,
    ResponsePartitioned,
    ReplicaDown,
    Crash(CrashPoint, u8),
    Timeout,
    Status(u16),
}

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
    start: u64,
    end: Option<u64>,
    key_check: Option<(KeyCheckOutcome, u32, u64)>,
    key_saved: Option<u64>,
    crashed: Option<(CrashPoint, u32, u64)>,
    /// Server-side retries of an external call: (event that made it retry, time).
    call_retries: [Option<(u32, u64)>; 2],
}

/// An effect in the ground truth: which execution produced it, and when.
#[derive(Clone, Copy, Debug)]
struct Effect {
    event: u32,
    time: u64,
    exec: u32,
}

#[derive(Clone, Debug, Default)]
struct OpRecord {
    attempts: Vec<AttemptRecord>,
    charges: Vec<Effect>,
    orders: Vec<Effect>,
    emails: Vec<Effect>,
    applied: Vec<Effect>,
    outcome: Option<(Outcome, u32, u64)>,
    wrong_replay_of: Option<u32>,
    overwritten: Option<(u32, u32, u64)>,
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
}

/// "140 ms", "1.25 s".
pub fn format_time(us: u64) -> String {
    if us >= 10_000_000 {
        format!("{:.1} s", us as f64 / 1e6)
    } else if us >= 1_000_000 {
        format!("{:.2} s", us as f64 / 1e6)
    } else {
        format!("{} ms", us / 1000)
    }
}

fn at(us: u64) -> String {
    format!("t={}", format_time(us))
}

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

    pub fn attempt_sent(&mut self, op: u32, attempt: u8, key: Option<u64>, event: u32, time: u64) {
        let a = self.attempt(op, attempt);
        a.sent_event = event;
        a.sent_time = time;
        a.key = key;
    }

    pub fn fault(&mut self, op: u32, attempt: u8, fault: Fault, event: u32, time: u64) {
        let a = self.attempt(op, attempt);
        if a.fault.is_none() {
            a.fault = Some((fault, event, time));
        }
    }

    pub fn duplicated(&mut self, op: u32, attempt: u8, event: u32) {
        let a = self.attempt(op, attempt);
        a.duplicate_event.get_or_insert(event);
    }

    pub fn execution_started(&mut self, op: u32, attempt: u8, replica: u8, time: u64) -> u32 {
        self.execs.push(ExecRecord {
            op,
            attempt,
            replica,
            start: time,
            end: None,
            key_check: None,
            key_saved: None,
            crashed: None,
            call_retries: [None; 2],
        });
        (self.execs.len() - 1) as u32
    }

    pub fn key_checked(&mut self, exec: u32, outcome: KeyCheckOutcome, event: u32, time: u64) {
        self.execs[exec as usize].key_check = Some((outcome, event, time));
    }

    pub fn key_saved(&mut self, exec: u32, time: u64) {
        self.execs[exec as usize].key_saved = Some(time);
    }

    pub fn execution_ended(&mut self, exec: u32, time: u64) {
        self.execs[exec as usize].end = Some(time);
    }

    pub fn crashed(&mut self, replica: u8, point: CrashPoint, lost: &[u32], event: u32, time: u64) {
        self.replica_crashes[replica as usize].push(time);
        for &exec in lost {
            let e = &mut self.execs[exec as usize];
            e.crashed = Some((point, event, time));
            e.end = Some(time);
            let (op, attempt) = (e.op, e.attempt);
            self.fault(op, attempt, Fault::Crash(point, replica), event, time);
        }
    }

    pub fn external_call_retried(&mut self, exec: u32, cause_event: u32, time: u64) {
        let slots = &mut self.execs[exec as usize].call_retries;
        if let Some(slot) = slots.iter_mut().find(|s| s.is_none()) {
            *slot = Some((cause_event, time));
        }
    }

    pub fn charged(&mut self, exec: u32, op: u32, event: u32, time: u64) {
        let e = Effect { event, time, exec };
        self.records[op as usize].charges.push(e);
        if self.records[op as usize].charges.len() == 2 {
            self.duplicate(AnomalyKind::DoubleCharge, op);
        }
    }

    pub fn refunded(&mut self, op: u32, exec: u32) {
        self.records[op as usize].charges.retain(|c| c.exec != exec);
    }

    pub fn order_inserted(&mut self, exec: u32, op: u32, quantity: u32, event: u32, time: u64) {
        self.records[op as usize]
            .orders
            .push(Effect { event, time, exec });
        self.units_sold += quantity as u64;
        if self.records[op as usize].orders.len() == 2 {
            self.duplicate(AnomalyKind::DuplicateOrder, op);
        }
    }

    pub fn emailed(&mut self, exec: u32, op: u32, event: u32, time: u64) {
        self.records[op as usize]
            .emails
            .push(Effect { event, time, exec });
        if self.records[op as usize].emails.len() == 2 {
            self.duplicate(AnomalyKind::DuplicateEmail, op);
        }
    }

    /// A wallet or profile write of `op` took effect.
    pub fn applied(&mut self, exec: u32, op: u32, event: u32, time: u64) {
        self.records[op as usize]
            .applied
            .push(Effect { event, time, exec });
        if self.records[op as usize].applied.len() == 2
            && matches!(
                self.ops[op as usize].kind,
                OpKind::Deposit { .. } | OpKind::Withdraw { .. }
            )
        {
            self.duplicate(AnomalyKind::LostUpdate, op);
        }
    }

    /// A blind write overwrote a change made after this handler's read.
    #[allow(clippy::too_many_arguments)]
    pub fn overwrote_concurrent(
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
    pub fn stock_written(
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
    pub fn stale_overwrite(&mut self, stale_op: u32, newer_op: u32, write_event: u32, time: u64) {
        let r = &mut self.records[newer_op as usize];
        if r.overwritten.is_none() {
            r.overwritten = Some((stale_op, write_event, time));
        }
    }

    pub fn wrong_replay(
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

    pub fn op_ended(&mut self, op: u32, outcome: Outcome, event: u32, time: u64) {
        self.records[op as usize].outcome = Some((outcome, event, time));
    }

    // ---- explanations ---------------------------------------------------------------

    fn duplicate(&mut self, kind: AnomalyKind, op: u32) {
        let r = &self.records[op as usize];
        let effects = match kind {
            AnomalyKind::DoubleCharge => &r.charges,
            AnomalyKind::DuplicateOrder => &r.orders,
            AnomalyKind::DuplicateEmail => &r.emails,
            _ => &r.applied,
        };
        let (first, second) = (effects[0], effects[1]);
        let (narrative, events) = self.explain_duplicate(kind, op, first, second);
        self.anomalies.push(Anomaly {
            kind,
            op,
            time_us: second.time,
            events,
            narrative,
        });
    }

    fn fault_phrase(&self, fault: Fault, attempt: u8) -> String {
        match fault {
            Fault::RequestLost => format!("the request of attempt {attempt} was lost"),
            Fault::RequestPartitioned => {
                format!("attempt {attempt}'s request hit a network partition")
            }
            Fault::ResponseLost => format!("the response to attempt {attempt} was lost"),
            Fault::ResponsePartitioned => {
                format!("the response to attempt {attempt} was cut off by a network partition")
            }
            Fault::ReplicaDown => format!("attempt {attempt} reached a replica that was down"),
            Fault::Crash(point, r) => format!(
                "replica {} crashed {} during attempt {attempt}",
                replica_letter(r),
                point.describe()
            ),
            Fault::Timeout => format!(
                "attempt {attempt} was still running when the client's {} timeout expired",
                format_time(self.timeout_us)
            ),
            Fault::Status(409) => format!("attempt {attempt} was answered 409 (in progress)"),
            Fault::Status(0) => format!("attempt {attempt}'s connection was reset"),
            Fault::Status(502) => {
                format!("attempt {attempt} was answered 502 (its replica crashed mid-request)")
            }
            Fault::Status(503) => format!("attempt {attempt} was answered 503 (no replica was up)"),
            Fault::Status(s) => format!("attempt {attempt} was answered {s}"),
        }
    }

    /// Why the execution `second` was not recognised as a repeat of `first`.
    fn dedup_miss_reason(
        &self,
        first: &ExecRecord,
        second: &ExecRecord,
        first_key: Option<u64>,
        second_key: Option<u64>,
    ) -> String {
        let Some((outcome, _, check_time)) = second.key_check else {
            return "the server does not check idempotency keys".into();
        };
        let a1 = first.attempt;
        match outcome {
            KeyCheckOutcome::NoKey => {
                "the request carried no idempotency key, so nothing told the server it was a repeat"
                    .into()
            }
            KeyCheckOutcome::Expired => format!(
                "the key record had already expired (TTL {})",
                format_time(self.ttl_us)
            ),
            KeyCheckOutcome::LockExpired => {
                let lock = format_time(self.lock_timeout_us);
                if matches!(
                    first.crashed,
                    Some((CrashPoint::AfterWriteBeforeKeySave, _, _))
                ) {
                    format!("attempt {a1}'s in-progress lock had timed out after {lock}, because attempt {a1} crashed before saving its key")
                } else {
                    format!("attempt {a1}'s in-progress lock had timed out after {lock}")
                }
            }
            KeyCheckOutcome::Unlocked => format!(
                "attempt {a1} was still in progress and there was no in-flight lock to answer 409"
            ),
            _ => {
                if second_key != first_key {
                    return "the server had never seen the new key, so it ran the request again"
                        .into();
                }
                let same_replica = first.replica == second.replica;
                if self.store == KeyStoreLocation::Memory && !same_replica {
                    return format!(
                        "the key was kept in replica {}'s memory, which replica {} cannot see",
                        replica_letter(first.replica),
                        replica_letter(second.replica)
                    );
                }
                if self.store == KeyStoreLocation::Memory
                    && self.replica_crashes[first.replica as usize]
                        .iter()
                        .any(|&t| t >= first.start && t <= check_time)
                {
                    return format!(
                        "replica {} had crashed and lost the keys it kept in memory",
                        replica_letter(first.replica)
                    );
                }
                if !self.atomic
                    && matches!(
                        first.crashed,
                        Some((CrashPoint::AfterWriteBeforeKeySave, _, _))
                    )
                {
                    return "the crash came between the business write and the separate key save, so the key was never recorded".into();
                }
                if first.end.is_none_or(|end| end > check_time)
                    && first.key_saved.is_none_or(|t| t > check_time)
                {
                    return format!(
                        "attempt {a1} was still running and had not recorded its key yet (no in-flight lock)"
                    );
                }
                "the server found no record of the earlier attempt".into()
            }
        }
    }

    fn explain_duplicate(
        &self,
        kind: AnomalyKind,
        op: u32,
        first: Effect,
        second: Effect,
    ) -> (String, Vec<u32>) {
        let operation = &self.ops[op as usize];
        let r = &self.records[op as usize];
        let x1 = self.execs[first.exec as usize];
        let x2 = self.execs[second.exec as usize];
        let what = match kind {
            AnomalyKind::DoubleCharge => "was charged twice",
            AnomalyKind::DuplicateOrder => "created two orders",
            AnomalyKind::DuplicateEmail => "sent two confirmation emails",
            _ => "was applied twice",
        };
        let mut events = vec![first.event, second.event];
        let title = operation.title();
        if first.exec == second.exec {
            // One execution called the external service twice.
            let (service, call) = if kind == AnomalyKind::DoubleCharge {
                ("payment provider", "charge")
            } else {
                ("email service", "email")
            };
            let retry = x1.call_retries.iter().flatten().next();
            let cause = match retry {
                Some(&(event, time)) => {
                    events.push(event);
                    format!(
                        "replica {}'s {call} call got no reply in time and it called the {service} again at {}",
                        replica_letter(x1.replica),
                        at(time)
                    )
                }
                None => format!(
                    "replica {} called the {service} twice",
                    replica_letter(x1.replica)
                ),
            };
            let reason = if !self.propagation {
                "the call carried no idempotency key (key propagation is off)"
            } else if kind == AnomalyKind::DoubleCharge && !self.provider_honours_keys {
                "the provider ignores the idempotency key it was given"
            } else {
                "the service did not recognise the repeated call"
            };
            let kept = if self.keys_enabled {
                ", although the server kept its own idempotency keys"
            } else {
                ""
            };
            return (
                format!("{title} {what}: {cause}, and {reason}{kept}."),
                sorted(events),
            );
        }
        let a1 = x1.attempt;
        let rec1 = r.attempts.get(a1 as usize - 1).copied().unwrap_or_default();
        let rec2 = r
            .attempts
            .get(x2.attempt as usize - 1)
            .copied()
            .unwrap_or_default();
        let cause = if x1.attempt == x2.attempt {
            if let Some(e) = rec1.duplicate_event {
                events.push(e);
            }
            format!(
                "the network delivered attempt {a1} twice (the copy reached replica {})",
                replica_letter(x2.replica)
            )
        } else {
            let fault = match rec1.fault {
                Some((fault, event, time)) => {
                    events.push(event);
                    format!("{} at {}", self.fault_phrase(fault, a1), at(time))
                }
                None => format!("attempt {a1} went unanswered"),
            };
            events.push(rec2.sent_event);
            let key = match (rec1.key, rec2.key) {
                (_, None) => "without an idempotency key",
                (k1, k2) if k1 == k2 => "with the same key",
                _ => "with a new key",
            };
            format!(
                "{fault}, the client retried {key} (attempt {} at {})",
                x2.attempt,
                at(rec2.sent_time)
            )
        };
        if let Some((_, event, _)) = x2.key_check {
            events.push(event);
        }
        let reason = self.dedup_miss_reason(&x1, &x2, rec1.key, rec2.key);
        (
            format!("{title} {what}: {cause}, and {reason}."),
            sorted(events),
        )
    }

    /// End-of-run checks: ghost successes and lost writes.
    pub fn finalize(&mut self) -> Vec<Anomaly> {
        for op in 0..self.ops.len() {
            let operation = &self.ops[op];
            let r = &self.records[op];
            let Some((outcome, end_event, end_time)) = r.outcome else {
                continue;
            };
            let (effect, noun) = match operation.kind {
                OpKind::Payment { .. } => (r.charges.first(), "the card was charged"),
                OpKind::Checkout { .. } => (r.orders.first(), "the order was created"),
                OpKind::ProfilePut { .. } | OpKind::ProfileDelete => {
                    (r.applied.first(), "the write was applied")
                }
                _ => (r.applied.first(), "the change was applied"),
            };
            let title = operation.title();
            let client = operation.client + 1;
            match (outcome, effect) {
                (Outcome::Failed | Outcome::Unknown, Some(effect)) => {
                    let attempts = r.attempts.len();
                    let mut events = vec![effect.event, end_event];
                    let last = r.attempts.last().and_then(|a| a.fault);
                    let why = match last {
                        Some((fault, event, time)) => {
                            events.push(event);
                            format!(
                                "{} at {}",
                                self.fault_phrase(fault, attempts as u8),
                                at(time)
                            )
                        }
                        None => "its last attempt went unanswered".into(),
                    };
                    let word = if outcome == Outcome::Failed {
                        "failed"
                    } else {
                        "unknown"
                    };
                    self.anomalies.push(Anomaly {
                        kind: AnomalyKind::GhostSuccess,
                        op: op as u32,
                        time_us: end_time,
                        events: sorted(events),
                        narrative: format!(
                            "{title} ended '{word}' for client {client}, yet {noun} at {}: {why}, and the client gave up after {attempts} attempt{}.",
                            at(effect.time),
                            if attempts == 1 { "" } else { "s" }
                        ),
                    });
                }
                (Outcome::Succeeded, None)
                    if !matches!(
                        operation.kind,
                        OpKind::ProfilePut { .. } | OpKind::ProfileDelete
                    ) || r.wrong_replay_of.is_some() =>
                {
                    let why = match r.wrong_replay_of {
                        Some(other) => format!(
                            "the server replayed the stored response of {} because the key was reused",
                            self.ops[other as usize].label()
                        ),
                        None => "no attempt's effect survived".into(),
                    };
                    self.anomalies.push(Anomaly {
                        kind: AnomalyKind::LostWrite,
                        op: op as u32,
                        time_us: end_time,
                        events: vec![end_event],
                        narrative: format!("{title} was reported successful to client {client}, but nothing happened: {why}."),
                    });
                }
                (Outcome::Succeeded, _) => {
                    if let Some((stale_op, write_event, time)) = r.overwritten {
                        let stale = &self.ops[stale_op as usize];
                        self.anomalies.push(Anomaly {
                            kind: AnomalyKind::LostWrite,
                            op: op as u32,
                            time_us: time,
                            events: sorted(vec![r.applied.first().map_or(end_event, |e| e.event), write_event, end_event]),
                            narrative: format!(
                                "{title} was reported successful to client {client}, but was silently undone at {}: a late copy of {}'s request arrived after it and overwrote the profile{}.",
                                at(time),
                                stale.label(),
                                if self.cas { "" } else { " (no version check)" }
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
        let mut all = std::mem::take(&mut self.anomalies);
        all.sort_by_key(|a| (a.time_us, a.kind, a.op));
        all
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

fn sorted(mut events: Vec<u32>) -> Vec<u32> {
    events.sort_unstable();
    events.dedup();
    events
}

/// Count anomalies by kind, every kind present (zero if none).
pub fn count_by_kind(anomalies: &[Anomaly]) -> BTreeMap<&'static str, u64> {
    let mut counts: BTreeMap<&'static str, u64> =
        AnomalyKind::ALL.iter().map(|k| (k.name(), 0)).collect();
    for a in anomalies {
        *counts.entry(a.kind.name()).or_default() += 1;
    }
    counts
}
