//! "Running…": shown when a run has taken longer than a moment, with its progress and a
//! Cancel button. The run on screen stays meanwhile.

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

/// A run that is done sooner is not worth a flash of "Running…"; progress is read as often.
const POLL_MS: u32 = 100;

#[derive(Properties, PartialEq)]
pub struct RunStatusProps {
    /// A run is being computed.
    pub running: bool,
    /// How far it has got, 0 to 1, as the worker last said. Read here on a timer, so that
    /// progress re-renders this status only.
    pub progress: Rc<Cell<f64>>,
    pub on_cancel: Callback<()>,
}

#[component(RunStatus)]
pub fn run_status(props: &RunStatusProps) -> Html {
    // `None` until the run has taken a moment.
    let shown = use_state_eq(|| None::<u32>);
    {
        let shown = shown.clone();
        let progress = props.progress.clone();
        use_effect_with(props.running, move |running| {
            shown.set(None);
            let timer = running.then(|| {
                Interval::new(POLL_MS, move || {
                    shown.set(Some((progress.get() * 100.0).floor() as u32));
                })
            });
            move || drop(timer)
        });
    }
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    html! {
        <div class="run-status" role="status" data-testid="run-status">
            if let Some(percent) = (*shown).filter(|_| props.running) {
                <span class="run-status-text">{ "Running the simulation…" }</span>
                <progress max="100" value={percent.to_string()} aria-label="Simulation progress" />
                <span class="run-status-percent" aria-hidden="true">{ format!("{percent}%") }</span>
                <button type="button" class="button" onclick={cancel} data-testid="cancel-run">{ "Cancel" }</button>
            }
        </div>
    }
}
