//! The compare and sweep views' workers, owned by the app like the run's: each hook
//! starts its host once, hands it what the state asks for, and turns its answers into
//! actions.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use super::settings::scenario_json;
use super::state::{Action, AppState, PendingCompare, SweepRunning};
use super::worker::{HostEvent, RunHost, SpecMessage, SweepEvent, SweepHost, SweepProgress};

/// Runs the sweep the state asks for; returns its progress, for the status line.
#[hook]
pub fn use_sweep_worker(
    dispatcher: UseReducerDispatcher<AppState>,
    running: Option<SweepRunning>,
) -> Rc<Cell<SweepProgress>> {
    let host = use_mut_ref(|| None::<SweepHost>);
    let progress = use_memo((), |_| Cell::new(SweepProgress::default()));
    {
        let host = host.clone();
        let progress = progress.clone();
        use_effect_with((), move |_| {
            let on_event = Callback::from(move |event: SweepEvent| {
                dispatcher.dispatch(match event {
                    SweepEvent::Done { seq, samples } => Action::SweepDone { seq, samples },
                    SweepEvent::Failed { seq, message } => Action::SweepFailed { seq, message },
                })
            });
            *host.borrow_mut() = Some(SweepHost::new(on_event, progress));
            move || drop(host.borrow_mut().take())
        });
    }
    use_effect_with(running, move |running| {
        if let Some(host) = host.borrow().as_ref() {
            match running {
                Some(r) => {
                    let scenario = scenario_json(&r.scenario).to_string();
                    let message =
                        SpecMessage::of(&r.spec, scenario, r.settings.from, r.settings.to);
                    host.request(r.seq, r.spec.clone(), message);
                }
                None => host.cancel(),
            }
        }
    });
    progress
}

/// Computes the compare view's run B in a worker of its own when it is too big to run at
/// once, so that A and B can be computed at the same time.
#[hook]
pub fn use_compare_worker(
    dispatcher: UseReducerDispatcher<AppState>,
    pending: Option<PendingCompare>,
) -> Rc<Cell<f64>> {
    let host = use_mut_ref(|| None::<RunHost>);
    let progress = use_memo((), |_| Cell::new(0.0));
    {
        let host = host.clone();
        let progress = progress.clone();
        use_effect_with((), move |_| {
            let on_event = Callback::from(move |event: HostEvent| {
                dispatcher.dispatch(match event {
                    HostEvent::Finished { seq, run } => Action::CompareFinished { seq, run },
                    HostEvent::Failed { seq, message } => Action::CompareFailed { seq, message },
                })
            });
            *host.borrow_mut() = Some(RunHost::start(on_event, progress));
            move || drop(host.borrow_mut().take())
        });
    }
    use_effect_with(pending, move |pending| {
        if let Some(host) = host.borrow().as_ref() {
            match pending {
                Some(p) => host.request(p.seq, &p.valid),
                None => host.cancel(),
            }
        }
    });
    progress
}
