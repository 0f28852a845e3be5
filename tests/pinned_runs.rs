//! Pins every preset at seeds 1–3: its trace hash, event count, ground-truth totals and
//! anomaly counts. A refactor must keep this file green; a change of behaviour made on
//! purpose regenerates `tests/data/pinned-runs.txt` with `PIN_RUNS_UPDATE=1 cargo test
//! --test pinned_runs` and says in its commit why each changed line changed.
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write as _;

use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::presets;

const PINNED: &str = "tests/data/pinned-runs.txt";

fn current() -> String {
    let mut out = String::new();
    for preset in presets() {
        for seed in 1..=3 {
            let mut scenario = preset.scenario.clone();
            scenario.seed = seed;
            let r = run(&scenario.validate().expect("valid preset"));
            let anomalies: Vec<String> = r
                .anomaly_counts
                .by_name()
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(kind, n)| format!("{kind}={n}"))
                .collect();
            writeln!(
                out,
                "{} {seed} {} events={} charges={} orders={} emails={} [{}] report={:016x}",
                preset.name,
                r.trace_hash,
                r.events,
                r.ground_truth.net_charges,
                r.ground_truth.orders,
                r.ground_truth.emails,
                anomalies.join(","),
                digest(&format!("{:?}{:?}{:?}", r.anomalies, r.costs, r.op_results))
            )
            .expect("write to a string");
        }
    }
    out
}

/// FNV-1a of the anomalies (with their narratives and events), the costs and the client
/// outcomes, so that a change in any of them shows.
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01B3)
    })
}

#[test]
fn every_preset_run_matches_its_pinned_line() {
    let now = current();
    if std::env::var_os("PIN_RUNS_UPDATE").is_some() {
        std::fs::write(PINNED, &now).expect("write pinned runs");
        return;
    }
    let pinned = std::fs::read_to_string(PINNED).expect("pinned runs file");
    let changed: Vec<String> = pinned
        .lines()
        .zip(now.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("pinned: {a}\n   now: {b}"))
        .collect();
    assert_eq!(
        pinned.lines().count(),
        now.lines().count(),
        "preset list changed"
    );
    assert!(
        changed.is_empty(),
        "{} runs changed:\n{}",
        changed.len(),
        changed.join("\n")
    );
}
