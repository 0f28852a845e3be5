//! Test support: one replica with its stores, a hand-made execution, and readers for the
//! effects a handler wrote. Used by the per-step and per-actor tests.

use super::actors::keeper;
use super::actors::replica::{Execution, Node, Replica};
use super::config::{Scenario, ValidScenario};
use super::effects::{Cx, Effect, Out, PendingSend};
use super::events::Event;
use super::oracle::Fact;
use super::stores::db::Database;
use super::stores::keys::KeyStore;
use super::trace::Detail;
use super::workload::{generate_operations, Operation, Operations};

/// A scenario, its operations, and replica 0 with the database and the key store.
pub struct Bench {
    pub valid: ValidScenario,
    pub ops: Vec<Operation>,
    pub operations: Operations,
    pub replica: Replica,
    pub db: Database,
    pub keys: KeyStore,
    pub next_exec: u32,
}

impl Bench {
    pub fn new(scenario: Scenario) -> Self {
        let valid = scenario.validate().expect("a valid test scenario");
        let s = valid.scenario();
        let ops = generate_operations(s);
        let db = Database::new(
            s.world.stock,
            s.world.accounts,
            s.world.initial_balance,
            s.clients,
        );
        let key_config = &s.protections.idempotency_key;
        let keys = KeyStore::new(key_config.store, s.replicas, keeper::round_us(key_config));
        let operations = Operations::new(s);
        Bench {
            valid,
            ops,
            operations,
            replica: Replica::new(),
            db,
            keys,
            next_exec: 0,
        }
    }

    /// Run `f` as a handler of replica 0 at time `now`; returns its result and effects.
    pub fn on_replica<R>(
        &mut self,
        now: u64,
        f: impl FnOnce(&mut Node, &Cx, &mut Out) -> R,
    ) -> (R, Out) {
        let cx = Cx {
            now,
            valid: &self.valid,
            ops: &self.operations,
        };
        let mut node = Node {
            index: 0,
            replica: &mut self.replica,
            db: &mut self.db,
            keys: &mut self.keys,
            next_exec: &mut self.next_exec,
        };
        let mut out = fresh_out();
        let result = f(&mut node, &cx, &mut out);
        (result, out)
    }

    pub fn cx(&self, now: u64) -> Cx<'_> {
        Cx {
            now,
            valid: &self.valid,
            ops: &self.operations,
        }
    }

    /// A new execution of `op`'s attempt 1, as a replica admits it.
    pub fn execution(&self, op: u32) -> Execution {
        let mut x = Execution::new(&self.cx(0), 0, (op, 1, 0, false), 0);
        // Tests hand it a charge as if this execution's call had made it.
        x.charge_fresh = true;
        x
    }
}

pub fn fresh_out() -> Out {
    Out::new(0, u64::MAX)
}

/// The trace details written, in order.
pub fn traces(out: &Out) -> Vec<Detail> {
    out.effects()
        .iter()
        .filter_map(|e| match e {
            Effect::Trace(t) => Some(t.detail),
            _ => None,
        })
        .collect()
}

pub fn facts(out: &Out) -> Vec<Fact> {
    out.effects()
        .iter()
        .filter_map(|e| match e {
            Effect::Fact(f) => Some(*f),
            _ => None,
        })
        .collect()
}

/// The messages written with `Out::send`, in order.
pub fn sends(out: &Out) -> Vec<PendingSend> {
    out.effects()
        .iter()
        .filter_map(|e| match *e {
            Effect::Send(sent) => Some(sent),
            _ => None,
        })
        .collect()
}

/// The timers set: (delay, event).
pub fn timers(out: &Out) -> Vec<(u64, Event)> {
    out.effects()
        .iter()
        .filter_map(|e| match *e {
            Effect::After { delay, event } => Some((delay, event)),
            _ => None,
        })
        .collect()
}
