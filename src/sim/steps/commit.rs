//! The business transaction. In order: the fencing check (an atomic key save verifies,
//! in the same transaction, that this execution still holds its key); the version check
//! of a conditional write (CAS); the writes themselves (`write`); and, with an atomic key
//! save, the completed key record in the same transaction.

use super::{db_round_trip, key_record, respond_pc, write, StepResult};
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cx, Effects};
use crate::sim::oracle::Fact;
use crate::sim::protections::{fenced, on_version_conflict, VersionConflict};
use crate::sim::steps::read::{row_of, table_of};
use crate::sim::steps::Step;
use crate::sim::trace::{Actor, Detail, KeyCheckOutcome};
use crate::sim::workload::OpKind;

pub fn run(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) -> StepResult {
    let cost = db_round_trip(cx, out);
    let protections = &cx.scenario().protections;
    let client = cx.op(x.op).client;
    let record = x.key.and_then(|k| node.keys.get(node.index, client, k));
    if fenced(
        &protections.idempotency_key,
        x.key.is_some() && x.holds_lock,
        record.as_ref(),
        x.id,
    ) {
        // Another attempt took the key over after our lock timed out; it will answer.
        x.holds_lock = false;
        x.key_done = true;
        x.status = 409;
        let key = x.key.unwrap_or(0);
        let outcome = KeyCheckOutcome::InProgress;
        out.event(
            Actor::KeyStore,
            node.actor(),
            x.op,
            x.attempt,
            Detail::KeyCheck { outcome, key },
        );
        return StepResult::Goto(respond_pc(x), cost);
    }
    let row = row_of(cx, x.op);
    let version = node.db.row(row).version;
    if cx.valid.conditional_writes() && version != x.read_version {
        // The row changed since our read: the conditional write aborts the transaction.
        out.event(
            Actor::Database,
            node.actor(),
            x.op,
            x.attempt,
            Detail::CasConflict {
                table: table_of(row),
                version: version as u32,
            },
        );
        return match on_version_conflict(x.cas_rounds, protections.cas_retries) {
            VersionConflict::Reread => {
                x.cas_rounds += 1;
                let read_pc = x.plan.iter().position(|s| *s == Step::ReadRow).unwrap_or(0);
                StepResult::Goto(read_pc, cost)
            }
            VersionConflict::Reject(status) => {
                x.status = status;
                if let Some(charge) = x.charge.take() {
                    refund(x, charge, out);
                }
                StepResult::Goto(respond_pc(x), cost)
            }
        };
    }
    match cx.op(x.op).kind {
        OpKind::Payment { amount } => write::order(node, cx, x, amount, 0, out),
        OpKind::Checkout { amount, quantity } => write::order(node, cx, x, amount, quantity, out),
        OpKind::Deposit { .. } | OpKind::Withdraw { .. } => write::balance(node, cx, x, row, out),
        OpKind::ProfilePut { .. } | OpKind::ProfileDelete => write::profile(node, cx, x, out),
    }
    if protections.idempotency_key.atomic && !x.key_done && x.key.is_some() {
        key_record::save_completed(node, cx, x, out);
    }
    StepResult::Next(cost)
}

/// Refund the charge id this execution's charge call returned.
pub fn refund(x: &Execution, charge: u32, out: &mut impl Effects) {
    out.refund(charge);
    out.fact(Fact::Refunded {
        op: x.op,
        exec: x.id,
    });
    out.event(
        Actor::Provider,
        Actor::Nobody,
        x.op,
        x.attempt,
        Detail::Refund { charge },
    );
}
