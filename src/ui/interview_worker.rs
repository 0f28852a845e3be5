//! The interview score's worker, owned by the app like the shrink's: started once, handed
//! the score the state asks for, its answers turned into actions.

use yew::prelude::*;

use super::state::{Action, AppState, InterviewAction, PendingScore};
use super::worker::{ScoreEvent, ScoreHost};

#[hook]
pub fn use_score_worker(dispatcher: UseReducerDispatcher<AppState>, pending: Option<PendingScore>) {
    let host = use_mut_ref(|| None::<ScoreHost>);
    {
        let host = host.clone();
        use_effect_with((), move |_| {
            let on_event = Callback::from(move |event: ScoreEvent| {
                dispatcher.dispatch(Action::Interview(match event {
                    ScoreEvent::Done {
                        seq,
                        actual,
                        yours,
                        cheapest,
                    } => InterviewAction::Scored {
                        seq,
                        actual,
                        yours,
                        cheapest,
                    },
                    ScoreEvent::Failed { seq, message } => {
                        InterviewAction::ScoreFailed { seq, message }
                    }
                }))
            });
            *host.borrow_mut() = Some(ScoreHost::new(on_event));
            move || drop(host.borrow_mut().take())
        });
    }
    use_effect_with(pending, move |pending| {
        if let Some(host) = host.borrow().as_ref() {
            match pending {
                Some(p) => host.request(p.seq, p.number, p.protections.clone()),
                None => host.cancel(),
            }
        }
    });
}
