//! The saga workload's table at the time cursor: per order, each step's state (pending,
//! done, failed, compensated) and attempts, and how the saga stands, folded from the
//! orchestrator's log by `sim::replay::saga`.

use yew::prelude::*;

use crate::sim::replay::saga::{SagaState, StepAt, StepState};

use super::run_view::RunView;
use super::state_tables::{badge, op_label};

/// Orders shown: the most recently changed.
const RECENT_SAGAS: usize = 12;

fn step_cell(step: &StepAt) -> Html {
    let class = match step.state {
        StepState::Pending => "badge-muted",
        StepState::Done => "badge-ok",
        StepState::Failed => "badge-bad",
        StepState::Compensated => "badge-warn",
    };
    let attempts = match (step.attempts, step.compensation_attempts) {
        (0, _) => String::new(),
        (n, 0) => format!(" ×{n}"),
        (n, m) => format!(" ×{n} undo ×{m}"),
    };
    html! { <td>{ badge(step.state.name(), class) }{ attempts }</td> }
}

fn state_badge(state: SagaState) -> Html {
    let class = match state {
        SagaState::Running => "badge-muted",
        SagaState::Compensating | SagaState::Compensated => "badge-warn",
        SagaState::Completed => "badge-ok",
        SagaState::Stuck => "badge-bad",
    };
    badge(state.name(), class)
}

/// The sagas' steps at `cursor`.
pub fn saga_table(run: &RunView, cursor: usize) -> Html {
    let (sagas, total) = run.sagas.sagas_at(&run.result.trace, cursor, RECENT_SAGAS);
    let note = if sagas.len() < total {
        format!("{total} sagas, latest {} shown", sagas.len())
    } else if total == 1 {
        "1 saga".into()
    } else {
        format!("{total} sagas")
    };
    let rows = sagas
        .iter()
        .map(|saga| {
            html! {
                <tr key={saga.op} data-testid="saga-row">
                    <td>{ op_label(run, saga.op) }</td>
                    { for saga.steps.iter().map(step_cell) }
                    <td>{ state_badge(saga.state) }</td>
                </tr>
            }
        })
        .collect::<Html>();
    let headers = ["order", "reserve", "charge", "ship", "saga"];
    // On a phone the table may be wider than its card, which then scrolls: a region that
    // scrolls must be reachable from the keyboard.
    html! {
        <div class="table-card wraps" tabindex="0" role="region" aria-label="Saga steps">
            <table>
                <caption>{ "Saga steps (state, attempts)" }<span class="table-note">{ note }</span></caption>
                <thead><tr>{ for headers.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
                <tbody>
                    if sagas.is_empty() {
                        <tr><td class="empty" colspan={headers.len().to_string()}>{ "empty" }</td></tr>
                    } else {
                        { rows }
                    }
                </tbody>
            </table>
        </div>
    }
}
