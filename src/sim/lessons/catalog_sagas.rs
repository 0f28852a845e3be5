//! Lesson 15: sagas — steps and compensations retried over a lossy network, the pivot,
//! and per-step idempotency keys (DESIGN §10; microservices.io, Garcia-Molina and Salem).

use super::{Claim, Cursor, Lesson, Show, Step};
use crate::sim::fault_set::FaultKind;
use crate::sim::oracle::AnomalyKind as A;

pub const LESSONS: [Lesson; 1] = [Lesson {
    id: "sagas",
    number: 15,
    title: "Sagas and idempotent compensations",
    seed: 1,
    steps: &[
        Step {
            title: "Refunded twice",
            text: "An orchestrator runs each order's saga: reserve stock, charge the card, ship. Shipping is the pivot here and refuses most orders, so their sagas compensate: the stock is released and the charge refunded. This customer's charge was refunded twice.",
            show: Show::preset("saga-refund-retry"),
            cursor: Cursor::Anomaly(A::DoubleRefund),
            claim: Claim::Shows(A::DoubleRefund),
        },
        Step {
            title: "A lost reply to a refund",
            text: "The provider refunded, but its reply was lost. The orchestrator cannot tell a lost reply from a lost request, so it sent the refund again: compensations are retried like any step, and without a key the provider refunded again.",
            show: Show::preset("saga-refund-retry"),
            cursor: Cursor::FaultBehind(A::DoubleRefund, FaultKind::Loss),
            claim: Claim::Shows(A::DoubleRefund),
        },
        Step {
            title: "A per-step idempotency key",
            text: "Now every step and every compensation carries its own idempotency key, and the inventory, the provider and the shipping service answer a repeated key with the first call's result, as Stripe does for charges and refunds. The repeated refund changes nothing.",
            show: Show::preset("saga-refund-retry-protected"),
            cursor: Cursor::End,
            claim: Claim::Clean,
        },
        Step {
            title: "The charge step twice",
            text: "Steps are retried too. Here the orchestrator sent the charge again, after a lost reply or after recovering from its saga log with a charge in flight, and the card was charged twice.",
            show: Show::preset("saga-charge-retry"),
            cursor: Cursor::Anomaly(A::DoubleCharge),
            claim: Claim::Shows(A::DoubleCharge),
        },
        Step {
            title: "Keys on the steps",
            text: "With the same per-step keys, a re-sent charge is answered with the first charge, so the card is charged once however often the step is sent.",
            show: Show::preset("saga-charge-retry-protected"),
            cursor: Cursor::End,
            claim: Claim::Clean,
        },
    ],
    summary: "A saga replaces one transaction by local steps with compensations that undo them semantically (a refund, not an erased charge). Steps before the pivot can be compensated; steps after it must be retried until they succeed. Every step and every compensation travels over the network and is retried, so each must be idempotent: give each its own key that the service deduplicates by. A compensation can even overtake its step (the release arrives before the reservation), and the services must still end consistent.",
    builds_on: &["external-effects", "atomic-key-save"],
    terms: &["saga", "pivot", "compensation", "idempotency key"],
}];
