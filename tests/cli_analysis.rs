//! `idemlab protections`, `sweep` and `compare` as a user runs them.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn idemlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idemlab"))
        .args(args)
        .output()
        .expect("run idemlab");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn protections_lists_the_named_sets() {
    let (code, out, _) = idemlab(&["protections"]);
    assert_eq!(code, 0);
    for name in [
        "none",
        "full",
        "idempotency-keys",
        "upsert",
        "cas",
        "dedup-store",
        "outbox",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{out}"
        );
    }
}

/// The anomaly rate column of a CSV sweep, per protection set, in knob order.
fn rates(csv: &str, set: &str) -> Vec<f64> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|cols| cols[2] == set)
        .map(|cols| cols[4].parse().unwrap())
        .collect()
}

#[test]
fn a_sweep_shows_none_rising_with_response_loss_and_full_at_zero() {
    let args = [
        "sweep",
        "--preset",
        "lost-response",
        "--knob",
        "network.response_loss",
        "--from",
        "0",
        "--to",
        "0.5",
        "--steps",
        "6",
        "--seeds",
        "8",
        "--protections",
        "none,full",
    ];
    let (code, csv, err) = idemlab(&args);
    assert_eq!(code, 0, "{err}");
    let none = rates(&csv, "none");
    assert_eq!(none.len(), 6);
    assert_eq!(none[0], 0.0);
    assert!(none[5] > none[2] && none[2] > none[0], "{none:?}");
    assert!(rates(&csv, "full").iter().all(|&r| r == 0.0), "{csv}");
    // Every core works on it, and the numbers do not depend on which finished first.
    assert_eq!(idemlab(&args).1, csv);
}

#[test]
fn comparing_a_set_with_itself_shows_no_difference() {
    let (code, out, err) = idemlab(&[
        "compare",
        "--preset",
        "crash-after-commit",
        "--seed",
        "3",
        "--a",
        "full",
        "--b",
        "full",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("identical event for event"), "{out}");
    for line in out.lines().skip(2).filter(|l| !l.starts_with("the two")) {
        assert!(line.trim_end().ends_with(" 0"), "a difference: {line}");
    }
    let (_, out, _) = idemlab(&[
        "compare",
        "--preset",
        "lost-response",
        "--a",
        "none",
        "--b",
        "full",
    ]);
    assert!(
        out.contains("double_charge") && out.contains("first divergence at event"),
        "{out}"
    );
}

#[test]
fn a_bad_sweep_or_compare_is_one_line_and_status_1() {
    for (args, expected) in [
        (
            vec![
                "sweep",
                "--preset",
                "lost-response",
                "--knob",
                "network.response_loss",
                "--from",
                "0",
                "--to",
                "3",
            ],
            "outside",
        ),
        (
            vec![
                "sweep",
                "--preset",
                "lost-response",
                "--knob",
                "client.jitter",
                "--from",
                "0",
                "--to",
                "1",
            ],
            "not a number",
        ),
        (
            vec![
                "sweep",
                "--preset",
                "lost-response",
                "--knob",
                "network.response_loss",
                "--from",
                "0",
                "--to",
                "1",
                "--protections",
                "none,bogus",
            ],
            "unknown protection set",
        ),
        (
            vec![
                "sweep",
                "--preset",
                "lost-response",
                "--knob",
                "network.response_loss",
                "--from",
                "0",
                "--to",
                "1",
                "--seeds",
                "1000",
                "--steps",
                "100",
                "--protections",
                "none,full,cas,upsert",
            ],
            "over the limit",
        ),
        (
            vec![
                "compare",
                "--preset",
                "lost-response",
                "--a",
                "none",
                "--b",
                "bogus",
            ],
            "unknown protection set",
        ),
    ] {
        let (code, out, err) = idemlab(&args);
        assert_eq!(code, 1, "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("idemlab: ") && err.contains(expected),
            "{err}"
        );
    }
}

#[test]
fn shrink_finds_the_one_lost_response_behind_a_double_charge() {
    let dir = std::env::temp_dir().join(format!("idemlab-shrink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("shrunk.json");
    let saved_arg = saved.to_str().unwrap();
    let (code, out, err) = idemlab(&[
        "shrink",
        "--preset",
        "lost-response",
        "--anomaly",
        "1",
        "--out",
        saved_arg,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("needs exactly one fault"), "{out}");
    assert!(out.contains("was lost"), "{out}");
    // The saved scenario reproduces the anomaly with that one fault.
    let (code, run_out, err) = idemlab(&["run", "--config", saved_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(run_out.contains("double_charge 1"), "{run_out}");
    let (code, json, _) = idemlab(&[
        "shrink",
        "--preset",
        "lost-response",
        "--anomaly",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["faults"].as_array().unwrap().len(), 1);
    assert_eq!(report["minimal"], true);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn shrink_refuses_an_anomaly_the_run_does_not_have() {
    for (preset, anomaly, expected) in [
        ("lost-response", "0", "numbered from 1"),
        ("lost-response", "999", "choose one from 1 to"),
        ("lost-response-protected", "1", "no anomaly to shrink"),
    ] {
        let (code, _, err) = idemlab(&["shrink", "--preset", preset, "--anomaly", anomaly]);
        assert_ne!(code, 0);
        assert!(err.contains(expected), "{preset} {anomaly}: {err}");
    }
}

#[test]
fn compare_labels_each_differing_operation() {
    let (code, out, err) = idemlab(&[
        "compare",
        "--preset",
        "lost-response",
        "--a",
        "none",
        "--b",
        "full",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("[same fault, different outcome]"), "{out}");
}
