//! The world: every actor's state, the event queue and the run loop. `dispatch` hands a
//! queue event to the handler it concerns; `apply` carries out the effects the handler
//! wrote — trace events, messages (whose fate was decided when written), timers, facts
//! for the oracle and costs — in the order they were written. `finish` gathers the result.

use super::actors::balancer::{self, Balancer};
use super::actors::client::{self, Clients};
use super::actors::email::EmailService;
use super::actors::external;
use super::actors::network;
use super::actors::provider::PaymentProvider;
use super::actors::relay::{self, Relay};
use super::actors::replica::{self, Node, Replica};
use super::config::ValidScenario;
use super::effects::{Cost, Cx, Effect, Out};
use super::events::{Body, Event, Message};
use super::faults::{lost_after, Fate};
use super::oracle::{Fact, Oracle};
use super::queue::EventQueue;
use super::results::{Costs, RunResult};
use super::stores::db::Database;
use super::stores::keys::KeyStore;
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
    now: u64,
    queue: EventQueue<Event>,
    trace: Trace,
    ops: &'a [Operation],
    clients: Clients,
    balancer: Balancer,
    replicas: Vec<Replica>,
    db: Database,
    keys: KeyStore,
    provider: PaymentProvider,
    email: EmailService,
    relay: Relay,
    oracle: Oracle,
    next_msg: u32,
    next_exec: u32,
    costs: Costs,
    out: Out,
    stopped: bool,
}

impl<'a> World<'a> {
    fn new(valid: &'a ValidScenario, ops: &'a [Operation]) -> Self {
        let cfg = valid.scenario();
        World {
            valid,
            now: 0,
            queue: EventQueue::new(),
            trace: Trace::new(cfg.trace),
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
            oracle: Oracle::new(cfg, ops),
            next_msg: 0,
            next_exec: 0,
            costs: Costs::default(),
            out: Out::default(),
            stopped: false,
            ops,
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
            self.queue.push(delay, Event::ClientBegin { client });
        }
        while let Some((time, event)) = self.queue.pop() {
            if self.stopped {
                break;
            }
            self.now = time;
            self.dispatch(event);
        }
    }

    /// Hand `event` to its handler, then apply what the handler wrote.
    fn dispatch(&mut self, event: Event) {
        let mut out = std::mem::take(&mut self.out);
        out.begin(self.trace.count, self.valid.scenario().max_events);
        let cx = Cx {
            now: self.now,
            valid: self.valid,
            ops: self.ops,
        };
        let clients = &mut self.clients;
        match event {
            Event::ClientBegin { client } => client::on_begin(clients, &cx, client, &mut out),
            Event::ClientAttempt { op, attempt } => {
                client::on_attempt(clients, &cx, op, attempt, false, &mut out)
            }
            Event::ClientTimeout { op, attempt } => {
                client::on_timeout(clients, &cx, op, attempt, &mut out)
            }
            Event::Arrive(message) => self.arrive(&cx, message, &mut out),
            Event::Lost(message, reason) => network::on_lost(message, reason, &mut out),
            Event::Resume {
                replica,
                slot,
                exec,
            } => {
                let mut node = node(
                    &mut self.replicas,
                    &mut self.db,
                    &mut self.keys,
                    &mut self.next_exec,
                    replica,
                );
                replica::on_resume(&mut node, &cx, slot, exec, &mut out)
            }
            Event::ExternalTimeout {
                replica,
                slot,
                exec,
                kind,
                call,
            } => {
                let mut node = node(
                    &mut self.replicas,
                    &mut self.db,
                    &mut self.keys,
                    &mut self.next_exec,
                    replica,
                );
                replica::on_external_timeout(&mut node, &cx, slot, exec, kind, call, &mut out)
            }
            Event::Restart { replica } => {
                let mut node = node(
                    &mut self.replicas,
                    &mut self.db,
                    &mut self.keys,
                    &mut self.next_exec,
                    replica,
                );
                replica::on_restart(&mut node, &mut out)
            }
            Event::RelaySend { outbox, call } => {
                relay::on_send(&mut self.relay, &self.db, &cx, outbox, call, &mut out)
            }
            Event::RelayTimeout { outbox, call } => {
                relay::on_timeout(&mut self.relay, &self.db, &cx, outbox, call, &mut out)
            }
        }
        self.apply(&mut out);
        self.out = out;
    }

    /// A message arrives: the receiver's handler takes it.
    fn arrive(&mut self, cx: &Cx, message: Message, out: &mut Out) {
        match (message.to, message.body) {
            (Actor::Balancer, Body::Request { .. }) => {
                balancer::on_request(&mut self.balancer, &self.replicas, cx, message, out)
            }
            (Actor::Replica(r), Body::Request { .. }) => {
                let mut node = node(
                    &mut self.replicas,
                    &mut self.db,
                    &mut self.keys,
                    &mut self.next_exec,
                    r,
                );
                replica::on_request(&mut node, cx, message, out)
            }
            (Actor::Replica(r), Body::Reply { .. }) => {
                let mut node = node(
                    &mut self.replicas,
                    &mut self.db,
                    &mut self.keys,
                    &mut self.next_exec,
                    r,
                );
                replica::on_reply(&mut node, cx, message, out)
            }
            (Actor::Client(c), Body::Response { .. }) => {
                client::on_response(&mut self.clients, cx, c, message, out)
            }
            (Actor::Provider | Actor::Email, Body::Call { .. }) => external::on_call(
                &mut self.provider,
                &mut self.email,
                &self.replicas,
                cx,
                message,
                out,
            ),
            (Actor::Relay, Body::Reply { .. }) => relay::on_reply(&mut self.db, message, out),
            _ => {}
        }
    }

    /// Carry out a handler's effects, in order.
    fn apply(&mut self, out: &mut Out) {
        for effect in out.effects.drain(..) {
            match effect {
                Effect::Trace {
                    actor,
                    peer,
                    op,
                    attempt,
                    detail,
                } => {
                    self.emit(actor, peer, op, attempt, detail);
                }
                Effect::Send {
                    from,
                    to,
                    kind,
                    body,
                    value,
                    fate,
                } => {
                    let id = self.next_message_id();
                    let message = Message {
                        id,
                        from,
                        to,
                        copy: 0,
                        kind,
                        body,
                    };
                    self.transmit(message, value, fate);
                }
                Effect::After { delay, event } => self.queue.push(self.now + delay, event),
                Effect::Fact(fact) => self.oracle.observe(fact, self.now),
                Effect::Cost(cost) => self.count(cost),
                Effect::KeyRows(rows) => {
                    self.costs.key_rows_peak = self.costs.key_rows_peak.max(rows);
                    self.costs.key_rows_final = rows;
                    if self.valid.scenario().trace {
                        self.costs.key_rows_series.push((self.now, rows));
                    }
                }
                Effect::Refund { charge } => self.provider.refund(charge),
            }
        }
    }

    fn next_message_id(&mut self) -> u32 {
        let id = self.next_msg;
        self.next_msg += 1;
        id
    }

    /// Put a message on the network: record the send, then its arrival, its loss, or
    /// its arrival and a copy's.
    fn transmit(&mut self, message: Message, value: i64, fate: Fate) {
        let (op, attempt) = message.op_attempt();
        let (from, to, kind) = (message.from, message.to, message.kind);
        let send = Detail::Send {
            msg: message.id,
            message: kind,
            value,
        };
        self.emit(from, to, op, attempt, send);
        match fate {
            Fate::Lost | Fate::Partitioned => {
                let reason = if fate == Fate::Lost {
                    DropReason::Loss
                } else {
                    DropReason::Partition
                };
                // Shown where the message would have arrived, at its would-be arrival time.
                let at = self.now + lost_after(&self.valid.scenario().network);
                self.queue.push(at, Event::Lost(message, reason));
            }
            Fate::Delivered { delay, copy_delay } => {
                self.queue.push(self.now + delay, Event::Arrive(message));
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
                        self.oracle.observe(fact, self.now);
                    }
                    let copy = Message {
                        id,
                        copy: 1,
                        ..message
                    };
                    self.queue.push(self.now + copy_delay, Event::Arrive(copy));
                }
            }
        }
    }

    fn count(&mut self, cost: Cost) {
        let c = &mut self.costs;
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

    /// Record a trace event now; returns its id. The limit is exact: once reached,
    /// nothing more is recorded and the loop stops.
    #[inline]
    fn emit(&mut self, actor: Actor, peer: Actor, op: u32, attempt: u8, detail: Detail) -> u32 {
        if self.trace.count >= self.valid.scenario().max_events {
            self.stopped = true;
            return u32::MAX;
        }
        self.trace.emit(TraceEvent {
            time: self.now,
            detail,
            op,
            actor,
            peer,
            attempt,
        })
    }

    fn finish(mut self) -> RunResult {
        let mut anomalies = self.oracle.finalize();
        let recorded = self.trace.count.min(u32::MAX as u64) as u32;
        for a in &mut anomalies {
            a.events.retain(|&e| e < recorded);
        }
        let series = std::mem::take(&mut self.costs.key_rows_series);
        let step = series.len().div_ceil(300).max(1);
        self.costs.key_rows_series = series
            .iter()
            .step_by(step)
            .copied()
            .chain(series.last().copied())
            .collect();
        self.costs.key_rows_series.dedup();
        RunResult {
            trace_hash: self.trace.hash_hex(),
            events: self.trace.count,
            stopped_at_event_limit: self.stopped,
            virtual_time_us: self.now,
            charges: self.provider.charges.iter().filter(|c| !c.refunded).count() as u64,
            orders: self.db.orders.len() as u64,
            emails: self.email.sent.len() as u64,
            operations: Vec::new(),
            op_results: self.clients.results,
            attempts: self.clients.attempts,
            trace: self.trace.events,
            anomalies,
            costs: self.costs,
            scenario: self.valid.scenario().clone(),
        }
    }
}

/// The replica `index` with the stores its handlers may change.
fn node<'w>(
    replicas: &'w mut [Replica],
    db: &'w mut Database,
    keys: &'w mut KeyStore,
    next_exec: &'w mut u32,
    index: u8,
) -> Node<'w> {
    Node {
        index,
        replica: &mut replicas[index as usize],
        db,
        keys,
        next_exec,
    }
}
