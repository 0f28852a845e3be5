//! Validation: a [`Scenario`] checked against [`KNOBS`] and the cross-field rules becomes a
//! [`ValidScenario`]; `--set` overrides and imported JSON go through the same checks.

use serde_json::Value;

use super::knob_table::KNOBS;
use super::knobs::{knob_by_path, Knob, KnobKind as K};
use super::limits::{MAX_DURATION_US, MAX_PARTITIONS, MAX_TRACED_EVENTS};
use super::{Scenario, WalletWrite, Workload};

/// A scenario that passed validation, with the facts derived from it once so that no
/// handler re-derives them. Only these can be run.
#[derive(Clone, Debug)]
pub struct ValidScenario {
    scenario: Scenario,
    versioned_reads: bool,
}

impl ValidScenario {
    fn new(scenario: Scenario) -> Self {
        // A handler reads a row and writes a value computed from it (checkout's stock, a
        // wallet's `SET balance = x`): the write can be conditional on the version it read.
        let versioned_reads = scenario.workload == Workload::Checkout
            || (scenario.workload == Workload::Wallet
                && scenario.world.wallet_write == WalletWrite::Set);
        ValidScenario {
            scenario,
            versioned_reads,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Whether the handler's write is computed from a versioned read of the row.
    pub fn versioned_reads(&self) -> bool {
        self.versioned_reads
    }

    /// Whether writes after a versioned read are conditional (CAS on).
    pub fn conditional_writes(&self) -> bool {
        self.versioned_reads && self.scenario.protections.cas
    }
}

/// Read a value at a dotted path of a JSON object.
pub fn value_at<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(root, |v, part| v.get(part))
}

fn value_at_mut<'a>(root: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.').try_fold(root, |v, part| v.get_mut(part))
}

pub(super) fn check_knob(knob: &Knob, value: &Value) -> Result<(), String> {
    let path = knob.path;
    match knob.kind {
        K::Bool => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| format!("{path} must be true or false")),
        K::Probability => match value.as_f64() {
            Some(p) if (0.0..=1.0).contains(&p) => Ok(()),
            Some(p) => Err(format!(
                "{path} is a probability and must be between 0 and 1, not {p}"
            )),
            None => Err(format!("{path} must be a number between 0 and 1")),
        },
        K::Count { min, max } | K::Duration { min, max } => {
            let unit = if matches!(knob.kind, K::Duration { .. }) {
                " µs"
            } else {
                ""
            };
            match value.as_u64() {
                Some(n) if (min..=max).contains(&n) => Ok(()),
                Some(n) => Err(format!(
                    "{path} must be between {min} and {max}{unit}, not {n}"
                )),
                None => Err(format!(
                    "{path} must be a whole number between {min} and {max}{unit}"
                )),
            }
        }
        K::Signed { min, max } => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(format!(
                "{path} must be a whole number between {min} and {max}"
            )),
        },
        K::Choice(options) => match value.as_str() {
            Some(s) if options.contains(&s) => Ok(()),
            _ => Err(format!("{path} must be one of: {}", options.join(", "))),
        },
    }
}

impl Scenario {
    /// Check every knob's range and the cross-field rules.
    #[inline] // compiled where it is called, with its serde code (see `strict_json`)
    pub fn validate(self) -> Result<ValidScenario, String> {
        let json = serde_json::to_value(&self).map_err(|e| e.to_string())?;
        for knob in KNOBS {
            let value =
                value_at(&json, knob.path).ok_or_else(|| format!("{} is missing", knob.path))?;
            check_knob(knob, value)?;
        }
        if self.network.partitions.len() > MAX_PARTITIONS {
            return Err(format!("at most {MAX_PARTITIONS} partitions are allowed"));
        }
        for p in &self.network.partitions {
            if p.start_us >= p.end_us || p.end_us > MAX_DURATION_US {
                return Err(format!(
                    "a partition must end after it starts and within one hour (got {}..{} µs)",
                    p.start_us, p.end_us
                ));
            }
        }
        if self.client.backoff_max_us < self.client.backoff_base_us {
            return Err("client.backoff_max_us must be at least client.backoff_base_us".into());
        }
        if self.trace && self.max_events > MAX_TRACED_EVENTS {
            return Err(format!(
                "with trace on, max_events can be at most {MAX_TRACED_EVENTS}; turn trace off for bigger runs"
            ));
        }
        Ok(ValidScenario::new(self))
    }

    /// Apply `key=value` overrides; a value is parsed as JSON, else taken as a string.
    #[inline] // compiled where it is called, with its serde code (see `strict_json`)
    pub fn with_override(self, assignment: &str) -> Result<Scenario, String> {
        let (path, raw) = assignment
            .split_once('=')
            .ok_or_else(|| format!("--set needs key=value, got '{assignment}'"))?;
        let path = path.trim();
        let knob = knob_by_path(path)
            .ok_or_else(|| format!("unknown setting '{path}' (run `idemlab keys` to list them)"))?;
        let raw = raw.trim();
        let value: Value = match knob.kind {
            // A choice may be written bare or as a JSON string.
            K::Choice(_) => match serde_json::from_str::<Value>(raw) {
                Ok(quoted @ Value::String(_)) => quoted,
                _ => Value::String(raw.to_string()),
            },
            _ => serde_json::from_str(raw)
                .map_err(|_| format!("{path}: '{raw}' is not a valid value"))?,
        };
        check_knob(knob, &value)?;
        let mut json = serde_json::to_value(&self).map_err(|e| e.to_string())?;
        *value_at_mut(&mut json, path).ok_or_else(|| format!("{path} is missing"))? = value;
        serde_json::from_value(json).map_err(|e| format!("{path}: {e}"))
    }

    /// Parse a scenario from JSON text, strictly (see `strict_json`), as from a link or an
    /// imported file.
    #[inline] // compiled where it is called, with its serde code (see `strict_json`)
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        super::strict_json::scenario_from_json(text)
    }
}
