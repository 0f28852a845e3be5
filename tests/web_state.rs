//! Browser tests of the app's state: links that carry a moment, links that cannot be
//! opened or arrive while a scenario is being edited, imported files and traces, and the
//! notices that say what happened. Run with the other browser tests (see tests/web.rs).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use idempotency_lab::sim::trace::json::{write_trace, TraceHeader};
use idempotency_lab::ui::permalink::base64url_encode;
use idempotency_lab::ui::state::{
    Action, AppState, ImportedFile, NoticeChoice, NoticeLevel, MAX_NOTICES,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn reduce(state: Rc<AppState>, action: Action) -> Rc<AppState> {
    state.reduce(action)
}

fn link(json: &str) -> String {
    format!("#v1={}", base64url_encode(json.as_bytes()))
}

fn has_notice(state: &AppState, level: NoticeLevel, words: &str) -> bool {
    state
        .notices
        .all()
        .iter()
        .any(|n| n.level == level && n.text.contains(words))
}

fn file(name: &str, text: &str) -> ImportedFile {
    ImportedFile {
        name: name.into(),
        size: text.len() as u64,
        text: text.into(),
    }
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

#[wasm_bindgen_test]
fn a_link_keeps_the_cursor_and_the_selected_anomaly() {
    let state = Rc::new(AppState::from_fragment(""));
    let state = reduce(state, Action::SelectPreset("crash-after-commit".into()));
    let state = reduce(state, Action::NextAnomaly);
    let state = reduce(state, Action::NextAnomaly);
    let anomaly = state.selected_anomaly.expect("the preset has anomalies");
    let state = reduce(state, Action::StepBack);
    let fragment = state.permalink_fragment();
    let reopened = AppState::from_fragment(&format!("#{fragment}"));
    assert!(reopened.notices.all().is_empty());
    assert_eq!(reopened.selected_anomaly, Some(anomaly));
    assert_eq!(reopened.cursor, state.cursor);
    assert_eq!(reopened.run.result.trace_hash, state.run.result.trace_hash);
    // While playing the cursor is left out of the link.
    let playing = reduce(state.clone(), Action::TogglePlay);
    assert!(!playing.permalink_fragment().contains(&fragment[3..]));
}

#[wasm_bindgen_test]
fn a_cursor_or_anomaly_past_the_run_is_said_not_silently_dropped() {
    let state = AppState::from_fragment(&link(r#"{"p":"lost-response","c":99999999,"a":4000}"#));
    assert_eq!(state.cursor, state.run.event_count());
    assert_eq!(state.selected_anomaly, None);
    assert!(has_notice(&state, NoticeLevel::Error, "time cursor"));
    assert!(has_notice(&state, NoticeLevel::Error, "anomaly 4001"));
}

#[wasm_bindgen_test]
fn a_broken_link_stays_in_the_address_bar_and_copy_link_gives_the_run_on_screen() {
    let state = AppState::from_fragment("#v1=eyJwIjoibG9zdC1yZXNwb25z");
    assert_eq!(state.preset, Some("lost-response"));
    assert_eq!(
        state.address_hold.as_deref(),
        Some("v1=eyJwIjoibG9zdC1yZXNwb25z")
    );
    assert!(has_notice(
        &state,
        NoticeLevel::Error,
        "left in the address bar"
    ));
    // The run's own link (what Copy link copies) opens the run on screen.
    let own = AppState::from_fragment(&format!("#{}", state.permalink_fragment()));
    assert_eq!(own.run.result.trace_hash, state.run.result.trace_hash);
    assert!(own.address_hold.is_none());
    // Changing anything gives the address bar back to the run.
    let state = set(Rc::new(state), "seed", "5");
    assert!(state.address_hold.is_none());
}

#[wasm_bindgen_test]
fn a_bad_link_arriving_later_keeps_the_run_on_screen() {
    let state = Rc::new(AppState::from_fragment(""));
    let state = reduce(state, Action::SelectPreset("oversell".into()));
    let hash = state.run.result.trace_hash.clone();
    let state = reduce(state, Action::LoadLink("#v1=W10".into()));
    assert_eq!(state.run.result.trace_hash, hash);
    assert_eq!(state.preset, Some("oversell"));
    assert!(has_notice(&state, NoticeLevel::Error, "unchanged"));
}

#[wasm_bindgen_test]
fn a_link_arriving_while_editing_asks_first() {
    let state = Rc::new(AppState::from_fragment(""));
    let edited = set(state, "network.response_loss", "0.1");
    let hash = edited.run.result.trace_hash.clone();
    let other = link(r#"{"p":"oversell"}"#);
    let asked = reduce(edited, Action::LoadLink(other.clone()));
    assert_eq!(asked.run.result.trace_hash, hash, "nothing replaced yet");
    assert_eq!(asked.address_hold.as_deref(), Some(&other[1..]));
    assert!(has_notice(&asked, NoticeLevel::Question, "editing"));

    let kept = reduce(asked.clone(), Action::Choose(NoticeChoice::KeepEdits));
    assert_eq!(kept.run.result.trace_hash, hash);
    assert!(kept.address_hold.is_none());
    assert!(kept.notices.all().is_empty());

    let opened = reduce(asked, Action::Choose(NoticeChoice::OpenPendingLink));
    assert_eq!(opened.preset, Some("oversell"));
    assert!(opened.notices.all().is_empty());

    // Without edits, a link simply opens.
    let fresh = Rc::new(AppState::from_fragment(""));
    let opened = reduce(fresh, Action::LoadLink(other));
    assert_eq!(opened.preset, Some("oversell"));
}

#[wasm_bindgen_test]
fn links_and_files_are_read_the_same_strict_way() {
    for json in [
        "[]",
        r#"{"d":{"clients":3,"clients":63}}"#,
        r#"{"d":{"clients":"5"}}"#,
        r#"{"d":{"network":[]}}"#,
        r#"{"q":1}"#,
    ] {
        let state = AppState::from_fragment(&link(json));
        assert!(
            state
                .notices
                .all()
                .iter()
                .any(|n| n.level == NoticeLevel::Error),
            "{json}"
        );
        let imported = reduce(
            Rc::new(AppState::from_fragment("")),
            Action::Import(file("x.json", json)),
        );
        let settings_json = json
            .strip_prefix(r#"{"d":"#)
            .map(|rest| &rest[..rest.len() - 1]);
        if let Some(settings_json) = settings_json {
            let imported = reduce(
                Rc::new(AppState::from_fragment("")),
                Action::Import(file("x.json", settings_json)),
            );
            assert!(
                has_notice(&imported, NoticeLevel::Error, "Could not import"),
                "{json}"
            );
        }
        assert!(
            has_notice(&imported, NoticeLevel::Error, "x.json"),
            "{json}"
        );
    }
    // A wrong type names the setting, never a Rust type.
    let state = AppState::from_fragment(&link(r#"{"d":{"clients":"5"}}"#));
    let text = &state.notices.all()[0].text;
    assert!(
        !text.contains("u32") && !text.contains("invalid type"),
        "{text}"
    );
}

#[wasm_bindgen_test]
fn a_sweep_configuration_is_changed_to_run_here_and_says_so() {
    let json = r#"{"trace": false, "max_events": 20000000}"#;
    let imported = reduce(
        Rc::new(AppState::from_fragment("")),
        Action::Import(file("sweep.json", json)),
    );
    assert!(imported.scenario.trace);
    assert_eq!(imported.scenario.max_events, 3_000_000);
    assert!(has_notice(
        &imported,
        NoticeLevel::Info,
        "trace is turned on"
    ));
    assert!(has_notice(
        &imported,
        NoticeLevel::Info,
        "20,000,000 to 3,000,000"
    ));
    let linked = AppState::from_fragment(&link(r#"{"d":{"trace":false,"max_events":20000000}}"#));
    assert!(linked.scenario.trace);
    assert!(has_notice(
        &linked,
        NoticeLevel::Info,
        "20,000,000 to 3,000,000"
    ));
}

#[wasm_bindgen_test]
fn malformed_files_get_a_plain_sentence() {
    let state = Rc::new(AppState::from_fragment(""));
    for (text, words) in [
        ("{ not json", "not valid JSON"),
        ("{\"clients\": 3", "cut off"),
        ("", "cut off"),
    ] {
        let after = reduce(state.clone(), Action::Import(file("f.json", text)));
        assert!(has_notice(&after, NoticeLevel::Error, words), "{text}");
        let said = &after.notices.all()[0].text;
        assert!(!said.contains("ident") && !said.contains("EOF"), "{said}");
    }
    let huge = ImportedFile {
        name: "big.json".into(),
        size: 262_145,
        text: "{".repeat(10),
    };
    let after = reduce(state, Action::Import(huge));
    assert!(has_notice(&after, NoticeLevel::Error, "262,145 bytes"));
    assert!(has_notice(&after, NoticeLevel::Error, "262,144 bytes"));
}

#[wasm_bindgen_test]
fn the_apps_own_trace_export_opens_its_run() {
    let state = Rc::new(AppState::from_fragment(""));
    let state = reduce(state, Action::SelectPreset("crash-after-commit".into()));
    let mut text = Vec::new();
    write_trace(
        &mut text,
        &TraceHeader::of(&state.run.result),
        &state.run.result.trace,
    )
    .expect("writes");
    let text = String::from_utf8(text).expect("utf-8");
    let fresh = Rc::new(AppState::from_fragment(""));
    let opened = reduce(fresh.clone(), Action::Import(file("run-trace.json", &text)));
    assert_eq!(opened.run.result.trace_hash, state.run.result.trace_hash);
    assert!(has_notice(&opened, NoticeLevel::Info, "same trace"));
    // Only the head of a big export is read: it still opens.
    let head = ImportedFile {
        name: "big-trace.json".into(),
        size: 50_000_000,
        text: text[..text.len() / 2].to_string(),
    };
    let opened = reduce(fresh.clone(), Action::Import(head));
    assert_eq!(opened.run.result.trace_hash, state.run.result.trace_hash);
    // A trace whose hash does not match says so.
    let tampered = text.replacen(&state.run.result.trace_hash, "0000000000000000", 1);
    let opened = reduce(fresh, Action::Import(file("t.json", &tampered)));
    assert!(has_notice(&opened, NoticeLevel::Error, "not the file's"));
}

#[wasm_bindgen_test]
fn notices_coalesce_and_a_preset_change_clears_them() {
    let mut state = Rc::new(AppState::from_fragment(""));
    for _ in 0..3 {
        state = reduce(
            state,
            Action::Notify {
                level: NoticeLevel::Info,
                text: "Link copied".into(),
            },
        );
    }
    assert_eq!(state.notices.all().len(), 1);
    for i in 0..10 {
        state = reduce(
            state,
            Action::Notify {
                level: NoticeLevel::Error,
                text: format!("e{i}"),
            },
        );
    }
    assert_eq!(state.notices.all().len(), MAX_NOTICES);
    let state = reduce(state, Action::SelectPreset("oversell".into()));
    assert!(state.notices.all().is_empty());
}
