//! What the stream world keeps about each job instance, and the state every handler
//! shares: the input topic's length, the output topic, the coordinator, the reader, the
//! Flink job's checkpoints.

use crate::sim::config::{Scenario, StreamCrashPoint, StreamMode};

use super::coordinator::Coordinator;
use super::reader::Reader;
use super::topics::OutputTopic;

/// One start of the job.
#[derive(Clone, Debug, Default)]
pub struct Instance {
    /// Neither crashed, fenced, stopped nor finished.
    pub alive: bool,
    pub started_at: u64,
    pub start_event: u32,
    /// When a newer instance started: from then on this one, if alive, is a zombie.
    pub replaced_at: Option<u64>,
    /// The newer instance that replaced it, and its start event.
    pub replaced_by: u8,
    pub replaced_event: u32,
    pub tid: u32,
    pub epoch: u16,
    /// The open transaction, if any.
    pub txn: Option<u32>,
    /// Orders written since the last commit (Kafka) or checkpoint (Flink).
    pub batch: Vec<u32>,
    /// The next input offset to read.
    pub position: u32,
    /// Waiting for the input topic to have the next record.
    pub waiting: bool,
    /// Processing a record (a Flink barrier waits for it).
    pub busy: bool,
    /// Pauses: (start, end, trace event).
    pub pauses: Vec<(u64, u64, u32)>,
    /// Its crash: (time, point, trace event).
    pub crash: Option<(u64, StreamCrashPoint, u32)>,
    /// The refusal that fenced it: (time, trace event).
    pub fenced: Option<(u64, u32)>,
    /// Flink: a barrier arrived while it processed a record.
    pub barrier_pending: bool,
    /// Flink: the checkpoint taken at the end of the input.
    pub final_checkpoint: Option<u32>,
}

/// One Flink checkpoint.
#[derive(Clone, Copy, Debug)]
pub struct Checkpoint {
    /// The source's position it snapshots.
    pub offset: u32,
    /// The transaction the sink pre-committed at it.
    pub pending: Option<u32>,
    pub completed: Option<(u64, u32)>,
}

/// Everything the handlers share.
pub struct State {
    pub orders: u32,
    /// Records on the input topic.
    pub appended: u32,
    pub topic: OutputTopic,
    pub coordinator: Coordinator,
    pub reader: Reader,
    pub instances: Vec<Instance>,
    /// Reads of each order so far.
    pub deliveries: Vec<u32>,
    /// Each read of each order: (instance, trace event).
    pub reads: Vec<Vec<(u8, u32)>>,
    pub checkpoints: Vec<Checkpoint>,
    pub last_completed: Option<u32>,
    /// Why the job never started, if it did not.
    pub rejected: Option<String>,
    pub finished: bool,
}

impl State {
    pub fn new(scenario: &Scenario) -> Self {
        let orders = scenario.operations;
        State {
            orders,
            appended: 0,
            topic: OutputTopic::default(),
            coordinator: Coordinator::default(),
            reader: Reader::new(scenario.protections.stream.read_committed, orders),
            instances: Vec::new(),
            deliveries: vec![0; orders as usize],
            reads: vec![Vec::new(); orders as usize],
            checkpoints: Vec::new(),
            last_completed: None,
            rejected: None,
            finished: false,
        }
    }

    /// The newest instance (the one not replaced).
    pub fn current(&self) -> u8 {
        self.instances.len().saturating_sub(1) as u8
    }

    /// The input offset the job has consumed past for good: the committed offset (Kafka)
    /// or the last completed checkpoint's (Flink).
    pub fn consumed_past(&self, mode: StreamMode) -> u32 {
        match mode {
            StreamMode::Kafka => self.coordinator.committed_offset,
            StreamMode::Flink => self
                .last_completed
                .map_or(0, |c| self.checkpoints[c as usize].offset),
        }
    }
}

/// Whether the job writes in transactions (the Kafka transactional producer, or Flink's
/// two-phase-commit sink; an upsert sink writes plainly).
pub fn transactional(scenario: &Scenario) -> bool {
    let p = &scenario.protections.stream;
    p.transactions && !(scenario.stream.mode == StreamMode::Flink && p.upsert_sink)
}
