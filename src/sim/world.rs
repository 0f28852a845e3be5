//! The world: every actor's state, the event queue and the run loop. `dispatch` hands a
//! queue event to the handler it concerns; the `Applier` (applier.rs) carries out the
//! effects the handler writes. Operations settle as soon as nothing can touch them
//! (settle.rs), so memory follows what is in flight. `finish` gathers the result.

mod applier;
mod settle;

use applier::Applier;
use settle::InFlight;

use super::actors::balancer::{self, Balancer};
use super::actors::client::{self, Clients};
use super::actors::email::EmailService;
use super::actors::external;
use super::actors::keeper::{self, KEEPER};
use super::actors::network;
use super::actors::provider::PaymentProvider;
use super::actors::relay::{self, Relay};
use super::actors::replica::{self, Node, Replica};
use super::config::{ValidScenario, Workload};
use super::effects::{Cx, Effects};
use super::events::{Body, Event, Message};
use super::fault_set::FaultRecord;
use super::messaging;
use super::oracle::{Fact, Oracle};
use super::progress::{Observed, Progress};
use super::queue::EventQueue;
use super::results::{Costs, GroundTruth, RunResult};
use super::saga;
use super::stores::db::Database;
use super::stores::keys::KeyStore;
use super::stream;
use super::trace::{Actor, Detail, Trace};
use super::workload::{generate_operations, Operations};

/// Run a validated scenario to completion (or to its event limit).
pub fn run(valid: &ValidScenario) -> RunResult {
    if valid.scenario().workload == Workload::Events {
        return messaging::run(valid, u64::MAX, &mut |_| Observed::Continue(()))
            .expect("a run nobody stops has a result");
    }
    if valid.scenario().workload == Workload::Stream {
        return stream::run(valid, u64::MAX, &mut |_| Observed::Continue(()))
            .expect("a run nobody stops has a result");
    }
    if valid.scenario().workload == Workload::Saga {
        return saga::run(valid, u64::MAX, &mut |_| Observed::Continue(()))
            .expect("a run nobody stops has a result");
    }
    let ops = Operations::new(valid.scenario());
    let mut world = World::new(valid, &ops);
    let _ = world.run(u64::MAX, &mut |_| Observed::Continue(()));
    world.finish()
}

/// The same run, telling `observe` how far it has got every `every` trace events (and
/// not at the end). `observe` may stop the run: then there is no result.
pub fn run_observed(
    valid: &ValidScenario,
    every: u64,
    observe: &mut dyn FnMut(Progress) -> Observed,
) -> Option<RunResult> {
    if valid.scenario().workload == Workload::Events {
        return messaging::run(valid, every.max(1), observe);
    }
    if valid.scenario().workload == Workload::Stream {
        return stream::run(valid, every.max(1), observe);
    }
    if valid.scenario().workload == Workload::Saga {
        return saga::run(valid, every.max(1), observe);
    }
    let ops = Operations::new(valid.scenario());
    let mut world = World::new(valid, &ops);
    world
        .run(every.max(1), observe)
        .is_continue()
        .then(|| world.finish())
}

/// The same run with nothing settled before the end: every operation stays live and is
/// checked against the final ground truth, as if nothing could be forgotten. The
/// reference tests compare [`run`] with: settling early must change nothing.
#[doc(hidden)]
pub fn run_settling_at_the_end(valid: &ValidScenario) -> RunResult {
    let ops = Operations::new(valid.scenario());
    let mut world = World::new(valid, &ops);
    world.sinks.in_flight.settle_at_the_end();
    let _ = world.run(u64::MAX, &mut |_| Observed::Continue(()));
    world.finish()
}

struct World<'a> {
    valid: &'a ValidScenario,
    ops: &'a Operations,
    now: u64,
    actors: Actors,
    sinks: Sinks,
}

/// Where effects end up: the queue, the trace, the oracle and the costs.
struct Sinks {
    queue: EventQueue<Event>,
    /// What the queue holds per operation: an operation with events queued is live.
    in_flight: InFlight,
    trace: Trace,
    max_events: u64,
    record_key_rows: bool,
    /// The faults that happened, recorded with the trace on.
    record_faults: bool,
    faults: Vec<FaultRecord>,
    oracle: Oracle,
    next_msg: u32,
    costs: Costs,
    refunds: Vec<Refund>,
    stopped: bool,
}

impl Sinks {
    /// Queue `event` at `time`, counting it against the operation it names.
    #[inline(always)]
    fn push(&mut self, time: u64, event: Event) {
        if let Some(op) = event.op() {
            self.in_flight.hold(op);
        }
        self.queue.push(time, event);
    }
}

/// Every actor's state and the stores: what handlers may change.
struct Actors {
    clients: Clients,
    balancer: Balancer,
    replicas: Vec<Replica>,
    db: Database,
    keys: KeyStore,
    provider: PaymentProvider,
    email: EmailService,
    relay: Relay,
    next_exec: u32,
}

impl<'a> World<'a> {
    fn new(valid: &'a ValidScenario, ops: &'a Operations) -> Self {
        let cfg = valid.scenario();
        let keys = &cfg.protections.idempotency_key;
        World {
            valid,
            ops,
            now: 0,
            actors: Actors {
                clients: Clients::new(cfg.clients, cfg.operations, cfg.trace),
                balancer: Balancer::new(cfg.balancer, cfg.seed),
                replicas: (0..cfg.replicas).map(|_| Replica::new()).collect(),
                db: Database::new(
                    cfg.world.stock,
                    cfg.world.accounts,
                    cfg.world.initial_balance,
                    cfg.clients,
                ),
                keys: KeyStore::new(keys.store, cfg.replicas, keeper::round_us(keys)),
                provider: PaymentProvider::new(cfg.world.provider_honours_keys),
                email: EmailService::default(),
                relay: Relay::default(),
                next_exec: 0,
            },
            sinks: Sinks {
                queue: EventQueue::new(),
                in_flight: InFlight::new(cfg),
                trace: Trace::new(cfg.trace),
                max_events: cfg.max_events,
                record_key_rows: cfg.trace,
                record_faults: cfg.trace,
                faults: Vec::new(),
                oracle: Oracle::new(cfg),
                next_msg: 0,
                costs: Costs::default(),
                refunds: Vec::new(),
                stopped: false,
            },
        }
    }

    fn cx(&self) -> Cx<'a> {
        Cx {
            now: self.now,
            valid: self.valid,
            ops: self.ops,
        }
    }

    // One copy of the engine's loop for every caller: inlined into each, it doubled the
    // engine's share of the browser's wasm.
    #[inline(never)]
    fn run(&mut self, every: u64, observe: &mut dyn FnMut(Progress) -> Observed) -> Observed {
        let mut next_report = every;
        for client in 0..self.valid.scenario().clients as u16 {
            let delay = client::start_delay(&self.cx(), client);
            self.sinks.push(delay, Event::ClientBegin { client });
        }
        if keeper::enabled(&self.cx()) {
            let first = keeper::interval(&self.cx());
            self.sinks.push(first, Event::KeyStoreRound);
        }
        while let Some((time, event)) = self.sinks.queue.pop() {
            if self.sinks.stopped {
                break;
            }
            self.now = time;
            let op = event.op();
            self.dispatch(event);
            // Its last queued event has run: the operation may have settled.
            if let Some(op) = op {
                if self.sinks.in_flight.release(op) {
                    self.try_settle(op);
                }
            }
            if self.sinks.in_flight.check_due() {
                self.recheck_parked();
            }
            if self.sinks.trace.count >= next_report {
                next_report = self.sinks.trace.count.saturating_add(every);
                observe(Progress {
                    events: self.sinks.trace.count,
                    operations_ended: self.actors.clients.outcomes.ended(),
                })?;
            }
        }
        Observed::Continue(())
    }

    /// Hand `event` to its handler; the applier carries out each effect it writes.
    fn dispatch(&mut self, event: Event) {
        let cx = self.cx();
        let mut out = Applier {
            now: self.now,
            valid: self.valid,
            sinks: &mut self.sinks,
        };
        let more = !out.sinks.queue.is_empty();
        self.actors.handle(&cx, event, more, &mut out);
        // Refunds reach the provider after the handler (it may be the one running); the
        // trace shows a refund only if the charge still stood.
        for refund in std::mem::take(&mut self.sinks.refunds) {
            let provider = &mut self.actors.provider;
            let (refunded, op, exec) = match refund {
                Refund::Charge { charge, op, exec } => (provider.refund(charge), op, exec),
                Refund::ByKey { key, op } => (provider.refund_by_key(key, op), op, KEEPER),
            };
            if let Some(charge) = refunded {
                let mut out = Applier {
                    now: self.now,
                    valid: self.valid,
                    sinks: &mut self.sinks,
                };
                let detail = Detail::Refund { charge: charge.id };
                out.event(Actor::Provider, Actor::Nobody, op, 0, detail);
                out.fact(Fact::Refunded {
                    op,
                    exec,
                    charge: charge.id,
                });
            }
        }
    }

    fn finish(mut self) -> RunResult {
        // What is still live settles now, against the ground truth as it stands.
        for op in self.sinks.oracle.live() {
            self.settle(op);
        }
        self.sample_sizes();
        let mut sinks = self.sinks;
        let mut actors = self.actors;
        let verdicts = sinks.oracle.finish();
        let mut anomalies = verdicts.anomalies;
        let recorded = sinks.trace.count.min(u32::MAX as u64) as u32;
        for a in &mut anomalies {
            a.events.retain(|&e| e < recorded);
        }
        let series = std::mem::take(&mut sinks.costs.key_rows_series);
        let step = series.len().div_ceil(300).max(1);
        sinks.costs.key_rows_series = series
            .iter()
            .step_by(step)
            .copied()
            .chain(series.last().copied())
            .collect();
        sinks.costs.key_rows_series.dedup();
        let (charges, refunds) = actors.provider.totals();
        let mut live = sinks.in_flight.sizes();
        live.operations = verdicts.peak_live_operations;
        live.executions = verdicts.peak_live_executions;
        live.late_facts = verdicts.late_facts + actors.provider.late + actors.db.late;
        actors.clients.outcomes.latency.finish();
        let scenario = self.valid.scenario();
        RunResult {
            trace_hash: sinks.trace.hash_hex(),
            events: sinks.trace.count,
            stopped_at_event_limit: sinks.stopped,
            virtual_time_us: self.now,
            ground_truth: GroundTruth {
                charges,
                refunds,
                net_charges: charges - refunds,
                orders: actors.db.order_rows(),
                emails: actors.email.sent(),
                ..GroundTruth::default()
            },
            conservation: verdicts.conservation,
            notes: Vec::new(),
            unknown_took_effect: verdicts.unknown_took_effect,
            unknown_took_effect_count: verdicts.unknown_took_effect_count,
            // The browser reads every operation; a run without a trace needs none.
            operations: if scenario.trace {
                generate_operations(scenario)
            } else {
                Vec::new()
            },
            outcomes: actors.clients.outcomes,
            op_results: actors.clients.results,
            attempts: actors.clients.attempts,
            trace: sinks.trace.events,
            anomalies,
            anomaly_counts: verdicts.counts,
            costs: sinks.costs,
            live,
            faults: sinks.faults,
            scenario: scenario.clone(),
        }
    }
}

impl Actors {
    /// The handler for each kind of event.
    /// `more`: whether other events are still queued (periodic jobs stop when the run does).
    fn handle(&mut self, cx: &Cx, event: Event, more: bool, out: &mut Applier) {
        match event {
            Event::ClientBegin { client } => client::on_begin(&mut self.clients, cx, client, out),
            Event::ClientAttempt { op, attempt } => {
                client::on_attempt(&mut self.clients, cx, op, attempt, false, out)
            }
            Event::ClientTimeout { op, attempt } => {
                client::on_timeout(&mut self.clients, cx, op, attempt, out)
            }
            Event::Arrive(message) => self.arrive(cx, message, out),
            Event::Lost(message, reason) => network::on_lost(message, reason, out),
            Event::Resume {
                replica,
                slot,
                exec,
                ..
            } => replica::on_resume(&mut self.node(replica), cx, slot, exec, out),
            Event::ExternalTimeout {
                replica,
                slot,
                exec,
                kind,
                call,
                ..
            } => replica::on_external_timeout(
                &mut self.node(replica),
                cx,
                slot,
                exec,
                kind,
                call,
                out,
            ),
            Event::Restart { replica } => replica::on_restart(&mut self.node(replica), out),
            Event::RelaySend { outbox, call, .. } => {
                relay::on_send(&mut self.relay, &self.db, cx, outbox, call, out)
            }
            Event::RelayTimeout { outbox, call, .. } => {
                relay::on_timeout(&mut self.relay, &self.db, cx, outbox, call, out)
            }
            Event::KeyStoreRound => keeper::on_round(&mut self.keys, &self.db, cx, more, out),
        }
    }

    /// A message arrives: the receiver's handler takes it.
    fn arrive(&mut self, cx: &Cx, message: Message, out: &mut Applier) {
        match (message.to, message.body) {
            (Actor::Balancer, Body::Request { .. }) => {
                balancer::on_request(&mut self.balancer, &self.replicas, cx, message, out)
            }
            (Actor::Replica(r), Body::Request { .. }) => {
                replica::on_request(&mut self.node(r), cx, message, out)
            }
            (Actor::Replica(r), Body::Reply { .. }) => {
                replica::on_reply(&mut self.node(r), cx, message, out)
            }
            (Actor::Client(c), Body::Response { .. }) => {
                client::on_response(&mut self.clients, cx, c, message, out)
            }
            (Actor::Provider | Actor::Email, Body::Call { .. }) => {
                external::on_call(&mut self.provider, &mut self.email, cx, message, out)
            }
            (Actor::Relay, Body::Reply { .. }) => relay::on_reply(&mut self.db, message, out),
            _ => {}
        }
    }

    /// Replica `index` with the stores its handlers may change.
    fn node(&mut self, index: u8) -> Node<'_> {
        Node {
            index,
            replica: &mut self.replicas[index as usize],
            db: &mut self.db,
            keys: &mut self.keys,
            next_exec: &mut self.next_exec,
        }
    }
}

/// A refund a handler asked for, carried out once the handler has returned.
enum Refund {
    Charge { charge: u32, op: u32, exec: u32 },
    ByKey { key: u64, op: u32 },
}
