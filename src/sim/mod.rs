//! The simulation engine. Pure Rust: no browser crates, no I/O, no wall clock.
//!
//! `config` → `ValidScenario` → `world::run` → `RunResult` (trace, anomalies, costs).
//! `README.md` in this folder is a map: where each decision lives, and how an event
//! flows from the queue to a handler, to effects, to the trace and the oracle.
//!
//! This crate (`idempotency-lab-engine`) compiles the modules a run executes, optimised for
//! speed in every build. The modules that only prepare runs or read their results —
//! `compare`, `fault_words`, `glossary`, `interview`, `lessons`, `mermaid`,
//! `protection_sets`, `scenarios`, `shrink`, `sweep` — live in this folder too but are
//! compiled by `idempotency-lab` (its `src/lib.rs`), which the browser build optimises for
//! size; `idempotency_lab::sim` is this module with those added. None of the modules here
//! names them, except the engine's own tests, which read the presets.

pub mod actors;
pub mod config;
pub mod effects;
pub mod events;
pub mod fault_set;
pub mod faults;
pub mod live;
pub mod messaging;
pub mod oracle;
pub mod outcomes;
pub mod progress;
pub mod protections;
pub mod queue;
pub mod replay;
pub mod report;
pub mod results;
pub mod retry;
pub mod rng;
pub mod saga;
pub mod steps;
pub mod stores;
pub mod stream;
#[cfg(test)]
pub(crate) mod testkit;
// The presets, for the engine's own tests (`idempotency_lab::sim::scenarios` otherwise).
#[cfg(test)]
pub mod scenarios;
pub mod trace;
pub mod units;
pub mod wire;
pub mod workload;
pub mod world;

pub use config::{Scenario, ValidScenario};
pub use results::RunResult;
pub use world::{run, run_observed, run_settling_at_the_end};
