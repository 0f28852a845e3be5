//! The `stream` workload's presets: each shows one way "exactly-once" stream processing
//! duplicates, loses or doubles output. Times are scaled down from the real defaults
//! (Kafka's 60 s transaction timeout, a 45 s session) so that a story fits on one screen.

use crate::sim::config::*;
use crate::sim::oracle::AnomalyKind;

use super::{Lesson, Preset};

fn stream(operations: u32) -> Scenario {
    Scenario {
        workload: Workload::Stream,
        operations,
        ..Scenario::default()
    }
}

/// Transactions with a stable id, offsets in the transaction and a read_committed reader,
/// the protections a preset then takes one away from.
fn transactional(s: &mut Scenario) -> &mut StreamProtections {
    let p = &mut s.protections.stream;
    p.transactions = true;
    p.read_committed = true;
    p.offsets_in_transaction = true;
    p.stable_transactional_id = true;
    p
}

pub(super) fn presets() -> Vec<Preset> {
    let mut presets = Vec::new();
    let mut add = |name, description, kind, scenario| {
        presets.push(Preset {
            name,
            description,
            lesson: Lesson::Anomaly(kind),
            scenario,
        })
    };

    let mut s = stream(40);
    s.stream.crash.after_write = 0.08;
    add("stream-nontransactional-restart", "A read-process-write job with a plain producer crashes after writing invoices but before committing its input offsets; the new instance reads those orders again and writes their invoices a second time.", AnomalyKind::DuplicateOutput, s);

    let mut s = stream(60);
    transactional(&mut s).offsets_in_transaction = false;
    s.stream.offset_commit = StreamOffsetCommit::AfterTransaction;
    s.stream.crash.between_commits = 0.3;
    add("stream-offsets-outside-tx", "The job commits its transaction, then its input offsets in a separate commit; a crash between the two leaves committed invoices whose orders the next instance reads and invoices again.", AnomalyKind::DuplicateOutput, s);

    let mut s = stream(60);
    transactional(&mut s).stable_transactional_id = false;
    s.stream.pause_probability = 0.06;
    s.stream.pause_us = 1_000_000;
    s.stream.liveness_timeout_us = 300_000;
    add("stream-zombie-random-id", "An instance pauses for 1 s (a GC pause); after 300 ms of silence a new instance takes over. The job picks a random transactional.id per start, so nothing fences the old one: it wakes, finishes its transaction and commits invoices the new instance also writes.", AnomalyKind::ZombieWrite, s);

    let mut s = stream(40);
    transactional(&mut s).read_committed = false;
    s.stream.crash.after_write = 0.08;
    add("stream-read-uncommitted", "The job writes in transactions and crashes after some writes; the new instance aborts the open transaction and writes those invoices again, but the downstream reader reads read_uncommitted (Kafka's default) and received the aborted ones too.", AnomalyKind::DuplicateOutput, s);

    let mut s = stream(100);
    s.stream.mode = StreamMode::Flink;
    transactional(&mut s).transaction_timeout_us = 30_000_000;
    s.stream.checkpoint_interval_us = 200_000;
    s.stream.crash.after_checkpoint = 0.3;
    s.stream.crash.downtime_us = 60_000_000;
    add("flink-downtime-timeout", "A Flink job with a two-phase-commit sink crashes after a checkpoint completed but before its sink committed; it is down for 1 min, longer than the 30 s transaction timeout, so the broker aborts the pre-committed invoices, and the restored checkpoint's offsets are already past their orders.", AnomalyKind::LostOutput, s);

    presets
}
