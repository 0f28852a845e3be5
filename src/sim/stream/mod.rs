//! The stream world of the `stream` workload (DESIGN §10): a read-process-write job turns
//! `OrderPlaced` records of an input topic into `Invoice` records of an output topic, read
//! by a downstream reader. The job is a Kafka consume-transform-produce loop (with a
//! transactional producer or a plain one) or a Flink-style job with checkpoint barriers
//! and a two-phase-commit sink.
//!
//! Where things are decided:
//! - `world.rs`: the loop, which handler takes which event, and the end of the run;
//! - `kafka_job.rs`: the Kafka job's instances: reading, writing, committing, zombies;
//! - `flink_job.rs`: the Flink job: checkpoints, pre-commit and commit, restore;
//! - `job.rs`: what both do with a record: read it (a pause may stop the instance), append
//!   its invoice, crash;
//! - `coordinator.rs`: transactional ids, epochs, fencing, transactions and their timeout,
//!   committed input offsets; `topics.rs`: the output topic's records and markers;
//! - `reader.rs`: the downstream reader (read_uncommitted or read_committed);
//! - `faults.rs`: every keyed draw; `out.rs`: the effects writer;
//! - `oracle.rs` and `explain.rs`: anomalies from ground truth, and their sentences.

mod coordinator;
mod events;
mod explain;
mod faults;
mod flink_job;
mod instance;
mod job;
mod kafka_job;
mod oracle;
mod out;
mod reader;
#[cfg(test)]
mod tests;
mod topics;
mod world;

pub use world::run;
