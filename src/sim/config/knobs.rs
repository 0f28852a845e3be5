//! What a knob is: its kind and range, its place in the control panel, and lookup by path.

use super::knob_table::KNOBS;

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

/// Find a knob by its dotted path.
pub fn knob_by_path(path: &str) -> Option<&'static Knob> {
    KNOBS.iter().find(|k| k.path == path)
}
