//! The words for the saga world's events (the `saga` workload): one sentence per
//! [`SagaDetail`], for the "current event" readout and mark hovers.

use crate::sim::trace::{SagaAction, SagaDetail, SagaRecord, TraceEvent};

/// "the charge", "the release of stock".
pub fn action_name(action: SagaAction) -> &'static str {
    match action {
        SagaAction::Reserve => "the reservation",
        SagaAction::Charge => "the charge",
        SagaAction::Ship => "the shipment",
        SagaAction::Release => "the release of stock",
        SagaAction::Refund => "the refund",
    }
}

/// One sentence about a saga event; `op` is " o-3" or empty.
pub fn describe_saga(event: &TraceEvent, detail: SagaDetail, op: &str) -> String {
    let who = event.actor.label();
    let attempt = event.attempt;
    match detail {
        SagaDetail::Log {
            action,
            record,
            attempt,
        } => match record {
            SagaRecord::Started => format!("{who} starts the saga of{op}"),
            SagaRecord::Sent => format!(
                "{who} logs attempt {attempt} of {}{op} before sending it",
                action_name(action)
            ),
            SagaRecord::Done => format!("{who} logs {} of{op} done", action_name(action)),
            SagaRecord::Failed => format!("{who} logs {} of{op} refused", action_name(action)),
            SagaRecord::GaveUp => format!(
                "{who} gives up on {} of{op} after attempt {attempt}: its outcome is unknown",
                action_name(action)
            ),
            SagaRecord::Completed => format!("{who} logs the saga of{op} completed"),
            SagaRecord::Compensating => {
                format!("{who} logs the saga of{op} failed: compensating")
            }
            SagaRecord::Compensated => format!("{who} logs the saga of{op} compensated"),
            SagaRecord::Stuck => format!("{who} gives up: the saga of{op} is stuck"),
        },
        SagaDetail::OrderState { action } => {
            format!("{who} updates the order{op} after {}", action_name(action))
        }
        SagaDetail::Timeout { action, attempt } => format!(
            "{who} has no reply to attempt {attempt} of {}{op} in time",
            action_name(action)
        ),
        SagaDetail::Held { action, attempt } => format!(
            "{who} holds attempt {attempt} of {}{op} (slow)",
            action_name(action)
        ),
        SagaDetail::Executed { action, id } => match action {
            SagaAction::Reserve => format!("{who} reserves stock for{op} (reservation {id})"),
            SagaAction::Charge => format!("{who} charges the card for{op} (charge {id})"),
            SagaAction::Ship => format!("{who} ships{op} (shipment {id})"),
            SagaAction::Release => format!("{who} releases reservation {id} of{op}"),
            SagaAction::Refund => format!("{who} refunds charge {id} of{op}"),
        },
        SagaDetail::Credited { amount } => {
            format!("{who} credits {amount} back for{op}, naming no charge")
        }
        SagaDetail::Deduplicated { action, .. } => format!(
            "{who} has seen the key of {}{op} (attempt {attempt}): it returns the stored answer",
            action_name(action)
        ),
        SagaDetail::Refused { action } => format!("{who} refuses {}{op}", action_name(action)),
        SagaDetail::NothingToUndo { action } => format!(
            "{who} finds nothing to undo for {}{op}",
            action_name(action)
        ),
        SagaDetail::Voided { action } => format!(
            "{who} finds no step under the key {} undoes{op}: it voids that key",
            action_name(action)
        ),
        SagaDetail::VoidedRefused { action } => format!(
            "{who} refuses {}{op}: its key was voided by a compensation",
            action_name(action)
        ),
        SagaDetail::Crash { point } => format!("{who} crashes {}", point.phrase()),
        SagaDetail::Recovered { sagas } => format!(
            "{who} recovers from its saga log and resumes {sagas} saga{}",
            if sagas == 1 { "" } else { "s" }
        ),
    }
}
