//! `idemlab shrink`: the fewest faults that still make one anomaly of a run.

use std::time::{Duration, Instant};

use idempotency_lab::sim::shrink::shrink;
use idempotency_lab::sim::Scenario;

/// `anomaly` counts from 1, in the order `idemlab run` lists the anomalies. The search
/// stops after `max_runs` runs or `seconds` of wall time, whichever comes first.
pub fn shrink_command(
    base: &Scenario,
    anomaly: usize,
    max_runs: u32,
    seconds: f64,
    json: bool,
) -> Result<(String, Scenario), String> {
    let index = anomaly
        .checked_sub(1)
        .ok_or("anomalies are numbered from 1, in the order `idemlab run` lists them")?;
    let deadline = Instant::now() + Duration::from_secs_f64(seconds.clamp(0.1, 3_600.0));
    let started = Instant::now();
    let shrunk = shrink(base, index, max_runs, &mut |_| Instant::now() < deadline)?;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let faults: Vec<String> = shrunk
        .run
        .faults
        .iter()
        .map(|f| f.fault.to_string())
        .collect();
    if json {
        let report = serde_json::json!({
            "workload": base.workload.name(),
            "seed": base.seed,
            "anomaly": shrunk.target.kind.name(),
            "op": shrunk.target.op,
            "original_faults": shrunk.original_faults,
            "faults": faults,
            "descriptions": shrunk.descriptions,
            "minimal": shrunk.minimal,
            "runs": shrunk.runs,
            "wall_time_ms": elapsed_ms,
            "sentence": shrunk.anomaly_sentence(),
            "trace_hash": shrunk.run.trace_hash,
        });
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        return Ok((text, shrunk.scenario));
    }
    let mut text = format!(
        "{} seed {}, anomaly {anomaly}: {}\n{}\n",
        base.workload.name(),
        base.seed,
        shrunk.target.kind.name().replace('_', " "),
        shrunk.summary()
    );
    for (i, d) in shrunk.descriptions.iter().enumerate() {
        text.push_str(&format!("  {}. {d}  [{}]\n", i + 1, faults[i]));
    }
    text.push_str(&format!(
        "in the shrunk run: {}\ntrace hash {}, {:.0} ms",
        shrunk.anomaly_sentence(),
        shrunk.run.trace_hash,
        elapsed_ms
    ));
    Ok((text, shrunk.scenario))
}
