//! A sweep's runs, as the worker (or, without one, the page) does them: a chunk of the
//! spec's jobs at a time, each a run with the trace off folded into a [`Sample`] exactly
//! as `SweepSpec::run` does (the browser reaches the engine only through `run_observed`,
//! so the wasm holds one copy of it; `tests/web_sweep.rs` checks the two agree).

use std::cell::RefCell;
use std::ops::ControlFlow;

use js_sys::{Array, Float64Array, Object};
use wasm_bindgen::prelude::*;
use web_sys::DedicatedWorkerGlobalScope;

use crate::sim::sweep::{Job, Sample, SweepSpec};
use crate::sim::{run_observed, Scenario};

use super::{get, get_f64, message, set};

/// Numbers per sample in the `samples` message.
pub const SAMPLE_FIELDS: usize = 5;

/// One job of `spec`, run here.
pub fn sweep_sample(spec: &SweepSpec, job: Job) -> Result<Sample, String> {
    let valid = spec.scenario(job)?.validate()?;
    let result = run_observed(&valid, u64::MAX, &mut |_| ControlFlow::Continue(()))
        .ok_or("the run was stopped")?;
    Ok(Sample {
        anomalies: result.anomaly_counts.total(),
        operations: valid.scenario().operations as u64,
        p99_latency_us: result.outcomes.latency.percentile(99.0),
        key_rows_peak: result.costs.key_rows_peak,
        responses_409: result.costs.responses_409,
    })
}

/// Samples as the message carries them: five numbers each (all well under 2^53).
pub fn samples_to_js(samples: &[Sample]) -> Float64Array {
    let flat: Vec<f64> = samples
        .iter()
        .flat_map(|s| {
            [
                s.anomalies,
                s.operations,
                s.p99_latency_us,
                s.key_rows_peak,
                s.responses_409,
            ]
        })
        .map(|n| n as f64)
        .collect();
    Float64Array::from(flat.as_slice())
}

pub fn samples_from_js(array: &Float64Array) -> Vec<Sample> {
    array
        .to_vec()
        .chunks_exact(SAMPLE_FIELDS)
        .map(|s| Sample {
            anomalies: s[0] as u64,
            operations: s[1] as u64,
            p99_latency_us: s[2] as u64,
            key_rows_peak: s[3] as u64,
            responses_409: s[4] as u64,
        })
        .collect()
}

/// What the page sends to describe a sweep: the fields of `SweepSpec::new`.
pub struct SpecMessage {
    pub scenario: String,
    pub knob: String,
    pub from: f64,
    pub to: f64,
    pub steps: u32,
    pub seeds: u32,
    pub sets: String,
}

impl SpecMessage {
    pub fn of(spec: &SweepSpec, scenario_json: String, from: f64, to: f64) -> SpecMessage {
        SpecMessage {
            scenario: scenario_json,
            knob: spec.knob.path.to_string(),
            from,
            to,
            steps: spec.values.len() as u32,
            seeds: spec.seeds,
            sets: spec
                .sets
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    pub fn write(&self, object: &Object) {
        set(object, "scenario", &JsValue::from_str(&self.scenario));
        set(object, "knob", &JsValue::from_str(&self.knob));
        set(object, "from", &self.from.into());
        set(object, "to", &self.to.into());
        set(object, "steps", &self.steps.into());
        set(object, "seeds", &self.seeds.into());
        set(object, "sets", &JsValue::from_str(&self.sets));
    }

    fn read(data: &JsValue) -> SpecMessage {
        let text = |key| get(data, key).as_string().unwrap_or_default();
        SpecMessage {
            scenario: text("scenario"),
            knob: text("knob"),
            from: get_f64(data, "from"),
            to: get_f64(data, "to"),
            steps: get_f64(data, "steps") as u32,
            seeds: get_f64(data, "seeds") as u32,
            sets: text("sets"),
        }
    }

    pub fn spec(&self) -> Result<SweepSpec, String> {
        let base = Scenario::from_json(&self.scenario)?;
        let sets: Vec<&str> = self.sets.split(',').collect();
        SweepSpec::new(
            base, &self.knob, self.from, self.to, self.steps, self.seeds, &sets,
        )
    }
}

thread_local! {
    /// The sweep this worker is on (by number), built once for all its chunks.
    static SPEC: RefCell<Option<(u32, SweepSpec, Vec<Job>)>> = const { RefCell::new(None) };
}

/// Run the chunk of jobs `first..first + count` of sweep `seq` and post the samples.
pub fn run_chunk(scope: &DedicatedWorkerGlobalScope, seq: u32, data: &JsValue) {
    let first = get_f64(data, "first") as usize;
    let count = get_f64(data, "count") as usize;
    let outcome = SPEC.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.as_ref().is_none_or(|(s, _, _)| *s != seq) {
            let spec = SpecMessage::read(data).spec()?;
            let jobs = spec.jobs();
            *cached = Some((seq, spec, jobs));
        }
        let Some((_, spec, jobs)) = cached.as_ref() else {
            return Err("no sweep".to_string());
        };
        jobs.get(first..first + count)
            .ok_or("the chunk is outside the sweep")?
            .iter()
            .map(|&job| sweep_sample(spec, job))
            .collect::<Result<Vec<_>, _>>()
    });
    match outcome {
        Ok(samples) => {
            let reply = message("samples", seq);
            let array = samples_to_js(&samples);
            set(&reply, "first", &first.into());
            set(&reply, "samples", &array);
            let _ = scope.post_message_with_transfer(&reply, &Array::of1(&array.buffer()));
        }
        Err(e) => {
            let failed = message("failed", seq);
            set(&failed, "message", &JsValue::from_str(&e));
            let _ = scope.post_message(&failed);
        }
    }
}
