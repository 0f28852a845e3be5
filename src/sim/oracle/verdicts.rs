//! End-of-run verdicts over what the oracle remembers.

use super::anomaly::{at, sorted};
use super::{Anomaly, AnomalyKind, Oracle};
use crate::sim::trace::Outcome;
use crate::sim::workload::OpKind;

impl Oracle {
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
