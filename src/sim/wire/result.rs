//! Everything of a [`RunResult`] but its trace and scenario, as one buffer: fixed-width
//! little-endian numbers, lists and texts prefixed by their length. The reader supplies
//! the scenario (it asked for the run) and the trace (decoded by [`super::trace`]); the
//! operations are generated again from the scenario, as the engine generates them.

use crate::sim::config::Scenario;
use crate::sim::fault_set::{FaultId, FaultKind, FaultRecord};
use crate::sim::oracle::{Anomaly, AnomalyCounts, AnomalyKind};
use crate::sim::outcomes::{Latencies, Outcomes};
use crate::sim::results::{AttemptInfo, Costs, GroundTruth, LiveSizes, OpResult, RunResult};
use crate::sim::trace::TraceEvent;
use crate::sim::workload::generate_operations;

use super::trace::{encode_outcome, outcome};
use super::{Reader, Writer};

/// The run without its trace and scenario.
pub fn encode_result(result: &RunResult) -> Vec<u8> {
    let mut w = Writer::default();
    w.str(&result.trace_hash);
    w.u64(result.events);
    w.bool(result.stopped_at_event_limit);
    w.u64(result.virtual_time_us);
    w.bool(!result.operations.is_empty());
    w.count(result.op_results.len());
    for r in &result.op_results {
        w.u64(r.start_us);
        w.u64(r.end_us);
        w.u8(encode_outcome(r.outcome));
        w.u8(r.attempts);
    }
    w.count(result.attempts.len());
    for a in &result.attempts {
        w.u32(a.op);
        w.u8(a.attempt);
        w.bool(a.key.is_some());
        w.u64(a.key.unwrap_or(0));
        w.u64(a.fingerprint);
        w.bool(a.read_back);
    }
    write_outcomes(&mut w, &result.outcomes);
    w.count(result.anomalies.len());
    for a in &result.anomalies {
        w.u8(a.kind as u8);
        w.u32(a.op);
        w.u64(a.time_us);
        w.count(a.events.len());
        a.events.iter().for_each(|&e| w.u32(e));
        w.str(&a.narrative);
    }
    for kind in AnomalyKind::ALL {
        w.u64(result.anomaly_counts.get(kind));
    }
    write_costs(&mut w, &result.costs);
    let g = &result.ground_truth;
    [
        g.charges,
        g.refunds,
        g.net_charges,
        g.orders,
        g.emails,
        g.published_events,
        g.applied_events,
        g.shipments,
        g.reservations,
        g.releases,
        g.sagas_completed,
        g.sagas_compensated,
        g.sagas_stuck,
    ]
    .into_iter()
    .for_each(|n| w.u64(n));
    w.count(result.conservation.len());
    result.conservation.iter().for_each(|c| w.str(c));
    w.count(result.notes.len());
    result.notes.iter().for_each(|c| w.str(c));
    w.count(result.unknown_took_effect.len());
    result.unknown_took_effect.iter().for_each(|&op| w.u32(op));
    w.u64(result.unknown_took_effect_count);
    let l = &result.live;
    [
        l.operations,
        l.executions,
        l.in_flight,
        l.charges,
        l.rows,
        l.dedup_keys,
        l.key_records,
        l.retired_rounds,
        l.relay_rows,
        l.queue,
        l.parked,
    ]
    .into_iter()
    .for_each(|n| w.u64(n as u64));
    w.u64(l.late_facts);
    w.count(result.faults.len());
    for f in &result.faults {
        w.u8(f.fault.kind as u8);
        f.fault.identity.iter().for_each(|&word| w.u64(word));
        w.u32(f.op);
        w.u8(f.attempt);
        w.u64(f.time_us);
        w.u32(f.event);
    }
    w.bytes
}

/// The run that [`encode_result`] wrote, with its `scenario` and `trace`.
pub fn decode_result(
    bytes: &[u8],
    scenario: Scenario,
    trace: Vec<TraceEvent>,
) -> Result<RunResult, String> {
    let mut r = Reader::new(bytes);
    let trace_hash = r.string()?;
    let events = r.u64()?;
    let stopped_at_event_limit = r.bool()?;
    let virtual_time_us = r.u64()?;
    let with_operations = r.bool()?;
    let op_results = r.list(18, |r| {
        Ok(OpResult {
            start_us: r.u64()?,
            end_us: r.u64()?,
            outcome: match r.u8()? {
                0 => None,
                code => Some(outcome(code)?),
            },
            attempts: r.u8()?,
        })
    })?;
    let attempts = r.list(23, |r| {
        let op = r.u32()?;
        let attempt = r.u8()?;
        let has_key = r.bool()?;
        let key = r.u64()?;
        Ok(AttemptInfo {
            op,
            attempt,
            key: has_key.then_some(key),
            fingerprint: r.u64()?,
            read_back: r.bool()?,
        })
    })?;
    let outcomes = read_outcomes(&mut r)?;
    let anomalies = r.list(21, |r| {
        let code = r.u8()?;
        Ok(Anomaly {
            kind: *AnomalyKind::ALL
                .get(code as usize)
                .ok_or_else(|| format!("no anomaly kind has code {code}"))?,
            op: r.u32()?,
            time_us: r.u64()?,
            events: r.list(4, Reader::u32)?,
            narrative: r.string()?,
        })
    })?;
    let mut anomaly_counts = AnomalyCounts::default();
    for kind in AnomalyKind::ALL {
        anomaly_counts.set(kind, r.u64()?);
    }
    let costs = read_costs(&mut r)?;
    let ground_truth = GroundTruth {
        charges: r.u64()?,
        refunds: r.u64()?,
        net_charges: r.u64()?,
        orders: r.u64()?,
        emails: r.u64()?,
        published_events: r.u64()?,
        applied_events: r.u64()?,
        shipments: r.u64()?,
        reservations: r.u64()?,
        releases: r.u64()?,
        sagas_completed: r.u64()?,
        sagas_compensated: r.u64()?,
        sagas_stuck: r.u64()?,
    };
    let conservation = r.list(4, Reader::string)?;
    let notes = r.list(4, Reader::string)?;
    let unknown_took_effect = r.list(4, Reader::u32)?;
    let unknown_took_effect_count = r.u64()?;
    let mut sizes = [0usize; 11];
    for size in &mut sizes {
        *size = usize::try_from(r.u64()?).unwrap_or(usize::MAX);
    }
    let [operations, executions, in_flight, charges, rows, dedup_keys, key_records, retired_rounds, relay_rows, queue, parked] =
        sizes;
    let live = LiveSizes {
        operations,
        executions,
        in_flight,
        charges,
        rows,
        dedup_keys,
        key_records,
        retired_rounds,
        relay_rows,
        queue,
        parked,
        late_facts: r.u64()?,
    };
    let faults = r.list(50, |r| {
        let code = r.u8()?;
        let kind = *FaultKind::ALL
            .get(code as usize)
            .ok_or_else(|| format!("no fault kind has code {code}"))?;
        let identity = [r.u64()?, r.u64()?, r.u64()?, r.u64()?];
        Ok(FaultRecord {
            fault: FaultId::new(kind, identity),
            op: r.u32()?,
            attempt: r.u8()?,
            time_us: r.u64()?,
            event: r.u32()?,
        })
    })?;
    r.finish()?;
    Ok(RunResult {
        operations: if with_operations {
            generate_operations(&scenario)
        } else {
            Vec::new()
        },
        scenario,
        trace_hash,
        events,
        stopped_at_event_limit,
        virtual_time_us,
        op_results,
        attempts,
        outcomes,
        trace,
        anomalies,
        anomaly_counts,
        costs,
        ground_truth,
        conservation,
        notes,
        unknown_took_effect,
        unknown_took_effect_count,
        live,
        faults,
    })
}

/// Counters, then the latencies: every value with the trace on, the histogram's
/// recorded buckets (value, count) with it off.
fn write_outcomes(w: &mut Writer, o: &Outcomes) {
    w.u64(o.succeeded);
    w.u64(o.failed);
    w.u64(o.unknown);
    match &o.latency {
        Latencies::Exact(values) => {
            w.u8(0);
            w.count(values.len());
            values.iter().for_each(|&v| w.u64(v));
        }
        Latencies::Histogram { histogram, max } => {
            w.u8(1);
            w.u64(*max);
            let buckets: Vec<_> = histogram.iter_recorded().collect();
            w.count(buckets.len());
            for bucket in buckets {
                w.u64(bucket.value_iterated_to());
                w.u32(bucket.count_at_value());
            }
        }
    }
}

fn read_outcomes(r: &mut Reader) -> Result<Outcomes, String> {
    let (succeeded, failed, unknown) = (r.u64()?, r.u64()?, r.u64()?);
    let latency = match r.u8()? {
        0 => Latencies::Exact(r.list(8, Reader::u64)?),
        1 => {
            let max = r.u64()?;
            let mut latency = Latencies::new(false);
            if let Latencies::Histogram {
                histogram,
                max: kept,
            } = &mut latency
            {
                *kept = max;
                for _ in 0..r.count(12)? {
                    let (value, count) = (r.u64()?, r.u32()?);
                    histogram
                        .record_n(value, count)
                        .map_err(|e| format!("a latency bucket cannot be read back: {e:?}"))?;
                }
            }
            latency
        }
        other => return Err(format!("{other} is not a kind of latency record")),
    };
    Ok(Outcomes {
        succeeded,
        failed,
        unknown,
        latency,
    })
}

fn write_costs(w: &mut Writer, c: &Costs) {
    [
        c.db_round_trips,
        c.key_rows_peak,
        c.key_rows_final,
        c.responses_409,
        c.responses_422,
        c.responses_5xx,
        c.client_visible_errors,
        c.client_timeouts,
        c.replays,
        c.provider_calls,
        c.email_calls,
    ]
    .into_iter()
    .for_each(|n| w.u64(n));
    w.count(c.key_rows_series.len());
    for &(time, rows) in &c.key_rows_series {
        w.u64(time);
        w.u64(rows);
    }
}

fn read_costs(r: &mut Reader) -> Result<Costs, String> {
    Ok(Costs {
        db_round_trips: r.u64()?,
        key_rows_peak: r.u64()?,
        key_rows_final: r.u64()?,
        responses_409: r.u64()?,
        responses_422: r.u64()?,
        responses_5xx: r.u64()?,
        client_visible_errors: r.u64()?,
        client_timeouts: r.u64()?,
        replays: r.u64()?,
        provider_calls: r.u64()?,
        email_calls: r.u64()?,
        key_rows_series: r.list(16, |r| Ok((r.u64()?, r.u64()?)))?,
    })
}
