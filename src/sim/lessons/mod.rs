//! Guided lessons: each a short sequence of narrated steps over real runs. A step names the
//! run it shows (a preset, optionally under a protection set and with a few settings
//! changed), the moment the diagram's cursor moves to, and a claim about the run that its
//! text relies on. The claims and cursors are checked natively over many seeds
//! (`tests/lessons.rs`), so a lesson cannot say what the simulation does not show.

mod catalog;
mod catalog_effects;
mod catalog_sagas;
mod catalog_streams;
mod check;

pub use check::{check_step, resolve_cursor, step_scenario, StepCheck};

use super::fault_set::FaultKind;
use super::oracle::AnomalyKind;

/// The run a step shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Show {
    /// A preset's name.
    pub preset: &'static str,
    /// A named protection set (`sim::protection_sets`) applied to it, if any.
    pub protections: Option<&'static str>,
    /// Settings changed on top, as `path=value` (as `idemlab --set` takes them).
    pub set: &'static [&'static str],
}

impl Show {
    pub const fn preset(preset: &'static str) -> Show {
        Show {
            preset,
            protections: None,
            set: &[],
        }
    }

    pub const fn with(preset: &'static str, protections: &'static str) -> Show {
        Show {
            preset,
            protections: Some(protections),
            set: &[],
        }
    }
}

/// Where the step puts the diagram's cursor: on one event of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// Before the first event.
    Start,
    /// After the last event.
    End,
    /// The event that completes the first anomaly of this kind.
    Anomaly(AnomalyKind),
    /// The first fault of this kind on the operation of the first anomaly of that kind,
    /// at or before it (or, if none hit that operation, the last such fault before it):
    /// where that anomaly's story begins.
    FaultBehind(AnomalyKind, FaultKind),
    /// The first response with this status a client receives.
    Status(i64),
    /// The first stored response a server replays to a client.
    Replay,
}

/// A cost a protection is shown to pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// Rows in the idempotency-key store.
    KeyRows,
    /// 409 Conflict answers to retries that found their key in progress.
    Responses409,
    /// 422 answers to a key reused with a different payload.
    Responses422,
}

/// What a step's text says about its run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// At least one anomaly of this kind.
    Shows(AnomalyKind),
    /// No anomaly of any kind.
    Clean,
    /// No anomaly of any kind, and the protection's cost is visible.
    CleanAt(Cost),
    /// None of this kind, although others may remain.
    Without(AnomalyKind),
}

/// One narrated step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub title: &'static str,
    /// A few sentences.
    pub text: &'static str,
    pub show: Show,
    pub cursor: Cursor,
    pub claim: Claim,
}

/// A lesson: steps from the anomaly to the protection that removes it and its cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// Stable identifier, for links.
    pub id: &'static str,
    pub number: u8,
    pub title: &'static str,
    /// The seed every step runs with: the text is true of it.
    pub seed: u64,
    pub steps: &'static [Step],
    /// One paragraph, shown after the last step.
    pub summary: &'static str,
    /// Lessons this one builds on, by id.
    pub builds_on: &'static [&'static str],
    /// Glossary terms the lesson uses.
    pub terms: &'static [&'static str],
}

/// Every lesson, in teaching order.
pub fn lessons() -> Vec<&'static Lesson> {
    catalog::LESSONS
        .iter()
        .chain(catalog_effects::LESSONS.iter())
        .chain(catalog_streams::LESSONS.iter())
        .chain(catalog_sagas::LESSONS.iter())
        .collect()
}

/// A lesson by id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    lessons().into_iter().find(|l| l.id == id)
}
