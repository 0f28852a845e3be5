//! The messaging world of the `events` workload (DESIGN §10): an order service publishes
//! `OrderPlaced` — itself after committing, or through the transactional outbox and its
//! relay — to a broker (a Kafka-like partitioned log with a consumer group, or an SQS-like
//! queue); consumers apply each event to a ledger and ask a warehouse to ship.
//!
//! Where things are decided:
//! - `world.rs`: the loop and which handler takes which event;
//! - `order_service.rs`, `relay.rs`, `producer.rs`: publishing, re-sends, producer ids;
//! - `broker.rs` with `log.rs` (partitions, offsets, the group and its rebalances) and
//!   `message_queue.rs` (visibility, receipts, dead letters, FIFO deduplication);
//! - `consumer.rs`: processing, the dedup store, commits and deletes, crash points;
//! - `warehouse.rs`: shipments; `store.rs`: the database;
//! - `faults.rs`: every keyed draw; `out.rs`: the effects writer;
//! - `oracle.rs` and `explain.rs`: anomalies from ground truth, and their sentences.

mod broker;
mod consumer;
mod consumer_lifecycle;
mod events;
mod explain;
mod faults;
mod log;
mod message_queue;
mod oracle;
mod order_service;
mod out;
mod producer;
mod relay;
mod store;
#[cfg(test)]
mod tests;
mod warehouse;
mod world;

pub use world::run;
