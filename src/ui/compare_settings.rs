//! What the compare view puts beside the run on screen (A): B is the same configuration
//! with one protection toggled, a named protection set instead of its protections, or
//! the same configuration again (which must show no difference). Same seed, workload and
//! faults either way: only protections change.

use serde_json::Value;

use crate::sim::config::{scenario_from_value, value_at, KeyPolicy, Knob, KnobKind, KNOBS};
use crate::sim::protection_sets::protection_set;
use crate::sim::{Scenario, ValidScenario};

use super::settings::{knob, scenario_json, set_path, validate_for_browser};

const KEYS_ENABLED: &str = "protections.idempotency_key.enabled";

/// Run B of a comparison, relative to A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareB {
    /// A protection toggle flipped.
    Toggle(&'static str),
    /// A named protection set's protections instead of A's.
    Set(&'static str),
    /// A itself.
    Same,
}

/// The protection toggles of `scenario`'s workload, with whether each is on.
pub fn toggles(scenario: &Scenario) -> Vec<(&'static Knob, bool)> {
    let json = scenario_json(scenario);
    KNOBS
        .iter()
        .filter(|k| {
            k.kind == KnobKind::Bool
                && k.path.starts_with("protections.")
                && k.applies_to(scenario.workload)
        })
        .map(|k| (k, value_at(&json, k.path) == Some(&Value::Bool(true))))
        .collect()
}

impl CompareB {
    /// What "Compare…" offers first: the first protection that is off (turning it on
    /// shows what it buys), else the first one.
    pub fn first_for(scenario: &Scenario) -> CompareB {
        let all = toggles(scenario);
        all.iter()
            .find(|(_, on)| !on)
            .or(all.first())
            .map_or(CompareB::Set("full"), |(k, _)| CompareB::Toggle(k.path))
    }

    /// The name in links and in the form's menu.
    pub fn name(self) -> String {
        match self {
            CompareB::Toggle(path) => format!("toggle:{path}"),
            CompareB::Set(name) => format!("set:{name}"),
            CompareB::Same => "same".into(),
        }
    }

    /// Read a name made by [`CompareB::name`], for `scenario`.
    pub fn parse(name: &str, scenario: &Scenario) -> Result<CompareB, String> {
        let shown = || name.chars().take(40).collect::<String>();
        if name == "same" {
            return Ok(CompareB::Same);
        }
        if let Some(set) = name.strip_prefix("set:") {
            return protection_set(set).map(|s| CompareB::Set(s.name));
        }
        let path = name
            .strip_prefix("toggle:")
            .ok_or_else(|| format!("'{}' is not a comparison this app makes", shown()))?;
        toggles(scenario)
            .iter()
            .find(|(k, _)| k.path == path)
            .map(|(k, _)| CompareB::Toggle(k.path))
            .ok_or_else(|| {
                format!(
                    "'{}' is not a protection of the {} workload",
                    shown(),
                    scenario.workload.name()
                )
            })
    }

    /// How B differs from A, in words.
    pub fn label(self, scenario: &Scenario) -> String {
        match self {
            CompareB::Toggle(path) => {
                let on = toggles(scenario)
                    .iter()
                    .any(|(k, on)| k.path == path && *on);
                let name = knob(path).map_or(path, |k| k.label);
                format!("{name} {}", if on { "off" } else { "on" })
            }
            CompareB::Set(name) => format!("protection set “{name}”"),
            CompareB::Same => "the same configuration".into(),
        }
    }

    /// B's scenario, from A's.
    pub fn apply(self, a: &Scenario) -> Result<ValidScenario, String> {
        let b = match self {
            CompareB::Same => a.clone(),
            CompareB::Set(name) => protection_set(name)?.apply(a),
            CompareB::Toggle(path) => {
                let mut json = scenario_json(a);
                let on = value_at(&json, path) == Some(&Value::Bool(true));
                set_path(&mut json, path, Value::Bool(!on))?;
                // The engine's reader, not serde_json's own: one copy of it in the wasm.
                let mut b = scenario_from_value(json)?;
                // Keys do nothing unless the clients send them: as the named set does.
                if path == KEYS_ENABLED && !on && b.client.key_policy == KeyPolicy::None {
                    b.client.key_policy = KeyPolicy::PerOperation;
                }
                b
            }
        };
        validate_for_browser(b)
    }
}
