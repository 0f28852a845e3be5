//! The Kafka job: a consume-transform-produce loop. Each instance reads a record, takes
//! its processing time (a pause may stop it for a while), writes the invoice — in a
//! transaction with a transactional producer, or plainly — and after every
//! `batch_records` records commits: the transaction with the input offsets in it, or the
//! transaction and a separate offset commit in either order, or (no transactions) the
//! offsets alone. A paused instance silent for the liveness timeout is replaced; when it
//! wakes it is a zombie: it finishes what it had fetched, and a stable `transactional.id`
//! fences it at its next write or commit.

use crate::sim::config::{StreamCrashPoint, StreamOffsetCommit};
use crate::sim::trace::{Actor, StreamDetail, NO_TXN};

use super::events::Event;
use super::instance::{transactional, State};
use super::job::{append_invoice, crashes, read};
use super::out::Out;

/// Start instance `k`: initialise its producer (fencing older ones with the same
/// `transactional.id`) and resume at the committed offset.
pub fn start(state: &mut State, k: u8, out: &mut Out) {
    let scenario = out.scenario;
    let tx = transactional(scenario);
    let tid = if tx && !scenario.protections.stream.stable_transactional_id {
        k as u32 + 1
    } else {
        0
    };
    let epoch = if tx {
        state.coordinator.init(tid, &mut state.topic, out)
    } else {
        0
    };
    let started = out.note(
        Actor::Job(k),
        Actor::Coordinator,
        StreamDetail::InstanceStarted { tid, epoch },
    );
    state.reader.catch_up(&state.topic, &state.coordinator, out);
    let inst = &mut state.instances[k as usize];
    inst.tid = tid;
    inst.epoch = epoch;
    inst.start_event = started;
    inst.position = state.coordinator.committed_offset;
    out.after(0, Event::Next { instance: k });
}

/// The loop: commit a full batch, read the next record, or wait for one.
pub fn on_next(state: &mut State, k: u8, out: &mut Out) {
    let batch_records = out.scenario.stream.batch_records as usize;
    let orders = state.orders;
    let inst = &mut state.instances[k as usize];
    if !inst.alive || inst.busy {
        return;
    }
    if inst.replaced_at.is_some() && inst.batch.is_empty() {
        // Its next poll tells it the input went to the newer instance.
        inst.alive = false;
        out.note(Actor::Job(k), Actor::InputTopic, StreamDetail::Stopped);
        return;
    }
    let end = inst.position >= orders;
    if !inst.batch.is_empty() && (inst.batch.len() >= batch_records || end) {
        commit(state, k, out);
        return;
    }
    if end {
        inst.alive = false;
        state.finished = true;
        out.note(Actor::Job(k), Actor::InputTopic, StreamDetail::Finished);
        return;
    }
    read(state, k, out);
}

/// The record is processed: write its invoice, maybe crash, go on.
pub fn on_processed(state: &mut State, k: u8, op: u32, delivery: u32, paused: bool, out: &mut Out) {
    if !state.instances[k as usize].alive {
        return;
    }
    state.instances[k as usize].busy = false;
    if paused {
        out.event(Actor::Job(k), Actor::Job(k), op, StreamDetail::Woke);
    }
    if !write(state, k, op, out) {
        return;
    }
    if crashes(state, k, op, delivery, StreamCrashPoint::AfterWrite, out) {
        return;
    }
    state.instances[k as usize].batch.push(op);
    out.after(0, Event::Next { instance: k });
}

/// Write order `op`'s invoice; false if the instance was refused (and is gone).
fn write(state: &mut State, k: u8, op: u32, out: &mut Out) -> bool {
    let scenario = out.scenario;
    let txn = if transactional(scenario) {
        let inst = &state.instances[k as usize];
        let (tid, epoch, txn) = (inst.tid, inst.epoch, inst.txn);
        if let Some(event) = state.coordinator.refusal(k, tid, epoch, txn, op, out) {
            refused(state, k, event, out);
            return false;
        }
        match txn {
            Some(txn) => txn,
            None => {
                let txn = state.coordinator.begin(k, tid, epoch, out);
                let timeout = scenario.protections.stream.timeout_in(scenario.stream.mode);
                out.after(timeout, Event::TxnTimeout { txn });
                state.instances[k as usize].txn = Some(txn);
                txn
            }
        }
    } else {
        NO_TXN
    };
    append_invoice(state, k, op, txn, out);
    true
}

/// Commit what the batch wrote, in the configured order, with the crash window between
/// two separate commits.
fn commit(state: &mut State, k: u8, out: &mut Out) {
    let scenario = out.scenario;
    let p = &scenario.protections.stream;
    let inst = &state.instances[k as usize];
    let last = *inst.batch.last().expect("a batch to commit");
    let delivery = state.deliveries[last as usize];
    let position = inst.position;
    if !transactional(scenario) {
        state.coordinator.commit_offsets(k, position, false, out);
        state.instances[k as usize].batch.clear();
        out.after(0, Event::Next { instance: k });
        return;
    }
    let (tid, epoch, txn) = (inst.tid, inst.epoch, inst.txn);
    if let Some(event) = state.coordinator.refusal(k, tid, epoch, txn, last, out) {
        refused(state, k, event, out);
        return;
    }
    let txn = txn.expect("a batch has its transaction");
    if p.offsets_in_transaction {
        state.coordinator.commit_offsets(k, position, true, out);
        state.coordinator.commit(txn, &mut state.topic, out);
    } else if scenario.stream.offset_commit == StreamOffsetCommit::BeforeTransaction {
        state.coordinator.commit_offsets(k, position, false, out);
        if crashes(
            state,
            k,
            last,
            delivery,
            StreamCrashPoint::BetweenCommits,
            out,
        ) {
            return;
        }
        state.coordinator.commit(txn, &mut state.topic, out);
    } else {
        state.coordinator.commit(txn, &mut state.topic, out);
        state.reader.catch_up(&state.topic, &state.coordinator, out);
        if crashes(
            state,
            k,
            last,
            delivery,
            StreamCrashPoint::BetweenCommits,
            out,
        ) {
            return;
        }
        state.coordinator.commit_offsets(k, position, false, out);
    }
    state.reader.catch_up(&state.topic, &state.coordinator, out);
    let inst = &mut state.instances[k as usize];
    inst.txn = None;
    inst.batch.clear();
    out.after(0, Event::Next { instance: k });
}

/// The coordinator refused the instance (fenced, or its transaction timed out): it
/// closes. If it was the newest instance, the job starts a new one at once.
fn refused(state: &mut State, k: u8, event: u32, out: &mut Out) {
    let inst = &mut state.instances[k as usize];
    inst.alive = false;
    inst.fenced = Some((out.now, event));
    if inst.replaced_at.is_none() {
        out.after(0, Event::Start { instance: k + 1 });
    }
}
