//! What a run produces: the trace, what each client saw, the anomalies and the costs.

use serde::{Deserialize, Serialize};

use super::config::Scenario;
use super::fault_set::FaultRecord;
use super::oracle::{Anomaly, AnomalyCounts};
use super::outcomes::Outcomes;
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

/// Everything a run produced. With the trace off, nothing in it grows with the number of
/// operations: no per-operation tables, and anomalies past the first 200 are counted only.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    pub scenario: Scenario,
    pub trace_hash: String,
    pub events: u64,
    pub stopped_at_event_limit: bool,
    pub virtual_time_us: u64,
    /// Every operation, what its client saw and every attempt: with the trace on only.
    pub operations: Vec<Operation>,
    pub op_results: Vec<OpResult>,
    pub attempts: Vec<AttemptInfo>,
    /// Outcomes and latencies, counted (with the trace on or off).
    pub outcomes: Outcomes,
    pub trace: Vec<TraceEvent>,
    /// In the report's order (time, kind, operation): all of them with the trace on, the
    /// first 200 with it off. `anomaly_counts` counts them all.
    pub anomalies: Vec<Anomaly>,
    pub anomaly_counts: AnomalyCounts,
    pub costs: Costs,
    pub ground_truth: GroundTruth,
    /// Conservation rules the anomalies fail to account for (empty unless the oracle is
    /// wrong; tests check it).
    pub conservation: Vec<String>,
    /// What the run says about itself beyond its counts, e.g. why a stream job did not
    /// start.
    pub notes: Vec<String>,
    /// Operations the client left unknown whose effect did happen, ascending: all of them
    /// with the trace on, the first 200 with it off; the count is of all.
    pub unknown_took_effect: Vec<u32>,
    pub unknown_took_effect_count: u64,
    /// The most state held at once: what memory follows.
    pub live: LiveSizes,
    /// Every fault that happened, in order: with the trace on only.
    pub faults: Vec<FaultRecord>,
}

/// The most entries held at once, per kind of state. With the trace off these are all
/// the engine keeps about operations, and none grows with the run: they follow what is
/// in flight (a test checks it). Store sizes are sampled every 1024 events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveSizes {
    /// Operations the oracle remembered (live: not settled yet).
    pub operations: usize,
    pub executions: usize,
    /// Operations with events queued.
    pub in_flight: usize,
    /// Charges, order and outbox rows, dedup keys, key records and outbox rows in the
    /// relay held for operations not settled.
    pub charges: usize,
    pub rows: usize,
    pub dedup_keys: usize,
    pub key_records: usize,
    /// Purge rounds that retired key rows wait for.
    pub retired_rounds: usize,
    pub relay_rows: usize,
    pub queue: usize,
    /// Operations with nothing queued waiting for a pin to go.
    pub parked: usize,
    /// Facts that arrived after their operation settled, and refunds or outbox replies
    /// for what was forgotten: zero unless settling is wrong.
    pub late_facts: u64,
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
    /// The events workload: records in the broker's log or queue (each copy counted),
    /// ledger rows, and shipments the warehouse made.
    pub published_events: u64,
    pub applied_events: u64,
    pub shipments: u64,
    /// The saga workload: reservations the inventory made and released, and the sagas the
    /// orchestrator completed, compensated or left stuck (`charges`, `refunds`,
    /// `net_charges` and `shipments` count the provider's and the shipping service's logs).
    pub reservations: u64,
    pub releases: u64,
    pub sagas_completed: u64,
    pub sagas_compensated: u64,
    pub sagas_stuck: u64,
}
