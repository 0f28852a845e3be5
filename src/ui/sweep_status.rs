//! "Sweeping…": the runs done of all, the time left at the pace so far, and Cancel.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::sim::config::thousands;
use crate::sim::units::format_duration;

use super::run_view::now_ms;
use super::worker::SweepProgress;

/// Progress is read this often (it reaches only this status, so the form keeps its text).
const POLL_MS: u32 = 200;

#[derive(Properties, PartialEq)]
pub struct SweepStatusProps {
    pub running: bool,
    pub progress: Rc<Cell<SweepProgress>>,
    pub on_cancel: Callback<()>,
}

/// "about 12 s left", once the pace is known.
fn time_left(done: usize, total: usize, elapsed_ms: f64) -> String {
    if done == 0 || elapsed_ms <= 0.0 {
        return "estimating the time left…".into();
    }
    let left_ms = elapsed_ms / done as f64 * total.saturating_sub(done) as f64;
    // Whole seconds: a countdown in milliseconds would flicker.
    let seconds = (left_ms / 1_000.0).ceil().max(1.0) as u64;
    format!("about {} left", format_duration(seconds * 1_000_000))
}

#[component(SweepStatus)]
pub fn sweep_status(props: &SweepStatusProps) -> Html {
    let shown = use_state_eq(|| None::<(SweepProgress, String)>);
    {
        let shown = shown.clone();
        let progress = props.progress.clone();
        use_effect_with(props.running, move |running| {
            let started = now_ms();
            let read = {
                let shown = shown.clone();
                move || {
                    let p = progress.get();
                    shown.set(Some((p, time_left(p.done, p.total, now_ms() - started))));
                }
            };
            let timer = running.then(|| {
                read();
                Interval::new(POLL_MS, read)
            });
            if !running {
                shown.set(None);
            }
            move || drop(timer)
        });
    }
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    html! {
        <div class="run-status sweep-status" role="status" data-testid="sweep-status">
            if let Some((p, left)) = (*shown).clone().filter(|_| props.running) {
                <span class="run-status-text">{ format!("Sweeping: {} of {} runs, {left}", thousands(p.done as u64), thousands(p.total as u64)) }</span>
                <progress max={p.total.max(1).to_string()} value={p.done.to_string()} aria-label="Sweep progress" />
                <button type="button" class="button" onclick={cancel} data-testid="cancel-sweep">{ "Cancel" }</button>
            }
        </div>
    }
}
