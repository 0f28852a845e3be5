//! Server replicas: an endpoint is a sequence of named steps; crash points sit between them.

use super::config::{CrashPoint, Scenario, WalletWrite, Workload};
use super::protections::KeyTable;

/// One named step of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Look the idempotency key up (and take the in-flight lock).
    KeyCheck,
    /// A place where the replica may be made to crash.
    Crash(CrashPoint),
    /// Read the row the handler will write (inventory, account).
    ReadRow,
    /// The handler's own work: processing time, maybe the slow path.
    Compute,
    /// Call the payment provider.
    ChargeCard,
    /// The business transaction.
    Commit,
    /// Save the idempotency key in a second transaction (when not atomic).
    KeySave,
    /// Call the email service (when there is no outbox).
    SendEmail,
    /// Look up an order by natural key (the client's read-back after "already exists").
    ReadBack,
    Respond,
}

impl Step {
    pub fn code(self) -> u32 {
        match self {
            Step::KeyCheck => 1,
            Step::Crash(_) => 2,
            Step::ReadRow => 3,
            Step::Compute => 4,
            Step::ChargeCard => 5,
            Step::Commit => 6,
            Step::KeySave => 7,
            Step::SendEmail => 8,
            Step::ReadBack => 9,
            Step::Respond => 10,
        }
    }

    pub fn name_of(code: u32) -> &'static str {
        match code {
            1 => "key check",
            2 => "crash point",
            3 => "read row",
            4 => "compute",
            5 => "charge card",
            6 => "commit",
            7 => "save key",
            8 => "send email",
            9 => "read back",
            _ => "respond",
        }
    }
}

use CrashPoint as C;
use Step as S;

/// The endpoint's steps for a workload. Steps that a protection switches off are
/// skipped at run time; crash points are always visited, so a crash that is drawn
/// for a request happens with protections on and off alike.
pub fn plan(scenario: &Scenario, read_back: bool) -> &'static [Step] {
    if read_back {
        return &[S::ReadBack, S::Respond];
    }
    match scenario.workload {
        Workload::Payment => &[
            S::KeyCheck,
            S::Crash(C::BeforeWrite),
            S::Compute,
            S::ChargeCard,
            S::Crash(C::AfterProviderCallBeforeCommit),
            S::Commit,
            S::Crash(C::AfterWriteBeforeKeySave),
            S::KeySave,
            S::Crash(C::AfterCommitBeforeResponse),
            S::Respond,
        ],
        Workload::Checkout => &[
            S::KeyCheck,
            S::Crash(C::BeforeWrite),
            S::ReadRow,
            S::Compute,
            S::ChargeCard,
            S::Crash(C::AfterProviderCallBeforeCommit),
            S::Commit,
            S::Crash(C::AfterWriteBeforeKeySave),
            S::KeySave,
            S::SendEmail,
            S::Crash(C::AfterCommitBeforeResponse),
            S::Respond,
        ],
        Workload::Wallet => match scenario.world.wallet_write {
            WalletWrite::Set => &[
                S::KeyCheck,
                S::Crash(C::BeforeWrite),
                S::ReadRow,
                S::Compute,
                S::Commit,
                S::Crash(C::AfterWriteBeforeKeySave),
                S::KeySave,
                S::Crash(C::AfterCommitBeforeResponse),
                S::Respond,
            ],
            WalletWrite::Increment => &[
                S::KeyCheck,
                S::Crash(C::BeforeWrite),
                S::Compute,
                S::Commit,
                S::Crash(C::AfterWriteBeforeKeySave),
                S::KeySave,
                S::Crash(C::AfterCommitBeforeResponse),
                S::Respond,
            ],
        },
        Workload::Profile => &[
            S::KeyCheck,
            S::Crash(C::BeforeWrite),
            S::Compute,
            S::Commit,
            S::Crash(C::AfterWriteBeforeKeySave),
            S::KeySave,
            S::Crash(C::AfterCommitBeforeResponse),
            S::Respond,
        ],
    }
}

/// A request being handled on a replica.
#[derive(Clone, Debug)]
pub struct Execution {
    /// Unique across the run; used for derived keys and by the oracle.
    pub id: u32,
    pub op: u32,
    pub attempt: u8,
    pub copy: u8,
    pub read_back: bool,
    pub plan: &'static [Step],
    pub pc: usize,
    pub key: Option<u64>,
    /// This execution holds an in-progress key record.
    pub holds_lock: bool,
    /// The key record needs no more work (saved, or not this execution's to save).
    pub key_done: bool,
    /// Event id of the key check (for causal chains), `u32::MAX` if none.
    pub key_event: u32,
    pub read_value: i64,
    pub read_version: u64,
    pub read_event: u32,
    pub read_time: u64,
    pub cas_rounds: u32,
    /// Attempt number of the external call in flight (1-based), 0 if none.
    pub call: u8,
    pub waiting: bool,
    pub charge: Option<u32>,
    /// The response decided so far.
    pub status: u16,
    pub already_exists: bool,
    pub body_op: u32,
    pub version: u32,
    pub replayed: bool,
}

/// One replica: up or down, its in-flight executions and its in-memory key store.
pub struct Replica {
    pub up: bool,
    /// Bumped on every crash, so timers of lost executions find nothing.
    pub generation: u32,
    pub slots: Vec<Option<Execution>>,
    free: Vec<u16>,
    pub memory_keys: KeyTable,
}

impl Replica {
    pub fn new() -> Self {
        Replica {
            up: true,
            generation: 0,
            slots: Vec::new(),
            free: Vec::new(),
            memory_keys: KeyTable::default(),
        }
    }

    pub fn admit(&mut self, execution: Execution) -> u16 {
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(execution);
                slot
            }
            None => {
                self.slots.push(Some(execution));
                (self.slots.len() - 1) as u16
            }
        }
    }

    pub fn release(&mut self, slot: u16) {
        self.slots[slot as usize] = None;
        self.free.push(slot);
    }

    /// Crash: every execution and the memory key store are gone.
    pub fn crash(&mut self) -> Vec<Execution> {
        self.up = false;
        self.generation += 1;
        self.free.clear();
        let lost = self.slots.drain(..).flatten().collect();
        self.memory_keys.clear();
        lost
    }
}

impl Default for Replica {
    fn default() -> Self {
        Self::new()
    }
}
