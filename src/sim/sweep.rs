//! Sweeps: one knob over a range, under up to four protection sets, several seeds per
//! point. The work is a list of independent runs ([`SweepSpec::jobs`]), each a pure
//! function of the spec, so the CLI runs them on every core and the browser in its
//! worker, and both get the same numbers; [`summarize`] folds the samples per point.

use serde::Serialize;

use super::config::{knob_by_path, Knob, KnobKind, Scenario};
use super::protection_sets::{protection_set, ProtectionSet};
use super::run;

/// Most points, seeds and sets a sweep may ask for, and most runs in all.
pub const MAX_STEPS: u32 = 100;
pub const MAX_SEEDS: u32 = 1_000;
pub const MAX_SETS: usize = 4;
pub const MAX_RUNS: u64 = 200_000;

/// A validated sweep.
#[derive(Clone, Debug)]
pub struct SweepSpec {
    pub base: Scenario,
    pub knob: &'static Knob,
    pub values: Vec<f64>,
    pub seeds: u32,
    pub sets: Vec<&'static ProtectionSet>,
}

/// One run of a sweep: which point, which set, which seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub point: usize,
    pub set: usize,
    pub seed: u32,
}

/// What one run contributes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    pub anomalies: u64,
    pub operations: u64,
    pub p99_latency_us: u64,
    pub key_rows_peak: u64,
    pub responses_409: u64,
}

/// One point of one series: the knob's value under one set, over the seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    pub set: &'static str,
    pub value: f64,
    /// Anomalies per 1,000 operations: mean, lowest and highest over the seeds.
    pub anomaly_rate_mean: f64,
    pub anomaly_rate_min: f64,
    pub anomaly_rate_max: f64,
    pub p99_latency_ms_mean: f64,
    pub key_rows_peak_mean: f64,
    pub responses_409_mean: f64,
}

impl SweepSpec {
    /// Check a sweep of `knob` from `from` to `to` in `steps` points.
    pub fn new(
        base: Scenario,
        knob: &str,
        from: f64,
        to: f64,
        steps: u32,
        seeds: u32,
        sets: &[&str],
    ) -> Result<SweepSpec, String> {
        let knob = knob_by_path(knob)
            .ok_or_else(|| format!("unknown setting '{knob}' (run `idemlab keys` to list them)"))?;
        let (min, max) = match knob.kind {
            KnobKind::Probability => (0.0, 1.0),
            KnobKind::Count { min, max } | KnobKind::Duration { min, max } => {
                (min as f64, max as f64)
            }
            KnobKind::Signed { min, max } => (min as f64, max as f64),
            KnobKind::Bool | KnobKind::Choice(_) => {
                return Err(format!(
                    "{} is not a number: a sweep needs a numeric setting",
                    knob.path
                ))
            }
        };
        for (name, v) in [("--from", from), ("--to", to)] {
            if !v.is_finite() || v < min || v > max {
                return Err(format!(
                    "{name} {v} is outside {}'s range {min}..={max}",
                    knob.path
                ));
            }
        }
        if !(1..=MAX_STEPS).contains(&steps) {
            return Err(format!("--steps must be between 1 and {MAX_STEPS}"));
        }
        if !(1..=MAX_SEEDS).contains(&seeds) {
            return Err(format!("--seeds must be between 1 and {MAX_SEEDS}"));
        }
        if sets.is_empty() || sets.len() > MAX_SETS {
            return Err(format!("--protections takes 1 to {MAX_SETS} sets"));
        }
        let sets = sets
            .iter()
            .map(|name| protection_set(name))
            .collect::<Result<Vec<_>, _>>()?;
        let runs = steps as u64 * seeds as u64 * sets.len() as u64;
        if runs > MAX_RUNS {
            return Err(format!(
                "a sweep of {runs} runs is over the limit of {MAX_RUNS}"
            ));
        }
        let integer = !matches!(knob.kind, KnobKind::Probability);
        let values = (0..steps)
            .map(|i| {
                let v = if steps == 1 {
                    from
                } else {
                    from + (to - from) * i as f64 / (steps - 1) as f64
                };
                if integer {
                    v.round()
                } else {
                    v
                }
            })
            .collect();
        let spec = SweepSpec {
            base,
            knob,
            values,
            seeds,
            sets,
        };
        // Every point must be a valid scenario before any run starts.
        for point in 0..spec.values.len() {
            spec.scenario(Job {
                point,
                set: 0,
                seed: 0,
            })?;
        }
        Ok(spec)
    }

    /// Every run, point by point, set by set, seed by seed.
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for point in 0..self.values.len() {
            for set in 0..self.sets.len() {
                for seed in 0..self.seeds {
                    jobs.push(Job { point, set, seed });
                }
            }
        }
        jobs
    }

    /// The scenario of one run: the set's protections, the point's value, the seed's
    /// offset from the base seed; the trace off (counts only).
    pub fn scenario(&self, job: Job) -> Result<Scenario, String> {
        let mut s = self.sets[job.set].apply(&self.base);
        s.seed = self.base.seed.wrapping_add(job.seed as u64);
        s.trace = false;
        let value = self.values[job.point];
        let text = match self.knob.kind {
            KnobKind::Probability => format!("{value}"),
            _ => format!("{}", value as i64),
        };
        s.with_override(&format!("{}={text}", self.knob.path))
    }

    /// Run one job.
    pub fn run(&self, job: Job) -> Result<Sample, String> {
        let valid = self.scenario(job)?.validate()?;
        let r = run(&valid);
        Ok(Sample {
            anomalies: r.anomaly_counts.total(),
            operations: valid.scenario().operations as u64,
            p99_latency_us: r.outcomes.latency.percentile(99.0),
            key_rows_peak: r.costs.key_rows_peak,
            responses_409: r.costs.responses_409,
        })
    }
}

/// Fold the samples (in the order of [`SweepSpec::jobs`]) into one point per value and set.
pub fn summarize(spec: &SweepSpec, samples: &[Sample]) -> Vec<SweepPoint> {
    let jobs = spec.jobs();
    let mut points = Vec::new();
    for point in 0..spec.values.len() {
        for set in 0..spec.sets.len() {
            let mine: Vec<&Sample> = jobs
                .iter()
                .zip(samples)
                .filter(|(j, _)| j.point == point && j.set == set)
                .map(|(_, s)| s)
                .collect();
            let n = mine.len().max(1) as f64;
            let rate = |s: &Sample| s.anomalies as f64 * 1_000.0 / s.operations.max(1) as f64;
            let rates: Vec<f64> = mine.iter().map(|s| rate(s)).collect();
            let mean = |f: &dyn Fn(&Sample) -> f64| mine.iter().map(|s| f(s)).sum::<f64>() / n;
            points.push(SweepPoint {
                set: spec.sets[set].name,
                value: spec.values[point],
                anomaly_rate_mean: rates.iter().sum::<f64>() / n,
                anomaly_rate_min: rates.iter().copied().fold(f64::INFINITY, f64::min),
                anomaly_rate_max: rates.iter().copied().fold(0.0, f64::max),
                p99_latency_ms_mean: mean(&|s| s.p99_latency_us as f64 / 1_000.0),
                key_rows_peak_mean: mean(&|s| s.key_rows_peak as f64),
                responses_409_mean: mean(&|s| s.responses_409 as f64),
            });
        }
    }
    points
}

/// The points as CSV, with a header line.
pub fn to_csv(spec: &SweepSpec, points: &[SweepPoint]) -> String {
    let mut csv = String::from(
        "knob,value,protections,seeds,anomaly_rate_per_1000_mean,anomaly_rate_per_1000_min,anomaly_rate_per_1000_max,p99_latency_ms_mean,key_rows_peak_mean,responses_409_mean\n",
    );
    for p in points {
        csv.push_str(&format!(
            "{},{},{},{},{:.3},{:.3},{:.3},{:.3},{:.3},{:.3}\n",
            spec.knob.path,
            p.value,
            p.set,
            spec.seeds,
            p.anomaly_rate_mean,
            p.anomaly_rate_min,
            p.anomaly_rate_max,
            p.p99_latency_ms_mean,
            p.key_rows_peak_mean,
            p.responses_409_mean
        ));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenarios::preset;

    fn spec() -> SweepSpec {
        let base = preset("lost-response").unwrap().scenario;
        SweepSpec::new(
            base,
            "network.response_loss",
            0.0,
            0.4,
            5,
            6,
            &["none", "full"],
        )
        .unwrap()
    }

    #[test]
    fn none_rises_with_response_loss_and_full_stays_at_zero() {
        let spec = spec();
        let samples: Vec<Sample> = spec
            .jobs()
            .into_iter()
            .map(|j| spec.run(j).unwrap())
            .collect();
        let points = summarize(&spec, &samples);
        let series = |set: &str| -> Vec<f64> {
            points
                .iter()
                .filter(|p| p.set == set)
                .map(|p| p.anomaly_rate_mean)
                .collect()
        };
        let none = series("none");
        assert_eq!(none[0], 0.0, "no loss, no double charge");
        assert!(none[4] > none[1] && none[1] > 0.0, "{none:?}");
        assert!(series("full").iter().all(|&r| r == 0.0));
        let csv = to_csv(&spec, &points);
        assert_eq!(csv.lines().count(), 1 + 10);
        assert!(csv
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("network.response_loss,0,none,6,"));
    }

    #[test]
    fn bad_sweeps_are_refused_with_a_reason() {
        let base = Scenario::default();
        let err = |knob, from, to, steps, sets: &[&str]| {
            SweepSpec::new(base.clone(), knob, from, to, steps, 2, sets).unwrap_err()
        };
        assert!(err("network.response_loss", 0.0, 2.0, 3, &["none"]).contains("range"));
        assert!(err("client.jitter", 0.0, 1.0, 3, &["none"]).contains("not a number"));
        assert!(err("network.response_loss", 0.0, 1.0, 0, &["none"]).contains("--steps"));
        assert!(err(
            "network.response_loss",
            0.0,
            1.0,
            3,
            &["none", "a", "b", "c", "d"]
        )
        .contains("1 to 4"));
        assert!(err("nope", 0.0, 1.0, 3, &["none"]).contains("unknown setting"));
        assert!(
            err("network.response_loss", 0.0, 1.0, 3, &["nope"]).contains("unknown protection set")
        );
    }
}
