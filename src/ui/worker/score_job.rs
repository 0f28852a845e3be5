//! The worker's side of an interview's score: the question's run, the trial of the
//! protections chosen and the search for the cheapest that works (`sim::interview`), sent
//! back as names and numbers; the page judges the points.

use js_sys::Array;
use wasm_bindgen::JsValue;
use web_sys::DedicatedWorkerGlobalScope;

use crate::sim::interview::{choices, question, score, Answer, Trial};
use crate::sim::oracle::AnomalyKind;

use super::{get, get_f64, message, set};

/// The protections of `workload`'s choices named in `text` (comma-separated).
pub fn protections_named(text: &str, offered: &[&'static str]) -> Vec<&'static str> {
    text.split(',')
        .filter_map(|name| offered.iter().find(|o| **o == name).copied())
        .collect()
}

pub fn kinds_named(text: &str) -> Vec<AnomalyKind> {
    text.split(',')
        .filter_map(|name| AnomalyKind::ALL.into_iter().find(|k| k.name() == name))
        .collect()
}

/// A trial as `[protections, anomalies, events, key rows, 409s]`.
fn trial_to_js(trial: &Trial) -> Array {
    let numbers = [
        trial.anomalies as f64,
        trial.events,
        trial.key_rows,
        trial.responses_409,
    ];
    let array: Array = numbers.iter().map(|&n| JsValue::from(n)).collect();
    array.unshift(&JsValue::from_str(&trial.protections.join(",")));
    array
}

/// The trial `trial_to_js` wrote, its protections among `offered`.
pub fn trial_from_js(value: &JsValue, offered: &[&'static str]) -> Option<Trial> {
    if !value.is_object() {
        return None;
    }
    let array = Array::from(value);
    let number = |i: u32| array.get(i).as_f64().unwrap_or(0.0);
    Some(Trial {
        protections: protections_named(&array.get(0).as_string()?, offered),
        anomalies: number(1) as u64,
        events: number(2),
        key_rows: number(3),
        responses_409: number(4),
    })
}

/// The score the page asked for: `question` (its number), `protections` (comma-separated).
pub fn score_in_worker(scope: &DedicatedWorkerGlobalScope, seq: u32, data: &JsValue) {
    let q = question(get_f64(data, "question") as u64);
    let chosen = get(data, "protections").as_string().unwrap_or_default();
    let answer = Answer {
        predicted: Vec::new(),
        protections: protections_named(&chosen, choices(q.scenario.workload)),
    };
    let reply = match score(&q, &answer) {
        Ok(s) => {
            let done = message("scored", seq);
            let actual: Vec<&str> = s.actual.iter().map(|k| k.name()).collect();
            set(&done, "actual", &JsValue::from_str(&actual.join(",")));
            set(&done, "yours", &trial_to_js(&s.yours));
            if let Some(best) = &s.cheapest {
                set(&done, "cheapest", &trial_to_js(best));
            }
            done
        }
        Err(e) => {
            let failed = message("failed", seq);
            set(&failed, "message", &JsValue::from_str(&e));
            failed
        }
    };
    let _ = scope.post_message(&reply);
}
