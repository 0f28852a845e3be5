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

mod strict_reading {
    use crate::sim::config::{thousands, Scenario, MAX_CONFIG_BYTES};

    fn error_of(text: &str) -> String {
        Scenario::from_json(text).expect_err("refused")
    }

    #[test]
    fn only_an_object_is_a_configuration() {
        for text in ["[]", "[\"checkout\",5,3]", "5", "\"checkout\"", "null"] {
            assert!(error_of(text).contains("must be a JSON object"), "{text}");
        }
        assert!(Scenario::from_json("{}").is_ok());
    }

    #[test]
    fn each_section_is_an_object() {
        let e = error_of(r#"{"network":[]}"#);
        assert!(e.contains("network must be a JSON object"), "{e}");
        let e = error_of(r#"{"network":{"partitions":[[0,1000]]}}"#);
        assert!(
            e.contains("network.partitions[0] must be a JSON object"),
            "{e}"
        );
        let e = error_of(r#"{"protections":{"idempotency_key":5}}"#);
        assert!(e.contains("protections.idempotency_key"), "{e}");
    }

    #[test]
    fn a_setting_given_twice_is_refused() {
        let e = error_of(r#"{"clients":3,"clients":63}"#);
        assert!(e.contains("\"clients\" is given twice"), "{e}");
    }

    #[test]
    fn a_wrong_value_names_the_setting_and_its_range() {
        let e = error_of(r#"{"clients":"5"}"#);
        assert!(
            e.contains("clients must be a whole number between 1 and"),
            "{e}"
        );
        assert!(!e.contains("u32"), "{e}");
        let e = error_of(r#"{"network":{"response_loss":2}}"#);
        assert!(e.contains("network.response_loss is a probability"), "{e}");
        let e = error_of(r#"{"nope":1}"#);
        assert!(e.contains("there is no setting \"nope\""), "{e}");
    }

    #[test]
    fn messages_quote_little_and_sizes_are_exact() {
        let long = "x".repeat(48_000);
        let e = error_of(&format!(r#"{{"workload":"{long}"}}"#));
        assert!(e.len() < 300, "{} characters", e.len());
        let big = format!("{{\"seed\":1{}}}", " ".repeat(MAX_CONFIG_BYTES));
        let e = error_of(&big);
        assert!(
            e.contains(&format!("{} bytes", thousands(big.len() as u64))),
            "{e}"
        );
    }

    #[test]
    fn a_choice_can_be_set_bare_or_quoted() {
        let bare = Scenario::default()
            .with_override("network.delay=uniform")
            .unwrap();
        let quoted = Scenario::default()
            .with_override("network.delay=\"uniform\"")
            .unwrap();
        assert_eq!(bare, quoted);
    }
}
