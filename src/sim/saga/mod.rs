//! The saga world of the `saga` workload (DESIGN §10): an orchestrator runs reserve stock
//! → charge → ship for each order against an inventory service, the payment provider and
//! a shipping service, over lossy links, with timeouts and bounded re-sends; a failure at
//! or before the pivot compensates the completed steps (release stock, refund), steps
//! after it are retried until they pass or the saga is stuck.
//!
//! Where things are decided:
//! - `world.rs`: the loop and which handler takes which event;
//! - `orchestrator.rs`: the saga's steps, timeouts, re-sends, the pivot and compensation;
//! - `recovery.rs`: the orchestrator's crash and its recovery from the saga log;
//! - `service.rs`: what the inventory, the provider and the shipping service do with a
//!   request, and their logs (the ground truth); `keys.rs`: their per-step key memory;
//! - `faults.rs`: every keyed draw (loss, delay, slow service, refusal, crash);
//! - `out.rs`: the effects writer; `events.rs`: what travels and what is queued;
//! - `oracle.rs` and `explain.rs`: anomalies from ground truth, and their sentences.

mod events;
mod explain;
pub mod faults;
mod keys;
mod oracle;
mod orchestrator;
mod out;
mod recovery;
mod service;
#[cfg(test)]
mod tests;
mod world;

pub use world::run;
