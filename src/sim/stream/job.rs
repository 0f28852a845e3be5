//! What both jobs do with a record: read it (its processing time, and a pause that may
//! stop the instance), append its invoice to the output topic, and crash at a crash point.

use crate::sim::config::{StreamCrashPoint, StreamMode};
use crate::sim::trace::{Actor, StreamDetail};

use super::events::Event;
use super::faults;
use super::instance::State;
use super::out::Out;
use super::topics::Entry;

/// Read the record at the instance's position and start processing it.
pub fn read(state: &mut State, k: u8, out: &mut Out) {
    let inst = &mut state.instances[k as usize];
    if inst.position >= state.appended {
        inst.waiting = true;
        return;
    }
    let op = inst.position;
    inst.position += 1;
    inst.busy = true;
    state.deliveries[op as usize] += 1;
    let delivery = state.deliveries[op as usize];
    let event = out.event(
        Actor::Job(k),
        Actor::InputTopic,
        op,
        StreamDetail::RecordRead {
            offset: op,
            delivery: delivery.min(u16::MAX as u32) as u16,
        },
    );
    state.reads[op as usize].push((k, event));
    let (time, slow) = faults::processing_time(out.scenario, op, delivery);
    if let Some(fault) = slow {
        out.fault(fault, op, event);
    }
    let mut paused = false;
    let mut pause_us = 0;
    let pause = match out.scenario.stream.mode {
        StreamMode::Kafka => faults::pause(out.scenario, op, delivery),
        // A Flink task that stops answering fails its checkpoint instead: not modelled.
        StreamMode::Flink => None,
    };
    if let Some((length, fault)) = pause {
        let event = out.event(
            Actor::Job(k),
            Actor::Job(k),
            op,
            StreamDetail::Paused {
                pause_ms: (length / 1000).min(u32::MAX as u64) as u32,
            },
        );
        out.fault(fault, op, event);
        inst.pauses.push((out.now, out.now + length, event));
        paused = true;
        pause_us = length;
        let liveness = out.scenario.stream.liveness_timeout_us;
        if length > liveness {
            out.after(liveness, Event::Replace { instance: k });
        }
    }
    out.after(
        pause_us + time,
        Event::Processed {
            instance: k,
            op,
            delivery,
            paused,
        },
    );
}

/// Append an invoice to the output topic and let the reader see what it may.
pub fn append_invoice(state: &mut State, k: u8, op: u32, txn: u32, out: &mut Out) {
    let offset = state.topic.next_offset();
    let event = out.event(
        Actor::OutputTopic,
        Actor::Job(k),
        op,
        StreamDetail::OutputAppended { offset, txn },
    );
    state.topic.append(Entry::Invoice {
        op,
        txn,
        instance: k,
        time: out.now,
        event,
    });
    state.reader.catch_up(&state.topic, &state.coordinator, out);
}

/// Whether the instance crashes at `point` after the `delivery`-th read of `op`; a crash
/// ends it, and the newest instance is replaced after the downtime.
pub fn crashes(
    state: &mut State,
    k: u8,
    op: u32,
    delivery: u32,
    point: StreamCrashPoint,
    out: &mut Out,
) -> bool {
    let Some(fault) = faults::crash(out.scenario, op, delivery, point) else {
        return false;
    };
    let event = out.event(
        Actor::Job(k),
        Actor::Nobody,
        op,
        StreamDetail::Crash { point },
    );
    out.fault(fault, op, event);
    let inst = &mut state.instances[k as usize];
    inst.alive = false;
    inst.busy = false;
    inst.crash = Some((out.now, point, event));
    if inst.replaced_at.is_none() {
        out.after(
            out.scenario.stream.crash.downtime_us,
            Event::Start { instance: k + 1 },
        );
    }
    true
}
