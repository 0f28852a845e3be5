//! Lesson 14: "exactly-once" stream processing — Kafka transactions, the reader's
//! isolation, and the Flink two-phase-commit sink's transaction-timeout data loss
//! (DESIGN §10). Terms follow Kafka (KIP-98) and Flink.

use super::{Claim, Cursor, Lesson, Show, Step};
use crate::sim::fault_set::FaultKind;
use crate::sim::oracle::AnomalyKind as A;

pub const LESSONS: [Lesson; 1] = [Lesson {
    id: "exactly-once-streams",
    number: 14,
    title: "\"Exactly-once\" streams and the transaction timeout",
    seed: 1,
    steps: &[
        Step {
            title: "Invoices written twice",
            text: "A job reads OrderPlaced records from an input topic and writes an Invoice for each to an output topic, with a plain producer. Here an order's invoice reached the downstream reader twice.",
            show: Show::preset("stream-nontransactional-restart"),
            cursor: Cursor::Anomaly(A::DuplicateOutput),
            claim: Claim::Shows(A::DuplicateOutput),
        },
        Step {
            title: "A crash before the offsets were committed",
            text: "The job crashed after writing invoices but before committing its input offsets. The new instance started from the last committed offset, read those orders again and invoiced them again: at-least-once, not exactly-once.",
            show: Show::preset("stream-nontransactional-restart"),
            cursor: Cursor::FaultBehind(A::DuplicateOutput, FaultKind::Crash),
            claim: Claim::Shows(A::DuplicateOutput),
        },
        Step {
            title: "One transaction for invoices and offsets",
            text: "With a transactional producer, the invoices and the input offsets commit together in one Kafka transaction (sendOffsetsToTransaction). A new instance with the same transactional.id aborts the crashed one's open transaction, and the reader, reading read_committed, never sees aborted invoices.",
            show: Show::preset("stream-nontransactional-restart-protected"),
            cursor: Cursor::End,
            claim: Claim::Clean,
        },
        Step {
            title: "The reader's isolation level",
            text: "Transactions alone are not enough. Here the job writes in transactions, but the downstream reader uses Kafka's default, read_uncommitted: it receives the invoices of the aborted transaction as well as their rewrites.",
            show: Show::preset("stream-read-uncommitted"),
            cursor: Cursor::Anomaly(A::DuplicateOutput),
            claim: Claim::Shows(A::DuplicateOutput),
        },
        Step {
            title: "Flink: down longer than the transaction timeout",
            text: "A Flink job's two-phase-commit sink pre-commits its transaction at each checkpoint and commits it once the checkpoint completes. This job crashed after a checkpoint completed but before its sink committed, and stayed down for 1 min, longer than the 30 s transaction timeout. The broker aborted the pre-committed invoices, and the restored checkpoint's offsets were already past their orders: those invoices are lost, and nothing reports it.",
            show: Show::preset("flink-downtime-timeout"),
            cursor: Cursor::Anomaly(A::LostOutput),
            claim: Claim::Shows(A::LostOutput),
        },
        Step {
            title: "A timeout above the downtime",
            text: "With the transaction timeout at 15 min, the broker's default maximum (transaction.max.timeout.ms), above the checkpoint interval plus the downtime, the pre-committed transaction is still open when the job comes back, the restore commits it, and no invoice is lost.",
            show: Show::preset("flink-downtime-timeout-protected"),
            cursor: Cursor::End,
            claim: Claim::Clean,
        },
    ],
    summary: "Kafka's exactly-once is read-process-write in one transaction: the output records and the input offsets commit together, a stable transactional.id fences a zombie instance, and readers must read read_committed. It covers Kafka to Kafka only; effects anywhere else still need idempotence. Flink's two-phase-commit sink adds a trap: the broker aborts a pre-committed transaction that outlives its timeout while the job is down, and the data is lost silently. Keep the transaction timeout above the checkpoint interval plus the longest downtime (Flink's Kafka sink defaults to 1 h, above the broker's default 15 min cap, and fails at start-up unless one of them is changed).",
    builds_on: &["dedup-store", "idempotent-producer"],
    terms: &[
        "Kafka transaction",
        "transactional id",
        "zombie fencing",
        "read_committed",
        "checkpoint",
        "two-phase commit",
        "transaction timeout",
        "at-least-once",
    ],
}];
