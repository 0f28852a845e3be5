//! The statements of the business transaction, one function per kind of write: an order
//! or payment row (with the stock and the outbox row for a checkout), a wallet balance,
//! a profile.

use super::commit::refund_without_order;
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::config::UpsertMode;
use crate::sim::effects::{Cx, Effects};
use crate::sim::events::Event;
use crate::sim::oracle::Fact;
use crate::sim::protections::precondition_status;
use crate::sim::stores::db::{Insert, OrderRow, RowRef};
use crate::sim::trace::{Actor, Detail, Table, WriteFlags, NO_OP};
use crate::sim::workload::OpKind;

/// The outbox relay's polling delay after a row is written.
const RELAY_DELAY_US: u64 = 20_000;

/// Insert the order (checkout) or payment row; with a unique natural key, a repeat finds
/// the existing row instead.
pub fn order(
    node: &mut Node,
    cx: &Cx,
    x: &mut Execution,
    amount: i64,
    quantity: u32,
    out: &mut impl Effects,
) {
    let protections = &cx.scenario().protections;
    let row = OrderRow {
        id: 0,
        op: x.op,
        amount,
        quantity,
        created_at: cx.now,
    };
    let table = if quantity == 0 {
        Table::Payments
    } else {
        Table::Orders
    };
    let inserted = node.db.insert_order(
        row,
        protections.upsert,
        protections.upsert_mode == UpsertMode::DoUpdate,
    );
    let write = |row: u32, conflict: bool| Detail::DbWrite {
        table,
        row,
        value: amount,
        how: WriteFlags::new(false, conflict, false),
    };
    match inserted {
        Insert::Exists(id) => {
            // `DO UPDATE … RETURNING` hands the existing row back as the answer;
            // `DO NOTHING` only says it exists, and the client must read it back.
            x.row_existed = true;
            x.already_exists = protections.upsert_mode == UpsertMode::DoNothing;
            out.event(
                Actor::Database,
                node.actor(),
                x.op,
                x.attempt,
                write(id, true),
            );
            // The order exists: a charge of this execution's own is a duplicate, and is
            // given back; the operation's shared charge pays for that order.
            refund_without_order(node, cx, x, out);
        }
        Insert::Inserted(id) => {
            let event = out.event(
                Actor::Database,
                node.actor(),
                x.op,
                x.attempt,
                write(id, false),
            );
            out.fact(Fact::OrderInserted {
                row: id,
                exec: x.id,
                op: x.op,
                quantity,
                event,
            });
            if quantity > 0 {
                stock(node, x, quantity, out);
                if protections.outbox {
                    let outbox = node.db.add_outbox(x.op, x.id);
                    out.event(
                        Actor::Database,
                        node.actor(),
                        x.op,
                        x.attempt,
                        Detail::OutboxWrite {
                            outbox,
                            sent: false,
                        },
                    );
                    let op = x.op;
                    out.after(
                        RELAY_DELAY_US,
                        Event::RelaySend {
                            outbox,
                            op,
                            call: 1,
                        },
                    );
                }
            }
        }
    }
}

/// Write the stock computed from this execution's read.
fn stock(node: &mut Node, x: &mut Execution, quantity: u32, out: &mut impl Effects) {
    let inventory = &mut node.db.inventory;
    let overwrote = inventory.version != x.read_version;
    let value = x.read_value - quantity as i64;
    inventory.value = value;
    inventory.version += 1;
    inventory.last_writer = x.op;
    let event = out.event(
        Actor::Database,
        node.actor(),
        x.op,
        x.attempt,
        Detail::DbWrite {
            table: Table::Inventory,
            row: 0,
            value,
            how: WriteFlags::new(overwrote, false, false),
        },
    );
    out.fact(Fact::StockWritten {
        op: x.op,
        read_event: x.read_event,
        read_time: x.read_time,
        read_value: x.read_value,
        overwrote,
        event,
    });
}

/// A deposit or withdrawal: `SET balance = read + x` after a versioned read, or the
/// blind `balance = balance + x`.
pub fn balance(node: &mut Node, cx: &Cx, x: &mut Execution, row: RowRef, out: &mut impl Effects) {
    let RowRef::Account(account) = row else {
        return;
    };
    let delta = cx.op(x.op).kind.balance_delta();
    let versioned = cx.valid.versioned_reads();
    let target = node.db.row_mut(row);
    let value = if versioned {
        x.read_value + delta
    } else {
        target.value + delta
    };
    let overwrote = versioned && target.version != x.read_version;
    target.value = value;
    target.version += 1;
    target.last_writer = x.op;
    let event = out.event(
        Actor::Database,
        node.actor(),
        x.op,
        x.attempt,
        Detail::DbWrite {
            table: Table::Accounts,
            row: account,
            value,
            how: WriteFlags::new(overwrote, false, false),
        },
    );
    out.fact(Fact::AccountWritten {
        exec: x.id,
        op: x.op,
        account,
        read_event: x.read_event,
        read_time: x.read_time,
        overwrote,
        event,
    });
}

/// A profile `PUT` or `DELETE`; with CAS it is conditional on the client's `If-Match`.
pub fn profile(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) {
    let operation = cx.op(x.op);
    let row = RowRef::Profile(operation.client);
    let current = *node.db.row(row);
    if cx.scenario().protections.cas && current.version as u32 != x.version {
        out.event(
            Actor::Database,
            node.actor(),
            x.op,
            x.attempt,
            Detail::CasConflict {
                table: Table::Profiles,
                version: current.version as u32,
            },
        );
        x.status = precondition_status(current.last_writer, x.op);
        x.version = current.version as u32;
        return;
    }
    let delete = operation.kind == OpKind::ProfileDelete;
    let value = operation.kind.amount();
    let stale_over =
        (current.last_writer != NO_OP && current.last_writer > x.op).then_some(current.last_writer);
    let target = node.db.row_mut(row);
    target.value = value;
    target.deleted = delete;
    target.version += 1;
    target.last_writer = x.op;
    x.version = target.version as u32;
    let event = out.event(
        Actor::Database,
        node.actor(),
        x.op,
        x.attempt,
        Detail::DbWrite {
            table: Table::Profiles,
            row: operation.client as u32,
            value,
            how: WriteFlags::new(stale_over.is_some(), false, delete),
        },
    );
    out.fact(Fact::ProfileWritten {
        exec: x.id,
        op: x.op,
        event,
    });
}
