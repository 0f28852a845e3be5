//! A client: runs its logical operations one after another; per attempt it sends the
//! request with the key its policy gives, arms a timeout, and on a response succeeds,
//! reads back, retries (per the one retry policy) or gives up. It records what it
//! believes happened to each operation.

use crate::sim::config::KeyPolicy;
use crate::sim::effects::{Cost, Cx, Effects};
use crate::sim::events::{Body, Event, Message};
use crate::sim::faults::{request_identity, Link};
use crate::sim::oracle::{Fact, Fault};
use crate::sim::outcomes::Outcomes;
use crate::sim::results::{AttemptInfo, OpResult};
use crate::sim::retry::RetryPolicy;
use crate::sim::rng::{KeyedDraw, Purpose};
use crate::sim::trace::{Actor, Detail, MessageKind, Outcome};
use crate::sim::workload::{idempotency_key, OpKind};

/// Read-backs a client makes after "already exists" before it gives up.
const MAX_READ_BACKS: u8 = 3;

#[derive(Clone, Debug, Default)]
struct ClientState {
    /// Operations begun: the client's operations are dealt out in turn, so its next one
    /// is `client + begun * clients`.
    begun: u32,
    current: Option<u32>,
    start_us: u64,
    attempt: u8,
    answered: bool,
    read_back: bool,
    read_backs: u8,
    known_version: u32,
}

/// Every client's state, and what each saw of its operations.
#[derive(Clone, Debug)]
pub struct Clients {
    states: Vec<ClientState>,
    operations: u32,
    /// Outcomes and latencies, counted as operations end.
    pub outcomes: Outcomes,
    /// Per operation and every attempt as sent, kept when the trace is recorded.
    pub results: Vec<OpResult>,
    pub attempts: Vec<AttemptInfo>,
    record: bool,
}

impl Clients {
    pub fn new(clients: u32, operations: u32, record: bool) -> Self {
        Clients {
            states: vec![ClientState::default(); clients as usize],
            operations,
            outcomes: Outcomes::new(record),
            results: if record {
                vec![OpResult::default(); operations as usize]
            } else {
                Vec::new()
            },
            attempts: Vec::new(),
            record,
        }
    }

    fn is_waiting(&self, client: u16, op: u32, attempt: u8) -> bool {
        let state = &self.states[client as usize];
        state.current == Some(op) && state.attempt == attempt && !state.answered
    }
}

/// When client `client` first starts, after a keyed stagger up to one think time.
pub fn start_delay(cx: &Cx, client: u16) -> u64 {
    KeyedDraw::new(cx.seed(), Purpose::Think, [client as u64, 1 << 40, 0, 0])
        .below(cx.scenario().client.think_time_us + 1)
}

/// Start the client's next operation, if it has one.
pub fn on_begin(clients: &mut Clients, cx: &Cx, client: u16, out: &mut impl Effects) {
    let count = clients.states.len() as u64;
    let state = &mut clients.states[client as usize];
    let op = client as u64 + state.begun as u64 * count;
    if op >= clients.operations as u64 {
        return;
    }
    let op = op as u32;
    state.begun += 1;
    state.current = Some(op);
    state.start_us = cx.now;
    state.read_backs = 0;
    if clients.record {
        clients.results[op as usize].start_us = cx.now;
    }
    let amount = cx.op(op).kind.amount();
    out.event(
        Actor::Client(client),
        Actor::Nobody,
        op,
        0,
        Detail::OpStart { amount },
    );
    on_attempt(clients, cx, op, 1, false, out);
}

/// Send attempt `attempt` of `op` (a read-back if `read_back`) and arm its timeout.
pub fn on_attempt(
    clients: &mut Clients,
    cx: &Cx,
    op: u32,
    attempt: u8,
    read_back: bool,
    out: &mut impl Effects,
) {
    let operation = cx.op(op);
    let client = operation.client;
    let key = idempotency_key(cx.scenario().client.key_policy, &operation, attempt);
    let state = &mut clients.states[client as usize];
    state.attempt = attempt;
    state.answered = false;
    state.read_back = read_back;
    let if_match = state.known_version;
    if clients.record {
        clients.results[op as usize].attempts = attempt;
        clients.attempts.push(AttemptInfo {
            op,
            attempt,
            key,
            fingerprint: operation.fingerprint,
            read_back,
        });
    }
    let kind = if read_back {
        MessageKind::ReadBack
    } else {
        MessageKind::Request
    };
    let body = Body::Request {
        op,
        attempt,
        read_back,
        if_match,
    };
    let event = out.next_event_id();
    out.send(
        cx,
        Actor::Client(client),
        Actor::Balancer,
        kind,
        Some(Link::Request),
        request_identity(op, attempt, read_back),
        body,
        0,
    );
    out.fact(Fact::AttemptSent {
        op,
        attempt,
        key,
        event,
    });
    out.after(
        cx.scenario().client.timeout_us,
        Event::ClientTimeout { op, attempt },
    );
}

pub fn on_timeout(clients: &mut Clients, cx: &Cx, op: u32, attempt: u8, out: &mut impl Effects) {
    let client = cx.op(op).client;
    if !clients.is_waiting(client, op, attempt) {
        return;
    }
    clients.states[client as usize].answered = true;
    out.cost(Cost::ClientTimeout);
    out.cost(Cost::ClientVisibleError);
    let event = out.event(
        Actor::Client(client),
        Actor::Nobody,
        op,
        attempt,
        Detail::Timeout,
    );
    out.fact(Fact::Fault {
        op,
        attempt,
        fault: Fault::Timeout,
        event,
    });
    retry_or_end(clients, cx, op, attempt, Outcome::Unknown, out);
}

/// What a client does with a response status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reaction {
    Succeed,
    /// Retry if attempts remain; otherwise end with the given outcome.
    Retry {
        give_up_as_failed: bool,
    },
    Fail,
    /// Upsert said "already exists": read the order back.
    ReadBack,
}

/// A client that sends an idempotency key knows a 5xx leaves the outcome open (the
/// request may have been processed; retrying with the key is safe), so when it gives up
/// after one it reports "unknown". A client without keys takes a 5xx as a failure.
pub fn react(status: u16, already_exists: bool, keyed: bool) -> Reaction {
    match status {
        200..=299 if already_exists => Reaction::ReadBack,
        200..=299 => Reaction::Succeed,
        // `If-Match` failed: read the resource again and decide.
        412 => Reaction::ReadBack,
        // 0 = connection reset; 409 = in progress elsewhere.
        0 | 409 => Reaction::Retry {
            give_up_as_failed: false,
        },
        500..=599 => Reaction::Retry {
            give_up_as_failed: !keyed,
        },
        _ => Reaction::Fail,
    }
}

pub fn on_response(
    clients: &mut Clients,
    cx: &Cx,
    client: u16,
    message: Message,
    out: &mut impl Effects,
) {
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
    if !clients.is_waiting(client, op, attempt) {
        out.received(&message, true, false, status as i64);
        return;
    }
    let event = out.received(&message, false, replayed, status as i64);
    let state = &mut clients.states[client as usize];
    state.answered = true;
    let read_back = state.read_back;
    let success = (200..300).contains(&status);
    if !success {
        out.cost(Cost::ClientVisibleError);
    }
    let profile = matches!(
        cx.op(op).kind,
        OpKind::ProfilePut { .. } | OpKind::ProfileDelete
    );
    // A read-back of a profile names the row's last writer, not a stored reply.
    if success && body_op != op && !(read_back && profile) {
        out.fact(Fact::WrongReplay {
            op,
            body_op,
            key_event,
            event,
        });
    }
    if read_back && profile && status == 200 {
        // After a 412: the re-read shows whether this operation's write is the current
        // one; if not, the client retries with the version it just read.
        if body_op == op {
            clients.states[client as usize].known_version = version;
            return end_op(clients, cx, op, Outcome::Succeeded, out);
        }
        clients.states[client as usize].known_version = version;
        return retry_or_end(clients, cx, op, attempt, Outcome::Failed, out);
    }
    if read_back {
        match status {
            200 => return end_op(clients, cx, op, Outcome::Succeeded, out),
            404 => return retry_or_end(clients, cx, op, attempt, Outcome::Failed, out),
            _ => {}
        }
    }
    let keyed = cx.scenario().client.key_policy != KeyPolicy::None;
    match react(status, already_exists, keyed) {
        Reaction::Succeed => {
            if matches!(
                cx.op(op).kind,
                OpKind::ProfilePut { .. } | OpKind::ProfileDelete
            ) {
                clients.states[client as usize].known_version = version;
            }
            end_op(clients, cx, op, Outcome::Succeeded, out)
        }
        Reaction::ReadBack => {
            let state = &mut clients.states[client as usize];
            if state.read_backs < MAX_READ_BACKS && attempt < u8::MAX {
                state.read_backs += 1;
                on_attempt(clients, cx, op, attempt + 1, true, out);
            } else {
                end_op(clients, cx, op, Outcome::Unknown, out);
            }
        }
        Reaction::Retry { give_up_as_failed } => {
            out.fact(Fact::Fault {
                op,
                attempt,
                fault: Fault::Status {
                    status,
                    by_balancer: message.from == Actor::Balancer,
                },
                event,
            });
            let outcome = if give_up_as_failed {
                Outcome::Failed
            } else {
                Outcome::Unknown
            };
            retry_or_end(clients, cx, op, attempt, outcome, out)
        }
        Reaction::Fail => end_op(clients, cx, op, Outcome::Failed, out),
    }
}

fn retry_or_end(
    clients: &mut Clients,
    cx: &Cx,
    op: u32,
    attempt: u8,
    give_up: Outcome,
    out: &mut impl Effects,
) {
    let policy = RetryPolicy::client(&cx.scenario().client);
    match policy.next(cx.seed(), op, attempt) {
        Some(backoff_us) => {
            let client = cx.op(op).client;
            out.event(
                Actor::Client(client),
                Actor::Nobody,
                op,
                attempt + 1,
                Detail::Retry { backoff_us },
            );
            let attempt = attempt + 1;
            out.after(backoff_us, Event::ClientAttempt { op, attempt });
        }
        None => end_op(clients, cx, op, give_up, out),
    }
}

fn end_op(clients: &mut Clients, cx: &Cx, op: u32, outcome: Outcome, out: &mut impl Effects) {
    let client = cx.op(op).client;
    let state = &clients.states[client as usize];
    let latency_us = cx.now - state.start_us;
    let attempts = state.attempt;
    clients.outcomes.record(outcome, latency_us);
    if clients.record {
        let result = &mut clients.results[op as usize];
        result.end_us = cx.now;
        result.outcome = Some(outcome);
    }
    let event = out.event(
        Actor::Client(client),
        Actor::Nobody,
        op,
        attempts,
        Detail::OpEnd {
            outcome,
            latency_us,
        },
    );
    out.fact(Fact::OpEnded { op, outcome, event });
    clients.states[client as usize].current = None;
    let think = KeyedDraw::new(cx.seed(), Purpose::Think, [op as u64, 0, 0, 0])
        .exponential(cx.scenario().client.think_time_us);
    out.after(think, Event::ClientBegin { client });
}
