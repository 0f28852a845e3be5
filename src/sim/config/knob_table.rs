//! The table of every knob, in control-panel order.

use super::knobs::{knob, Knob, KnobGroup as G, KnobKind as K};
use super::limits::*;
use super::messaging_knobs::MESSAGING_KNOBS;
use super::saga_knobs::SAGA_KNOBS;
use super::stream_knobs::STREAM_KNOBS;

const HOUR: u64 = MAX_DURATION_US;

/// Every knob of a scenario: the HTTP world's, then the messaging world's, then the
/// stream world's, then the saga's.
pub const KNOBS: &[Knob] = &join::<{ HTTP_KNOBS.len() + WORLD_KNOBS.len() + SAGA_KNOBS.len() }>(
    &join::<{ HTTP_KNOBS.len() + WORLD_KNOBS.len() }>(HTTP_KNOBS, &WORLD_KNOBS),
    SAGA_KNOBS,
);

const WORLD_KNOBS: [Knob; MESSAGING_KNOBS.len() + STREAM_KNOBS.len()] =
    join::<{ MESSAGING_KNOBS.len() + STREAM_KNOBS.len() }>(MESSAGING_KNOBS, STREAM_KNOBS);

/// `a` followed by `b`, as one array (a const fn, so [`KNOBS`] stays a constant).
const fn join<const N: usize>(a: &[Knob], b: &[Knob]) -> [Knob; N] {
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}

const HTTP_KNOBS: &[Knob] = &[
    knob(
        "workload",
        "Workload",
        "What the clients do.",
        K::Choice(&[
            "payment", "checkout", "wallet", "profile", "events", "stream", "saga",
        ]),
        G::Run,
    ),
    knob(
        "seed",
        "Seed",
        "Drives every random choice; same seed, same run.",
        K::Count {
            min: 0,
            max: u64::MAX,
        },
        G::Run,
    ),
    knob(
        "clients",
        "Clients",
        "Concurrent clients.",
        K::Count {
            min: 1,
            max: MAX_CLIENTS,
        },
        G::Run,
    ),
    knob(
        "operations",
        "Operations",
        "Logical operations in total, shared among the clients.",
        K::Count {
            min: 1,
            max: MAX_OPERATIONS,
        },
        G::Run,
    ),
    knob(
        "replicas",
        "Replicas",
        "Server replicas behind the load balancer.",
        K::Count {
            min: 1,
            max: MAX_REPLICAS,
        },
        G::Run,
    ),
    knob(
        "balancer",
        "Load balancing",
        "How the load balancer picks a replica.",
        K::Choice(&["round_robin", "random", "sticky"]),
        G::Run,
    ),
    knob(
        "max_events",
        "Event limit",
        "The run stops after this many events.",
        K::Count {
            min: 1_000,
            max: MAX_EVENTS,
        },
        G::Run,
    ),
    knob(
        "trace",
        "Record trace",
        "Keep every event (off: counts only).",
        K::Bool,
        G::Run,
    ),
    knob(
        "client.timeout_us",
        "Timeout",
        "How long a client waits for a response.",
        K::Duration {
            min: 1_000,
            max: HOUR,
        },
        G::Client,
    ),
    knob(
        "client.max_attempts",
        "Max attempts",
        "Attempts per operation, the first included.",
        K::Count {
            min: 1,
            max: MAX_ATTEMPTS,
        },
        G::Client,
    ),
    knob(
        "client.backoff",
        "Backoff",
        "Wait between attempts: fixed or doubling.",
        K::Choice(&["fixed", "exponential"]),
        G::Client,
    ),
    knob(
        "client.backoff_base_us",
        "Backoff base",
        "First wait before a retry.",
        K::Duration { min: 0, max: HOUR },
        G::Client,
    ),
    knob(
        "client.backoff_max_us",
        "Backoff cap",
        "Longest wait before a retry.",
        K::Duration { min: 0, max: HOUR },
        G::Client,
    ),
    knob(
        "client.jitter",
        "Jitter",
        "Randomise each wait in [0, backoff].",
        K::Bool,
        G::Client,
    ),
    knob(
        "client.key_policy",
        "Key policy",
        "How the client picks Idempotency-Key values.",
        K::Choice(&[
            "none",
            "per-operation",
            "per-attempt",
            "reused-across-operations",
        ]),
        G::Client,
    ),
    knob(
        "client.think_time_us",
        "Think time",
        "Pause between a client's operations.",
        K::Duration { min: 0, max: HOUR },
        G::Client,
    ),
    knob(
        "network.request_loss",
        "Request loss",
        "Probability a request is lost on the way to the server.",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.response_loss",
        "Response loss",
        "Probability a response is lost on the way back.",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.duplication",
        "Duplication",
        "Probability a message is delivered twice (the copy has its own delay).",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.delay",
        "Delay shape",
        "Exponential tail or uniform spread.",
        K::Choice(&["exponential", "uniform"]),
        G::Network,
    ),
    knob(
        "network.delay_min_us",
        "Delay minimum",
        "Smallest one-way delay.",
        K::Duration { min: 0, max: HOUR },
        G::Network,
    ),
    knob(
        "network.delay_mean_us",
        "Delay mean",
        "Mean of the random part of the delay.",
        K::Duration { min: 0, max: HOUR },
        G::Network,
    ),
    knob(
        "network.provider_loss",
        "Provider link loss",
        "Loss each way between replicas and the payment provider.",
        K::Probability,
        G::Network,
    ),
    knob(
        "network.email_loss",
        "Email link loss",
        "Loss each way between replicas and the email service.",
        K::Probability,
        G::Network,
    ),
    knob(
        "server.processing_min_us",
        "Processing minimum",
        "Least time a handler computes.",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.processing_mean_us",
        "Processing mean",
        "Mean extra handler time (exponential).",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.slow_probability",
        "Slow requests",
        "Probability a request takes the slow path.",
        K::Probability,
        G::Server,
    ),
    knob(
        "server.slow_us",
        "Slow extra time",
        "Extra time of a slow request.",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.db_rtt_us",
        "Database round trip",
        "Time of one database statement or transaction.",
        K::Duration { min: 0, max: HOUR },
        G::Server,
    ),
    knob(
        "server.external_timeout_us",
        "External call timeout",
        "How long a replica waits for the provider or email service.",
        K::Duration {
            min: 1_000,
            max: HOUR,
        },
        G::Server,
    ),
    knob(
        "server.external_attempts",
        "External call attempts",
        "Attempts of one provider or email call.",
        K::Count {
            min: 1,
            max: MAX_ATTEMPTS,
        },
        G::Server,
    ),
    knob(
        "server.crash.before_write",
        "Crash before write",
        "Probability a replica crashes before any effect.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.after_provider_call_before_commit",
        "Crash after charge",
        "Probability of a crash after the provider call, before the commit.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.after_write_before_key_save",
        "Crash before key save",
        "Probability of a crash between the business write and a separate key save.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.after_commit_before_response",
        "Crash after commit",
        "Probability of a crash after the commit, before the response.",
        K::Probability,
        G::Faults,
    ),
    knob(
        "server.crash.downtime_us",
        "Downtime",
        "How long a crashed replica stays down.",
        K::Duration { min: 0, max: HOUR },
        G::Faults,
    ),
    knob(
        "protections.idempotency_key.enabled",
        "Idempotency keys",
        "The server deduplicates requests by Idempotency-Key.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.required",
        "Key required",
        "Reject requests without a key (400).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.store",
        "Key store",
        "Where the key records live.",
        K::Choice(&["memory", "database"]),
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.ttl_us",
        "Key TTL",
        "How long a key record is kept.",
        K::Duration {
            min: 1_000,
            max: MAX_TTL_US,
        },
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.fingerprint_check",
        "Fingerprint check",
        "Same key with another payload is rejected (422).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.in_flight_lock",
        "In-flight lock",
        "A key still in progress answers 409.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.lock_timeout_us",
        "Lock timeout",
        "After this an in-progress record stops blocking.",
        K::Duration {
            min: 1_000,
            max: HOUR,
        },
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.atomic",
        "Atomic key save",
        "Save the key in the business transaction.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.idempotency_key.store_errors",
        "Replay errors (5xx)",
        "Off: a server error frees the key, so a retry with the same key runs the request again. On: the error is stored under the key and every retry gets that same error back without running (Stripe does this).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.upsert",
        "Upsert",
        "Orders have a unique natural key (ON CONFLICT).",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.upsert_mode",
        "Upsert mode",
        "What the insert does on conflict.",
        K::Choice(&["do_nothing", "do_update"]),
        G::Protection,
    ),
    knob(
        "protections.cas",
        "CAS versioning",
        "Conditional writes WHERE version = v.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.cas_retries",
        "CAS retries",
        "Re-read-and-retry rounds after a conflict.",
        K::Count { min: 0, max: 20 },
        G::Protection,
    ),
    knob(
        "protections.key_propagation",
        "Key propagation",
        "Forward a derived key to the provider, the email service and the warehouse.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "protections.outbox",
        "Transactional outbox",
        "Emails and OrderPlaced events are written to the outbox in the business transaction; a relay sends them.",
        K::Bool,
        G::Protection,
    ),
    knob(
        "world.stock",
        "Stock",
        "Units the checkout can sell.",
        K::Count {
            min: 0,
            max: 1_000_000_000,
        },
        G::World,
    ),
    knob(
        "world.accounts",
        "Accounts",
        "Wallet accounts shared by the clients.",
        K::Count { min: 1, max: 64 },
        G::World,
    ),
    knob(
        "world.initial_balance",
        "Initial balance",
        "Starting balance of each account.",
        K::Signed {
            min: -1_000_000_000,
            max: 1_000_000_000,
        },
        G::World,
    ),
    knob(
        "world.wallet_write",
        "Wallet write",
        "SET balance = read + x, or balance = balance + x.",
        K::Choice(&["set", "increment"]),
        G::World,
    ),
    knob(
        "world.provider_honours_keys",
        "Provider honours keys",
        "The payment provider deduplicates by the key it is given.",
        K::Bool,
        G::World,
    ),
];
