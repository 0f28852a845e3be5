use super::valid::check_knob;
use super::*;

#[test]
fn default_scenario_is_valid() {
    Scenario::default().validate().unwrap();
}

#[test]
fn every_knob_path_exists_in_the_default() {
    let json = serde_json::to_value(Scenario::default()).unwrap();
    for knob in KNOBS {
        let value = value_at(&json, knob.path).unwrap_or_else(|| panic!("{}", knob.path));
        check_knob(knob, value).unwrap();
    }
}

#[test]
fn probability_out_of_range_is_rejected_with_the_path() {
    let mut s = Scenario::default();
    s.network.response_loss = 1.5;
    let err = s.validate().unwrap_err();
    assert!(err.contains("network.response_loss"), "{err}");
    assert!(err.contains("between 0 and 1"), "{err}");
}

#[test]
fn zero_clients_and_too_many_operations_are_rejected() {
    let s = Scenario {
        clients: 0,
        ..Scenario::default()
    };
    assert!(s.validate().unwrap_err().contains("clients"));
    let s = Scenario {
        operations: 1_000_000,
        ..Scenario::default()
    };
    assert!(s.validate().unwrap_err().contains("operations"));
    let s = Scenario {
        replicas: 9,
        ..Scenario::default()
    };
    assert!(s.validate().unwrap_err().contains("replicas"));
}

#[test]
fn overrides_set_typed_values_and_reject_bad_ones() {
    let s = Scenario::default()
        .with_override("network.response_loss=0.25")
        .unwrap()
        .with_override("client.key_policy=per-attempt")
        .unwrap()
        .with_override("protections.idempotency_key.enabled=true")
        .unwrap();
    assert_eq!(s.network.response_loss, 0.25);
    assert_eq!(s.client.key_policy, KeyPolicy::PerAttempt);
    assert!(s.protections.idempotency_key.enabled);
    assert!(Scenario::default().with_override("network.nope=1").is_err());
    assert!(Scenario::default().with_override("clients=-3").is_err());
    assert!(Scenario::default()
        .with_override("client.key_policy=sometimes")
        .is_err());
    assert!(Scenario::default().with_override("noequals").is_err());
}

#[test]
fn oversized_or_malformed_json_is_rejected() {
    assert!(Scenario::from_json("{").is_err());
    assert!(Scenario::from_json(r#"{"clients": "many"}"#).is_err());
    assert!(Scenario::from_json(r#"{"bogus": 1}"#).is_err());
    let big = format!(
        "{{\"workload\": \"payment\", \"x\": \"{}\"}}",
        "a".repeat(300_000)
    );
    assert!(Scenario::from_json(&big).unwrap_err().contains("KB"));
}
