//! Reading a scenario from JSON strictly: one object, each section an object, no setting
//! given twice, and a wrong value reported by its setting and range, never by the name of
//! a Rust type. Links, imported files and the CLI's `--config` all come through here.
//!
//! The functions that read a scenario are `#[inline]` (as are `Scenario::validate`,
//! `with_override` and `from_json`), which compiles them, and the serde code they instantiate
//! for every section of the scenario, in the crate that calls them rather than in the engine's:
//! the browser build optimises the engine's crate for speed and the page's for size, and this
//! code is none of a run (README, "Bundle size").

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::knobs::knob_by_path;
use super::valid::check_knob;
use super::{Partition, Scenario};
use crate::sim::fault_set::FaultSet;

/// The most a configuration may hold.
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;

/// Longest stretch of the input a message quotes.
const QUOTE_CHARS: usize = 60;

/// A JSON value read with duplicate keys refused.
pub(crate) struct Strict(pub(crate) Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the setting \"{}\" is given twice",
                    quote(&key)
                )));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// At most `QUOTE_CHARS` characters of `text`, marked when cut.
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Check `given` against the shape of a scenario (`shape`): wherever the shape has an
/// object (a section, a partition) the input must have one, settings must exist, and each
/// setting's value must fit its knob. serde would otherwise fill a struct from an array,
/// field by field in order.
fn check_shape(given: &Value, shape: &Value, path: &str) -> Result<(), String> {
    if let (Value::Array(items), Value::Array(shapes)) = (given, shape) {
        let Some(item_shape) = shapes.first() else {
            return Ok(());
        };
        return items.iter().enumerate().try_for_each(|(i, item)| {
            let here = format!("{path}[{i}]");
            if !item.is_object() {
                return Err(format!(
                    "{here} must be a JSON object, not {}",
                    kind_of(item)
                ));
            }
            check_shape(item, item_shape, &here)
        });
    }
    let (Value::Object(given), Value::Object(shape)) = (given, shape) else {
        return Ok(());
    };
    for (key, value) in given {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some(expected) = shape.get(key) else {
            return Err(format!(
                "there is no setting \"{}\" (the settings are listed under Configuration, or by `idemlab keys`)",
                quote(&here)
            ));
        };
        if expected.is_object() {
            if !value.is_object() {
                return Err(format!(
                    "{here} must be a JSON object, not {}",
                    kind_of(value)
                ));
            }
            check_shape(value, expected, &here)?;
        } else if expected.is_array() && value.is_array() {
            check_shape(value, expected, &here)?;
        } else if let Some(knob) = knob_by_path(&here) {
            check_knob(knob, value)
                .map_err(|e| format!("{e} (it is {})", quote(&value.to_string())))?;
        }
    }
    Ok(())
}

/// What went wrong reading JSON text, in a plain sentence (never serde's own words).
pub fn plain_json_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let place = format!("line {}, column {}", error.line(), error.column());
    match error.classify() {
        Category::Eof => "the text stops in the middle: it may have been cut off".into(),
        Category::Syntax => format!("it is not valid JSON: something unexpected at {place}"),
        Category::Io => "it could not be read".into(),
        // Our own messages (a setting given twice) are already sentences.
        Category::Data => {
            let message = error.to_string();
            let own = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(text, _)| text);
            quote(own)
        }
    }
}

/// Read JSON text strictly (duplicate keys refused), with plain messages.
#[inline]
pub fn strict_value(text: &str) -> Result<Value, String> {
    let mut reader = serde_json::Deserializer::from_str(text);
    Strict::deserialize(&mut reader)
        .and_then(|Strict(value)| reader.end().map(|()| value))
        .map_err(|e| plain_json_error(&e))
}

/// Parse a scenario from JSON text as from a link or an imported file.
#[inline]
pub fn scenario_from_json(text: &str) -> Result<Scenario, String> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(format!(
            "the configuration is {} bytes; at most {} bytes (256 KB) are accepted",
            thousands(text.len() as u64),
            thousands(MAX_CONFIG_BYTES as u64)
        ));
    }
    scenario_from_value(strict_value(text)?)
}

/// A scenario from an already strictly read JSON value.
#[inline]
pub fn scenario_from_value(value: Value) -> Result<Scenario, String> {
    if !value.is_object() {
        return Err(format!(
            "a scenario must be a JSON object, not {}",
            kind_of(&value)
        ));
    }
    // The default scenario with one partition, so that a partition has a shape too.
    let mut sample = Scenario::default();
    sample.network.partitions.push(Partition {
        start_us: 0,
        end_us: 1,
    });
    // …and a list of faults, so that `only_faults` is a known setting.
    sample.only_faults = Some(FaultSet::default());
    let shape = serde_json::to_value(sample).map_err(|e| e.to_string())?;
    check_shape(&value, &shape, "")?;
    serde_json::from_value(value).map_err(|e| {
        format!(
            "this is not a valid configuration: {}",
            quote(&e.to_string())
        )
    })
}

/// `1234567` → "1,234,567".
#[inline] // only read outside a run: compiled in the caller's crate (for size in the browser)
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
