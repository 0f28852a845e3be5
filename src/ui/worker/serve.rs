//! The worker's side: run what the page asks for, report progress, and send the run back
//! as bytes in transferred buffers (no copy to the page, no JSON).

use std::ops::ControlFlow;

use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::sim::wire::{encode_result, encode_trace};
use crate::sim::{run_observed, Scenario};
use crate::ui::settings::validate_for_browser;

use super::score_job::score_in_worker;
use super::shrink_job::shrink_in_worker;
use super::sweep_jobs::run_chunk;
use super::{get, get_f64, message, set, PROGRESS_EVENTS, PROGRESS_MS};

/// Milliseconds since the page's time origin: absolute, so the page can tell how long a
/// message took to arrive.
fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope
        .performance()
        .map_or(0.0, |p| p.time_origin() + p.now())
}

/// Installs the message handler and tells the page the worker is ready.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler = {
        let scope = scope.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let seq = get_f64(&data, "seq") as u32;
            match get(&data, "type").as_string().as_deref() {
                Some("run") => {
                    let scenario = get(&data, "scenario").as_string().unwrap_or_default();
                    simulate(&scope, seq, &scenario);
                }
                Some("sweep") => run_chunk(&scope, seq, &data),
                Some("shrink") => shrink_in_worker(&scope, seq, &data),
                Some("score") => score_in_worker(&scope, seq, &data),
                _ => {}
            }
        })
    };
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    let _ = scope.post_message(&message("ready", 0));
}

fn simulate(scope: &DedicatedWorkerGlobalScope, seq: u32, scenario: &str) {
    let valid = match Scenario::from_json(scenario).and_then(validate_for_browser) {
        Ok(valid) => valid,
        Err(e) => {
            let failed = message("failed", seq);
            set(&failed, "message", &JsValue::from_str(&e));
            let _ = scope.post_message(&failed);
            return;
        }
    };
    let started = now_ms(scope);
    let mut last_post = started;
    let result = run_observed(&valid, PROGRESS_EVENTS, &mut |progress| {
        let now = now_ms(scope);
        if now - last_post >= PROGRESS_MS {
            last_post = now;
            let report = message("progress", seq);
            set(&report, "fraction", &progress.fraction(&valid).into());
            let _ = scope.post_message(&report);
        }
        ControlFlow::Continue(())
    });
    let Some(mut result) = result else { return };
    let ran = now_ms(scope);
    let trace = bytes_to_js(&encode_trace(&std::mem::take(&mut result.trace)));
    let rest = bytes_to_js(&encode_result(&result));
    drop(result);
    let encoded = now_ms(scope);

    let done = message("done", seq);
    set(&done, "trace", &trace.buffer());
    set(&done, "rest", &rest.buffer());
    let timings = Object::new();
    set(&timings, "engine_ms", &(ran - started).into());
    set(&timings, "encode_ms", &(encoded - ran).into());
    set(&timings, "trace_bytes", &trace.length().into());
    set(&timings, "rest_bytes", &rest.length().into());
    set(&timings, "posted_at", &now_ms(scope).into());
    set(&done, "timings", &timings);
    let transfer = Array::of2(&trace.buffer(), &rest.buffer());
    if let Err(e) = scope.post_message_with_transfer(&done, &transfer) {
        let failed = message("failed", seq);
        set(&failed, "message", &e);
        let _ = scope.post_message(&failed);
    }
}

/// A copy of `bytes` in a buffer of its own, which can then be transferred.
fn bytes_to_js(bytes: &[u8]) -> Uint8Array {
    let array = Uint8Array::new_with_length(bytes.len() as u32);
    array.copy_from(bytes);
    array
}
