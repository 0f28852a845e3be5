//! What the messaging world's events say (the `events` workload): appends, offset
//! commits, rebalances, visibility, deduplication, shipments. One [`Detail::Messaging`]
//! variant holds them, so the HTTP world's matches stay as they were.
//!
//! [`Detail::Messaging`]: super::Detail::Messaging

use serde::{Deserialize, Serialize};

use crate::sim::config::MessagingCrashPoint;

/// What recognised a duplicate publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum DedupBy {
    /// Kafka's idempotent producer: the same producer id and sequence number.
    ProducerSequence = 1,
    /// SQS FIFO: the same deduplication id within 5 minutes.
    DeduplicationId = 2,
}

/// Why the group coordinator moved partitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum RebalanceReason {
    /// A member joined (at the start, or after a restart).
    Joined = 1,
    /// A crashed member's session timed out.
    SessionTimeout = 2,
    /// A member went longer than `max.poll.interval.ms` without polling.
    PollTimeout = 3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessagingDetail {
    /// The broker appended a record at `offset` of `partition` (queue mode: partition 0,
    /// the queue's sequence number).
    Appended {
        partition: u8,
        offset: u32,
    },
    /// The broker recognised a publish it already had and did not append it again.
    PublishDeduplicated {
        partition: u8,
        offset: u32,
        by: DedupBy,
    },
    /// A producer gave up on a publish after its delivery timeout.
    PublishAbandoned,
    /// A producer (re)started with producer id `pid`.
    ProducerStarted {
        pid: u32,
    },
    /// The broker recorded a consumer's offset commit, or refused it (stale generation).
    OffsetCommitted {
        partition: u8,
        offset: u32,
        accepted: bool,
    },
    /// The group coordinator reassigned the partitions.
    Rebalance {
        generation: u32,
        reason: RebalanceReason,
    },
    /// A consumer now owns `partition` and resumes at `offset`.
    Assigned {
        partition: u8,
        offset: u32,
    },
    /// Queue `message`'s visibility timeout ran out: it is visible again.
    VisibilityExpired {
        message: u32,
        receives: u8,
    },
    /// Queue `message` moved to the dead-letter queue after `receives` receives.
    DeadLettered {
        message: u32,
        receives: u8,
    },
    /// The broker handled a delete of `message`; `applied` is false for a stale receipt.
    MessageDeleted {
        message: u32,
        applied: bool,
    },
    /// The idempotent consumer looked the message id up: when it received the message, or
    /// (`in_transaction`) as the ledger transaction's insert of the id, which fails on a
    /// duplicate and rolls the transaction back.
    DedupCheck {
        seen: bool,
        in_transaction: bool,
    },
    /// The idempotent consumer recorded the message id.
    DedupRecorded,
    Shipped {
        shipment: u32,
    },
    ShipmentDeduplicated {
        shipment: u32,
    },
    /// A messaging process crashed at `point`.
    Crash {
        point: MessagingCrashPoint,
    },
    /// The coordinator removed a consumer from the group (the consumer is the peer).
    MemberRemoved {
        reason: RebalanceReason,
    },
}

impl MessagingDetail {
    /// The detail's name in JSON and its code in the packed forms.
    pub fn name(&self) -> &'static str {
        match self {
            MessagingDetail::Appended { .. } => "appended",
            MessagingDetail::PublishDeduplicated { .. } => "publish_deduplicated",
            MessagingDetail::PublishAbandoned => "publish_abandoned",
            MessagingDetail::ProducerStarted { .. } => "producer_started",
            MessagingDetail::OffsetCommitted { .. } => "offset_committed",
            MessagingDetail::Rebalance { .. } => "rebalance",
            MessagingDetail::Assigned { .. } => "assigned",
            MessagingDetail::VisibilityExpired { .. } => "visibility_expired",
            MessagingDetail::DeadLettered { .. } => "dead_lettered",
            MessagingDetail::MessageDeleted { .. } => "message_deleted",
            MessagingDetail::DedupCheck { .. } => "dedup_check",
            MessagingDetail::DedupRecorded => "dedup_recorded",
            MessagingDetail::Shipped { .. } => "shipped",
            MessagingDetail::ShipmentDeduplicated { .. } => "shipment_deduplicated",
            MessagingDetail::Crash { .. } => "process_crash",
            MessagingDetail::MemberRemoved { .. } => "member_removed",
        }
    }

    fn code(&self) -> u8 {
        match self {
            MessagingDetail::Appended { .. } => 1,
            MessagingDetail::PublishDeduplicated { .. } => 2,
            MessagingDetail::PublishAbandoned => 3,
            MessagingDetail::ProducerStarted { .. } => 4,
            MessagingDetail::OffsetCommitted { .. } => 5,
            MessagingDetail::Rebalance { .. } => 6,
            MessagingDetail::Assigned { .. } => 7,
            MessagingDetail::VisibilityExpired { .. } => 8,
            MessagingDetail::DeadLettered { .. } => 9,
            MessagingDetail::MessageDeleted { .. } => 10,
            MessagingDetail::DedupCheck { .. } => 11,
            MessagingDetail::DedupRecorded => 12,
            MessagingDetail::Shipped { .. } => 13,
            MessagingDetail::ShipmentDeduplicated { .. } => 14,
            MessagingDetail::Crash { .. } => 15,
            MessagingDetail::MemberRemoved { .. } => 16,
        }
    }

    /// `(id, small, wide)`: the id field, the code in the low byte with the small fields
    /// above it, and nothing wide (every field fits the other two).
    pub fn split(&self) -> (u32, u32, i64) {
        let code = self.code() as u32;
        let (id, small) = match *self {
            MessagingDetail::Appended { partition, offset }
            | MessagingDetail::Assigned { partition, offset } => (offset, partition as u32),
            MessagingDetail::PublishDeduplicated {
                partition,
                offset,
                by,
            } => (offset, partition as u32 | (by as u32) << 8),
            MessagingDetail::OffsetCommitted {
                partition,
                offset,
                accepted,
            } => (offset, partition as u32 | (accepted as u32) << 8),
            MessagingDetail::PublishAbandoned | MessagingDetail::DedupRecorded => (0, 0),
            MessagingDetail::ProducerStarted { pid } => (pid, 0),
            MessagingDetail::Rebalance { generation, reason } => (generation, reason as u32),
            MessagingDetail::MemberRemoved { reason } => (0, reason as u32),
            MessagingDetail::VisibilityExpired { message, receives }
            | MessagingDetail::DeadLettered { message, receives } => (message, receives as u32),
            MessagingDetail::MessageDeleted { message, applied } => (message, applied as u32),
            MessagingDetail::DedupCheck {
                seen,
                in_transaction,
            } => (0, seen as u32 | (in_transaction as u32) << 8),
            MessagingDetail::Shipped { shipment }
            | MessagingDetail::ShipmentDeduplicated { shipment } => (shipment, 0),
            MessagingDetail::Crash { point } => (0, crash_index(point)),
        };
        (id, code | small << 8, 0)
    }

    /// The inverse of [`MessagingDetail::split`].
    pub fn join(id: u32, small: u32) -> Result<MessagingDetail, String> {
        let code = small as u8;
        let a = (small >> 8) as u8;
        let b = (small >> 16) as u8;
        let flag = |bit: u8| match bit {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(format!("{bit} is not a flag")),
        };
        Ok(match code {
            1 => MessagingDetail::Appended {
                partition: a,
                offset: id,
            },
            2 => MessagingDetail::PublishDeduplicated {
                partition: a,
                offset: id,
                by: match b {
                    1 => DedupBy::ProducerSequence,
                    2 => DedupBy::DeduplicationId,
                    _ => return Err(format!("no deduplication has code {b}")),
                },
            },
            3 => MessagingDetail::PublishAbandoned,
            4 => MessagingDetail::ProducerStarted { pid: id },
            5 => MessagingDetail::OffsetCommitted {
                partition: a,
                offset: id,
                accepted: flag(b)?,
            },
            6 => MessagingDetail::Rebalance {
                generation: id,
                reason: rebalance_reason(a)?,
            },
            16 => MessagingDetail::MemberRemoved {
                reason: rebalance_reason(a)?,
            },
            7 => MessagingDetail::Assigned {
                partition: a,
                offset: id,
            },
            8 => MessagingDetail::VisibilityExpired {
                message: id,
                receives: a,
            },
            9 => MessagingDetail::DeadLettered {
                message: id,
                receives: a,
            },
            10 => MessagingDetail::MessageDeleted {
                message: id,
                applied: flag(a)?,
            },
            11 => MessagingDetail::DedupCheck {
                seen: flag(a)?,
                in_transaction: flag(b)?,
            },
            12 => MessagingDetail::DedupRecorded,
            13 => MessagingDetail::Shipped { shipment: id },
            14 => MessagingDetail::ShipmentDeduplicated { shipment: id },
            15 => MessagingDetail::Crash {
                point: *MessagingCrashPoint::ALL
                    .get(a as usize)
                    .ok_or_else(|| format!("no messaging crash point has index {a}"))?,
            },
            _ => return Err(format!("no messaging event has code {code}")),
        })
    }

    /// The detail's fields as JSON members (each with a leading comma).
    pub fn json_fields(&self) -> String {
        match *self {
            MessagingDetail::Appended { partition, offset }
            | MessagingDetail::Assigned { partition, offset } => {
                format!(",\"partition\":{partition},\"offset\":{offset}")
            }
            MessagingDetail::PublishDeduplicated {
                partition,
                offset,
                by,
            } => format!(
                ",\"partition\":{partition},\"offset\":{offset},\"by\":\"{}\"",
                match by {
                    DedupBy::ProducerSequence => "producer_sequence",
                    DedupBy::DeduplicationId => "deduplication_id",
                }
            ),
            MessagingDetail::OffsetCommitted {
                partition,
                offset,
                accepted,
            } => format!(",\"partition\":{partition},\"offset\":{offset},\"accepted\":{accepted}"),
            MessagingDetail::PublishAbandoned | MessagingDetail::DedupRecorded => String::new(),
            MessagingDetail::ProducerStarted { pid } => format!(",\"pid\":{pid}"),
            MessagingDetail::Rebalance { generation, reason } => format!(
                ",\"generation\":{generation},\"reason\":\"{}\"",
                reason.name()
            ),
            MessagingDetail::MemberRemoved { reason } => {
                format!(",\"reason\":\"{}\"", reason.name())
            }
            MessagingDetail::VisibilityExpired { message, receives }
            | MessagingDetail::DeadLettered { message, receives } => {
                format!(",\"message\":{message},\"receives\":{receives}")
            }
            MessagingDetail::MessageDeleted { message, applied } => {
                format!(",\"message\":{message},\"applied\":{applied}")
            }
            MessagingDetail::DedupCheck {
                seen,
                in_transaction,
            } => format!(",\"seen\":{seen},\"in_transaction\":{in_transaction}"),
            MessagingDetail::Shipped { shipment }
            | MessagingDetail::ShipmentDeduplicated { shipment } => {
                format!(",\"shipment\":{shipment}")
            }
            MessagingDetail::Crash { point } => format!(
                ",\"point\":\"{}\"",
                serde_json::to_value(point)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
        }
    }
}

impl RebalanceReason {
    pub fn name(self) -> &'static str {
        match self {
            RebalanceReason::Joined => "joined",
            RebalanceReason::SessionTimeout => "session_timeout",
            RebalanceReason::PollTimeout => "poll_timeout",
        }
    }
}

fn rebalance_reason(code: u8) -> Result<RebalanceReason, String> {
    Ok(match code {
        1 => RebalanceReason::Joined,
        2 => RebalanceReason::SessionTimeout,
        3 => RebalanceReason::PollTimeout,
        _ => return Err(format!("no rebalance reason has code {code}")),
    })
}

fn crash_index(point: MessagingCrashPoint) -> u32 {
    MessagingCrashPoint::ALL
        .iter()
        .position(|&p| p == point)
        .unwrap_or(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detail_survives_split_and_join() {
        let mut all = vec![
            MessagingDetail::Appended {
                partition: 3,
                offset: 70_000,
            },
            MessagingDetail::PublishDeduplicated {
                partition: 1,
                offset: 9,
                by: DedupBy::DeduplicationId,
            },
            MessagingDetail::PublishAbandoned,
            MessagingDetail::ProducerStarted { pid: 12 },
            MessagingDetail::OffsetCommitted {
                partition: 7,
                offset: 4,
                accepted: true,
            },
            MessagingDetail::Rebalance {
                generation: 5,
                reason: RebalanceReason::PollTimeout,
            },
            MessagingDetail::Assigned {
                partition: 2,
                offset: 0,
            },
            MessagingDetail::VisibilityExpired {
                message: 7,
                receives: 3,
            },
            MessagingDetail::DeadLettered {
                message: u32::MAX,
                receives: 4,
            },
            MessagingDetail::MessageDeleted {
                message: 2,
                applied: false,
            },
            MessagingDetail::DedupCheck {
                seen: true,
                in_transaction: true,
            },
            MessagingDetail::DedupRecorded,
            MessagingDetail::Shipped { shipment: 8 },
            MessagingDetail::ShipmentDeduplicated { shipment: 8 },
            MessagingDetail::MemberRemoved {
                reason: RebalanceReason::SessionTimeout,
            },
        ];
        all.extend(
            MessagingCrashPoint::ALL
                .iter()
                .map(|&point| MessagingDetail::Crash { point }),
        );
        let mut codes = Vec::new();
        for detail in all {
            let (id, small, wide) = detail.split();
            assert_eq!(wide, 0);
            assert_eq!(MessagingDetail::join(id, small), Ok(detail));
            codes.push(detail.name());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 16, "every kind has its own name");
        assert!(MessagingDetail::join(0, 99).is_err());
    }
}
