//! Every keyed draw of the saga world, in this one file: the fate of a message, a slow
//! service, a business refusal and an orchestrator crash. Each is a pure function of the
//! seed and the logical identity of what it hits — the order, the action (step or
//! compensation), the attempt and the direction — never of what a protection did, so a
//! run with per-step keys meets the same faults as one without (DESIGN §2). Losses,
//! slow services and crashes are faults by name (`fault_set.rs`): a scenario's
//! `only_faults` lets only the listed ones happen. A refusal is the order's business
//! outcome, not a fault, and always happens.

use crate::sim::config::{DelayKind, SagaCrashPoint, SagaStep, Scenario};
use crate::sim::fault_set::{FaultId, FaultKind};
use crate::sim::rng::{KeyedDraw, Purpose};
use crate::sim::trace::SagaAction;

/// Identity words of a saga message or decision.
pub type Identity = [u64; 4];

/// Which way a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Direction {
    Request = 0,
    Reply = 1,
}

/// Attempt `attempt` of `action` for order `op`, going `direction`.
pub fn identity(op: u32, action: SagaAction, attempt: u8, direction: Direction) -> Identity {
    [
        0x5A,
        op as u64,
        (action as u64) << 8 | attempt as u64,
        direction as u64,
    ]
}

/// The loss probability of the link a saga action travels on.
fn loss(scenario: &Scenario, action: SagaAction) -> f64 {
    let s = &scenario.saga;
    match action {
        SagaAction::Reserve | SagaAction::Release => s.inventory_loss,
        SagaAction::Charge | SagaAction::Refund => s.provider_loss,
        SagaAction::Ship => s.shipping_loss,
    }
}

/// Whether a message is lost, and its delay if not.
pub fn fate(
    scenario: &Scenario,
    op: u32,
    action: SagaAction,
    attempt: u8,
    direction: Direction,
) -> Option<u64> {
    let id = identity(op, action, attempt, direction);
    if KeyedDraw::new(scenario.seed, Purpose::Loss, id).chance(loss(scenario, action))
        && scenario.allows(FaultKind::Loss, id)
    {
        return None;
    }
    let network = &scenario.network;
    let draw = KeyedDraw::new(scenario.seed, Purpose::Delay, id);
    let spread = match network.delay {
        DelayKind::Exponential => draw.exponential(network.delay_mean_us),
        DelayKind::Uniform => draw.below(2 * network.delay_mean_us + 1),
    };
    Some(network.delay_min_us + spread)
}

/// The slow fault, if a service holds this request (for `saga.slow_us`) before carrying
/// it out.
pub fn held(scenario: &Scenario, op: u32, action: SagaAction, attempt: u8) -> Option<FaultId> {
    let id = identity(op, action, attempt, Direction::Request);
    let slow = scenario.saga.slow_probability;
    (KeyedDraw::new(scenario.seed, Purpose::Slow, id).chance(slow)
        && scenario.allows(FaultKind::Slow, id))
    .then(|| FaultId::new(FaultKind::Slow, id))
}

/// Whether the service refuses `step` of order `op` (out of stock, card declined,
/// shipping refused). At or before the pivot the answer is the order's, the same on every
/// attempt (a declined card stays declined); after the pivot it is drawn per attempt,
/// since those steps are retried until they pass.
pub fn refused(scenario: &Scenario, op: u32, step: SagaStep, attempt: u8) -> bool {
    let s = &scenario.saga;
    let p = match step {
        SagaStep::Reserve => s.out_of_stock,
        SagaStep::Charge => s.card_declined,
        SagaStep::Ship => s.shipping_refused,
    };
    let per_attempt = step > s.pivot;
    let word = if per_attempt { attempt as u64 } else { 0 };
    let id = [0x5B, op as u64, step as u64, word];
    KeyedDraw::new(scenario.seed, Purpose::Workload, id).chance(p)
}

/// The orchestrator's crash at `point` while it handles attempt `attempt` of `action`
/// for order `op`, if it crashes.
pub fn crash(
    scenario: &Scenario,
    op: u32,
    action: SagaAction,
    attempt: u8,
    point: SagaCrashPoint,
) -> Option<FaultId> {
    let p = scenario.saga.crash.probability(point);
    let id = [
        0x5C,
        op as u64,
        (action as u64) << 8 | attempt as u64,
        point as u64,
    ];
    (p > 0.0
        && KeyedDraw::new(scenario.seed, Purpose::Crash, id).chance(p)
        && scenario.allows(FaultKind::Crash, id))
    .then(|| FaultId::new(FaultKind::Crash, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_on_identity_not_on_protections() {
        let mut s = Scenario::default();
        s.saga.provider_loss = 0.5;
        s.saga.slow_probability = 0.5;
        let mut keyed = s.clone();
        keyed.protections.saga_step_keys = true;
        keyed.protections.saga_atomic_log = true;
        for op in 0..50 {
            for attempt in 1..4 {
                let a = SagaAction::Charge;
                assert_eq!(
                    fate(&s, op, a, attempt, Direction::Reply),
                    fate(&keyed, op, a, attempt, Direction::Reply)
                );
                assert_eq!(held(&s, op, a, attempt), held(&keyed, op, a, attempt));
            }
        }
        let lost = (0..200)
            .filter(|&op| fate(&s, op, SagaAction::Refund, 1, Direction::Request).is_none())
            .count();
        assert!((70..130).contains(&lost), "{lost}");
        // The inventory's link is not the provider's.
        assert!(
            (0..50).all(|op| fate(&s, op, SagaAction::Reserve, 1, Direction::Request).is_some())
        );
    }

    #[test]
    fn a_refusal_at_or_before_the_pivot_is_the_orders() {
        let mut s = Scenario::default();
        s.saga.card_declined = 0.5;
        s.saga.shipping_refused = 0.5;
        s.saga.pivot = SagaStep::Charge;
        for op in 0..100 {
            let first = refused(&s, op, SagaStep::Charge, 1);
            assert!((2..6).all(|a| refused(&s, op, SagaStep::Charge, a) == first));
        }
        let varies = (0..100)
            .any(|op| refused(&s, op, SagaStep::Ship, 1) != refused(&s, op, SagaStep::Ship, 2));
        assert!(varies, "after the pivot a refusal is drawn per attempt");
    }
}
