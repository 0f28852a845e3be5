//! The shrink's worker, owned by the app like the run's: started once, handed the shrink
//! the state asks for, its answers turned into actions.

use yew::prelude::*;

use super::state::{Action, AppState, PendingShrink};
use super::worker::{ShrinkEvent, ShrinkHost};

#[hook]
pub fn use_shrink_worker(
    dispatcher: UseReducerDispatcher<AppState>,
    pending: Option<PendingShrink>,
) {
    let host = use_mut_ref(|| None::<ShrinkHost>);
    {
        let host = host.clone();
        use_effect_with((), move |_| {
            let on_event = Callback::from(move |event: ShrinkEvent| {
                dispatcher.dispatch(match event {
                    ShrinkEvent::Done {
                        seq,
                        scenario,
                        report,
                    } => Action::ShrinkDone {
                        seq,
                        scenario,
                        report,
                    },
                    ShrinkEvent::Failed { seq, message } => Action::ShrinkFailed { seq, message },
                })
            });
            *host.borrow_mut() = Some(ShrinkHost::new(on_event));
            move || drop(host.borrow_mut().take())
        });
    }
    use_effect_with(pending, move |pending| {
        if let Some(host) = host.borrow().as_ref() {
            match pending {
                Some(p) => host.request(p.seq, p.scenario.clone(), p.anomaly),
                None => host.cancel(),
            }
        }
    });
}
