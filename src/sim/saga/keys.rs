//! A service's memory of idempotency keys (per-step keys on): the answer it gave under
//! each key, replayed to a retry as Stripe replays a request's stored result, and the
//! keys voided by a compensation that arrived before its step.
//!
//! Stripe's refunds name a charge, and a charge's idempotency key returns its stored
//! result; a compensation here carries its step's key, which stands for "the charge this
//! key made". When no charge was made under it yet, the compensation voids the key, as
//! canceling a PaymentIntent before it is confirmed does (a canceled PaymentIntent cannot
//! be confirmed): the step that arrives later is refused, and the saga ends consistent.

use std::collections::{BTreeMap, BTreeSet};

use crate::sim::rng::mix64;
use crate::sim::trace::SagaAction;

use super::events::Answer;

/// The key of `action` for order `op`: the same on every attempt and after a recovery,
/// since the orchestrator derives it from its saga log.
pub fn step_key(op: u32, action: SagaAction) -> u64 {
    mix64(0x5A6A_0000_0000_0000 ^ (op as u64) << 8 ^ action as u64)
}

#[derive(Debug, Default)]
pub struct KeyMemory {
    answers: BTreeMap<u64, Answer>,
    voided: BTreeSet<u64>,
}

impl KeyMemory {
    pub fn answer(&self, key: u64) -> Option<Answer> {
        self.answers.get(&key).copied()
    }

    pub fn remember(&mut self, key: u64, answer: Answer) {
        self.answers.insert(key, answer);
    }

    pub fn voided(&self, key: u64) -> bool {
        self.voided.contains(&key)
    }

    pub fn void(&mut self, key: u64) {
        self.voided.insert(key);
    }
}
