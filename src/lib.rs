//! Idempotency Lab: a deterministic simulation of clients, a lossy network and servers,
//! with switchable idempotency protections and an oracle that explains every anomaly.

pub use idempotency_lab_engine::sim;

#[cfg(target_arch = "wasm32")]
pub mod ui;
