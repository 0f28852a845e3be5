//! `idemlab protections`, `idemlab sweep` and `idemlab compare`: what a protection buys and
//! what it costs, over a range of one knob or side by side for one seed.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use idempotency_lab::sim::oracle::{format_time, AnomalyKind};
use idempotency_lab::sim::protection_sets::{protection_set, PROTECTION_SETS};
use idempotency_lab::sim::sweep::{summarize, to_csv, Sample, SweepSpec};
use idempotency_lab::sim::trace::TraceEvent;
use idempotency_lab::sim::{run, RunResult, Scenario};

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
    let (set_a, set_b) = (protection_set(a)?, protection_set(b)?);
    let mut runs = Vec::new();
    for set in [set_a, set_b] {
        let mut s = set.apply(base);
        s.trace = true;
        s.max_events = s
            .max_events
            .min(idempotency_lab::sim::config::limits::MAX_TRACED_EVENTS);
        runs.push(run(&s.validate()?));
    }
    let (ra, rb) = (&runs[0], &runs[1]);
    let mut rows: Vec<(String, f64, f64)> = AnomalyKind::ALL
        .iter()
        .map(|&k| {
            (
                k.name().to_string(),
                ra.anomaly_counts.get(k) as f64,
                rb.anomaly_counts.get(k) as f64,
            )
        })
        .filter(|(_, x, y)| *x != 0.0 || *y != 0.0)
        .collect();
    // Each cost, read the same way from both runs.
    let costs: [(&str, Measure); 8] = [
        ("anomalies in all", |r| r.anomaly_counts.total() as f64),
        ("events", |r| r.events as f64),
        ("p99 latency (ms)", |r| {
            r.outcomes.latency.percentile(99.0) as f64 / 1000.0
        }),
        ("database round trips", |r| r.costs.db_round_trips as f64),
        ("key-store rows (peak)", |r| r.costs.key_rows_peak as f64),
        ("409 responses", |r| r.costs.responses_409 as f64),
        ("client-visible errors", |r| {
            r.costs.client_visible_errors as f64
        }),
        ("operations left unknown", |r| r.outcomes.unknown as f64),
    ];
    rows.extend(
        costs
            .iter()
            .map(|(name, of)| (name.to_string(), of(ra), of(rb))),
    );
    let divergence = first_divergence(&ra.trace, &rb.trace);
    if json {
        let rows: Vec<_> = rows
            .iter()
            .map(|(name, x, y)| serde_json::json!({"measure": name, "a": x, "b": y, "difference": y - x}))
            .collect();
        let report = serde_json::json!({
            "workload": base.workload.name(),
            "seed": base.seed,
            "a": a,
            "b": b,
            "rows": rows,
            "first_divergence": divergence.map(|(i, _, _)| i),
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
    for (name, x, y) in &rows {
        text.push_str(&format!(
            "{name:<26} {:>12} {:>12} {:>12}\n",
            number(*x),
            number(*y),
            signed(y - x)
        ));
    }
    match divergence {
        None => text.push_str("the two runs are identical event for event"),
        Some((i, ea, eb)) => text.push_str(&format!(
            "first divergence at event {i}: A {}, B {}",
            describe(ea),
            describe(eb)
        )),
    }
    Ok(text)
}

/// How a compare row reads one run.
type Measure = fn(&RunResult) -> f64;

/// The first event where the traces differ, with each side's event there (if any).
fn first_divergence<'a>(
    a: &'a [TraceEvent],
    b: &'a [TraceEvent],
) -> Option<(usize, Option<&'a TraceEvent>, Option<&'a TraceEvent>)> {
    let i = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
    Some((i, a.get(i), b.get(i)))
}

fn describe(event: Option<&TraceEvent>) -> String {
    match event {
        None => "has no more events".into(),
        Some(e) => {
            let kind = serde_json::to_value(e.kind())
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!(
                "t={} {} {}",
                format_time(e.time),
                e.actor.label(),
                kind.replace('_', " ")
            )
        }
    }
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
