//! Every protection decision in one place: what a key lookup answers (400 / 409 / 422 /
//! replay / run as new, IETF draft and Stripe semantics), when a commit is fenced off
//! (409), what a version conflict does (re-read or 409), what a stale `If-Match` gets
//! (412), and how a key record is settled when the handler answers.

use super::config::IdempotencyKeyConfig;
use super::stores::keys::{KeyRecord, KeyState, StoredResponse};
use super::trace::KeyCheckOutcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyDecision {
    /// Run the handler (take the lock first if the lock is on).
    Run(KeyCheckOutcome),
    Replay(StoredResponse),
    Reject {
        status: u16,
        outcome: KeyCheckOutcome,
    },
}

/// Decide what to do with a request carrying `key` (or none), given the stored record.
pub fn decide(
    config: &IdempotencyKeyConfig,
    key: Option<u64>,
    record: Option<&KeyRecord>,
    fingerprint: u64,
    now: u64,
) -> KeyDecision {
    if key.is_none() {
        return if config.required {
            KeyDecision::Reject {
                status: 400,
                outcome: KeyCheckOutcome::Missing,
            }
        } else {
            KeyDecision::Run(KeyCheckOutcome::NoKey)
        };
    }
    let Some(record) = record else {
        return KeyDecision::Run(KeyCheckOutcome::New);
    };
    if now >= record.expires_at {
        return KeyDecision::Run(KeyCheckOutcome::Expired);
    }
    if config.fingerprint_check && record.fingerprint != fingerprint {
        return KeyDecision::Reject {
            status: 422,
            outcome: KeyCheckOutcome::Mismatch,
        };
    }
    match record.state {
        KeyState::Completed { response } => KeyDecision::Replay(response),
        KeyState::InProgress { locked_at } => {
            if !config.in_flight_lock {
                KeyDecision::Run(KeyCheckOutcome::Unlocked)
            } else if now >= locked_at + config.lock_timeout_us {
                KeyDecision::Run(KeyCheckOutcome::LockExpired)
            } else {
                KeyDecision::Reject {
                    status: 409,
                    outcome: KeyCheckOutcome::InProgress,
                }
            }
        }
    }
}

/// With an atomic key save, the commit checks in the same transaction that execution
/// `owner` still holds its in-progress record. `true`: another attempt took the key over
/// after this one's lock timed out; committing would apply the operation twice, so the
/// execution answers 409 instead (the record is the fencing token).
pub fn fenced(
    config: &IdempotencyKeyConfig,
    holds_lock: bool,
    record: Option<&KeyRecord>,
    owner: u32,
) -> bool {
    holds_lock
        && config.atomic
        && !record
            .is_some_and(|r| r.owner == owner && matches!(r.state, KeyState::InProgress { .. }))
}

/// What a conditional write does when the row's version moved since the read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionConflict {
    /// Re-read the row and try the conditional write again.
    Reread,
    /// Out of retries: answer with this status.
    Reject(u16),
}

pub fn on_version_conflict(rounds_done: u32, max_rounds: u32) -> VersionConflict {
    if rounds_done < max_rounds {
        VersionConflict::Reread
    } else {
        VersionConflict::Reject(409)
    }
}

/// A profile write whose `If-Match` version is stale: 412, unless the row's last writer
/// is this very operation (an earlier attempt applied it), which is success.
pub fn precondition_status(last_writer: u32, op: u32) -> u16 {
    if last_writer == op {
        200
    } else {
        412
    }
}

/// What happens to an execution's key record when it answers without having settled it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// Save the answer as the completed record, to be replayed.
    SaveCompleted,
    /// Errors are not stored: delete the in-progress record so a retry runs again.
    Release,
    /// An error after a charge was started under the key: keep the record (its recovery
    /// point) but let its lock go, so a retry takes it over and settles the charge, or
    /// the key store's recovery job refunds it.
    Unlock,
    /// Nothing to do: no record was taken.
    Nothing,
}

pub fn settle(
    config: &IdempotencyKeyConfig,
    status: u16,
    holds_lock: bool,
    charge_may_stand: bool,
) -> Settlement {
    let is_error = status >= 500 || status == 409;
    if is_error && holds_lock && charge_may_stand {
        return Settlement::Unlock;
    }
    match (is_error && !config.store_errors, holds_lock) {
        (false, _) => Settlement::SaveCompleted,
        (true, true) => Settlement::Release,
        (true, false) => Settlement::Nothing,
    }
}

/// The response a completed record stores.
pub fn stored_response(status: u16, op: u32, version: u32) -> StoredResponse {
    StoredResponse {
        status,
        body_op: op,
        version: version as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(state: KeyState) -> KeyRecord {
        KeyRecord {
            client: 0,
            key: 1,
            fingerprint: 10,
            state,
            created_at: 0,
            expires_at: 1_000,
            op: 0,
            attempt: 1,
            owner: 0,
            charge_started: false,
        }
    }

    fn completed() -> KeyRecord {
        record(KeyState::Completed {
            response: StoredResponse {
                status: 200,
                body_op: 0,
                version: 0,
            },
        })
    }

    #[test]
    fn lookup_follows_the_draft_semantics() {
        let c = IdempotencyKeyConfig {
            enabled: true,
            required: true,
            lock_timeout_us: 100,
            ..IdempotencyKeyConfig::default()
        };
        assert!(matches!(
            decide(&c, None, None, 10, 0),
            KeyDecision::Reject { status: 400, .. }
        ));
        assert_eq!(
            decide(&c, Some(1), None, 10, 0),
            KeyDecision::Run(KeyCheckOutcome::New)
        );
        assert!(matches!(
            decide(&c, Some(1), Some(&completed()), 10, 5),
            KeyDecision::Replay(_)
        ));
        assert!(matches!(
            decide(&c, Some(1), Some(&completed()), 11, 5),
            KeyDecision::Reject { status: 422, .. }
        ));
        assert_eq!(
            decide(&c, Some(1), Some(&completed()), 10, 1_000),
            KeyDecision::Run(KeyCheckOutcome::Expired)
        );
        let locked = record(KeyState::InProgress { locked_at: 0 });
        assert!(matches!(
            decide(&c, Some(1), Some(&locked), 10, 50),
            KeyDecision::Reject { status: 409, .. }
        ));
        assert_eq!(
            decide(&c, Some(1), Some(&locked), 10, 100),
            KeyDecision::Run(KeyCheckOutcome::LockExpired)
        );
    }

    #[test]
    fn without_fingerprint_check_a_different_payload_gets_the_stored_reply() {
        let c = IdempotencyKeyConfig {
            fingerprint_check: false,
            ..IdempotencyKeyConfig::default()
        };
        assert!(matches!(
            decide(&c, Some(1), Some(&completed()), 99, 5),
            KeyDecision::Replay(_)
        ));
    }

    #[test]
    fn without_the_lock_an_in_progress_record_does_not_block() {
        let c = IdempotencyKeyConfig {
            in_flight_lock: false,
            ..IdempotencyKeyConfig::default()
        };
        let locked = record(KeyState::InProgress { locked_at: 0 });
        assert_eq!(
            decide(&c, Some(1), Some(&locked), 10, 5),
            KeyDecision::Run(KeyCheckOutcome::Unlocked)
        );
    }
}
