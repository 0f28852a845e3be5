//! The simulation engine. Pure Rust: no browser crates, no I/O, no wall clock.
//!
//! `config` → `ValidScenario` → `engine::run` → `RunResult` (trace, anomalies, costs).

pub mod balancer;
pub mod client;
pub mod config;
pub mod db;
pub mod engine;
pub mod network;
pub mod oracle;
pub mod protections;
pub mod provider;
pub mod queue;
pub mod replay;
pub mod report;
pub mod rng;
pub mod scenarios;
pub mod server;
pub mod trace;

pub use config::{Scenario, ValidScenario};
pub use engine::{run, RunResult};
