//! The stream world's run loop: the input topic's appends, job instances starting,
//! reading, writing and committing, the coordinator's timers, and the end of the run with
//! the oracle's verdicts.

use crate::sim::config::{StreamMode, ValidScenario};
use crate::sim::outcomes::Outcomes;
use crate::sim::progress::{Observed, Progress};
use crate::sim::results::{GroundTruth, LiveSizes, RunResult};
use crate::sim::trace::{Actor, StreamDetail};
use crate::sim::units::format_duration;
use crate::sim::workload::generate_operations;

use super::events::Event;
use super::instance::{transactional, Instance, State};
use super::out::{Out, Sinks};
use super::{flink_job, kafka_job, oracle};

/// Most instances a run starts (instance numbers are a byte).
const MAX_INSTANCES: usize = 255;

pub fn run(
    valid: &ValidScenario,
    every: u64,
    observe: &mut dyn FnMut(Progress) -> Observed,
) -> Option<RunResult> {
    let scenario = valid.scenario();
    let mut sinks = Sinks::new(scenario);
    let mut state = State::new(scenario);
    if scenario.operations > 0 {
        sinks.queue.push(0, Event::Append { op: 0 });
    }
    sinks.queue.push(0, Event::Start { instance: 0 });
    let mut next_report = every;
    while let Some((now, event)) = sinks.queue.pop() {
        if sinks.stopped {
            break;
        }
        let mut out = Out {
            now,
            scenario,
            sinks: &mut sinks,
        };
        dispatch(&mut state, event, &mut out);
        if sinks.trace.count >= next_report {
            next_report = sinks.trace.count.saturating_add(every);
            if observe(Progress {
                events: sinks.trace.count,
                operations_ended: state.reader.seen.iter().filter(|s| !s.is_empty()).count() as u64,
            })
            .is_break()
            {
                return None;
            }
        }
    }
    Some(finish(valid, state, sinks))
}

fn dispatch(state: &mut State, event: Event, out: &mut Out) {
    let mode = out.scenario.stream.mode;
    match event {
        Event::Append { op } => {
            state.appended = op + 1;
            out.event(
                Actor::InputTopic,
                Actor::Nobody,
                op,
                StreamDetail::InputAppended { offset: op },
            );
            if op + 1 < state.orders {
                out.after(
                    out.scenario.stream.order_interval_us,
                    Event::Append { op: op + 1 },
                );
            }
            // Whoever waits for input reads on (a zombie too: it finishes its batch).
            for (k, inst) in state.instances.iter_mut().enumerate() {
                if inst.alive && inst.waiting {
                    inst.waiting = false;
                    out.after(0, Event::Next { instance: k as u8 });
                }
            }
        }
        Event::Start { instance } => start(state, instance, out),
        Event::Next { instance } => match mode {
            StreamMode::Kafka => kafka_job::on_next(state, instance, out),
            StreamMode::Flink => flink_job::on_next(state, instance, out),
        },
        Event::Processed {
            instance,
            op,
            delivery,
            paused,
        } => match mode {
            StreamMode::Kafka => {
                kafka_job::on_processed(state, instance, op, delivery, paused, out)
            }
            StreamMode::Flink => flink_job::on_processed(state, instance, op, delivery, out),
        },
        Event::Replace { instance } => {
            // Still silent, and still the newest: the job presumes it dead.
            let inst = &state.instances[instance as usize];
            let silent = inst.pauses.last().is_some_and(|p| p.1 > out.now);
            if inst.alive && silent && instance == state.current() {
                out.after(
                    0,
                    Event::Start {
                        instance: instance + 1,
                    },
                );
            }
        }
        Event::TxnTimeout { txn } => {
            if state.coordinator.on_timeout(txn, &mut state.topic, out) {
                state.reader.catch_up(&state.topic, &state.coordinator, out);
            }
        }
        Event::Barrier { instance } => flink_job::on_barrier(state, instance, out),
        Event::CheckpointDone {
            instance,
            checkpoint,
        } => flink_job::on_checkpoint_done(state, instance, checkpoint, out),
    }
}

/// Start instance `k`, unless it started already, the job was refused, or it restarted
/// too often. A transactional job asking for a longer transaction timeout than the
/// broker allows is refused here, and the run says why.
fn start(state: &mut State, k: u8, out: &mut Out) {
    if k as usize != state.instances.len() || state.rejected.is_some() {
        return;
    }
    let scenario = out.scenario;
    if transactional(scenario) {
        let asked = scenario.protections.stream.timeout_in(scenario.stream.mode);
        let max = scenario.stream.transaction_max_timeout_us;
        if asked > max {
            out.note(
                Actor::Job(k),
                Actor::Coordinator,
                StreamDetail::StartRejected {
                    requested_ms: (asked / 1000).min(u32::MAX as u64) as u32,
                    max_ms: (max / 1000).min(u32::MAX as u64) as u32,
                },
            );
            state.rejected = Some(format!(
                "The job did not start: it asked for a transaction timeout of {} (transaction.timeout.ms), above the broker's maximum of {} (transaction.max.timeout.ms), and the coordinator refused it.",
                format_duration(asked),
                format_duration(max)
            ));
            return;
        }
    }
    if state.instances.len() >= MAX_INSTANCES {
        state.rejected = Some(format!(
            "The job stopped restarting after {MAX_INSTANCES} instances."
        ));
        return;
    }
    let older: Vec<usize> = (0..state.instances.len())
        .filter(|&i| state.instances[i].alive && state.instances[i].replaced_at.is_none())
        .collect();
    state.instances.push(Instance {
        alive: true,
        started_at: out.now,
        ..Instance::default()
    });
    match scenario.stream.mode {
        StreamMode::Kafka => kafka_job::start(state, k, out),
        StreamMode::Flink => flink_job::start(state, k, out),
    }
    let started = state.instances[k as usize].start_event;
    for i in older {
        let inst = &mut state.instances[i];
        inst.replaced_at = Some(out.now);
        inst.replaced_by = k;
        inst.replaced_event = started;
    }
}

fn finish(valid: &ValidScenario, state: State, sinks: Sinks) -> RunResult {
    let scenario = valid.scenario();
    let verdicts = oracle::judge(scenario, &state);
    let mut anomalies = verdicts.anomalies;
    let recorded = sinks.trace.count.min(u32::MAX as u64) as u32;
    for a in &mut anomalies {
        a.events.retain(|&e| e < recorded);
    }
    RunResult {
        scenario: scenario.clone(),
        trace_hash: sinks.trace.hash_hex(),
        events: sinks.trace.count,
        stopped_at_event_limit: sinks.stopped,
        virtual_time_us: sinks.last_active,
        operations: if scenario.trace {
            generate_operations(scenario)
        } else {
            Vec::new()
        },
        op_results: Vec::new(),
        attempts: Vec::new(),
        outcomes: Outcomes::new(scenario.trace),
        trace: sinks.trace.events,
        anomalies,
        anomaly_counts: verdicts.counts,
        costs: Default::default(),
        ground_truth: GroundTruth {
            orders: state.appended as u64,
            published_events: state.topic.invoices,
            applied_events: state.reader.total,
            ..GroundTruth::default()
        },
        conservation: verdicts.conservation,
        notes: state.rejected.into_iter().collect(),
        unknown_took_effect: Vec::new(),
        unknown_took_effect_count: 0,
        live: LiveSizes::default(),
        faults: sinks.faults,
    }
}
