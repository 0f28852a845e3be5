//! Browser tests of runs handed to the worker, driven through the reducer as the app drives
//! it: a big run is pending while the run on screen stays, lands when its result comes back
//! (only the latest asked for), and Cancel puts the settings of the run on screen back. The
//! result is computed here as the worker computes it, through the bytes it sends. Run with
//! the other browser tests (see tests/web.rs).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::preset;
use idempotency_lab::sim::wire::{decode_events, decode_result, encode_result, encode_trace};
use idempotency_lab::sim::ValidScenario;
use idempotency_lab::ui::run_view::{RunView, INLINE_EVENTS};
use idempotency_lab::ui::state::{Action, AppState, NoticeLevel, Runner};
use idempotency_lab::ui::timeline::{Timeline, TimelineBuilder};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

/// Comfortably more than [`INLINE_EVENTS`] events: it goes to the worker.
const BIG: &str = "6000";

fn reduce(state: Rc<AppState>, action: Action) -> Rc<AppState> {
    state.reduce(action)
}

fn set(state: Rc<AppState>, path: &str, raw: &str) -> Rc<AppState> {
    reduce(
        state,
        Action::SetKnob {
            path: path.into(),
            raw: raw.into(),
        },
    )
}

/// The page's state on crash-after-commit, with runs going to the worker.
fn page() -> Rc<AppState> {
    let state = Rc::new(AppState::open_page(""));
    assert_eq!(state.runner, Runner::Worker);
    reduce(state, Action::SelectPreset("crash-after-commit".into()))
}

/// What the worker does with a run, and the page with its bytes.
fn through_the_worker(valid: &ValidScenario) -> Rc<RunView> {
    let result = run(valid);
    let (trace, rest) = (encode_trace(&result.trace), encode_result(&result));
    let mut events = Vec::new();
    decode_events(&trace, &mut events).unwrap();
    let decoded = decode_result(&rest, valid.scenario().clone(), events).unwrap();
    assert_eq!(decoded, result, "the bytes carry the whole run");
    Rc::new(RunView::new(decoded, 1.0))
}

fn finish(state: Rc<AppState>) -> Rc<AppState> {
    let pending = state.pending.clone().expect("a run is pending");
    let run = through_the_worker(&pending.valid);
    reduce(
        state,
        Action::RunFinished {
            seq: pending.seq,
            run,
        },
    )
}

#[wasm_bindgen_test]
fn small_runs_land_at_once_and_big_ones_wait_while_the_run_on_screen_stays() {
    let state = page();
    assert!(state.pending.is_none(), "a preset's run is small");
    let shown = state.run.clone();
    let state = set(state, "operations", BIG);
    let pending = state.pending.clone().expect("a big run goes to the worker");
    assert!(Rc::ptr_eq(&state.run, &shown), "the run on screen stays");
    assert_eq!(
        state.scenario.operations, 6000,
        "the controls show what was asked for"
    );
    assert_eq!(pending.valid.scenario(), &state.scenario);
    // The time cursor still moves on the run on screen.
    let state = reduce(state, Action::StepForward);
    assert_eq!(state.cursor, 1);

    let state = finish(state);
    assert!(state.pending.is_none());
    assert!(state.run.event_count() as u64 > INLINE_EVENTS);
    // The same run as in one go on the page (tests) and natively (tests/wire.rs).
    let inline = Rc::new(AppState::from_fragment(&format!(
        "#{}",
        state.permalink_fragment()
    )));
    assert_eq!(state.run.result, inline.run.result);
}

#[wasm_bindgen_test]
fn only_the_latest_run_asked_for_lands() {
    let state = set(page(), "operations", BIG);
    let first = state.pending.clone().unwrap();
    let state = set(state, "seed", "7");
    let latest = state.pending.clone().unwrap();
    assert_ne!(first.seq, latest.seq);
    assert_eq!(state.scenario.seed, 7);
    assert_eq!(
        state.scenario.operations, 6000,
        "the second change builds on the first"
    );

    let shown = state.run.clone();
    let stale = reduce(
        state.clone(),
        Action::RunFinished {
            seq: first.seq,
            run: through_the_worker(&first.valid),
        },
    );
    assert!(
        Rc::ptr_eq(&stale.run, &shown),
        "a superseded run never lands"
    );
    assert_eq!(stale.pending.as_ref().map(|p| p.seq), Some(latest.seq));

    let landed = finish(stale);
    assert_eq!(landed.run.result.scenario.seed, 7);
    assert_eq!(landed.run.result.scenario.operations, 6000);
    // A small change after a big one lands at once, and the big one is forgotten.
    let state = set(set(page(), "operations", BIG), "operations", "30");
    assert!(state.pending.is_none());
    assert_eq!(state.run.result.scenario.operations, 30);
}

#[wasm_bindgen_test]
fn cancel_and_failure_put_back_the_settings_of_the_run_on_screen() {
    let state = page();
    let shown = state.scenario.clone();
    let state = set(state, "operations", BIG);
    let cancelled = reduce(state.clone(), Action::CancelRun);
    assert!(cancelled.pending.is_none());
    assert_eq!(cancelled.scenario, shown);
    assert_eq!(cancelled.preset, Some("crash-after-commit"));
    assert!(!cancelled.is_edited(), "nothing is left half-changed");
    assert!(cancelled
        .notices
        .all()
        .iter()
        .any(|n| n.level == NoticeLevel::Info && n.text.contains("Run cancelled")));
    // Its result, were it to come, is not wanted any more.
    let seq = state.pending.as_ref().unwrap().seq;
    let late = reduce(
        cancelled.clone(),
        Action::RunFinished {
            seq,
            run: through_the_worker(&state.pending.as_ref().unwrap().valid),
        },
    );
    assert!(Rc::ptr_eq(&late.run, &cancelled.run));

    let failed = reduce(
        state,
        Action::RunFailed {
            seq,
            message: "out of memory".into(),
        },
    );
    assert!(failed.pending.is_none());
    assert_eq!(failed.scenario, shown);
    assert!(failed
        .notices
        .all()
        .iter()
        .any(|n| n.level == NoticeLevel::Error && n.text.contains("out of memory")));
}

#[wasm_bindgen_test]
fn a_big_link_opened_with_the_page_goes_to_the_worker_and_lands_at_its_moment() {
    let inline = AppState::from_fragment("");
    let inline = reduce(
        Rc::new(inline),
        Action::SelectPreset("crash-after-commit".into()),
    );
    let big = set(inline, "operations", BIG);
    let big = reduce(big, Action::NextAnomaly);
    let fragment = format!("#{}", big.permalink_fragment());

    let opened = Rc::new(AppState::open_page(&fragment));
    assert!(
        opened.pending.is_some(),
        "the linked run is computed in the worker"
    );
    assert_eq!(
        opened.scenario.operations, 6000,
        "the controls show the link"
    );
    assert_eq!(
        opened.run.result.scenario,
        AppState::initial().scenario,
        "meanwhile the default run shows"
    );
    let landed = finish(opened);
    assert_eq!(landed.run.result.trace_hash, big.run.result.trace_hash);
    assert_eq!(landed.cursor, big.cursor, "the link's moment");
    assert_eq!(landed.selected_anomaly, big.selected_anomaly);
}

#[wasm_bindgen_test]
fn the_diagram_built_in_slices_is_the_one_built_at_once() {
    let mut scenario = preset("duplicate-email").unwrap().scenario;
    scenario.operations = 300;
    let result = run(&scenario.validate().unwrap());
    let whole = Timeline::new(&result);
    for slice in [1, 7, 1000] {
        let mut builder = TimelineBuilder::new(&result);
        while !builder.feed(slice) {}
        assert_eq!(builder.finish(), whole, "slices of {slice} events");
    }
}
