//! Building the diagram's model: one pass to find the lanes, then the events folded into
//! arrows and marks, as many at a time as the caller likes, so that a large run can be
//! built a slice at a time between other work of the page.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::mem::{discriminant, Discriminant};

use crate::sim::config::Workload;
use crate::sim::trace::{
    Actor, Detail, MessageKind, MessagingDetail, Outcome, SagaAction, SagaDetail, SagaRecord,
    StreamDetail, TraceEvent,
};
use crate::sim::RunResult;

use super::{Arrow, ArrowEnd, Lane, Mark, MarkKind, Timeline};

/// A multiplicative hash for the small integer keys of `Timeline::new`: SipHash, the
/// standard map's default, made building the diagram of a large run several times slower.
#[derive(Clone, Copy, Default)]
struct BuildIdHasher;

#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }
}

impl BuildHasher for BuildIdHasher {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher::default()
    }
}

/// The mark an event leaves on its lane; `None` for message events (drawn as arrows) and
/// handler steps (not drawn).
fn mark_kind(detail: &Detail) -> Option<MarkKind> {
    Some(match *detail {
        Detail::OpStart { .. } => MarkKind::OpStart,
        Detail::OpEnd { outcome, .. } => MarkKind::OpEnd(outcome),
        Detail::Timeout => MarkKind::Timeout,
        Detail::Retry { .. } => MarkKind::Retry,
        Detail::Crash { .. } => MarkKind::Crash,
        Detail::Restart => MarkKind::Restart,
        Detail::KeyCheck { .. } => MarkKind::KeyCheck,
        Detail::KeySave { .. } => MarkKind::KeySave,
        Detail::KeyRelease { .. } | Detail::KeyPurge { .. } => MarkKind::KeyRelease,
        Detail::DbRead { .. } => MarkKind::DbRead,
        Detail::DbWrite { .. } => MarkKind::DbWrite,
        Detail::CasConflict { .. } => MarkKind::CasConflict,
        Detail::Charge { .. } => MarkKind::Charge,
        Detail::ChargeDeduplicated { .. }
        | Detail::ChargeDeclined { .. }
        | Detail::EmailDeduplicated { .. } => MarkKind::Deduplicated,
        Detail::Refund { .. } => MarkKind::Refund,
        Detail::EmailSent { .. } => MarkKind::EmailSent,
        Detail::OutboxWrite { .. } => MarkKind::OutboxWrite,
        Detail::ExternalTimeout { .. } => MarkKind::ExternalTimeout,
        Detail::Messaging(m) => return messaging_mark(m),
        Detail::Stream(d) => return Some(stream_mark(d)),
        Detail::Saga(d) => return saga_mark(d),
        Detail::Send { .. }
        | Detail::Duplicate { .. }
        | Detail::Deliver { .. }
        | Detail::LateResponse { .. }
        | Detail::Drop { .. }
        | Detail::Step { .. } => return None,
    })
}

/// The mark of a messaging event.
fn messaging_mark(detail: MessagingDetail) -> Option<MarkKind> {
    Some(match detail {
        MessagingDetail::Appended { .. } => MarkKind::Append,
        MessagingDetail::PublishDeduplicated { .. } => MarkKind::Deduplicated,
        MessagingDetail::PublishAbandoned => MarkKind::ExternalTimeout,
        MessagingDetail::ProducerStarted { .. } => MarkKind::ProducerStarted,
        MessagingDetail::OffsetCommitted { accepted: true, .. } => MarkKind::OffsetCommit,
        MessagingDetail::OffsetCommitted { .. } => MarkKind::CommitRefused,
        MessagingDetail::Rebalance { .. } => MarkKind::Rebalance,
        MessagingDetail::Assigned { .. } => MarkKind::Assigned,
        MessagingDetail::MemberRemoved { .. } => MarkKind::MemberRemoved,
        MessagingDetail::VisibilityExpired { .. } => MarkKind::VisibilityExpired,
        MessagingDetail::DeadLettered { .. } => MarkKind::DeadLettered,
        MessagingDetail::MessageDeleted { applied: true, .. } => MarkKind::Deleted,
        MessagingDetail::MessageDeleted { .. } => MarkKind::DeleteRefused,
        MessagingDetail::DedupCheck { seen: false, .. } => MarkKind::DedupCheck,
        MessagingDetail::DedupCheck { .. } => MarkKind::DedupSkip,
        MessagingDetail::DedupRecorded => MarkKind::DedupRecord,
        MessagingDetail::Shipped { .. } => MarkKind::Shipped,
        MessagingDetail::ShipmentDeduplicated { .. } => MarkKind::ShipmentDeduplicated,
        MessagingDetail::Crash { .. } => MarkKind::Crash,
    })
}

/// The mark of a stream event.
fn stream_mark(detail: StreamDetail) -> MarkKind {
    match detail {
        StreamDetail::InputAppended { .. } | StreamDetail::OutputAppended { .. } => {
            MarkKind::Append
        }
        StreamDetail::InstanceStarted { .. } => MarkKind::ProducerStarted,
        StreamDetail::StartRejected { .. } | StreamDetail::Refused { .. } => MarkKind::Fenced,
        StreamDetail::RecordRead { .. } => MarkKind::RecordRead,
        StreamDetail::Paused { .. } => MarkKind::Pause,
        StreamDetail::Woke => MarkKind::Restart,
        StreamDetail::TxnBegun { .. } => MarkKind::TxnBegin,
        StreamDetail::PreCommitted { .. } => MarkKind::PreCommit,
        StreamDetail::Committed { .. } => MarkKind::TxnCommit,
        StreamDetail::Aborted { .. } => MarkKind::TxnAbort,
        StreamDetail::OffsetsCommitted { .. } => MarkKind::OffsetCommit,
        StreamDetail::CheckpointTaken { .. } => MarkKind::Checkpoint,
        StreamDetail::CheckpointCompleted { .. } => MarkKind::CheckpointDone,
        StreamDetail::Restored { .. } => MarkKind::Restore,
        StreamDetail::Crash { .. } => MarkKind::Crash,
        StreamDetail::Stopped => MarkKind::MemberRemoved,
        StreamDetail::Finished => MarkKind::OpEnd(Outcome::Succeeded),
        StreamDetail::ReaderSaw { .. } => MarkKind::ReaderSaw,
    }
}

/// The mark of a saga event, drawn with the shapes of the other worlds (the legend names
/// them in the saga's words); a log record of an attempt is not drawn (its send is).
fn saga_mark(detail: SagaDetail) -> Option<MarkKind> {
    Some(match detail {
        SagaDetail::Log { record, .. } => match record {
            SagaRecord::Started => MarkKind::OpStart,
            SagaRecord::Sent => return None,
            SagaRecord::Done => MarkKind::DbWrite,
            SagaRecord::Failed => MarkKind::CasConflict,
            SagaRecord::GaveUp => MarkKind::ExternalTimeout,
            SagaRecord::Completed => MarkKind::OpEnd(Outcome::Succeeded),
            SagaRecord::Compensating => MarkKind::Retry,
            SagaRecord::Compensated => MarkKind::OpEnd(Outcome::Failed),
            SagaRecord::Stuck => MarkKind::OpEnd(Outcome::Unknown),
        },
        SagaDetail::OrderState { .. } => MarkKind::DbWrite,
        SagaDetail::Timeout { .. } => MarkKind::Timeout,
        SagaDetail::Held { .. } => MarkKind::VisibilityExpired,
        SagaDetail::Executed { action, .. } => match action {
            SagaAction::Reserve => MarkKind::Append,
            SagaAction::Release => MarkKind::Deleted,
            SagaAction::Charge => MarkKind::Charge,
            SagaAction::Refund => MarkKind::Refund,
            SagaAction::Ship => MarkKind::Shipped,
        },
        SagaDetail::Credited { .. } => MarkKind::Refund,
        SagaDetail::Deduplicated { .. } | SagaDetail::VoidedRefused { .. } => {
            MarkKind::Deduplicated
        }
        SagaDetail::Refused { .. } => MarkKind::DeleteRefused,
        SagaDetail::NothingToUndo { .. } => MarkKind::CommitRefused,
        SagaDetail::Voided { .. } => MarkKind::KeyRelease,
        SagaDetail::Crash { .. } => MarkKind::Crash,
        SagaDetail::Recovered { .. } => MarkKind::Restart,
    })
}

/// The lane a mark goes on: its actor's, except a removal from the group, which happens
/// to the consumer, and a fencing, which happens to the job instance (the event's peer).
fn mark_actor(event: &TraceEvent) -> Actor {
    match event.detail {
        Detail::Messaging(MessagingDetail::MemberRemoved { .. }) => event.peer,
        // A fencing shows on the fenced instance's lane.
        Detail::Stream(StreamDetail::Refused { .. }) => event.peer,
        _ => event.actor,
    }
}

/// The actors that are neither clients nor replicas, each with a slot in [`LaneIndex`].
const SERVICES: [Actor; 16] = [
    Actor::Balancer,
    Actor::Database,
    Actor::KeyStore,
    Actor::Provider,
    Actor::Email,
    Actor::Relay,
    Actor::OrderService,
    Actor::Broker,
    Actor::Warehouse,
    Actor::InputTopic,
    Actor::Coordinator,
    Actor::OutputTopic,
    Actor::Reader,
    Actor::Orchestrator,
    Actor::Inventory,
    Actor::Shipping,
];

/// The position of `actor` in [`SERVICES`] (a match: this runs twice per event).
fn service_slot(actor: Actor) -> Option<usize> {
    Some(match actor {
        Actor::Balancer => 0,
        Actor::Database => 1,
        Actor::KeyStore => 2,
        Actor::Provider => 3,
        Actor::Email => 4,
        Actor::Relay => 5,
        Actor::OrderService => 6,
        Actor::Broker => 7,
        Actor::Warehouse => 8,
        Actor::InputTopic => 9,
        Actor::Coordinator => 10,
        Actor::OutputTopic => 11,
        Actor::Reader => 12,
        Actor::Orchestrator => 13,
        Actor::Inventory => 14,
        Actor::Shipping => 15,
        Actor::Client(_)
        | Actor::Replica(_)
        | Actor::Consumer(_)
        | Actor::Job(_)
        | Actor::Nobody => return None,
    })
}

/// Each actor's lane, found by indexing rather than a map lookup per event.
struct LaneIndex {
    clients: Vec<Option<u16>>,
    replicas: Vec<Option<u16>>,
    consumers: Vec<Option<u16>>,
    jobs: Vec<Option<u16>>,
    services: [Option<u16>; SERVICES.len()],
}

impl LaneIndex {
    fn new(actors: &BTreeSet<Actor>) -> LaneIndex {
        let mut index = LaneIndex {
            clients: Vec::new(),
            replicas: Vec::new(),
            consumers: Vec::new(),
            jobs: Vec::new(),
            services: [None; SERVICES.len()],
        };
        for (lane, &actor) in actors.iter().enumerate() {
            let lane = Some(lane as u16);
            let (slots, at) = match actor {
                Actor::Client(c) => (&mut index.clients, c as usize),
                Actor::Replica(r) => (&mut index.replicas, r as usize),
                Actor::Consumer(c) => (&mut index.consumers, c as usize),
                Actor::Job(j) => (&mut index.jobs, j as usize),
                _ => {
                    if let Some(slot) = service_slot(actor) {
                        index.services[slot] = lane;
                    }
                    continue;
                }
            };
            if slots.len() <= at {
                slots.resize(at + 1, None);
            }
            slots[at] = lane;
        }
        index
    }

    fn get(&self, actor: Actor) -> Option<u16> {
        match actor {
            Actor::Client(c) => self.clients.get(c as usize).copied().flatten(),
            Actor::Replica(r) => self.replicas.get(r as usize).copied().flatten(),
            Actor::Consumer(c) => self.consumers.get(c as usize).copied().flatten(),
            Actor::Job(j) => self.jobs.get(j as usize).copied().flatten(),
            _ => service_slot(actor).and_then(|slot| self.services[slot]),
        }
    }
}

/// A timeline being built from a run's trace.
pub struct TimelineBuilder<'a> {
    result: &'a RunResult,
    lane_of: LaneIndex,
    lanes: Vec<Lane>,
    arrows: Vec<Arrow>,
    marks: Vec<Mark>,
    /// Each event ends at most one arrow, so this is sorted by event as it is built.
    arrow_ends: Vec<(u32, u32)>,
    /// Arrows waiting for their end, by message id and kind: a request and its forward
    /// from the balancer share the message id.
    open: HashMap<(u32, Discriminant<MessageKind>), usize, BuildIdHasher>,
    marks_drawn: u64,
    /// Events folded so far.
    next: usize,
}

impl<'a> TimelineBuilder<'a> {
    /// Find the lanes.
    pub fn new(result: &'a RunResult) -> Self {
        let scenario = &result.scenario;
        // The events and saga workloads have no clients, balancer or replicas: their
        // lanes are the actors their trace names (the saga's no database either: its log
        // is the orchestrator's).
        let events = scenario.workload == Workload::Events;
        let stream = scenario.workload == Workload::Stream;
        let saga = scenario.workload == Workload::Saga;
        let (clients, replicas, consumers) = match scenario.workload {
            Workload::Events => (0, 0, scenario.messaging.consumers),
            Workload::Stream | Workload::Saga => (0, 0, 0),
            _ => (scenario.clients, scenario.replicas, 0),
        };
        let mut actors: BTreeSet<Actor> = (0..clients.min(u16::MAX as u32))
            .map(|c| Actor::Client(c as u16))
            .chain((!events && !stream && !saga).then_some(Actor::Balancer))
            .chain((!stream && !saga).then_some(Actor::Database))
            .chain((0..replicas.min(u8::MAX as u32)).map(|r| Actor::Replica(r as u8)))
            .chain((0..consumers.min(u8::MAX as u32)).map(|c| Actor::Consumer(c as u8)))
            .collect();
        // A set insertion per event made this pass the slowest part of a large run: only
        // the services, and clients, replicas or consumers out of range (none in practice),
        // can be new.
        let mut services = [false; SERVICES.len()];
        for event in &result.trace {
            for actor in [event.actor, event.peer] {
                match (actor, service_slot(actor)) {
                    (_, Some(slot)) => services[slot] = true,
                    (Actor::Client(c), _) if (c as u32) < clients => {}
                    (Actor::Replica(r), _) if (r as u32) < replicas => {}
                    (Actor::Consumer(c), _) if (c as u32) < consumers => {}
                    (Actor::Nobody, _) => {}
                    _ => {
                        actors.insert(actor);
                    }
                }
            }
        }
        actors.extend(
            SERVICES
                .iter()
                .zip(services)
                .filter_map(|(&actor, seen)| seen.then_some(actor)),
        );
        let lane_of = LaneIndex::new(&actors);
        let lanes: Vec<Lane> = actors
            .iter()
            .map(|&actor| Lane {
                actor,
                label: actor.label(),
            })
            .collect();

        TimelineBuilder {
            result,
            lane_of,
            lanes,
            arrows: Vec::new(),
            marks: Vec::new(),
            arrow_ends: Vec::new(),
            open: HashMap::with_hasher(BuildIdHasher),
            marks_drawn: 0,
            next: 0,
        }
    }

    /// Fold up to `events` more events; true once every event is in.
    pub fn feed(&mut self, events: usize) -> bool {
        let trace = &self.result.trace;
        let end = self.next.saturating_add(events).min(trace.len());
        for (index, event) in trace.iter().enumerate().take(end).skip(self.next) {
            self.fold(index as u32, event);
        }
        self.next = end;
        end == trace.len()
    }

    fn fold(&mut self, id: u32, event: &TraceEvent) {
        let Some((msg, kind)) = event.detail.message() else {
            if let (Some(mark), Some(lane)) = (
                mark_kind(&event.detail),
                self.lane_of.get(mark_actor(event)),
            ) {
                self.marks_drawn |= mark.bit();
                self.marks.push(Mark {
                    lane,
                    time_us: event.time,
                    event: id,
                    kind: mark,
                });
            }
            return;
        };
        let key = (msg, discriminant(&kind));
        let response = kind == MessageKind::Response;
        // A new arrow, with the status it carries: a response's own, or for a copy made
        // by the network, its original's (sent at the same instant, so still open).
        let started = match event.detail {
            Detail::Send { value, .. } => Some((false, if response { value } else { 0 })),
            Detail::Duplicate { original, .. } => {
                let status = self
                    .open
                    .get(&(original, key.1))
                    .and_then(|&i| self.arrows.get(i))
                    .map_or(0, |a| a.status);
                Some((true, status))
            }
            _ => None,
        };
        if let Some((duplicate, status)) = started {
            let (Some(from_lane), Some(to_lane)) =
                (self.lane_of.get(event.actor), self.lane_of.get(event.peer))
            else {
                return;
            };
            self.open.insert(key, self.arrows.len());
            self.arrows.push(Arrow {
                from_lane,
                to_lane,
                start_us: event.time,
                end_us: self.result.virtual_time_us.max(event.time),
                start_event: id,
                end_event: None,
                kind,
                end: ArrowEnd::InFlight,
                duplicate,
                op: event.op,
                attempt: event.attempt,
                status,
                replayed: false,
            });
            return;
        }
        // Delivered, late or lost: the end of an open arrow.
        let Some((arrow_index, arrow)) = self
            .open
            .remove(&key)
            .and_then(|i| Some((i as u32, self.arrows.get_mut(i)?)))
        else {
            return;
        };
        arrow.end_us = event.time;
        arrow.end_event = Some(id);
        self.arrow_ends.push((id, arrow_index));
        match event.detail {
            Detail::Deliver {
                replayed, status, ..
            } => {
                arrow.end = ArrowEnd::Delivered;
                if response {
                    arrow.replayed = replayed;
                    arrow.status = status;
                }
            }
            Detail::LateResponse { status, .. } => {
                arrow.end = ArrowEnd::Late;
                if response {
                    arrow.status = status;
                }
            }
            Detail::Drop { reason, .. } => arrow.end = ArrowEnd::Lost(reason),
            _ => {}
        }
    }

    pub fn finish(self) -> Timeline {
        let longest_arrow_us = self
            .arrows
            .iter()
            .map(|a| a.end_us - a.start_us)
            .max()
            .unwrap_or(0);
        Timeline {
            lanes: self.lanes,
            arrows: self.arrows,
            longest_arrow_us,
            marks: self.marks,
            arrow_ends: self.arrow_ends,
            end_us: self.result.virtual_time_us,
            marks_drawn: self.marks_drawn,
            stream: self.result.scenario.workload == Workload::Stream,
            messaging: (self.result.scenario.workload == Workload::Events)
                .then_some(self.result.scenario.messaging.mode),
            saga: self.result.scenario.workload == Workload::Saga,
        }
    }
}
