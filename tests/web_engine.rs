//! The engine in the browser: the same trace hash as natively, and its speed.
#![cfg(target_arch = "wasm32")]

use idempotency_lab::sim::config::limits;
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::preset;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Also checked by the native test `trace_hash_matches_the_recorded_cross_platform_value`.
const LOST_RESPONSE_SEED_1_HASH: &str = include_str!("data/lost-response-seed-1.hash");

#[wasm_bindgen_test]
fn trace_hash_in_the_browser_matches_native() {
    let mut s = preset("lost-response").unwrap().scenario;
    s.seed = 1;
    let r = run(&s.validate().unwrap());
    assert_eq!(r.trace_hash, LOST_RESPONSE_SEED_1_HASH.trim());
    assert!(r
        .anomalies
        .iter()
        .any(|a| a.narrative.contains("charged twice")));
}

/// The benchmark run in wasm. Ignored by default (slow in debug builds); run with
/// `./scripts/lab bench`, which builds it as the app is built: index.html's cargo profile and
/// wasm-opt level. Best of 10: the engine's code reaches V8's optimising tier within a few runs.
#[wasm_bindgen_test]
#[ignore]
fn bench_checkout_events_per_second() {
    let performance = web_sys::window().unwrap().performance().unwrap();
    for trace in [false, true] {
        let mut s = preset("bench-checkout").unwrap().scenario;
        s.trace = trace;
        if trace {
            s.max_events = limits::MAX_TRACED_EVENTS;
        }
        let valid = s.validate().unwrap();
        let mut best = f64::MAX;
        let mut events = 0;
        for _ in 0..10 {
            let start = performance.now();
            events = run(&valid).events;
            best = best.min(performance.now() - start);
        }
        web_sys::console::log_1(
            &format!(
                "wasm bench-checkout trace {}: {events} events, best of 10 {best:.1} ms, {:.2} M events/s",
                if trace { "on" } else { "off" },
                events as f64 / best / 1e3
            )
            .into(),
        );
    }
}
