//! Permalinks: the whole configuration and seed in the URL fragment, compact and versioned.
//!
//! Format `#v1=<base64url of JSON>`, the JSON being `{"p": preset name, "d": {path: value},
//! "c": time cursor, "a": selected anomaly, "v": view, "s": sweep, "b": compare}` with only
//! the settings that differ from the preset (or from the engine default when there is no
//! preset), and the others only when set: `v` is `"sweep"` or `"compare"`, `s` the sweep
//! form (`SweepSettings::to_link`), `b` run B of the compare view (`CompareB::name`).
//! An interview's link is `{"v": "interview", "i": question, "r": revealed, "k": kinds
//! predicted, "x": protections chosen}` and nothing else: the question's setup comes from
//! its number, and no part of the link names its answer (`InterviewLink`).
//! Values are the scenario's own JSON values, so decoding reproduces the scenario exactly,
//! and with it the trace hash. The JSON is read strictly: no key twice, every value named
//! by its setting when it is wrong.

use serde_json::{Map, Value};

use crate::sim::config::{scenario_from_value, strict_value, thousands, value_at, KNOBS};
use crate::sim::Scenario;

use super::adapt::adapt_for_browser;
use super::compare_settings::CompareB;
use super::interview_link::InterviewLink;
use super::settings::{base_scenario, find_preset, set_path, validate_for_browser};
use super::sweep_settings::SweepSettings;

const VERSION_PREFIX: &str = "v1=";
/// Settings outside the knob table that a link still carries (`only_faults`: a shrunk
/// run's faults).
const EXTRA_PATHS: [&str; 2] = ["network.partitions", "only_faults"];
/// Longer fragments are refused before decoding.
const MAX_FRAGMENT_BYTES: usize = 64 * 1024;

/// The moment of a run a link points at: the time cursor and the selected anomaly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moment {
    /// Events that have happened at the cursor (`None`: the start).
    pub cursor: Option<usize>,
    /// Index of the selected anomaly in the run's list.
    pub anomaly: Option<usize>,
}

/// What the page shows: the run, two runs side by side, or a sweep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Run,
    Compare,
    Sweep,
    Interview,
}

impl View {
    pub fn name(self) -> &'static str {
        match self {
            View::Run => "run",
            View::Compare => "compare",
            View::Sweep => "sweep",
            View::Interview => "interview",
        }
    }
}

/// The views' part of a link.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Views {
    pub view: View,
    pub sweep: Option<SweepSettings>,
    pub compare: Option<CompareB>,
    /// The interview on screen (its link leaves the configuration out).
    pub interview: Option<InterviewLink>,
}

/// A configuration read from a link.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedScenario {
    pub preset: Option<&'static str>,
    pub scenario: Scenario,
    pub moment: Moment,
    pub views: Views,
    /// What was changed to run the link's scenario in the browser, one sentence each.
    pub changes: Vec<String>,
    /// Parts of the link about the views that could not be used, each with its reason;
    /// the scenario still opens.
    pub view_problems: Vec<String>,
}

fn all_paths() -> impl Iterator<Item = &'static str> {
    KNOBS.iter().map(|k| k.path).chain(EXTRA_PATHS)
}

/// The fragment (without `#`) for a configuration and a moment of its run.
pub fn encode(preset: Option<&str>, scenario: &Scenario, moment: Moment, views: &Views) -> String {
    if let Some(interview) = &views.interview {
        return interview.fragment();
    }
    let base = serde_json::to_value(base_scenario(preset)).unwrap_or(Value::Null);
    let current = serde_json::to_value(scenario).unwrap_or(Value::Null);
    let diff: Map<String, Value> = all_paths()
        .filter_map(|path| {
            let value = value_at(&current, path)?;
            (value_at(&base, path) != Some(value)).then(|| (path.to_string(), value.clone()))
        })
        .collect();
    let mut link = Map::new();
    if let Some(preset) = preset {
        link.insert("p".into(), Value::from(preset));
    }
    if !diff.is_empty() {
        link.insert("d".into(), Value::Object(diff));
    }
    if let Some(cursor) = moment.cursor {
        link.insert("c".into(), Value::from(cursor));
    }
    if let Some(anomaly) = moment.anomaly {
        link.insert("a".into(), Value::from(anomaly));
    }
    if views.view != View::Run {
        link.insert("v".into(), Value::from(views.view.name()));
    }
    if let Some(sweep) = &views.sweep {
        link.insert("s".into(), sweep.to_link());
    }
    if let Some(compare) = views.compare {
        link.insert("b".into(), Value::from(compare.name()));
    }
    with_prefix(&Value::Object(link))
}

/// A link's JSON as a fragment: `v1=` and the JSON in base64url.
pub fn with_prefix(link: &Value) -> String {
    let json = link.to_string();
    format!("{VERSION_PREFIX}{}", base64url_encode(json.as_bytes()))
}

/// A whole number field of the link (`c`, `a`), if present.
fn index_field(link: &Map<String, Value>, key: &str, what: &str) -> Result<Option<usize>, String> {
    match link.get(key) {
        None => Ok(None),
        Some(value) => value
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("the link's {what} is not a whole number")),
    }
}

/// Read a fragment (with or without `#`). `Ok(None)` means there is no link to read.
pub fn decode(fragment: &str) -> Result<Option<LinkedScenario>, String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return Ok(None);
    }
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err(format!(
            "the link is {} characters long; at most {} are accepted",
            thousands(fragment.len() as u64),
            thousands(MAX_FRAGMENT_BYTES as u64)
        ));
    }
    let Some(payload) = fragment.strip_prefix(VERSION_PREFIX) else {
        return Err(match fragment.split_once('=') {
            Some((version, _)) if version.starts_with('v') && version.len() <= 8 => {
                format!(
                    "the link has format {version}, which this version of the app does not know"
                )
            }
            _ => "it does not start with #v1=, so it is not a link made by this app".into(),
        });
    };
    let damaged =
        "the link is damaged: part of it may have been cut off or changed when it was copied";
    let bytes = base64url_decode(payload).ok_or(damaged)?;
    let text = String::from_utf8(bytes).map_err(|_| damaged)?;
    let link = match strict_value(&text).map_err(|e| format!("the link is damaged: {e}"))? {
        Value::Object(link) => link,
        _ => return Err("the link's data is not a configuration".into()),
    };
    // An interview's parts mean something only in an interview's link.
    let interview = link.contains_key("i") || link.get("v") == Some(&Value::from("interview"));
    let known = |k: &str| {
        ["p", "d", "c", "a", "v", "s", "b"].contains(&k)
            || interview && ["i", "r", "k", "x"].contains(&k)
    };
    if let Some(unknown) = link.keys().find(|k| !known(k)) {
        return Err(format!(
            "the link has a part '{}' this version of the app does not know",
            unknown.chars().take(20).collect::<String>()
        ));
    }
    let preset = match link.get("p") {
        None => None,
        Some(Value::String(name)) => Some(find_preset(name).map(|p| p.name).ok_or_else(|| {
            format!(
                "the link names a preset '{}' that does not exist",
                name.chars().take(40).collect::<String>()
            )
        })?),
        Some(_) => return Err("the link's preset is not a name".into()),
    };
    let mut json = serde_json::to_value(base_scenario(preset)).map_err(|e| e.to_string())?;
    match link.get("d") {
        None => {}
        Some(Value::Object(diff)) => {
            for (path, value) in diff {
                if !all_paths().any(|p| p == path) {
                    return Err(format!(
                        "the link sets '{}', which is not a setting",
                        path.chars().take(40).collect::<String>()
                    ));
                }
                set_path(&mut json, path, value.clone())?;
            }
        }
        Some(_) => return Err("the link's settings are not a list of settings".into()),
    }
    let scenario = scenario_from_value(json)?;
    let (scenario, changes) = adapt_for_browser(scenario);
    let valid = validate_for_browser(scenario)?;
    let (views, view_problems) = decode_views(&link, valid.scenario());
    Ok(Some(LinkedScenario {
        preset,
        scenario: valid.scenario().clone(),
        moment: Moment {
            cursor: index_field(&link, "c", "time cursor")?,
            anomaly: index_field(&link, "a", "anomaly number")?,
        },
        views,
        changes,
        view_problems,
    }))
}

/// The link's view, sweep and comparison; a part that cannot be used is left out and
/// said why, so the scenario still opens.
fn decode_views(link: &Map<String, Value>, scenario: &Scenario) -> (Views, Vec<String>) {
    let mut views = Views::default();
    let mut problems = Vec::new();
    match link.get("v") {
        None => {}
        Some(value) => match [View::Run, View::Compare, View::Sweep, View::Interview]
            .into_iter()
            .find(|v| value.as_str() == Some(v.name()))
        {
            Some(view) => views.view = view,
            None => problems.push("the view it names does not exist".to_string()),
        },
    }
    if views.view == View::Interview || link.contains_key("i") {
        let (interview, mut wrong) = InterviewLink::read(link);
        views.view = View::Interview;
        views.interview = Some(interview);
        problems.append(&mut wrong);
    }
    if let Some(sweep) = link.get("s") {
        match SweepSettings::from_link(sweep, scenario) {
            Ok(settings) => views.sweep = Some(settings),
            Err(e) => problems.push(e),
        }
    }
    if let Some(compare) = link.get("b") {
        match compare
            .as_str()
            .ok_or_else(|| "the comparison is not a name".to_string())
            .and_then(|name| CompareB::parse(name, scenario))
        {
            Ok(b) => views.compare = Some(b),
            Err(e) => problems.push(format!("the comparison: {e}")),
        }
    }
    (views, problems)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |w, (i, &b)| w | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(word >> (18 - 6 * i) & 0x3f) as usize] as char);
        }
    }
    out
}

/// Decode base64url with or without padding; `None` on any invalid character or length.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut word = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let sextet = ALPHABET.iter().position(|&a| a == c)? as u32;
            word |= sextet << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((word >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}
