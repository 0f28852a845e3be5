//! `idemlab run`'s summary as text.

use idempotency_lab::sim::config::Workload;
use idempotency_lab::sim::report::Summary;

/// `println!` that ignores a closed pipe instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub fn print_text(s: &Summary) {
    out!(
        "workload {}  seed {}  trace hash {}",
        s.workload,
        s.seed,
        s.trace_hash
    );
    out!(
        "{} events, {} operations, {} virtual time, {:.1} ms wall time{}",
        s.events,
        s.operations,
        idempotency_lab::sim::units::format_readout(s.virtual_time_us),
        s.wall_time_ms,
        if s.stopped_at_event_limit {
            " (stopped at the event limit)"
        } else {
            ""
        }
    );
    if s.workload == Workload::Events.name() {
        // No clients wait for answers here: what happened is in the ground truth.
        let g = &s.ground_truth;
        out!(
            "orders: {} committed, {} records published, {} ledger rows, {} shipments",
            g.orders,
            g.published_events,
            g.applied_events,
            g.shipments
        );
    } else if s.workload == Workload::Stream.name() {
        let g = &s.ground_truth;
        out!(
            "stream: {} input records, {} invoices written to the output topic, {} received by the downstream reader",
            g.orders,
            g.published_events,
            g.applied_events
        );
    } else if s.workload == Workload::Saga.name() {
        // The orchestrator's log says how each saga ended; the services' logs what really
        // happened.
        let g = &s.ground_truth;
        out!(
            "sagas: {} completed, {} compensated, {} stuck, of {} orders",
            g.sagas_completed,
            g.sagas_compensated,
            g.sagas_stuck,
            g.orders
        );
        out!(
            "provider: {} charges, {} refunds; inventory: {} reservations, {} releases; {} shipments",
            g.charges,
            g.refunds,
            g.reservations,
            g.releases,
            g.shipments
        );
    } else {
        let o = &s.client_outcomes;
        out!(
            "clients: {} succeeded, {} failed, {} unknown",
            o.succeeded,
            o.failed,
            o.unknown
        );
        out!(
            "latency: p50 {} ms, p95 {} ms, p99 {} ms",
            s.latency_us.p50 / 1000,
            s.latency_us.p95 / 1000,
            s.latency_us.p99 / 1000
        );
    }
    let found: Vec<String> = s
        .anomalies
        .iter()
        .filter(|(_, &n)| n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    out!(
        "anomalies: {}",
        if found.is_empty() {
            "none".into()
        } else {
            found.join(", ")
        }
    );
    for e in &s.explanations {
        out!("  - {}", e.narrative);
    }
    for note in &s.notes {
        out!("note: {note}");
    }
}
