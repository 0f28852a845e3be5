//! Lesson progress in the browser's local storage: read once when the app starts, written
//! whenever it changes. Storage may be unavailable (private windows, blocked cookies): then
//! progress lasts as long as the page.

use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

use super::state::{Action, AppState};

const KEY: &str = "idempotency-lab.lessons-done";

#[hook]
pub fn use_lesson_progress(dispatcher: UseReducerDispatcher<AppState>, done: Vec<String>) {
    use_effect_with((), move |_| {
        // What another session kept; anything unreadable counts as nothing.
        let kept: Vec<String> = LocalStorage::get(KEY).unwrap_or_default();
        if !kept.is_empty() {
            dispatcher.dispatch(Action::LessonsDone(kept));
        }
    });
    // The first value is the page's empty start, not a change: writing it would erase
    // what the load above is bringing back.
    let started = use_mut_ref(|| false);
    use_effect_with(done, move |done| {
        if *started.borrow() {
            let _ = LocalStorage::set(KEY, done);
        }
        *started.borrow_mut() = true;
    });
}
