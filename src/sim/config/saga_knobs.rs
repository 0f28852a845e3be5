//! The knobs of the `saga` workload: the orchestrator, its services, their faults and the
//! saga's protections. Part of [`KNOBS`](super::KNOBS), in control-panel order.

use super::knobs::{knob, Knob, KnobGroup as G, KnobKind as K};
use super::limits::{MAX_ATTEMPTS, MAX_DURATION_US as HOUR};

const fn duration(min: u64) -> K {
    K::Duration { min, max: HOUR }
}

pub(super) const SAGA_KNOBS: &[Knob] = &[
    knob(
        "saga.pivot",
        "Pivot step",
        "The point of no return: a failure at or before it compensates the completed steps (release, refund); steps after it are retried until they succeed.",
        K::Choice(&["reserve", "charge", "ship"]),
        G::Saga,
    ),
    knob(
        "saga.order_interval_us",
        "Order interval",
        "Time between two orders.",
        duration(1_000),
        G::Saga,
    ),
    knob(
        "saga.step_timeout_us",
        "Step timeout",
        "The orchestrator sends a step again after this long without a reply.",
        duration(1_000),
        G::Saga,
    ),
    knob(
        "saga.max_attempts",
        "Step attempts",
        "Attempts of one step: its first send and every re-send (after a timeout, a refusal after the pivot, or a recovery).",
        K::Count {
            min: 1,
            max: MAX_ATTEMPTS,
        },
        G::Saga,
    ),
    knob(
        "saga.compensation_max_attempts",
        "Compensation attempts",
        "Attempts of one compensation (release stock, refund); a saga whose compensation gives up is stuck.",
        K::Count {
            min: 1,
            max: MAX_ATTEMPTS,
        },
        G::Saga,
    ),
    knob(
        "saga.retry_backoff_us",
        "Retry backoff",
        "Wait before a re-send.",
        duration(0),
        G::Saga,
    ),
    knob(
        "saga.out_of_stock",
        "Out of stock",
        "Chance that the inventory refuses an order's reservation.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.card_declined",
        "Card declined",
        "Chance that the payment provider declines an order's charge.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.shipping_refused",
        "Shipping refused",
        "Chance that the shipping service refuses an order (after the pivot: one attempt).",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.inventory_loss",
        "Inventory loss",
        "Loss on the orchestrator↔inventory link, each way.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.provider_loss",
        "Provider loss",
        "Loss on the orchestrator↔payment provider link, each way.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.shipping_loss",
        "Shipping loss",
        "Loss on the orchestrator↔shipping link, each way.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.slow_probability",
        "Slow service",
        "Chance that a service holds a request for the slow extra before carrying it out.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.slow_us",
        "Slow extra",
        "How long a slow request waits at its service.",
        duration(0),
        G::Saga,
    ),
    knob(
        "saga.crash.after_send",
        "Crash in flight",
        "The orchestrator crashes after sending a request, before its reply; it recovers from its saga log and sends the step again.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.crash.after_reply_before_log",
        "Crash before logging",
        "The orchestrator crashes after a reply arrived, before recording it.",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.crash.between_state_and_log",
        "Crash between state and log",
        "The orchestrator crashes after updating the order, before the saga log records the step (only when the two are separate transactions).",
        K::Probability,
        G::Saga,
    ),
    knob(
        "saga.crash.downtime_us",
        "Orchestrator downtime",
        "How long the crashed orchestrator stays down.",
        duration(0),
        G::Saga,
    ),
    knob(
        "protections.saga_step_keys",
        "Per-step keys",
        "Each step and compensation carries an idempotency key derived from the order and the step; the services keep the result per key, and a compensation that arrives first voids its step's key.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.saga_atomic_log",
        "Atomic saga log",
        "The saga log records a step done in the same transaction as the order's state change.",
        K::Bool,
        G::Protection,
    ),
];
