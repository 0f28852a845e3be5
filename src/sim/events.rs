//! The nouns that travel: messages between actors and the events of the world's queue.

use super::trace::{Actor, DropReason, MessageKind};

/// Which external service a server-side call goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    Charge,
    Email,
}

/// Where an external service's reply must go back to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    pub replica: u8,
    pub slot: u16,
    pub generation: u32,
    pub call: u8,
    pub exec: u32,
    /// The logical identity of the calling execution (its attempt and copy), fixed when
    /// the call is made: the reply's fault draws depend on it and nothing else.
    pub execution: u64,
    pub outbox: u32,
}

/// Replica index used in call routes for the outbox relay.
pub const RELAY_ROUTE: u8 = u8::MAX;

/// What a message carries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Body {
    /// A client's request (or read-back), forwarded unchanged by the balancer.
    Request {
        op: u32,
        attempt: u8,
        read_back: bool,
        if_match: u32,
    },
    /// The answer to a request, from a replica or from the balancer.
    Response {
        op: u32,
        attempt: u8,
        status: u16,
        replayed: bool,
        already_exists: bool,
        body_op: u32,
        version: u32,
        key_event: u32,
    },
    /// A call to the payment provider or the email service.
    Call {
        route: Route,
        op: u32,
        key: Option<u64>,
        amount: i64,
    },
    /// An external service's answer: the charge or email id, and whether this call made
    /// it (`fresh`) or the service recognised the key and returned an earlier one.
    Reply {
        kind: CallKind,
        route: Route,
        op: u32,
        id: u32,
        fresh: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Message {
    pub id: u32,
    pub from: Actor,
    pub to: Actor,
    /// 0 for the original, 1 for a copy made by the network.
    pub copy: u8,
    pub kind: MessageKind,
    pub body: Body,
}

impl Message {
    /// The operation and client attempt it belongs to (attempt 0 for server-side calls).
    pub fn op_attempt(&self) -> (u32, u8) {
        match self.body {
            Body::Request { op, attempt, .. } | Body::Response { op, attempt, .. } => (op, attempt),
            Body::Call { op, .. } | Body::Reply { op, .. } => (op, 0),
        }
    }
}

/// Everything the world's queue holds: what happens next, and when.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    ClientBegin {
        client: u16,
    },
    ClientAttempt {
        op: u32,
        attempt: u8,
    },
    ClientTimeout {
        op: u32,
        attempt: u8,
    },
    Arrive(Message),
    Lost(Message, DropReason),
    /// An execution's step finished its time.
    Resume {
        replica: u8,
        slot: u16,
        exec: u32,
        op: u32,
    },
    ExternalTimeout {
        replica: u8,
        slot: u16,
        exec: u32,
        op: u32,
        kind: CallKind,
        call: u8,
    },
    Restart {
        replica: u8,
    },
    RelaySend {
        outbox: u32,
        op: u32,
        call: u8,
    },
    RelayTimeout {
        outbox: u32,
        op: u32,
        call: u8,
    },
    /// The key store's housekeeping round (purge, recovery).
    KeyStoreRound,
}

impl Event {
    /// The operation this event can still act on, if any: while one is queued, the
    /// operation has not settled (see `settle.rs`).
    #[inline]
    pub fn op(&self) -> Option<u32> {
        match *self {
            Event::ClientAttempt { op, .. }
            | Event::ClientTimeout { op, .. }
            | Event::Resume { op, .. }
            | Event::ExternalTimeout { op, .. }
            | Event::RelaySend { op, .. }
            | Event::RelayTimeout { op, .. } => Some(op),
            Event::Arrive(message) | Event::Lost(message, _) => Some(message.op_attempt().0),
            Event::ClientBegin { .. } | Event::Restart { .. } | Event::KeyStoreRound => None,
        }
    }
}
