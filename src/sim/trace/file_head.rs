//! Recognising a trace file (`idempotency-lab-trace/…`) from its first bytes.
//!
//! A trace file starts with its format, its scenario and its trace hash, before the
//! operations and the events, so the head of a file of any size is enough to reopen its
//! run: re-running the scenario reproduces the trace, which the hash proves.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::sim::config::Strict;

/// The start every trace format name shares.
const FORMAT_FAMILY: &str = "idempotency-lab-trace/";

/// What the head of a trace file says about its run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceFileHead {
    pub format: String,
    /// The scenario as written in the file (read strictly: no setting twice).
    pub scenario: Value,
    pub trace_hash: String,
}

#[derive(Default)]
struct Found {
    format: Option<String>,
    scenario: Option<Value>,
    trace_hash: Option<String>,
}

impl Found {
    fn complete(&self) -> bool {
        self.format.is_some() && self.scenario.is_some() && self.trace_hash.is_some()
    }
}

/// Reads the top-level object's fields until it has the three it needs, writing them into
/// `Found` as it goes: the rest of the file (perhaps cut off) is never looked at.
struct HeadSeed<'a>(&'a mut Found);

impl<'de> DeserializeSeed<'de> for HeadSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeadSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a trace file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => self.0.format = Some(map.next_value()?),
                "scenario" => self.0.scenario = Some(map.next_value::<Strict>()?.0),
                "trace_hash" => self.0.trace_hash = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if self.0.complete() {
                break;
            }
        }
        Ok(())
    }
}

/// `None` if `head` (the first bytes of a file, possibly cut anywhere) is not a trace
/// file; otherwise the trace's head, or why it cannot be read.
///
/// `#[inline]`: compiled, with the JSON reader it instantiates, in the crate that calls it
/// (the page's, optimised for size in the browser build) rather than in the engine's.
#[inline]
pub fn read_trace_head(head: &str) -> Option<Result<TraceFileHead, String>> {
    let mut found = Found::default();
    let mut reader = serde_json::Deserializer::from_str(head);
    // The map is left unfinished on purpose, so the reader's verdict is not the answer:
    // what was found before it stopped is.
    let _ = HeadSeed(&mut found).deserialize(&mut reader);
    let format = found.format?;
    if !format.starts_with(FORMAT_FAMILY) {
        return None;
    }
    Some(match (found.scenario, found.trace_hash) {
        (Some(scenario), Some(trace_hash)) => Ok(TraceFileHead {
            format,
            scenario,
            trace_hash,
        }),
        _ => Err(format!(
            "it is a trace file ({format}) whose scenario or trace hash could not be read"
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::json::{write_trace, TraceHeader};
    use crate::sim::{run, Scenario};

    fn trace_text() -> (String, String) {
        let valid = Scenario::default().validate().expect("default is valid");
        let result = run(&valid);
        let mut out = Vec::new();
        write_trace(&mut out, &TraceHeader::of(&result), &result.trace).expect("writes");
        (String::from_utf8(out).expect("utf-8"), result.trace_hash)
    }

    #[test]
    fn a_whole_trace_file_gives_its_scenario_and_hash() {
        let (text, hash) = trace_text();
        let head = read_trace_head(&text).expect("a trace").expect("readable");
        assert_eq!(head.trace_hash, hash);
        assert_eq!(head.format, "idempotency-lab-trace/2");
        let scenario: Scenario = serde_json::from_value(head.scenario).expect("a scenario");
        assert_eq!(scenario, Scenario::default());
    }

    #[test]
    fn a_cut_off_trace_file_is_still_recognised_from_its_head() {
        let (text, hash) = trace_text();
        let events = text
            .find("\"operations\":[")
            .expect("operations follow the hash");
        for cut in [events, events + 7, text.len() / 2] {
            let head = read_trace_head(&text[..cut])
                .expect("a trace")
                .expect("readable");
            assert_eq!(head.trace_hash, hash, "cut at {cut}");
        }
        let early = text.find("\"trace_hash\"").expect("hash present");
        assert!(read_trace_head(&text[..early]).expect("a trace").is_err());
    }

    #[test]
    fn other_json_is_not_a_trace() {
        for text in [
            "{\"clients\": 3}",
            "[]",
            "{ not json",
            "",
            "{\"format\": \"something-else/1\", \"scenario\": {}, \"trace_hash\": \"x\"}",
            "{\"format\": 7}",
        ] {
            assert_eq!(read_trace_head(text), None, "{text}");
        }
    }

    #[test]
    fn a_scenario_with_a_setting_twice_is_refused() {
        let text = "{\"format\":\"idempotency-lab-trace/2\",\"scenario\":{\"seed\":1,\"seed\":2},\"trace_hash\":\"x\"}";
        assert!(read_trace_head(text).expect("a trace").is_err());
    }
}
