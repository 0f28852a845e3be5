//! The broker: takes publishes (deduplicating them when a protection says so), hands
//! records or messages to waiting consumers, and takes offset commits, deletes and
//! visibility heartbeats. The log (`log.rs`) and the queue (`message_queue.rs`) hold the
//! state of each mode.

use crate::sim::config::{BrokerDedup, BrokerMode, OffsetCommit};
use crate::sim::rng::mix64;
use crate::sim::trace::{
    Actor, DedupBy, Detail, MessageKind, MessagingDetail as M, RebalanceReason,
};

use super::events::{Body, Envelope, Event, ProducerId};
use super::faults::{delivery_identity, publish_identity, MsgLink};
use super::log::Log;
use super::message_queue::{MessageQueue, MessageState};
use super::oracle::Fact;
use super::out::Out;

pub struct Broker {
    pub mode: BrokerMode,
    pub log: Log,
    pub queue: MessageQueue,
    /// Per order: copies of its event in the log or queue (the ground truth of publishes).
    pub records_per_op: Vec<u8>,
    pub records_total: u64,
    /// Per order: how many times its event was handed to a consumer.
    deliveries: Vec<u32>,
    /// Per consumer: waiting in a poll (idle, up, and — in log mode — in the group).
    pub waiting: Vec<bool>,
    next_pid: u32,
}

impl Broker {
    pub fn new(out: &Out) -> Self {
        let m = &out.scenario.messaging;
        let orders = out.scenario.operations as usize;
        Broker {
            mode: m.mode,
            log: Log::new(m.partitions, m.consumers),
            queue: MessageQueue::default(),
            records_per_op: vec![0; orders],
            records_total: 0,
            deliveries: vec![0; orders],
            waiting: vec![false; m.consumers as usize],
            next_pid: 0,
        }
    }

    /// A producer id for a producer starting a session (`InitProducerId`).
    pub fn init_producer(&mut self) -> u32 {
        self.next_pid += 1;
        self.next_pid
    }

    /// A publish arrives: append it, or recognise it as one already appended; either way
    /// acknowledge it.
    pub fn on_publish(&mut self, envelope: &Envelope, out: &mut Out) {
        let Body::Publish {
            producer,
            pid,
            seq,
            partition,
            body_time,
            send,
        } = envelope.body
        else {
            return;
        };
        let op = envelope.op;
        out.delivered(envelope, 0);
        let protections = &out.scenario.protections;
        let (duplicate, offset) = match self.mode {
            BrokerMode::Log => {
                let known = protections
                    .idempotent_producer
                    .then(|| self.log.sequences.find(pid, partition, seq))
                    .flatten();
                match known {
                    Some(offset) => (Some(DedupBy::ProducerSequence), offset),
                    None => {
                        let appended = out.sinks.trace.count as u32;
                        let offset = self.log.append(partition, op, appended);
                        if protections.idempotent_producer {
                            self.log.sequences.remember(pid, partition, seq, offset);
                        }
                        (None, offset)
                    }
                }
            }
            BrokerMode::Queue => {
                let dedup_id = match protections.broker_dedup {
                    BrokerDedup::Off => None,
                    BrokerDedup::ExplicitId => Some(mix64(op as u64 ^ 0xE7E7)),
                    BrokerDedup::ContentBased => Some(mix64(mix64(op as u64) ^ body_time)),
                };
                match dedup_id.and_then(|id| self.queue.duplicate_of(id, out.now)) {
                    Some(message) => (Some(DedupBy::DeduplicationId), message),
                    None => {
                        let appended = out.sinks.trace.count as u32;
                        (None, self.queue.send(op, appended, dedup_id, out.now))
                    }
                }
            }
        };
        let partition = if self.mode == BrokerMode::Log {
            partition
        } else {
            0
        };
        let detail = match duplicate {
            Some(by) => M::PublishDeduplicated {
                partition,
                offset,
                by,
            },
            None => M::Appended { partition, offset },
        };
        let event = out.event(Actor::Broker, envelope.from, op, Detail::Messaging(detail));
        if duplicate.is_some() {
            out.fact(Fact::PublishDeduplicated { op }, event);
        } else {
            self.records_per_op[op as usize] = self.records_per_op[op as usize].saturating_add(1);
            self.records_total += 1;
            out.fact(Fact::Appended { op }, event);
        }
        let body = Body::PublishAck {
            producer,
            pid,
            seq,
            send,
        };
        out.send(
            Actor::Broker,
            producer.actor(),
            MessageKind::PublishAck,
            op,
            MsgLink::Publish,
            publish_identity(producer == ProducerId::Relay, op, send, true),
            body,
            offset as i64,
        );
    }

    /// Hand a record or message to every waiting consumer that has one coming.
    pub fn pump(&mut self, out: &mut Out) {
        if self.mode == BrokerMode::Log {
            let auto = out.scenario.messaging.commit == OffsetCommit::Auto;
            self.log.try_rebalance(&self.waiting, auto, out);
            if self.log.pending.is_some() {
                return;
            }
        }
        for consumer in 0..self.waiting.len() as u8 {
            if self.waiting[consumer as usize] {
                self.deliver_to(consumer, out);
            }
        }
    }

    fn deliver_to(&mut self, consumer: u8, out: &mut Out) {
        let generation = self.log.generation;
        let (op, partition, offset, receipt) = match self.mode {
            BrokerMode::Log => match self.log.next_for(consumer) {
                Some((partition, offset, record)) => (record.op, partition, offset, 0),
                None => return,
            },
            BrokerMode::Queue => match self.receive(consumer, out) {
                Some((id, op, receipt)) => (op, 0, id, receipt),
                None => return,
            },
        };
        self.waiting[consumer as usize] = false;
        let delivery = {
            let d = &mut self.deliveries[op as usize];
            *d += 1;
            *d
        };
        let body = Body::Record {
            partition,
            offset,
            delivery,
            receipt,
            generation,
        };
        out.send(
            Actor::Broker,
            Actor::Consumer(consumer),
            MessageKind::Record,
            op,
            MsgLink::Broker,
            delivery_identity(op, delivery, 0),
            body,
            offset as i64,
        );
    }

    /// Receive the oldest visible message for `consumer`, moving any past its receive
    /// limit to the dead-letter queue: (message, order, receipt).
    fn receive(&mut self, consumer: u8, out: &mut Out) -> Option<(u32, u32, u8)> {
        let m = &out.scenario.messaging;
        let (max_receives, visibility) = (m.max_receive_count, m.visibility_timeout_us);
        loop {
            let id = self.queue.take_visible()?;
            let message = &mut self.queue.messages[id as usize];
            message.receives = message.receives.saturating_add(1);
            let receives = message.receives;
            if max_receives > 0 && receives as u32 > max_receives {
                message.state = MessageState::DeadLettered;
                self.queue.dead_letters += 1;
                let op = message.op;
                let detail = M::DeadLettered {
                    message: id,
                    receives: receives - 1,
                };
                let event = out.event(Actor::Broker, Actor::Nobody, op, Detail::Messaging(detail));
                out.fact(Fact::DeadLettered { op }, event);
                continue;
            }
            message.state = MessageState::InFlight {
                consumer,
                receipt: receives,
            };
            message.visible_at = out.now + visibility;
            let op = message.op;
            out.after(
                visibility,
                Event::VisibilityDeadline {
                    message: id,
                    receipt: receives,
                },
            );
            return Some((id, op, receives));
        }
    }

    /// A consumer's offset commit arrives: accepted only from the current generation.
    pub fn on_commit(&mut self, envelope: &Envelope, out: &mut Out) {
        let Body::OffsetCommit {
            partition,
            offset,
            generation,
            ..
        } = envelope.body
        else {
            return;
        };
        out.delivered(envelope, 0);
        let accepted = generation == self.log.generation;
        if accepted {
            self.log.partitions[partition as usize].committed = offset;
        }
        let detail = M::OffsetCommitted {
            partition,
            offset,
            accepted,
        };
        let event = out.event(
            Actor::Broker,
            envelope.from,
            envelope.op,
            Detail::Messaging(detail),
        );
        if !accepted {
            out.fact(Fact::StaleAcknowledgement { op: envelope.op }, event);
        }
    }

    /// A delete arrives: it applies only with the message's latest receipt.
    pub fn on_delete(&mut self, envelope: &Envelope, out: &mut Out) {
        let Body::Delete { message, receipt } = envelope.body else {
            return;
        };
        out.delivered(envelope, 0);
        let m = &mut self.queue.messages[message as usize];
        let applied = matches!(m.state, MessageState::InFlight { receipt: r, .. } if r == receipt);
        if applied {
            m.state = MessageState::Deleted;
        }
        let detail = M::MessageDeleted { message, applied };
        let event = out.event(
            Actor::Broker,
            envelope.from,
            envelope.op,
            Detail::Messaging(detail),
        );
        if !applied {
            out.fact(Fact::StaleAcknowledgement { op: envelope.op }, event);
        }
    }

    /// A heartbeat arrives: with the latest receipt it restarts the visibility timeout.
    pub fn on_heartbeat(&mut self, envelope: &Envelope, out: &mut Out) {
        let Body::Heartbeat { message, receipt } = envelope.body else {
            return;
        };
        out.delivered(envelope, 0);
        let visibility = out.scenario.messaging.visibility_timeout_us;
        let m = &mut self.queue.messages[message as usize];
        if matches!(m.state, MessageState::InFlight { receipt: r, .. } if r == receipt) {
            m.visible_at = out.now + visibility;
            out.after(visibility, Event::VisibilityDeadline { message, receipt });
        }
    }

    /// A visibility timeout may have run out: the message is visible again.
    pub fn on_visibility_deadline(&mut self, message: u32, receipt: u8, out: &mut Out) {
        let m = self.queue.messages[message as usize];
        let expired = matches!(m.state, MessageState::InFlight { receipt: r, .. } if r == receipt)
            && m.visible_at <= out.now;
        if !expired {
            return;
        }
        self.queue.make_visible(message);
        let detail = M::VisibilityExpired {
            message,
            receives: m.receives,
        };
        let event = out.event(
            Actor::Broker,
            Actor::Nobody,
            m.op,
            Detail::Messaging(detail),
        );
        out.fact(Fact::VisibilityExpired { op: m.op }, event);
    }

    /// A consumer joins the group (log mode): a rebalance follows.
    pub fn join(&mut self, consumer: u8) {
        if self.mode == BrokerMode::Log {
            self.log.members[consumer as usize] = true;
            self.log.request_rebalance(RebalanceReason::Joined);
        }
    }

    /// A consumer leaves the group (log mode).
    pub fn leave(&mut self, consumer: u8, reason: RebalanceReason) {
        if self.mode == BrokerMode::Log && self.log.members[consumer as usize] {
            self.log.members[consumer as usize] = false;
            self.log.request_rebalance(reason);
        }
    }
}
