//! When an operation has settled, and what settling it does.
//!
//! An operation has settled when nothing can touch it any more:
//! - its client has finished it (the outcome is recorded);
//! - no queued event names it: no message of its in the network (request, response,
//!   external call or reply, a copy the network made), no timer of its (the client's
//!   timeout or retry, a replica's step or external-call timeout, the relay's send or
//!   timeout). The world counts these as it queues and runs them ([`InFlight`]); an
//!   execution in a replica always has one queued, so it is covered too;
//! - the key store's housekeeping will not recover a key of its: with recovery on, no
//!   in-progress record of it that started a charge waits for its lock to expire;
//! - no key that other operations send too (a client that reuses one key) leads the
//!   provider to a charge of its, which a later call could be answered with and refund;
//! - the oracle's memory of a row's last write does not name it (a later write to the
//!   row may still report its update lost, or its profile write undone).
//!
//! While an operation is live, anything may still add a charge, a refund, a row, an email
//! or a fact about it. Once settled nothing can, so its ground truth is final: the oracle
//! checks it and folds the verdicts into the log, and the stores forget it — its charges,
//! rows, emails and outbox rows, and the keys only it sends; its key records stay as
//! counts until they expire. The oracle counts any fact that still arrives for a settled
//! operation (`late_facts`); tests check there are none.
//!
//! Pinned operations (the last three conditions) are checked again every
//! [`RECHECK_EVERY`] events; whatever is still live at the end settles then.

use super::World;
use crate::sim::config::{KeyPolicy, Scenario};
use crate::sim::events::CallKind;
use crate::sim::live::LiveTable;
use crate::sim::oracle::OpTruth;
use crate::sim::results::LiveSizes;
use crate::sim::steps::derived_key;
use crate::sim::stores::keys::KeyState;
use crate::sim::workload::{idempotency_key, Operation};

/// Events between two checks of the operations that could not settle yet.
const RECHECK_EVERY: u32 = 1024;

/// What the queue holds per operation, and the operations waiting to settle.
pub(super) struct InFlight {
    /// Queued events per operation that has any.
    pending: LiveTable<u32>,
    /// Operations with nothing queued that could not settle yet.
    parked: Vec<u32>,
    since_check: u32,
    /// Whether the key store's housekeeping recovers abandoned keys.
    keeper_recovers: bool,
    /// Settle nothing before the end (the reference run of the tests).
    at_the_end: bool,
    sizes: LiveSizes,
}

impl InFlight {
    pub fn new(scenario: &Scenario) -> Self {
        let keys = &scenario.protections.idempotency_key;
        InFlight {
            pending: LiveTable::new(scenario.clients as usize * 16),
            parked: Vec::new(),
            since_check: 0,
            keeper_recovers: keys.enabled
                && keys.in_flight_lock
                && scenario.protections.key_propagation,
            at_the_end: false,
            sizes: LiveSizes::default(),
        }
    }

    pub fn settle_at_the_end(&mut self) {
        self.at_the_end = true;
    }

    /// An event naming `op` was queued.
    #[inline(always)]
    pub fn hold(&mut self, op: u32) {
        *self.pending.entry(op) += 1;
    }

    /// An event naming `op` has run; returns whether none is left.
    #[inline(always)]
    pub fn release(&mut self, op: u32) -> bool {
        let none_left = |count: &mut u32| {
            *count -= 1;
            *count == 0
        };
        self.pending.update(op, none_left) == Some(true)
    }

    /// Counts events; true every `RECHECK_EVERY`.
    #[inline(always)]
    pub fn check_due(&mut self) -> bool {
        self.since_check += 1;
        if self.since_check < RECHECK_EVERY {
            return false;
        }
        self.since_check = 0;
        true
    }

    /// The most held at once (the stores' sizes as sampled).
    pub fn sizes(&self) -> LiveSizes {
        LiveSizes {
            in_flight: self.pending.peak(),
            ..self.sizes
        }
    }
}

/// The keys an operation's client sent with it, and which of them others send too.
struct OpKeys {
    policy: KeyPolicy,
    op: Operation,
    attempts: u8,
    /// Keys other operations send too (a key reused across operations), as the provider
    /// and the email service see them.
    shared: Option<[u64; 2]>,
}

impl OpKeys {
    fn of(scenario: &Scenario, op: Operation, attempts: u8) -> OpKeys {
        let policy = scenario.client.key_policy;
        let shared = match (policy, idempotency_key(policy, &op, 1)) {
            (KeyPolicy::ReusedAcrossOperations, Some(k)) => {
                let derived = |kind| derived_key(kind, Some(k), op.client, 0);
                Some([derived(CallKind::Charge), derived(CallKind::Email)])
            }
            _ => None,
        };
        OpKeys {
            policy,
            op,
            attempts,
            shared,
        }
    }

    /// The keys sent: one per attempt under a key per attempt, else at most one.
    fn sent(&self) -> impl Iterator<Item = u64> + '_ {
        let last = match self.policy {
            KeyPolicy::PerAttempt => self.attempts.max(1),
            _ => 1,
        };
        (1..=last).filter_map(|a| idempotency_key(self.policy, &self.op, a))
    }

    /// Whether only this operation sends them.
    fn own(&self) -> bool {
        self.shared.is_none()
    }

    fn shared(&self) -> &[u64] {
        self.shared.as_ref().map_or(&[], |s| &s[..])
    }
}

impl World<'_> {
    /// `op` has nothing queued any more: settle it, or park it until it can.
    pub(super) fn try_settle(&mut self, op: u32) {
        if self.sinks.in_flight.at_the_end {
            return;
        }
        if self.can_settle(op) {
            self.settle(op);
        } else {
            self.sinks.in_flight.parked.push(op);
        }
    }

    fn keys_of(&self, op: u32) -> OpKeys {
        let attempts = self.sinks.oracle.attempts(op);
        OpKeys::of(self.valid.scenario(), self.ops.get(op), attempts)
    }

    /// Whether nothing but what is queued could still touch `op` (see the module notes).
    fn can_settle(&self, op: u32) -> bool {
        let oracle = &self.sinks.oracle;
        if !oracle.ended(op) || oracle.pinned(op) {
            return false;
        }
        let keys = self.keys_of(op);
        let recoverable = self.sinks.in_flight.keeper_recovers
            && keys.sent().any(|k| {
                self.actors.keys.find(keys.op.client, k).any(|r| {
                    r.op == op && r.charge_started && matches!(r.state, KeyState::InProgress { .. })
                })
            });
        !recoverable && !self.actors.provider.keeps_charge_of(op, keys.shared())
    }

    /// Check `op` against its ground truth and forget it everywhere.
    pub(super) fn settle(&mut self, op: u32) {
        let keys = self.keys_of(op);
        let actors = &mut self.actors;
        let standing = actors.provider.settle(op, keys.shared());
        let (rows, outbox) = actors.db.settle(op);
        actors.relay.forget(&outbox);
        let emails = actors.email.settle(op, keys.shared());
        if keys.own() {
            for key in keys.sent() {
                actors.keys.retire(keys.op.client, key);
            }
        }
        let truth = OpTruth {
            standing,
            rows,
            emails,
        };
        self.sinks.oracle.settle(op, &truth);
    }

    /// Settle the parked operations that now can; keep the others parked.
    pub(super) fn recheck_parked(&mut self) {
        self.sample_sizes();
        let mut parked = std::mem::take(&mut self.sinks.in_flight.parked);
        parked.sort_unstable();
        parked.dedup();
        // One with events queued again is parked anew when they have run.
        let (oracle, pending) = (&self.sinks.oracle, &self.sinks.in_flight.pending);
        parked.retain(|&op| oracle.is_live(op) && !pending.contains(op));
        for op in parked {
            self.try_settle(op);
        }
    }

    /// Note the stores' sizes for the peaks a test reads.
    pub(super) fn sample_sizes(&mut self) {
        let a = &self.actors;
        let s = &mut self.sinks.in_flight.sizes;
        s.charges = s.charges.max(a.provider.live_charges());
        s.rows = s.rows.max(a.db.live_rows());
        s.dedup_keys = s.dedup_keys.max(a.email.live_keys());
        s.key_records = s.key_records.max(a.keys.live_records());
        s.retired_rounds = s.retired_rounds.max(a.keys.retired_rounds());
        s.relay_rows = s.relay_rows.max(a.relay.live_rows());
        s.queue = s.queue.max(self.sinks.queue.len());
        s.parked = s.parked.max(self.sinks.in_flight.parked.len());
    }
}
