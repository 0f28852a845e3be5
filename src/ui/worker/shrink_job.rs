//! The worker's side of a shrink: find the fewest faults behind one anomaly
//! (`sim::shrink`) within a time budget; the page then runs the shrunk scenario like any
//! other.

use wasm_bindgen::JsValue;
use web_sys::DedicatedWorkerGlobalScope;

use crate::sim::shrink::{shrink, Shrunk, MAX_SHRINK_RUNS};
use crate::sim::Scenario;
use crate::ui::settings::{scenario_json, validate_for_browser};

use super::{get, get_f64, message, set};

/// Longest a shrink may search before it answers with what it has.
pub const SHRINK_BUDGET_MS: f64 = 10_000.0;

fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

/// What the page needs of a finished shrink, as a plain object.
fn shrunk_message(seq: u32, shrunk: &Shrunk) -> js_sys::Object {
    let done = message("shrunk", seq);
    let scenario = scenario_json(&shrunk.scenario).to_string();
    set(&done, "scenario", &JsValue::from_str(&scenario));
    set(&done, "summary", &JsValue::from_str(&shrunk.summary()));
    set(
        &done,
        "sentence",
        &JsValue::from_str(shrunk.anomaly_sentence()),
    );
    let descriptions = js_sys::Array::new();
    for d in &shrunk.descriptions {
        descriptions.push(&JsValue::from_str(d));
    }
    set(&done, "descriptions", &descriptions);
    set(&done, "runs", &shrunk.runs.into());
    done
}

/// The shrink the page asked for: `scenario` (JSON), `anomaly` (index in its run).
pub fn shrink_in_worker(scope: &DedicatedWorkerGlobalScope, seq: u32, data: &JsValue) {
    let scenario = get(data, "scenario").as_string().unwrap_or_default();
    let anomaly = get_f64(data, "anomaly") as usize;
    let started = now_ms(scope);
    let outcome = Scenario::from_json(&scenario)
        .and_then(validate_for_browser)
        .and_then(|valid| {
            shrink(valid.scenario(), anomaly, MAX_SHRINK_RUNS, &mut |_| {
                now_ms(scope) - started < SHRINK_BUDGET_MS
            })
        });
    let answer = match outcome {
        Ok(shrunk) => shrunk_message(seq, &shrunk),
        Err(e) => {
            let failed = message("failed", seq);
            set(&failed, "message", &JsValue::from_str(&e));
            failed
        }
    };
    let _ = scope.post_message(&answer);
}
