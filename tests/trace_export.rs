//! The trace file: valid JSON, one self-describing object per event, matching the run.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::preset;
use idempotency_lab::sim::trace::json::{write_trace, TraceHeader, TRACE_FORMAT};
use idempotency_lab::sim::trace::{Detail, NO_OP};
use serde_json::Value;

#[test]
fn every_event_is_written_with_its_kind_and_named_fields() {
    for name in ["crash-after-commit", "lost-response", "duplicate-email"] {
        let mut scenario = preset(name).expect("preset").scenario;
        scenario.seed = 4;
        let r = run(&scenario.validate().expect("valid"));
        let mut bytes = Vec::new();
        write_trace(&mut bytes, &TraceHeader::of(&r), &r.trace).expect("written");
        let file: Value = serde_json::from_slice(&bytes).expect("the file is JSON");
        assert_eq!(file["format"], TRACE_FORMAT);
        assert_eq!(file["trace_hash"], r.trace_hash.as_str());
        let events = file["events"].as_array().expect("an event array");
        assert_eq!(events.len(), r.trace.len());
        for (id, (json, event)) in events.iter().zip(&r.trace).enumerate() {
            assert_eq!(json["id"], id);
            assert_eq!(json["time_us"], event.time);
            let kind = serde_json::to_value(event.kind()).unwrap();
            assert_eq!(json["kind"], kind);
            assert_eq!(json.get("op").is_some(), event.op != NO_OP);
            match event.detail {
                Detail::Drop { msg, reason, .. } => {
                    assert_eq!(json["msg"], msg);
                    assert_eq!(json["reason"], serde_json::to_value(reason).unwrap());
                }
                Detail::Send { message, value, .. } => {
                    assert!(json["message"].is_string());
                    if let Some(status) = json.get("status") {
                        assert_eq!(*status, value);
                    }
                    assert!(message as u8 > 0);
                }
                Detail::Charge { charge, amount } => {
                    assert_eq!(
                        (json["charge"].clone(), json["amount"].clone()),
                        (charge.into(), amount.into())
                    );
                }
                Detail::Crash { point } => assert_eq!(json["point"], point.name()),
                Detail::OpEnd { latency_us, .. } => assert_eq!(json["latency_us"], latency_us),
                _ => {}
            }
        }
    }
}
