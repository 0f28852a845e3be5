//! The tables at the time cursor: orders, provider charges, emails, outbox, key store rows
//! and versioned rows, folded from the trace by `sim::replay`; the events workload's own
//! tables are in `messaging_tables`.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::config::{thousands, KeyStoreLocation, Workload};
use crate::sim::oracle::format_time;
use crate::sim::replay::{KeyBadge, KeyScope, TablesAt};
use crate::sim::trace::{replica_letter, Actor};

use super::messaging_tables::messaging_tables;
use super::run_view::RunView;
use super::stream_tables::stream_tables;

/// Rows shown per table: the most recent ones.
pub(super) const RECENT_ROWS: usize = 8;

#[derive(Properties, PartialEq)]
pub struct StateTablesProps {
    pub run: Rc<RunView>,
    pub cursor: usize,
    pub playhead_us: u64,
}

pub(super) fn op_label(run: &RunView, op: u32) -> String {
    run.result
        .operations
        .get(op as usize)
        .map_or_else(|| "—".into(), |o| o.label())
}

/// "A" for replica A, "relay" for the outbox relay: short enough for a table cell.
fn replica_name(actor: Actor) -> String {
    match actor {
        Actor::Replica(r) => replica_letter(r).to_string(),
        Actor::Relay => "relay".into(),
        other => other.label(),
    }
}

fn scope_name(scope: KeyScope) -> String {
    match scope {
        KeyScope::Database => "db".into(),
        KeyScope::Replica(r) => replica_letter(r).to_string(),
    }
}

pub(super) fn shown_of(shown: usize, total: usize) -> String {
    let rows = thousands(total as u64);
    if shown < total {
        format!("{rows} rows, latest {shown} shown")
    } else if total == 1 {
        "1 row".into()
    } else {
        format!("{rows} rows")
    }
}

pub(super) fn table_card(
    title: &str,
    note: String,
    headers: &[&str],
    rows: Html,
    empty: bool,
) -> Html {
    table_card_with("", title, note, headers, rows, empty)
}

/// A table card with more classes: `wide` spans the grid, `wraps` lets cells wrap and
/// scrolls a table still too wide rather than cut it.
pub(super) fn table_card_with(
    class: &'static str,
    title: &str,
    note: String,
    headers: &[&str],
    rows: Html,
    empty: bool,
) -> Html {
    html! {
        <div class={classes!("table-card", class)}>
            <table>
                <caption>{ title }<span class="table-note">{ note }</span></caption>
                <thead><tr>{ for headers.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
                <tbody>
                    if empty {
                        <tr><td class="empty" colspan={headers.len().to_string()}>{ "empty" }</td></tr>
                    } else {
                        { rows }
                    }
                </tbody>
            </table>
        </div>
    }
}

pub(super) fn badge(name: &'static str, class: &'static str) -> Html {
    html! { <span class={classes!("badge", class)}>{ name }</span> }
}

fn orders_table(run: &RunView, tables: &TablesAt) -> Html {
    // A logical operation with two rows is a duplicate: flag every row after its first.
    let title = if run.result.scenario.workload == Workload::Checkout {
        "Orders"
    } else {
        "Payments"
    };
    let rows = tables.orders.iter().rev().map(|row| {
        let duplicate = row.repeat > 0;
        html! {
            <tr key={row.created_event} class={classes!(duplicate.then_some("row-bad"))}>
                <td>{ row.id }</td>
                <td>{ op_label(run, row.op) }{ if duplicate { badge("duplicate", "badge-bad") } else { html!{} } }</td>
                <td>{ row.amount }</td>
                <td>{ replica_name(row.replica) }</td>
                <td>{ format_time(row.created_us) }</td>
            </tr>
        }
    }).collect::<Html>();
    table_card(
        title,
        shown_of(tables.orders.len(), tables.orders_total),
        &["id", "operation", "amount", "replica", "at"],
        rows,
        tables.orders.is_empty(),
    )
}

fn charges_table(run: &RunView, tables: &TablesAt) -> Html {
    let rows = tables.charges.iter().rev().map(|(row, refunded)| {
        let duplicate = row.repeat > 0;
        html! {
            <tr key={row.created_event} class={classes!((duplicate && !refunded).then_some("row-bad"))}>
                <td>{ row.id }</td>
                <td>{ op_label(run, row.op) }
                    if *refunded { { badge("refunded", "badge-info") } }
                    else if duplicate { { badge("2nd charge", "badge-bad") } }
                </td>
                <td>{ row.amount }</td>
                <td>{ format_time(row.created_us) }</td>
            </tr>
        }
    }).collect::<Html>();
    let note = format!(
        "{}{}",
        shown_of(tables.charges.len(), tables.charges_total),
        if tables.charges_refunded > 0 {
            format!(", {} refunded", tables.charges_refunded)
        } else {
            String::new()
        }
    );
    table_card(
        "Provider charges",
        note,
        &["id", "operation", "amount", "at"],
        rows,
        tables.charges.is_empty(),
    )
}

fn emails_table(run: &RunView, tables: &TablesAt) -> Html {
    let rows = tables.emails.iter().rev().map(|row| {
        let duplicate = row.repeat > 0;
        html! {
            <tr key={row.created_event} class={classes!(duplicate.then_some("row-bad"))}>
                <td>{ row.id }</td>
                <td>{ op_label(run, row.op) }{ if duplicate { badge("duplicate", "badge-bad") } else { html!{} } }</td>
                <td>{ replica_name(row.sender) }</td>
                <td>{ format_time(row.created_us) }</td>
            </tr>
        }
    }).collect::<Html>();
    table_card(
        "Emails sent",
        shown_of(tables.emails.len(), tables.emails_total),
        &["id", "operation", "sent by", "at"],
        rows,
        tables.emails.is_empty(),
    )
}

fn outbox_table(run: &RunView, tables: &TablesAt) -> Html {
    let rows = tables.outbox.iter().rev().map(|(row, sent)| html! {
        <tr key={row.created_event}>
            <td>{ row.id }</td>
            <td>{ op_label(run, row.op) }</td>
            <td>{ if *sent { badge("sent", "badge-ok") } else { badge("pending", "badge-warn") } }</td>
        </tr>
    }).collect::<Html>();
    let note = format!(
        "{}, {} pending",
        shown_of(tables.outbox.len(), tables.outbox_total),
        tables.outbox_pending
    );
    table_card(
        "Outbox",
        note,
        &["id", "operation", "state"],
        rows,
        tables.outbox.is_empty(),
    )
}

fn keys_table(run: &RunView, tables: &TablesAt) -> Html {
    // Memory key stores are one per replica: say whose memory holds each row.
    let in_memory =
        run.result.scenario.protections.idempotency_key.store == KeyStoreLocation::Memory;
    let rows = tables
        .keys
        .iter()
        .rev()
        .map(|key| {
            let (name, class) = match key.badge {
                KeyBadge::InProgress => (key.badge.name(), "badge-warn"),
                KeyBadge::Completed => (key.badge.name(), "badge-ok"),
                KeyBadge::Expired => (key.badge.name(), "badge-muted"),
            };
            html! {
                <tr key={key.row.saved_event}>
                    <td><code>{ format!("{:06x}…", key.row.key >> 40) }</code></td>
                    <td>{ op_label(run, key.row.op) }{ format!(" #{}", key.row.attempt) }</td>
                    <td>{ badge(name, class) }</td>
                    if in_memory { <td>{ scope_name(key.row.scope) }</td> }
                    <td>{ format_time(key.row.saved_us) }</td>
                </tr>
            }
        })
        .collect::<Html>();
    table_card(
        "Key store",
        shown_of(tables.keys.len(), tables.keys_total),
        if in_memory {
            &["key", "operation", "state", "replica", "saved"]
        } else {
            &["key", "operation", "state", "saved"]
        },
        rows,
        tables.keys.is_empty(),
    )
}

fn rows_table(run: &RunView, tables: &TablesAt) -> Html {
    let title = match run.result.scenario.workload {
        Workload::Checkout => "Inventory",
        Workload::Wallet => "Accounts",
        _ => "Profiles",
    };
    let rows = tables.rows.iter().map(|row| html! {
        <tr key={row.row.label()} class={classes!(row.last_overwrote.then_some("row-bad"))}>
            <td>{ row.row.label() }</td>
            <td>{ if row.deleted { "deleted".to_string() } else { row.value.to_string() } }</td>
            <td>{ format!("v{}", row.version) }</td>
            <td>{ row.last_writer.map_or_else(|| "—".into(), |op| op_label(run, op)) }
                if row.last_overwrote { { badge("overwrote", "badge-bad") } }
            </td>
        </tr>
    }).collect::<Html>();
    table_card(
        title,
        shown_of(tables.rows.len(), tables.rows.len()),
        &["row", "value", "version", "last writer"],
        rows,
        tables.rows.is_empty(),
    )
}

#[component(StateTables)]
pub fn state_tables(props: &StateTablesProps) -> Html {
    let run = &props.run;
    let scenario = &run.result.scenario;
    if scenario.workload == Workload::Stream {
        return html! {
            <section class="state-tables panel" aria-labelledby="tables-title">
                <h2 id="tables-title">{ format!("State at t={}", format_time(props.playhead_us)) }</h2>
                <div class="tables-grid" data-testid="stream-tables">
                    { stream_tables(run, props.cursor) }
                </div>
            </section>
        };
    }
    if scenario.workload == Workload::Saga {
        return html! {
            <section class="state-tables panel" aria-labelledby="tables-title">
                <h2 id="tables-title">{ format!("State at t={}", format_time(props.playhead_us)) }</h2>
                <div class="tables-grid">
                    { super::saga_table::saga_table(run, props.cursor) }
                </div>
            </section>
        };
    }
    if scenario.workload == Workload::Events {
        return html! {
            <section class="state-tables panel" aria-labelledby="tables-title">
                <h2 id="tables-title">{ format!("State at t={}", format_time(props.playhead_us)) }</h2>
                <div class="tables-grid">
                    { messaging_tables(run, props.cursor, props.playhead_us) }
                </div>
            </section>
        };
    }
    let tables = run
        .replay
        .tables_at(props.cursor, props.playhead_us, RECENT_ROWS);
    let money = matches!(scenario.workload, Workload::Payment | Workload::Checkout);
    let checkout = scenario.workload == Workload::Checkout;
    let keys = scenario.protections.idempotency_key.enabled;
    html! {
        <section class="state-tables panel" aria-labelledby="tables-title">
            <h2 id="tables-title">{ format!("State at t={}", format_time(props.playhead_us)) }</h2>
            <div class="tables-grid">
                if money { { orders_table(run, &tables) } { charges_table(run, &tables) } }
                if checkout { { emails_table(run, &tables) } }
                if checkout && scenario.protections.outbox { { outbox_table(run, &tables) } }
                if keys { { keys_table(run, &tables) } }
                if !tables.rows.is_empty() { { rows_table(run, &tables) } }
            </div>
        </section>
    }
}
