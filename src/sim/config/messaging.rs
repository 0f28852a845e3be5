//! The `events` workload's world: the broker, the producers and the consumer group, with
//! the real systems' defaults (Kafka 3.x consumers and producers, SQS queues; DESIGN §10).
//! Its protections (dedup store, idempotent producer, broker dedup, heartbeat) are in
//! `protections.rs` with the others.

use serde::{Deserialize, Serialize};

use super::Micros;

/// How the broker keeps and hands out messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerMode {
    /// A partitioned log read by a consumer group with committed offsets (Kafka).
    Log,
    /// A queue with receive, visibility timeout, delete and a dead-letter queue (SQS).
    Queue,
}

/// When a log consumer commits its offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetCommit {
    /// Before processing the record: at most once (a crash loses it).
    BeforeProcessing,
    /// After processing the record: at least once (a crash repeats it).
    AfterProcessing,
    /// On a timer, whatever has been processed: can commit past records still in work.
    Auto,
}

/// Where a consumer crash can be injected, in the order processing reaches them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessagingCrashPoint {
    /// The order service, after committing the order, before publishing its event.
    AfterCommitBeforePublish,
    /// The outbox relay, after publishing, before the broker's acknowledgement arrives.
    RelayBeforeAck,
    /// The outbox relay, after the acknowledgement, before marking the row sent.
    RelayBeforeMarkSent,
    /// A consumer, after receiving a message, before doing anything with it.
    ConsumerAfterReceive,
    /// A consumer, after the warehouse shipped, before the ledger transaction.
    ConsumerAfterShip,
    /// A consumer, after the ledger transaction, before committing the offset or deleting
    /// the message.
    ConsumerAfterApply,
}

impl MessagingCrashPoint {
    pub const ALL: [MessagingCrashPoint; 6] = [
        MessagingCrashPoint::AfterCommitBeforePublish,
        MessagingCrashPoint::RelayBeforeAck,
        MessagingCrashPoint::RelayBeforeMarkSent,
        MessagingCrashPoint::ConsumerAfterReceive,
        MessagingCrashPoint::ConsumerAfterShip,
        MessagingCrashPoint::ConsumerAfterApply,
    ];

    /// Plain words for narratives: "after committing the order, before publishing".
    pub fn phrase(self) -> &'static str {
        match self {
            MessagingCrashPoint::AfterCommitBeforePublish => {
                "after committing the order, before publishing its event"
            }
            MessagingCrashPoint::RelayBeforeAck => {
                "after publishing, before the broker's acknowledgement arrived"
            }
            MessagingCrashPoint::RelayBeforeMarkSent => {
                "after the broker acknowledged the event, before marking the outbox row sent"
            }
            MessagingCrashPoint::ConsumerAfterReceive => "right after receiving the message",
            MessagingCrashPoint::ConsumerAfterShip => {
                "after the warehouse shipped, before the ledger transaction"
            }
            MessagingCrashPoint::ConsumerAfterApply => {
                "after the ledger transaction, before committing its offset or deleting the message"
            }
        }
    }
}

/// Crash probabilities of the messaging processes, each drawn per message and point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagingCrashConfig {
    pub after_commit_before_publish: f64,
    pub relay_before_ack: f64,
    pub relay_before_mark_sent: f64,
    pub consumer_after_receive: f64,
    pub consumer_after_ship: f64,
    pub consumer_after_apply: f64,
    /// How long a crashed process stays down.
    pub downtime_us: Micros,
}

impl Default for MessagingCrashConfig {
    fn default() -> Self {
        MessagingCrashConfig {
            after_commit_before_publish: 0.0,
            relay_before_ack: 0.0,
            relay_before_mark_sent: 0.0,
            consumer_after_receive: 0.0,
            consumer_after_ship: 0.0,
            consumer_after_apply: 0.0,
            downtime_us: 500_000,
        }
    }
}

impl MessagingCrashConfig {
    pub fn probability(&self, point: MessagingCrashPoint) -> f64 {
        match point {
            MessagingCrashPoint::AfterCommitBeforePublish => self.after_commit_before_publish,
            MessagingCrashPoint::RelayBeforeAck => self.relay_before_ack,
            MessagingCrashPoint::RelayBeforeMarkSent => self.relay_before_mark_sent,
            MessagingCrashPoint::ConsumerAfterReceive => self.consumer_after_receive,
            MessagingCrashPoint::ConsumerAfterShip => self.consumer_after_ship,
            MessagingCrashPoint::ConsumerAfterApply => self.consumer_after_apply,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagingConfig {
    pub mode: BrokerMode,
    /// Partitions of the topic (log mode); an order's event goes to `order % partitions`.
    pub partitions: u32,
    /// Members of the consumer group (or consumers of the queue).
    pub consumers: u32,
    /// Time between two orders placed at the order service.
    pub order_interval_us: Micros,
    /// A consumer's processing time: minimum + exponential(mean), plus `slow_us` with
    /// `slow_probability`.
    pub processing_min_us: Micros,
    pub processing_mean_us: Micros,
    pub slow_probability: f64,
    pub slow_us: Micros,
    /// Log mode: when offsets are committed (Kafka's default is auto-commit; the
    /// at-least-once pattern commits after processing).
    pub commit: OffsetCommit,
    /// `auto.commit.interval.ms` (5 s).
    pub auto_commit_interval_us: Micros,
    /// `max.poll.interval.ms` (5 min): a member that takes longer between polls is removed
    /// and its partitions move to another member.
    pub max_poll_interval_us: Micros,
    /// `session.timeout.ms` (45 s): how long a crashed member keeps its partitions.
    pub session_timeout_us: Micros,
    /// Queue mode: how long a received message stays invisible (SQS: 30 s).
    pub visibility_timeout_us: Micros,
    /// Queue mode: receives after which a message moves to the dead-letter queue (0: no
    /// dead-letter queue).
    pub max_receive_count: u32,
    /// Loss on the producer↔broker link, each way.
    pub publish_loss: f64,
    /// Loss on the consumer↔warehouse link, each way.
    pub warehouse_loss: f64,
    /// A producer re-sends an unacknowledged publish after `request.timeout.ms` (30 s) and
    /// gives up after `delivery.timeout.ms` (2 min).
    pub request_timeout_us: Micros,
    pub delivery_timeout_us: Micros,
    /// How often the outbox relay looks for unsent rows.
    pub relay_interval_us: Micros,
    /// A consumer calls the warehouse again after this long without a reply.
    pub warehouse_timeout_us: Micros,
    /// The warehouse honours the idempotency key it is given (like the payment provider).
    pub warehouse_honours_keys: bool,
    pub crash: MessagingCrashConfig,
}

impl Default for MessagingConfig {
    fn default() -> Self {
        MessagingConfig {
            mode: BrokerMode::Log,
            partitions: 2,
            consumers: 2,
            order_interval_us: 50_000,
            processing_min_us: 20_000,
            processing_mean_us: 20_000,
            slow_probability: 0.0,
            slow_us: 1_000_000,
            commit: OffsetCommit::AfterProcessing,
            auto_commit_interval_us: 5_000_000,
            max_poll_interval_us: 300_000_000,
            session_timeout_us: 45_000_000,
            visibility_timeout_us: 30_000_000,
            max_receive_count: 0,
            publish_loss: 0.0,
            warehouse_loss: 0.0,
            request_timeout_us: 30_000_000,
            delivery_timeout_us: 120_000_000,
            relay_interval_us: 100_000,
            warehouse_timeout_us: 1_000_000,
            warehouse_honours_keys: true,
            crash: MessagingCrashConfig::default(),
        }
    }
}

/// Where an idempotent consumer keeps the ids of the messages it processed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DedupLocation {
    /// In the consumer's memory: lost on a crash, not shared with other consumers.
    #[serde(rename = "consumer_memory")]
    Memory,
    /// A `processed_messages` table keyed by (consumer group, message id).
    Database,
}

/// When the idempotent consumer records a message id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DedupRecording {
    /// In the ledger transaction: the effect and the id commit together (correct).
    SameTransaction,
    /// In a second transaction after the effect: a crash between repeats the effect.
    AfterEffect,
    /// Before processing: a crash after it loses the event.
    BeforeProcessing,
}

/// The idempotent consumer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupStoreConfig {
    pub enabled: bool,
    pub location: DedupLocation,
    /// How long an id is remembered.
    pub ttl_us: Micros,
    pub recording: DedupRecording,
}

impl Default for DedupStoreConfig {
    fn default() -> Self {
        DedupStoreConfig {
            enabled: false,
            location: DedupLocation::Database,
            ttl_us: 7 * 86_400_000_000,
            recording: DedupRecording::SameTransaction,
        }
    }
}

/// SQS FIFO deduplication of sends (queue mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerDedup {
    /// A standard queue: every send is delivered.
    Off,
    /// `MessageDeduplicationId` = a hash of the body. The body carries the time it was
    /// published, so a re-publish is a different body; only a resent request matches.
    ContentBased,
    /// `MessageDeduplicationId` = the event's id.
    ExplicitId,
}

/// SQS FIFO's deduplication window: 5 minutes.
pub const FIFO_DEDUP_WINDOW_US: Micros = 300_000_000;
