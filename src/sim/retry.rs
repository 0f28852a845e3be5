//! The one retry policy: how many attempts, and how long to wait before the next. Clients,
//! a replica's external calls and the outbox relay all ask it.

use super::config::{BackoffKind, ClientConfig, Scenario};
use super::rng::{KeyedDraw, Purpose};

/// The outbox relay retries a row this many times, then leaves it unsent.
pub const RELAY_MAX_CALLS: u8 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub backoff: BackoffKind,
    pub base_us: u64,
    pub max_us: u64,
    pub jitter: bool,
}

impl RetryPolicy {
    /// A client: its configured attempts and backoff.
    pub fn client(config: &ClientConfig) -> Self {
        RetryPolicy {
            max_attempts: config.max_attempts,
            backoff: config.backoff,
            base_us: config.backoff_base_us,
            max_us: config.backoff_max_us,
            jitter: config.jitter,
        }
    }

    /// A replica's call to the provider or the email service: retried at once on timeout.
    pub fn external_call(scenario: &Scenario) -> Self {
        Self::immediate(scenario.server.external_attempts)
    }

    /// The outbox relay: retried at once on timeout, up to [`RELAY_MAX_CALLS`].
    pub fn relay() -> Self {
        Self::immediate(RELAY_MAX_CALLS as u32)
    }

    fn immediate(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts,
            backoff: BackoffKind::Fixed,
            base_us: 0,
            max_us: 0,
            jitter: false,
        }
    }

    /// After attempt `done` (1, 2, …) failed: the wait before the next one, or `None` if
    /// the attempts are used up. `op` keys the jitter draw.
    pub fn next(&self, seed: u64, op: u32, done: u8) -> Option<u64> {
        ((done as u32) < self.max_attempts).then(|| self.backoff(seed, op, done + 1))
    }

    /// Wait before attempt `next_attempt` (2, 3, …).
    pub fn backoff(&self, seed: u64, op: u32, next_attempt: u8) -> u64 {
        let retries_so_far = next_attempt.saturating_sub(2) as u32;
        let base = match self.backoff {
            BackoffKind::Fixed => self.base_us,
            BackoffKind::Exponential => self.base_us.saturating_mul(1u64 << retries_so_far.min(30)),
        }
        .min(self.max_us);
        if self.jitter {
            KeyedDraw::new(
                seed,
                Purpose::Jitter,
                [op as u64, next_attempt as u64, 0, 0],
            )
            .below(base + 1)
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_backoff_doubles_and_caps() {
        let config = ClientConfig {
            backoff: BackoffKind::Exponential,
            backoff_base_us: 100,
            backoff_max_us: 350,
            jitter: false,
            ..ClientConfig::default()
        };
        let policy = RetryPolicy::client(&config);
        let waits: Vec<u64> = (2..=5).map(|n| policy.backoff(1, 0, n)).collect();
        assert_eq!(waits, vec![100, 200, 350, 350]);
        let jittered = RetryPolicy {
            jitter: true,
            ..policy
        };
        assert!((2..=5).all(|n| jittered.backoff(1, 0, n) <= 350));
    }

    #[test]
    fn attempts_run_out_at_the_maximum() {
        let policy = RetryPolicy::immediate(3);
        assert_eq!(policy.next(1, 0, 1), Some(0));
        assert_eq!(policy.next(1, 0, 2), Some(0));
        assert_eq!(policy.next(1, 0, 3), None);
        assert_eq!(RetryPolicy::relay().next(1, 0, RELAY_MAX_CALLS), None);
    }
}
