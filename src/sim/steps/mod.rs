//! An endpoint is a list of steps; each step is a small function that reads and writes
//! the execution and the replica's stores, writes effects, and says what comes next.
//! Crash points sit between steps.
//!
//! - `key_check`: the idempotency-key lookup and the in-flight lock;
//! - `crash`: a crash point;
//! - `read`: reading the row a handler writes, and the read-back after "already exists";
//! - `compute`: the handler's own work (and the slow path);
//! - `call`: the charge and the email, calls to external services;
//! - `commit`: the business transaction (fencing, CAS), with `write` for its statements;
//! - `key_record`: saving and releasing key records;
//! - `respond`: the key save step and the response.

mod call;
mod commit;
mod compute;
mod crash;
mod key_check;
mod key_record;
mod read;
mod respond;
mod write;

pub use call::{derived_key, external_call};

use crate::sim::actors::replica::{Execution, Node};
use crate::sim::config::{CrashPoint, KeyStoreLocation, Scenario, WalletWrite, Workload};
use crate::sim::effects::{Cost, Cx, Effects};

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

/// What a step tells the replica to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepResult {
    /// Go to the next step after this many µs (0: at once).
    Next(u64),
    /// Jump to a step after this many µs.
    Goto(usize, u64),
    /// Waiting for an external reply or its timeout.
    Wait,
    Finished,
    Crashed,
}

/// Run one step of execution `x`, which sits in `slot` of the node's replica.
pub fn run(
    node: &mut Node,
    cx: &Cx,
    slot: u16,
    x: &mut Execution,
    step: Step,
    out: &mut impl Effects,
) -> StepResult {
    match step {
        Step::KeyCheck => key_check::run(node, cx, x, out),
        Step::Crash(point) => crash::run(node, cx, x, point, out),
        Step::ReadRow => read::row(node, cx, x, out),
        Step::Compute => compute::run(node, cx, x, out),
        Step::ChargeCard => call::charge(node, cx, slot, x, out),
        Step::Commit => commit::run(node, cx, x, out),
        Step::KeySave => respond::key_save(node, cx, x, out),
        Step::SendEmail => call::email(node, cx, slot, x, out),
        Step::ReadBack => read::read_back(node, cx, x, out),
        Step::Respond => {
            respond::respond(node, cx, x, out);
            StepResult::Finished
        }
    }
}

/// The index of the final step, `Respond`.
pub fn respond_pc(x: &Execution) -> usize {
    x.plan.len() - 1
}

/// One database round trip: counted, and its latency returned.
fn db_round_trip(cx: &Cx, out: &mut impl Effects) -> u64 {
    out.cost(Cost::DbRoundTrip);
    cx.scenario().server.db_rtt_us
}

/// Time for an in-memory key-store lookup.
const MEMORY_LOOKUP_US: u64 = 20;

/// One key-store access: a memory lookup or a database round trip.
fn key_store_access(cx: &Cx, out: &mut impl Effects) -> u64 {
    match cx.scenario().protections.idempotency_key.store {
        KeyStoreLocation::Memory => MEMORY_LOOKUP_US,
        KeyStoreLocation::Database => db_round_trip(cx, out),
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
        // The events workload has no HTTP endpoint (`sim/messaging` runs it).
        Workload::Events | Workload::Stream | Workload::Saga => &[S::Respond],
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
#[cfg(test)]
mod tests;
