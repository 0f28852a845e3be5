//! What a sweep asks for, as the sweep form and the permalink hold it: one numeric knob,
//! its range and steps, the seeds per point, up to four named protection sets and the
//! cost to chart. Turned into the engine's [`SweepSpec`] (the same validation and the
//! same numbers as `idemlab sweep`) with the browser's own limit on operations.

use serde_json::{Map, Value};

use crate::sim::config::{value_at, Knob, KnobKind, Workload, KNOBS};
use crate::sim::protection_sets::{protection_set, PROTECTION_SETS};
use crate::sim::sweep::{SweepPoint, SweepSpec, MAX_SEEDS, MAX_SETS, MAX_STEPS};
use crate::sim::units::format_duration;
use crate::sim::Scenario;

use super::settings::{knob, scenario_json, UI_MAX_OPERATIONS};

/// Knobs a lesson sweeps most, offered first (those that apply to the workload).
const COMMON_KNOBS: [&str; 17] = [
    "network.response_loss",
    "network.request_loss",
    "network.duplication",
    "server.crash.after_commit_before_response",
    "server.crash.after_provider_call_before_commit",
    "server.crash.after_write_before_key_save",
    "server.crash.before_write",
    "server.slow_probability",
    "client.timeout_us",
    "protections.idempotency_key.ttl_us",
    "replicas",
    "messaging.crash.consumer_after_ship",
    "messaging.crash.consumer_after_apply",
    "messaging.crash.consumer_after_receive",
    "messaging.publish_loss",
    "messaging.visibility_timeout_us",
    "messaging.max_poll_interval_us",
];
/// Numeric knobs that make no sense as a sweep's axis.
const NOT_SWEPT: [&str; 2] = ["seed", "max_events"];

/// The cost drawn in the second chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepCost {
    P99Latency,
    KeyRowsPeak,
    Responses409,
}

impl SweepCost {
    pub const ALL: [SweepCost; 3] = [
        SweepCost::P99Latency,
        SweepCost::KeyRowsPeak,
        SweepCost::Responses409,
    ];

    /// The name in links.
    pub fn name(self) -> &'static str {
        match self {
            SweepCost::P99Latency => "p99",
            SweepCost::KeyRowsPeak => "key-rows",
            SweepCost::Responses409 => "409",
        }
    }

    /// The chart's axis label, with its unit.
    pub fn label(self) -> &'static str {
        match self {
            SweepCost::P99Latency => "p99 latency (ms)",
            SweepCost::KeyRowsPeak => "key-store rows at peak",
            SweepCost::Responses409 => "409 responses per run",
        }
    }

    /// What the cost counts, for "this sweep's runs have no …".
    pub fn counted(self) -> &'static str {
        match self {
            SweepCost::P99Latency => "clients waiting on responses",
            SweepCost::KeyRowsPeak => "idempotency-key records",
            SweepCost::Responses409 => "409 responses",
        }
    }

    pub fn of(self, point: &SweepPoint) -> f64 {
        match self {
            SweepCost::P99Latency => point.p99_latency_ms_mean,
            SweepCost::KeyRowsPeak => point.key_rows_peak_mean,
            SweepCost::Responses409 => point.responses_409_mean,
        }
    }

    fn from_name(name: &str) -> Option<SweepCost> {
        SweepCost::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// A sweep's settings: always a sweep the engine accepts for the scenario it was checked
/// against (see [`SweepSettings::spec`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSettings {
    pub knob: &'static str,
    pub from: f64,
    pub to: f64,
    pub steps: u32,
    pub seeds: u32,
    pub sets: Vec<&'static str>,
    pub cost: SweepCost,
}

/// Whether `knob` can be swept: a number that the workload reads.
pub fn sweepable(knob: &Knob, workload: Workload) -> bool {
    !matches!(knob.kind, KnobKind::Bool | KnobKind::Choice(_))
        && !NOT_SWEPT.contains(&knob.path)
        && knob.applies_to(workload)
}

/// The knobs a sweep of `workload` offers: the common ones first, then the rest in the
/// control panel's order. The bool says whether a knob is one of the common ones.
pub fn sweep_knobs(workload: Workload) -> Vec<(&'static Knob, bool)> {
    let common = COMMON_KNOBS
        .iter()
        .filter_map(|path| knob(path))
        .filter(|k| sweepable(k, workload))
        .map(|k| (k, true));
    let rest = KNOBS
        .iter()
        .filter(|k| sweepable(k, workload) && !COMMON_KNOBS.contains(&k.path))
        .map(|k| (k, false));
    common.chain(rest).collect()
}

/// The protection sets that change something `workload` reads: `none` and `full`
/// always, each single one only if it turns on a protection of this workload.
pub fn sets_for(scenario: &Scenario) -> Vec<&'static str> {
    let bare = scenario_json(&PROTECTION_SETS[0].apply(scenario));
    PROTECTION_SETS
        .iter()
        .filter(|set| {
            let applied = scenario_json(&set.apply(scenario));
            ["none", "full"].contains(&set.name)
                || KNOBS.iter().any(|k| {
                    k.applies_to(scenario.workload)
                        && value_at(&applied, k.path) != value_at(&bare, k.path)
                })
        })
        .map(|set| set.name)
        .collect()
}

/// The knob's value in `scenario`, as a number.
fn current_value(knob: &Knob, scenario: &Scenario) -> f64 {
    value_at(&scenario_json(scenario), knob.path)
        .and_then(Value::as_f64)
        .unwrap_or(0.0)
}

/// A range worth looking at for `knob`, around its value in `scenario`.
pub fn default_range(knob: &Knob, scenario: &Scenario) -> (f64, f64) {
    let now = current_value(knob, scenario);
    match knob.kind {
        KnobKind::Probability => (0.0, 0.5),
        KnobKind::Duration { min, max } => {
            let from = (now / 4.0).round().max(min as f64);
            (from, (now * 2.0).max(from + 1_000.0).min(max as f64))
        }
        KnobKind::Count { min, max } => (min as f64, (min as f64 + 7.0).min(max as f64)),
        KnobKind::Signed { min, max } => {
            let (from, to) = (now - 1_000.0, now + 1_000.0);
            (from.max(min as f64), to.min(max as f64))
        }
        KnobKind::Bool | KnobKind::Choice(_) => (0.0, 0.0),
    }
}

impl SweepSettings {
    /// A first sweep for `scenario`: its most telling knob, none against full and the
    /// protection a lesson reaches for first.
    pub fn default_for(scenario: &Scenario) -> SweepSettings {
        let knobs = sweep_knobs(scenario.workload);
        let knob = knobs.first().map_or("operations", |(k, _)| k.path);
        let (from, to) =
            super::settings::knob(knob).map_or((1.0, 10.0), |k| default_range(k, scenario));
        let single = match scenario.workload {
            Workload::Events => "dedup-store",
            Workload::Saga => "saga-step-keys",
            _ => "idempotency-keys",
        };
        let sets = vec!["none", "full", single];
        SweepSettings {
            knob,
            from,
            to,
            steps: 6,
            seeds: 10,
            sets,
            cost: SweepCost::P99Latency,
        }
    }

    /// The same settings with another knob, over its own default range.
    pub fn with_knob(&self, knob: &'static Knob, scenario: &Scenario) -> SweepSettings {
        let (from, to) = default_range(knob, scenario);
        SweepSettings {
            knob: knob.path,
            from,
            to,
            ..self.clone()
        }
    }

    pub fn runs(&self) -> u64 {
        self.steps as u64 * self.seeds as u64 * self.sets.len() as u64
    }

    /// The engine's sweep of `base` with these settings, or why there is none.
    pub fn spec(&self, base: &Scenario) -> Result<SweepSpec, String> {
        let knob = knob(self.knob).ok_or_else(|| format!("unknown setting '{}'", self.knob))?;
        if !sweepable(knob, base.workload) {
            return Err(format!(
                "{} cannot be swept for the {} workload",
                knob.label,
                base.workload.name()
            ));
        }
        if self.knob == "operations" && self.from.max(self.to) > UI_MAX_OPERATIONS as f64 {
            return Err(format!(
                "the browser app runs at most {UI_MAX_OPERATIONS} operations; use idemlab sweep for bigger runs"
            ));
        }
        SweepSpec::new(
            base.clone(),
            self.knob,
            self.from,
            self.to,
            self.steps,
            self.seeds,
            &self.sets,
        )
        .map_err(|e| in_words(&e))
    }

    /// The settings as the permalink's `s` object.
    pub fn to_link(&self) -> Value {
        let mut link = Map::new();
        link.insert("knob".into(), Value::from(self.knob));
        link.insert("from".into(), Value::from(self.from));
        link.insert("to".into(), Value::from(self.to));
        link.insert("steps".into(), Value::from(self.steps));
        link.insert("seeds".into(), Value::from(self.seeds));
        link.insert("sets".into(), Value::from(self.sets.clone()));
        link.insert("cost".into(), Value::from(self.cost.name()));
        Value::Object(link)
    }

    /// Read a permalink's `s` object, checked against `base` (the link's scenario).
    pub fn from_link(value: &Value, base: &Scenario) -> Result<SweepSettings, String> {
        let link = value
            .as_object()
            .ok_or("the sweep settings are not a list of settings")?;
        if let Some(unknown) = link.keys().find(|k| {
            !["knob", "from", "to", "steps", "seeds", "sets", "cost"].contains(&k.as_str())
        }) {
            return Err(format!(
                "the sweep has a part '{}' this version does not know",
                unknown.chars().take(20).collect::<String>()
            ));
        }
        let text = |key: &str| link.get(key).and_then(Value::as_str);
        let number = |key: &str, what: &str| {
            link.get(key)
                .and_then(Value::as_f64)
                .ok_or_else(|| format!("the sweep's {what} is not a number"))
        };
        let whole = |key: &str, what: &str, max: u32| {
            link.get(key)
                .and_then(Value::as_u64)
                .filter(|n| (1..=max as u64).contains(n))
                .map(|n| n as u32)
                .ok_or_else(|| format!("the sweep's {what} must be a whole number from 1 to {max}"))
        };
        let path = text("knob").ok_or("the sweep names no setting")?;
        let knob = knob(path).ok_or_else(|| {
            format!(
                "the sweep names '{}', which is not a setting",
                path.chars().take(40).collect::<String>()
            )
        })?;
        let sets = link
            .get("sets")
            .and_then(Value::as_array)
            .ok_or("the sweep's protection sets are not a list")?
            .iter()
            .map(|name| {
                let name = name.as_str().unwrap_or_default();
                protection_set(name).map(|set| set.name)
            })
            .collect::<Result<Vec<_>, _>>()?;
        if sets.is_empty() || sets.len() > MAX_SETS {
            return Err(format!("the sweep needs 1 to {MAX_SETS} protection sets"));
        }
        let cost = match text("cost") {
            None => SweepCost::P99Latency,
            Some(name) => {
                SweepCost::from_name(name).ok_or("the sweep's cost is not one the chart knows")?
            }
        };
        let settings = SweepSettings {
            knob: knob.path,
            from: number("from", "start")?,
            to: number("to", "end")?,
            steps: whole("steps", "number of steps", MAX_STEPS)?,
            seeds: whole("seeds", "number of seeds", MAX_SEEDS)?,
            sets,
            cost,
        };
        settings.spec(base).map(|_| settings)
    }
}

/// The engine's messages name the CLI's flags; the form names its fields.
fn in_words(message: &str) -> String {
    message
        .replace("--from", "From")
        .replace("--to", "To")
        .replace("--steps", "Steps")
        .replace("--seeds", "Seeds per point")
        .replace("--protections takes", "choose")
}

/// A knob's value as the form and the chart show it: a duration in its units, a
/// probability as itself, a count as a whole number.
pub fn format_knob_value(knob: &Knob, value: f64) -> String {
    match knob.kind {
        KnobKind::Duration { .. } => format_duration(value.max(0.0) as u64),
        KnobKind::Probability => {
            let rounded = (value * 1e6).round() / 1e6;
            format!("{rounded}")
        }
        _ => format!("{}", value.round() as i64),
    }
}

/// The chart's label for the knob's axis, with its unit.
pub fn axis_label(knob: &Knob) -> String {
    match knob.kind {
        KnobKind::Probability => format!("{} (probability)", knob.label),
        _ => knob.label.to_string(),
    }
}
