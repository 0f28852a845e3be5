//! The scenario as the control panel sees it: the preset catalogue, and reading, formatting,
//! parsing and applying one knob of [`KNOBS`] through the scenario's JSON form.

use std::sync::OnceLock;

use serde_json::Value;

use crate::sim::config::{value_at, Knob, KnobGroup, KnobKind, Workload, KNOBS};
use crate::sim::scenarios::{presets, Preset};
use crate::sim::units::{format_duration, parse_duration_in};
use crate::sim::{Scenario, ValidScenario};

/// The preset the app opens with: the headline lesson.
pub const DEFAULT_PRESET: &str = "lost-response";

/// The browser runs at most this many operations, so a run stays well under a second.
pub const UI_MAX_OPERATIONS: u32 = 20_000;

/// Knobs the control panel does not show as generic inputs: the seed has its own control,
/// and the trace must stay on because the diagram and the tables are built from it.
const SPECIAL_KNOBS: [&str; 2] = ["seed", "trace"];

/// Every preset the picker offers, built once. The benchmark preset runs with the trace
/// off and 20,000 operations; the workload-size knob covers that need instead.
pub fn catalog() -> &'static [Preset] {
    static CATALOG: OnceLock<Vec<Preset>> = OnceLock::new();
    CATALOG.get_or_init(|| presets().into_iter().filter(|p| p.scenario.trace).collect())
}

pub fn find_preset(name: &str) -> Option<&'static Preset> {
    catalog().iter().find(|p| p.name == name)
}

/// The scenario to compare a configuration against: its preset, or the engine default.
pub fn base_scenario(preset: Option<&str>) -> Scenario {
    preset
        .and_then(find_preset)
        .map_or_else(Scenario::default, |p| p.scenario.clone())
}

/// The knobs of one group that the control panel shows for `workload`.
pub fn knobs_in(group: KnobGroup, workload: Workload) -> impl Iterator<Item = &'static Knob> {
    KNOBS.iter().filter(move |k| {
        k.group == group && !SPECIAL_KNOBS.contains(&k.path) && k.applies_to(workload)
    })
}

pub fn knob(path: &str) -> Option<&'static Knob> {
    KNOBS.iter().find(|k| k.path == path)
}

/// `protection-idempotency_key-enabled` for protection toggles, `knob-client-timeout_us`
/// for everything else.
pub fn knob_test_id(knob: &Knob) -> String {
    match knob.path.strip_prefix("protections.") {
        Some(rest) if knob.kind == KnobKind::Bool => {
            format!("protection-{}", rest.replace('.', "-"))
        }
        _ => format!("knob-{}", knob.path.replace('.', "-")),
    }
}

/// The DOM id of a knob's input (labels and error messages refer to it).
pub fn knob_dom_id(path: &str) -> String {
    format!("knob-input-{}", path.replace('.', "-"))
}

/// The scenario as JSON, for reading knob values.
pub fn scenario_json(scenario: &Scenario) -> Value {
    serde_json::to_value(scenario).unwrap_or(Value::Null)
}

/// The text an input shows for a knob's current value.
pub fn display_value(knob: &Knob, json: &Value) -> String {
    let Some(value) = value_at(json, knob.path) else {
        return String::new();
    };
    match knob.kind {
        KnobKind::Duration { .. } => value.as_u64().map(format_duration).unwrap_or_default(),
        KnobKind::Choice(_) => value.as_str().unwrap_or_default().to_string(),
        KnobKind::Bool => value.as_bool().unwrap_or(false).to_string(),
        _ => value.to_string(),
    }
}

/// Parse what the user typed into the JSON value of the knob.
pub fn parse_value(knob: &Knob, raw: &str) -> Result<Value, String> {
    let raw = raw.trim();
    let label = knob.label;
    match knob.kind {
        KnobKind::Bool => match raw {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{label} must be on or off")),
        },
        KnobKind::Choice(options) => options
            .iter()
            .find(|o| **o == raw)
            .map(|o| Value::String((*o).to_string()))
            .ok_or_else(|| format!("{label} must be one of: {}", options.join(", "))),
        KnobKind::Probability => match parse_decimal(raw) {
            Some(p) if (0.0..=1.0).contains(&p) => Ok(Value::from(p)),
            _ => Err(format!("{label} is a probability: a number from 0 to 1")),
        },
        KnobKind::Duration { min, max } => parse_duration_in(label, raw, min, max).map(Value::from),
        KnobKind::Count { min, max } => match raw.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Value::from(n)),
            _ => Err(format!(
                "{label} must be a whole number from {min} to {max}"
            )),
        },
        KnobKind::Signed { min, max } => match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Value::from(n)),
            _ => Err(format!(
                "{label} must be a whole number from {min} to {max}"
            )),
        },
    }
}

/// A number written as Rust's `f64::from_str` reads one (sign, digits, point, exponent;
/// `inf` and `nan` are not probabilities anyway), parsed by the browser: Rust's own float
/// parser would add its power-of-five table and code to the wasm bundle (about 12 KB gzip)
/// for this one input.
fn parse_decimal(raw: &str) -> Option<f64> {
    let bytes = raw.as_bytes();
    let digits_from = |i: usize| bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let whole = digits_from(i);
    i += whole;
    let mut fraction = 0;
    if bytes.get(i) == Some(&b'.') {
        fraction = digits_from(i + 1);
        i += 1 + fraction;
    }
    if whole + fraction == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(bytes.get(i), Some(b'+' | b'-')));
        let exponent = digits_from(i);
        if exponent == 0 {
            return None;
        }
        i += exponent;
    }
    (i == bytes.len()).then(|| js_sys::Number::parse_float(raw))
}

/// Set the value at a dotted path of a JSON object; the path must exist.
/// Set the setting at `path` of a scenario's JSON. A last part that is absent is added
/// (`only_faults` is left out of a scenario that has none); the caller checks the path.
pub fn set_path(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let unknown = || format!("unknown setting '{path}'");
    let (parents, last) = path.rsplit_once('.').map_or(("", path), |(p, l)| (p, l));
    let parent = parents
        .split('.')
        .filter(|part| !part.is_empty())
        .try_fold(root, |v, part| v.get_mut(part))
        .and_then(Value::as_object_mut)
        .ok_or_else(unknown)?;
    parent.insert(last.to_string(), value);
    Ok(())
}

/// Validate for the browser: the engine's rules plus the app's own limits.
pub fn validate_for_browser(scenario: Scenario) -> Result<ValidScenario, String> {
    if !scenario.trace {
        return Err("the browser app needs the trace: set trace to true".into());
    }
    if scenario.operations > UI_MAX_OPERATIONS {
        return Err(format!(
            "Operations: the browser app runs at most {UI_MAX_OPERATIONS}; use the idemlab command-line tool for bigger runs"
        ));
    }
    scenario.validate()
}

/// The scenario with one knob changed, validated.
pub fn with_knob(scenario: &Scenario, knob: &Knob, raw: &str) -> Result<ValidScenario, String> {
    let value = parse_value(knob, raw)?;
    let mut json = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    set_path(&mut json, knob.path, value)?;
    let changed: Scenario =
        serde_json::from_value(json).map_err(|e| format!("{}: {e}", knob.label))?;
    validate_for_browser(changed)
}
