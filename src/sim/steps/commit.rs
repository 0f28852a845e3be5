//! The business transaction. In order: the fencing check (an atomic key save verifies,
//! in the same transaction, that this execution still holds its key); the version check
//! of a conditional write (CAS); the writes themselves (`write`); and, with an atomic key
//! save, the completed key record in the same transaction.

use super::{db_round_trip, key_record, respond_pc, write, StepResult};
use crate::sim::actors::keeper::KEEPER;
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cx, Effects};
use crate::sim::protections::{fenced, on_version_conflict, VersionConflict};
use crate::sim::steps::read::{self, row_of, table_of};
use crate::sim::stores::keys::KeyState;
use crate::sim::trace::{Actor, Detail, KeyCheckOutcome};
use crate::sim::workload::OpKind;

pub fn run(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) -> StepResult {
    let cost = db_round_trip(cx, out);
    if x.status != 200 {
        // Decided before the charge (sold out, with a predecessor's charge to settle):
        // nothing to write; give the charge back.
        refund_without_order(node, cx, x, out);
        return StepResult::Goto(respond_pc(x), cost);
    }
    let protections = &cx.scenario().protections;
    let client = cx.op(x.op).client;
    let record = x.key.and_then(|k| node.keys.get(node.index, client, k));
    if fenced(
        &protections.idempotency_key,
        x.key.is_some() && x.holds_lock,
        record.as_ref(),
        x.id,
    ) {
        // Another attempt (or the recovery job) took the key over after our lock timed
        // out; it answers for the operation. This execution writes nothing, so it gives
        // its charge back.
        x.holds_lock = false;
        x.key_done = true;
        x.status = 409;
        refund_without_order(node, cx, x, out);
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
                // Re-read the row and try this conditional write again; nothing before
                // it (the charge above all) runs again.
                x.cas_rounds += 1;
                match read::row(node, cx, x, out) {
                    StepResult::Next(read_cost) => StepResult::Goto(x.pc, cost + read_cost),
                    StepResult::Goto(pc, read_cost) => StepResult::Goto(pc, cost + read_cost),
                    other => other,
                }
            }
            VersionConflict::Reject(status) => {
                x.status = status;
                refund_without_order(node, cx, x, out);
                StepResult::Goto(respond_pc(x), cost)
            }
        };
    }
    match cx.op(x.op).kind {
        // Orders of the events workload never reach an HTTP handler.
        OpKind::Payment { amount } | OpKind::Order { amount } => {
            write::order(node, cx, x, amount, 0, out)
        }
        OpKind::Checkout { amount, quantity } => write::order(node, cx, x, amount, quantity, out),
        OpKind::Deposit { .. } | OpKind::Withdraw { .. } => write::balance(node, cx, x, row, out),
        OpKind::ProfilePut { .. } | OpKind::ProfileDelete => write::profile(node, cx, x, out),
    }
    if protections.idempotency_key.atomic && !x.key_done && x.key.is_some() {
        key_record::save_completed(node, cx, x, out);
    }
    StepResult::Next(cost)
}

/// This execution ends without its own order: give back the charge it holds, unless the
/// charge is the operation's (made under a key derived from the client's, so every attempt
/// shares it) and either an order of the operation exists (the charge pays for it) or
/// another execution holds the key and will settle it.
pub fn refund_without_order(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) {
    let Some(charge) = x.charge else {
        return;
    };
    let shared = cx.scenario().protections.key_propagation && x.key.is_some();
    if shared {
        let ordered = node.db.find_order(x.op).is_some();
        let client = cx.op(x.op).client;
        let settled_elsewhere = x
            .key
            .and_then(|k| node.keys.get(node.index, client, k))
            .is_some_and(|r| {
                matches!(r.state, KeyState::InProgress { .. })
                    && r.owner != x.id
                    && r.owner != KEEPER
            });
        if ordered || settled_elsewhere {
            return;
        }
    }
    x.charge = None;
    out.refund(charge, x.op, x.id);
}
