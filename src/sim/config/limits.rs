//! Hard limits, checked before a run starts.

pub const MAX_CLIENTS: u64 = 64;
pub const MAX_REPLICAS: u64 = 8;
pub const MAX_OPERATIONS: u64 = 100_000;
pub const MAX_EVENTS: u64 = 20_000_000;
pub const MAX_ATTEMPTS: u64 = 20;
pub const MAX_PARTITIONS: usize = 16;
/// One hour of virtual time bounds every duration knob.
pub const MAX_DURATION_US: u64 = 3_600_000_000;
pub const MAX_TTL_US: u64 = 7 * 86_400_000_000;
/// A full trace costs memory; above this many events tracing must be off.
pub const MAX_TRACED_EVENTS: u64 = 3_000_000;
