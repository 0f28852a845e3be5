//! The saga world: the orchestrator, its three services, the event queue and the run
//! loop of the `saga` workload. `dispatch` hands each event to its handler; handlers write
//! their effects through [`Out`].

use crate::sim::config::ValidScenario;
use crate::sim::outcomes::Outcomes;
use crate::sim::progress::{Observed, Progress};
use crate::sim::results::{GroundTruth, LiveSizes, RunResult};
use crate::sim::trace::{Actor, DropReason};
use crate::sim::workload::generate_operations;

use super::events::{Body, Envelope, Event};
use super::oracle::{self, Fact, SagaTruth};
use super::orchestrator::{self, Orchestrator, Phase};
use super::out::{Out, Sinks};
use super::recovery;
use super::service::{self, Service};

struct Actors {
    orchestrator: Orchestrator,
    inventory: Service,
    provider: Service,
    shipping: Service,
}

pub fn run(
    valid: &ValidScenario,
    every: u64,
    observe: &mut dyn FnMut(Progress) -> Observed,
) -> Option<RunResult> {
    let scenario = valid.scenario();
    let orders = scenario.operations;
    let mut sinks = Sinks::new(scenario);
    let mut actors = Actors {
        orchestrator: Orchestrator::new(orders),
        inventory: Service::new(Actor::Inventory, orders),
        provider: Service::new(Actor::Provider, orders),
        shipping: Service::new(Actor::Shipping, orders),
    };
    for op in 0..orders {
        let at = op as u64 * scenario.saga.order_interval_us;
        sinks.queue.push(at, Event::StartSaga { op });
    }
    let mut next_report = every;
    while let Some((time, event)) = sinks.queue.pop() {
        if sinks.stopped {
            break;
        }
        let mut out = Out {
            now: time,
            scenario,
            sinks: &mut sinks,
        };
        actors.dispatch(event, &mut out);
        if sinks.trace.count >= next_report {
            next_report = sinks.trace.count.saturating_add(every);
            let ended = actors
                .orchestrator
                .sagas
                .iter()
                .filter(|s| !matches!(s.phase, Phase::NotStarted | Phase::Running))
                .count() as u64;
            if observe(Progress {
                events: sinks.trace.count,
                operations_ended: ended,
            })
            .is_break()
            {
                return None;
            }
        }
    }
    Some(actors.finish(valid, sinks))
}

impl Actors {
    fn dispatch(&mut self, event: Event, out: &mut Out) {
        let o = &mut self.orchestrator;
        match event {
            Event::StartSaga { op } => orchestrator::on_start(o, op, out),
            Event::Arrive(envelope) => self.arrive(&envelope, out),
            Event::Lost(envelope) => {
                let (action, attempt, reply) = match envelope.body {
                    Body::Request(r) => (r.action, r.attempt, false),
                    Body::Reply {
                        action, attempt, ..
                    } => (action, attempt, true),
                };
                let event = out.dropped(&envelope, attempt, DropReason::Loss);
                out.fact(
                    envelope.op,
                    Fact::Lost {
                        action,
                        attempt,
                        reply,
                    },
                    event,
                );
            }
            Event::CarryOut(envelope) => {
                let service = self.service(envelope.to);
                service::carry_out(service, &envelope, out);
            }
            Event::StepTimeout {
                op,
                action,
                attempt,
                incarnation,
            } => {
                if o.up && o.incarnation == incarnation {
                    orchestrator::on_timeout(o, op, action, attempt, out);
                }
            }
            Event::Resend { op, incarnation } => {
                if o.up && o.incarnation == incarnation {
                    orchestrator::on_resend(o, op, out);
                }
            }
            Event::Recover => recovery::recover(o, out),
        }
    }

    fn service(&mut self, actor: Actor) -> &mut Service {
        match actor {
            Actor::Inventory => &mut self.inventory,
            Actor::Provider => &mut self.provider,
            _ => &mut self.shipping,
        }
    }

    fn arrive(&mut self, envelope: &Envelope, out: &mut Out) {
        match envelope.to {
            Actor::Orchestrator => orchestrator::on_reply(&mut self.orchestrator, envelope, out),
            to => service::on_request(self.service(to), envelope, out),
        }
    }

    fn finish(self, valid: &ValidScenario, sinks: Sinks) -> RunResult {
        let scenario = valid.scenario();
        let o = &self.orchestrator;
        let truth = (0..scenario.operations as usize).map(|op| SagaTruth {
            phase: o.sagas[op].phase,
            reservations: self.inventory.made[op],
            releases: self.inventory.undone[op],
            charges: self.provider.made[op],
            refunds: self.provider.undone[op],
            shipments: self.shipping.made[op],
        });
        let verdicts = oracle::judge(scenario, &sinks.story, truth, sinks.last_active);
        let mut anomalies = verdicts.anomalies;
        let recorded = sinks.trace.count.min(u32::MAX as u64) as u32;
        for a in &mut anomalies {
            a.events.retain(|&e| e < recorded);
        }
        let phases = |phase: Phase| o.sagas.iter().filter(|s| s.phase == phase).count() as u64;
        let charges = self.provider.items.len() as u64;
        let refunds = self.provider.undone_total();
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
                charges,
                refunds,
                net_charges: charges.saturating_sub(refunds),
                orders: scenario.operations as u64,
                shipments: self.shipping.items.len() as u64,
                reservations: self.inventory.items.len() as u64,
                releases: self.inventory.undone_total(),
                sagas_completed: phases(Phase::Completed),
                sagas_compensated: phases(Phase::Compensated),
                sagas_stuck: phases(Phase::Stuck),
                ..GroundTruth::default()
            },
            conservation: verdicts.conservation,
            unknown_took_effect: Vec::new(),
            unknown_took_effect_count: 0,
            live: LiveSizes::default(),
            notes: Vec::new(),
            faults: sinks.faults,
        }
    }
}
