//! The stream workload's tables at the time cursor: the output topic's transactions (id,
//! the instance and epoch that opened it, open / pre-committed / committed / aborted, its
//! invoices) and the Flink job's checkpoints, folded by `sim::replay::stream`.

use yew::prelude::*;

use crate::sim::config::{StreamMode, Workload};
use crate::sim::replay::stream::{stream_tables_at, TxnStateAt};

use super::run_view::RunView;
use super::state_tables::{badge, op_label, shown_of, table_card_with, RECENT_ROWS};

fn state_badge(state: TxnStateAt) -> Html {
    let class = match state {
        TxnStateAt::Open => "badge-muted",
        TxnStateAt::PreCommitted => "badge-warn",
        TxnStateAt::Committed => "badge-ok",
        TxnStateAt::Aborted => "badge-bad",
    };
    badge(state.name(), class)
}

/// The orders of a transaction's invoices: "o-3, o-4, o-5".
fn records(run: &RunView, ops: &[u32]) -> String {
    if ops.is_empty() {
        return "—".into();
    }
    let shown: Vec<String> = ops.iter().take(6).map(|&op| op_label(run, op)).collect();
    let more = ops.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The stream tables at `cursor` (events applied).
pub fn stream_tables(run: &RunView, cursor: usize) -> Html {
    let scenario = &run.result.scenario;
    if scenario.workload != Workload::Stream {
        return Html::default();
    }
    let at = stream_tables_at(&run.result.trace, cursor);
    let txn_rows = at
        .txns
        .iter()
        .rev()
        .take(RECENT_ROWS)
        .map(|t| {
            html! {
                <tr key={t.id} class={classes!((t.state == TxnStateAt::Aborted).then_some("row-bad"))}>
                    <td>{ t.id }</td>
                    <td>{ t.instance as u32 + 1 }</td>
                    <td>{ t.epoch }</td>
                    <td>{ state_badge(t.state) }</td>
                    <td>{ records(run, &t.records) }</td>
                </tr>
            }
        })
        .collect::<Html>();
    let mut note = shown_of(at.txns.len().min(RECENT_ROWS), at.txns.len());
    if at.plain_invoices > 0 {
        note.push_str(&format!(
            ", {} invoices outside any transaction",
            at.plain_invoices
        ));
    }
    if let Some(offset) = at.committed_offset {
        note.push_str(&format!(", input committed to offset {offset}"));
    }
    note.push_str(&format!(", {} received by the reader", at.received));
    let transactions = table_card_with(
        "wraps",
        "Output topic transactions",
        note,
        &["id", "instance", "epoch", "state", "invoices"],
        txn_rows,
        at.txns.is_empty(),
    );
    let checkpoints = (scenario.stream.mode == StreamMode::Flink).then(|| {
        let rows = at
            .checkpoints
            .iter()
            .rev()
            .take(RECENT_ROWS)
            .map(|c| {
                html! {
                    <tr key={c.id}>
                        <td>{ c.id }</td>
                        <td>{ c.offset }</td>
                        <td>{ if c.completed { badge("completed", "badge-ok") } else { badge("taken", "badge-warn") } }</td>
                        <td>{ c.txn.map_or_else(|| "—".into(), |t| t.to_string()) }</td>
                    </tr>
                }
            })
            .collect::<Html>();
        table_card_with(
            "",
            "Checkpoints",
            shown_of(at.checkpoints.len().min(RECENT_ROWS), at.checkpoints.len()),
            &["id", "input offset", "state", "pre-committed transaction"],
            rows,
            at.checkpoints.is_empty(),
        )
    });
    html! {
        <>
            { transactions }
            { for checkpoints }
        </>
    }
}
