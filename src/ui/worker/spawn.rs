//! Starting and stopping a worker on the page's own wasm module: what every host (the run's,
//! the sweep's pool, the shrink's, the interview score's) does the same way.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Url, Worker, WorkerOptions};
use yew::platform::spawn_local;

use super::{message, set};

/// The worker's message and error handlers: kept as long as the worker.
pub(super) type Handlers = (
    Closure<dyn FnMut(MessageEvent)>,
    Closure<dyn FnMut(ErrorEvent)>,
);

/// The page's wasm-bindgen glue, as boot.js found it (Trunk names it in a `<meta>`).
pub(super) fn glue_url() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let loader = document
        .query_selector("meta[name=app-loader]")
        .ok()??
        .get_attribute("content")?;
    let base = document.base_uri().ok()??;
    Url::new_with_base(&loader, &base).ok().map(|u| u.href())
}

/// Start `worker.js` as a module worker and hand it the glue's URL and the page's compiled
/// module; its messages go to `on_message`, an error that stops it to `on_error`. `None`
/// when no worker can start (the host then works on the page).
pub(super) fn spawn_worker(
    mut on_message: impl FnMut(JsValue) + 'static,
    mut on_error: impl FnMut(String) + 'static,
) -> Option<(Worker, Handlers)> {
    let glue = glue_url()?;
    let script = Url::new_with_base("worker.js", &glue).ok()?.href();
    let options = WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = Worker::new_with_options(&script, &options).ok()?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        on_message(event.data())
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        on_error(event.message());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let start = message("start", 0);
    set(&start, "glue", &JsValue::from_str(&glue));
    set(&start, "module", &wasm_bindgen::module());
    worker.post_message(&start).ok()?;
    Some((worker, (on_message, on_error)))
}

/// Stop `worker` at once, and drop its handlers once the current task is over: this may be
/// running inside one of them.
pub(super) fn retire(worker: Worker, handlers: Handlers) {
    worker.set_onmessage(None);
    worker.set_onerror(None);
    worker.terminate();
    spawn_local(async move { drop(handlers) });
}

/// [`spawn_worker`] for a host whose state is `shared`: the worker's messages go to
/// `received` and an error that stops it to `stopped`, while the host lives (the handlers
/// hold its state weakly, so a dropped host is not kept alive by its worker).
pub(super) fn spawn_for<S: 'static>(
    shared: &Rc<RefCell<S>>,
    received: fn(&Rc<RefCell<S>>, JsValue),
    stopped: fn(&Rc<RefCell<S>>, String),
) -> Option<(Worker, Handlers)> {
    let (on_message, on_error) = (Rc::downgrade(shared), Rc::downgrade(shared));
    spawn_worker(
        move |data| {
            if let Some(shared) = on_message.upgrade() {
                received(&shared, data);
            }
        },
        move |error| {
            if let Some(shared) = on_error.upgrade() {
                stopped(&shared, error);
            }
        },
    )
}

/// Stop the worker in `slot`, if there is one.
pub(super) fn retire_slot(slot: &mut Option<(Worker, Handlers)>) {
    if let Some((worker, handlers)) = slot.take() {
        retire(worker, handlers);
    }
}
