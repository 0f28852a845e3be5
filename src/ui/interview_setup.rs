//! An interview question's setup, and nothing of its answer: the workload and its size,
//! every timeout, the faults and other settings that differ from the defaults, and the
//! protections configured, in the control panel's words with units.

use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::sim::config::{choice_label, thousands, value_at, Knob, KnobGroup, KnobKind, KNOBS};
use crate::sim::interview::Question;
use crate::sim::units::format_duration;
use crate::sim::Scenario;

use super::settings::scenario_json;

/// Shown whatever their value: the run's size and shape.
const ALWAYS: [&str; 8] = [
    "workload",
    "clients",
    "operations",
    "replicas",
    "client.max_attempts",
    "messaging.mode",
    "messaging.partitions",
    "messaging.consumers",
];
/// Never shown: the seed is the question's own, the others are not part of the problem.
const NEVER: [&str; 3] = ["seed", "trace", "max_events"];

/// Settings of a protection that mean nothing while it is off: its switch, their prefix.
const PARTS: [(&str, &str); 4] = [
    (
        "protections.idempotency_key.enabled",
        "protections.idempotency_key.",
    ),
    (
        "protections.dedup_store.enabled",
        "protections.dedup_store.",
    ),
    ("protections.upsert", "protections.upsert_mode"),
    ("protections.cas", "protections.cas_retries"),
];

/// A value in words: "30%", "300 ms", "Replica memory", "on".
fn words(knob: &Knob, value: &Value) -> String {
    match knob.kind {
        KnobKind::Bool => if value.as_bool() == Some(true) {
            "on"
        } else {
            "off"
        }
        .into(),
        KnobKind::Probability => {
            let percent = format!("{:.1}", value.as_f64().unwrap_or(0.0) * 100.0);
            format!("{}%", percent.trim_end_matches(".0"))
        }
        KnobKind::Duration { .. } => format_duration(value.as_u64().unwrap_or(0)),
        KnobKind::Count { .. } => thousands(value.as_u64().unwrap_or(0)),
        KnobKind::Choice(_) => {
            let raw = value.as_str().unwrap_or_default();
            choice_label(raw).unwrap_or(raw).to_string()
        }
        KnobKind::Signed { .. } => value.to_string(),
    }
}

/// The settings shown, and the protections configured (label, value in words).
type Rows = Vec<(&'static str, String)>;

fn setup_rows(scenario: &Scenario) -> (Rows, Rows) {
    let json = scenario_json(scenario);
    let defaults = scenario_json(&Scenario {
        workload: scenario.workload,
        ..Scenario::default()
    });
    let (mut setup, mut protections) = (Vec::new(), Vec::new());
    for knob in KNOBS
        .iter()
        .filter(|k| k.applies_to(scenario.workload) && !NEVER.contains(&k.path))
    {
        let Some(value) = value_at(&json, knob.path) else {
            continue;
        };
        let unused = PARTS.iter().any(|&(switch, prefix)| {
            knob.path != switch
                && knob.path.starts_with(prefix)
                && value_at(&json, switch) != Some(&Value::Bool(true))
        });
        let shown = ALWAYS.contains(&knob.path)
            || knob.path.contains("timeout")
            || value_at(&defaults, knob.path) != Some(value);
        if unused || !shown {
            continue;
        }
        let row = (knob.label, words(knob, value));
        if knob.group == KnobGroup::Protection {
            protections.push(row);
        } else {
            setup.push(row);
        }
    }
    (setup, protections)
}

#[derive(Properties, PartialEq)]
pub struct InterviewSetupProps {
    pub question: Rc<Question>,
}

#[component(InterviewSetup)]
pub fn interview_setup(props: &InterviewSetupProps) -> Html {
    let rows = use_memo(props.question.clone(), |q| setup_rows(&q.scenario));
    let (setup, protections) = &*rows;
    let list = |rows: &Rows| {
        html! {
            <dl class="setup-list">
                { for rows.iter().map(|(label, value)| html! {
                    <div><dt>{ *label }</dt><dd>{ value.clone() }</dd></div>
                }) }
            </dl>
        }
    };
    html! {
        <div class="interview-setup" data-testid="interview-setup">
            <h3>{ "The setup" }</h3>
            { list(setup) }
            <h3>{ "Protections configured" }</h3>
            if protections.is_empty() {
                <p class="setup-none">{ "None." }</p>
            } else {
                { list(protections) }
            }
        </div>
    }
}
