//! The knobs of the `stream` workload: the job, its topics and reader, and their
//! protections. Part of [`KNOBS`](super::KNOBS), in control-panel order.

use super::knobs::{knob, Knob, KnobGroup as G, KnobKind as K};
use super::limits::MAX_DURATION_US as HOUR;

const fn duration(min: u64) -> K {
    K::Duration { min, max: HOUR }
}

pub(super) const STREAM_KNOBS: &[Knob] = &[
    knob(
        "stream.mode",
        "Job",
        "A consume-transform-produce loop with a Kafka producer, or a Flink-style job with checkpoint barriers and a two-phase-commit sink.",
        K::Choice(&["kafka", "flink"]),
        G::Stream,
    ),
    knob(
        "stream.order_interval_us",
        "Order interval",
        "Time between two OrderPlaced records on the input topic.",
        duration(1_000),
        G::Stream,
    ),
    knob(
        "stream.processing_min_us",
        "Processing time",
        "The job's least time on one record.",
        duration(0),
        G::Stream,
    ),
    knob(
        "stream.processing_mean_us",
        "Processing mean",
        "Mean of the exponential part of the job's time on one record.",
        duration(0),
        G::Stream,
    ),
    knob(
        "stream.slow_probability",
        "Slow records",
        "Chance that processing one record takes the slow extra.",
        K::Probability,
        G::Stream,
    ),
    knob(
        "stream.slow_us",
        "Slow extra",
        "Added to a slow record's processing time.",
        duration(0),
        G::Stream,
    ),
    knob(
        "stream.batch_records",
        "Records per transaction",
        "Kafka mode: records written per transaction (and per offset commit).",
        K::Count { min: 1, max: 100 },
        G::Stream,
    ),
    knob(
        "stream.offset_commit",
        "Separate offset commit",
        "Kafka mode, offsets outside the transaction: commit them before the transaction commits (a crash between loses output) or after it (a crash between repeats it).",
        K::Choice(&["before_transaction", "after_transaction"]),
        G::Stream,
    ),
    knob(
        "stream.transaction_max_timeout_us",
        "Broker's maximum transaction timeout",
        "transaction.max.timeout.ms (Kafka: 15 min): a job asking for a longer transaction timeout is refused at start-up.",
        duration(1_000),
        G::Stream,
    ),
    knob(
        "stream.checkpoint_interval_us",
        "Checkpoint interval",
        "Flink mode: time between two checkpoint barriers.",
        duration(1_000),
        G::Stream,
    ),
    knob(
        "stream.checkpoint_ack_us",
        "Checkpoint completion",
        "Flink mode: from a barrier to the checkpoint's completion, when every operator has acknowledged it.",
        duration(0),
        G::Stream,
    ),
    knob(
        "stream.liveness_timeout_us",
        "Liveness timeout",
        "Kafka mode: an instance silent this long is presumed dead and a new one starts (like session.timeout.ms, 45 s).",
        duration(1_000),
        G::Stream,
    ),
    knob(
        "stream.pause_probability",
        "Pauses",
        "Kafka mode: chance that processing one record is interrupted by a long pause (a GC pause, a frozen VM).",
        K::Probability,
        G::Stream,
    ),
    knob(
        "stream.pause_us",
        "Pause length",
        "How long such a pause lasts.",
        duration(0),
        G::Stream,
    ),
    knob(
        "stream.crash.after_write",
        "Crash after a write",
        "Probability the job crashes after writing an invoice, before committing it.",
        K::Probability,
        G::Stream,
    ),
    knob(
        "stream.crash.between_commits",
        "Crash between commits",
        "Probability the job crashes between the transaction commit and a separate offset commit.",
        K::Probability,
        G::Stream,
    ),
    knob(
        "stream.crash.after_pre_commit",
        "Crash after pre-commit",
        "Flink mode: probability the job crashes after the sink pre-committed, before the checkpoint completed.",
        K::Probability,
        G::Stream,
    ),
    knob(
        "stream.crash.after_checkpoint",
        "Crash after checkpoint",
        "Flink mode: probability the job crashes after the checkpoint completed, before the sink committed.",
        K::Probability,
        G::Stream,
    ),
    knob(
        "stream.crash.downtime_us",
        "Job downtime",
        "How long a crashed job is down before it restarts.",
        duration(0),
        G::Stream,
    ),
    knob(
        "protections.stream.transactions",
        "Transactions",
        "A transactional producer (Kafka) or a two-phase-commit sink (Flink); off, a plain at-least-once producer whose writes are visible at once.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.stream.read_committed",
        "Reader: read_committed",
        "The downstream reader skips open and aborted records (off: read_uncommitted, Kafka's default).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.stream.offsets_in_transaction",
        "Offsets in the transaction",
        "Kafka mode: the input offsets commit with the output (sendOffsetsToTransaction); off, in a separate commit.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.stream.stable_transactional_id",
        "Stable transactional.id",
        "Kafka mode: the same transactional.id on every start, so a new instance fences the old one; off, a random one per start.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.stream.transaction_timeout_us",
        "Transaction timeout",
        "transaction.timeout.ms the job asks for; 0 is the client's default (Kafka producer 60 s, Flink's Kafka sink 1 h). The coordinator aborts a transaction open longer.",
        K::Duration { min: 0, max: HOUR },
        G::Protection,
    ),
    knob(
        "protections.stream.upsert_sink",
        "Upsert sink",
        "The downstream reads the output as a table keyed by order: a second invoice for an order replaces the first.",
        K::Bool,
        G::Protection,
    ),
];
