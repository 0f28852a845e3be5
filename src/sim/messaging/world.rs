//! The messaging world: every actor's state, the event queue and the run loop of the
//! `events` workload. `dispatch` hands each event to its handler; handlers write their
//! effects through [`Out`]; the world tells the broker when a consumer is ready for more.

use crate::sim::config::{BrokerMode, OffsetCommit, ValidScenario};
use crate::sim::outcomes::Outcomes;
use crate::sim::progress::{Observed, Progress};
use crate::sim::results::{GroundTruth, LiveSizes, RunResult};
use crate::sim::trace::{Actor, Detail, MessagingDetail as M, RebalanceReason};
use crate::sim::workload::generate_operations;

use super::broker::Broker;
use super::consumer::{self, Consumer, Next};
use super::consumer_lifecycle;
use super::events::{Body, Envelope, Event, Process, ProducerId};
use super::oracle::{self, EventTruth, Fact};
use super::order_service::{self, OrderService};
use super::out::{Out, Sinks};
use super::relay::{self, Relay};
use super::store::Database;
use super::warehouse::{self, Warehouse};

struct Actors {
    db: Database,
    broker: Broker,
    orders: OrderService,
    relay: Relay,
    consumers: Vec<Consumer>,
    warehouse: Warehouse,
}

pub fn run(
    valid: &ValidScenario,
    every: u64,
    observe: &mut dyn FnMut(Progress) -> Observed,
) -> Option<RunResult> {
    let scenario = valid.scenario();
    let mut sinks = Sinks::new(scenario);
    let mut out = Out {
        now: 0,
        scenario,
        sinks: &mut sinks,
    };
    let mut actors = Actors {
        db: Database::new(scenario.operations),
        broker: Broker::new(&out),
        orders: OrderService::new(&out),
        relay: Relay::new(&out),
        consumers: (0..scenario.messaging.consumers as u8)
            .map(Consumer::new)
            .collect(),
        warehouse: Warehouse::new(scenario.operations),
    };
    actors.start(&mut out);
    let mut periodic_queued = periodic_timers(scenario);
    let mut next_report = every;
    let mut now = 0;
    while let Some((time, event)) = sinks.queue.pop() {
        if sinks.stopped {
            break;
        }
        now = time;
        let periodic = matches!(event, Event::RelayRound | Event::AutoCommit);
        if periodic {
            periodic_queued -= 1;
        }
        // Periodic jobs go on while anything else is still to happen.
        let more = sinks.queue.len() > periodic_queued;
        let mut out = Out {
            now,
            scenario,
            sinks: &mut sinks,
        };
        if actors.dispatch(event, more, &mut out) {
            periodic_queued += 1;
        }
        if sinks.trace.count >= next_report {
            next_report = sinks.trace.count.saturating_add(every);
            // Orders applied at least once: a duplicate does not count twice.
            let ended = actors.db.applied_orders;
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
    let _ = now;
    Some(actors.finish(valid, sinks))
}

/// The periodic timers the world starts with.
fn periodic_timers(scenario: &crate::sim::config::Scenario) -> usize {
    let m = &scenario.messaging;
    scenario.protections.outbox as usize
        + (m.mode == BrokerMode::Log && m.commit == OffsetCommit::Auto) as usize
}

impl Actors {
    fn start(&mut self, out: &mut Out) {
        let s = out.scenario;
        if s.protections.outbox {
            self.relay.producer.start(&mut self.broker, out);
            out.after(s.messaging.relay_interval_us, Event::RelayRound);
        } else {
            self.orders.producer.start(&mut self.broker, out);
        }
        for c in 0..self.consumers.len() as u8 {
            self.broker.join(c);
            self.broker.waiting[c as usize] = true;
        }
        if s.messaging.mode == BrokerMode::Log && s.messaging.commit == OffsetCommit::Auto {
            out.after(s.messaging.auto_commit_interval_us, Event::AutoCommit);
        }
        self.broker.pump(out);
        out.after(0, Event::PlaceOrder { op: 0 });
    }

    /// Run the handler of `event`; returns whether it queued its periodic timer again.
    fn dispatch(&mut self, event: Event, more: bool, out: &mut Out) -> bool {
        match event {
            Event::PlaceOrder { op } => {
                order_service::on_place(&mut self.orders, &mut self.db, op, out);
            }
            Event::Arrive(envelope) => self.arrive(envelope, out),
            Event::Lost(envelope) => {
                let event = out.lost(&envelope);
                if let Body::Publish { .. } | Body::PublishAck { .. } = envelope.body {
                    let ack = matches!(envelope.body, Body::PublishAck { .. });
                    out.fact(
                        Fact::PublishLost {
                            op: envelope.op,
                            ack,
                        },
                        event,
                    );
                }
            }
            Event::PublishTimeout { producer, pid, seq } => match producer {
                ProducerId::OrderService => {
                    if self.orders.up && self.orders.producer.on_timeout(pid, seq, out).is_some() {
                        self.orders.producer.send_next(out);
                    }
                }
                ProducerId::Relay => relay::on_timeout(&mut self.relay, pid, seq, out),
            },
            Event::RelayRound => {
                relay::on_round(&mut self.relay, &self.db, out);
                let unsent = self.db.unsent().next().is_some();
                if more || unsent {
                    out.after(out.scenario.messaging.relay_interval_us, Event::RelayRound);
                    return true;
                }
            }
            Event::Restart(process) => self.restart(process, out),
            Event::Computed {
                consumer,
                op,
                delivery,
            } => {
                let c = &mut self.consumers[consumer as usize];
                let next = consumer::on_computed(c, op, delivery, out);
                self.after_consumer(consumer, next, out);
            }
            Event::WarehouseTimeout {
                consumer,
                op,
                delivery,
                call,
            } => {
                let c = &mut self.consumers[consumer as usize];
                let next = consumer::on_warehouse_timeout(c, op, delivery, call, out);
                self.after_consumer(consumer, next, out);
            }
            Event::PollDeadline {
                consumer,
                op,
                delivery,
            } => {
                let c = &mut self.consumers[consumer as usize];
                if let Some(event) = consumer_lifecycle::on_poll_deadline(c, op, delivery, out) {
                    // What it handled but had not committed goes back to the group.
                    for op in self.broker.log.uncommitted_of(consumer) {
                        out.fact(Fact::RemovedBeforeCommit { op, consumer }, event);
                    }
                    self.broker.leave(consumer, RebalanceReason::PollTimeout);
                    self.broker.pump(out);
                }
            }
            Event::SessionTimeout {
                consumer,
                incarnation,
            } => {
                let c = &self.consumers[consumer as usize];
                if !c.up
                    && c.incarnation == incarnation
                    && self.broker.log.members[consumer as usize]
                {
                    let detail = M::MemberRemoved {
                        reason: RebalanceReason::SessionTimeout,
                    };
                    out.event(
                        Actor::Broker,
                        c.actor(),
                        crate::sim::trace::NO_OP,
                        Detail::Messaging(detail),
                    );
                    self.broker.leave(consumer, RebalanceReason::SessionTimeout);
                    self.broker.pump(out);
                }
            }
            Event::AutoCommit => {
                self.auto_commit(out);
                if more {
                    out.after(
                        out.scenario.messaging.auto_commit_interval_us,
                        Event::AutoCommit,
                    );
                    return true;
                }
            }
            Event::VisibilityDeadline { message, receipt } => {
                self.broker.on_visibility_deadline(message, receipt, out);
                self.broker.pump(out);
            }
            Event::HeartbeatDue {
                consumer,
                op,
                delivery,
            } => {
                let c = &mut self.consumers[consumer as usize];
                consumer_lifecycle::on_heartbeat_due(c, op, delivery, out);
            }
        }
        false
    }

    fn arrive(&mut self, envelope: Envelope, out: &mut Out) {
        match (envelope.to, envelope.body) {
            (Actor::Broker, Body::Publish { .. }) => {
                self.broker.on_publish(&envelope, out);
                self.broker.pump(out);
            }
            (Actor::OrderService, Body::PublishAck { .. }) => {
                if self.orders.up {
                    self.orders.producer.on_ack(&envelope, out);
                    self.orders.producer.send_next(out);
                } else {
                    out.delivered(&envelope, 0);
                }
            }
            (Actor::Relay, Body::PublishAck { .. }) => {
                relay::on_ack(&mut self.relay, &mut self.db, &envelope, out)
            }
            (Actor::Consumer(c), Body::Record { .. }) => {
                let next = consumer::on_record(
                    &mut self.consumers[c as usize],
                    &mut self.db,
                    &envelope,
                    out,
                );
                self.after_consumer(c, next, out);
            }
            (Actor::Consumer(c), Body::ShipReply { .. }) => {
                let next = consumer::on_ship_reply(
                    &mut self.consumers[c as usize],
                    &mut self.db,
                    &envelope,
                    out,
                );
                self.after_consumer(c, next, out);
            }
            (
                Actor::Broker,
                Body::OffsetCommit {
                    consumer, offset, ..
                },
            ) => {
                self.broker.on_commit(&envelope, out);
                let c = &mut self.consumers[consumer as usize];
                let next = consumer_lifecycle::on_commit_answered(c, envelope.op, offset);
                self.after_consumer(consumer, next, out);
            }
            (Actor::Broker, Body::Delete { .. }) => self.broker.on_delete(&envelope, out),
            (Actor::Broker, Body::Heartbeat { .. }) => self.broker.on_heartbeat(&envelope, out),
            (Actor::Warehouse, Body::ShipCall { .. }) => {
                warehouse::on_call(&mut self.warehouse, &envelope, out)
            }
            _ => {}
        }
    }

    /// Tell the broker what consumer `c` does next.
    fn after_consumer(&mut self, c: u8, next: Next, out: &mut Out) {
        match next {
            Next::Busy => {}
            Next::Poll => {
                let consumer = &mut self.consumers[c as usize];
                if consumer.removed {
                    consumer.removed = false;
                    self.broker.join(c);
                }
                self.broker.waiting[c as usize] = true;
                self.broker.pump(out);
            }
            Next::Crashed => {
                self.broker.waiting[c as usize] = false;
                // Records it processed but had not committed will be read again.
                let event = self.consumers[c as usize].crash_event;
                for op in self.broker.log.uncommitted_of(c) {
                    out.fact(Fact::CrashedBeforeCommit { op, consumer: c }, event);
                }
                self.broker.log.forget_positions(c);
            }
        }
    }

    fn restart(&mut self, process: Process, out: &mut Out) {
        match process {
            Process::OrderService => {
                order_service::on_restart(&mut self.orders, &mut self.db, &mut self.broker, out)
            }
            Process::Relay => relay::on_restart(&mut self.relay, &mut self.broker, out),
            Process::Consumer(index) => {
                let c = &mut self.consumers[index as usize];
                c.up = true;
                c.removed = false;
                out.note(c.actor(), Detail::Restart);
                self.broker.join(index);
                self.broker.waiting[index as usize] = true;
                self.broker.pump(out);
            }
        }
    }

    /// Each live member commits the position of each partition it owns, processed or not.
    fn auto_commit(&mut self, out: &mut Out) {
        let generation = self.broker.log.generation;
        for index in 0..self.broker.log.partitions.len() {
            let p = &self.broker.log.partitions[index];
            let Some(owner) = p.owner else { continue };
            let c = &self.consumers[owner as usize];
            if !c.up || c.removed || p.position <= p.committed {
                continue;
            }
            let position = p.position;
            let op = p.records[position as usize - 1].op;
            let body = Body::OffsetCommit {
                consumer: owner,
                partition: index as u8,
                offset: position,
                generation,
            };
            let event = out.send(
                c.actor(),
                Actor::Broker,
                crate::sim::trace::MessageKind::OffsetCommit,
                op,
                super::faults::MsgLink::Broker,
                [0x50, index as u64, position as u64, out.now],
                body,
                position as i64,
            );
            // A member that is not polling has the record before `position` in flight
            // or in work: this commit passes it before it is processed.
            if !self.broker.waiting[owner as usize] {
                out.fact(
                    Fact::AutoCommittedPast {
                        op,
                        consumer: owner,
                    },
                    event,
                );
            }
        }
    }

    fn finish(self, valid: &ValidScenario, sinks: Sinks) -> RunResult {
        let scenario = valid.scenario();
        let truth = (0..scenario.operations as usize).map(|op| EventTruth {
            committed: self.db.orders[op],
            records: self.broker.records_per_op[op],
            ledger_rows: self.db.ledger_rows[op],
            shipments: self.warehouse.shipments_per_op[op],
        });
        let verdicts = oracle::judge(
            scenario,
            &sinks.story,
            truth,
            sinks.last_active,
            sinks.stopped,
        );
        let mut anomalies = verdicts.anomalies;
        let recorded = sinks.trace.count.min(u32::MAX as u64) as u32;
        for a in &mut anomalies {
            a.events.retain(|&e| e < recorded);
        }
        let orders = self.db.orders.iter().filter(|&&o| o).count() as u64;
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
                orders,
                published_events: self.broker.records_total,
                applied_events: self.db.ledger_total,
                shipments: self.warehouse.shipments as u64,
                ..GroundTruth::default()
            },
            conservation: verdicts.conservation,
            notes: Vec::new(),
            unknown_took_effect: Vec::new(),
            unknown_took_effect_count: 0,
            live: LiveSizes::default(),
            faults: sinks.faults,
        }
    }
}
