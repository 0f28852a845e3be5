//! Shrinking an anomaly to the fewest faults that still make it: start from the faults
//! the run met (each one keyed by the identity of what it hit, so any one can be switched
//! off), and remove faults while the anomaly still happens, by delta debugging (Zeller and
//! Hildebrandt's ddmin). A run with only a subset of faults lets no other fault through,
//! so the result is a run whose every fault is listed. Bounded in runs; the caller can stop
//! it between runs (the browser's worker watches the clock and a cancel button).

use super::config::limits::MAX_TRACED_EVENTS;
use super::config::Scenario;
use super::fault_set::{FaultId, FaultRecord, FaultSet};
use super::fault_words::describe_fault;
use super::oracle::AnomalyKind;
use super::results::RunResult;
use super::world::run;

/// Most runs a shrink may take unless asked for fewer.
pub const MAX_SHRINK_RUNS: u32 = 400;

/// The anomaly being shrunk: its kind and the operation it is about. A run with fewer
/// faults "still has it" when it reports an anomaly of that kind for that operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub kind: AnomalyKind,
    pub op: u32,
}

/// What a shrink found.
#[derive(Clone, Debug)]
pub struct Shrunk {
    pub target: Target,
    /// Faults in the original run.
    pub original_faults: usize,
    /// The scenario with `only_faults` set to the faults kept: running it reproduces.
    pub scenario: Scenario,
    /// The run of `scenario`: it has the anomaly, and its faults are exactly the kept ones.
    pub run: RunResult,
    /// Each kept fault in one sentence, in the order they happened.
    pub descriptions: Vec<String>,
    /// Runs made, the original one included.
    pub runs: u32,
    /// Every kept fault was shown to be needed (removing any one makes the anomaly
    /// vanish); false when the run budget or the caller stopped the search first.
    pub minimal: bool,
}

impl Shrunk {
    /// The anomaly in the shrunk run.
    pub fn anomaly_sentence(&self) -> &str {
        self.run
            .anomalies
            .iter()
            .find(|a| a.kind == self.target.kind && a.op == self.target.op)
            .map_or("", |a| a.narrative.as_str())
    }

    /// "needs exactly one fault", "needs these 3 faults", "needs no fault at all".
    pub fn summary(&self) -> String {
        let what = self.target.kind.name().replace('_', " ");
        let faults = self.run.faults.len();
        let needs = match (faults, self.minimal) {
            (0, _) => "needs no fault at all: it happens in a run without any".to_string(),
            (1, true) => "needs exactly one fault".to_string(),
            (n, true) => format!("needs these {n} faults, each of them"),
            (n, false) => format!(
                "still happens with these {n} faults (the search stopped before proving each one needed)"
            ),
        };
        format!(
            "this {what} {needs} (from {} in the original run, in {} runs)",
            self.original_faults, self.runs
        )
    }
}

/// A scenario the shrinker can run: traced (faults are recorded with the trace) and
/// within the traced-event limit.
fn traced(base: &Scenario) -> Scenario {
    let mut scenario = base.clone();
    scenario.trace = true;
    scenario.max_events = scenario.max_events.min(MAX_TRACED_EVENTS);
    scenario
}

fn has(result: &RunResult, target: Target) -> bool {
    result
        .anomalies
        .iter()
        .any(|a| a.kind == target.kind && a.op == target.op)
}

/// The runs a shrink makes, counted against a budget.
struct Runner<'a> {
    base: Scenario,
    target: Target,
    runs: u32,
    max_runs: u32,
    keep_going: &'a mut dyn FnMut(u32) -> bool,
}

impl Runner<'_> {
    /// Run with only `faults`; `None` once the budget is spent or the caller stops.
    fn run(&mut self, faults: &[FaultId]) -> Option<RunResult> {
        if self.runs >= self.max_runs || !(self.keep_going)(self.runs) {
            return None;
        }
        self.runs += 1;
        let mut scenario = self.base.clone();
        scenario.only_faults = Some(FaultSet::new(faults.to_vec()));
        // Validated once with the same settings; only the fault list differs.
        scenario.validate().ok().map(|valid| run(&valid))
    }

    /// Whether the anomaly happens with only `faults` (`None`: out of budget).
    fn reproduces(&mut self, faults: &[FaultId]) -> Option<bool> {
        let target = self.target;
        self.run(faults).map(|r| has(&r, target))
    }
}

/// Shrink anomaly number `anomaly` (0-based, in the run's report order) of `base`'s run.
/// `keep_going` is asked before each run with the number of runs made so far.
pub fn shrink(
    base: &Scenario,
    anomaly: usize,
    max_runs: u32,
    keep_going: &mut dyn FnMut(u32) -> bool,
) -> Result<Shrunk, String> {
    let base = traced(base);
    let original = run(&base.clone().validate()?);
    let count = original.anomalies.len();
    let chosen = original.anomalies.get(anomaly).ok_or_else(|| match count {
        0 => "this run has no anomaly to shrink".to_string(),
        1 => "this run has 1 anomaly: choose anomaly 1".to_string(),
        n => format!("this run has {n} anomalies: choose one from 1 to {n}"),
    })?;
    let target = Target {
        kind: chosen.kind,
        op: chosen.op,
    };
    let mut faults: Vec<FaultId> = Vec::new();
    for record in &original.faults {
        if !faults.contains(&record.fault) {
            faults.push(record.fault);
        }
    }
    let original_faults = faults.len();
    let mut runner = Runner {
        base,
        target,
        runs: 1,
        max_runs: max_runs.clamp(2, MAX_SHRINK_RUNS),
        keep_going,
    };
    let (kept, minimal) = ddmin(&mut runner, faults);
    // The final run: its faults are the ones that still happen (a kept fault whose
    // message is no longer sent drops out), and it must still show the anomaly.
    let mut scenario = runner.base.clone();
    scenario.only_faults = Some(FaultSet::new(kept.clone()));
    let mut result = run(&scenario.clone().validate()?);
    runner.runs += 1;
    if !has(&result, target) {
        // Cannot happen for a deterministic engine: every kept set was tested.
        return Err("the shrunk run lost its anomaly: the simulation is not deterministic".into());
    }
    let happened: Vec<FaultId> = distinct(&result.faults);
    if happened.len() < kept.len() {
        scenario.only_faults = Some(FaultSet::new(happened));
        result = run(&scenario.clone().validate()?);
        runner.runs += 1;
    }
    let descriptions = result
        .faults
        .iter()
        .map(|r| describe_fault(&result, r))
        .collect();
    Ok(Shrunk {
        target,
        original_faults,
        scenario,
        run: result,
        descriptions,
        runs: runner.runs,
        minimal,
    })
}

fn distinct(records: &[FaultRecord]) -> Vec<FaultId> {
    let mut faults: Vec<FaultId> = Vec::new();
    for r in records {
        if !faults.contains(&r.fault) {
            faults.push(r.fault);
        }
    }
    faults
}

/// ddmin: the smallest subset of `faults` found that still reproduces, and whether it is
/// proven 1-minimal (every single removal was tried and lost the anomaly).
fn ddmin(runner: &mut Runner, mut faults: Vec<FaultId>) -> (Vec<FaultId>, bool) {
    // Often no fault at all is needed (a race); one run settles it.
    match runner.reproduces(&[]) {
        Some(true) => return (Vec::new(), true),
        Some(false) => {}
        None => return (faults, false),
    }
    let mut parts = 2usize;
    while faults.len() >= 2 {
        let chunk = faults.len().div_ceil(parts);
        let chunks: Vec<Vec<FaultId>> = faults.chunks(chunk).map(<[_]>::to_vec).collect();
        let mut reduced = false;
        // A single chunk that reproduces on its own.
        for c in &chunks {
            match runner.reproduces(c) {
                Some(true) => {
                    faults = c.clone();
                    parts = 2;
                    reduced = true;
                    break;
                }
                Some(false) => {}
                None => return (faults, false),
            }
        }
        // Or everything but one chunk (with two chunks this is the same test as above).
        if !reduced && chunks.len() > 2 {
            for i in 0..chunks.len() {
                let rest: Vec<FaultId> = chunks
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .flat_map(|(_, c)| c.iter().copied())
                    .collect();
                match runner.reproduces(&rest) {
                    Some(true) => {
                        faults = rest;
                        parts = (parts - 1).max(2);
                        reduced = true;
                        break;
                    }
                    Some(false) => {}
                    None => return (faults, false),
                }
            }
        }
        if !reduced {
            if parts >= faults.len() {
                // Every single removal was tried (the complements of one-fault chunks).
                return (faults, true);
            }
            parts = (parts * 2).min(faults.len());
        }
    }
    // One fault left, and the empty set was tested first: it is needed.
    (faults, true)
}
