//! The checks of a settled operation against its ground truth: its charges and refunds
//! at the provider, its order and payment rows and its emails. What the oracle
//! remembers of the run is used to explain a verdict, never to decide it. Every kind counts
//! logical operations: one anomaly per kind and operation.
//!
//! An operation is checked once, when the world says nothing can touch it any more (see
//! `settle.rs`), or at the end of the run; its ground truth is final by then.

use super::anomaly::{at, sorted, AnomalyCounts};
use super::records::{OpRecord, SideEffect};
use super::{Anomaly, AnomalyKind, Oracle};
use crate::sim::trace::{replica_letter, Outcome};
use crate::sim::workload::OpKind;

/// Ground truth for one operation, from the stores.
#[derive(Clone, Debug, Default)]
pub struct OpTruth {
    /// Charges not refunded, by id.
    pub standing: Vec<u32>,
    pub rows: u32,
    pub emails: u32,
}

/// What the oracle concludes over the run: the anomalies (all, or the first 200 with the
/// trace off) and their counts, and any broken conservation rule (always empty unless
/// the oracle itself is wrong: each rule names the anomaly that accounts for a
/// difference).
pub struct Verdicts {
    pub anomalies: Vec<Anomaly>,
    pub counts: AnomalyCounts,
    pub conservation: Vec<String>,
    /// Operations the client left unknown whose effect did happen: not an anomaly (the
    /// client said it did not know), but the run's explanation names them. All, or the
    /// first 200 with the trace off; `unknown_took_effect_count` counts them all.
    pub unknown_took_effect: Vec<u32>,
    pub unknown_took_effect_count: u64,
    /// Facts that arrived after their operation had settled: zero unless settling is wrong.
    pub late_facts: u64,
    /// The most operations and executions the oracle held at once.
    pub peak_live_operations: usize,
    pub peak_live_executions: usize,
}

impl Oracle {
    /// `op` has settled (or the run is over): check it against its ground truth, log the
    /// verdicts and forget it.
    pub fn settle(&mut self, op: u32, t: &OpTruth) {
        let Some(mut r) = self.records.remove(op) else {
            return;
        };
        let mut found = std::mem::take(&mut r.found);
        self.effect_verdicts(op, &r, t, &mut found);
        let unknown_took_effect = self.client_verdicts(op, &r, t, &mut found);
        // One per kind: the earliest (the first found, on a tie), as the report lists them.
        found.sort_by_key(|a| (a.time_us, a.kind));
        let mut seen = AnomalyCounts::default();
        found.retain(|a| {
            let first = seen.get(a.kind) == 0;
            seen.add(a.kind);
            first
        });
        self.conservation(op, t, &found);
        if unknown_took_effect {
            self.log.unknown_took_effect(op);
        }
        for anomaly in found {
            self.log.anomaly(anomaly);
        }
        for &exec in &r.execs {
            self.execs.remove(exec);
        }
    }

    /// The verdicts of the run, once every operation has settled.
    pub fn finish(self) -> Verdicts {
        let logged = self.log.finish();
        Verdicts {
            anomalies: logged.anomalies,
            counts: logged.counts,
            conservation: logged.conservation,
            unknown_took_effect: logged.unknown_took_effect,
            unknown_took_effect_count: logged.unknown_took_effect_count,
            late_facts: self.late_facts,
            peak_live_operations: self.records.peak(),
            peak_live_executions: self.execs.peak(),
        }
    }

    /// Effects that happened more often than once, or without their order.
    fn effect_verdicts(&self, op: u32, r: &OpRecord, t: &OpTruth, found: &mut Vec<Anomaly>) {
        let kind = self.ops.get(op).kind;
        let mut duplicate = |kind, effects: &[SideEffect], count| {
            found.extend(self.duplicate(kind, (op, r), effects, count));
        };
        if t.standing.len() >= 2 {
            let standing: Vec<SideEffect> = r
                .charges
                .iter()
                .filter(|c| t.standing.contains(&c.id))
                .copied()
                .collect();
            duplicate(AnomalyKind::DoubleCharge, &standing, t.standing.len());
        }
        // A duplicate order is a checkout's; a payment's rows only back its charges.
        if t.rows >= 2 && matches!(kind, OpKind::Checkout { .. }) {
            duplicate(AnomalyKind::DuplicateOrder, &r.orders, t.rows as usize);
        }
        if t.emails >= 2 {
            duplicate(AnomalyKind::DuplicateEmail, &r.emails, t.emails as usize);
        }
        if matches!(kind, OpKind::Deposit { .. } | OpKind::Withdraw { .. }) && r.applied.len() >= 2
        {
            duplicate(AnomalyKind::DoubleApply, &r.applied, r.applied.len());
        }
        let charges_for_order = matches!(kind, OpKind::Payment { .. } | OpKind::Checkout { .. });
        if charges_for_order && t.rows > 0 && t.standing.is_empty() {
            found.push(self.unpaid_order(op, r));
        }
        if charges_for_order && !t.standing.is_empty() && t.rows == 0 {
            if let Some(&charge) = r.charges.iter().find(|c| t.standing.contains(&c.id)) {
                let kind = AnomalyKind::ChargedWithoutOrder;
                found.push(if self.log.keeps(charge.time, kind, op) {
                    let (narrative, events) = self.explain_charged_without_order((op, r), charge);
                    Anomaly {
                        kind,
                        op,
                        time_us: charge.time,
                        events,
                        narrative,
                    }
                } else {
                    Anomaly::counted(kind, op, charge.time)
                });
            }
        }
    }

    /// `op`'s order or payment stands with no charge standing for it. When the provider
    /// answered with another operation's charge (a reused key) it is a wrong replay;
    /// otherwise an unpaid order (its charge was refunded, and a retry under the same key
    /// was answered with that refunded charge, or the refund came after the order).
    fn unpaid_order(&self, op: u32, r: &OpRecord) -> Anomaly {
        let operation = self.ops.get(op);
        let row = r.orders.first();
        let (time, mut events) = match (r.charge_replayed_from, row) {
            (Some((_, event, time)), _) => (time, vec![event]),
            (None, Some(row)) => (row.time, vec![]),
            (None, None) => (0, vec![]),
        };
        events.extend(row.map(|row| row.event));
        let kind = match r.charge_replayed_from {
            Some((other, ..)) if other != op => AnomalyKind::WrongReplay,
            _ => AnomalyKind::UnpaidOrder,
        };
        if !self.log.keeps(time, kind, op) {
            return Anomaly::counted(kind, op, time);
        }
        let narrative = match r.charge_replayed_from {
            Some((other, _, time)) if other != op => format!(
                "{} was recorded but never paid: at {} the payment provider answered its charge with {}'s charge, because the client reused {}'s idempotency key and the server passed it on to the provider.",
                operation.title(),
                at(time),
                self.ops.get(other).label(),
                self.ops.get(other).label()
            ),
            Some((_, _, time)) => format!(
                "{} was recorded but never paid: its charge had been refunded, and at {} the payment provider answered a retry's charge, made under the same idempotency key, with that refunded charge.",
                operation.title(),
                at(time)
            ),
            None => format!(
                "{} was recorded but never paid: its charge was refunded while the order stood.",
                operation.title()
            ),
        };
        Anomaly {
            kind,
            op,
            time_us: time,
            events: sorted(events),
            narrative,
        }
    }

    /// What the client was told against what happened. Returns whether the client left
    /// the operation unknown although its effect happened.
    fn client_verdicts(
        &self,
        op: u32,
        r: &OpRecord,
        t: &OpTruth,
        found: &mut Vec<Anomaly>,
    ) -> bool {
        let operation = self.ops.get(op);
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
        let client = operation.client + 1;
        match (outcome, effect) {
            // A definitive failure although the effect happened. An "unknown" is honest.
            (Outcome::Failed, Some(_))
                if !self.log.keeps(end_time, AnomalyKind::GhostSuccess, op) =>
            {
                found.push(Anomaly::counted(AnomalyKind::GhostSuccess, op, end_time));
            }
            (Outcome::Failed, Some(effect)) => {
                let title = operation.title();
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
                found.push(Anomaly {
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
                if !self.log.keeps(end_time, AnomalyKind::LostWrite, op) {
                    found.push(Anomaly::counted(AnomalyKind::LostWrite, op, end_time));
                    return false;
                }
                let title = operation.title();
                let why = match r.wrong_replay_of {
                    Some(other) => format!(
                        "the server replayed the stored response of {} because the key was reused",
                        self.ops.get(other).label()
                    ),
                    None => "no attempt's effect survived".into(),
                };
                found.push(Anomaly {
                    kind: AnomalyKind::LostWrite,
                    op,
                    time_us: end_time,
                    events: vec![end_event],
                    narrative: format!(
                        "{title} was reported successful to client {client}, but nothing happened: {why}."
                    ),
                });
            }
            (Outcome::Succeeded, Some(_)) if profile => found.extend(self.stale_profile(op, r)),
            (Outcome::Unknown, Some(_)) => return true,
            _ => {}
        }
        false
    }

    /// A profile write the client was told succeeded, undone by an older operation's
    /// write that arrived after it (and never restored by this operation).
    fn stale_profile(&self, op: u32, r: &OpRecord) -> Option<Anomaly> {
        let operation = self.ops.get(op);
        let undone = r.undone_by?;
        let stale_write = undone.write;
        if !self.log.keeps(stale_write.time, AnomalyKind::LostWrite, op) {
            return Some(Anomaly::counted(
                AnomalyKind::LostWrite,
                op,
                stale_write.time,
            ));
        }
        let client = operation.client;
        let stale = self.ops.get(stale_write.id);
        let how = if undone.copy > 0 {
            format!(
                "a copy of attempt {} of {}'s request, made by the network, reached replica {} at {}",
                undone.attempt,
                stale.label(),
                replica_letter(undone.replica),
                at(undone.start)
            )
        } else {
            format!(
                "attempt {} of {}, which client {} had stopped waiting for, reached replica {} at {}",
                undone.attempt,
                stale.label(),
                client + 1,
                replica_letter(undone.replica),
                at(undone.start)
            )
        };
        let end_event = r.outcome.map_or(stale_write.event, |(_, e, _)| e);
        let first = r.applied.first().map_or(end_event, |e| e.event);
        let mut events = vec![first, undone.start_event, stale_write.event, end_event];
        if let (true, Some(copy)) = (undone.copy > 0, undone.copy_event) {
            events.push(copy);
        }
        Some(Anomaly {
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
        })
    }

    /// Conservation for `op`: every difference between its charges, rows and emails is
    /// accounted for by one of its `anomalies`.
    fn conservation(&mut self, op: u32, t: &OpTruth, anomalies: &[Anomaly]) {
        let has = |kind| anomalies.iter().any(|a| a.kind == kind);
        let operation = self.ops.get(op);
        let label = || operation.label();
        let net = t.standing.len() as u32;
        let mut broken = Vec::new();
        if net > 1 && !has(AnomalyKind::DoubleCharge) {
            broken.push(format!(
                "{}: {net} charges stand, no double charge reported",
                label()
            ));
        }
        if t.emails > 1 && !has(AnomalyKind::DuplicateEmail) {
            broken.push(format!("{}: {} emails, none reported", label(), t.emails));
        }
        if matches!(
            operation.kind,
            OpKind::Payment { .. } | OpKind::Checkout { .. }
        ) {
            let explained = match net.cmp(&t.rows) {
                std::cmp::Ordering::Equal => true,
                std::cmp::Ordering::Greater => {
                    has(AnomalyKind::DoubleCharge)
                        || (t.rows == 0 && has(AnomalyKind::ChargedWithoutOrder))
                }
                std::cmp::Ordering::Less => {
                    has(AnomalyKind::DuplicateOrder)
                        || has(AnomalyKind::WrongReplay)
                        || has(AnomalyKind::UnpaidOrder)
                        || matches!(operation.kind, OpKind::Payment { .. }) && net > 0
                }
            };
            if !explained {
                broken.push(format!(
                    "{}: {net} standing charges for {} rows, not accounted for",
                    label(),
                    t.rows
                ));
            }
        }
        for b in broken {
            self.log.conservation(op, b);
        }
    }
}
