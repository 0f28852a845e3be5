//! The run summary printed by `idemlab run` (and shown in the browser).

use std::collections::BTreeMap;

use serde::Serialize;

use super::oracle::count_by_kind;
use super::results::{Costs, GroundTruth, RunResult};
use super::trace::Outcome;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Explanation {
    pub kind: &'static str,
    pub operation: String,
    pub time_us: u64,
    pub events: Vec<u32>,
    pub narrative: String,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ClientOutcomes {
    pub succeeded: u64,
    pub failed: u64,
    pub unknown: u64,
    /// Of the unknown ones, those whose effect did happen (their labels).
    pub unknown_took_effect: Vec<String>,
    /// Operations still running when the run hit its event limit.
    pub unfinished: u64,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Latency {
    pub p50: u64,
    pub p95: u64,
    pub p99: u64,
    pub max: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub workload: &'static str,
    pub seed: u64,
    pub trace_hash: String,
    pub events: u64,
    pub stopped_at_event_limit: bool,
    pub operations: u64,
    pub virtual_time_us: u64,
    pub wall_time_ms: f64,
    pub anomalies: BTreeMap<&'static str, u64>,
    pub client_outcomes: ClientOutcomes,
    pub latency_us: Latency,
    pub costs: Costs,
    pub ground_truth: GroundTruth,
    pub explanations: Vec<Explanation>,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl Summary {
    pub fn new(result: &RunResult, wall_time_ms: f64) -> Summary {
        let mut outcomes = ClientOutcomes::default();
        let mut latencies = Vec::with_capacity(result.op_results.len());
        for r in &result.op_results {
            match r.outcome {
                Some(Outcome::Succeeded) => outcomes.succeeded += 1,
                Some(Outcome::Failed) => outcomes.failed += 1,
                Some(Outcome::Unknown) => outcomes.unknown += 1,
                None => outcomes.unfinished += 1,
            }
            if r.outcome.is_some() {
                latencies.push(r.end_us - r.start_us);
            }
        }
        latencies.sort_unstable();
        outcomes.unknown_took_effect = result
            .unknown_took_effect
            .iter()
            .map(|&op| result.operations[op as usize].label())
            .collect();
        let mut costs = result.costs.clone();
        costs.key_rows_series.clear();
        Summary {
            workload: result.scenario.workload.name(),
            seed: result.scenario.seed,
            trace_hash: result.trace_hash.clone(),
            events: result.events,
            stopped_at_event_limit: result.stopped_at_event_limit,
            operations: result.operations.len() as u64,
            virtual_time_us: result.virtual_time_us,
            wall_time_ms,
            anomalies: count_by_kind(&result.anomalies),
            client_outcomes: outcomes,
            latency_us: Latency {
                p50: percentile(&latencies, 50.0),
                p95: percentile(&latencies, 95.0),
                p99: percentile(&latencies, 99.0),
                max: latencies.last().copied().unwrap_or(0),
            },
            costs,
            ground_truth: result.ground_truth,
            explanations: result
                .anomalies
                .iter()
                .map(|a| Explanation {
                    kind: a.kind.name(),
                    operation: result.operations[a.op as usize].label(),
                    time_us: a.time_us,
                    events: a.events.clone(),
                    narrative: a.narrative.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 95.0), 95);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&[], 50.0), 0);
        assert_eq!(percentile(&[7], 99.0), 7);
    }
}
