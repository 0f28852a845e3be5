//! `idemlab protections`, `idemlab sweep` and `idemlab compare`: what a protection buys and
//! what it costs, over a range of one knob or side by side for one seed.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use idempotency_lab::sim::compare::{compare_sets, describe_event};
use idempotency_lab::sim::protection_sets::PROTECTION_SETS;
use idempotency_lab::sim::sweep::{summarize, to_csv, Sample, SweepSpec};
use idempotency_lab::sim::Scenario;

/// Runs above which the sweep shows a progress bar (on a terminal only).
const PROGRESS_FROM: usize = 200;

/// `idemlab protections`: every named set.
pub fn list_protections(json: bool) -> Result<String, String> {
    if json {
        let rows: Vec<_> = PROTECTION_SETS
            .iter()
            .map(|s| serde_json::json!({"name": s.name, "description": s.description}))
            .collect();
        return serde_json::to_string_pretty(&rows).map_err(|e| e.to_string());
    }
    Ok(PROTECTION_SETS
        .iter()
        .map(|s| format!("{:<22} {}", s.name, s.description))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// `idemlab sweep`: every run on all cores, folded into one row per value and set.
pub fn sweep(spec: &SweepSpec, json: bool) -> Result<String, String> {
    let jobs = spec.jobs();
    let bar = if jobs.len() >= PROGRESS_FROM {
        ProgressBar::new(jobs.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {eta} left")
            .map_err(|e| e.to_string())?,
    );
    let started = Instant::now();
    let samples: Vec<Sample> = jobs
        .par_iter()
        .map(|&job| {
            let sample = spec.run(job);
            bar.inc(1);
            sample
        })
        .collect::<Result<_, _>>()?;
    bar.finish_and_clear();
    let points = summarize(spec, &samples);
    if json {
        #[derive(Serialize)]
        struct Report<'a> {
            knob: &'a str,
            seeds: u32,
            runs: usize,
            wall_time_ms: f64,
            points: &'a [idempotency_lab::sim::sweep::SweepPoint],
        }
        let report = Report {
            knob: spec.knob.path,
            seeds: spec.seeds,
            runs: jobs.len(),
            wall_time_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            points: &points,
        };
        return serde_json::to_string_pretty(&report).map_err(|e| e.to_string());
    }
    Ok(to_csv(spec, &points).trim_end().to_string())
}

/// `idemlab compare`: the same seed and faults under two sets, side by side.
pub fn compare(base: &Scenario, a: &str, b: &str, json: bool) -> Result<String, String> {
    let (_, _, comparison) = compare_sets(base, a, b)?;
    let divergence = comparison.divergence.as_ref();
    if json {
        let rows: Vec<_> = comparison
            .rows
            .iter()
            .map(|r| serde_json::json!({"measure": r.measure, "a": r.a, "b": r.b, "difference": r.difference()}))
            .collect();
        let differences: Vec<_> = comparison
            .differences
            .iter()
            .map(|d| serde_json::json!({"op": d.op, "cause": d.cause.label(), "sentence": d.sentence}))
            .collect();
        let report = serde_json::json!({
            "workload": base.workload.name(),
            "seed": base.seed,
            "a": a,
            "b": b,
            "rows": rows,
            "first_divergence": divergence.map(|d| d.index),
            "differences": differences,
        });
        return serde_json::to_string_pretty(&report).map_err(|e| e.to_string());
    }
    let mut text = format!(
        "{} seed {}: A = {a}, B = {b}\n{:<26} {:>12} {:>12} {:>12}\n",
        base.workload.name(),
        base.seed,
        "",
        "A",
        "B",
        "B − A"
    );
    for r in &comparison.rows {
        text.push_str(&format!(
            "{:<26} {:>12} {:>12} {:>12}\n",
            r.measure,
            number(r.a),
            number(r.b),
            signed(r.difference())
        ));
    }
    match divergence {
        None => text.push_str("the two runs are identical event for event"),
        Some(d) => text.push_str(&format!(
            "first divergence at event {}: A {}, B {}",
            d.index,
            describe_event(d.a.as_ref()),
            describe_event(d.b.as_ref())
        )),
    }
    for d in &comparison.differences {
        text.push_str(&format!("\n  - [{}] {}", d.cause.label(), d.sentence));
    }
    Ok(text)
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number(x))
    } else {
        number(x)
    }
}
