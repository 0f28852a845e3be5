//! The `saga` workload's world: an orchestrator runs reserve stock → charge → ship for each
//! order against an inventory service, the payment provider and a shipping service, with
//! compensations (release, refund) when a step at or before the pivot fails (DESIGN §10).
//! Its protections (per-step keys, the atomic saga log) are in `protections.rs`.

use serde::{Deserialize, Serialize};

use super::Micros;

/// A forward step of the saga, in the order the orchestrator runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SagaStep {
    Reserve,
    Charge,
    Ship,
}

impl SagaStep {
    pub const ALL: [SagaStep; 3] = [SagaStep::Reserve, SagaStep::Charge, SagaStep::Ship];

    pub fn name(self) -> &'static str {
        match self {
            SagaStep::Reserve => "reserve",
            SagaStep::Charge => "charge",
            SagaStep::Ship => "ship",
        }
    }
}

/// Where the orchestrator can crash, in the order a step reaches them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SagaCrashPoint {
    /// After sending a step's (or a compensation's) request, before its reply.
    AfterSend,
    /// After the reply arrived, before anything of it is recorded.
    AfterReplyBeforeLog,
    /// After the order's state changed, before the saga log records the step done: a
    /// window only when the two are separate transactions (`saga_atomic_log` off).
    BetweenStateAndLog,
}

impl SagaCrashPoint {
    pub const ALL: [SagaCrashPoint; 3] = [
        SagaCrashPoint::AfterSend,
        SagaCrashPoint::AfterReplyBeforeLog,
        SagaCrashPoint::BetweenStateAndLog,
    ];

    /// Plain words for narratives.
    pub fn phrase(self) -> &'static str {
        match self {
            SagaCrashPoint::AfterSend => "while the request was in flight",
            SagaCrashPoint::AfterReplyBeforeLog => "after the reply arrived, before recording it",
            SagaCrashPoint::BetweenStateAndLog => {
                "after updating the order, before the saga log recorded the step"
            }
        }
    }
}

/// Crash probabilities of the orchestrator, each drawn per order, step, attempt and point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SagaCrashConfig {
    pub after_send: f64,
    pub after_reply_before_log: f64,
    pub between_state_and_log: f64,
    /// How long the crashed orchestrator stays down before it recovers from its log.
    pub downtime_us: Micros,
}

impl Default for SagaCrashConfig {
    fn default() -> Self {
        SagaCrashConfig {
            after_send: 0.0,
            after_reply_before_log: 0.0,
            between_state_and_log: 0.0,
            downtime_us: 300_000,
        }
    }
}

impl SagaCrashConfig {
    pub fn probability(&self, point: SagaCrashPoint) -> f64 {
        match point {
            SagaCrashPoint::AfterSend => self.after_send,
            SagaCrashPoint::AfterReplyBeforeLog => self.after_reply_before_log,
            SagaCrashPoint::BetweenStateAndLog => self.between_state_and_log,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SagaConfig {
    /// The point of no return: a failure of a step before or at it compensates the
    /// completed steps; steps after it are retried until they succeed (bounded).
    pub pivot: SagaStep,
    /// Time between two orders.
    pub order_interval_us: Micros,
    /// The orchestrator sends a step again after this long without a reply.
    pub step_timeout_us: Micros,
    /// Attempts of one step, its first send and every re-send (after a timeout, a refusal
    /// after the pivot, or the orchestrator's recovery).
    pub max_attempts: u32,
    /// Attempts of one compensation (release, refund).
    pub compensation_max_attempts: u32,
    /// Wait before a re-send.
    pub retry_backoff_us: Micros,
    /// Business failures, per order: the item is out of stock, the card is declined, the
    /// address cannot be shipped to. After the pivot a refusal is drawn per attempt (it
    /// may pass on a retry).
    pub out_of_stock: f64,
    pub card_declined: f64,
    pub shipping_refused: f64,
    /// Loss on each link, each way.
    pub inventory_loss: f64,
    pub provider_loss: f64,
    pub shipping_loss: f64,
    /// A service holds a request for `slow_us` before carrying it out.
    pub slow_probability: f64,
    pub slow_us: Micros,
    pub crash: SagaCrashConfig,
}

impl Default for SagaConfig {
    fn default() -> Self {
        SagaConfig {
            pivot: SagaStep::Charge,
            order_interval_us: 50_000,
            step_timeout_us: 200_000,
            max_attempts: 3,
            compensation_max_attempts: 10,
            retry_backoff_us: 50_000,
            out_of_stock: 0.0,
            card_declined: 0.0,
            shipping_refused: 0.0,
            inventory_loss: 0.0,
            provider_loss: 0.0,
            shipping_loss: 0.0,
            slow_probability: 0.0,
            slow_us: 1_000_000,
            crash: SagaCrashConfig::default(),
        }
    }
}
