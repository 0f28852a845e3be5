//! The simulation engine. Pure Rust: no browser crates, no I/O, no wall clock.
//!
//! `config` → `ValidScenario` → `world::run` → `RunResult` (trace, anomalies, costs).
//! `README.md` in this folder is a map: where each decision lives, and how an event
//! flows from the queue to a handler, to effects, to the trace and the oracle.

pub mod actors;
pub mod compare;
pub mod config;
pub mod effects;
pub mod events;
pub mod fault_set;
pub mod fault_words;
pub mod faults;
pub mod glossary;
pub mod interview;
pub mod knob_terms;
pub mod lessons;
pub mod live;
pub mod mermaid;
pub mod messaging;
pub mod oracle;
pub mod outcomes;
pub mod progress;
pub mod protection_sets;
pub mod protections;
pub mod queue;
pub mod replay;
pub mod report;
pub mod results;
pub mod retry;
pub mod rng;
pub mod saga;
pub mod scenarios;
pub mod shrink;
pub mod steps;
pub mod stores;
pub mod stream;
pub mod sweep;
#[cfg(test)]
pub(crate) mod testkit;
pub mod trace;
pub mod units;
pub mod wire;
pub mod workload;
pub mod world;

pub use config::{Scenario, ValidScenario};
pub use results::RunResult;
pub use world::{run, run_observed, run_settling_at_the_end};
