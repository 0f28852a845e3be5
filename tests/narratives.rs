//! Every sentence the oracle writes is checked against the trace, clause by clause, for
//! every preset over 50 seeds: each time it names is the time of an event in the
//! anomaly's chain, each crash, copy, refund or retry it names is an event of that kind in
//! the chain or of that operation, and each "no protection" clause matches the scenario.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::oracle::format_time;
use idempotency_lab::sim::run;
use idempotency_lab::sim::scenarios::presets;
use idempotency_lab::sim::trace::{
    Detail, EventKind, MessagingDetail, SagaDetail, StreamDetail, NO_TXN,
};

#[test]
fn every_clause_names_events_of_the_chain_that_are_true_of_it() {
    let mut checked = 0;
    for p in presets()
        .into_iter()
        .filter(|p| p.scenario.operations <= 1_000)
    {
        for seed in 0..50 {
            let mut s = p.scenario.clone();
            s.seed = seed;
            let r = run(&s.validate().expect("valid preset"));
            let cfg = &r.scenario;
            for a in &r.anomalies {
                let n = &a.narrative;
                let context = || format!("{} seed {seed}: {n}", p.name);
                assert!(!a.events.is_empty(), "{}", context());
                let chain: Vec<_> = a
                    .events
                    .iter()
                    .map(|&id| r.trace.get(id as usize).copied().expect("a chain event"))
                    .collect();
                let times: Vec<String> = chain
                    .iter()
                    .map(|e| format!("t={}", format_time(e.time)))
                    .collect();
                // Every time named is the time of an event in the chain.
                for (i, _) in n.match_indices("t=") {
                    let rest = &n[i..];
                    let end = rest
                        .find([',', ':', ';', ' ', ')'])
                        .map_or(rest.len(), |e| e);
                    let unit_end = rest[end..]
                        .find([',', ':', ';', ')', '.'])
                        .map_or(rest.len(), |u| end + u);
                    let named = rest[..unit_end.min(rest.len())].trim_end_matches(['.', ' ']);
                    let named = named
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ");
                    assert!(
                        times.contains(&named),
                        "{}\n  names {named}, chain times {times:?}",
                        context()
                    );
                }
                let of_op =
                    |kind: EventKind| r.trace.iter().any(|e| e.op == a.op && e.kind() == kind);
                let in_chain = |kind: EventKind| chain.iter().any(|e| e.kind() == kind);
                let process_crash = chain.iter().any(|e| {
                    matches!(
                        e.detail,
                        Detail::Messaging(MessagingDetail::Crash { .. })
                            | Detail::Stream(StreamDetail::Crash { .. })
                            | Detail::Saga(SagaDetail::Crash { .. })
                    )
                });
                if n.contains("crashed") {
                    assert!(in_chain(EventKind::Crash) || process_crash, "{}", context());
                }
                if n.contains("made by the network") || n.contains("delivered attempt") {
                    assert!(in_chain(EventKind::Duplicate), "{}", context());
                }
                if n.contains("retried") {
                    assert!(
                        of_op(EventKind::Retry) || of_op(EventKind::ExternalTimeout),
                        "{}",
                        context()
                    );
                }
                if n.contains("no fingerprint check") {
                    assert!(
                        !cfg.protections.idempotency_key.fingerprint_check,
                        "{}",
                        context()
                    );
                }
                if n.contains("no CAS versioning")
                    || n.contains("no version check")
                    || n.contains("not conditional")
                {
                    assert!(!cfg.protections.cas, "{}", context());
                }
                if n.contains("key propagation is off") {
                    assert!(!cfg.protections.key_propagation, "{}", context());
                }
                if n.contains("does not check idempotency keys") {
                    assert!(!cfg.protections.idempotency_key.enabled, "{}", context());
                }
                if n.contains("kept in replica") {
                    assert_eq!(
                        cfg.protections.idempotency_key.store,
                        idempotency_lab::sim::config::KeyStoreLocation::Memory,
                        "{}",
                        context()
                    );
                }
                // The stream workload's clauses.
                let stream = &cfg.protections.stream;
                if n.contains("random per start") {
                    assert!(!stream.stable_transactional_id, "{}", context());
                }
                if n.contains("(read_uncommitted)") {
                    assert!(!stream.read_committed, "{}", context());
                }
                if n.contains("(read_committed)") {
                    assert!(stream.read_committed, "{}", context());
                }
                if n.contains("outside any transaction") {
                    assert!(
                        chain.iter().any(|e| matches!(
                            e.detail,
                            Detail::Stream(StreamDetail::OutputAppended { txn: NO_TXN, .. })
                        )),
                        "{}",
                        context()
                    );
                }
                if n.contains("paused at") {
                    assert!(
                        chain.iter().any(|e| matches!(
                            e.detail,
                            Detail::Stream(StreamDetail::Paused { .. })
                        )),
                        "{}",
                        context()
                    );
                }
                if n.contains("aborted by the coordinator") {
                    assert!(
                        chain.iter().any(|e| matches!(
                            e.detail,
                            Detail::Stream(StreamDetail::Aborted {
                                reason: idempotency_lab::sim::trace::AbortReason::Timeout,
                                ..
                            })
                        )),
                        "{}",
                        context()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1_000, "only {checked} sentences checked");
}
