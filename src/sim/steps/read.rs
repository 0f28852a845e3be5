//! Reads: the row a handler will write (stock, a balance), remembered with its version
//! for a conditional write; and the read-back of an order after "already exists".

use super::commit::refund_without_order;
use super::{db_round_trip, respond_pc, StepResult};
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cx, Effects};
use crate::sim::stores::db::RowRef;
use crate::sim::trace::{Actor, Detail, Table};
use crate::sim::workload::OpKind;

/// The versioned row an operation reads and writes.
pub fn row_of(cx: &Cx, op: u32) -> RowRef {
    let operation = cx.op(op);
    match operation.kind {
        OpKind::Checkout { .. } | OpKind::Payment { .. } | OpKind::Order { .. } => {
            RowRef::Inventory
        }
        OpKind::Deposit { account, .. } | OpKind::Withdraw { account, .. } => {
            RowRef::Account(account)
        }
        OpKind::ProfilePut { .. } | OpKind::ProfileDelete => RowRef::Profile(operation.client),
    }
}

pub fn table_of(row: RowRef) -> Table {
    match row {
        RowRef::Inventory => Table::Inventory,
        RowRef::Account(_) => Table::Accounts,
        RowRef::Profile(_) => Table::Profiles,
    }
}

pub fn row(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) -> StepResult {
    let row = row_of(cx, x.op);
    let current = *node.db.row(row);
    x.read_value = current.value;
    x.read_version = current.version;
    x.read_time = cx.now;
    x.read_event = out.event(
        Actor::Database,
        node.actor(),
        x.op,
        x.attempt,
        Detail::DbRead {
            table: table_of(row),
            version: current.version as u32,
            value: current.value,
        },
    );
    let cost = db_round_trip(cx, out);
    if let OpKind::Checkout { quantity, .. } = cx.op(x.op).kind {
        if current.value < quantity as i64 {
            // Sold out (found on a re-read after a version conflict, this execution may
            // have charged already): give this execution's charge back.
            x.status = 410;
            // A takeover whose predecessor started charging does not know that charge's
            // id: it charges under the same derived key (the provider hands the standing
            // charge back, if any) and the commit step refunds it.
            let settle_prior =
                x.charge_may_stand && !x.charged && cx.scenario().protections.key_propagation;
            if settle_prior {
                return StepResult::Next(cost);
            }
            refund_without_order(node, cx, x, out);
            return StepResult::Goto(respond_pc(x), cost);
        }
    }
    StepResult::Next(cost)
}

pub fn read_back(
    node: &mut Node,
    cx: &Cx,
    x: &mut Execution,
    out: &mut impl Effects,
) -> StepResult {
    if let RowRef::Profile(client) = row_of(cx, x.op) {
        // `GET` of the profile: its version, and whose write it holds.
        let row = *node.db.row(RowRef::Profile(client));
        out.event(
            Actor::Database,
            node.actor(),
            x.op,
            x.attempt,
            Detail::DbRead {
                table: Table::Profiles,
                version: row.version as u32,
                value: row.value,
            },
        );
        x.status = 200;
        x.version = row.version as u32;
        x.body_op = row.last_writer;
        return StepResult::Next(db_round_trip(cx, out));
    }
    let found = node.db.find_order(x.op).is_some();
    out.event(
        Actor::Database,
        node.actor(),
        x.op,
        x.attempt,
        Detail::DbRead {
            table: Table::Orders,
            version: 0,
            value: found as i64,
        },
    );
    x.status = if found { 200 } else { 404 };
    StepResult::Next(db_round_trip(cx, out))
}
