//! Two runs of the same seed, workload and faults under two protection sets, side by
//! side: the measures of each, the first event where the traces part, and every
//! operation whose anomalies or outcome differ, labelled by why. Because faults are keyed
//! by what they hit, an attempt both runs sent meets the same fault in both; a fault only
//! one run met hit something only that run did (an extra retry, a slower path).

use std::collections::BTreeSet;

use super::config::limits::MAX_TRACED_EVENTS;
use super::config::Scenario;
use super::fault_set::FaultId;
use super::fault_words::describe_fault;
use super::oracle::{format_time, AnomalyKind};
use super::protection_sets::protection_set;
use super::results::RunResult;
use super::trace::{Outcome, TraceEvent};
use super::world::run;

/// One measure of both runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub measure: String,
    pub a: f64,
    pub b: f64,
}

impl Row {
    pub fn difference(&self) -> f64 {
        self.b - self.a
    }
}

/// Why an operation differs between the runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The faults that hit the operation hit it in both runs: the protection made the
    /// difference in how the same fault played out.
    SameFault,
    /// The operation met a fault (or skipped one) that only one run drew, because the
    /// protection changed what was sent or when: a consequence of the protection.
    Consequence,
}

impl Cause {
    pub fn label(self) -> &'static str {
        match self {
            Cause::SameFault => "same fault, different outcome",
            Cause::Consequence => "a consequence of the protection",
        }
    }
}

/// An operation that ended differently in A and B.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub op: u32,
    pub cause: Cause,
    /// "p-3: double charge in A, none in B; the same fault hit it in both runs: …".
    pub sentence: String,
}

/// The first event at which the traces part, with each side's event (if it has one).
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    pub index: usize,
    pub a: Option<TraceEvent>,
    pub b: Option<TraceEvent>,
}

/// Two runs compared.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub rows: Vec<Row>,
    pub divergence: Option<Divergence>,
    pub differences: Vec<Difference>,
}

impl Comparison {
    /// No measure, no event and no operation differs.
    pub fn identical(&self) -> bool {
        self.divergence.is_none()
            && self.differences.is_empty()
            && self.rows.iter().all(|r| r.a == r.b)
    }
}

/// Each measure, read the same way from both runs.
type Measure = (&'static str, fn(&RunResult) -> f64);

const MEASURES: [Measure; 8] = [
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

/// Run `base` under protection sets `a` and `b` (traced) and compare the runs.
pub fn compare_sets(
    base: &Scenario,
    a: &str,
    b: &str,
) -> Result<(RunResult, RunResult, Comparison), String> {
    let mut runs = Vec::with_capacity(2);
    for name in [a, b] {
        let mut scenario = protection_set(name)?.apply(base);
        scenario.trace = true;
        scenario.max_events = scenario.max_events.min(MAX_TRACED_EVENTS);
        runs.push(run(&scenario.validate()?));
    }
    let rb = runs.pop().expect("two runs");
    let ra = runs.pop().expect("two runs");
    let comparison = compare_runs(&ra, &rb);
    Ok((ra, rb, comparison))
}

/// Compare two traced runs of the same seed and workload.
pub fn compare_runs(a: &RunResult, b: &RunResult) -> Comparison {
    let mut rows: Vec<Row> = AnomalyKind::ALL
        .iter()
        .map(|&k| Row {
            measure: k.name().to_string(),
            a: a.anomaly_counts.get(k) as f64,
            b: b.anomaly_counts.get(k) as f64,
        })
        .filter(|r| r.a != 0.0 || r.b != 0.0)
        .collect();
    rows.extend(MEASURES.iter().map(|(name, of)| Row {
        measure: name.to_string(),
        a: of(a),
        b: of(b),
    }));
    let divergence = (0..a.trace.len().max(b.trace.len()))
        .find(|&i| a.trace.get(i) != b.trace.get(i))
        .map(|index| Divergence {
            index,
            a: a.trace.get(index).copied(),
            b: b.trace.get(index).copied(),
        });
    Comparison {
        rows,
        divergence,
        differences: differences(a, b),
    }
}

fn kinds_of(run: &RunResult, op: u32) -> Vec<AnomalyKind> {
    let mut kinds: Vec<AnomalyKind> = run
        .anomalies
        .iter()
        .filter(|x| x.op == op)
        .map(|x| x.kind)
        .collect();
    kinds.sort_by_key(|k| k.name());
    kinds
}

fn outcome_of(run: &RunResult, op: u32) -> Option<Outcome> {
    run.op_results.get(op as usize).and_then(|r| r.outcome)
}

fn faults_of(run: &RunResult, op: u32) -> BTreeSet<FaultId> {
    run.faults
        .iter()
        .filter(|f| f.op == op)
        .map(|f| f.fault)
        .collect()
}

fn list(kinds: &[AnomalyKind]) -> String {
    if kinds.is_empty() {
        "none".into()
    } else {
        let names: Vec<String> = kinds.iter().map(|k| k.name().replace('_', " ")).collect();
        names.join(", ")
    }
}

fn outcome_word(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Succeeded) => "succeeded",
        Some(Outcome::Failed) => "failed",
        Some(Outcome::Unknown) => "left unknown",
        None => "not finished",
    }
}

/// Every operation whose anomalies or client outcome differ, in operation order.
fn differences(a: &RunResult, b: &RunResult) -> Vec<Difference> {
    let mut ops: BTreeSet<u32> = a.anomalies.iter().map(|x| x.op).collect();
    ops.extend(b.anomalies.iter().map(|x| x.op));
    let both = a.op_results.len().min(b.op_results.len()) as u32;
    ops.extend((0..both).filter(|&op| outcome_of(a, op) != outcome_of(b, op)));
    ops.into_iter()
        .filter_map(|op| difference(a, b, op))
        .collect()
}

fn difference(a: &RunResult, b: &RunResult, op: u32) -> Option<Difference> {
    let (kinds_a, kinds_b) = (kinds_of(a, op), kinds_of(b, op));
    let (out_a, out_b) = (outcome_of(a, op), outcome_of(b, op));
    if kinds_a == kinds_b && out_a == out_b {
        return None;
    }
    let label = a
        .operations
        .get(op as usize)
        .or_else(|| b.operations.get(op as usize))
        .map_or_else(|| format!("operation {}", op + 1), |o| o.label());
    let mut what = Vec::new();
    if kinds_a != kinds_b {
        what.push(format!("{} in A, {} in B", list(&kinds_a), list(&kinds_b)));
    }
    if out_a != out_b {
        what.push(format!(
            "the client saw it {} in A, {} in B",
            outcome_word(out_a),
            outcome_word(out_b)
        ));
    }
    let (faults_a, faults_b) = (faults_of(a, op), faults_of(b, op));
    let (cause, why) = if faults_a == faults_b {
        let why = match first_fault(a, op) {
            None => "no fault hit it in either run: the protection alone made the difference"
                .to_string(),
            Some(fault) => format!("the same faults hit it in both runs, first {fault}"),
        };
        (Cause::SameFault, why)
    } else {
        let only_a = faults_a.difference(&faults_b).count();
        let only_b = faults_b.difference(&faults_a).count();
        let example =
            first_fault_among(b, op, &faults_a).or_else(|| first_fault_among(a, op, &faults_b));
        let mut why = format!(
            "the protection changed what was sent: {only_a} fault{} only in A, {only_b} fault{} only in B",
            plural(only_a),
            plural(only_b)
        );
        if let Some(example) = example {
            why.push_str(&format!(" (such as {example})"));
        }
        (Cause::Consequence, why)
    };
    Some(Difference {
        op,
        cause,
        sentence: format!("{label}: {}; {why}", what.join("; ")),
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn first_fault(run: &RunResult, op: u32) -> Option<String> {
    run.faults
        .iter()
        .find(|f| f.op == op)
        .map(|f| describe_fault(run, f))
}

/// The first fault of `op` in `run` that is not in `others`, in words.
fn first_fault_among(run: &RunResult, op: u32, others: &BTreeSet<FaultId>) -> Option<String> {
    run.faults
        .iter()
        .find(|f| f.op == op && !others.contains(&f.fault))
        .map(|f| describe_fault(run, f))
}

/// "t=1.25 s replica A crash" for a divergence line.
pub fn describe_event(event: Option<&TraceEvent>) -> String {
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
