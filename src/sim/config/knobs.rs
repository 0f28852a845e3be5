//! What a knob is: its kind and range, its place in the control panel, and lookup by path.

use super::knob_table::KNOBS;
use super::Workload;

/// What kind of value a knob holds, with its range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KnobKind {
    Bool,
    Probability,
    /// An integer count in [min, max].
    Count {
        min: u64,
        max: u64,
    },
    /// A duration in microseconds in [min, max].
    Duration {
        min: u64,
        max: u64,
    },
    /// A signed integer in [min, max].
    Signed {
        min: i64,
        max: i64,
    },
    Choice(&'static [&'static str]),
}

/// Where a knob belongs in the control panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnobGroup {
    Run,
    Client,
    Network,
    Server,
    Faults,
    Protection,
    World,
    Messaging,
    Stream,
    Saga,
}

impl KnobGroup {
    pub fn title(self) -> &'static str {
        match self {
            KnobGroup::Run => "Run",
            KnobGroup::Client => "Client",
            KnobGroup::Network => "Network",
            KnobGroup::Server => "Server",
            KnobGroup::Faults => "Crashes",
            KnobGroup::Protection => "Protections",
            KnobGroup::World => "World",
            KnobGroup::Messaging => "Messaging",
            KnobGroup::Stream => "Stream job",
            KnobGroup::Saga => "Saga",
        }
    }
}

/// One tunable field of [`Scenario`](super::Scenario).
#[derive(Clone, Copy, Debug)]
pub struct Knob {
    pub path: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: KnobKind,
    pub group: KnobGroup,
}

pub(super) const fn knob(
    path: &'static str,
    label: &'static str,
    help: &'static str,
    kind: KnobKind,
    group: KnobGroup,
) -> Knob {
    Knob {
        path,
        label,
        help,
        kind,
        group,
    }
}

/// Settings only the events workload (the messaging world) reads.
const MESSAGING_ONLY: [&str; 5] = [
    "messaging.",
    "protections.dedup_store.",
    "protections.idempotent_producer",
    "protections.broker_dedup",
    "protections.visibility_heartbeat",
];

/// Settings only the saga workload reads.
const SAGA_ONLY: [&str; 2] = ["saga.", "protections.saga_"];

/// Settings of the HTTP world that the saga workload also reads.
const SAGA_SHARED: [&str; 6] = [
    "workload",
    "seed",
    "operations",
    "max_events",
    "trace",
    "network.delay",
];

/// Settings of the HTTP world that the events workload also reads.
const SHARED: [&str; 8] = [
    "workload",
    "seed",
    "operations",
    "max_events",
    "trace",
    "network.delay",
    "protections.outbox",
    "protections.key_propagation",
];

/// Settings only the stream workload reads.
const STREAM_ONLY: [&str; 2] = ["stream.", "protections.stream."];

/// Settings of the HTTP world that the stream workload also reads.
const STREAM_SHARED: [&str; 5] = ["workload", "seed", "operations", "max_events", "trace"];

impl Knob {
    /// Whether a run of `workload` reads this knob: the control panel shows only those.
    #[inline] // only read outside a run: compiled in the caller's crate (for size in the browser)
    pub fn applies_to(&self, workload: Workload) -> bool {
        let messaging_only = MESSAGING_ONLY.iter().any(|p| self.path.starts_with(p));
        let stream_only = STREAM_ONLY.iter().any(|p| self.path.starts_with(p));
        let saga_only = SAGA_ONLY.iter().any(|p| self.path.starts_with(p));
        match workload {
            Workload::Events => messaging_only || SHARED.iter().any(|p| self.path.starts_with(p)),
            Workload::Stream => {
                stream_only || STREAM_SHARED.iter().any(|p| self.path.starts_with(p))
            }
            Workload::Saga => saga_only || SAGA_SHARED.iter().any(|p| self.path.starts_with(p)),
            _ => !messaging_only && !stream_only && !saga_only,
        }
    }
}

/// Find a knob by its dotted path.
pub fn knob_by_path(path: &str) -> Option<&'static Knob> {
    KNOBS.iter().find(|k| k.path == path)
}
