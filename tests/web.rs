//! Browser tests: run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown`
//! (`./scripts/lab test` does). Native `cargo test` compiles this file to nothing.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use idempotency_lab::ui::App;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh `<div>` appended to the test page's body.
fn mount_app() -> Element {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("the test runs in a browser page");
    let root = document.create_element("div").expect("can create a div");
    document
        .body()
        .expect("the test page has a body")
        .append_child(&root)
        .expect("can append to the body");
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

/// Yields to the browser until `selector` matches inside `root`, or gives up after about 2 s.
async fn wait_for(root: &Element, selector: &str) -> Option<Element> {
    for _ in 0..200 {
        if let Some(found) = root.query_selector(selector).expect("valid selector") {
            return Some(found);
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

fn has_class(element: &Element, class: &str) -> bool {
    element
        .get_attribute("class")
        .is_some_and(|classes| classes.split_whitespace().any(|c| c == class))
}

#[wasm_bindgen_test]
async fn app_renders_its_title() {
    let root = mount_app();
    let heading = wait_for(&root, "h1")
        .await
        .expect("the app renders an <h1> within 2 s");
    assert_eq!(heading.text_content().as_deref(), Some("Idempotency Lab"));
}

mod reducer {
    use std::rc::Rc;

    use idempotency_lab::sim::config::KeyPolicy;
    use idempotency_lab::ui::state::{Action, AppState, ImportedFile, NoticeLevel};
    use wasm_bindgen_test::wasm_bindgen_test;
    use yew::Reducible;

    fn double_charges(state: &AppState) -> u64 {
        state
            .run
            .summary
            .anomalies
            .get("double_charge")
            .copied()
            .unwrap_or(0)
    }

    fn reduce(state: Rc<AppState>, action: Action) -> Rc<AppState> {
        state.reduce(action)
    }

    #[wasm_bindgen_test]
    fn turning_idempotency_keys_on_removes_the_double_charges_of_lost_response() {
        let state = Rc::new(AppState::from_fragment(""));
        assert_eq!(state.preset, Some("lost-response"));
        assert!(!state.scenario.protections.idempotency_key.enabled);
        assert!(double_charges(&state) > 0);

        let state = reduce(
            state,
            Action::SetKnob {
                path: "protections.idempotency_key.enabled".into(),
                raw: "true".into(),
            },
        );
        assert!(state.scenario.protections.idempotency_key.enabled);
        // Keys on the server need keys from the clients: the app sets both, and says so.
        assert_eq!(state.scenario.client.key_policy, KeyPolicy::PerOperation);
        assert!(state
            .notices
            .all()
            .iter()
            .any(|n| n.level == NoticeLevel::Info));
        assert_eq!(double_charges(&state), 0);

        let state = reduce(
            state,
            Action::SetKnob {
                path: "protections.idempotency_key.enabled".into(),
                raw: "false".into(),
            },
        );
        assert!(double_charges(&state) > 0);
    }

    #[wasm_bindgen_test]
    fn an_invalid_value_is_reported_and_keeps_the_last_run() {
        let state = Rc::new(AppState::from_fragment(""));
        let hash = state.run.result.trace_hash.clone();
        let state = reduce(
            state,
            Action::SetKnob {
                path: "network.response_loss".into(),
                raw: "1.5".into(),
            },
        );
        assert!(state.knob_errors.contains_key("network.response_loss"));
        assert_eq!(
            state
                .drafts
                .get("network.response_loss")
                .map(String::as_str),
            Some("1.5")
        );
        assert_eq!(state.run.result.trace_hash, hash);
        assert_eq!(state.scenario.network.response_loss, 0.3);
    }

    #[wasm_bindgen_test]
    fn a_permalink_round_trips_to_the_same_trace_hash() {
        let state = Rc::new(AppState::from_fragment(""));
        let state = reduce(state, Action::SelectPreset("crash-after-commit".into()));
        let state = reduce(
            state,
            Action::SetKnob {
                path: "seed".into(),
                raw: "987654321".into(),
            },
        );
        let state = reduce(
            state,
            Action::SetKnob {
                path: "client.timeout_us".into(),
                raw: "250.5".into(),
            },
        );
        assert_eq!(state.scenario.client.timeout_us, 250_500);
        let fragment = state.permalink_fragment();
        assert!(fragment.starts_with("v1="), "{fragment}");
        let reopened = AppState::from_fragment(&format!("#{fragment}"));
        assert!(reopened.notices.all().is_empty());
        assert_eq!(reopened.preset, Some("crash-after-commit"));
        assert_eq!(reopened.scenario, state.scenario);
        assert_eq!(reopened.run.result.trace_hash, state.run.result.trace_hash);
    }

    #[wasm_bindgen_test]
    fn malformed_links_fall_back_to_the_default_with_a_message() {
        for fragment in [
            "#v1=garbage",
            "#v2=abc",
            "#nonsense",
            "#v1=eyJwIjoibm9wZSJ9",
        ] {
            let state = AppState::from_fragment(fragment);
            assert_eq!(state.preset, Some("lost-response"), "{fragment}");
            assert!(
                state
                    .notices
                    .all()
                    .iter()
                    .any(|n| n.level == NoticeLevel::Error),
                "{fragment}"
            );
        }
        // `{}` is a valid, empty link: the engine's default scenario, without a preset.
        let state = AppState::from_fragment("#v1=e30");
        assert_eq!(state.preset, None);
        assert!(state.notices.all().is_empty());
    }

    #[wasm_bindgen_test]
    fn stepping_and_jumping_to_anomalies_move_the_cursor() {
        let state = Rc::new(AppState::from_fragment(""));
        let state = reduce(state, Action::StepForward);
        assert_eq!(state.cursor, 1);
        let state = reduce(state, Action::StepBack);
        assert_eq!(state.cursor, 0);
        let state = reduce(state, Action::NextAnomaly);
        let first = state.selected_anomaly.expect("lost-response has anomalies");
        assert!(state.cursor > 0);
        let state = reduce(state, Action::NextAnomaly);
        assert_ne!(state.selected_anomaly, Some(first));
        let end = state.run.event_count();
        let state = reduce(state, Action::Seek(end + 100));
        assert_eq!(state.cursor, end);
    }

    #[wasm_bindgen_test]
    fn importing_bad_json_changes_nothing_and_says_why() {
        let state = Rc::new(AppState::from_fragment(""));
        let hash = state.run.result.trace_hash.clone();
        let state = reduce(
            state,
            Action::Import(ImportedFile {
                name: "broken.json".into(),
                size: 19,
                text: "{\"clients\": \"many\"}".into(),
            }),
        );
        assert_eq!(state.run.result.trace_hash, hash);
        assert!(state
            .notices
            .all()
            .iter()
            .any(|n| n.level == NoticeLevel::Error && n.text.contains("broken.json")));
    }
}

mod settings {
    use idempotency_lab::sim::config::knob_by_path;
    use idempotency_lab::ui::permalink::{base64url_decode, base64url_encode};
    use idempotency_lab::ui::settings::{display_value, parse_value};
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A duration field shows human units, reads them back exactly, and still takes a bare
    /// number as milliseconds (the field's old meaning).
    #[wasm_bindgen_test]
    fn durations_convert_exactly() {
        let ttl = knob_by_path("protections.idempotency_key.ttl_us").expect("the TTL knob");
        let shown = |us: u64| {
            display_value(
                ttl,
                &json!({"protections": {"idempotency_key": {"ttl_us": us}}}),
            )
        };
        assert_eq!(shown(86_400_000_000), "24 h");
        assert_eq!(shown(1_500_000), "1.5 s");
        for us in [1_000, 1_001, 12_500, 250_500, 90_000_000, 86_400_000_000] {
            assert_eq!(parse_value(ttl, &shown(us)), Ok(json!(us)));
        }
        assert_eq!(parse_value(ttl, "86400000"), Ok(json!(86_400_000_000u64)));
        assert_eq!(
            parse_value(ttl, "0.25 ms").ok(),
            None,
            "below the 1 ms minimum"
        );
        let timeout = knob_by_path("client.timeout_us").expect("the timeout knob");
        assert_eq!(parse_value(timeout, "0.25 s"), Ok(json!(250_000)));
        let message = parse_value(ttl, &"9".repeat(48_000)).expect_err("too long");
        assert!(message.starts_with("Key TTL must be a duration between 1 ms and 7 days"));
        assert!(message.len() < 200, "{message}");
        assert!(parse_value(ttl, "-3").is_err());
        assert!(parse_value(ttl, "abc").is_err());
    }

    /// A probability is read as Rust reads a number, though the browser parses it (Rust's
    /// float parser stays out of the bundle): the same values, the same refusals.
    #[wasm_bindgen_test]
    fn probabilities_are_read_as_rust_reads_numbers() {
        let loss = knob_by_path("network.request_loss").expect("a probability knob");
        for raw in [
            "0",
            "1",
            "0.3",
            " 0.3 ",
            ".5",
            "1.",
            "+0.25",
            "-0",
            "2.5e-1",
            "5E-1",
            "1e0",
            "0.1e+1",
            "0.30000000000000004",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.000000000000000000000000000000000000000000000000000000000000000000000000001",
        ] {
            let want: f64 = raw.trim().parse().expect("Rust reads it");
            assert_eq!(parse_value(loss, raw), Ok(json!(want)), "{raw:?}");
        }
        for raw in [
            "", ".", "+", "e1", ".e1", "1e", "1e+", "0.5x", "0,5", "0x1", "1_0", "nan", "inf",
            "Infinity", "1.5", "-0.1", "0.5.1", "- 0.5",
        ] {
            assert!(parse_value(loss, raw).is_err(), "{raw:?}");
        }
    }

    #[wasm_bindgen_test]
    fn base64url_round_trips() {
        for text in ["", "a", "ab", "abc", "abcd", "{\"p\":\"lost-response\"}"] {
            let encoded = base64url_encode(text.as_bytes());
            assert!(!encoded.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&encoded).as_deref(), Some(text.as_bytes()));
        }
        assert_eq!(base64url_decode("a"), None);
        assert_eq!(base64url_decode("ab!c"), None);
    }
}

#[wasm_bindgen_test]
async fn the_app_shows_the_double_charges_of_the_default_preset() {
    let root = mount_app();
    let counter = wait_for(&root, "[data-testid=anomaly-double_charge]")
        .await
        .expect("the anomaly panel renders a double-charge counter");
    let count: u64 = counter
        .get_attribute("data-count")
        .and_then(|c| c.parse().ok())
        .expect("the counter has a numeric data-count");
    assert!(count > 0);
    // The run lands at its start, and the counters follow the time cursor: nothing has
    // happened yet, and nothing is called clean either.
    assert_eq!(counter.get_attribute("data-shown").as_deref(), Some("0"));
    assert!(has_class(&counter, "none-yet"));
    let oversell = root
        .query_selector("[data-testid=anomaly-oversell]")
        .expect("valid selector")
        .expect("every kind has a counter");
    assert!(has_class(&oversell, "none-yet") && !has_class(&oversell, "clean"));
    assert!(root
        .query_selector("[data-testid=diagram]")
        .expect("valid selector")
        .is_some());
}

#[wasm_bindgen_test]
async fn the_anomaly_panel_renders_one_counter_per_kind_and_the_explanations() {
    use std::rc::Rc;

    use idempotency_lab::sim::scenarios::preset;
    use idempotency_lab::ui::run_view::RunView;
    use idempotency_lab::ui::{AnomalyPanel, AnomalyPanelProps};

    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("a browser page");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    let scenario = preset("crash-after-commit").expect("preset").scenario;
    let run = Rc::new(RunView::simulate(&scenario.validate().expect("valid")));
    let anomalies = run.result.anomalies.len();
    // At the end of the run the panel shows the whole run.
    let props = AnomalyPanelProps {
        cursor: run.event_count(),
        run,
        show_all: false,
        on_show_all: yew::Callback::noop(),
        selected: Some(0),
        on_select: yew::Callback::noop(),
        on_shrink: None,
    };
    yew::Renderer::<AnomalyPanel>::with_root_and_props(root.clone(), props).render();
    wait_for(&root, "[data-testid=anomaly-duplicate_order].bad")
        .await
        .expect("duplicate orders are counted in red");
    // Every kind an HTTP workload can show; the events and stream workloads' three each
    // and the four only a saga can show (its double charge is the HTTP one) are not counted.
    let counters = root.query_selector_all(".counter").expect("valid selector");
    assert_eq!(
        counters.length() as usize,
        idempotency_lab::sim::oracle::AnomalyKind::ALL.len() - 6 - 4
    );
    assert!(root
        .query_selector("[data-testid=anomaly-stock_leak]")
        .expect("valid selector")
        .is_none());
    assert!(root
        .query_selector("[data-testid=anomaly-duplicate_event_effect]")
        .expect("valid selector")
        .is_none());
    let explanations = root
        .query_selector_all(".explanation")
        .expect("valid selector");
    assert_eq!(explanations.length() as usize, anomalies);
    assert!(root
        .query_selector(".explanation.selected[aria-pressed=true]")
        .expect("valid selector")
        .is_some());
}

#[wasm_bindgen_test]
async fn the_anomaly_panel_counts_what_the_cursor_has_passed() {
    use std::rc::Rc;

    use idempotency_lab::sim::scenarios::preset;
    use idempotency_lab::ui::run_view::RunView;
    use idempotency_lab::ui::{AnomalyPanel, AnomalyPanelProps};

    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("a browser page");
    let scenario = preset("crash-after-commit").expect("preset").scenario;
    let run = Rc::new(RunView::simulate(&scenario.validate().expect("valid")));
    let total = run.result.anomalies.len();
    assert!(total > 2, "the preset has anomalies to count");
    let render = |cursor: usize, show_all: bool| {
        let root = document.create_element("div").expect("a div");
        document
            .body()
            .expect("a body")
            .append_child(&root)
            .expect("appended");
        let props = AnomalyPanelProps {
            run: run.clone(),
            cursor,
            show_all,
            on_show_all: yew::Callback::noop(),
            selected: Some(total - 1),
            on_select: yew::Callback::noop(),
            on_shrink: None,
        };
        yew::Renderer::<AnomalyPanel>::with_root_and_props(root.clone(), props).render();
        root
    };
    let shown = |root: &web_sys::Element| -> usize {
        let counters = root.query_selector_all(".counter").expect("valid selector");
        (0..counters.length())
            .filter_map(|i| counters.item(i))
            .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            .map(|e| {
                e.get_attribute("data-shown")
                    .and_then(|v| v.parse::<usize>().ok())
                    .expect("data-shown")
            })
            .sum()
    };
    let listed = |root: &web_sys::Element| {
        root.query_selector_all(".explanation")
            .expect("valid selector")
            .length() as usize
    };

    // At the start: nothing counted, nothing called clean, only the selected one listed.
    let start = render(0, false);
    wait_for(&start, ".anomaly-summary")
        .await
        .expect("rendered");
    assert_eq!(shown(&start), 0);
    assert!(start
        .query_selector(".counter.clean")
        .expect("valid selector")
        .is_none());
    assert!(start
        .query_selector(".counter.none-yet")
        .expect("valid selector")
        .is_some());
    assert_eq!(listed(&start), 1, "the selected anomaly stays listed");
    let summary = start
        .query_selector(".anomaly-summary")
        .expect("valid selector")
        .expect("a summary");
    assert!(summary
        .text_content()
        .unwrap_or_default()
        .contains("No anomaly so far"));

    // At each anomaly's completion it is counted with those before it.
    for index in 0..total {
        let at = run.completion_cursor(index).expect("a completion");
        let passed = (0..total).filter(|&i| run.anomaly_passed(i, at)).count();
        assert!(run.anomaly_passed(index, at) && !run.anomaly_passed(index, at - 1));
        if index < 3 || index == total / 2 {
            let root = render(at, false);
            wait_for(&root, ".anomaly-summary").await.expect("rendered");
            assert_eq!(shown(&root), passed, "anomaly {index} at cursor {at}");
            // Every one passed is explained, and the selected (last) one as well.
            let selected_ahead = usize::from(!run.anomaly_passed(total - 1, at));
            assert_eq!(listed(&root), passed + selected_ahead);
        }
    }

    // Show all: the whole run at the start.
    let all = render(0, true);
    wait_for(&all, ".anomaly-summary").await.expect("rendered");
    assert_eq!(shown(&all), total);
    assert_eq!(listed(&all), total);
}

mod timeline {
    use idempotency_lab::sim::scenarios::preset;
    use idempotency_lab::sim::trace::{EventKind, MessageKind};
    use idempotency_lab::sim::{run, RunResult};
    use idempotency_lab::ui::timeline::{ArrowEnd, Timeline};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn run_preset(name: &str) -> RunResult {
        let scenario = preset(name).expect("preset").scenario;
        run(&scenario.validate().expect("valid"))
    }

    #[wasm_bindgen_test]
    fn every_send_is_an_arrow_and_every_loss_ends_one() {
        let result = run_preset("lost-response");
        let timeline = Timeline::new(&result);
        let sends = result
            .trace
            .iter()
            .filter(|e| matches!(e.kind(), EventKind::Send | EventKind::Duplicate))
            .count();
        let drops = result
            .trace
            .iter()
            .filter(|e| e.kind() == EventKind::Drop)
            .count();
        assert_eq!(timeline.arrows.len(), sends);
        let lost = timeline
            .arrows
            .iter()
            .filter(|a| matches!(a.end, ArrowEnd::Lost(_)))
            .count();
        assert_eq!(lost, drops);
        assert!(timeline
            .arrows
            .windows(2)
            .all(|w| w[0].start_us <= w[1].start_us));
        assert!(timeline.arrows.iter().all(|a| a.end_us >= a.start_us));
        // Responses carry their status; forwards go from the balancer to a replica.
        assert!(timeline
            .arrows
            .iter()
            .filter(|a| a.kind == MessageKind::Response)
            .all(|a| a.status >= 200));
    }

    #[wasm_bindgen_test]
    fn the_window_query_finds_exactly_the_overlapping_arrows() {
        let result = run_preset("reordered-requests");
        let timeline = Timeline::new(&result);
        let (from, to) = (1_000_000, 1_300_000);
        let found = timeline.arrows_in(from, to).count();
        let expected = timeline
            .arrows
            .iter()
            .filter(|a| a.start_us <= to && a.end_us >= from)
            .count();
        assert_eq!(found, expected);
        assert!(found > 0);
        for arrow in timeline.arrows.iter().take(50) {
            let by_start = timeline.arrow_of_event(arrow.start_event);
            assert_eq!(by_start.map(|a| a.start_event), Some(arrow.start_event));
            if let Some(end) = arrow.end_event {
                assert_eq!(
                    timeline.arrow_of_event(end).map(|a| a.start_event),
                    Some(arrow.start_event)
                );
            }
        }
    }
}

mod event_description {
    use idempotency_lab::sim::config::CrashPoint;
    use idempotency_lab::sim::scenarios::preset;
    use idempotency_lab::sim::trace::{Detail, MessageKind};
    use idempotency_lab::sim::{run, RunResult};
    use idempotency_lab::ui::event_description::describe_event;
    use idempotency_lab::ui::timeline::Timeline;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn run_preset(name: &str) -> RunResult {
        let scenario = preset(name).expect("preset").scenario;
        run(&scenario.validate().expect("valid"))
    }

    /// The descriptions of every event whose detail matches.
    fn described(result: &RunResult, wanted: impl Fn(&Detail) -> bool) -> Vec<String> {
        (0..result.trace.len())
            .filter(|&i| wanted(&result.trace[i].detail))
            .map(|i| describe_event(result, i))
            .collect()
    }

    #[wasm_bindgen_test]
    fn every_event_gets_a_sentence_with_its_time() {
        for name in [
            "lost-response",
            "crash-after-commit",
            "duplicate-email-protected",
            "reordered-requests",
            "concurrent-writers",
        ] {
            let result = run_preset(name);
            for index in 0..result.trace.len() {
                let text = describe_event(&result, index);
                assert!(
                    text.starts_with("t=") && text.contains(" · "),
                    "{name}: {text}"
                );
                assert!(!text.contains("nobody"), "{name}: {text}");
            }
            assert_eq!(
                describe_event(&result, result.trace.len()),
                "Before the first event."
            );
        }
    }

    #[wasm_bindgen_test]
    fn sentences_follow_the_typed_detail() {
        let result = run_preset("lost-response");
        let first = describe_event(&result, 0);
        assert!(first.ends_with("client 1 starts p-1"), "{first}");
        let lost = described(&result, |d| matches!(d, Detail::Drop { .. }));
        assert!(!lost.is_empty());
        assert!(lost
            .iter()
            .all(|t| t.contains("a response p-") && t.ends_with("is lost by the network")));
        let sends = described(&result, |d| {
            matches!(
                d,
                Detail::Send {
                    message: MessageKind::Request,
                    ..
                }
            )
        });
        assert!(sends
            .iter()
            .all(|t| t.contains("sends a request p-") && t.ends_with("to load balancer")));

        let result = run_preset("crash-after-commit");
        let crashes = described(&result, |d| matches!(d, Detail::Crash { .. }));
        assert!(!crashes.is_empty());
        let point = CrashPoint::AfterCommitBeforeResponse.describe();
        assert!(crashes.iter().all(|t| t.ends_with(point)), "{crashes:?}");

        // The outbox row is written by the handler and marked sent by the relay.
        let result = run_preset("duplicate-email-protected");
        let written = described(&result, |d| {
            matches!(d, Detail::OutboxWrite { sent: false, .. })
        });
        let marked = described(&result, |d| {
            matches!(d, Detail::OutboxWrite { sent: true, .. })
        });
        assert!(!written.is_empty() && !marked.is_empty());
        assert!(written
            .iter()
            .all(|t| t.contains("the outbox records an email for")));
        assert!(marked
            .iter()
            .all(|t| t.contains("the outbox relay marks the email for") && t.ends_with("as sent")));
    }

    #[wasm_bindgen_test]
    fn network_copies_of_responses_carry_a_status() {
        let result = run_preset("reordered-requests");
        let timeline = Timeline::new(&result);
        let copies: Vec<_> = timeline
            .arrows
            .iter()
            .filter(|a| a.duplicate && a.kind == MessageKind::Response)
            .collect();
        assert!(!copies.is_empty());
        assert!(copies.iter().all(|a| a.status >= 200));
    }
}

mod diagram_export {
    use idempotency_lab::sim::scenarios::preset;
    use idempotency_lab::sim::{run, RunResult};
    use idempotency_lab::ui::diagram_export::{
        export_svg, parse_range, png_scale, ExportSpec, MAX_ELEMENTS,
    };
    use idempotency_lab::ui::timeline::Timeline;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn run_preset(name: &str) -> RunResult {
        let scenario = preset(name).expect("preset").scenario;
        run(&scenario.validate().expect("valid"))
    }

    fn spec<'a>(
        result: &'a RunResult,
        from_us: u64,
        to_us: u64,
        chain: &'a [u32],
    ) -> ExportSpec<'a> {
        ExportSpec {
            title: "lost-response: payment workload, seed 1",
            trace_hash: &result.trace_hash,
            from_us,
            to_us,
            chain,
            caption: "",
        }
    }

    /// The `<path>`s of the arrows group: one per message.
    fn arrow_count(svg: &str) -> usize {
        let start = svg.find(r#"<g class="arrows">"#).expect("an arrows group");
        let end = start
            + svg[start..]
                .find(r#"<g class="status">"#)
                .expect("statuses after arrows");
        svg[start..end].matches("<path ").count()
    }

    #[wasm_bindgen_test]
    fn the_whole_run_is_drawn_unfaded_with_title_hash_and_legend_in_a_small_file() {
        let result = run_preset("lost-response");
        let timeline = Timeline::new(&result);
        let diagram = export_svg(&timeline, &spec(&result, 0, timeline.end_us, &[])).expect("fits");
        let svg = &diagram.svg;
        assert!(
            svg.starts_with("<?xml") && svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"")
        );
        assert!(svg.contains("lost-response: payment workload, seed 1"));
        assert!(svg.contains(&format!("Trace hash {}", result.trace_hash)));
        assert!(svg.contains(r#"<g class="legend">"#) && svg.contains("lost message"));
        assert_eq!(arrow_count(svg), timeline.arrows.len());
        assert_eq!(diagram.messages, timeline.arrows.len());
        assert_eq!(svg.matches("<use href=").count() - 18, timeline.marks.len());
        assert!(!svg.contains("opacity") && !svg.contains("future") && !svg.contains("style=\""));
        // One stylesheet, and on average well under 60 bytes per drawn item.
        assert_eq!(svg.matches("<style>").count(), 1);
        let items = timeline.arrows.len() + timeline.marks.len();
        let overhead = 9_000;
        assert!(
            svg.len() < overhead + items * 45,
            "{} bytes for {items} items",
            svg.len()
        );
        assert!(diagram.width >= 1_000 && diagram.width <= 16_000 && diagram.height > 200);
    }

    #[wasm_bindgen_test]
    fn a_range_holds_only_what_overlaps_it_and_says_which_range_it_is() {
        let result = run_preset("lost-response");
        let timeline = Timeline::new(&result);
        let (from, to) = parse_range("1 s", "1500 ms", timeline.end_us).expect("a valid range");
        assert_eq!((from, to), (1_000_000, 1_500_000));
        let diagram = export_svg(&timeline, &spec(&result, from, to, &[])).expect("fits");
        let expected = timeline.arrows_in(from, to).count();
        assert!(expected > 0 && expected < timeline.arrows.len());
        assert_eq!(arrow_count(&diagram.svg), expected);
        assert!(diagram.svg.contains("1.00 s to 1.50 s of a"));
    }

    #[wasm_bindgen_test]
    fn the_causal_chain_stays_highlighted() {
        let result = run_preset("lost-response");
        let timeline = Timeline::new(&result);
        let mut chain = result.anomalies[0].events.clone();
        chain.sort_unstable();
        let diagram =
            export_svg(&timeline, &spec(&result, 0, timeline.end_us, &chain)).expect("fits");
        let start = diagram
            .svg
            .find(r#"<g class="chain">"#)
            .expect("a chain group");
        let halo = &diagram.svg[start..start + diagram.svg[start..].find("</g>").unwrap()];
        assert!(halo.contains("<path ") || halo.contains("<circle "));
        assert!(diagram.svg.contains("causal chain"));
    }

    #[wasm_bindgen_test]
    fn a_range_with_too_much_in_it_is_refused_with_advice() {
        let mut scenario = preset("lost-response").expect("preset").scenario;
        scenario.operations = 5_000;
        let result = run(&scenario.validate().expect("valid"));
        let timeline = Timeline::new(&result);
        assert!(timeline.arrows.len() + timeline.marks.len() > MAX_ELEMENTS);
        let error = export_svg(&timeline, &spec(&result, 0, timeline.end_us, &[]))
            .err()
            .expect("too much for one image");
        assert!(error.contains("Choose a narrower range"), "{error}");
    }

    #[wasm_bindgen_test]
    fn custom_ranges_read_human_durations_and_explain_mistakes() {
        assert_eq!(parse_range("0", "300 ms", 5_000_000), Ok((0, 300_000)));
        assert_eq!(
            parse_range("1.5 s", "2s", 5_000_000),
            Ok((1_500_000, 2_000_000))
        );
        assert_eq!(
            parse_range("250 µs", "1 min", 5_000_000),
            Ok((250, 5_000_000))
        );
        let bad = parse_range("soon", "2 s", 5_000_000).unwrap_err();
        assert!(
            bad.starts_with("From: “soon”") && bad.contains("such as 1.5 s"),
            "{bad}"
        );
        let empty = parse_range("2 s", "1 s", 5_000_000).unwrap_err();
        assert!(empty.contains("must be before"), "{empty}");
        let late = parse_range("6 s", "7 s", 5_000_000).unwrap_err();
        assert!(late.contains("The run ends at 5.00 s"), "{late}");
    }

    #[wasm_bindgen_test]
    fn png_canvases_stay_within_browser_limits() {
        assert_eq!(png_scale(3_000, 500), 2.0);
        let scale = png_scale(16_000, 1_800);
        assert!(16_000.0 * scale <= 16_384.0 && 16_000.0 * 1_800.0 * scale * scale <= 100e6);
        assert!(png_scale(16_000, 9_000) * 9_000.0 <= 16_384.0);
    }
}
