//! Big runs in a dedicated web worker, so the page never freezes.
//!
//! One wasm module serves both sides. For the first run that needs it, the page (`host`)
//! starts `worker.js` as a module worker and posts it the URL of the wasm-bindgen glue and the page's own compiled
//! `WebAssembly.Module`; `worker.js` instantiates that module, whose `main` finds no
//! window and calls [`serve`] instead of mounting the app. Messages are plain objects
//! with a `type`:
//!
//! | from | `type` | fields |
//! | --- | --- | --- |
//! | worker.js | `unavailable` | `message`: the worker could not start (the page runs inline) |
//! | worker | `ready` | |
//! | page | `run` | `seq`, `scenario` (JSON) |
//! | worker | `progress` | `seq`, `fraction` (0 to 1) |
//! | worker | `done` | `seq`, `trace` and `rest` (transferred `ArrayBuffer`s, see `sim::wire`), `timings` |
//! | worker | `failed` | `seq`, `message` |
//! | page | `sweep` | `seq`, the sweep (`scenario` JSON, `knob`, `from`, `to`, `steps`, `seeds`, `sets` comma-separated), `first`, `count`: run jobs `first..first + count` |
//! | worker | `samples` | `seq`, `first`, `samples`: a transferred `Float64Array`, five numbers per job (see `sweep_jobs`) |
//! | page | `shrink` | `seq`, `scenario` (JSON), `anomaly`: its index in the run's list |
//! | worker | `shrunk` | `seq`, `scenario` (JSON, with `only_faults`), `summary`, `sentence`, `descriptions` (the kept faults in words), `runs` |
//! | page | `score` | `seq`, `question` (its number), `protections` (the candidate's, comma-separated) |
//! | worker | `scored` | `seq`, `actual` (the kinds the question's run shows, comma-separated), `yours` and `cheapest` (if any works): `[protections, anomalies, events, key rows, 409s]` |
//!
//! Cancelling, or a newer run while one is running, terminates the worker and starts a
//! fresh one: a run cannot be interrupted from outside, and only the latest is wanted.
//! A sweep has workers of its own (`sweep_host`: one per core, at most four), handed a
//! chunk of jobs at a time; a sweep failing in a worker answers `failed`, and cancelling
//! it terminates them. A shrink has one worker of its own (`shrink_host`), terminated to
//! cancel it, and so has an interview's score (`score_host`).

mod assemble;
mod host;
mod score_host;
mod score_job;
mod serve;
mod shrink_host;
mod shrink_job;
mod spawn;
mod sweep_host;
mod sweep_jobs;

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

pub use host::{HostEvent, RunHost};
pub use score_host::{ScoreEvent, ScoreHost};
pub use serve::serve;
pub use shrink_host::{ShrinkEvent, ShrinkHost, ShrinkReport};
pub use sweep_host::{SweepEvent, SweepHost, SweepProgress};
pub use sweep_jobs::{samples_from_js, samples_to_js, sweep_sample, SpecMessage};

/// Engine progress is checked every this many events; the worker posts at most every
/// [`PROGRESS_MS`].
const PROGRESS_EVENTS: u64 = 8_192;
const PROGRESS_MS: f64 = 50.0;

/// A message of type `kind` about run `seq`.
fn message(kind: &str, seq: u32) -> Object {
    let message = Object::new();
    set(&message, "type", &JsValue::from_str(kind));
    set(&message, "seq", &JsValue::from(seq));
    message
}

fn set(object: &Object, key: &str, value: &JsValue) {
    // Setting a property of a plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_f64(object: &JsValue, key: &str) -> f64 {
    get(object, key).as_f64().unwrap_or(0.0)
}
