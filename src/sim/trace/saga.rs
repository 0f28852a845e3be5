//! What the saga world's events say (the `saga` workload): the orchestrator's log, the
//! services' effects, deduplications and voided keys. One [`Detail::Saga`] variant holds
//! them, so the other worlds' matches stay as they were.
//!
//! [`Detail::Saga`]: super::Detail::Saga

use serde::{Deserialize, Serialize};

use crate::sim::config::{SagaCrashPoint, SagaStep};

/// What the orchestrator asks a service to do: a step or a compensation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum SagaAction {
    Reserve = 0,
    Charge = 1,
    Ship = 2,
    Release = 3,
    Refund = 4,
}

impl SagaAction {
    pub const ALL: [SagaAction; 5] = [
        SagaAction::Reserve,
        SagaAction::Charge,
        SagaAction::Ship,
        SagaAction::Release,
        SagaAction::Refund,
    ];

    pub fn step(step: SagaStep) -> SagaAction {
        match step {
            SagaStep::Reserve => SagaAction::Reserve,
            SagaStep::Charge => SagaAction::Charge,
            SagaStep::Ship => SagaAction::Ship,
        }
    }

    /// The compensation of a step (ship has none: a parcel is not called back).
    pub fn compensation(self) -> Option<SagaAction> {
        match self {
            SagaAction::Reserve => Some(SagaAction::Release),
            SagaAction::Charge => Some(SagaAction::Refund),
            _ => None,
        }
    }

    /// The step a compensation undoes.
    pub fn undoes(self) -> Option<SagaAction> {
        match self {
            SagaAction::Release => Some(SagaAction::Reserve),
            SagaAction::Refund => Some(SagaAction::Charge),
            _ => None,
        }
    }

    pub fn is_compensation(self) -> bool {
        self.undoes().is_some()
    }

    pub fn name(self) -> &'static str {
        match self {
            SagaAction::Reserve => "reserve",
            SagaAction::Charge => "charge",
            SagaAction::Ship => "ship",
            SagaAction::Release => "release",
            SagaAction::Refund => "refund",
        }
    }

    fn from_code(code: u8) -> Result<SagaAction, String> {
        SagaAction::ALL
            .get(code as usize)
            .copied()
            .ok_or_else(|| format!("no saga action has code {code}"))
    }
}

/// What a record of the orchestrator's durable saga log says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum SagaRecord {
    /// The saga of an order started.
    Started = 1,
    /// Attempt `attempt` of the action is about to be sent (written ahead).
    Sent = 2,
    /// The action's reply said done.
    Done = 3,
    /// The action was refused (a business failure).
    Failed = 4,
    /// No reply after the last attempt: whether it happened is unknown.
    GaveUp = 5,
    /// The saga finished every step.
    Completed = 6,
    /// The saga failed and starts compensating.
    Compensating = 7,
    /// Every compensation is done.
    Compensated = 8,
    /// The orchestrator gave up: the saga is stuck and needs a person.
    Stuck = 9,
}

impl SagaRecord {
    const ALL: [SagaRecord; 9] = [
        SagaRecord::Started,
        SagaRecord::Sent,
        SagaRecord::Done,
        SagaRecord::Failed,
        SagaRecord::GaveUp,
        SagaRecord::Completed,
        SagaRecord::Compensating,
        SagaRecord::Compensated,
        SagaRecord::Stuck,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SagaRecord::Started => "started",
            SagaRecord::Sent => "sent",
            SagaRecord::Done => "done",
            SagaRecord::Failed => "failed",
            SagaRecord::GaveUp => "gave_up",
            SagaRecord::Completed => "completed",
            SagaRecord::Compensating => "compensating",
            SagaRecord::Compensated => "compensated",
            SagaRecord::Stuck => "stuck",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SagaDetail {
    /// The orchestrator appended `record` about `action` (attempt `attempt`) to its log.
    Log {
        action: SagaAction,
        record: SagaRecord,
        attempt: u8,
    },
    /// The order's state row changed after `action` (its own transaction when the log is
    /// not atomic with it).
    OrderState { action: SagaAction },
    /// No reply to attempt `attempt` of `action` in time.
    Timeout { action: SagaAction, attempt: u8 },
    /// A service holds a request before carrying it out (slow).
    Held { action: SagaAction, attempt: u8 },
    /// A service carried the action out: reservation, charge or shipment `id` made, or
    /// reservation or charge `id` released or refunded.
    Executed { action: SagaAction, id: u32 },
    /// The action's key was seen before: the stored result (about `id`) is returned.
    Deduplicated { action: SagaAction, id: u32 },
    /// A business refusal: out of stock, card declined, shipping refused.
    Refused { action: SagaAction },
    /// A compensation found nothing to undo.
    NothingToUndo { action: SagaAction },
    /// A compensation arrived before its step: the step's key is voided.
    Voided { action: SagaAction },
    /// A step arrived under a voided key and was not carried out.
    VoidedRefused { action: SagaAction },
    /// The orchestrator crashed at `point`.
    Crash { point: SagaCrashPoint },
    /// The orchestrator recovered from its log, with `sagas` sagas in flight.
    Recovered { sagas: u32 },
    /// The provider credited `amount` back for a refund that named no charge (kept to
    /// 32 bits so that an event stays at 40 bytes; an order's amount is far below).
    Credited { amount: u32 },
}

impl SagaDetail {
    /// The detail's name in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            SagaDetail::Log { .. } => "saga_log",
            SagaDetail::OrderState { .. } => "order_state",
            SagaDetail::Timeout { .. } => "step_timeout",
            SagaDetail::Held { .. } => "held",
            SagaDetail::Executed { .. } => "executed",
            SagaDetail::Deduplicated { .. } => "deduplicated",
            SagaDetail::Refused { .. } => "refused",
            SagaDetail::NothingToUndo { .. } => "nothing_to_undo",
            SagaDetail::Voided { .. } => "voided",
            SagaDetail::VoidedRefused { .. } => "voided_refused",
            SagaDetail::Crash { .. } => "orchestrator_crash",
            SagaDetail::Recovered { .. } => "recovered",
            SagaDetail::Credited { .. } => "credited",
        }
    }

    fn code(&self) -> u8 {
        match self {
            SagaDetail::Log { .. } => 1,
            SagaDetail::OrderState { .. } => 2,
            SagaDetail::Timeout { .. } => 3,
            SagaDetail::Held { .. } => 4,
            SagaDetail::Executed { .. } => 5,
            SagaDetail::Deduplicated { .. } => 6,
            SagaDetail::Refused { .. } => 7,
            SagaDetail::NothingToUndo { .. } => 8,
            SagaDetail::Voided { .. } => 9,
            SagaDetail::VoidedRefused { .. } => 10,
            SagaDetail::Crash { .. } => 11,
            SagaDetail::Recovered { .. } => 12,
            SagaDetail::Credited { .. } => 13,
        }
    }

    /// The action the event is about, if any.
    pub fn action(&self) -> Option<SagaAction> {
        match *self {
            SagaDetail::Log { action, .. }
            | SagaDetail::OrderState { action }
            | SagaDetail::Timeout { action, .. }
            | SagaDetail::Held { action, .. }
            | SagaDetail::Executed { action, .. }
            | SagaDetail::Deduplicated { action, .. }
            | SagaDetail::Refused { action }
            | SagaDetail::NothingToUndo { action }
            | SagaDetail::Voided { action }
            | SagaDetail::VoidedRefused { action } => Some(action),
            SagaDetail::Credited { .. } => Some(SagaAction::Refund),
            SagaDetail::Crash { .. } | SagaDetail::Recovered { .. } => None,
        }
    }

    /// `(id, small, wide)`: the id field, the code in the low byte with the small fields
    /// above it, and nothing wide.
    pub fn split(&self) -> (u32, u32, i64) {
        let code = self.code() as u32;
        let (id, a, b, c) = match *self {
            SagaDetail::Log {
                action,
                record,
                attempt,
            } => (0, action as u32, record as u32, attempt as u32),
            SagaDetail::Timeout { action, attempt } | SagaDetail::Held { action, attempt } => {
                (0, action as u32, attempt as u32, 0)
            }
            SagaDetail::Executed { action, id } | SagaDetail::Deduplicated { action, id } => {
                (id, action as u32, 0, 0)
            }
            SagaDetail::OrderState { action }
            | SagaDetail::Refused { action }
            | SagaDetail::NothingToUndo { action }
            | SagaDetail::Voided { action }
            | SagaDetail::VoidedRefused { action } => (0, action as u32, 0, 0),
            SagaDetail::Crash { point } => (0, crash_index(point), 0, 0),
            SagaDetail::Recovered { sagas } => (sagas, 0, 0, 0),
            SagaDetail::Credited { amount } => (amount, 0, 0, 0),
        };
        (id, code | a << 8 | b << 16 | c << 24, 0)
    }

    /// The inverse of [`SagaDetail::split`].
    pub fn join(id: u32, small: u32) -> Result<SagaDetail, String> {
        let code = small as u8;
        let (a, b, c) = ((small >> 8) as u8, (small >> 16) as u8, (small >> 24) as u8);
        let action = || SagaAction::from_code(a);
        Ok(match code {
            1 => SagaDetail::Log {
                action: action()?,
                record: *SagaRecord::ALL
                    .iter()
                    .find(|r| **r as u8 == b)
                    .ok_or_else(|| format!("no saga log record has code {b}"))?,
                attempt: c,
            },
            2 => SagaDetail::OrderState { action: action()? },
            3 => SagaDetail::Timeout {
                action: action()?,
                attempt: b,
            },
            4 => SagaDetail::Held {
                action: action()?,
                attempt: b,
            },
            5 => SagaDetail::Executed {
                action: action()?,
                id,
            },
            6 => SagaDetail::Deduplicated {
                action: action()?,
                id,
            },
            7 => SagaDetail::Refused { action: action()? },
            8 => SagaDetail::NothingToUndo { action: action()? },
            9 => SagaDetail::Voided { action: action()? },
            10 => SagaDetail::VoidedRefused { action: action()? },
            11 => SagaDetail::Crash {
                point: *SagaCrashPoint::ALL
                    .get(a as usize)
                    .ok_or_else(|| format!("no saga crash point has index {a}"))?,
            },
            12 => SagaDetail::Recovered { sagas: id },
            13 => SagaDetail::Credited { amount: id },
            _ => return Err(format!("no saga event has code {code}")),
        })
    }

    /// The detail's fields as JSON members (each with a leading comma).
    pub fn json_fields(&self) -> String {
        let action = self
            .action()
            .map(|a| format!(",\"action\":\"{}\"", a.name()))
            .unwrap_or_default();
        let rest = match *self {
            SagaDetail::Log {
                record, attempt, ..
            } => format!(",\"record\":\"{}\",\"attempt\":{attempt}", record.name()),
            SagaDetail::Timeout { attempt, .. } | SagaDetail::Held { attempt, .. } => {
                format!(",\"attempt\":{attempt}")
            }
            SagaDetail::Executed { id, .. } | SagaDetail::Deduplicated { id, .. } => {
                format!(",\"id\":{id}")
            }
            SagaDetail::Crash { point } => format!(
                ",\"point\":\"{}\"",
                serde_json::to_value(point)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            SagaDetail::Recovered { sagas } => format!(",\"sagas\":{sagas}"),
            SagaDetail::Credited { amount } => format!(",\"amount\":{amount}"),
            _ => String::new(),
        };
        action + &rest
    }
}

fn crash_index(point: SagaCrashPoint) -> u32 {
    SagaCrashPoint::ALL
        .iter()
        .position(|&p| p == point)
        .unwrap_or(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detail_survives_split_and_join() {
        let mut all = vec![
            SagaDetail::OrderState {
                action: SagaAction::Charge,
            },
            SagaDetail::Timeout {
                action: SagaAction::Refund,
                attempt: 7,
            },
            SagaDetail::Held {
                action: SagaAction::Ship,
                attempt: 2,
            },
            SagaDetail::Executed {
                action: SagaAction::Release,
                id: 70_000,
            },
            SagaDetail::Deduplicated {
                action: SagaAction::Charge,
                id: u32::MAX,
            },
            SagaDetail::Refused {
                action: SagaAction::Reserve,
            },
            SagaDetail::NothingToUndo {
                action: SagaAction::Refund,
            },
            SagaDetail::Voided {
                action: SagaAction::Release,
            },
            SagaDetail::VoidedRefused {
                action: SagaAction::Charge,
            },
            SagaDetail::Recovered { sagas: 12 },
            SagaDetail::Credited { amount: 4_500 },
        ];
        all.extend(SagaRecord::ALL.iter().map(|&record| SagaDetail::Log {
            action: SagaAction::Ship,
            record,
            attempt: 3,
        }));
        all.extend(
            SagaCrashPoint::ALL
                .iter()
                .map(|&point| SagaDetail::Crash { point }),
        );
        let mut names = Vec::new();
        for detail in all {
            let (id, small, wide) = detail.split();
            assert_eq!(wide, 0);
            assert_eq!(SagaDetail::join(id, small), Ok(detail));
            names.push(detail.name());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 13, "every kind has its own name");
        assert!(SagaDetail::join(0, 99).is_err());
        assert!(SagaDetail::join(0, 1 | 9 << 8).is_err(), "no action 9");
    }
}
