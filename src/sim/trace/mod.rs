//! The trace: every event of a run with its virtual time and ids.
//!
//! An event is a small fixed-size record (40 bytes) with a typed [`Detail`]. Every event
//! is hashed into the trace hash as it is emitted, whether or not it is stored, so the
//! hash is the same with tracing on and off. [`json`] writes a trace as self-describing
//! JSON.

mod detail;
pub mod file_head;
pub mod json;
mod messaging;
mod saga;
mod stream;

pub use detail::{Detail, EventKind, SavedKeyState, TimedStep, WriteFlags};
pub use messaging::{DedupBy, MessagingDetail, RebalanceReason};
pub use saga::{SagaAction, SagaDetail, SagaRecord};
pub use stream::{AbortReason, StreamDetail, NO_TXN};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A lane of the space-time diagram: who did or received something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Actor {
    Client(u16),
    Balancer,
    Replica(u8),
    /// The events workload's order service (a producer). Declared here so that its lane
    /// comes first: lanes follow this order.
    OrderService,
    /// The saga workload's orchestrator and its inventory service (lanes in this order:
    /// orchestrator, inventory, provider, shipping).
    Orchestrator,
    Inventory,
    Database,
    KeyStore,
    Provider,
    /// The saga workload's shipping service.
    Shipping,
    Email,
    Relay,
    /// The message broker (and its group coordinator).
    Broker,
    Consumer(u8),
    /// The warehouse that ships orders (an external service).
    Warehouse,
    /// The stream workload: the input topic, each instance of the job (numbered from 0 in
    /// the order they started), the transaction coordinator (and, for the Flink-style job,
    /// its checkpoint coordinator), the output topic and the downstream reader, declared
    /// in the order of their lanes.
    InputTopic,
    Job(u8),
    Coordinator,
    OutputTopic,
    Reader,
    Nobody,
}

impl Actor {
    /// Packed form, used for hashing.
    pub fn code(self) -> u64 {
        match self {
            Actor::Client(i) => 0x1_0000 | i as u64,
            Actor::Balancer => 0x2_0000,
            Actor::Replica(i) => 0x3_0000 | i as u64,
            Actor::Database => 0x4_0000,
            Actor::KeyStore => 0x5_0000,
            Actor::Provider => 0x6_0000,
            Actor::Email => 0x7_0000,
            Actor::Relay => 0x8_0000,
            Actor::OrderService => 0x9_0000,
            Actor::Broker => 0xA_0000,
            Actor::Consumer(i) => 0xB_0000 | i as u64,
            Actor::Warehouse => 0xC_0000,
            Actor::Job(i) => 0xD_0000 | i as u64,
            Actor::InputTopic => 0xE_0000,
            Actor::OutputTopic => 0xF_0000,
            Actor::Coordinator => 0x10_0000,
            Actor::Reader => 0x11_0000,
            Actor::Orchestrator => 0x12_0000,
            Actor::Inventory => 0x13_0000,
            Actor::Shipping => 0x14_0000,
            Actor::Nobody => 0,
        }
    }

    /// The actor a [`Actor::code`] stands for (`None` for a code no actor has).
    pub fn from_code(code: u64) -> Option<Actor> {
        let index = code & 0xFFFF;
        Some(match code >> 16 {
            0 if index == 0 => Actor::Nobody,
            1 => Actor::Client(index as u16),
            2 if index == 0 => Actor::Balancer,
            3 if index <= u8::MAX as u64 => Actor::Replica(index as u8),
            4 if index == 0 => Actor::Database,
            5 if index == 0 => Actor::KeyStore,
            6 if index == 0 => Actor::Provider,
            7 if index == 0 => Actor::Email,
            8 if index == 0 => Actor::Relay,
            9 if index == 0 => Actor::OrderService,
            10 if index == 0 => Actor::Broker,
            11 if index <= u8::MAX as u64 => Actor::Consumer(index as u8),
            12 if index == 0 => Actor::Warehouse,
            13 if index <= u8::MAX as u64 => Actor::Job(index as u8),
            14 if index == 0 => Actor::InputTopic,
            15 if index == 0 => Actor::OutputTopic,
            16 if index == 0 => Actor::Coordinator,
            17 if index == 0 => Actor::Reader,
            18 if index == 0 => Actor::Orchestrator,
            19 if index == 0 => Actor::Inventory,
            20 if index == 0 => Actor::Shipping,
            _ => return None,
        })
    }

    /// Human name: "client 3", "replica B", "the database".
    pub fn label(self) -> String {
        match self {
            Actor::Client(i) => format!("client {}", i + 1),
            Actor::Balancer => "load balancer".into(),
            Actor::Replica(i) => format!("replica {}", replica_letter(i)),
            Actor::Database => "database".into(),
            Actor::KeyStore => "key store".into(),
            Actor::Provider => "payment provider".into(),
            Actor::Email => "email service".into(),
            Actor::Relay => "outbox relay".into(),
            Actor::OrderService => "order service".into(),
            Actor::Broker => "broker".into(),
            Actor::Consumer(i) => format!("consumer {}", i + 1),
            Actor::Warehouse => "warehouse".into(),
            Actor::Job(i) => format!("job instance {}", i + 1),
            Actor::InputTopic => "input topic".into(),
            Actor::OutputTopic => "output topic".into(),
            Actor::Coordinator => "coordinator".into(),
            Actor::Reader => "downstream reader".into(),
            Actor::Orchestrator => "orchestrator".into(),
            Actor::Inventory => "inventory".into(),
            Actor::Shipping => "shipping".into(),
            Actor::Nobody => "nobody".into(),
        }
    }

    fn token(self) -> String {
        match self {
            Actor::Client(i) => format!("client:{i}"),
            Actor::Replica(i) => format!("replica:{i}"),
            Actor::Balancer => "balancer".into(),
            Actor::Database => "database".into(),
            Actor::KeyStore => "keystore".into(),
            Actor::Provider => "provider".into(),
            Actor::Email => "email".into(),
            Actor::Relay => "relay".into(),
            Actor::OrderService => "orders".into(),
            Actor::Broker => "broker".into(),
            Actor::Consumer(i) => format!("consumer:{i}"),
            Actor::Warehouse => "warehouse".into(),
            Actor::Job(i) => format!("job:{i}"),
            Actor::InputTopic => "input".into(),
            Actor::OutputTopic => "output".into(),
            Actor::Coordinator => "coordinator".into(),
            Actor::Reader => "reader".into(),
            Actor::Orchestrator => "orchestrator".into(),
            Actor::Inventory => "inventory".into(),
            Actor::Shipping => "shipping".into(),
            Actor::Nobody => "-".into(),
        }
    }

    fn from_token(s: &str) -> Option<Actor> {
        Some(match s {
            "balancer" => Actor::Balancer,
            "database" => Actor::Database,
            "keystore" => Actor::KeyStore,
            "provider" => Actor::Provider,
            "email" => Actor::Email,
            "relay" => Actor::Relay,
            "orders" => Actor::OrderService,
            "broker" => Actor::Broker,
            "warehouse" => Actor::Warehouse,
            "input" => Actor::InputTopic,
            "output" => Actor::OutputTopic,
            "coordinator" => Actor::Coordinator,
            "reader" => Actor::Reader,
            "orchestrator" => Actor::Orchestrator,
            "inventory" => Actor::Inventory,
            "shipping" => Actor::Shipping,
            "-" => Actor::Nobody,
            _ => {
                let (kind, index) = s.split_once(':')?;
                match kind {
                    "client" => Actor::Client(index.parse().ok()?),
                    "replica" => Actor::Replica(index.parse().ok()?),
                    "consumer" => Actor::Consumer(index.parse().ok()?),
                    "job" => Actor::Job(index.parse().ok()?),
                    _ => return None,
                }
            }
        })
    }
}

/// Replicas are named A, B, C… in narratives and the diagram.
pub fn replica_letter(index: u8) -> char {
    (b'A' + index % 26) as char
}

impl Serialize for Actor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.token())
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Actor::from_token(&s).ok_or_else(|| serde::de::Error::custom(format!("bad actor '{s}'")))
    }
}

/// What travels in a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum MessageKind {
    Request = 1,
    Forward = 2,
    Response = 3,
    ChargeCall = 4,
    ChargeReply = 5,
    EmailCall = 6,
    EmailReply = 7,
    ReadBack = 8,
    /// A producer's publish to the broker, and the broker's acknowledgement.
    Publish = 9,
    PublishAck = 10,
    /// A record (log) or message (queue) the broker hands to a consumer.
    Record = 11,
    /// A consumer's offset commit (log) or delete (queue).
    OffsetCommit = 12,
    Delete = 13,
    /// A consumer extends a message's visibility timeout.
    Heartbeat = 14,
    /// A consumer's call to the warehouse, and its reply.
    ShipCall = 15,
    ShipReply = 16,
    /// The saga's orchestrator asks the inventory to reserve or release stock, and the
    /// provider to refund (charges and shipments use `ChargeCall` and `ShipCall`).
    Reserve = 17,
    ReserveReply = 18,
    Release = 19,
    ReleaseReply = 20,
    Refund = 21,
    RefundReply = 22,
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum DropReason {
    Loss = 1,
    Partition = 2,
    ReplicaDown = 3,
    /// The receiver had already given up on it (a late reply).
    Stale = 4,
}

/// How a client operation ended, as the client believes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Succeeded,
    Failed,
    Unknown,
}

/// The result of an idempotency-key lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum KeyCheckOutcome {
    /// No record: run the handler.
    New = 1,
    /// Record expired (TTL): run as new.
    Expired = 2,
    /// An in-progress record whose lock timed out: run as new.
    LockExpired = 3,
    /// Completed record: replay.
    Replay = 4,
    /// In progress: 409.
    InProgress = 5,
    /// Different payload: 422.
    Mismatch = 6,
    /// Key required but absent: 400.
    Missing = 7,
    /// No key on the request, not required: run.
    NoKey = 8,
    /// An in-progress record exists but there is no lock: run concurrently.
    Unlocked = 9,
}

/// What a database write touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Table {
    Orders = 1,
    Inventory = 2,
    Accounts = 3,
    Profiles = 4,
    Payments = 5,
    /// The events workload's projection: one row per applied event.
    Ledger = 6,
    /// The idempotent consumer's processed message ids.
    ProcessedMessages = 7,
}

/// One event: when, who (`actor`, and `peer` at the other end), for which operation and
/// attempt, and what ([`Detail`]). At most 40 bytes, so millions fit in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    pub time: u64,
    pub detail: Detail,
    pub op: u32,
    pub actor: Actor,
    pub peer: Actor,
    pub attempt: u8,
}

impl TraceEvent {
    pub fn kind(&self) -> EventKind {
        self.detail.kind()
    }
}

/// Sentinel for "no operation".
pub const NO_OP: u32 = u32::MAX;

const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01B3;

/// The trace: a running hash over every event, and the events themselves when recording.
#[derive(Clone, Debug)]
pub struct Trace {
    pub hash: u64,
    pub count: u64,
    pub record: bool,
    pub events: Vec<TraceEvent>,
}

impl Trace {
    pub fn new(record: bool) -> Self {
        Trace {
            hash: FNV_OFFSET,
            count: 0,
            record,
            events: Vec::new(),
        }
    }

    /// Hash the event (FNV-1a over 64-bit words) and keep it if recording. Returns its id.
    #[inline(always)]
    pub fn emit(&mut self, event: TraceEvent) -> u32 {
        let (msg, detail, value) = event.detail.hash_words();
        let words = [
            event.time,
            value as u64,
            (event.op as u64) << 32 | msg as u64,
            (detail as u64) << 32 | (event.kind() as u64) << 8 | event.attempt as u64,
            event.actor.code() << 32 | event.peer.code(),
        ];
        let mut h = self.hash;
        for w in words {
            h = (h ^ w).wrapping_mul(FNV_PRIME);
        }
        self.hash = h;
        let id = self.count as u32;
        self.count += 1;
        if self.record {
            self.events.push(event);
        }
        id
    }

    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_event_is_compact() {
        assert!(std::mem::size_of::<TraceEvent>() <= 40);
    }

    #[test]
    fn actors_round_trip_through_json() {
        for a in [
            Actor::Client(3),
            Actor::Replica(1),
            Actor::Balancer,
            Actor::Relay,
        ] {
            let s = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Actor>(&s).unwrap(), a);
        }
        assert!(serde_json::from_str::<Actor>("\"client:x\"").is_err());
    }

    #[test]
    fn hash_changes_with_any_field() {
        let e = TraceEvent {
            time: 1,
            detail: Detail::Send {
                msg: 4,
                message: MessageKind::Request,
                value: 2,
            },
            op: 3,
            actor: Actor::Client(0),
            peer: Actor::Balancer,
            attempt: 1,
        };
        let hash_of = |e: TraceEvent| {
            let mut t = Trace::new(false);
            t.emit(e);
            t.hash
        };
        let h = hash_of(e);
        assert_ne!(h, hash_of(TraceEvent { time: 9, ..e }));
        assert_ne!(h, hash_of(TraceEvent { attempt: 2, ..e }));
        assert_ne!(
            h,
            hash_of(TraceEvent {
                peer: Actor::Replica(0),
                ..e
            })
        );
        assert_ne!(
            h,
            hash_of(TraceEvent {
                detail: Detail::Drop {
                    msg: 4,
                    message: MessageKind::Request,
                    reason: DropReason::Loss,
                },
                ..e
            })
        );
    }
}
