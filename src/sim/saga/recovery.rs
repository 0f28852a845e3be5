//! The orchestrator's crash and recovery. A crash loses what it held in memory — which
//! requests were outstanding, its timers — and every reply that arrives while it is down;
//! the saga log survives. Recovering, it reads the log and sends the step in flight of
//! every running saga again (its next attempt, under the same per-step key): if the
//! first request was carried out, that is where a duplicate comes from.

use crate::sim::config::SagaCrashPoint;
use crate::sim::trace::{Actor, SagaDetail as S};

use super::events::Event;
use super::oracle::{Fact, Why};
use super::orchestrator::{self, Orchestrator, Phase};
use super::out::Out;

/// Crash at `point` while handling attempt `attempt` of order `op`'s saga.
pub fn crash(o: &mut Orchestrator, op: u32, attempt: u8, point: SagaCrashPoint, out: &mut Out) {
    let event = out.saga(
        Actor::Orchestrator,
        Actor::Nobody,
        op,
        attempt,
        S::Crash { point },
    );
    o.up = false;
    o.incarnation += 1;
    for (index, saga) in o.sagas.iter_mut().enumerate() {
        if saga.phase != Phase::Running {
            continue;
        }
        let action = saga.action;
        out.fact(
            index as u32,
            Fact::Crashed {
                point,
                action,
                in_flight: saga.in_flight,
                at_this_order: index as u32 == op,
            },
            event,
        );
        saga.in_flight = false;
        saga.next_why = Why::AfterRecovery;
    }
    out.after(out.scenario.saga.crash.downtime_us, Event::Recover);
}

/// Back up: re-send the step in flight of every running saga, then start the orders that
/// arrived meanwhile.
pub fn recover(o: &mut Orchestrator, out: &mut Out) {
    o.up = true;
    let running: Vec<u32> = (0..o.sagas.len() as u32)
        .filter(|&op| o.sagas[op as usize].phase == Phase::Running)
        .collect();
    out.note(
        Actor::Orchestrator,
        S::Recovered {
            sagas: running.len() as u32,
        },
    );
    for op in running {
        if !o.up {
            // It crashed again while recovering; the next recovery goes on.
            return;
        }
        if o.sagas[op as usize].phase == Phase::Running {
            orchestrator::send_or_give_up(o, op, out);
        }
    }
    let pending = std::mem::take(&mut o.pending);
    for (i, &op) in pending.iter().enumerate() {
        if !o.up {
            o.pending.extend_from_slice(&pending[i..]);
            return;
        }
        orchestrator::start(o, op, out);
    }
}
