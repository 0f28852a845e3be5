//! The sentences that explain a duplicate effect: what fault made the client retry, and
//! why the server did not recognise the repeat.

use super::anomaly::{at, format_time, sorted};
use super::records::{ExecRecord, OpRecord, SideEffect};
use super::{Anomaly, AnomalyKind, Fault, Oracle};
use crate::sim::config::{CrashPoint, KeyStoreLocation};
use crate::sim::trace::{replica_letter, KeyCheckOutcome};

impl Oracle {
    /// `op`'s effect of `kind` happening `count` times; `effects` are the ones the oracle
    /// saw, earliest first (the sentence explains the first repeat).
    pub(super) fn duplicate(
        &self,
        kind: AnomalyKind,
        (op, r): (u32, &OpRecord),
        effects: &[SideEffect],
        count: usize,
    ) -> Option<Anomaly> {
        let [first, second, ..] = effects[..] else {
            return None;
        };
        if !self.log.keeps(second.time, kind, op) {
            return Some(Anomaly::counted(kind, op, second.time));
        }
        let (narrative, events) = self.explain_duplicate(kind, (op, r), first, second, count);
        Some(Anomaly {
            kind,
            op,
            time_us: second.time,
            events,
            narrative,
        })
    }

    /// An execution of a live operation (their records go when it settles).
    pub(super) fn exec_record(&self, exec: u32) -> ExecRecord {
        *self
            .execs
            .get(exec)
            .expect("an execution's record lives as long as its operation")
    }

    /// Why `op`'s standing `charge` has no order or payment row.
    pub(super) fn explain_charged_without_order(
        &self,
        (op, r): (u32, &OpRecord),
        charge: SideEffect,
    ) -> (String, Vec<u32>) {
        let operation = self.ops.get(op);
        let x = self.exec_record(charge.exec);
        let mut events = vec![charge.event];
        let why = match (x.crashed, x.status) {
            (Some((point, event, time)), _) => {
                events.push(event);
                format!(
                    "replica {} crashed {} during attempt {} at {}",
                    replica_letter(x.replica),
                    point.describe(),
                    x.attempt,
                    at(time)
                )
            }
            (None, Some(status)) => format!(
                "attempt {} answered {status} ({}) without refunding the charge",
                x.attempt,
                status_meaning(status)
            ),
            (None, None) => format!("attempt {} never finished", x.attempt),
        };
        let outcome = match r.outcome {
            Some((outcome, event, _)) => {
                events.push(event);
                match outcome {
                    crate::sim::trace::Outcome::Succeeded => {
                        "the client was told it succeeded".to_string()
                    }
                    crate::sim::trace::Outcome::Failed => "the client gave up ('failed')".into(),
                    crate::sim::trace::Outcome::Unknown => {
                        "the client gave up not knowing the outcome".into()
                    }
                }
            }
            None => "the client had not finished".into(),
        };
        (
            format!(
                "{} was charged at {} but no order exists: {why}, no attempt recorded the order, and {outcome}.",
                operation.title(),
                at(charge.time)
            ),
            sorted(events),
        )
    }

    pub(super) fn fault_phrase(&self, fault: Fault, attempt: u8) -> String {
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
            Fault::Status { status: 409, .. } => {
                format!("attempt {attempt} was answered 409 (in progress)")
            }
            Fault::Status { status: 0, .. } => format!("attempt {attempt}'s connection was reset"),
            Fault::Status {
                status: 502,
                by_balancer: false,
            } => format!(
                "attempt {attempt} was answered 502 (the server got no answer from the payment provider)"
            ),
            Fault::Status { status: 502, .. } => {
                format!("attempt {attempt} was answered 502 (its replica crashed mid-request)")
            }
            Fault::Status { status: 503, .. } => {
                format!("attempt {attempt} was answered 503 (no replica was up)")
            }
            Fault::Status { status, .. } => format!("attempt {attempt} was answered {status}"),
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
                    && first.replica_crash.is_some_and(|t| t <= check_time)
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
        (op, r): (u32, &OpRecord),
        first: SideEffect,
        second: SideEffect,
        count: usize,
    ) -> (String, Vec<u32>) {
        let operation = self.ops.get(op);
        let x1 = self.exec_record(first.exec);
        let x2 = self.exec_record(second.exec);
        let times = times(count);
        let what = match kind {
            AnomalyKind::DoubleCharge => format!("was charged {times}"),
            AnomalyKind::DuplicateOrder => format!("created {count} orders"),
            AnomalyKind::DuplicateEmail => format!("sent {count} confirmation emails"),
            _ => format!("was applied {times}"),
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
}

/// "twice", "three times", "12 times".
fn times(count: usize) -> String {
    match count {
        2 => "twice".into(),
        3 => "three times".into(),
        4 => "four times".into(),
        n => format!("{n} times"),
    }
}

/// What a status a handler answered with means, in a few words.
fn status_meaning(status: u16) -> &'static str {
    match status {
        409 => "conflict",
        410 => "sold out",
        412 => "precondition failed",
        422 => "payload mismatch",
        502 => "the provider call failed",
        500..=599 => "server error",
        200..=299 => "success",
        _ => "an error",
    }
}
