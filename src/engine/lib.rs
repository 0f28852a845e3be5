//! The simulation engine: the files of `src/sim` that a run executes, compiled as a crate of
//! their own so that the browser build (`[profile.wasm-release]` in the root Cargo.toml) can
//! optimise the engine for speed and everything else for size. `idempotency-lab` re-exports it
//! as `idempotency_lab::sim`, with the modules of `src/sim` that prepare runs or read their
//! results added (its `src/lib.rs`); nothing in `src/sim` names anything outside it.

#[path = "../sim/mod.rs"]
pub mod sim;
