//! Engine throughput on the fixed large runs: `bench-checkout` (the HTTP world) with
//! tracing off and on, and the trace's bytes per event; `bench-events` (the messaging
//! world) with tracing off.
//!
//! `cargo bench --bench engine`

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Duration;

    use criterion::{Criterion, Throughput};
    use idempotency_lab::sim::scenarios::preset;
    use idempotency_lab::sim::trace::json::{write_trace, TraceHeader};
    use idempotency_lab::sim::trace::TraceEvent;
    use idempotency_lab::sim::{config::limits, run, Scenario};

    fn bench_scenario(trace: bool) -> Scenario {
        let mut s = preset("bench-checkout").expect("bench preset").scenario;
        s.trace = trace;
        if trace {
            s.max_events = limits::MAX_TRACED_EVENTS;
        }
        s
    }

    pub fn engine(c: &mut Criterion) {
        let mut group = c.benchmark_group("bench-checkout");
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(20));
        for trace in [false, true] {
            let valid = bench_scenario(trace).validate().expect("valid");
            let probe = run(&valid);
            group.throughput(Throughput::Elements(probe.events));
            let name = if trace { "trace on" } else { "trace off" };
            group.bench_function(name, |b| b.iter(|| run(&valid).events));
            if trace {
                let mut json = Vec::new();
                write_trace(&mut json, &TraceHeader::of(&probe), &probe.trace)
                    .expect("a trace writes into memory");
                let attempts = probe.attempts.len() * std::mem::size_of_val(&probe.attempts[0]);
                println!(
                    "trace: {} events, {} B per event in memory ({} B with the attempt table), {:.1} B per event as JSON",
                    probe.events,
                    std::mem::size_of::<TraceEvent>(),
                    (probe.trace.len() * std::mem::size_of::<TraceEvent>() + attempts) / probe.trace.len(),
                    json.len() as f64 / probe.events as f64
                );
            }
        }
        group.finish();
        let mut group = c.benchmark_group("bench-events");
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(20));
        let valid = preset("bench-events")
            .expect("bench preset")
            .scenario
            .validate()
            .expect("valid");
        group.throughput(Throughput::Elements(run(&valid).events));
        group.bench_function("trace off", |b| b.iter(|| run(&valid).events));
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, native::engine);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
