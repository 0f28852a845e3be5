//! One sentence per stream anomaly, each clause taken from the ground truth the oracle
//! judged — an invoice, its transaction and how it ended, the instance that wrote it and
//! what happened to that instance — whose trace events form the anomaly's chain.

use crate::sim::config::{Scenario, StreamMode};
use crate::sim::oracle::{format_time, Anomaly, AnomalyKind};
use crate::sim::trace::{AbortReason, NO_TXN};
use crate::sim::units::format_duration;
use crate::sim::workload::operation;

use super::coordinator::TxnState;
use super::instance::State;
use super::oracle::{by_zombie, stands, visible_event, Copy};

fn at(time: u64) -> String {
    format!("t={}", format_time(time))
}

fn instance_name(i: u8) -> String {
    format!("job instance {}", i as u32 + 1)
}

fn times(n: usize) -> String {
    match n {
        2 => "twice".into(),
        3 => "three times".into(),
        n => format!("{n} times"),
    }
}

/// Who wrote `copy`, when, and its transaction's fate.
fn written(scenario: &Scenario, state: &State, copy: &Copy, chain: &mut Vec<u32>) -> String {
    chain.push(copy.event);
    let mut text = format!(
        "{} wrote it at {}",
        instance_name(copy.instance),
        at(copy.time)
    );
    if copy.txn == NO_TXN {
        text += " outside any transaction";
        return text;
    }
    let txn = &state.coordinator.txns[copy.txn as usize];
    chain.extend([txn.begin_event, txn.pre_commit_event, txn.end_event]);
    text += &format!(" in transaction {}", copy.txn);
    if let Some((checkpoint, time)) = txn.pre_committed {
        text += &format!(", pre-committed at checkpoint {checkpoint} at {}", at(time));
    }
    text += &match txn.state {
        TxnState::Committed => format!(", committed at {}", at(txn.ended_at)),
        TxnState::Aborted(AbortReason::Fenced) => format!(
            ", aborted at {} when a new instance with the same transactional.id started",
            at(txn.ended_at)
        ),
        TxnState::Aborted(AbortReason::Timeout) => format!(
            ", aborted by the coordinator at {} after its transaction timeout of {}",
            at(txn.ended_at),
            format_duration(scenario.protections.stream.timeout_in(scenario.stream.mode))
        ),
        TxnState::Aborted(AbortReason::Restore) => format!(
            ", aborted at {} when the job restored its checkpoint",
            at(txn.ended_at)
        ),
        TxnState::Open | TxnState::PreCommitted { .. } => ", still open".into(),
    };
    text
}

/// What happened to the instance that wrote `copy`: its crash or pauses.
fn writer_fate(state: &State, instance: u8, chain: &mut Vec<u32>) -> Option<String> {
    let inst = &state.instances[instance as usize];
    if let Some((time, point, event)) = inst.crash {
        chain.push(event);
        return Some(format!(
            "{} crashed at {} ({})",
            instance_name(instance),
            at(time),
            point.phrase()
        ));
    }
    None
}

/// The anomaly `kind` of order `op`, with its chain and sentence.
pub fn anomaly(
    scenario: &Scenario,
    state: &State,
    kind: AnomalyKind,
    op: u32,
    copies: &[Copy],
) -> Anomaly {
    let label = format!("Order {}", operation(scenario, op).label());
    let mut chain: Vec<u32> = Vec::new();
    // Every read of the order belongs to its story.
    chain.extend(state.reads[op as usize].iter().map(|r| r.1));
    let seen = &state.reader.seen[op as usize];
    let (narrative, time) = match kind {
        AnomalyKind::DuplicateOutput => {
            let received: Vec<&Copy> = seen
                .iter()
                .filter_map(|s| copies.iter().find(|c| c.offset == s.offset))
                .collect();
            chain.extend(seen.iter().map(|s| s.event));
            let mut clauses: Vec<String> = received
                .iter()
                .map(|c| written(scenario, state, c, &mut chain))
                .collect();
            let mut fates: Vec<String> = Vec::new();
            // What made the job write it again: the end of the earlier writers.
            for c in received.iter().take(received.len().saturating_sub(1)) {
                if let Some(f) = writer_fate(state, c.instance, &mut chain) {
                    if !fates.contains(&f) {
                        fates.push(f);
                    }
                }
            }
            let isolation = if state.reader.read_committed {
                "read_committed"
            } else {
                "read_uncommitted"
            };
            let last = clauses.pop().unwrap_or_default();
            let mut text = format!(
                "{label}'s invoice reached the downstream reader ({isolation}) {}: {}",
                times(seen.len()),
                if clauses.is_empty() {
                    last
                } else {
                    format!("{}, and {last}", clauses.join("; "))
                }
            );
            if !fates.is_empty() {
                text += &format!("; {}", fates.join(", and "));
            }
            text += ".";
            (text, seen.get(1).map_or(0, |s| s.time))
        }
        AnomalyKind::LostOutput => {
            let past = match scenario.stream.mode {
                StreamMode::Kafka => format!(
                    "the job's committed input offset is {}",
                    state.coordinator.committed_offset
                ),
                StreamMode::Flink => {
                    let c = state.last_completed.unwrap_or(0);
                    let checkpoint = &state.checkpoints[c as usize];
                    if let Some((_, event)) = checkpoint.completed {
                        chain.push(event);
                    }
                    format!(
                        "the job's last completed checkpoint, {c}, resumes its input at offset {}",
                        checkpoint.offset
                    )
                }
            };
            let mut clauses: Vec<String> = copies
                .iter()
                .map(|c| written(scenario, state, c, &mut chain))
                .collect();
            for c in copies {
                if let Some(f) = writer_fate(state, c.instance, &mut chain) {
                    if !clauses.contains(&f) {
                        clauses.push(f);
                    }
                }
            }
            let restores: Vec<String> = restores_failing(state, copies, &mut chain);
            clauses.extend(restores);
            let what = if clauses.is_empty() {
                "no invoice was ever written for it".to_string()
            } else {
                clauses.join("; ")
            };
            let time = copies
                .iter()
                .filter(|c| c.txn != NO_TXN)
                .map(|c| state.coordinator.txns[c.txn as usize].ended_at)
                .max()
                .unwrap_or(0);
            (
                format!(
                    "{label}'s invoice never stood in the output topic although {past}, past the order: {what}."
                ),
                time,
            )
        }
        _ => {
            let zombie: Vec<&Copy> = seen
                .iter()
                .filter_map(|s| copies.iter().find(|c| c.offset == s.offset))
                .filter(|c| by_zombie(state, c))
                .collect();
            let c = zombie[0];
            let writer = &state.instances[c.instance as usize];
            chain.push(writer.replaced_event);
            chain.extend(writer.pauses.iter().map(|p| p.2));
            let pauses: Vec<String> = writer
                .pauses
                .iter()
                .map(|p| format!("paused at {} for {}", at(p.0), format_duration(p.1 - p.0)))
                .collect();
            let replaced = format!(
                "{} started at {}",
                instance_name(writer.replaced_by),
                at(writer.replaced_at.unwrap_or(0))
            );
            let how = written(scenario, state, c, &mut chain);
            let id = if c.txn == NO_TXN {
                "its producer is not transactional, so nothing fenced it".to_string()
            } else if scenario.protections.stream.stable_transactional_id {
                "the new instance's transactional.id fenced it too late".to_string()
            } else {
                format!(
                    "its transactional.id ({}) is random per start, so the new instance did not fence it",
                    writer.tid
                )
            };
            let seen_event = visible_event(state, c);
            chain.push(seen_event);
            let time = seen.iter().find(|s| s.offset == c.offset).map_or(0, |s| {
                chain.push(s.event);
                s.time
            });
            let was = if pauses.is_empty() {
                String::new()
            } else {
                format!("{} {}, and ", instance_name(c.instance), pauses.join(", "))
            };
            (
                format!(
                    "{label}'s invoice came from a zombie: {was}{replaced} to replace it; {how}, and the downstream reader received it at {} — {id}.",
                    at(time)
                ),
                time,
            )
        }
    };
    chain.retain(|&e| e != u32::MAX);
    chain.sort_unstable();
    chain.dedup();
    Anomaly {
        kind,
        op,
        time_us: time,
        events: chain,
        narrative,
    }
}

/// Restores whose commit of one of `copies`' transactions failed (it had been aborted).
fn restores_failing(state: &State, copies: &[Copy], chain: &mut Vec<u32>) -> Vec<String> {
    let mut out = Vec::new();
    for c in copies
        .iter()
        .filter(|c| c.txn != NO_TXN && !stands(state, c))
    {
        let txn = &state.coordinator.txns[c.txn as usize];
        if txn.pre_committed.is_some() && txn.state == TxnState::Aborted(AbortReason::Timeout) {
            let restorer = state
                .instances
                .iter()
                .enumerate()
                .find(|(_, i)| i.started_at > txn.ended_at);
            if let Some((i, inst)) = restorer {
                chain.push(inst.start_event);
                out.push(format!(
                    "{} restored the checkpoint at {}, too late to commit it",
                    instance_name(i as u8),
                    at(inst.started_at)
                ));
            }
        }
    }
    out
}
