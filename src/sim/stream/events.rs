//! What the stream world's queue holds. Calls between the job, the topics and the
//! coordinator are not modelled as messages: each is done when it is made (the job's
//! processing time is what takes time), so the only faults are the job's own: slow
//! records, pauses and crashes.

/// Everything the stream world's queue holds. `instance` names a job instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The input topic appends order `op`'s `OrderPlaced` record.
    Append { op: u32 },
    /// A job instance starts (after a crash, with the next number).
    Start { instance: u8 },
    /// The instance goes on with its loop: read the next record, or commit.
    Next { instance: u8 },
    /// The instance finished processing the `delivery`-th read of `op`.
    Processed {
        instance: u8,
        op: u32,
        delivery: u32,
        paused: bool,
    },
    /// A paused instance has been silent for the liveness timeout: a new one starts.
    Replace { instance: u8 },
    /// The coordinator's timer for transaction `txn`.
    TxnTimeout { txn: u32 },
    /// Flink: the checkpoint timer.
    Barrier { instance: u8 },
    /// Flink: every operator acknowledged checkpoint `checkpoint`.
    CheckpointDone { instance: u8, checkpoint: u32 },
}
