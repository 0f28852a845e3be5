//! The nouns of the messaging world: what travels between its actors and what its queue
//! holds.

use crate::sim::trace::{Actor, MessageKind};

/// Which producer a publish comes from: the order service itself (commit, then publish)
/// or the outbox relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerId {
    OrderService,
    Relay,
}

impl ProducerId {
    pub fn actor(self) -> Actor {
        match self {
            ProducerId::OrderService => Actor::OrderService,
            ProducerId::Relay => Actor::Relay,
        }
    }
}

/// A process that can crash and restart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Process {
    OrderService,
    Relay,
    Consumer(u8),
}

/// What a message carries. `op` on the [`Envelope`] names the order the message is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// A producer's publish of one event. `body_time` is when this body was made (the
    /// content-based deduplication id hashes it with the event).
    Publish {
        producer: ProducerId,
        pid: u32,
        seq: u32,
        partition: u8,
        body_time: u64,
        /// Which send of this event by this producer (for its fault draws).
        send: u32,
    },
    PublishAck {
        producer: ProducerId,
        pid: u32,
        seq: u32,
        send: u32,
    },
    /// A record (log) or message (queue, `offset` = message number) handed to a consumer
    /// for its `delivery`-th processing of the event; `receipt` is the queue's receive
    /// count, `generation` the group generation it was fetched in.
    Record {
        partition: u8,
        offset: u32,
        delivery: u32,
        receipt: u8,
        generation: u32,
    },
    OffsetCommit {
        consumer: u8,
        partition: u8,
        offset: u32,
        generation: u32,
    },
    Delete {
        message: u32,
        receipt: u8,
    },
    Heartbeat {
        message: u32,
        receipt: u8,
    },
    ShipCall {
        consumer: u8,
        delivery: u32,
        call: u32,
        key: Option<u64>,
    },
    ShipReply {
        consumer: u8,
        delivery: u32,
        call: u32,
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

/// Everything the messaging world's queue holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    PlaceOrder {
        op: u32,
    },
    Arrive(Envelope),
    Lost(Envelope),
    /// A producer's publish went unacknowledged for `request.timeout.ms`.
    PublishTimeout {
        producer: ProducerId,
        pid: u32,
        seq: u32,
    },
    RelayRound,
    Restart(Process),
    /// A consumer's processing of `delivery` finished its compute time.
    Computed {
        consumer: u8,
        op: u32,
        delivery: u32,
    },
    WarehouseTimeout {
        consumer: u8,
        op: u32,
        delivery: u32,
        call: u32,
    },
    /// `max.poll.interval.ms` after `delivery` was handed out (log mode).
    PollDeadline {
        consumer: u8,
        op: u32,
        delivery: u32,
    },
    /// A crashed consumer's session runs out (log mode).
    SessionTimeout {
        consumer: u8,
        incarnation: u32,
    },
    /// The auto-commit timer of the whole group (one timer, so it can stop with the run).
    AutoCommit,
    /// A received message's visibility timeout may have run out (queue mode).
    VisibilityDeadline {
        message: u32,
        receipt: u8,
    },
    /// Time for a consumer working on `delivery` to extend its visibility (queue mode).
    HeartbeatDue {
        consumer: u8,
        op: u32,
        delivery: u32,
    },
}
