//! Running a lesson's step, placing its cursor, and checking its claim against the run.

use super::{Claim, Cost, Cursor, Lesson, Step};
use crate::sim::config::Scenario;
use crate::sim::fault_set::FaultRecord;
use crate::sim::protection_sets::protection_set;
use crate::sim::results::RunResult;
use crate::sim::scenarios::preset;
use crate::sim::trace::{Actor, Detail};
use crate::sim::world::run;

/// The scenario a step shows, at `seed`.
pub fn step_scenario(step: &Step, seed: u64) -> Result<Scenario, String> {
    let show = step.show;
    let mut scenario = preset(show.preset)
        .ok_or_else(|| format!("no preset named '{}'", show.preset))?
        .scenario;
    if let Some(set) = show.protections {
        scenario = protection_set(set)?.apply(&scenario);
    }
    for assignment in show.set {
        scenario = scenario.with_override(assignment)?;
    }
    scenario.seed = seed;
    scenario.trace = true;
    Ok(scenario)
}

fn to_client(actor: Actor) -> bool {
    matches!(actor, Actor::Client(_))
}

/// Where the cursor goes in `result`: the number of events that have happened, so that
/// the event the step talks about is the last one shown. `None` when the run has no such
/// event.
pub fn resolve_cursor(cursor: Cursor, result: &RunResult) -> Option<usize> {
    let trace = &result.trace;
    let index = match cursor {
        Cursor::Start => return Some(0),
        Cursor::End => return Some(trace.len()),
        Cursor::Anomaly(kind) => {
            let anomaly = result.anomalies.iter().find(|a| a.kind == kind)?;
            *anomaly.events.iter().max()? as usize
        }
        Cursor::FaultBehind(kind, fault) => {
            let anomaly = result.anomalies.iter().find(|a| a.kind == kind)?;
            let before = |f: &&FaultRecord| f.fault.kind == fault && f.time_us <= anomaly.time_us;
            // A fault on the anomaly's own operation; else (a crash of a stream job hits the
            // record it was handling, not the one written twice) the last one before it.
            let record = result
                .faults
                .iter()
                .filter(before)
                .find(|f| f.op == anomaly.op)
                .or_else(|| result.faults.iter().rev().find(before))?;
            record.event as usize
        }
        Cursor::Status(code) => trace.iter().position(|e| {
            to_client(e.actor)
                && matches!(e.detail, Detail::Deliver { status, .. } if status == code)
        })?,
        Cursor::Replay => trace.iter().position(|e| {
            to_client(e.actor) && matches!(e.detail, Detail::Deliver { replayed: true, .. })
        })?,
    };
    (index < trace.len()).then_some(index + 1)
}

fn cost(result: &RunResult, cost: Cost) -> u64 {
    match cost {
        Cost::KeyRows => result.costs.key_rows_peak,
        Cost::Responses409 => result.costs.responses_409,
        Cost::Responses422 => result.costs.responses_422,
    }
}

/// Whether `result` bears out `claim`; if not, what it shows instead.
pub fn claim_holds(claim: Claim, result: &RunResult) -> Result<(), String> {
    let counts = &result.anomaly_counts;
    let fails = |what: String| Err(format!("{what} (the run has {} anomalies)", counts.total()));
    match claim {
        Claim::Shows(kind) if counts.get(kind) == 0 => fails(format!("no {}", kind.name())),
        Claim::Clean | Claim::CleanAt(_) if counts.total() > 0 => fails("anomalies remain".into()),
        Claim::CleanAt(c) if cost(result, c) == 0 => fails(format!("no {c:?} cost")),
        Claim::Without(kind) if counts.get(kind) > 0 => {
            fails(format!("{} {}", counts.get(kind), kind.name()))
        }
        _ => Ok(()),
    }
}

/// What checking one step found.
#[derive(Clone, Debug)]
pub struct StepCheck {
    pub result: RunResult,
    /// Events happened at the step's cursor.
    pub cursor: usize,
}

/// Run `step` of `lesson` at `seed`, check its claim, and place its cursor.
pub fn check_step(lesson: &Lesson, step: &Step, seed: u64) -> Result<StepCheck, String> {
    let where_ = format!(
        "lesson {} ({}), step \"{}\"",
        lesson.number, lesson.id, step.title
    );
    let scenario = step_scenario(step, seed).map_err(|e| format!("{where_}: {e}"))?;
    let result = run(&scenario.validate().map_err(|e| format!("{where_}: {e}"))?);
    claim_holds(step.claim, &result).map_err(|e| format!("{where_}, seed {seed}: {e}"))?;
    let cursor = resolve_cursor(step.cursor, &result)
        .ok_or_else(|| format!("{where_}, seed {seed}: no event for {:?}", step.cursor))?;
    Ok(StepCheck { result, cursor })
}
