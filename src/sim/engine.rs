//! The world and its event loop. Each queue event is handled by the actor it concerns;
//! everything an actor does is recorded in the trace and reported to the oracle.

use serde::{Deserialize, Serialize};

use super::balancer::Balancer;
use super::client::{
    backoff, generate_operations, idempotency_key, react, OpKind, Operation, Reaction,
};
use super::config::{CrashPoint, KeyStoreLocation, Scenario, UpsertMode, ValidScenario, Workload};
use super::db::{Database, Insert, OrderRow, RowRef};
use super::network::{fate, Fate, Link, MessageIdentity};
use super::oracle::{Anomaly, Fault, Oracle};
use super::protections::{decide, KeyDecision, KeyRecord, KeyState, StoredResponse};
use super::provider::{ChargeResult, EmailService, PaymentProvider};
use super::queue::EventQueue;
use super::rng::{mix64, KeyedDraw, Purpose};
use super::server::{plan, Execution, Replica, Step};
use super::trace::{
    write_flags, Actor, DropReason, EventKind, KeyCheckOutcome, MessageKind, Outcome, Table, Trace,
    TraceEvent, NO_OP,
};

/// Fixed hop from the load balancer to a replica (same data centre, never lost).
const BALANCER_HOP_US: u64 = 200;
/// Time for an in-memory key-store lookup.
const MEMORY_LOOKUP_US: u64 = 20;
/// The outbox relay's polling delay after a row is written.
const RELAY_DELAY_US: u64 = 20_000;
/// The relay retries a row this many times, then leaves it unsent.
const RELAY_MAX_CALLS: u8 = 30;
/// Read-backs a client makes after "already exists" before it gives up.
const MAX_READ_BACKS: u8 = 3;
/// Replica index used in call routes for the outbox relay.
const RELAY_ROUTE: u8 = u8::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CallKind {
    Charge,
    Email,
}

/// Where an external service's reply must go back to.
#[derive(Clone, Copy, Debug)]
struct Route {
    replica: u8,
    slot: u16,
    generation: u32,
    call: u8,
    exec: u32,
    outbox: u32,
}

#[derive(Clone, Copy, Debug)]
enum Body {
    Request {
        op: u32,
        attempt: u8,
        read_back: bool,
        if_match: u32,
    },
    Response {
        op: u32,
        attempt: u8,
        status: u16,
        replayed: bool,
        already_exists: bool,
        body_op: u32,
        version: u32,
        key_event: u32,
    },
    Call {
        route: Route,
        op: u32,
        key: Option<u64>,
        amount: i64,
    },
    Reply {
        kind: CallKind,
        route: Route,
        op: u32,
        id: u32,
    },
}

#[derive(Clone, Copy, Debug)]
struct Message {
    id: u32,
    from: Actor,
    to: Actor,
    copy: u8,
    kind: MessageKind,
    body: Body,
}

impl Message {
    fn op_attempt(&self) -> (u32, u8) {
        match self.body {
            Body::Request { op, attempt, .. } | Body::Response { op, attempt, .. } => (op, attempt),
            Body::Call { op, .. } => (op, 0),
            Body::Reply { op, .. } => (op, 0),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Event {
    ClientBegin {
        client: u16,
    },
    ClientAttempt {
        op: u32,
        attempt: u8,
    },
    ClientTimeout {
        op: u32,
        attempt: u8,
    },
    Arrive(Message),
    Lost(Message, DropReason),
    Resume {
        replica: u8,
        slot: u16,
        exec: u32,
    },
    ExternalTimeout {
        replica: u8,
        slot: u16,
        exec: u32,
        kind: CallKind,
        call: u8,
    },
    Restart {
        replica: u8,
    },
    RelaySend {
        outbox: u32,
        call: u8,
    },
    RelayTimeout {
        outbox: u32,
        call: u8,
    },
}

#[derive(Clone, Debug, Default)]
struct ClientState {
    ops: Vec<u32>,
    next: usize,
    current: Option<u32>,
    attempt: u8,
    answered: bool,
    read_back: bool,
    read_backs: u8,
    known_version: u32,
}

/// What the client saw of one logical operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpResult {
    pub start_us: u64,
    pub end_us: u64,
    pub outcome: Option<Outcome>,
    pub attempts: u8,
}

/// One attempt as sent: what a hover on its request shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptInfo {
    pub op: u32,
    pub attempt: u8,
    pub key: Option<u64>,
    pub fingerprint: u64,
    pub read_back: bool,
}

/// The price of the protections.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    pub db_round_trips: u64,
    pub key_rows_peak: u64,
    pub key_rows_final: u64,
    /// (time µs, rows) samples, at most a few hundred.
    pub key_rows_series: Vec<(u64, u64)>,
    pub responses_409: u64,
    pub responses_422: u64,
    pub responses_5xx: u64,
    /// Responses a client acted on with status ≥ 400 (or a reset), plus client timeouts.
    pub client_visible_errors: u64,
    pub client_timeouts: u64,
    pub replays: u64,
    pub provider_calls: u64,
    pub email_calls: u64,
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub scenario: Scenario,
    pub trace_hash: String,
    pub events: u64,
    pub stopped_at_event_limit: bool,
    pub virtual_time_us: u64,
    pub operations: Vec<Operation>,
    pub op_results: Vec<OpResult>,
    pub attempts: Vec<AttemptInfo>,
    pub trace: Vec<TraceEvent>,
    pub anomalies: Vec<Anomaly>,
    pub costs: Costs,
    pub charges: u64,
    pub orders: u64,
    pub emails: u64,
}

/// Run a validated scenario to completion (or to its event limit).
pub fn run(valid: &ValidScenario) -> RunResult {
    let mut world = World::new(valid.scenario().clone());
    world.run();
    world.finish()
}

/// The last write to a versioned row: (event, op, time).
type LastWrite = Option<(u32, u32, u64)>;

struct World {
    cfg: Scenario,
    seed: u64,
    now: u64,
    queue: EventQueue<Event>,
    trace: Trace,
    ops: Vec<Operation>,
    op_results: Vec<OpResult>,
    attempts: Vec<AttemptInfo>,
    clients: Vec<ClientState>,
    balancer: Balancer,
    replicas: Vec<Replica>,
    db: Database,
    provider: PaymentProvider,
    email: EmailService,
    oracle: Oracle,
    next_msg: u32,
    next_exec: u32,
    costs: Costs,
    inventory_last: LastWrite,
    account_last: Vec<LastWrite>,
    outbox_exec: Vec<u32>,
    relay_calls: Vec<u8>,
    stopped: bool,
}

impl World {
    fn new(cfg: Scenario) -> Self {
        let ops = generate_operations(&cfg);
        let mut clients = vec![ClientState::default(); cfg.clients as usize];
        for op in &ops {
            clients[op.client as usize].ops.push(op.index);
        }
        let oracle = Oracle::new(&cfg, &ops);
        World {
            seed: cfg.seed,
            now: 0,
            queue: EventQueue::new(),
            trace: Trace::new(cfg.trace),
            op_results: vec![OpResult::default(); ops.len()],
            attempts: Vec::new(),
            clients,
            balancer: Balancer::new(cfg.balancer, cfg.seed),
            replicas: (0..cfg.replicas).map(|_| Replica::new()).collect(),
            db: Database::new(
                cfg.world.stock,
                cfg.world.accounts,
                cfg.world.initial_balance,
                cfg.clients,
            ),
            provider: PaymentProvider::new(cfg.world.provider_honours_keys),
            email: EmailService::default(),
            oracle,
            next_msg: 0,
            next_exec: 0,
            costs: Costs::default(),
            inventory_last: None,
            account_last: vec![None; cfg.world.accounts as usize],
            outbox_exec: Vec::new(),
            relay_calls: Vec::new(),
            stopped: false,
            ops,
            cfg,
        }
    }

    fn run(&mut self) {
        for client in 0..self.cfg.clients as u16 {
            let stagger = KeyedDraw::new(self.seed, Purpose::Think, [client as u64, 1 << 40, 0, 0])
                .below(self.cfg.client.think_time_us + 1);
            self.queue.push(stagger, Event::ClientBegin { client });
        }
        while let Some((time, event)) = self.queue.pop() {
            if self.stopped {
                break;
            }
            self.now = time;
            self.handle(event);
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::ClientBegin { client } => self.client_begin(client),
            Event::ClientAttempt { op, attempt } => self.client_attempt(op, attempt, false),
            Event::ClientTimeout { op, attempt } => self.client_timeout(op, attempt),
            Event::Arrive(message) => self.arrive(message),
            Event::Lost(message, reason) => self.lost(message, reason),
            Event::Resume {
                replica,
                slot,
                exec,
            } => {
                let slots = &self.replicas[replica as usize].slots;
                if slots
                    .get(slot as usize)
                    .and_then(Option::as_ref)
                    .is_some_and(|x| x.id == exec)
                {
                    self.advance(replica, slot);
                }
            }
            Event::ExternalTimeout {
                replica,
                slot,
                exec,
                kind,
                call,
            } => self.external_timeout(replica, slot, exec, kind, call),
            Event::Restart { replica } => {
                self.replicas[replica as usize].up = true;
                self.emit(
                    EventKind::Restart,
                    Actor::Replica(replica),
                    Actor::Nobody,
                    NO_OP,
                    0,
                    0,
                    0,
                    0,
                );
            }
            Event::RelaySend { outbox, call } => self.relay_send(outbox, call),
            Event::RelayTimeout { outbox, call } => {
                let row = self.db.outbox[outbox as usize];
                if !row.sent && self.relay_calls[outbox as usize] == call && call < RELAY_MAX_CALLS
                {
                    self.emit(
                        EventKind::ExternalTimeout,
                        Actor::Relay,
                        Actor::Email,
                        row.op,
                        0,
                        outbox,
                        0,
                        call as i64,
                    );
                    self.relay_send(outbox, call + 1);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn emit(
        &mut self,
        kind: EventKind,
        actor: Actor,
        peer: Actor,
        op: u32,
        attempt: u8,
        msg: u32,
        detail: u32,
        value: i64,
    ) -> u32 {
        // The limit is exact: once reached, nothing more is recorded and the loop stops.
        if self.trace.count >= self.cfg.max_events {
            self.stopped = true;
            return u32::MAX;
        }
        self.trace.emit(TraceEvent {
            time: self.now,
            value,
            op,
            msg,
            detail,
            actor,
            peer,
            kind,
            attempt,
        })
    }

    // ---- network ------------------------------------------------------------------------

    /// Send a message; its fate is decided now from its identity.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        from: Actor,
        to: Actor,
        kind: MessageKind,
        link: Option<Link>,
        identity: MessageIdentity,
        body: Body,
        value: i64,
    ) {
        let id = self.next_msg;
        self.next_msg += 1;
        let message = Message {
            id,
            from,
            to,
            copy: 0,
            kind,
            body,
        };
        let (op, attempt) = message.op_attempt();
        self.emit(
            EventKind::Send,
            from,
            to,
            op,
            attempt,
            id,
            kind as u32,
            value,
        );
        let outcome = match link {
            Some(link) => fate(&self.cfg.network, self.seed, link, identity, self.now),
            None => Fate::Delivered {
                delay: BALANCER_HOP_US,
                copy_delay: None,
            },
        };
        match outcome {
            Fate::Lost | Fate::Partitioned => {
                let reason = if outcome == Fate::Lost {
                    DropReason::Loss
                } else {
                    DropReason::Partition
                };
                // Shown where the message would have arrived, at its would-be arrival time.
                let delay = self.cfg.network.delay_min_us + self.cfg.network.delay_mean_us;
                self.queue
                    .push(self.now + delay, Event::Lost(message, reason));
            }
            Fate::Delivered { delay, copy_delay } => {
                self.queue.push(self.now + delay, Event::Arrive(message));
                if let Some(copy_delay) = copy_delay {
                    let copy_id = self.next_msg;
                    self.next_msg += 1;
                    let event = self.emit(
                        EventKind::Duplicate,
                        from,
                        to,
                        op,
                        attempt,
                        copy_id,
                        kind as u32,
                        id as i64,
                    );
                    if let Body::Request { op, attempt, .. } = body {
                        self.oracle.duplicated(op, attempt, event);
                    }
                    let copy = Message {
                        id: copy_id,
                        copy: 1,
                        ..message
                    };
                    self.queue.push(self.now + copy_delay, Event::Arrive(copy));
                }
            }
        }
    }

    fn lost(&mut self, message: Message, reason: DropReason) {
        let (op, attempt) = message.op_attempt();
        let event = self.emit(
            EventKind::Drop,
            message.to,
            message.from,
            op,
            attempt,
            message.id,
            message.kind as u32 | (reason as u32) << 8,
            0,
        );
        let partition = reason == DropReason::Partition;
        match message.body {
            Body::Request { .. } => {
                let fault = if partition {
                    Fault::RequestPartitioned
                } else {
                    Fault::RequestLost
                };
                self.oracle.fault(op, attempt, fault, event, self.now);
            }
            Body::Response { .. } => {
                let fault = if partition {
                    Fault::ResponsePartitioned
                } else {
                    Fault::ResponseLost
                };
                self.oracle.fault(op, attempt, fault, event, self.now);
            }
            _ => {}
        }
    }

    fn arrive(&mut self, message: Message) {
        match (message.to, message.body) {
            (Actor::Balancer, Body::Request { .. }) => self.balancer_route(message),
            (Actor::Replica(r), Body::Request { .. }) => self.replica_receive(r, message),
            (Actor::Client(c), Body::Response { .. }) => self.client_receive(c, message),
            (Actor::Provider | Actor::Email, Body::Call { .. }) => self.external_service(message),
            (Actor::Relay, Body::Reply { route, .. }) => {
                let row = &mut self.db.outbox[route.outbox as usize];
                let op = row.op;
                let fresh = !row.sent;
                row.sent = true;
                self.receive(&message, EventKind::Deliver, 0, 0);
                if fresh {
                    self.emit(
                        EventKind::OutboxWrite,
                        Actor::Database,
                        Actor::Relay,
                        op,
                        0,
                        route.outbox,
                        2,
                        0,
                    );
                }
            }
            (Actor::Replica(r), Body::Reply { route, .. }) => self.replica_reply(r, message, route),
            _ => {}
        }
    }

    /// Record that `message` reached its receiver (delivered, or too late to matter).
    fn receive(
        &mut self,
        message: &Message,
        kind: EventKind,
        detail_flags: u32,
        value: i64,
    ) -> u32 {
        let (op, attempt) = message.op_attempt();
        self.emit(
            kind,
            message.to,
            message.from,
            op,
            attempt,
            message.id,
            message.kind as u32 | detail_flags,
            value,
        )
    }

    /// The payment provider or the email service handles a call and replies.
    fn external_service(&mut self, message: Message) {
        let Body::Call {
            route,
            op,
            key,
            amount,
        } = message.body
        else {
            return;
        };
        self.receive(&message, EventKind::Deliver, 0, 0);
        let (kind, effect, id, value) = if message.to == Actor::Provider {
            self.costs.provider_calls += 1;
            match self.provider.charge(op, amount, key, self.now) {
                ChargeResult::Charged(id) => (CallKind::Charge, EventKind::Charge, id, amount),
                ChargeResult::Deduplicated(id) => {
                    (CallKind::Charge, EventKind::ChargeDeduplicated, id, amount)
                }
            }
        } else {
            self.costs.email_calls += 1;
            match self.email.send(op, key, self.now) {
                (id, false) => (CallKind::Email, EventKind::EmailSent, id, 0),
                (id, true) => (CallKind::Email, EventKind::EmailDeduplicated, id, 0),
            }
        };
        let event = self.emit(effect, message.to, message.from, op, 0, id, 0, value);
        match effect {
            EventKind::Charge => self.oracle.charged(route.exec, op, event, self.now),
            EventKind::EmailSent => self.oracle.emailed(route.exec, op, event, self.now),
            _ => {}
        }
        let (reply_kind, link) = match kind {
            CallKind::Charge => (MessageKind::ChargeReply, Link::Provider),
            CallKind::Email => (MessageKind::EmailReply, Link::Email),
        };
        let identity = self.call_identity(route, op, kind, 1);
        let reply = Body::Reply {
            kind,
            route,
            op,
            id,
        };
        self.send(
            message.to,
            message.from,
            reply_kind,
            Some(link),
            identity,
            reply,
            0,
        );
    }

    fn call_identity(
        &self,
        route: Route,
        op: u32,
        kind: CallKind,
        direction: u64,
    ) -> MessageIdentity {
        let kind_code = match kind {
            CallKind::Charge => 2,
            CallKind::Email => 4,
        } + direction;
        if route.replica == RELAY_ROUTE {
            [route.outbox as u64, route.call as u64, kind_code, 1 << 32]
        } else {
            let exec = self.exec_identity(route);
            [op as u64, exec, (route.call as u64) << 4 | kind_code, 0]
        }
    }

    /// The request identity of an execution (attempt and copy), stable across runs.
    fn exec_identity(&self, route: Route) -> u64 {
        self.replicas
            .get(route.replica as usize)
            .and_then(|r| r.slots.get(route.slot as usize))
            .and_then(|s| s.as_ref())
            .map_or(route.exec as u64, |x| {
                (x.attempt as u64) << 8 | x.copy as u64
            })
    }

    // ---- load balancer ------------------------------------------------------------------

    fn balancer_route(&mut self, message: Message) {
        let Body::Request { op, attempt, .. } = message.body else {
            return;
        };
        let Actor::Client(client) = message.from else {
            return;
        };
        self.receive(&message, EventKind::Deliver, 0, 0);
        let replicas = &self.replicas;
        match self
            .balancer
            .pick(client, replicas.len(), |r| replicas[r].up)
        {
            Some(replica) => {
                let forward = Message {
                    from: Actor::Balancer,
                    to: Actor::Replica(replica),
                    kind: MessageKind::Forward,
                    ..message
                };
                self.emit(
                    EventKind::Send,
                    Actor::Balancer,
                    forward.to,
                    op,
                    attempt,
                    message.id,
                    MessageKind::Forward as u32,
                    message.copy as i64,
                );
                self.queue
                    .push(self.now + BALANCER_HOP_US, Event::Arrive(forward));
            }
            None => self.balancer_error(op, attempt, message.copy, message.from, 503),
        }
    }

    /// The balancer answers for a replica that is down or died mid-request.
    fn balancer_error(&mut self, op: u32, attempt: u8, copy: u8, client: Actor, status: u16) {
        let body = Body::Response {
            op,
            attempt,
            status,
            replayed: false,
            already_exists: false,
            body_op: op,
            version: 0,
            key_event: u32::MAX,
        };
        self.costs.responses_5xx += 1;
        let identity = [op as u64, (attempt as u64) << 2 | 1, copy as u64, 1];
        self.send(
            Actor::Balancer,
            client,
            MessageKind::Response,
            Some(Link::Response),
            identity,
            body,
            status as i64,
        );
    }

    // ---- replicas -------------------------------------------------------------------------

    fn replica_receive(&mut self, r: u8, message: Message) {
        let Body::Request {
            op,
            attempt,
            read_back,
            if_match,
        } = message.body
        else {
            return;
        };
        if !self.replicas[r as usize].up {
            let event = self.emit(
                EventKind::Drop,
                message.to,
                message.from,
                op,
                attempt,
                message.id,
                message.kind as u32 | (DropReason::ReplicaDown as u32) << 8,
                0,
            );
            self.oracle
                .fault(op, attempt, Fault::ReplicaDown, event, self.now);
            return;
        }
        self.receive(&message, EventKind::Deliver, 0, 0);
        let exec_id = self.oracle.execution_started(op, attempt, r, self.now);
        self.next_exec += 1;
        let execution = Execution {
            id: exec_id,
            op,
            attempt,
            copy: message.copy,
            read_back,
            plan: plan(&self.cfg, read_back),
            pc: 0,
            key: idempotency_key(self.cfg.client.key_policy, &self.ops[op as usize], attempt),
            holds_lock: false,
            key_done: !self.cfg.protections.idempotency_key.enabled,
            key_event: u32::MAX,
            read_value: 0,
            read_version: 0,
            read_event: 0,
            read_time: 0,
            cas_rounds: 0,
            call: 0,
            waiting: false,
            charge: None,
            status: 200,
            already_exists: false,
            body_op: op,
            version: if_match,
            replayed: false,
        };
        let slot = self.replicas[r as usize].admit(execution);
        self.advance(r, slot);
    }

    /// Run an execution's steps until one takes time, waits for a reply, or ends it.
    fn advance(&mut self, r: u8, slot: u16) {
        let Some(mut x) = self.replicas[r as usize]
            .slots
            .get_mut(slot as usize)
            .and_then(Option::take)
        else {
            return;
        };
        loop {
            let step = x.plan[x.pc];
            match self.step(r, slot, &mut x, step) {
                StepResult::Next(0) => x.pc += 1,
                StepResult::Next(cost) => {
                    x.pc += 1;
                    self.resume_after(r, slot, x.id, cost);
                    break;
                }
                StepResult::Goto(pc, cost) => {
                    x.pc = pc;
                    if cost == 0 {
                        continue;
                    }
                    self.resume_after(r, slot, x.id, cost);
                    break;
                }
                StepResult::Wait => break,
                StepResult::Finished => {
                    self.replicas[r as usize].release(slot);
                    return;
                }
                StepResult::Crashed => return,
            }
        }
        self.replicas[r as usize].slots[slot as usize] = Some(x);
    }

    fn resume_after(&mut self, r: u8, slot: u16, exec: u32, cost: u64) {
        self.queue.push(
            self.now + cost,
            Event::Resume {
                replica: r,
                slot,
                exec,
            },
        );
    }

    fn respond_pc(x: &Execution) -> usize {
        x.plan.len() - 1
    }

    fn db_cost(&mut self) -> u64 {
        self.costs.db_round_trips += 1;
        self.db.round_trips += 1;
        self.cfg.server.db_rtt_us
    }

    fn key_store_cost(&mut self) -> u64 {
        match self.cfg.protections.idempotency_key.store {
            KeyStoreLocation::Memory => MEMORY_LOOKUP_US,
            KeyStoreLocation::Database => self.db_cost(),
        }
    }

    fn step(&mut self, r: u8, slot: u16, x: &mut Execution, step: Step) -> StepResult {
        match step {
            Step::KeyCheck => self.step_key_check(r, x),
            Step::Crash(point) => self.step_crash(r, x, point),
            Step::ReadRow => {
                let row = self.row_of(x.op);
                let current = *self.db.row(row);
                x.read_value = current.value;
                x.read_version = current.version;
                x.read_time = self.now;
                x.read_event = self.emit(
                    EventKind::DbRead,
                    Actor::Database,
                    Actor::Replica(r),
                    x.op,
                    x.attempt,
                    current.version as u32,
                    table_of(row) as u32,
                    current.value,
                );
                let cost = self.db_cost();
                if let OpKind::Checkout { quantity, .. } = self.ops[x.op as usize].kind {
                    if current.value < quantity as i64 {
                        x.status = 410;
                        return StepResult::Goto(Self::respond_pc(x), cost);
                    }
                }
                StepResult::Next(cost)
            }
            Step::Compute => {
                let server = &self.cfg.server;
                let identity = [x.op as u64, (x.attempt as u64) << 8 | x.copy as u64, 0, 0];
                let mut cost = server.processing_min_us
                    + KeyedDraw::new(self.seed, Purpose::Processing, identity)
                        .exponential(server.processing_mean_us);
                if KeyedDraw::new(self.seed, Purpose::Slow, identity)
                    .chance(server.slow_probability)
                {
                    cost += server.slow_us;
                }
                self.emit(
                    EventKind::Step,
                    Actor::Replica(r),
                    Actor::Nobody,
                    x.op,
                    x.attempt,
                    0,
                    Step::Compute.code(),
                    cost as i64,
                );
                StepResult::Next(cost)
            }
            Step::ChargeCard => {
                x.call = 1;
                self.external_call(r, slot, x, CallKind::Charge);
                StepResult::Wait
            }
            Step::Commit => self.step_commit(r, x),
            Step::KeySave => {
                if x.key_done || x.key.is_none() {
                    return StepResult::Next(0);
                }
                let cost = self.key_store_cost();
                self.save_key_completed(r, x);
                StepResult::Next(cost)
            }
            Step::SendEmail => {
                if self.cfg.protections.outbox || x.status != 200 || x.already_exists {
                    return StepResult::Next(0);
                }
                x.call = 1;
                self.external_call(r, slot, x, CallKind::Email);
                StepResult::Wait
            }
            Step::ReadBack => {
                let found = self.db.find_order(x.op).is_some();
                self.emit(
                    EventKind::DbRead,
                    Actor::Database,
                    Actor::Replica(r),
                    x.op,
                    x.attempt,
                    0,
                    Table::Orders as u32,
                    found as i64,
                );
                x.status = if found { 200 } else { 404 };
                StepResult::Next(self.db_cost())
            }
            Step::Respond => {
                self.respond(r, x);
                StepResult::Finished
            }
        }
    }

    fn key_table(&mut self, r: u8) -> &mut super::protections::KeyTable {
        match self.cfg.protections.idempotency_key.store {
            KeyStoreLocation::Memory => &mut self.replicas[r as usize].memory_keys,
            KeyStoreLocation::Database => &mut self.db.idempotency_keys,
        }
    }

    fn step_key_check(&mut self, r: u8, x: &mut Execution) -> StepResult {
        let config = self.cfg.protections.idempotency_key.clone();
        if !config.enabled {
            return StepResult::Next(0);
        }
        let op = &self.ops[x.op as usize];
        let (client, fingerprint) = (op.client, op.fingerprint);
        let now = self.now;
        let record = x
            .key
            .and_then(|k| self.key_table(r).get(&(client, k)).copied());
        let decision = decide(&config, x.key, record.as_ref(), fingerprint, now);
        let outcome = match decision {
            KeyDecision::Run(o) => o,
            KeyDecision::Replay(_) => KeyCheckOutcome::Replay,
            KeyDecision::Reject { outcome, .. } => outcome,
        };
        let cost = self.key_store_cost();
        x.key_event = self.emit(
            EventKind::KeyCheck,
            Actor::KeyStore,
            Actor::Replica(r),
            x.op,
            x.attempt,
            0,
            outcome as u32,
            x.key.unwrap_or(0) as i64,
        );
        self.oracle.key_checked(x.id, outcome, x.key_event, now);
        match decision {
            KeyDecision::Run(_) => {
                if config.in_flight_lock && x.key.is_some() {
                    self.store_key_record(r, x, KeyState::InProgress { locked_at: now });
                    x.holds_lock = true;
                }
                StepResult::Next(cost)
            }
            KeyDecision::Replay(stored) => {
                x.key_done = true;
                x.status = stored.status;
                x.body_op = stored.body_op;
                x.version = stored.version as u32;
                x.replayed = true;
                self.costs.replays += 1;
                StepResult::Goto(Self::respond_pc(x), cost)
            }
            KeyDecision::Reject { status, .. } => {
                x.key_done = true;
                x.status = status;
                StepResult::Goto(Self::respond_pc(x), cost)
            }
        }
    }

    fn step_crash(&mut self, r: u8, x: &mut Execution, point: CrashPoint) -> StepResult {
        let p = self.cfg.server.crash.probability(point);
        let identity = [
            x.op as u64,
            (x.attempt as u64) << 8 | x.copy as u64,
            point as u64,
            0,
        ];
        if !KeyedDraw::new(self.seed, Purpose::Crash, identity).chance(p) {
            return StepResult::Next(0);
        }
        let point_index = CrashPoint::ALL
            .iter()
            .position(|&c| c == point)
            .unwrap_or(0) as u32;
        let event = self.emit(
            EventKind::Crash,
            Actor::Replica(r),
            Actor::Nobody,
            x.op,
            x.attempt,
            0,
            point_index,
            0,
        );
        let mut lost: Vec<Execution> = self.replicas[r as usize].crash();
        lost.push(x.clone());
        let ids: Vec<u32> = lost.iter().map(|e| e.id).collect();
        self.oracle.crashed(r, point, &ids, event, self.now);
        self.key_rows_changed();
        for e in &lost {
            let client = Actor::Client(self.ops[e.op as usize].client);
            self.balancer_error(e.op, e.attempt, e.copy, client, 502);
        }
        self.queue.push(
            self.now + self.cfg.server.crash.downtime_us,
            Event::Restart { replica: r },
        );
        StepResult::Crashed
    }

    fn row_of(&self, op: u32) -> RowRef {
        let operation = &self.ops[op as usize];
        match operation.kind {
            OpKind::Checkout { .. } | OpKind::Payment { .. } => RowRef::Inventory,
            OpKind::Deposit { account, .. } | OpKind::Withdraw { account, .. } => {
                RowRef::Account(account)
            }
            OpKind::ProfilePut { .. } | OpKind::ProfileDelete => RowRef::Profile(operation.client),
        }
    }

    fn step_commit(&mut self, r: u8, x: &mut Execution) -> StepResult {
        let cost = self.db_cost();
        if self.lost_its_lock(r, x) {
            // Fenced: another attempt took the key over after our lock timed out; it will
            // answer. Committing now would apply the operation twice.
            x.holds_lock = false;
            x.key_done = true;
            x.status = 409;
            let key = x.key.unwrap_or(0) as i64;
            self.emit(
                EventKind::KeyCheck,
                Actor::KeyStore,
                Actor::Replica(r),
                x.op,
                x.attempt,
                0,
                KeyCheckOutcome::InProgress as u32,
                key,
            );
            return StepResult::Goto(Self::respond_pc(x), cost);
        }
        let protections = self.cfg.protections.clone();
        let operation = self.ops[x.op as usize].clone();
        let row = self.row_of(x.op);
        let replica = Actor::Replica(r);
        // Conditional writes: a version conflict aborts the transaction; re-read and retry.
        let versioned_read = matches!(self.cfg.workload, Workload::Checkout)
            || (self.cfg.workload == Workload::Wallet
                && self.cfg.world.wallet_write == super::config::WalletWrite::Set);
        if protections.cas && versioned_read && self.db.row(row).version != x.read_version {
            self.emit(
                EventKind::CasConflict,
                Actor::Database,
                replica,
                x.op,
                x.attempt,
                self.db.row(row).version as u32,
                table_of(row) as u32,
                0,
            );
            if x.cas_rounds < protections.cas_retries {
                x.cas_rounds += 1;
                let read_pc = x.plan.iter().position(|s| *s == Step::ReadRow).unwrap_or(0);
                return StepResult::Goto(read_pc, cost);
            }
            x.status = 409;
            if let Some(charge) = x.charge.take() {
                self.refund(x, charge);
            }
            return StepResult::Goto(Self::respond_pc(x), cost);
        }
        match operation.kind {
            OpKind::Payment { amount } | OpKind::Checkout { amount, .. } => {
                let quantity = match operation.kind {
                    OpKind::Checkout { quantity, .. } => quantity,
                    _ => 0,
                };
                let order = OrderRow {
                    id: 0,
                    op: x.op,
                    amount,
                    quantity,
                    created_at: self.now,
                };
                let table = if quantity == 0 {
                    Table::Payments
                } else {
                    Table::Orders
                };
                let inserted = self.db.insert_order(
                    order,
                    protections.upsert,
                    protections.upsert_mode == UpsertMode::DoUpdate,
                );
                match inserted {
                    Insert::Exists(id) => {
                        x.already_exists = true;
                        self.emit(
                            EventKind::DbWrite,
                            Actor::Database,
                            replica,
                            x.op,
                            x.attempt,
                            id,
                            table as u32 | write_flags::CONFLICT,
                            amount,
                        );
                        if let Some(charge) = x.charge.take() {
                            // The order exists: this attempt's charge is a duplicate; give it back.
                            self.refund(x, charge);
                        }
                    }
                    Insert::Inserted(id) => {
                        let event = self.emit(
                            EventKind::DbWrite,
                            Actor::Database,
                            replica,
                            x.op,
                            x.attempt,
                            id,
                            table as u32,
                            amount,
                        );
                        if quantity > 0 {
                            self.oracle
                                .order_inserted(x.id, x.op, quantity, event, self.now);
                            self.write_stock(r, x, quantity);
                            if protections.outbox {
                                let outbox = self.db.add_outbox(x.op);
                                self.outbox_exec.push(x.id);
                                self.relay_calls.push(0);
                                self.emit(
                                    EventKind::OutboxWrite,
                                    Actor::Database,
                                    replica,
                                    x.op,
                                    x.attempt,
                                    outbox,
                                    1,
                                    0,
                                );
                                self.queue.push(
                                    self.now + RELAY_DELAY_US,
                                    Event::RelaySend { outbox, call: 1 },
                                );
                            }
                        }
                    }
                }
            }
            OpKind::Deposit { .. } | OpKind::Withdraw { .. } => {
                let delta = operation.kind.balance_delta();
                let current = *self.db.row(row);
                let new_value = if versioned_read {
                    x.read_value + delta
                } else {
                    current.value + delta
                };
                let overwrote = versioned_read && current.version != x.read_version;
                let target = self.db.row_mut(row);
                target.value = new_value;
                target.version += 1;
                target.last_writer = x.op;
                let flags = if overwrote {
                    write_flags::OVERWROTE_CONCURRENT
                } else {
                    0
                };
                let RowRef::Account(account) = row else {
                    unreachable!("wallet ops write accounts")
                };
                let event = self.emit(
                    EventKind::DbWrite,
                    Actor::Database,
                    replica,
                    x.op,
                    x.attempt,
                    account,
                    Table::Accounts as u32 | flags,
                    new_value,
                );
                if overwrote {
                    if let Some((lost_event, lost_op, lost_time)) =
                        self.account_last[account as usize]
                    {
                        self.oracle.overwrote_concurrent(
                            x.op,
                            x.read_event,
                            x.read_time,
                            lost_op,
                            lost_event,
                            lost_time,
                            event,
                            self.now,
                        );
                    }
                }
                self.account_last[account as usize] = Some((event, x.op, self.now));
                self.oracle.applied(x.id, x.op, event, self.now);
            }
            OpKind::ProfilePut { .. } | OpKind::ProfileDelete => {
                let delete = operation.kind == OpKind::ProfileDelete;
                let value = operation.kind.amount();
                let current = *self.db.row(row);
                if protections.cas && current.version as u32 != x.version {
                    self.emit(
                        EventKind::CasConflict,
                        Actor::Database,
                        replica,
                        x.op,
                        x.attempt,
                        current.version as u32,
                        Table::Profiles as u32,
                        0,
                    );
                    // Already applied by an earlier attempt of this operation: success, idempotently.
                    x.status = if current.last_writer == x.op {
                        200
                    } else {
                        412
                    };
                    x.version = current.version as u32;
                } else {
                    let stale_over = (current.last_writer != NO_OP && current.last_writer > x.op)
                        .then_some(current.last_writer);
                    let target = self.db.row_mut(row);
                    target.value = value;
                    target.deleted = delete;
                    target.version += 1;
                    target.last_writer = x.op;
                    x.version = target.version as u32;
                    let flags = if delete { write_flags::DELETE } else { 0 }
                        | if stale_over.is_some() {
                            write_flags::OVERWROTE_CONCURRENT
                        } else {
                            0
                        };
                    let event = self.emit(
                        EventKind::DbWrite,
                        Actor::Database,
                        replica,
                        x.op,
                        x.attempt,
                        operation.client as u32,
                        Table::Profiles as u32 | flags,
                        value,
                    );
                    if let Some(newer) = stale_over {
                        self.oracle.stale_overwrite(x.op, newer, event, self.now);
                    }
                    self.oracle.applied(x.id, x.op, event, self.now);
                }
            }
        }
        if protections.idempotency_key.atomic && !x.key_done && x.key.is_some() {
            self.save_key_completed(r, x);
        }
        StepResult::Next(cost)
    }

    /// With an atomic key save, the commit checks in the same transaction that this
    /// execution still owns its in-progress key record.
    fn lost_its_lock(&mut self, r: u8, x: &Execution) -> bool {
        let (Some(key), true) = (
            x.key,
            x.holds_lock && self.cfg.protections.idempotency_key.atomic,
        ) else {
            return false;
        };
        let client = self.ops[x.op as usize].client;
        let owner = x.id;
        !self.key_table(r).get(&(client, key)).is_some_and(|rec| {
            rec.owner == owner && matches!(rec.state, KeyState::InProgress { .. })
        })
    }

    fn write_stock(&mut self, r: u8, x: &mut Execution, quantity: u32) {
        let current = self.db.inventory;
        let overwrote = current.version != x.read_version;
        let new_value = x.read_value - quantity as i64;
        self.db.inventory.value = new_value;
        self.db.inventory.version += 1;
        self.db.inventory.last_writer = x.op;
        let flags = if overwrote {
            write_flags::OVERWROTE_CONCURRENT
        } else {
            0
        };
        let event = self.emit(
            EventKind::DbWrite,
            Actor::Database,
            Actor::Replica(r),
            x.op,
            x.attempt,
            0,
            Table::Inventory as u32 | flags,
            new_value,
        );
        let other = if overwrote {
            self.inventory_last.map(|(e, op, t)| (op, e, t))
        } else {
            None
        };
        self.oracle.stock_written(
            x.op,
            x.read_event,
            x.read_time,
            x.read_value,
            other,
            event,
            self.now,
        );
        self.inventory_last = Some((event, x.op, self.now));
    }

    fn refund(&mut self, x: &Execution, charge: u32) {
        self.provider.refund(charge);
        self.oracle.refunded(x.op, x.id);
        self.emit(
            EventKind::Refund,
            Actor::Provider,
            Actor::Nobody,
            x.op,
            x.attempt,
            charge,
            0,
            0,
        );
    }

    fn save_key_completed(&mut self, r: u8, x: &mut Execution) {
        let response = StoredResponse {
            status: x.status,
            body_op: x.op,
            version: x.version as u64,
        };
        self.store_key_record(r, x, KeyState::Completed { response });
        x.key_done = true;
        x.holds_lock = false;
        self.oracle.key_saved(x.id, self.now);
    }

    /// Write this execution's key record (in progress or completed) to the key store.
    fn store_key_record(&mut self, r: u8, x: &Execution, state: KeyState) {
        let Some(key) = x.key else { return };
        let op = &self.ops[x.op as usize];
        let client = op.client;
        let record = KeyRecord {
            client,
            key,
            fingerprint: op.fingerprint,
            state,
            created_at: self.now,
            expires_at: self.now + self.cfg.protections.idempotency_key.ttl_us,
            op: x.op,
            attempt: x.attempt,
            owner: x.id,
        };
        self.key_table(r).insert((client, key), record);
        let code = match state {
            KeyState::InProgress { .. } => 1,
            KeyState::Completed { .. } => 2,
        };
        self.emit(
            EventKind::KeySave,
            Actor::KeyStore,
            Actor::Replica(r),
            x.op,
            x.attempt,
            0,
            code,
            key as i64,
        );
        self.key_rows_changed();
    }

    fn respond(&mut self, r: u8, x: &mut Execution) {
        // Settle the key record for answers decided outside the normal path (errors, sold out).
        if !x.key_done && x.key.is_some() {
            let is_error = x.status >= 500 || x.status == 409;
            if is_error && !self.cfg.protections.idempotency_key.store_errors {
                if x.holds_lock {
                    let client = self.ops[x.op as usize].client;
                    let key = x.key.unwrap_or(0);
                    self.key_table(r).remove(&(client, key));
                    self.emit(
                        EventKind::KeyRelease,
                        Actor::KeyStore,
                        Actor::Replica(r),
                        x.op,
                        x.attempt,
                        0,
                        0,
                        key as i64,
                    );
                    self.key_rows_changed();
                }
            } else {
                self.save_key_completed(r, x);
            }
        }
        match x.status {
            409 => self.costs.responses_409 += 1,
            422 => self.costs.responses_422 += 1,
            500..=599 => self.costs.responses_5xx += 1,
            _ => {}
        }
        let client = Actor::Client(self.ops[x.op as usize].client);
        let body = Body::Response {
            op: x.op,
            attempt: x.attempt,
            status: x.status,
            replayed: x.replayed,
            already_exists: x.already_exists,
            body_op: x.body_op,
            version: x.version,
            key_event: x.key_event,
        };
        let identity = [
            x.op as u64,
            (x.attempt as u64) << 2 | (x.read_back as u64) << 1 | 1,
            x.copy as u64,
            0,
        ];
        self.oracle.execution_ended(x.id, self.now);
        self.send(
            Actor::Replica(r),
            client,
            MessageKind::Response,
            Some(Link::Response),
            identity,
            body,
            x.status as i64,
        );
    }

    fn external_call(&mut self, r: u8, slot: u16, x: &mut Execution, kind: CallKind) {
        x.waiting = true;
        let generation = self.replicas[r as usize].generation;
        let route = Route {
            replica: r,
            slot,
            generation,
            call: x.call,
            exec: x.id,
            outbox: 0,
        };
        let salt = match kind {
            CallKind::Charge => 0xC4A6,
            CallKind::Email => 0xE7A1,
        };
        // A derived key: from the client's key if it sent one, else from this execution.
        let key = self.cfg.protections.key_propagation.then(|| match x.key {
            Some(k) => mix64(k ^ salt ^ (self.ops[x.op as usize].client as u64) << 48),
            None => mix64((x.id as u64) << 20 ^ salt),
        });
        let amount = self.ops[x.op as usize].kind.amount();
        let identity = [
            x.op as u64,
            (x.attempt as u64) << 8 | x.copy as u64,
            (x.call as u64) << 4 | if kind == CallKind::Charge { 2 } else { 4 },
            0,
        ];
        let (to, link, message_kind) = match kind {
            CallKind::Charge => (Actor::Provider, Link::Provider, MessageKind::ChargeCall),
            CallKind::Email => (Actor::Email, Link::Email, MessageKind::EmailCall),
        };
        let body = Body::Call {
            route,
            op: x.op,
            key,
            amount,
        };
        self.send(
            Actor::Replica(r),
            to,
            message_kind,
            Some(link),
            identity,
            body,
            amount,
        );
        self.queue.push(
            self.now + self.cfg.server.external_timeout_us,
            Event::ExternalTimeout {
                replica: r,
                slot,
                exec: x.id,
                kind,
                call: x.call,
            },
        );
    }

    fn replica_reply(&mut self, r: u8, message: Message, route: Route) {
        let Body::Reply { id, kind, .. } = message.body else {
            return;
        };
        let replica = &mut self.replicas[r as usize];
        let live = replica.up
            && replica.generation == route.generation
            && replica
                .slots
                .get(route.slot as usize)
                .and_then(|s| s.as_ref())
                .is_some_and(|x| {
                    x.id == route.exec
                        && x.waiting
                        && x.call == route.call
                        && pending_call(x) == kind
                });
        if !live {
            self.receive(&message, EventKind::LateResponse, 0, 0);
            return;
        }
        self.receive(&message, EventKind::Deliver, 0, 0);
        if let Some(x) = self.replicas[r as usize].slots[route.slot as usize].as_mut() {
            x.waiting = false;
            if kind == CallKind::Charge {
                x.charge = Some(id);
            }
            x.pc += 1;
        }
        self.advance(r, route.slot);
    }

    fn external_timeout(&mut self, r: u8, slot: u16, exec: u32, kind: CallKind, call: u8) {
        let replica = &self.replicas[r as usize];
        let Some(x) = replica.slots.get(slot as usize).and_then(|s| s.as_ref()) else {
            return;
        };
        // Slots are reused and one execution makes several calls: the timer belongs to the
        // call in flight only if execution, call kind and call number all match.
        if x.id != exec || !x.waiting || x.call != call || pending_call(x) != kind {
            return;
        }
        let (op, attempt, exec) = (x.op, x.attempt, x.id);
        let peer = if kind == CallKind::Charge {
            Actor::Provider
        } else {
            Actor::Email
        };
        let event = self.emit(
            EventKind::ExternalTimeout,
            Actor::Replica(r),
            peer,
            op,
            attempt,
            0,
            call as u32,
            0,
        );
        let Some(mut x) = self.replicas[r as usize].slots[slot as usize].take() else {
            return;
        };
        if call < self.cfg.server.external_attempts as u8 {
            self.oracle.external_call_retried(exec, event, self.now);
            x.call += 1;
            self.external_call(r, slot, &mut x, kind);
            self.replicas[r as usize].slots[slot as usize] = Some(x);
        } else {
            x.waiting = false;
            if kind == CallKind::Charge {
                x.status = 502;
                x.pc = Self::respond_pc(&x);
            } else {
                // The order stands; the email is lost. Carry on to respond.
                x.pc += 1;
            }
            self.replicas[r as usize].slots[slot as usize] = Some(x);
            self.advance(r, slot);
        }
    }

    // ---- outbox relay ---------------------------------------------------------------------

    fn relay_send(&mut self, outbox: u32, call: u8) {
        let row = self.db.outbox[outbox as usize];
        if row.sent {
            return;
        }
        self.relay_calls[outbox as usize] = call;
        let route = Route {
            replica: RELAY_ROUTE,
            slot: 0,
            generation: 0,
            call,
            exec: self.outbox_exec[outbox as usize],
            outbox,
        };
        // The receiver deduplicates by outbox id.
        let key = Some(mix64(outbox as u64 ^ 0x0B0C_0000_0000));
        let identity = self.call_identity(route, row.op, CallKind::Email, 0);
        let body = Body::Call {
            route,
            op: row.op,
            key,
            amount: 0,
        };
        self.send(
            Actor::Relay,
            Actor::Email,
            MessageKind::EmailCall,
            Some(Link::Email),
            identity,
            body,
            0,
        );
        self.queue.push(
            self.now + self.cfg.server.external_timeout_us,
            Event::RelayTimeout { outbox, call },
        );
    }

    // ---- clients --------------------------------------------------------------------------

    fn client_begin(&mut self, client: u16) {
        let state = &mut self.clients[client as usize];
        let Some(&op) = state.ops.get(state.next) else {
            return;
        };
        state.next += 1;
        state.current = Some(op);
        state.read_backs = 0;
        self.op_results[op as usize].start_us = self.now;
        let kind = self.ops[op as usize].kind;
        self.emit(
            EventKind::OpStart,
            Actor::Client(client),
            Actor::Nobody,
            op,
            0,
            0,
            0,
            kind.amount(),
        );
        self.client_attempt(op, 1, false);
    }

    fn client_attempt(&mut self, op: u32, attempt: u8, read_back: bool) {
        let operation = &self.ops[op as usize];
        let client = operation.client;
        let key = idempotency_key(self.cfg.client.key_policy, operation, attempt);
        let fingerprint = operation.fingerprint;
        let state = &mut self.clients[client as usize];
        state.attempt = attempt;
        state.answered = false;
        state.read_back = read_back;
        let if_match = state.known_version;
        self.op_results[op as usize].attempts = attempt;
        if self.cfg.trace {
            self.attempts.push(AttemptInfo {
                op,
                attempt,
                key,
                fingerprint,
                read_back,
            });
        }
        let kind = if read_back {
            MessageKind::ReadBack
        } else {
            MessageKind::Request
        };
        let identity = [
            op as u64,
            (attempt as u64) << 2 | (read_back as u64) << 1,
            0,
            0,
        ];
        let body = Body::Request {
            op,
            attempt,
            read_back,
            if_match,
        };
        let event_id = self.trace.count as u32;
        self.send(
            Actor::Client(client),
            Actor::Balancer,
            kind,
            Some(Link::Request),
            identity,
            body,
            0,
        );
        self.oracle
            .attempt_sent(op, attempt, key, event_id, self.now);
        self.queue.push(
            self.now + self.cfg.client.timeout_us,
            Event::ClientTimeout { op, attempt },
        );
    }

    fn is_waiting(&self, op: u32, attempt: u8) -> bool {
        let state = &self.clients[self.ops[op as usize].client as usize];
        state.current == Some(op) && state.attempt == attempt && !state.answered
    }

    fn client_timeout(&mut self, op: u32, attempt: u8) {
        if !self.is_waiting(op, attempt) {
            return;
        }
        let client = self.ops[op as usize].client;
        self.clients[client as usize].answered = true;
        self.costs.client_timeouts += 1;
        self.costs.client_visible_errors += 1;
        let event = self.emit(
            EventKind::Timeout,
            Actor::Client(client),
            Actor::Nobody,
            op,
            attempt,
            0,
            0,
            0,
        );
        self.oracle
            .fault(op, attempt, Fault::Timeout, event, self.now);
        self.retry_or_end(op, attempt, Outcome::Unknown);
    }

    fn client_receive(&mut self, client: u16, message: Message) {
        let Body::Response {
            op,
            attempt,
            status,
            already_exists,
            body_op,
            version,
            key_event,
            replayed,
        } = message.body
        else {
            return;
        };
        if !self.is_waiting(op, attempt) {
            self.receive(&message, EventKind::LateResponse, 0, status as i64);
            return;
        }
        let event = self.receive(
            &message,
            EventKind::Deliver,
            (replayed as u32) << 8,
            status as i64,
        );
        let state = &mut self.clients[client as usize];
        state.answered = true;
        let read_back = state.read_back;
        if !(200..300).contains(&status) {
            self.costs.client_visible_errors += 1;
        }
        if (200..300).contains(&status) && body_op != op {
            self.oracle
                .wrong_replay(op, body_op, key_event, event, self.now);
        }
        if read_back {
            match status {
                200 => return self.end_op(op, Outcome::Succeeded),
                404 => return self.retry_or_end(op, attempt, Outcome::Failed),
                _ => {}
            }
        }
        match react(status, already_exists) {
            Reaction::Succeed => {
                if matches!(
                    self.ops[op as usize].kind,
                    OpKind::ProfilePut { .. } | OpKind::ProfileDelete
                ) {
                    self.clients[client as usize].known_version = version;
                }
                self.end_op(op, Outcome::Succeeded)
            }
            Reaction::ReadBack => {
                let state = &mut self.clients[client as usize];
                if state.read_backs < MAX_READ_BACKS && attempt < u8::MAX {
                    state.read_backs += 1;
                    self.client_attempt(op, attempt + 1, true);
                } else {
                    self.end_op(op, Outcome::Unknown);
                }
            }
            Reaction::Retry { give_up_as_failed } => {
                self.oracle
                    .fault(op, attempt, Fault::Status(status), event, self.now);
                let outcome = if give_up_as_failed {
                    Outcome::Failed
                } else {
                    Outcome::Unknown
                };
                self.retry_or_end(op, attempt, outcome)
            }
            Reaction::Fail => self.end_op(op, Outcome::Failed),
        }
    }

    fn retry_or_end(&mut self, op: u32, attempt: u8, give_up: Outcome) {
        if (attempt as u32) < self.cfg.client.max_attempts {
            let wait = backoff(&self.cfg.client, self.seed, op, attempt + 1);
            let client = self.ops[op as usize].client;
            self.emit(
                EventKind::Retry,
                Actor::Client(client),
                Actor::Nobody,
                op,
                attempt + 1,
                0,
                0,
                wait as i64,
            );
            self.queue.push(
                self.now + wait,
                Event::ClientAttempt {
                    op,
                    attempt: attempt + 1,
                },
            );
        } else {
            self.end_op(op, give_up);
        }
    }

    fn end_op(&mut self, op: u32, outcome: Outcome) {
        let client = self.ops[op as usize].client;
        let result = &mut self.op_results[op as usize];
        result.end_us = self.now;
        result.outcome = Some(outcome);
        let latency = self.now - result.start_us;
        let attempts = result.attempts;
        let code = match outcome {
            Outcome::Succeeded => 1,
            Outcome::Failed => 2,
            Outcome::Unknown => 3,
        };
        let event = self.emit(
            EventKind::OpEnd,
            Actor::Client(client),
            Actor::Nobody,
            op,
            attempts,
            0,
            code,
            latency as i64,
        );
        self.oracle.op_ended(op, outcome, event, self.now);
        self.clients[client as usize].current = None;
        let think = KeyedDraw::new(self.seed, Purpose::Think, [op as u64, 0, 0, 0])
            .exponential(self.cfg.client.think_time_us);
        self.queue
            .push(self.now + think, Event::ClientBegin { client });
    }

    // ---- bookkeeping ----------------------------------------------------------------------

    fn key_rows_changed(&mut self) {
        let rows = (self.db.idempotency_keys.len()
            + self
                .replicas
                .iter()
                .map(|r| r.memory_keys.len())
                .sum::<usize>()) as u64;
        self.costs.key_rows_peak = self.costs.key_rows_peak.max(rows);
        self.costs.key_rows_final = rows;
        if self.cfg.trace {
            self.costs.key_rows_series.push((self.now, rows));
        }
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
            operations: self.ops,
            op_results: self.op_results,
            attempts: self.attempts,
            trace: self.trace.events,
            anomalies,
            costs: self.costs,
            scenario: self.cfg,
        }
    }
}

enum StepResult {
    /// Go to the next step after this many µs (0: at once).
    Next(u64),
    /// Jump to a step after this many µs.
    Goto(usize, u64),
    /// Waiting for an external reply or its timeout.
    Wait,
    Finished,
    Crashed,
}

/// The external call an execution waits for, from the step it is at.
fn pending_call(x: &Execution) -> CallKind {
    if x.plan[x.pc] == Step::ChargeCard {
        CallKind::Charge
    } else {
        CallKind::Email
    }
}

fn table_of(row: RowRef) -> Table {
    match row {
        RowRef::Inventory => Table::Inventory,
        RowRef::Account(_) => Table::Accounts,
        RowRef::Profile(_) => Table::Profiles,
    }
}
