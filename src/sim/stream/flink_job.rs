//! The Flink-style job. A source reads the input, each record is processed and its
//! invoice written by the sink — into the sink's open transaction (two-phase commit), or
//! plainly (at-least-once, or an upsert sink). A checkpoint barrier every
//! `checkpoint_interval_us` snapshots the source's position; the two-phase-commit sink
//! pre-commits its transaction at the barrier and commits it when the checkpoint
//! completes. After a crash and `downtime_us` the job restores the last completed
//! checkpoint: the source rewinds to its position, the transactions it pre-committed are
//! committed (if the broker has not aborted them on timeout meanwhile — the silent loss),
//! and every other open transaction of the job is aborted.

use crate::sim::config::StreamCrashPoint;
use crate::sim::trace::{AbortReason, Actor, StreamDetail, NO_TXN};

use super::coordinator::TxnState;
use super::events::Event;
use super::instance::{transactional, Checkpoint, State};
use super::job::{append_invoice, crashes, read};
use super::out::Out;

/// Start (or restart) the job as instance `k`: restore the last completed checkpoint.
pub fn start(state: &mut State, k: u8, out: &mut Out) {
    let started = out.note(
        Actor::Job(k),
        Actor::Coordinator,
        StreamDetail::InstanceStarted {
            tid: 0,
            epoch: k as u16,
        },
    );
    let restored = state.last_completed;
    let offset = restored.map_or(0, |c| state.checkpoints[c as usize].offset);
    if k > 0 {
        out.note(
            Actor::Job(k),
            Actor::Coordinator,
            StreamDetail::Restored {
                checkpoint: restored.unwrap_or(u32::MAX),
                offset,
            },
        );
    }
    // recoverAndCommit: the restored checkpoint's pre-committed transaction.
    if let Some(txn) = restored.and_then(|c| state.checkpoints[c as usize].pending) {
        commit_pending(state, k, txn, out);
    }
    // Every other transaction of the job still open is aborted.
    let open: Vec<u32> = (0..state.coordinator.txns.len() as u32)
        .filter(|&t| state.coordinator.txns[t as usize].is_open())
        .collect();
    for txn in open {
        state
            .coordinator
            .abort(txn, AbortReason::Restore, &mut state.topic, out);
    }
    state.reader.catch_up(&state.topic, &state.coordinator, out);
    let inst = &mut state.instances[k as usize];
    inst.start_event = started;
    inst.epoch = k as u16;
    inst.position = offset;
    out.after(
        out.scenario.stream.checkpoint_interval_us,
        Event::Barrier { instance: k },
    );
    out.after(0, Event::Next { instance: k });
}

/// Commit a pre-committed transaction, unless the broker already aborted it.
fn commit_pending(state: &mut State, k: u8, txn: u32, out: &mut Out) {
    match state.coordinator.txns[txn as usize].state {
        TxnState::Open | TxnState::PreCommitted { .. } => {
            state.coordinator.commit(txn, &mut state.topic, out);
        }
        TxnState::Aborted(_) => {
            // The commit fails; the sink logs it and goes on: the records are gone.
            out.note(
                Actor::Coordinator,
                Actor::Job(k),
                StreamDetail::Refused {
                    txn,
                    timed_out: true,
                },
            );
        }
        TxnState::Committed => {}
    }
}

/// The loop: take a pending checkpoint, read the next record, or end the input.
pub fn on_next(state: &mut State, k: u8, out: &mut Out) {
    let inst = &state.instances[k as usize];
    if !inst.alive || inst.busy {
        return;
    }
    if inst.barrier_pending && take_checkpoint(state, k, out) {
        return;
    }
    let inst = &mut state.instances[k as usize];
    if inst.position >= state.orders {
        // End of input: a final checkpoint commits the rest.
        if inst.final_checkpoint.is_none() {
            take_checkpoint(state, k, out);
            let inst = &mut state.instances[k as usize];
            if inst.alive {
                inst.final_checkpoint = Some(state.checkpoints.len() as u32 - 1);
            }
        }
        return;
    }
    read(state, k, out);
}

/// The record is processed: the sink writes its invoice.
pub fn on_processed(state: &mut State, k: u8, op: u32, delivery: u32, out: &mut Out) {
    if !state.instances[k as usize].alive {
        return;
    }
    state.instances[k as usize].busy = false;
    let scenario = out.scenario;
    let txn = if transactional(scenario) {
        match state.instances[k as usize].txn {
            Some(txn) if state.coordinator.txns[txn as usize].is_open() => txn,
            Some(txn) => {
                // The broker aborted the open transaction on timeout: the write fails
                // and the job fails over, as after a crash.
                let event = out.event(
                    Actor::Coordinator,
                    Actor::Job(k),
                    op,
                    StreamDetail::Refused {
                        txn,
                        timed_out: true,
                    },
                );
                fail(state, k, event, out);
                return;
            }
            None => {
                let txn = state.coordinator.begin(k, 0, k as u16, out);
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
    if crashes(state, k, op, delivery, StreamCrashPoint::AfterWrite, out) {
        return;
    }
    state.instances[k as usize].batch.push(op);
    out.after(0, Event::Next { instance: k });
}

/// The checkpoint timer: a barrier now, or after the record in work.
pub fn on_barrier(state: &mut State, k: u8, out: &mut Out) {
    let inst = &mut state.instances[k as usize];
    if !inst.alive || inst.final_checkpoint.is_some() {
        return;
    }
    out.after(
        out.scenario.stream.checkpoint_interval_us,
        Event::Barrier { instance: k },
    );
    if inst.busy {
        inst.barrier_pending = true;
    } else if inst.waiting {
        take_checkpoint(state, k, out);
    } else {
        inst.barrier_pending = true;
    }
}

/// Snapshot the source's position and pre-commit the sink's transaction; returns
/// whether the job crashed.
fn take_checkpoint(state: &mut State, k: u8, out: &mut Out) -> bool {
    let checkpoint = state.checkpoints.len() as u32;
    let inst = &mut state.instances[k as usize];
    inst.barrier_pending = false;
    let offset = inst.position;
    let pending = inst.txn.take();
    let last = inst.batch.last().copied();
    inst.batch.clear();
    out.note(
        Actor::Job(k),
        Actor::Coordinator,
        StreamDetail::CheckpointTaken { checkpoint, offset },
    );
    if let Some(txn) = pending {
        let event = out.note(
            Actor::Job(k),
            Actor::OutputTopic,
            StreamDetail::PreCommitted { txn, checkpoint },
        );
        let t = &mut state.coordinator.txns[txn as usize];
        if t.state == TxnState::Open {
            t.state = TxnState::PreCommitted { checkpoint };
        }
        t.pre_commit_event = event;
        t.pre_committed = Some((checkpoint, out.now));
    }
    state.checkpoints.push(Checkpoint {
        offset,
        pending,
        completed: None,
    });
    if let Some(op) = last {
        let delivery = state.deliveries[op as usize];
        if crashes(
            state,
            k,
            op,
            delivery,
            StreamCrashPoint::AfterPreCommit,
            out,
        ) {
            return true;
        }
    }
    out.after(
        out.scenario.stream.checkpoint_ack_us,
        Event::CheckpointDone {
            instance: k,
            checkpoint,
        },
    );
    false
}

/// Every operator acknowledged: the checkpoint completes and the sink commits.
pub fn on_checkpoint_done(state: &mut State, k: u8, checkpoint: u32, out: &mut Out) {
    if !state.instances[k as usize].alive {
        return;
    }
    let c = state.checkpoints[checkpoint as usize];
    let event = out.note(
        Actor::Coordinator,
        Actor::Job(k),
        StreamDetail::CheckpointCompleted {
            checkpoint,
            offset: c.offset,
        },
    );
    state.checkpoints[checkpoint as usize].completed = Some((out.now, event));
    state.last_completed = Some(checkpoint);
    if let Some(txn) = c.pending {
        let op = last_op_of(state, txn);
        if let Some(op) = op {
            let delivery = state.deliveries[op as usize];
            if crashes(
                state,
                k,
                op,
                delivery,
                StreamCrashPoint::AfterCheckpoint,
                out,
            ) {
                return;
            }
        }
        commit_pending(state, k, txn, out);
        state.reader.catch_up(&state.topic, &state.coordinator, out);
    }
    let inst = &mut state.instances[k as usize];
    if inst.final_checkpoint == Some(checkpoint) {
        inst.alive = false;
        state.finished = true;
        out.note(Actor::Job(k), Actor::InputTopic, StreamDetail::Finished);
    }
}

/// The last order whose invoice went into `txn`.
fn last_op_of(state: &State, txn: u32) -> Option<u32> {
    state.topic.entries.iter().rev().find_map(|e| match *e {
        super::topics::Entry::Invoice { op, txn: t, .. } if t == txn => Some(op),
        _ => None,
    })
}

/// The job fails without a fault (its transaction was aborted under it): it restarts
/// after the downtime, as after a crash.
fn fail(state: &mut State, k: u8, event: u32, out: &mut Out) {
    let inst = &mut state.instances[k as usize];
    inst.alive = false;
    inst.fenced = Some((out.now, event));
    out.after(
        out.scenario.stream.crash.downtime_us,
        Event::Start { instance: k + 1 },
    );
}
