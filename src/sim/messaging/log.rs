//! The broker's partitioned log and its group coordinator (log mode, like Kafka): records
//! appended per partition, the group's committed offset per partition, members, the
//! generation and who owns which partition.
//!
//! A rebalance waits for every member still in the group to finish the record it is
//! working on (as Kafka's waits for members to rejoin at their next poll); a member that
//! exceeded `max.poll.interval.ms` has already been removed and is not waited for, and a
//! crashed one counts until its session times out or it restarts.

use std::collections::VecDeque;

use crate::sim::trace::{Actor, Detail, MessagingDetail as M, RebalanceReason};

use super::out::Out;

/// One record of a partition: the event of order `op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub op: u32,
    /// The trace event that appended it.
    pub appended: u32,
}

#[derive(Debug, Default)]
pub struct Partition {
    pub records: Vec<Record>,
    /// The group's committed offset: the next record it has not confirmed.
    pub committed: u32,
    /// Who owns it in the current generation, and the next offset to hand them.
    pub owner: Option<u8>,
    pub position: u32,
}

/// The batches remembered for one producer id and partition: (sequence, offset).
#[derive(Debug)]
struct Batches {
    pid: u32,
    partition: u8,
    batches: VecDeque<(u32, u32)>,
}

/// The idempotent producer's memory: the last 5 batches per producer id and partition.
#[derive(Debug, Default)]
pub struct Sequences(Vec<Batches>);

/// Kafka keeps this many batches per producer and partition.
const REMEMBERED_BATCHES: usize = 5;

impl Sequences {
    /// The offset a batch `(pid, partition, seq)` was appended at, if remembered.
    pub fn find(&self, pid: u32, partition: u8, seq: u32) -> Option<u32> {
        self.0
            .iter()
            .find(|b| b.pid == pid && b.partition == partition)
            .and_then(|b| b.batches.iter().find(|(s, _)| *s == seq))
            .map(|&(_, offset)| offset)
    }

    pub fn remember(&mut self, pid: u32, partition: u8, seq: u32, offset: u32) {
        let index = match self
            .0
            .iter()
            .position(|b| b.pid == pid && b.partition == partition)
        {
            Some(index) => index,
            None => {
                self.0.push(Batches {
                    pid,
                    partition,
                    batches: VecDeque::new(),
                });
                self.0.len() - 1
            }
        };
        let batches = &mut self.0[index].batches;
        batches.push_back((seq, offset));
        if batches.len() > REMEMBERED_BATCHES {
            batches.pop_front();
        }
    }
}

/// The log and the consumer group.
#[derive(Debug)]
pub struct Log {
    pub partitions: Vec<Partition>,
    pub sequences: Sequences,
    pub generation: u32,
    /// Per consumer: in the group.
    pub members: Vec<bool>,
    /// A rebalance asked for and waiting for busy members.
    pub pending: Option<RebalanceReason>,
    next_partition: usize,
}

impl Log {
    pub fn new(partitions: u32, consumers: u32) -> Self {
        Log {
            partitions: (0..partitions).map(|_| Partition::default()).collect(),
            sequences: Sequences::default(),
            generation: 0,
            members: vec![false; consumers as usize],
            pending: None,
            next_partition: 0,
        }
    }

    /// Append `op`'s event to `partition`; returns its offset.
    pub fn append(&mut self, partition: u8, op: u32, appended: u32) -> u32 {
        let records = &mut self.partitions[partition as usize].records;
        records.push(Record { op, appended });
        (records.len() - 1) as u32
    }

    /// The next record for `consumer`, taken from its partitions in turn: (partition,
    /// offset, record). Advances the partition's position.
    pub fn next_for(&mut self, consumer: u8) -> Option<(u8, u32, Record)> {
        let count = self.partitions.len();
        for step in 0..count {
            let index = (self.next_partition + step) % count;
            let p = &mut self.partitions[index];
            if p.owner == Some(consumer) && (p.position as usize) < p.records.len() {
                let offset = p.position;
                p.position += 1;
                self.next_partition = (index + 1) % count;
                return Some((index as u8, offset, p.records[offset as usize]));
            }
        }
        None
    }

    /// A consumer crashed: the positions it held in memory are gone, so its partitions
    /// resume at their committed offsets.
    pub fn forget_positions(&mut self, consumer: u8) {
        for p in &mut self.partitions {
            if p.owner == Some(consumer) {
                p.position = p.committed;
            }
        }
    }

    /// The events `consumer` was handed past its partitions' committed offsets.
    pub fn uncommitted_of(&self, consumer: u8) -> Vec<u32> {
        self.partitions
            .iter()
            .filter(|p| p.owner == Some(consumer))
            .flat_map(|p| &p.records[p.committed as usize..p.position as usize])
            .map(|r| r.op)
            .collect()
    }

    /// Ask for a rebalance; it completes once no member is busy.
    pub fn request_rebalance(&mut self, reason: RebalanceReason) {
        self.pending.get_or_insert(reason);
    }

    /// Complete a pending rebalance if no member is busy: a new generation, partitions
    /// dealt out in turn to the members, each resuming at the committed offset. Idle
    /// members' positions are committed first, as auto-commit does when partitions are
    /// revoked.
    pub fn try_rebalance(&mut self, polling: &[bool], auto_commit: bool, out: &mut Out) -> bool {
        let Some(reason) = self.pending else {
            return false;
        };
        if self
            .members
            .iter()
            .zip(polling)
            .any(|(&member, &polling)| member && !polling)
        {
            return false;
        }
        self.pending = None;
        if auto_commit {
            let members = &self.members;
            for (index, p) in self.partitions.iter_mut().enumerate() {
                // Only a member that is polling commits as its partitions are revoked:
                // a removed or crashed one has no say (its position died with it).
                let polling = p
                    .owner
                    .is_some_and(|o| members[o as usize] && polling[o as usize]);
                if polling && p.position > p.committed {
                    p.committed = p.position;
                    let detail = M::OffsetCommitted {
                        partition: index as u8,
                        offset: p.committed,
                        accepted: true,
                    };
                    let peer = p.owner.map_or(Actor::Nobody, Actor::Consumer);
                    out.event(
                        Actor::Broker,
                        peer,
                        crate::sim::trace::NO_OP,
                        Detail::Messaging(detail),
                    );
                }
            }
        }
        self.generation += 1;
        let generation = self.generation;
        out.note(
            Actor::Broker,
            Detail::Messaging(M::Rebalance { generation, reason }),
        );
        let members: Vec<u8> = (0..self.members.len() as u8)
            .filter(|&c| self.members[c as usize])
            .collect();
        for (index, p) in self.partitions.iter_mut().enumerate() {
            p.owner = (!members.is_empty()).then(|| members[index % members.len()]);
            p.position = p.committed;
            if let Some(owner) = p.owner {
                let detail = M::Assigned {
                    partition: index as u8,
                    offset: p.committed,
                };
                out.event(
                    Actor::Consumer(owner),
                    Actor::Broker,
                    crate::sim::trace::NO_OP,
                    Detail::Messaging(detail),
                );
            }
        }
        true
    }
}
