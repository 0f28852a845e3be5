//! The oracle: knows each logical operation's intended effect, is told every fact of the
//! run as it happens (through the effects buffer), and explains every anomaly with its
//! causal chain and one sentence.
//!
//! It remembers an operation only while the operation is live. When the world says it
//! has settled (nothing can touch it any more, see `settle.rs`), the oracle checks it
//! against its ground truth, hands the verdicts to the log and forgets it.
//!
//! - `facts`: what it is told ([`Fact`]);
//! - this file: taking facts in;
//! - `records`: what it remembers of each live operation, attempt and execution;
//! - `races`: anomalies found during the run (lost updates, oversells, wrong replays);
//! - `verdicts`: the checks of a settled operation against its ground truth;
//! - `explain`: the sentences for duplicates and their causes;
//! - `log`: where verdicts go (all of them, or counts and the first 200);
//! - `anomaly`: the kinds of anomaly and their counts.

mod anomaly;
mod explain;
mod facts;
mod log;
mod races;
mod records;
mod verdicts;

pub use anomaly::{count_by_kind, format_time, sort_by_time, Anomaly, AnomalyCounts, AnomalyKind};
pub use facts::{Fact, Fault};
pub use log::KEPT;
pub use verdicts::{OpTruth, Verdicts};

use log::AnomalyLog;
use records::{ExecRecord, OpRecord, SideEffect};

use super::config::{KeyStoreLocation, Scenario};
use super::live::LiveTable;
use super::workload::Operations;

pub struct Oracle {
    ops: Operations,
    records: LiveTable<OpRecord>,
    execs: LiveTable<ExecRecord>,
    /// Each replica's latest crash: an execution that starts at that very time counts it.
    last_crash: Vec<Option<u64>>,
    /// Per client, the newest operation heard of. Clients run their operations in order,
    /// so a fact about an older one that is not live came after it settled.
    newest: Vec<Option<u32>>,
    /// Facts that came after their operation settled (none, unless settling is wrong).
    late_facts: u64,
    log: AnomalyLog,
    units_sold: u64,
    stock: u64,
    store: KeyStoreLocation,
    atomic: bool,
    keys_enabled: bool,
    ttl_us: u64,
    lock_timeout_us: u64,
    timeout_us: u64,
    propagation: bool,
    provider_honours_keys: bool,
    cas: bool,
    /// The last write to the stock and to each account: (event, op, time), so that a
    /// write that overwrote a concurrent one can name it.
    inventory_last: LastWrite,
    account_last: Vec<LastWrite>,
    /// The last write to each client's profile (its `id` is the writing operation).
    profile_last: Vec<Option<SideEffect>>,
}

/// The last write to a versioned row: (event, op, time).
type LastWrite = Option<(u32, u32, u64)>;

impl Oracle {
    pub fn new(scenario: &Scenario) -> Self {
        let keys = &scenario.protections.idempotency_key;
        let clients = scenario.clients as usize;
        Oracle {
            ops: Operations::new(scenario),
            records: LiveTable::new(clients * 16),
            execs: LiveTable::new(clients * 16),
            last_crash: vec![None; scenario.replicas as usize],
            newest: vec![None; clients],
            late_facts: 0,
            // The browser needs every anomaly's sentence; a run without a trace does not.
            log: AnomalyLog::new(scenario.trace),
            units_sold: 0,
            stock: scenario.world.stock,
            store: keys.store,
            atomic: keys.atomic,
            keys_enabled: keys.enabled,
            ttl_us: keys.ttl_us,
            lock_timeout_us: keys.lock_timeout_us,
            timeout_us: scenario.client.timeout_us,
            propagation: scenario.protections.key_propagation,
            provider_honours_keys: scenario.world.provider_honours_keys,
            cas: scenario.protections.cas,
            inventory_last: None,
            account_last: vec![None; scenario.world.accounts as usize],
            profile_last: vec![None; clients],
        }
    }

    /// Take in one fact, observed at `time`. (Forcing it inline saved 2% natively but
    /// cost 6% in the browser's wasm; left to the compiler.)
    #[inline]
    pub fn observe(&mut self, fact: Fact, time: u64) {
        match fact {
            Fact::AttemptSent {
                op,
                attempt,
                key,
                event,
            } => {
                if let Some(r) = self.record(op) {
                    let a = r.attempt(attempt);
                    a.sent_event = event;
                    a.sent_time = time;
                    a.key = key;
                }
            }
            Fact::Fault {
                op,
                attempt,
                fault,
                event,
            } => self.fault(op, attempt, fault, event, time),
            Fact::Duplicated { op, attempt, event } => {
                if let Some(r) = self.record(op) {
                    r.attempt(attempt).duplicate_event.get_or_insert(event);
                }
            }
            Fact::ExecutionStarted {
                exec,
                op,
                attempt,
                copy,
                replica,
                event,
            } => {
                let Some(r) = self.record(op) else { return };
                r.execs.push(exec);
                // A crash of its replica at this very time, before it started, counts.
                let crash = self.last_crash[replica as usize].filter(|&t| t == time);
                *self.execs.entry(exec) = ExecRecord {
                    op,
                    attempt,
                    replica,
                    copy,
                    start: time,
                    start_event: event,
                    replica_crash: crash,
                    ..ExecRecord::default()
                };
            }
            Fact::KeyChecked {
                exec,
                outcome,
                event,
            } => {
                if let Some(e) = self.exec(exec) {
                    e.key_check = Some((outcome, event, time));
                }
            }
            Fact::KeySaved { exec } => {
                if let Some(e) = self.exec(exec) {
                    e.key_saved = Some(time);
                }
            }
            Fact::ExecutionEnded { exec, status } => {
                if let Some(e) = self.exec(exec) {
                    e.end = Some(time);
                    e.status = Some(status);
                }
            }
            Fact::Crashed { replica, .. } => {
                self.last_crash[replica as usize] = Some(time);
                // Keys kept in that replica's memory are gone for every execution so far.
                self.execs.for_each_mut(|e| {
                    if e.replica == replica && e.replica_crash.is_none() {
                        e.replica_crash = Some(time);
                    }
                });
            }
            Fact::LostInCrash {
                exec,
                replica,
                point,
                event,
            } => {
                let Some(e) = self.exec(exec) else { return };
                e.crashed = Some((point, event, time));
                e.end = Some(time);
                let (op, attempt) = (e.op, e.attempt);
                self.fault(op, attempt, Fault::Crash(point, replica), event, time);
            }
            Fact::ExternalCallRetried { exec, event } => {
                let Some(e) = self.exec(exec) else { return };
                if let Some(slot) = e.call_retries.iter_mut().find(|s| s.is_none()) {
                    *slot = Some((event, time));
                }
            }
            Fact::Charged {
                exec,
                op,
                charge,
                event,
            } => self.effect(op, |r| &mut r.charges, charge, exec, event, time),
            Fact::ChargeReplayed {
                op,
                charge_op,
                event,
                ..
            } => {
                if let Some(r) = self.record(op) {
                    r.charge_replayed_from
                        .get_or_insert((charge_op, event, time));
                }
            }
            Fact::Refunded { op, charge, .. } => {
                if let Some(r) = self.record(op) {
                    r.charges.retain(|c| c.id != charge);
                }
            }
            Fact::OrderInserted {
                row,
                exec,
                op,
                quantity,
                event,
            } => {
                self.effect(op, |r| &mut r.orders, row, exec, event, time);
                self.units_sold += quantity as u64;
            }
            Fact::Emailed {
                exec,
                op,
                email,
                event,
            } => self.effect(op, |r| &mut r.emails, email, exec, event, time),
            Fact::AccountWritten {
                exec,
                op,
                account,
                read_event,
                read_time,
                overwrote,
                event,
            } => self.account_written(
                (exec, op, account),
                (read_event, read_time),
                overwrote,
                event,
                time,
            ),
            Fact::StockWritten {
                op,
                read_event,
                read_time,
                read_value,
                overwrote,
                event,
            } => {
                let other = if overwrote {
                    self.inventory_last.map(|(e, op, t)| (op, e, t))
                } else {
                    None
                };
                self.stock_written(op, read_event, read_time, read_value, other, event, time);
                self.inventory_last = Some((event, op, time));
            }
            Fact::ProfileWritten { exec, op, event } => self.profile_written(exec, op, event, time),
            Fact::WrongReplay {
                op,
                body_op,
                key_event,
                event,
            } => self.wrong_replay(op, body_op, key_event, event, time),
            Fact::OpEnded { op, outcome, event } => {
                if let Some(r) = self.record(op) {
                    r.outcome = Some((outcome, event, time));
                }
            }
        }
    }

    /// The record of live operation `op`, made when it is new; `None` (counted as late)
    /// if it has settled already.
    #[inline]
    fn record(&mut self, op: u32) -> Option<&mut OpRecord> {
        let (newest, late) = (&mut self.newest, &mut self.late_facts);
        self.records.entry_if(op, || {
            let clients = newest.len();
            let newest = &mut newest[op as usize % clients];
            if newest.is_some_and(|n| op <= n) {
                *late += 1;
                false
            } else {
                *newest = Some(op);
                true
            }
        })
    }

    /// The record of execution `exec`, live while its operation is.
    #[inline]
    fn exec(&mut self, exec: u32) -> Option<&mut ExecRecord> {
        match self.execs.get_mut(exec) {
            Some(e) => Some(e),
            None => {
                self.late_facts += 1;
                None
            }
        }
    }

    fn fault(&mut self, op: u32, attempt: u8, fault: Fault, event: u32, time: u64) {
        if let Some(r) = self.record(op) {
            let a = r.attempt(attempt);
            if a.fault.is_none() {
                a.fault = Some((fault, event, time));
            }
        }
    }

    /// A charge, row or email (`id`) of `op` happened.
    fn effect(
        &mut self,
        op: u32,
        list: impl FnOnce(&mut OpRecord) -> &mut Vec<SideEffect>,
        id: u32,
        exec: u32,
        event: u32,
        time: u64,
    ) {
        if let Some(r) = self.record(op) {
            list(r).push(SideEffect {
                id,
                event,
                time,
                exec,
            });
        }
    }

    // ---- what the world asks before it settles an operation -------------------------

    /// Whether the client has finished `op` (a live operation that has not may still
    /// send).
    pub fn ended(&self, op: u32) -> bool {
        self.records.get(op).is_some_and(|r| r.outcome.is_some())
    }

    /// Whether a memory of the last write to a row names `op`: a later write may report
    /// it lost, or undone.
    pub fn pinned(&self, op: u32) -> bool {
        self.records.get(op).is_some_and(|r| r.pins > 0)
    }

    /// The attempts `op` made (its keys, under a key per attempt, are one per attempt).
    pub fn attempts(&self, op: u32) -> u8 {
        self.records
            .get(op)
            .map_or(0, |r| r.attempts.len().min(u8::MAX as usize) as u8)
    }

    pub fn is_live(&self, op: u32) -> bool {
        self.records.contains(op)
    }

    /// The operations still live, ascending.
    pub fn live(&self) -> Vec<u32> {
        self.records.ids()
    }
}
