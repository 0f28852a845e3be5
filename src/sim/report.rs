//! The run summary printed by `idemlab run` (and shown in the browser).

use std::collections::BTreeMap;

use serde::Serialize;

use super::config::Workload;
use super::results::{Costs, GroundTruth, RunResult};
use super::workload::operation;

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
    /// Of the unknown ones, those whose effect did happen (their labels): all of them with
    /// the trace on, the first 200 with it off (a run without a trace keeps nothing per
    /// operation); the count is of all.
    pub unknown_took_effect: Vec<String>,
    pub unknown_took_effect_count: u64,
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
    /// What the run says about itself (e.g. a stream job refused at start-up).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Summary {
    pub fn new(result: &RunResult, wall_time_ms: f64) -> Summary {
        let scenario = &result.scenario;
        let label = |op: u32| operation(scenario, op).label();
        let o = &result.outcomes;
        let outcomes = ClientOutcomes {
            succeeded: o.succeeded,
            failed: o.failed,
            unknown: o.unknown,
            unknown_took_effect: result
                .unknown_took_effect
                .iter()
                .map(|&op| label(op))
                .collect(),
            unknown_took_effect_count: result.unknown_took_effect_count,
            // The events, stream and saga workloads have no clients, so no operation waits
            // on one.
            unfinished: if matches!(
                scenario.workload,
                Workload::Events | Workload::Stream | Workload::Saga
            ) {
                0
            } else {
                scenario.operations as u64 - o.ended()
            },
        };
        let mut costs = result.costs.clone();
        costs.key_rows_series.clear();
        Summary {
            workload: scenario.workload.name(),
            seed: scenario.seed,
            trace_hash: result.trace_hash.clone(),
            events: result.events,
            stopped_at_event_limit: result.stopped_at_event_limit,
            operations: scenario.operations as u64,
            virtual_time_us: result.virtual_time_us,
            wall_time_ms,
            anomalies: result.anomaly_counts.by_name(),
            client_outcomes: outcomes,
            latency_us: Latency {
                p50: o.latency.percentile(50.0),
                p95: o.latency.percentile(95.0),
                p99: o.latency.percentile(99.0),
                max: o.latency.max(),
            },
            costs,
            ground_truth: result.ground_truth,
            // All of them with the trace on; the first 200 with it off.
            explanations: result
                .anomalies
                .iter()
                .map(|a| Explanation {
                    kind: a.kind.name(),
                    operation: label(a.op),
                    time_us: a.time_us,
                    events: a.events.clone(),
                    narrative: a.narrative.clone(),
                })
                .collect(),
            notes: result.notes.clone(),
        }
    }
}
