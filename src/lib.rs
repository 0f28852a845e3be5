//! Idempotency Lab: a deterministic simulation of clients, a lossy network and servers,
//! with switchable idempotency protections and an oracle that explains every anomaly.

/// The engine (`src/sim`): the `idempotency-lab-engine` crate's modules, which a run executes
/// and which every build optimises for speed, and the ones declared here, which prepare runs
/// or read their results and which the browser build optimises for size (Cargo.toml's
/// `wasm-release` profile; README, "Bundle size"). They live in `src/sim` with the rest and
/// name the engine's modules as `crate::sim::…`, like any module of the engine.
pub mod sim {
    pub use idempotency_lab_engine::sim::*;

    pub mod compare;
    pub mod fault_words;
    pub mod glossary;
    pub mod interview;
    pub mod knob_terms;
    pub mod lessons;
    pub mod mermaid;
    pub mod protection_sets;
    pub mod scenarios;
    pub mod shrink;
    pub mod sweep;
}

#[cfg(target_arch = "wasm32")]
pub mod ui;
