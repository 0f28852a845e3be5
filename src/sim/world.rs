//! The world: every actor's state, the event queue and the run loop. `dispatch` hands a
//! queue event to the handler it concerns; the `Applier` carries out the effects the
//! handler writes — trace events, messages (whose fate was decided when written), timers,
//! facts for the oracle, costs — in the order they are written. `finish` gathers the result.

use super::actors::balancer::{self, Balancer};
use super::actors::client::{self, Clients};
use super::actors::email::EmailService;
use super::actors::external;
use super::actors::keeper::{self, KEEPER};
use super::actors::network;
use super::actors::provider::PaymentProvider;
use super::actors::relay::{self, Relay};
use super::actors::replica::{self, Node, Replica};
use super::config::ValidScenario;
use super::effects::{fate_of, Cost, Cx, Effects, PendingTrace};
use super::events::{Body, Event, Message};
use super::faults::{lost_after, Fate};
use super::faults::{Link, MessageIdentity};
use super::oracle::{Fact, Oracle, Truth};
use super::queue::EventQueue;
use super::results::{Costs, GroundTruth, RunResult};
use super::stores::db::Database;
use super::stores::keys::KeyStore;
use super::trace::MessageKind;
use super::trace::{Actor, Detail, DropReason, Trace, TraceEvent};
use super::workload::{generate_operations, Operation};

/// Run a validated scenario to completion (or to its event limit).
pub fn run(valid: &ValidScenario) -> RunResult {
    let ops = generate_operations(valid.scenario());
    let mut world = World::new(valid, &ops);
    world.run();
    let mut result = world.finish();
    result.operations = ops;
    result
}

struct World<'a> {
    valid: &'a ValidScenario,
    ops: &'a [Operation],
    now: u64,
    actors: Actors,
    sinks: Sinks,
}

/// Where effects end up: the queue, the trace, the oracle and the costs.
struct Sinks {
    queue: EventQueue<Event>,
    trace: Trace,
    max_events: u64,
    record_key_rows: bool,
    oracle: Oracle,
    next_msg: u32,
    costs: Costs,
    refunds: Vec<Refund>,
    stopped: bool,
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
    fn new(valid: &'a ValidScenario, ops: &'a [Operation]) -> Self {
        let cfg = valid.scenario();
        World {
            valid,
            ops,
            now: 0,
            actors: Actors {
                clients: Clients::new(cfg.clients, ops, cfg.trace),
                balancer: Balancer::new(cfg.balancer, cfg.seed),
                replicas: (0..cfg.replicas).map(|_| Replica::new()).collect(),
                db: Database::new(
                    cfg.world.stock,
                    cfg.world.accounts,
                    cfg.world.initial_balance,
                    cfg.clients,
                ),
                keys: KeyStore::new(cfg.protections.idempotency_key.store, cfg.replicas),
                provider: PaymentProvider::new(cfg.world.provider_honours_keys),
                email: EmailService::default(),
                relay: Relay::default(),
                next_exec: 0,
            },
            sinks: Sinks {
                queue: EventQueue::new(),
                trace: Trace::new(cfg.trace),
                max_events: cfg.max_events,
                record_key_rows: cfg.trace,
                oracle: Oracle::new(cfg, ops),
                next_msg: 0,
                costs: Costs::default(),
                refunds: Vec::new(),
                stopped: false,
            },
        }
    }

    fn run(&mut self) {
        for client in 0..self.valid.scenario().clients as u16 {
            let cx = Cx {
                now: 0,
                valid: self.valid,
                ops: self.ops,
            };
            let delay = client::start_delay(&cx, client);
            self.sinks.queue.push(delay, Event::ClientBegin { client });
        }
        let cx = Cx {
            now: 0,
            valid: self.valid,
            ops: self.ops,
        };
        if keeper::enabled(&cx) {
            let first = keeper::interval(&cx);
            self.sinks.queue.push(first, Event::KeyStoreRound);
        }
        while let Some((time, event)) = self.sinks.queue.pop() {
            if self.sinks.stopped {
                break;
            }
            self.now = time;
            self.dispatch(event);
        }
    }

    /// Hand `event` to its handler; the applier carries out each effect it writes.
    fn dispatch(&mut self, event: Event) {
        let cx = Cx {
            now: self.now,
            valid: self.valid,
            ops: self.ops,
        };
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
                Refund::ByKey { key, op } => (provider.refund_by_key(key), op, KEEPER),
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

    fn finish(self) -> RunResult {
        let mut sinks = self.sinks;
        let actors = self.actors;
        let verdicts = sinks.oracle.finalize(&Truth {
            charges: &actors.provider.charges,
            orders: &actors.db.orders,
            emails: &actors.email.sent,
        });
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
        let charges = actors.provider.charges.len() as u64;
        let refunds = actors
            .provider
            .charges
            .iter()
            .filter(|c| c.refunded)
            .count() as u64;
        RunResult {
            trace_hash: sinks.trace.hash_hex(),
            events: sinks.trace.count,
            stopped_at_event_limit: sinks.stopped,
            virtual_time_us: self.now,
            ground_truth: GroundTruth {
                charges,
                refunds,
                net_charges: charges - refunds,
                orders: actors.db.orders.len() as u64,
                emails: actors.email.sent.len() as u64,
            },
            conservation: verdicts.conservation,
            unknown_took_effect: verdicts.unknown_took_effect,
            operations: Vec::new(),
            op_results: actors.clients.results,
            attempts: actors.clients.attempts,
            trace: sinks.trace.events,
            anomalies,
            costs: sinks.costs,
            scenario: self.valid.scenario().clone(),
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
            } => replica::on_resume(&mut self.node(replica), cx, slot, exec, out),
            Event::ExternalTimeout {
                replica,
                slot,
                exec,
                kind,
                call,
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
            Event::RelaySend { outbox, call } => {
                relay::on_send(&mut self.relay, &self.db, cx, outbox, call, out)
            }
            Event::RelayTimeout { outbox, call } => {
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

/// The world's writer of effects: each one is carried out as it is written.
struct Applier<'w> {
    now: u64,
    valid: &'w ValidScenario,
    sinks: &'w mut Sinks,
}

impl Applier<'_> {
    /// Record a trace event now; returns its id. The limit is exact: once reached,
    /// nothing more is recorded and the loop stops.
    #[inline(always)]
    fn emit(&mut self, actor: Actor, peer: Actor, op: u32, attempt: u8, detail: Detail) -> u32 {
        let sinks = &mut *self.sinks;
        if sinks.trace.count >= sinks.max_events {
            sinks.stopped = true;
            return u32::MAX;
        }
        sinks.trace.emit(TraceEvent {
            time: self.now,
            detail,
            op,
            actor,
            peer,
            attempt,
        })
    }

    fn next_message_id(&mut self) -> u32 {
        let id = self.sinks.next_msg;
        self.sinks.next_msg += 1;
        id
    }
}

impl Effects for Applier<'_> {
    #[inline(always)]
    fn next_event_id(&self) -> u32 {
        if self.sinks.trace.count < self.sinks.max_events {
            self.sinks.trace.count as u32
        } else {
            u32::MAX
        }
    }

    #[inline(always)]
    fn trace(&mut self, e: PendingTrace) -> u32 {
        self.emit(e.actor, e.peer, e.op, e.attempt, e.detail)
    }

    /// Put a message on the network: record the send, then its arrival, its loss, or its
    /// arrival and a copy's.
    fn send(
        &mut self,
        cx: &Cx,
        from: Actor,
        to: Actor,
        kind: MessageKind,
        link: Option<Link>,
        identity: MessageIdentity,
        body: Body,
        value: i64,
    ) {
        let fate = fate_of(cx, link, identity);
        let message = Message {
            id: self.next_message_id(),
            from,
            to,
            copy: 0,
            kind,
            body,
        };
        let (op, attempt) = message.op_attempt();
        let detail = Detail::Send {
            msg: message.id,
            message: kind,
            value,
        };
        self.emit(from, to, op, attempt, detail);
        match fate {
            Fate::Lost | Fate::Partitioned => {
                let reason = if fate == Fate::Lost {
                    DropReason::Loss
                } else {
                    DropReason::Partition
                };
                // Shown where the message would have arrived, at its would-be arrival time.
                let at = self.now + lost_after(&self.valid.scenario().network);
                self.sinks.queue.push(at, Event::Lost(message, reason));
            }
            Fate::Delivered { delay, copy_delay } => {
                self.sinks
                    .queue
                    .push(self.now + delay, Event::Arrive(message));
                if let Some(copy_delay) = copy_delay {
                    let id = self.next_message_id();
                    let duplicate = Detail::Duplicate {
                        msg: id,
                        message: kind,
                        original: message.id,
                    };
                    let event = self.emit(from, to, op, attempt, duplicate);
                    if let Body::Request { op, attempt, .. } = message.body {
                        let fact = Fact::Duplicated { op, attempt, event };
                        self.sinks.oracle.observe(fact, self.now);
                    }
                    let copy = Message {
                        id,
                        copy: 1,
                        ..message
                    };
                    self.sinks
                        .queue
                        .push(self.now + copy_delay, Event::Arrive(copy));
                }
            }
        }
    }

    #[inline(always)]
    fn after(&mut self, delay: u64, event: Event) {
        self.sinks.queue.push(self.now + delay, event);
    }

    #[inline(always)]
    fn fact(&mut self, fact: Fact) {
        self.sinks.oracle.observe(fact, self.now);
    }

    #[inline(always)]
    fn cost(&mut self, cost: Cost) {
        let c = &mut self.sinks.costs;
        let counter = match cost {
            Cost::DbRoundTrip => &mut c.db_round_trips,
            Cost::Replay => &mut c.replays,
            Cost::Response409 => &mut c.responses_409,
            Cost::Response422 => &mut c.responses_422,
            Cost::Response5xx => &mut c.responses_5xx,
            Cost::ClientVisibleError => &mut c.client_visible_errors,
            Cost::ClientTimeout => &mut c.client_timeouts,
            Cost::ProviderCall => &mut c.provider_calls,
            Cost::EmailCall => &mut c.email_calls,
        };
        *counter += 1;
    }

    fn key_rows(&mut self, rows: u64) {
        let record = self.sinks.record_key_rows;
        let c = &mut self.sinks.costs;
        c.key_rows_peak = c.key_rows_peak.max(rows);
        c.key_rows_final = rows;
        if record {
            c.key_rows_series.push((self.now, rows));
        }
    }

    fn refund(&mut self, charge: u32, op: u32, exec: u32) {
        self.sinks.refunds.push(Refund::Charge { charge, op, exec });
    }

    fn refund_by_key(&mut self, key: u64, op: u32) {
        self.sinks.refunds.push(Refund::ByKey { key, op });
    }
}
