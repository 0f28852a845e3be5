//! End-of-run verdicts, from the ground truth: the provider's charges and refunds, the
//! order and payment rows and the email log. What the oracle
//! remembers of the run is used to explain a verdict, never to decide it. Every kind counts
//! logical operations: one anomaly per kind and operation.

use std::collections::BTreeSet;

use super::anomaly::{at, sorted};
use super::{Anomaly, AnomalyKind, Oracle, SideEffect};
use crate::sim::actors::email::Email;
use crate::sim::actors::provider::Charge;
use crate::sim::stores::db::OrderRow;
use crate::sim::trace::{replica_letter, Outcome};
use crate::sim::workload::OpKind;

/// The ground truth at the end of a run.
pub struct Truth<'a> {
    pub charges: &'a [Charge],
    pub orders: &'a [OrderRow],
    pub emails: &'a [Email],
}

/// What the oracle concludes: the anomalies, and any broken conservation rule (always
/// empty unless the oracle itself is wrong: each rule names the anomaly that accounts
/// for a difference).
pub struct Verdicts {
    pub anomalies: Vec<Anomaly>,
    pub conservation: Vec<String>,
    /// Operations the client left unknown whose effect did happen: not an anomaly (the
    /// client said it did not know), but the run's explanation names them.
    pub unknown_took_effect: Vec<u32>,
}

/// Ground truth for one logical operation.
#[derive(Clone, Debug, Default)]
struct OpTruth {
    /// Charges not refunded, by id.
    standing: Vec<u32>,
    rows: u32,
    emails: u32,
}

impl Oracle {
    pub fn finalize(&mut self, truth: &Truth) -> Verdicts {
        let mut per_op = vec![OpTruth::default(); self.ops.len()];
        for c in truth.charges.iter().filter(|c| !c.refunded) {
            per_op[c.op as usize].standing.push(c.id);
        }
        for o in truth.orders {
            per_op[o.op as usize].rows += 1;
        }
        for e in truth.emails {
            per_op[e.op as usize].emails += 1;
        }
        let mut unknown_took_effect = Vec::new();
        for (op, t) in per_op.iter().enumerate() {
            self.effect_verdicts(op as u32, t);
            if self.client_verdicts(op as u32, t) {
                unknown_took_effect.push(op as u32);
            }
        }
        let mut all = std::mem::take(&mut self.anomalies);
        all.sort_by_key(|a| (a.time_us, a.kind, a.op));
        let mut seen = BTreeSet::new();
        all.retain(|a| seen.insert((a.kind, a.op)));
        let conservation = self.conservation(&per_op, &all);
        Verdicts {
            anomalies: all,
            conservation,
            unknown_took_effect,
        }
    }

    /// Effects that happened more often than once, or without their order.
    fn effect_verdicts(&mut self, op: u32, t: &OpTruth) {
        let r = &self.records[op as usize];
        if t.standing.len() >= 2 {
            let standing: Vec<SideEffect> = r
                .charges
                .iter()
                .filter(|c| t.standing.contains(&c.id))
                .copied()
                .collect();
            self.duplicate(AnomalyKind::DoubleCharge, op, &standing, t.standing.len());
        }
        let r = &self.records[op as usize];
        let kind = self.ops[op as usize].kind;
        // A duplicate order is a checkout's; a payment's rows only back its charges.
        if t.rows >= 2 && matches!(kind, OpKind::Checkout { .. }) {
            let rows = r.orders.clone();
            self.duplicate(AnomalyKind::DuplicateOrder, op, &rows, t.rows as usize);
        }
        let r = &self.records[op as usize];
        if t.emails >= 2 {
            let emails = r.emails.clone();
            self.duplicate(AnomalyKind::DuplicateEmail, op, &emails, t.emails as usize);
        }
        let r = &self.records[op as usize];
        if matches!(kind, OpKind::Deposit { .. } | OpKind::Withdraw { .. }) && r.applied.len() >= 2
        {
            let applied = r.applied.clone();
            self.duplicate(AnomalyKind::DoubleApply, op, &applied, applied.len());
        }
        let charges_for_order = matches!(kind, OpKind::Payment { .. } | OpKind::Checkout { .. });
        if charges_for_order && !t.standing.is_empty() && t.rows == 0 {
            let r = &self.records[op as usize];
            if let Some(&charge) = r.charges.iter().find(|c| t.standing.contains(&c.id)) {
                let (narrative, events) = self.explain_charged_without_order(op, charge);
                self.anomalies.push(Anomaly {
                    kind: AnomalyKind::ChargedWithoutOrder,
                    op,
                    time_us: charge.time,
                    events,
                    narrative,
                });
            }
        }
    }

    /// What the client was told against what happened. Returns whether the client left
    /// the operation unknown although its effect happened.
    fn client_verdicts(&mut self, op: u32, t: &OpTruth) -> bool {
        let operation = &self.ops[op as usize];
        let r = &self.records[op as usize];
        let Some((outcome, end_event, end_time)) = r.outcome else {
            return false;
        };
        let profile = matches!(
            operation.kind,
            OpKind::ProfilePut { .. } | OpKind::ProfileDelete
        );
        let (effect, noun) = match operation.kind {
            OpKind::Payment { .. } | OpKind::Checkout { .. } => {
                let row = r.orders.first();
                let charge = r.charges.iter().find(|c| t.standing.contains(&c.id));
                match (t.rows > 0, row, charge) {
                    (true, Some(row), _) => (Some(*row), "the order was recorded"),
                    (_, _, Some(charge)) => (Some(*charge), "the card was charged"),
                    _ => (None, ""),
                }
            }
            _ if profile => (r.applied.first().copied(), "the write was applied"),
            _ => (r.applied.first().copied(), "the change was applied"),
        };
        let title = operation.title();
        let client = operation.client + 1;
        match (outcome, effect) {
            // A definitive failure although the effect happened. An "unknown" is honest.
            (Outcome::Failed, Some(effect)) => {
                let attempts = r.attempts.len();
                let mut events = vec![effect.event, end_event];
                let why = match r.attempts.last().and_then(|a| a.fault) {
                    Some((fault, event, time)) => {
                        events.push(event);
                        format!(
                            "{} at {}",
                            self.fault_phrase(fault, attempts as u8),
                            at(time)
                        )
                    }
                    None => "its last attempt was answered with a failure".into(),
                };
                self.anomalies.push(Anomaly {
                    kind: AnomalyKind::GhostSuccess,
                    op,
                    time_us: end_time,
                    events: sorted(events),
                    narrative: format!(
                        "{title} ended 'failed' for client {client}, yet {noun} at {}: {why}, and the client gave up after {attempts} attempt{}.",
                        at(effect.time),
                        if attempts == 1 { "" } else { "s" }
                    ),
                });
            }
            (Outcome::Succeeded, None) if !profile || r.wrong_replay_of.is_some() => {
                let why = match r.wrong_replay_of {
                    Some(other) => format!(
                        "the server replayed the stored response of {} because the key was reused",
                        self.ops[other as usize].label()
                    ),
                    None => "no attempt's effect survived".into(),
                };
                self.anomalies.push(Anomaly {
                    kind: AnomalyKind::LostWrite,
                    op,
                    time_us: end_time,
                    events: vec![end_event],
                    narrative: format!(
                        "{title} was reported successful to client {client}, but nothing happened: {why}."
                    ),
                });
            }
            (Outcome::Succeeded, Some(_)) if profile => self.stale_profile(op),
            (Outcome::Unknown, Some(_)) => return true,
            _ => {}
        }
        false
    }

    /// A profile write the client was told succeeded, undone by an older operation's
    /// write that arrived after it (and never restored by this operation).
    fn stale_profile(&mut self, op: u32) {
        let operation = &self.ops[op as usize];
        let r = &self.records[op as usize];
        let Some(stale_write) = r.undone_by else {
            return;
        };
        let client = operation.client;
        let stale = &self.ops[stale_write.id as usize];
        let x = self.execs[stale_write.exec as usize];
        let how = if x.copy > 0 {
            format!(
                "a copy of attempt {} of {}'s request, made by the network, reached replica {} at {}",
                x.attempt,
                stale.label(),
                replica_letter(x.replica),
                at(x.start)
            )
        } else {
            format!(
                "attempt {} of {}, which client {} had stopped waiting for, reached replica {} at {}",
                x.attempt,
                stale.label(),
                client + 1,
                replica_letter(x.replica),
                at(x.start)
            )
        };
        let end_event = r.outcome.map_or(stale_write.event, |(_, e, _)| e);
        let first = r.applied.first().map_or(end_event, |e| e.event);
        let mut events = vec![first, x.start_event, stale_write.event, end_event];
        let copied = self.records[stale_write.id as usize]
            .attempts
            .get(x.attempt.max(1) as usize - 1)
            .and_then(|a| a.duplicate_event);
        if let (true, Some(copy)) = (x.copy > 0, copied) {
            events.push(copy);
        }
        self.anomalies.push(Anomaly {
            kind: AnomalyKind::LostWrite,
            op,
            time_us: stale_write.time,
            events: sorted(events),
            narrative: format!(
                "{} was reported successful to client {}, but was silently undone at {}: {how} and overwrote the profile{}.",
                operation.title(),
                client + 1,
                at(stale_write.time),
                if self.cas { "" } else { " (no version check)" }
            ),
        });
    }

    /// Conservation per operation: every difference between charges, rows and emails is
    /// accounted for by a reported anomaly.
    fn conservation(&self, per_op: &[OpTruth], anomalies: &[Anomaly]) -> Vec<String> {
        let reported: BTreeSet<(AnomalyKind, u32)> =
            anomalies.iter().map(|a| (a.kind, a.op)).collect();
        let has = |kind, op| reported.contains(&(kind, op));
        let mut broken = Vec::new();
        for (op, t) in per_op.iter().enumerate() {
            let op = op as u32;
            let label = self.ops[op as usize].label();
            let net = t.standing.len() as u32;
            if net > 1 && !has(AnomalyKind::DoubleCharge, op) {
                broken.push(format!(
                    "{label}: {net} charges stand, no double charge reported"
                ));
            }
            if t.emails > 1 && !has(AnomalyKind::DuplicateEmail, op) {
                broken.push(format!("{label}: {} emails, none reported", t.emails));
            }
            if !matches!(
                self.ops[op as usize].kind,
                OpKind::Payment { .. } | OpKind::Checkout { .. }
            ) {
                continue;
            }
            let explained = match net.cmp(&t.rows) {
                std::cmp::Ordering::Equal => true,
                std::cmp::Ordering::Greater => {
                    has(AnomalyKind::DoubleCharge, op)
                        || (t.rows == 0 && has(AnomalyKind::ChargedWithoutOrder, op))
                }
                std::cmp::Ordering::Less => {
                    has(AnomalyKind::DuplicateOrder, op)
                        || matches!(self.ops[op as usize].kind, OpKind::Payment { .. }) && net > 0
                }
            };
            if !explained {
                broken.push(format!(
                    "{label}: {net} standing charges for {} rows, not accounted for",
                    t.rows
                ));
            }
        }
        broken
    }
}
