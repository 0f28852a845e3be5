//! The nouns of the saga world: what travels between the orchestrator and its services,
//! and what its queue holds.

use crate::sim::trace::{Actor, MessageKind, SagaAction};

/// A step or compensation the orchestrator asks a service for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub action: SagaAction,
    pub attempt: u8,
    /// The action's idempotency key (per-step keys on).
    pub key: Option<u64>,
    /// A compensation's target: the reservation or charge the orchestrator was told of,
    /// if it was told of one.
    pub target_id: Option<u32>,
    /// A compensation's target by the key its step was sent with (per-step keys on).
    pub target_key: Option<u64>,
    pub amount: i64,
}

/// A service's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Done: the reservation, charge or shipment made, or the one released or refunded.
    Done(u32),
    /// A business refusal (out of stock, card declined, shipping refused).
    Refused,
    /// A compensation found nothing to undo.
    Nothing,
    /// A compensation arrived before its step, and voided the step's key.
    Voided,
    /// A step arrived under a voided key: not carried out.
    Cancelled,
}

/// What a message carries. `op` on the [`Envelope`] names the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    Request(Request),
    Reply {
        action: SagaAction,
        attempt: u8,
        answer: Answer,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub id: u32,
    pub from: Actor,
    pub to: Actor,
    pub kind: MessageKind,
    pub op: u32,
    pub body: Body,
}

/// Everything the saga world's queue holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// An order arrives: its saga starts.
    StartSaga {
        op: u32,
    },
    Arrive(Envelope),
    Lost(Envelope),
    /// A service carries out a request it held (a slow service).
    CarryOut(Envelope),
    /// No reply to attempt `attempt` of `action` yet (timers of an earlier incarnation of
    /// the orchestrator are void).
    StepTimeout {
        op: u32,
        action: SagaAction,
        attempt: u8,
        incarnation: u32,
    },
    /// The backoff before a re-send is over.
    Resend {
        op: u32,
        incarnation: u32,
    },
    /// The crashed orchestrator comes back and reads its saga log.
    Recover,
}

/// The service that carries out `action`, and the lane it is drawn on.
pub fn service(action: SagaAction) -> Actor {
    match action {
        SagaAction::Reserve | SagaAction::Release => Actor::Inventory,
        SagaAction::Charge | SagaAction::Refund => Actor::Provider,
        SagaAction::Ship => Actor::Shipping,
    }
}

/// The message kinds of `action`'s request and reply.
pub fn message_kinds(action: SagaAction) -> (MessageKind, MessageKind) {
    match action {
        SagaAction::Reserve => (MessageKind::Reserve, MessageKind::ReserveReply),
        SagaAction::Charge => (MessageKind::ChargeCall, MessageKind::ChargeReply),
        SagaAction::Ship => (MessageKind::ShipCall, MessageKind::ShipReply),
        SagaAction::Release => (MessageKind::Release, MessageKind::ReleaseReply),
        SagaAction::Refund => (MessageKind::Refund, MessageKind::RefundReply),
    }
}
