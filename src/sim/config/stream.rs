//! The `stream` workload's world: a read-process-write job that turns `OrderPlaced` records
//! of an input topic into `Invoice` records of an output topic (Kafka transactions, or a
//! Flink-style job with checkpoints and a two-phase-commit sink), and a downstream reader.
//! Defaults are the real systems' (DESIGN §10); its protections are [`StreamProtections`].

use serde::{Deserialize, Serialize};

use super::Micros;

/// Which kind of job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamMode {
    /// A consume-transform-produce loop with a (transactional) Kafka producer.
    Kafka,
    /// A Flink-style job: checkpoint barriers and a two-phase-commit sink.
    Flink,
}

/// When a job whose input offsets are not part of the transaction commits them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamOffsetCommit {
    /// A separate offset commit before the transaction commits (a crash between loses).
    BeforeTransaction,
    /// A separate offset commit after the transaction committed (a crash between repeats).
    AfterTransaction,
}

/// Where the job can crash, in the order processing reaches them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamCrashPoint {
    /// After writing a record's invoice, before anything about it is committed.
    AfterWrite,
    /// Between the transaction commit and the separate offset commit (either order).
    BetweenCommits,
    /// Flink: after the sink pre-committed at a checkpoint, before the checkpoint completed.
    AfterPreCommit,
    /// Flink: after the checkpoint completed, before the sink committed its transaction.
    AfterCheckpoint,
}

impl StreamCrashPoint {
    pub const ALL: [StreamCrashPoint; 4] = [
        StreamCrashPoint::AfterWrite,
        StreamCrashPoint::BetweenCommits,
        StreamCrashPoint::AfterPreCommit,
        StreamCrashPoint::AfterCheckpoint,
    ];

    /// Plain words for narratives.
    pub fn phrase(self) -> &'static str {
        match self {
            StreamCrashPoint::AfterWrite => "after writing an invoice, before committing",
            StreamCrashPoint::BetweenCommits => {
                "between the transaction commit and the separate offset commit"
            }
            StreamCrashPoint::AfterPreCommit => {
                "after the sink pre-committed, before the checkpoint completed"
            }
            StreamCrashPoint::AfterCheckpoint => {
                "after the checkpoint completed, before the sink committed"
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamCrashConfig {
    pub after_write: f64,
    pub between_commits: f64,
    pub after_pre_commit: f64,
    pub after_checkpoint: f64,
    /// How long the job is down before a new instance starts (or the job restores).
    pub downtime_us: Micros,
}

impl StreamCrashConfig {
    pub fn probability(&self, point: StreamCrashPoint) -> f64 {
        match point {
            StreamCrashPoint::AfterWrite => self.after_write,
            StreamCrashPoint::BetweenCommits => self.between_commits,
            StreamCrashPoint::AfterPreCommit => self.after_pre_commit,
            StreamCrashPoint::AfterCheckpoint => self.after_checkpoint,
        }
    }
}

impl Default for StreamCrashConfig {
    fn default() -> Self {
        StreamCrashConfig {
            after_write: 0.0,
            between_commits: 0.0,
            after_pre_commit: 0.0,
            after_checkpoint: 0.0,
            downtime_us: 500_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamConfig {
    pub mode: StreamMode,
    /// Time between two `OrderPlaced` records appended to the input topic.
    pub order_interval_us: Micros,
    pub processing_min_us: Micros,
    pub processing_mean_us: Micros,
    pub slow_probability: f64,
    pub slow_us: Micros,
    /// Kafka mode: records per transaction (and per offset commit).
    pub batch_records: u32,
    /// Kafka mode, offsets outside the transaction: when the separate commit happens.
    pub offset_commit: StreamOffsetCommit,
    /// The broker's `transaction.max.timeout.ms` (15 min): a larger request is refused.
    pub transaction_max_timeout_us: Micros,
    /// Flink mode: time between two checkpoint barriers.
    pub checkpoint_interval_us: Micros,
    /// Flink mode: from a barrier to the checkpoint's completion (every ack collected).
    pub checkpoint_ack_us: Micros,
    /// Kafka mode: an instance silent this long is presumed dead and replaced.
    pub liveness_timeout_us: Micros,
    /// Kafka mode: chance that processing one record is interrupted by a long pause (GC).
    pub pause_probability: f64,
    pub pause_us: Micros,
    pub crash: StreamCrashConfig,
}

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig {
            mode: StreamMode::Kafka,
            order_interval_us: 20_000,
            processing_min_us: 5_000,
            processing_mean_us: 5_000,
            slow_probability: 0.0,
            slow_us: 1_000_000,
            batch_records: 5,
            offset_commit: StreamOffsetCommit::AfterTransaction,
            transaction_max_timeout_us: 900_000_000,
            checkpoint_interval_us: 200_000,
            checkpoint_ack_us: 20_000,
            liveness_timeout_us: 10_000_000,
            pause_probability: 0.0,
            pause_us: 2_000_000,
            crash: StreamCrashConfig::default(),
        }
    }
}

/// The stream workload's protections (all off by default).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamProtections {
    /// A transactional producer (Kafka) or a two-phase-commit sink (Flink); off, a plain
    /// at-least-once producer whose writes are visible at once.
    pub transactions: bool,
    /// The downstream reader reads `read_committed` (off: `read_uncommitted`, Kafka's
    /// default, which also sees open and aborted records).
    pub read_committed: bool,
    /// Kafka mode: the input offsets are committed in the transaction
    /// (`sendOffsetsToTransaction`); off, in a separate commit.
    pub offsets_in_transaction: bool,
    /// Kafka mode: the same `transactional.id` on every start, so a new instance fences
    /// the old one; off, a random one per start.
    pub stable_transactional_id: bool,
    /// `transaction.timeout.ms` the job asks for; 0 is the client's default (a Kafka
    /// producer: 60 s; Flink's Kafka sink: 1 h).
    pub transaction_timeout_us: Micros,
    /// The downstream reads the output as a table keyed by order (upsert by key): a
    /// second invoice for an order replaces the first.
    pub upsert_sink: bool,
}

/// A Kafka producer's default `transaction.timeout.ms`: 60 s.
pub const KAFKA_TRANSACTION_TIMEOUT_US: Micros = 60_000_000;
/// Flink's Kafka sink's default `transaction.timeout.ms`: 1 h.
pub const FLINK_TRANSACTION_TIMEOUT_US: Micros = 3_600_000_000;

impl StreamProtections {
    /// Every stream protection on: the largest timeout the broker accepts by default.
    pub fn full() -> Self {
        StreamProtections {
            transactions: true,
            read_committed: true,
            offsets_in_transaction: true,
            stable_transactional_id: true,
            transaction_timeout_us: 900_000_000,
            upsert_sink: false,
        }
    }

    /// The timeout the job asks for in `mode`.
    pub fn timeout_in(&self, mode: StreamMode) -> Micros {
        match (self.transaction_timeout_us, mode) {
            (0, StreamMode::Kafka) => KAFKA_TRANSACTION_TIMEOUT_US,
            (0, StreamMode::Flink) => FLINK_TRANSACTION_TIMEOUT_US,
            (t, _) => t,
        }
    }
}
