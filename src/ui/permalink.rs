//! Permalinks: the whole configuration and seed in the URL fragment, compact and versioned.
//!
//! Format `#v1=<base64url of JSON>`, the JSON being `{"p": preset name, "d": {path: value}}`
//! with only the settings that differ from the preset (or from the engine default when
//! there is no preset). Values are the scenario's own JSON values, so decoding reproduces
//! the scenario exactly, and with it the trace hash.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sim::config::{value_at, KNOBS};
use crate::sim::Scenario;

use super::settings::{base_scenario, find_preset, set_path, validate_for_browser};

const VERSION_PREFIX: &str = "v1=";
/// Settings outside the knob table that a link still carries.
const EXTRA_PATHS: [&str; 1] = ["network.partitions"];
/// Longer fragments are refused before decoding.
const MAX_FRAGMENT_BYTES: usize = 64 * 1024;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkV1 {
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    preset: Option<String>,
    #[serde(rename = "d", default, skip_serializing_if = "BTreeMap::is_empty")]
    diff: BTreeMap<String, Value>,
}

/// A configuration read from a link.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedScenario {
    pub preset: Option<&'static str>,
    pub scenario: Scenario,
}

fn all_paths() -> impl Iterator<Item = &'static str> {
    KNOBS.iter().map(|k| k.path).chain(EXTRA_PATHS)
}

/// The fragment (without `#`) for a configuration.
pub fn encode(preset: Option<&str>, scenario: &Scenario) -> String {
    let base = serde_json::to_value(base_scenario(preset)).unwrap_or(Value::Null);
    let current = serde_json::to_value(scenario).unwrap_or(Value::Null);
    let diff = all_paths()
        .filter_map(|path| {
            let value = value_at(&current, path)?;
            (value_at(&base, path) != Some(value)).then(|| (path.to_string(), value.clone()))
        })
        .collect();
    let link = LinkV1 {
        preset: preset.map(str::to_string),
        diff,
    };
    let json = serde_json::to_string(&link).unwrap_or_default();
    format!("{VERSION_PREFIX}{}", base64url_encode(json.as_bytes()))
}

/// Read a fragment (with or without `#`). `Ok(None)` means there is no link to read.
pub fn decode(fragment: &str) -> Result<Option<LinkedScenario>, String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return Ok(None);
    }
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err("the link is too long".into());
    }
    let Some(payload) = fragment.strip_prefix(VERSION_PREFIX) else {
        return Err(match fragment.split_once('=') {
            Some((version, _)) if version.starts_with('v') => {
                format!(
                    "the link has format {version}, which this version of the app does not know"
                )
            }
            _ => "the link does not start with #v1=".into(),
        });
    };
    let bytes = base64url_decode(payload).ok_or("the link's data is not valid base64url")?;
    let text = String::from_utf8(bytes).map_err(|_| "the link's data is not text")?;
    let link: LinkV1 =
        serde_json::from_str(&text).map_err(|e| format!("the link's data is not valid: {e}"))?;
    let preset = match link.preset.as_deref() {
        Some(name) => Some(
            find_preset(name)
                .map(|p| p.name)
                .ok_or_else(|| format!("the link names an unknown preset '{name}'"))?,
        ),
        None => None,
    };
    let mut json = serde_json::to_value(base_scenario(preset)).map_err(|e| e.to_string())?;
    for (path, value) in link.diff {
        if !all_paths().any(|p| p == path) {
            return Err(format!("the link sets an unknown setting '{path}'"));
        }
        set_path(&mut json, &path, value)?;
    }
    let scenario: Scenario = serde_json::from_value(json)
        .map_err(|e| format!("the link's settings are not valid: {e}"))?;
    let valid = validate_for_browser(scenario)
        .map_err(|e| format!("the link's settings are out of range: {e}"))?;
    Ok(Some(LinkedScenario {
        preset,
        scenario: valid.scenario().clone(),
    }))
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
