//! Browser tests of the sweep and compare views' logic: the browser's own path to a
//! sweep's samples (`sweep_sample`, through `run_observed`, and the samples' trip through
//! a worker message) gives the CSV of the engine's `SweepSpec::run` and `to_csv`; the
//! sweep form and the comparison survive a permalink; bad values in a link are named in
//! a notice and never stop the scenario from opening. Run with the other browser tests
//! (see tests/web.rs).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use idempotency_lab::sim::scenarios::preset;
use idempotency_lab::sim::sweep::{summarize, to_csv, Sample, SweepSpec};
use idempotency_lab::ui::compare_settings::CompareB;
use idempotency_lab::ui::permalink::{base64url_encode, View};
use idempotency_lab::ui::state::{Action, AppState, NoticeLevel};
use idempotency_lab::ui::sweep_settings::{SweepCost, SweepSettings};
use idempotency_lab::ui::worker::{samples_from_js, samples_to_js, sweep_sample};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn spec(preset_name: &str, knob: &str, from: f64, to: f64, sets: &[&str]) -> SweepSpec {
    let base = preset(preset_name).unwrap().scenario;
    SweepSpec::new(base, knob, from, to, 4, 3, sets).unwrap()
}

#[wasm_bindgen_test]
fn the_browsers_sweep_path_gives_the_engines_csv() {
    for spec in [
        spec(
            "lost-response",
            "network.response_loss",
            0.0,
            0.45,
            &["none", "full", "idempotency-keys"],
        ),
        spec(
            "crash-after-commit",
            "client.timeout_us",
            100_000.0,
            900_000.0,
            &["none", "upsert"],
        ),
        spec(
            "consumer-crash-redelivery",
            "messaging.crash.consumer_after_ship",
            0.0,
            0.3,
            &["none", "dedup-store"],
        ),
    ] {
        let native: Vec<Sample> = spec
            .jobs()
            .into_iter()
            .map(|j| spec.run(j).unwrap())
            .collect();
        let browser: Vec<Sample> = spec
            .jobs()
            .into_iter()
            .map(|j| sweep_sample(&spec, j).unwrap())
            .collect();
        // The samples cross from the worker to the page as numbers in a Float64Array.
        let carried = samples_from_js(&samples_to_js(&browser));
        assert_eq!(carried, native, "{}", spec.knob.path);
        assert_eq!(
            to_csv(&spec, &summarize(&spec, &carried)),
            to_csv(&spec, &summarize(&spec, &native))
        );
    }
}

fn reduce(state: Rc<AppState>, action: Action) -> Rc<AppState> {
    state.reduce(action)
}

fn link(json: &str) -> String {
    format!("#v1={}", base64url_encode(json.as_bytes()))
}

#[wasm_bindgen_test]
fn sweep_and_compare_settings_round_trip_through_the_link() {
    let state = Rc::new(AppState::initial());
    let settings = SweepSettings {
        knob: "client.timeout_us",
        from: 50_000.0,
        to: 800_000.0,
        steps: 5,
        seeds: 7,
        sets: vec!["none", "upsert", "full"],
        cost: SweepCost::Responses409,
    };
    let state = reduce(state, Action::SetSweep(settings.clone()));
    let state = reduce(state, Action::ShowView(View::Sweep));
    let opened = AppState::from_fragment(&format!("#{}", state.permalink_fragment()));
    assert_eq!(opened.view, View::Sweep);
    assert_eq!(opened.sweep.settings, settings);
    assert!(opened.notices.all().is_empty());

    let b = CompareB::Toggle("protections.upsert");
    let state = reduce(state, Action::Compare(b));
    assert_eq!(state.view, View::Compare);
    let b_run = state
        .compare
        .run
        .clone()
        .expect("a small run B is computed at once");
    assert!(b_run.result.scenario.protections.upsert);
    let opened = AppState::from_fragment(&format!("#{}", state.permalink_fragment()));
    assert_eq!(opened.view, View::Compare);
    assert_eq!(opened.compare.b, b);
    assert!(opened.compare.run.is_some());
    // The sweep form travelled with it.
    assert_eq!(opened.sweep.settings, settings);
}

#[wasm_bindgen_test]
fn a_link_with_a_bad_sweep_opens_its_scenario_and_says_why() {
    for (sweep, words) in [
        (
            r#"{"knob":"network.response_loss","from":0,"to":2,"steps":3,"seeds":2,"sets":["none"]}"#,
            "outside",
        ),
        (
            r#"{"knob":"client.jitter","from":0,"to":1,"steps":3,"seeds":2,"sets":["none"]}"#,
            "cannot be swept",
        ),
        (
            r#"{"knob":"network.response_loss","from":0,"to":0.5,"steps":0,"seeds":2,"sets":["none"]}"#,
            "steps",
        ),
        (
            r#"{"knob":"network.response_loss","from":0,"to":0.5,"steps":3,"seeds":2,"sets":["nope"]}"#,
            "unknown protection set",
        ),
        (
            r#"{"knob":"network.response_loss","from":"x","to":0.5,"steps":3,"seeds":2,"sets":["none"]}"#,
            "not a number",
        ),
        (r#"[1,2]"#, "not a list of settings"),
    ] {
        let fragment = link(&format!(
            r#"{{"p":"crash-after-commit","v":"sweep","s":{sweep}}}"#
        ));
        let state = AppState::from_fragment(&fragment);
        assert_eq!(state.preset, Some("crash-after-commit"), "{sweep}");
        assert_eq!(state.view, View::Sweep);
        assert_eq!(
            state.sweep.settings,
            SweepSettings::default_for(&state.scenario)
        );
        assert!(
            state
                .notices
                .all()
                .iter()
                .any(|n| n.level == NoticeLevel::Error && n.text.contains(words)),
            "{sweep}: {:?}",
            state.notices.all()
        );
    }
    let state = AppState::from_fragment(&link(
        r#"{"p":"lost-response","v":"compare","b":"toggle:protections.dedup_store.enabled"}"#,
    ));
    assert!(state
        .notices
        .all()
        .iter()
        .any(|n| n.text.contains("not a protection of the payment workload")));
}

#[wasm_bindgen_test]
fn a_configuration_compared_with_itself_shows_no_difference() {
    let state = Rc::new(AppState::initial());
    let state = reduce(state, Action::Compare(CompareB::Same));
    let b = state.compare.run.clone().unwrap();
    let comparison = idempotency_lab::sim::compare::compare_runs(&state.run.result, &b.result);
    assert!(comparison.identical());
    let state = reduce(state, Action::Compare(CompareB::Set("full")));
    let b = state.compare.run.clone().unwrap();
    let comparison = idempotency_lab::sim::compare::compare_runs(&state.run.result, &b.result);
    assert!(!comparison.identical());
    assert!(comparison.divergence.is_some());
}
