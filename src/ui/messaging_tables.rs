//! The events workload's tables at the time cursor: the broker's log (one card per
//! partition) or queue, the ledger, the warehouse's shipments, the dedup store, the outbox
//! and the orders, folded from the trace by `sim::replay::messaging`.

use yew::prelude::*;

use crate::sim::config::thousands;
use crate::sim::oracle::format_time;
use crate::sim::replay::messaging::{DedupScope, MessagingReplay, PartitionAt, QueueState};
use crate::sim::trace::Actor;
use crate::sim::units::format_duration;

use super::run_view::RunView;
use super::state_tables::{badge, op_label, shown_of, table_card_with, RECENT_ROWS};

/// A number in a badge: a warning's without its "…" (it is no state in progress).
fn tag(text: String, class: &'static str) -> Html {
    let plain = (class == "badge-warn").then_some("badge-count");
    html! { <span class={classes!("badge", class, plain)}>{ text }</span> }
}

/// "consumer 2", "—".
fn who(actor: Actor) -> String {
    match actor {
        Actor::Nobody => "—".into(),
        other => other.label(),
    }
}

/// A count that is bad above one: a badge then, a plain number otherwise.
fn count(n: u32, class: &'static str) -> Html {
    if n > 1 {
        tag(n.to_string(), class)
    } else {
        html! { { n } }
    }
}

/// "N things" with thousands separators and the right plural.
fn things(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        if n == 1 { one } else { many }
    )
}

fn partition_card(run: &RunView, p: &PartitionAt) -> Html {
    let rows = p.records.iter().rev().map(|r| {
        let state = if r.committed {
            badge("committed", "badge-ok")
        } else if r.deliveries > 0 {
            badge("read", "badge-warn")
        } else {
            badge("not read", "badge-muted")
        };
        html! {
            <tr key={r.offset} class={classes!((r.repeat > 0).then_some("row-bad"))}>
                <td>{ r.offset }</td>
                <td>{ op_label(run, r.op) }if r.repeat > 0 { { badge("again", "badge-bad") } }</td>
                <td>{ state }</td>
                <td>{ count(r.deliveries, "badge-warn") }</td>
            </tr>
        }
    }).collect::<Html>();
    let mut note = format!(
        "{}, committed offset {}, {}",
        things(p.appended, "record", "records"),
        p.committed,
        p.owner.map_or_else(
            || "no owner".into(),
            |c| format!("read by consumer {}", c + 1)
        )
    );
    if p.refused_commits > 0 {
        note.push_str(&format!(
            ", {} refused",
            things(p.refused_commits, "stale commit", "stale commits")
        ));
    }
    table_card_with(
        "wraps",
        &format!("Log · partition {}", p.partition),
        note,
        &["offset", "order", "state", "reads"],
        rows,
        p.records.is_empty(),
    )
}

fn queue_card(run: &RunView, replay: &MessagingReplay, cursor: usize) -> Html {
    let queue = replay.queue_at(cursor, RECENT_ROWS);
    // In flight first, then the latest changed: see `queue_at`.
    let rows = queue.messages.iter().map(|m| {
        let state = match m.state {
            QueueState::Visible => badge("visible", "badge-info"),
            QueueState::InFlight { .. } => badge("in flight", "badge-warn"),
            QueueState::Deleted => badge("deleted", "badge-ok"),
            QueueState::DeadLettered => badge("dead-lettered", "badge-bad"),
        };
        html! {
            <tr key={m.id} class={classes!((m.repeat > 0).then_some("row-bad"))}>
                <td>{ m.id }</td>
                <td>{ op_label(run, m.op) }if m.repeat > 0 { { badge("again", "badge-bad") } }</td>
                <td>{ state }if m.stale_deletes > 0 { { badge("stale delete", "badge-muted") } }</td>
                <td>{ match m.state {
                    QueueState::InFlight { consumer } => format!("consumer {}", consumer + 1),
                    _ => "—".into(),
                } }</td>
                <td>{ count(m.receives, "badge-warn") }</td>
            </tr>
        }
    }).collect::<Html>();
    let note = format!(
        "{}: {} visible, {} in flight, {} deleted, {} dead-lettered",
        things(queue.total, "message", "messages"),
        thousands(queue.visible as u64),
        thousands(queue.in_flight as u64),
        thousands(queue.deleted as u64),
        thousands(queue.dead_lettered as u64),
    );
    // The queue is the run's main table: it takes the grid's whole width.
    table_card_with(
        "wraps wide",
        "Queue",
        note,
        &["id", "order", "state", "held by", "receives"],
        rows,
        queue.messages.is_empty(),
    )
}

fn ledger_card(run: &RunView, replay: &MessagingReplay, cursor: usize) -> Html {
    let ledger = replay.ledger_at(cursor, RECENT_ROWS);
    let rows = ledger.rows.iter().rev().map(|r| html! {
        <tr key={r.event} class={classes!((r.repeat > 0).then_some("row-bad"))}>
            <td>{ op_label(run, r.op) }if r.repeat > 0 { { badge("repeated", "badge-bad") } }</td>
            <td>{ who(r.by) }</td>
            <td>{ format_time(r.time_us) }</td>
        </tr>
    }).collect::<Html>();
    let mut note = shown_of(ledger.rows.len(), ledger.total);
    if ledger.repeated > 0 {
        note.push_str(&format!(", {} repeated", thousands(ledger.repeated as u64)));
    }
    table_card_with(
        "wraps",
        "Ledger",
        note,
        &["order", "applied by", "at"],
        rows,
        ledger.rows.is_empty(),
    )
}

fn shipments_card(run: &RunView, replay: &MessagingReplay, cursor: usize) -> Html {
    let shipments = replay.shipments_at(cursor, RECENT_ROWS);
    let rows = shipments.rows.iter().rev().map(|r| html! {
        <tr key={r.event} class={classes!((r.repeat > 0).then_some("row-bad"))}>
            <td>{ r.id + 1 }</td>
            <td>{ op_label(run, r.op) }if r.repeat > 0 { { badge("again", "badge-bad") } }</td>
            <td>{ who(r.by) }</td>
            <td>{ format_time(r.time_us) }</td>
        </tr>
    }).collect::<Html>();
    let mut note = shown_of(shipments.rows.len(), shipments.total);
    if shipments.repeated > 0 {
        note.push_str(&format!(
            ", {} repeated",
            thousands(shipments.repeated as u64)
        ));
    }
    let recognised = MessagingReplay::count_at(&replay.shipments_deduplicated, cursor);
    if recognised > 0 {
        note.push_str(&format!(
            ", {} recognised by key",
            thousands(recognised as u64)
        ));
    }
    table_card_with(
        "wraps",
        "Warehouse shipments",
        note,
        &["id", "order", "asked by", "at"],
        rows,
        shipments.rows.is_empty(),
    )
}

fn dedup_card(run: &RunView, replay: &MessagingReplay, cursor: usize, time_us: u64) -> Html {
    let store = replay.dedup_at(cursor, time_us, RECENT_ROWS);
    let in_memory = replay.dedup_in_memory;
    let rows = store.rows.iter().rev().map(|r| html! {
        <tr key={r.row.recorded_event}>
            <td>{ op_label(run, r.row.op) }</td>
            if in_memory {
                <td>{ match r.row.scope {
                    DedupScope::Consumer(c) => format!("consumer {}", c + 1),
                    DedupScope::Database => "database".into(),
                } }</td>
            }
            <td>{ if r.expired { badge("expired", "badge-muted") } else { badge("recorded", "badge-ok") } }</td>
            <td>{ format_time(r.row.recorded_us) }</td>
        </tr>
    }).collect::<Html>();
    let skipped = MessagingReplay::count_at(&replay.dedup_skips, cursor);
    let note = format!(
        "{} in {}, window {}, {} skipped",
        things(store.total, "id", "ids"),
        if in_memory {
            "the consumers' memory"
        } else {
            "the database"
        },
        format_duration(replay.dedup_ttl_us),
        things(skipped, "duplicate", "duplicates"),
    );
    table_card_with(
        "wraps",
        "Dedup store",
        note,
        if in_memory {
            &["message id", "memory of", "state", "recorded"]
        } else {
            &["message id", "state", "recorded"]
        },
        rows,
        store.rows.is_empty(),
    )
}

fn outbox_card(run: &RunView, cursor: usize) -> Html {
    let outbox = &run.replay.outbox;
    let happened = |event: u32| (event as usize) < cursor;
    let total = outbox.partition_point(|r| happened(r.created_event));
    let sent = |r: &crate::sim::replay::OutboxRow| r.sent_event.is_some_and(happened);
    let pending = outbox[..total].iter().filter(|r| !sent(r)).count();
    // The rows from the oldest not yet sent: the relay's next work, and a row it published
    // but did not mark sent (it crashed in between), which it will publish again.
    let first_pending = outbox[..total]
        .iter()
        .position(|r| !sent(r))
        .unwrap_or(total);
    let start = first_pending.min(total.saturating_sub(RECENT_ROWS));
    let shown = &outbox[start..(start + RECENT_ROWS).min(total)];
    let copies = |r: &crate::sim::replay::OutboxRow| run.messaging.effects_of(r.op, cursor).0;
    let unmarked = outbox[..total]
        .iter()
        .filter(|r| !sent(r) && copies(r) > 0)
        .count();
    let rows = shown
        .iter()
        .rev()
        .map(|row| {
            let copies = copies(row);
            let state = match (sent(row), copies) {
                (true, _) => badge("sent", "badge-ok"),
                (false, 0) => badge("pending", "badge-warn"),
                (false, _) => badge("published", "badge-bad"),
            };
            html! {
                <tr key={row.created_event} class={classes!((!sent(row) && copies > 0).then_some("row-bad"))}>
                    <td>{ row.id }</td>
                    <td>{ op_label(run, row.op) }</td>
                    <td>{ state }</td>
                    <td>{ count(copies, "badge-bad") }</td>
                </tr>
            }
        })
        .collect::<Html>();
    let mut note = if shown.len() < total {
        format!(
            "{} rows, {} shown from the oldest pending, {} pending",
            thousands(total as u64),
            shown.len(),
            thousands(pending as u64)
        )
    } else {
        format!(
            "{}, {} pending",
            shown_of(shown.len(), total),
            thousands(pending as u64)
        )
    };
    if unmarked > 0 {
        note.push_str(&format!(
            " ({} published but not marked sent)",
            thousands(unmarked as u64)
        ));
    }
    table_card_with(
        "wraps",
        "Outbox",
        note,
        &[
            "id",
            "order",
            "state",
            if run.messaging.queue_mode {
                "in queue"
            } else {
                "in log"
            },
        ],
        rows,
        shown.is_empty(),
    )
}

fn orders_card(run: &RunView, replay: &MessagingReplay, cursor: usize) -> Html {
    let orders = replay.orders_at(cursor, RECENT_ROWS);
    let rows = orders
        .rows
        .iter()
        .rev()
        .map(|o| {
            let repeated = o.copies > 1 || o.ledger_rows > 1 || o.shipments > 1;
            html! {
                <tr key={o.row.event} class={classes!(repeated.then_some("row-bad"))}>
                    <td>{ op_label(run, o.row.op) }</td>
                    <td>{ count(o.copies, "badge-bad") }</td>
                    <td>{ count(o.ledger_rows, "badge-bad") }</td>
                    <td>{ count(o.shipments, "badge-bad") }</td>
                </tr>
            }
        })
        .collect::<Html>();
    let note = if orders.rows.len() < orders.total {
        format!(
            "{} placed, the {} latest changed shown",
            thousands(orders.total as u64),
            orders.rows.len()
        )
    } else {
        format!("{} placed", thousands(orders.total as u64))
    };
    table_card_with(
        "wraps",
        "Orders",
        note,
        &[
            "order",
            if replay.queue_mode {
                "in queue"
            } else {
                "in log"
            },
            "ledger",
            "shipped",
        ],
        rows,
        orders.rows.is_empty(),
    )
}

/// Every table of the events workload at the cursor, in the order they are read: where
/// the events wait, what consuming them did, what protected it, where they came from.
pub fn messaging_tables(run: &RunView, cursor: usize, time_us: u64) -> Html {
    let replay = &run.messaging;
    let protections = &run.result.scenario.protections;
    html! {
        <>
            if replay.queue_mode {
                { queue_card(run, replay, cursor) }
            } else {
                { for replay.partitions_at(cursor, RECENT_ROWS).iter().map(|p| partition_card(run, p)) }
            }
            { ledger_card(run, replay, cursor) }
            { shipments_card(run, replay, cursor) }
            if protections.dedup_store.enabled { { dedup_card(run, replay, cursor, time_us) } }
            if protections.outbox { { outbox_card(run, cursor) } }
            { orders_card(run, replay, cursor) }
        </>
    }
}
