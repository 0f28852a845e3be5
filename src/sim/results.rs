//! What a run produces: the trace, what each client saw, the anomalies and the costs.

use serde::{Deserialize, Serialize};

use super::config::Scenario;
use super::oracle::Anomaly;
use super::trace::{Outcome, TraceEvent};
use super::workload::Operation;

/// What the client saw of one logical operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpResult {
    pub start_us: u64,
    pub end_us: u64,
    pub outcome: Option<Outcome>,
    pub attempts: u8,
}

/// One attempt as sent: what a hover on its request shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptInfo {
    pub op: u32,
    pub attempt: u8,
    pub key: Option<u64>,
    pub fingerprint: u64,
    pub read_back: bool,
}

/// The price of the protections.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    pub db_round_trips: u64,
    pub key_rows_peak: u64,
    pub key_rows_final: u64,
    /// (time µs, rows) samples, at most a few hundred.
    pub key_rows_series: Vec<(u64, u64)>,
    pub responses_409: u64,
    pub responses_422: u64,
    pub responses_5xx: u64,
    /// Responses a client acted on with status ≥ 400 (or a reset), plus client timeouts.
    pub client_visible_errors: u64,
    pub client_timeouts: u64,
    pub replays: u64,
    pub provider_calls: u64,
    pub email_calls: u64,
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub scenario: Scenario,
    pub trace_hash: String,
    pub events: u64,
    pub stopped_at_event_limit: bool,
    pub virtual_time_us: u64,
    pub operations: Vec<Operation>,
    pub op_results: Vec<OpResult>,
    pub attempts: Vec<AttemptInfo>,
    pub trace: Vec<TraceEvent>,
    pub anomalies: Vec<Anomaly>,
    pub costs: Costs,
    pub ground_truth: GroundTruth,
    /// Conservation rules the anomalies fail to account for (empty unless the oracle is
    /// wrong; tests check it).
    pub conservation: Vec<String>,
    /// Operations the client left unknown whose effect did happen.
    pub unknown_took_effect: Vec<u32>,
}

/// What really happened, counted from the provider's log, the rows and the email log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroundTruth {
    /// Charges the provider made.
    pub charges: u64,
    /// Of those, refunded.
    pub refunds: u64,
    /// Charges that stand: `charges - refunds`.
    pub net_charges: u64,
    /// Order and payment rows.
    pub orders: u64,
    pub emails: u64,
}
