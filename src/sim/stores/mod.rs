//! Durable and in-memory state that handlers read and write: the database and the
//! idempotency-key store.

pub mod db;
pub mod keys;
