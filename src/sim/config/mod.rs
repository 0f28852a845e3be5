//! Scenario configuration: a plain serde type, validated once before a run.
//!
//! Every tunable field is described in [`KNOBS`]: its dotted path, what it means and
//! its allowed range. Validation, the CLI's `--set` and the browser's control panel all
//! read that one table, so a knob cannot be documented in one place and checked in another.
//!
//! The pieces, in the order a run uses them:
//! - `scenario` (with `network`, `server` and `protections` for the larger sections): the
//!   serde types, [`Scenario`] and everything it is made of, with their defaults;
//! - `knobs` and `knob_table`: what a knob is and [`KNOBS`], every tunable field with its
//!   range, bounded by the hard [`limits`];
//! - `valid`: the scenario checked against that table and the cross-field rules, which turns
//!   it into a [`ValidScenario`], the only thing the engine runs.

mod choice_labels;
mod knob_table;
mod knobs;
pub mod limits;
mod messaging;
mod messaging_knobs;
mod network;
mod protections;
mod saga;
mod saga_knobs;
mod scenario;
mod server;
mod stream;
mod stream_knobs;
mod strict_json;
mod valid;

#[cfg(test)]
mod tests;

pub use choice_labels::choice_label;
pub use knob_table::KNOBS;
pub use knobs::{knob_by_path, Knob, KnobGroup, KnobKind};
pub use messaging::{
    BrokerDedup, BrokerMode, DedupLocation, DedupRecording, DedupStoreConfig, MessagingConfig,
    MessagingCrashConfig, MessagingCrashPoint, OffsetCommit, FIFO_DEDUP_WINDOW_US,
};
pub use network::{DelayKind, NetworkConfig, Partition};
pub use protections::{IdempotencyKeyConfig, KeyStoreLocation, Protections, UpsertMode};
pub use saga::{SagaConfig, SagaCrashConfig, SagaCrashPoint, SagaStep};
pub use scenario::{
    BackoffKind, BalancerPolicy, ClientConfig, KeyPolicy, Micros, Scenario, WalletWrite, Workload,
    WorldConfig,
};
pub use server::{CrashConfig, CrashPoint, ServerConfig};
pub use stream::{
    StreamConfig, StreamCrashConfig, StreamCrashPoint, StreamMode, StreamOffsetCommit,
    StreamProtections, FLINK_TRANSACTION_TIMEOUT_US, KAFKA_TRANSACTION_TIMEOUT_US,
};
pub(crate) use strict_json::Strict;
pub use strict_json::{
    plain_json_error, scenario_from_value, strict_value, thousands, MAX_CONFIG_BYTES,
};
pub use valid::{value_at, ValidScenario};
