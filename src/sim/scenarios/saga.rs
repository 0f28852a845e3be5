//! The `saga` workload's presets: each shows one way a saga's steps or compensations run
//! twice, or a compensation fails to undo its step. Each has a `-protected` twin with
//! per-step keys and the atomic saga log, and nothing else changed.

use crate::sim::config::*;
use crate::sim::oracle::AnomalyKind;

use super::{Lesson, Preset};

fn saga() -> Scenario {
    Scenario {
        workload: Workload::Saga,
        operations: 20,
        ..Scenario::default()
    }
}

pub(super) fn presets() -> Vec<Preset> {
    let mut presets = Vec::new();
    let mut add = |name, description, kind, scenario| {
        presets.push(Preset {
            name,
            description,
            lesson: Lesson::Anomaly(kind),
            scenario,
        })
    };

    let mut s = saga();
    s.saga.pivot = SagaStep::Ship;
    s.saga.shipping_refused = 0.6;
    s.saga.provider_loss = 0.25;
    add("saga-refund-retry", "Shipping is the pivot and refuses most orders, so their sagas refund the charge; a quarter of the provider's messages are lost, and a refund sent again after its reply was lost refunds twice.", AnomalyKind::DoubleRefund, s);

    let mut s = saga();
    s.saga.provider_loss = 0.2;
    s.saga.crash.after_send = 0.05;
    add("saga-charge-retry", "A fifth of the provider's messages are lost and the orchestrator sometimes crashes with a charge in flight; it sends the charge step again after a lost reply or after recovering from its saga log, and the card is charged twice.", AnomalyKind::DoubleCharge, s);

    let mut s = saga();
    s.saga.max_attempts = 1;
    s.saga.slow_probability = 0.3;
    s.saga.slow_us = 600_000;
    s.saga.card_declined = 0.2;
    add("saga-compensation-overtakes", "Services are sometimes slow and the orchestrator gives a step one attempt: it compensates a reservation still on its way, the release arrives first and finds nothing, and the reservation that follows is never released.", AnomalyKind::StockLeak, s);

    let mut s = saga();
    s.saga.pivot = SagaStep::Ship;
    s.saga.shipping_refused = 0.6;
    s.saga.slow_probability = 0.3;
    s.saga.slow_us = 600_000;
    add("saga-charge-never-compensated", "The provider sometimes holds a charge past the step timeout, so the orchestrator charges again; shipping then refuses the order and the saga refunds the one charge it was told of, while the other stands.", AnomalyKind::ChargeNeverCompensated, s);

    presets
}
