//! Rebuilding a run from the worker's bytes on the page, a slice of work at a time: the
//! memory for the trace, the trace decoded 50,000 events at a time, the rest of the run,
//! the replay, the diagram's model in slices, the summary. Between slices the browser
//! handles input and paints; a newer run asked for meanwhile stops the work.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::platform::time::sleep;

use crate::sim::replay::messaging::MessagingReplay;
use crate::sim::replay::Replay;
use crate::sim::report::Summary;
use crate::sim::wire::{decode_events, decode_result, EVENT_BYTES};
use crate::sim::Scenario;
use crate::ui::run_view::{now_ms, RunView};
use crate::ui::timeline::TimelineBuilder;

use super::host::{fail, finish, Shared};
use super::{get, get_f64, set};

/// Decoding yields to the browser after this much work.
const SLICE_MS: f64 = 8.0;
/// Events decoded per copy from the worker's buffer into wasm memory (2 MB).
const SLICE_EVENTS: usize = 50_000;

/// A span of page time in the browser's performance timeline (DevTools, and the
/// end-to-end tests, read it). `measure(name, {start, end})` is called by name: web-sys
/// offers that form only as an unstable API.
fn measure(name: &str, start: f64, end: f64) {
    measure_with(name, start, end, &JsValue::NULL);
}

fn measure_with(name: &str, start: f64, end: f64, detail: &JsValue) {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let options = js_sys::Object::new();
    set(&options, "start", &start.into());
    set(&options, "end", &end.max(start).into());
    set(&options, "detail", detail);
    if let Ok(measure) = get(&performance, "measure").dyn_into::<js_sys::Function>() {
        let _ = measure.call2(&performance, &JsValue::from_str(name), &options);
    }
}

/// Rebuild run `seq` from the worker's answer, a slice of work at a time, giving up as
/// soon as a newer run is wanted.
pub(super) async fn assemble(
    shared: Weak<RefCell<Shared>>,
    seq: u32,
    scenario: Scenario,
    data: JsValue,
) {
    let received_at = now_ms();
    let still_wanted = || shared.upgrade().is_some_and(|s| s.borrow().wants(seq));
    let timings = get(&data, "timings");
    let engine_ms = get_f64(&timings, "engine_ms");
    if let Some(origin) = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.time_origin())
    {
        let posted = get_f64(&timings, "posted_at") - origin;
        let encode_start = posted - get_f64(&timings, "encode_ms");
        measure(
            "idemlab:worker-engine",
            encode_start - engine_ms,
            encode_start,
        );
        measure("idemlab:worker-encode", encode_start, posted);
        // The sizes go with the transfer, for the end-to-end test to print.
        measure_with("idemlab:transfer", posted, received_at, &timings);
    }
    let trace = Uint8Array::new(&get(&data, "trace"));
    let rest = Uint8Array::new(&get(&data, "rest")).to_vec();
    drop(data);

    // The message's task ends here; the trace's memory (26 MB for the largest runs, which
    // the first time grows the page's wasm memory) is taken in a task of its own.
    sleep(Duration::ZERO).await;
    let total = trace.length() as usize;
    let started = now_ms();
    let mut events = Vec::with_capacity(total / EVENT_BYTES);
    let mut buffer = vec![0; SLICE_EVENTS * EVENT_BYTES];
    measure("idemlab:allocate", started, now_ms());
    sleep(Duration::ZERO).await;
    if !still_wanted() {
        return;
    }
    let mut at = 0;
    let mut slice_start = now_ms();
    let decoded = loop {
        if at >= total {
            measure("idemlab:decode", slice_start, now_ms());
            let started = now_ms();
            let result = decode_result(&rest, scenario, events);
            measure("idemlab:decode-rest", started, now_ms());
            break result;
        }
        let end = (at + buffer.len()).min(total);
        let part = &mut buffer[..end - at];
        trace.subarray(at as u32, end as u32).copy_to(part);
        if let Err(e) = decode_events(part, &mut events) {
            break Err(e);
        }
        at = end;
        if now_ms() - slice_start > SLICE_MS {
            measure("idemlab:decode", slice_start, now_ms());
            sleep(Duration::ZERO).await;
            if !still_wanted() {
                return;
            }
            slice_start = now_ms();
        }
    };
    drop((trace, buffer, rest));
    let result = match decoded {
        Ok(result) => result,
        Err(e) => {
            if let Some(shared) = shared.upgrade() {
                fail(
                    &shared,
                    seq,
                    format!("the run's bytes could not be read: {e}"),
                );
            }
            return;
        }
    };
    // The replay takes about 20 ms for the largest runs: a task of its own. The diagram's
    // model takes longer, and is built in slices.
    sleep(Duration::ZERO).await;
    if !still_wanted() {
        return;
    }
    let started = now_ms();
    let replay = Replay::new(&result);
    measure("idemlab:replay", started, now_ms());
    // The events workload's tables: a task of their own.
    sleep(Duration::ZERO).await;
    if !still_wanted() {
        return;
    }
    let started = now_ms();
    let messaging = MessagingReplay::new(&result);
    measure("idemlab:messaging-replay", started, now_ms());
    sleep(Duration::ZERO).await;
    if !still_wanted() {
        return;
    }
    let mut started = now_ms();
    let mut builder = TimelineBuilder::new(&result);
    while !builder.feed(SLICE_EVENTS) {
        if now_ms() - started > SLICE_MS {
            measure("idemlab:timeline", started, now_ms());
            sleep(Duration::ZERO).await;
            if !still_wanted() {
                return;
            }
            started = now_ms();
        }
    }
    let timeline = builder.finish();
    measure("idemlab:timeline", started, now_ms());
    sleep(Duration::ZERO).await;
    let Some(shared) = shared.upgrade() else {
        return;
    };
    let started = now_ms();
    let summary = Summary::new(&result, engine_ms);
    measure("idemlab:summary", started, now_ms());
    let run = RunView::from_parts(result, summary, replay, messaging, timeline);
    let started = now_ms();
    finish(&shared, seq, Rc::new(run));
    measure("idemlab:land", started, now_ms());
}
