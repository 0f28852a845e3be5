//! Idempotency-key semantics (IETF draft / Stripe style): the record a key store keeps
//! and the decision a lookup makes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::config::IdempotencyKeyConfig;
use super::trace::KeyCheckOutcome;

/// A response as stored for replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    /// The operation whose result this is (the body "belongs" to it).
    pub body_op: u32,
    pub version: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum KeyState {
    InProgress { locked_at: u64 },
    Completed { response: StoredResponse },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub client: u16,
    pub key: u64,
    pub fingerprint: u64,
    pub state: KeyState,
    pub created_at: u64,
    pub expires_at: u64,
    /// The operation and attempt that created the record.
    pub op: u32,
    pub attempt: u8,
    /// The execution that holds (or held) the record: a fencing token, so an execution
    /// whose lock timed out and was taken over cannot commit.
    pub owner: u32,
}

/// What a lookup decides.
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

/// A key store: either a replica's memory or the database table.
pub type KeyTable = HashMap<(u16, u64), KeyRecord>;

/// Count the records that are still live (not expired) at `now`.
pub fn live_records(table: &KeyTable, now: u64) -> usize {
    table.values().filter(|r| now < r.expires_at).count()
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
