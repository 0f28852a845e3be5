//! Human durations: the exact format reads back to the same microseconds, the parser
//! rejects garbage with a short reason, and every dropdown choice has plain words.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::config::{choice_label, limits, KnobKind, KNOBS};
use idempotency_lab::sim::units::{
    format_duration, format_exact, format_readout, parse_duration, parse_duration_in, DurationError,
};
use proptest::prelude::*;

/// Values a duration knob can hold, weighted towards round ones.
fn in_range() -> impl Strategy<Value = u64> {
    prop_oneof![
        0..=limits::MAX_TTL_US,
        (0u64..=10_080).prop_map(|minutes| minutes * 60_000_000),
        (0u64..=604_800_000).prop_map(|ms| ms * 1_000),
        (0u64..=604_800).prop_map(|s| s * 1_000_000 + 500_000),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn format_then_parse_is_exact(us in in_range()) {
        let text = format_duration(us);
        prop_assert_eq!(parse_duration(&text), Ok(us), "{}", text);
        prop_assert!(text.len() <= 32, "{text} is not short");
    }

    #[test]
    fn every_u64_round_trips(us in any::<u64>()) {
        prop_assert_eq!(parse_duration(&format_duration(us)), Ok(us));
    }

    #[test]
    fn parsing_is_monotonic_in_the_number(a in 0u64..1_000_000, b in 0u64..1_000_000, unit in prop::sample::select(vec!["µs", "ms", "s", "min", "h"])) {
        let (low, high) = (a.min(b), a.max(b));
        let low_us = parse_duration(&format!("{low} {unit}")).unwrap();
        let high_us = parse_duration(&format!("{high} {unit}")).unwrap();
        prop_assert!(low_us <= high_us);
        prop_assert_eq!(low == high, low_us == high_us);
    }

    #[test]
    fn a_bare_number_is_milliseconds(ms in 0u64..=1_000_000_000) {
        prop_assert_eq!(parse_duration(&ms.to_string()), Ok(ms * 1_000));
        prop_assert_eq!(parse_duration(&format!("{ms} ms")), Ok(ms * 1_000));
    }

    #[test]
    fn decimals_are_exact(whole in 0u64..100_000, thousandths in 0u64..1_000) {
        // x.yyy s is whole·10⁶ + yyy·10³ µs; no floating point rounding.
        let text = format!("{whole}.{thousandths:03} s");
        prop_assert_eq!(parse_duration(&text), Ok(whole * 1_000_000 + thousandths * 1_000));
    }

    #[test]
    fn garbage_never_panics_and_the_message_is_short(text in ".{0,200}") {
        if let Err(e) = parse_duration_in("Key TTL", &text, 1_000, limits::MAX_TTL_US) {
            prop_assert!(e.starts_with("Key TTL must be"), "{e}");
            prop_assert!(e.chars().count() < 160, "{e}");
        }
    }

    #[test]
    fn near_misses_parse_to_something_consistent_or_fail(text in "[0-9.,]{0,12} ?(µs|us|ms|s|min|m|h|d|days|x)?( [0-9.]{0,6} ?(ms|s|min)?)?") {
        if let Ok(us) = parse_duration(&text) {
            prop_assert_eq!(parse_duration(&format_duration(us)), Ok(us));
        }
    }

    #[test]
    fn the_readout_never_goes_backwards(a in any::<u64>(), b in any::<u64>()) {
        // Rounding down keeps a running clock monotonic when read back as text.
        let (low, high) = (a.min(b), a.max(b));
        prop_assert!(readout_order(low) <= readout_order(high));
    }
}

/// A readout read back as microseconds (it is written in units the parser knows).
fn readout_order(us: u64) -> u64 {
    parse_duration(&format_readout(us)).expect("a readout parses")
}

#[test]
fn the_format_follows_its_rule() {
    let cases = [
        (0, "0 ms"),
        (250, "250 µs"),
        (1_000, "1 ms"),
        (12_500, "12.5 ms"),
        (300_000, "300 ms"),
        (1_500_000, "1.5 s"),
        (5_000_000, "5 s"),
        (2_000_001, "2.000001 s"),
        (90_000_000, "1 min 30 s"),
        (120_250_000, "2 min 250 ms"),
        (3_600_000_000, "1 h"),
        (5_400_000_000, "1 h 30 min"),
        (86_400_000_000, "24 h"),
        (129_600_000_000, "36 h"),
        (172_800_000_000, "2 days"),
        (limits::MAX_TTL_US, "7 days"),
    ];
    for (us, text) in cases {
        assert_eq!(format_duration(us), text, "{us} µs");
        assert_eq!(parse_duration(text), Ok(us), "{text}");
    }
}

#[test]
fn the_usual_spellings_parse() {
    let cases = [
        ("24 h", 86_400_000_000),
        ("5 s", 5_000_000),
        ("5s", 5_000_000),
        ("300 ms", 300_000),
        ("1.5 s", 1_500_000),
        ("1.5s", 1_500_000),
        ("90 min", 5_400_000_000),
        ("0.25 ms", 250),
        ("250 us", 250),
        ("250 µs", 250),
        ("250 μs", 250),
        // Capitals: ASCII ones, and the Greek capital mu (the micro sign's uppercase).
        ("250 US", 250),
        ("250 µS", 250),
        ("250 ΜS", 250),
        ("250 Μs", 250),
        ("1m30s", 90_000_000),
        ("1 h 30 min", 5_400_000_000),
        ("2 min 0.5 s", 120_500_000),
        ("1.5 h", 5_400_000_000),
        ("7 days", 604_800_000_000),
        ("1 day", 86_400_000_000),
        ("86400000", 86_400_000_000),
        ("86,400,000 ms", 86_400_000_000),
        (" 5 SEC ", 5_000_000),
        (".5 s", 500_000),
    ];
    for (text, us) in cases {
        assert_eq!(parse_duration(text), Ok(us), "{text}");
    }
}

#[test]
fn garbage_is_rejected_with_a_reason() {
    use DurationError::*;
    let cases: [(&str, DurationError); 14] = [
        ("", Empty),
        ("   ", Empty),
        ("-1 s", Negative),
        ("1e3 ms", UnknownUnit("e".into())),
        ("1.2.3 s", NotANumber("1.2.3".into())),
        ("NaN", NotANumber("NaN".into())),
        ("5 parsecs", UnknownUnit("parsecs".into())),
        ("1,5 s", Comma),
        ("1 h 30", MissingUnit),
        ("5 s 1 h", UnitOrder),
        ("5 s 5 s", UnitOrder),
        ("0.0001 ms", TooPrecise),
        ("1.0000005 s", TooPrecise),
        ("99999999999999999999999 h", TooLarge),
    ];
    for (text, error) in cases {
        assert_eq!(parse_duration(text), Err(error), "{text}");
    }
    assert_eq!(parse_duration("18446744073709551616 us"), Err(TooLarge));
    assert_eq!(parse_duration(&"9".repeat(48_000)), Err(TooLong));
}

#[test]
fn messages_name_the_setting_and_the_range() {
    let max = limits::MAX_TTL_US;
    let too_long = parse_duration_in("Key TTL", "8 days", 1_000, max).unwrap_err();
    assert_eq!(
        too_long,
        "Key TTL must be between 1 ms and 7 days; 8 days is too long"
    );
    let too_short = parse_duration_in("Key TTL", "0.5 ms", 1_000, max).unwrap_err();
    assert_eq!(
        too_short,
        "Key TTL must be between 1 ms and 7 days; 500 µs is too short"
    );
    let unit = parse_duration_in("Timeout", "5 parsecs", 1_000, 3_600_000_000).unwrap_err();
    assert_eq!(
        unit,
        "Timeout must be a duration between 1 ms and 1 h: “parsecs” is not a unit (use µs, ms, s, min, h or days)"
    );
    let huge = parse_duration_in("Timeout", &"x".repeat(48_000), 1_000, 3_600_000_000);
    assert!(huge.unwrap_err().len() < 120);
    let quoted = parse_duration_in(
        "Timeout",
        &format!("5 {}", "y".repeat(60)),
        1_000,
        3_600_000_000,
    );
    assert!(quoted.unwrap_err().contains("yyyyyyyyyyyyyyyy…"));
}

#[test]
fn exact_values_and_readouts() {
    assert_eq!(
        format_exact(86_400_000_000),
        "86,400,000 ms (86,400,000,000 µs)"
    );
    assert_eq!(format_exact(12_500), "12.5 ms (12,500 µs)");
    assert_eq!(format_exact(250), "250 µs");
    assert_eq!(format_readout(0), "0 s");
    assert_eq!(format_readout(812_345), "812 ms");
    assert_eq!(format_readout(3_809_334), "3.80 s");
    assert_eq!(format_readout(4_001_312), "4.00 s");
    assert_eq!(format_readout(12_345_678), "12.3 s");
    assert_eq!(format_readout(3_056_412_345), "50 min 56.4 s");
    assert_eq!(format_readout(3_000_000_000), "50 min");
    assert_eq!(format_readout(7_503_000_000), "2 h 5 min 3 s");
    assert_eq!(format_readout(7_200_000_000), "2 h");
}

#[test]
fn every_choice_has_plain_words() {
    for knob in KNOBS {
        if let KnobKind::Choice(options) = knob.kind {
            for option in options {
                let label = choice_label(option);
                assert!(label.is_some(), "{}: no label for {option}", knob.path);
            }
        }
    }
    assert_eq!(choice_label("round_robin"), Some("Round robin"));
    assert_eq!(choice_label("do_nothing"), Some("DO NOTHING"));
    assert_eq!(choice_label("per-operation"), Some("Per operation"));
}
