//! Fitting a scenario from a link or a file to the browser, saying what was changed.
//!
//! The app draws from the trace and keeps runs small; rather than refuse a sweep
//! configuration (trace off, a large event limit), it changes those two settings and says
//! so. Everything else out of the browser's range is refused with the reason.

use crate::sim::config::{limits, thousands};
use crate::sim::Scenario;

/// The scenario as the browser will run it, and one sentence per setting it changed.
pub fn adapt_for_browser(mut scenario: Scenario) -> (Scenario, Vec<String>) {
    let mut changes = Vec::new();
    if !scenario.trace {
        scenario.trace = true;
        changes.push("the trace is turned on (the diagram is drawn from it)".to_string());
    }
    if scenario.max_events > limits::MAX_TRACED_EVENTS {
        changes.push(format!(
            "the event limit is lowered from {} to {}, the most the browser traces",
            thousands(scenario.max_events),
            thousands(limits::MAX_TRACED_EVENTS)
        ));
        scenario.max_events = limits::MAX_TRACED_EVENTS;
    }
    (scenario, changes)
}

/// "Changed to run here: a; b." or nothing.
pub fn describe_changes(changes: &[String]) -> Option<String> {
    (!changes.is_empty()).then(|| format!("Changed to run here: {}.", changes.join("; ")))
}
