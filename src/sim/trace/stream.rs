//! What the stream world's events say (the `stream` workload): input records, the job's
//! instances, transactions and their markers, fencing, checkpoints and what the downstream
//! reader saw. One [`Detail::Stream`] variant holds them.
//!
//! [`Detail::Stream`]: super::Detail::Stream

use crate::sim::config::StreamCrashPoint;

/// The transaction field of a record written outside any transaction.
pub const NO_TXN: u32 = u32::MAX;

/// Why a transaction was aborted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AbortReason {
    /// A new instance with the same `transactional.id` started (initTransactions).
    Fenced = 1,
    /// The coordinator aborted it after `transaction.timeout.ms`.
    Timeout = 2,
    /// The Flink job, restoring a checkpoint, aborted a transaction it does not carry on.
    Restore = 3,
}

impl AbortReason {
    pub fn name(self) -> &'static str {
        match self {
            AbortReason::Fenced => "fenced",
            AbortReason::Timeout => "timeout",
            AbortReason::Restore => "restore",
        }
    }

    fn from_code(code: u8) -> Result<AbortReason, String> {
        Ok(match code {
            1 => AbortReason::Fenced,
            2 => AbortReason::Timeout,
            3 => AbortReason::Restore,
            _ => return Err(format!("no abort reason has code {code}")),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamDetail {
    /// The input topic appended the `OrderPlaced` record of the event's order at `offset`.
    InputAppended {
        offset: u32,
    },
    /// A job instance started with `transactional.id` `tid` at `epoch` (non-transactional
    /// and upsert jobs: both 0).
    InstanceStarted {
        tid: u32,
        epoch: u16,
    },
    /// The coordinator refused the job's start: it asked for a transaction timeout of
    /// `requested_ms`, above the broker's maximum `max_ms`.
    StartRejected {
        requested_ms: u32,
        max_ms: u32,
    },
    /// The job read the input record at `offset` for the `delivery`-th time.
    RecordRead {
        offset: u32,
        delivery: u16,
    },
    /// The instance paused (a GC pause) for `pause_ms`.
    Paused {
        pause_ms: u32,
    },
    /// The paused instance woke up.
    Woke,
    /// The output topic appended the event's order's invoice at `offset`, in transaction
    /// `txn` (or [`NO_TXN`]); the writer is the event's peer.
    OutputAppended {
        offset: u32,
        txn: u32,
    },
    /// The coordinator began transaction `txn` at `epoch` for the peer.
    TxnBegun {
        txn: u32,
        epoch: u16,
    },
    /// The Flink sink pre-committed `txn` at checkpoint `checkpoint`.
    PreCommitted {
        txn: u32,
        checkpoint: u32,
    },
    /// A commit marker for `txn` at `offset` of the output topic.
    Committed {
        txn: u32,
        offset: u32,
    },
    /// An abort marker for `txn` at `offset`.
    Aborted {
        txn: u32,
        offset: u32,
        reason: AbortReason,
    },
    /// The coordinator refused a write or commit of `txn`: the producer was fenced
    /// (ProducerFenced) or (`timed_out`) the transaction had been aborted on timeout.
    Refused {
        txn: u32,
        timed_out: bool,
    },
    /// The input offsets were committed up to `offset` (the next record to read), in the
    /// transaction or (`in_txn` false) in a separate commit.
    OffsetsCommitted {
        offset: u32,
        in_txn: bool,
    },
    /// A checkpoint barrier: the source's position `offset` snapshotted.
    CheckpointTaken {
        checkpoint: u32,
        offset: u32,
    },
    CheckpointCompleted {
        checkpoint: u32,
        offset: u32,
    },
    /// The job restored `checkpoint` (`u32::MAX`: none yet) and rewound its source.
    Restored {
        checkpoint: u32,
        offset: u32,
    },
    /// The instance crashed at `point`.
    Crash {
        point: StreamCrashPoint,
    },
    /// The instance stopped: its input was handed to a newer one.
    Stopped,
    /// The job read all its input and committed it.
    Finished,
    /// The downstream reader received the invoice at `offset`.
    ReaderSaw {
        offset: u32,
    },
}

impl StreamDetail {
    pub fn name(&self) -> &'static str {
        match self {
            StreamDetail::InputAppended { .. } => "input_appended",
            StreamDetail::InstanceStarted { .. } => "instance_started",
            StreamDetail::StartRejected { .. } => "start_rejected",
            StreamDetail::RecordRead { .. } => "record_read",
            StreamDetail::Paused { .. } => "paused",
            StreamDetail::Woke => "woke",
            StreamDetail::OutputAppended { .. } => "output_appended",
            StreamDetail::TxnBegun { .. } => "transaction_begun",
            StreamDetail::PreCommitted { .. } => "pre_committed",
            StreamDetail::Committed { .. } => "commit_marker",
            StreamDetail::Aborted { .. } => "abort_marker",
            StreamDetail::Refused { .. } => "refused",
            StreamDetail::OffsetsCommitted { .. } => "offsets_committed",
            StreamDetail::CheckpointTaken { .. } => "checkpoint_taken",
            StreamDetail::CheckpointCompleted { .. } => "checkpoint_completed",
            StreamDetail::Restored { .. } => "restored",
            StreamDetail::Crash { .. } => "job_crash",
            StreamDetail::Stopped => "stopped",
            StreamDetail::Finished => "finished",
            StreamDetail::ReaderSaw { .. } => "reader_saw",
        }
    }

    fn code(&self) -> u8 {
        match self {
            StreamDetail::InputAppended { .. } => 1,
            StreamDetail::InstanceStarted { .. } => 2,
            StreamDetail::StartRejected { .. } => 3,
            StreamDetail::RecordRead { .. } => 4,
            StreamDetail::Paused { .. } => 5,
            StreamDetail::Woke => 6,
            StreamDetail::OutputAppended { .. } => 7,
            StreamDetail::TxnBegun { .. } => 8,
            StreamDetail::PreCommitted { .. } => 9,
            StreamDetail::Committed { .. } => 10,
            StreamDetail::Aborted { .. } => 11,
            StreamDetail::Refused { .. } => 12,
            StreamDetail::OffsetsCommitted { .. } => 13,
            StreamDetail::CheckpointTaken { .. } => 14,
            StreamDetail::CheckpointCompleted { .. } => 15,
            StreamDetail::Restored { .. } => 16,
            StreamDetail::Crash { .. } => 17,
            StreamDetail::Stopped => 18,
            StreamDetail::Finished => 19,
            StreamDetail::ReaderSaw { .. } => 20,
        }
    }

    /// `(id, small, wide)`: the first field, the code in the low byte with small fields
    /// above it, and a second 32-bit field in `wide`.
    pub fn split(&self) -> (u32, u32, i64) {
        let code = self.code() as u32;
        let (id, small, wide) = match *self {
            StreamDetail::InputAppended { offset } | StreamDetail::ReaderSaw { offset } => {
                (offset, 0, 0)
            }
            StreamDetail::InstanceStarted { tid, epoch } => (tid, epoch as u32, 0),
            StreamDetail::StartRejected {
                requested_ms,
                max_ms,
            } => (requested_ms, 0, max_ms as i64),
            StreamDetail::RecordRead { offset, delivery } => (offset, delivery as u32, 0),
            StreamDetail::Paused { pause_ms } => (pause_ms, 0, 0),
            StreamDetail::Woke | StreamDetail::Stopped | StreamDetail::Finished => (0, 0, 0),
            StreamDetail::OutputAppended { offset, txn } => (offset, 0, txn as i64),
            StreamDetail::TxnBegun { txn, epoch } => (txn, epoch as u32, 0),
            StreamDetail::PreCommitted { txn, checkpoint } => (txn, 0, checkpoint as i64),
            StreamDetail::Committed { txn, offset } => (txn, 0, offset as i64),
            StreamDetail::Aborted {
                txn,
                offset,
                reason,
            } => (txn, reason as u32, offset as i64),
            StreamDetail::Refused { txn, timed_out } => (txn, timed_out as u32, 0),
            StreamDetail::OffsetsCommitted { offset, in_txn } => (offset, in_txn as u32, 0),
            StreamDetail::CheckpointTaken { checkpoint, offset }
            | StreamDetail::CheckpointCompleted { checkpoint, offset }
            | StreamDetail::Restored { checkpoint, offset } => (checkpoint, 0, offset as i64),
            StreamDetail::Crash { point } => (0, point_index(point), 0),
        };
        (id, code | small << 8, wide)
    }

    /// The inverse of [`StreamDetail::split`].
    pub fn join(id: u32, small: u32, wide: i64) -> Result<StreamDetail, String> {
        let code = small as u8;
        let a = small >> 8;
        let second = u32::try_from(wide).map_err(|_| format!("{wide} is not a 32-bit field"))?;
        let flag = |bit: u32| match bit {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(format!("{bit} is not a flag")),
        };
        let short = |n: u32| u16::try_from(n).map_err(|_| format!("{n} is not a 16-bit field"));
        Ok(match code {
            1 => StreamDetail::InputAppended { offset: id },
            2 => StreamDetail::InstanceStarted {
                tid: id,
                epoch: short(a)?,
            },
            3 => StreamDetail::StartRejected {
                requested_ms: id,
                max_ms: second,
            },
            4 => StreamDetail::RecordRead {
                offset: id,
                delivery: short(a)?,
            },
            5 => StreamDetail::Paused { pause_ms: id },
            6 => StreamDetail::Woke,
            7 => StreamDetail::OutputAppended {
                offset: id,
                txn: second,
            },
            8 => StreamDetail::TxnBegun {
                txn: id,
                epoch: short(a)?,
            },
            9 => StreamDetail::PreCommitted {
                txn: id,
                checkpoint: second,
            },
            10 => StreamDetail::Committed {
                txn: id,
                offset: second,
            },
            11 => StreamDetail::Aborted {
                txn: id,
                offset: second,
                reason: AbortReason::from_code(a as u8)?,
            },
            12 => StreamDetail::Refused {
                txn: id,
                timed_out: flag(a)?,
            },
            13 => StreamDetail::OffsetsCommitted {
                offset: id,
                in_txn: flag(a)?,
            },
            14 => StreamDetail::CheckpointTaken {
                checkpoint: id,
                offset: second,
            },
            15 => StreamDetail::CheckpointCompleted {
                checkpoint: id,
                offset: second,
            },
            16 => StreamDetail::Restored {
                checkpoint: id,
                offset: second,
            },
            17 => StreamDetail::Crash {
                point: *StreamCrashPoint::ALL
                    .get(a as usize)
                    .ok_or_else(|| format!("no stream crash point has index {a}"))?,
            },
            18 => StreamDetail::Stopped,
            19 => StreamDetail::Finished,
            20 => StreamDetail::ReaderSaw { offset: id },
            _ => return Err(format!("no stream event has code {code}")),
        })
    }

    /// The detail's fields as JSON members (each with a leading comma).
    pub fn json_fields(&self) -> String {
        match *self {
            StreamDetail::InputAppended { offset }
            | StreamDetail::ReaderSaw { offset }
            | StreamDetail::OutputAppended {
                offset,
                txn: NO_TXN,
            } => format!(",\"offset\":{offset}"),
            StreamDetail::InstanceStarted { tid, epoch } => {
                format!(",\"transactional_id\":{tid},\"epoch\":{epoch}")
            }
            StreamDetail::StartRejected {
                requested_ms,
                max_ms,
            } => format!(",\"requested_ms\":{requested_ms},\"max_ms\":{max_ms}"),
            StreamDetail::RecordRead { offset, delivery } => {
                format!(",\"offset\":{offset},\"delivery\":{delivery}")
            }
            StreamDetail::Paused { pause_ms } => format!(",\"pause_ms\":{pause_ms}"),
            StreamDetail::Woke | StreamDetail::Stopped | StreamDetail::Finished => String::new(),
            StreamDetail::OutputAppended { offset, txn }
            | StreamDetail::Committed { txn, offset } => {
                format!(",\"offset\":{offset},\"transaction\":{txn}")
            }
            StreamDetail::TxnBegun { txn, epoch } => {
                format!(",\"transaction\":{txn},\"epoch\":{epoch}")
            }
            StreamDetail::PreCommitted { txn, checkpoint } => {
                format!(",\"transaction\":{txn},\"checkpoint\":{checkpoint}")
            }
            StreamDetail::Aborted {
                txn,
                offset,
                reason,
            } => format!(
                ",\"offset\":{offset},\"transaction\":{txn},\"reason\":\"{}\"",
                reason.name()
            ),
            StreamDetail::Refused { txn, timed_out } => {
                format!(",\"transaction\":{txn},\"timed_out\":{timed_out}")
            }
            StreamDetail::OffsetsCommitted { offset, in_txn } => {
                format!(",\"offset\":{offset},\"in_transaction\":{in_txn}")
            }
            StreamDetail::CheckpointTaken { checkpoint, offset }
            | StreamDetail::CheckpointCompleted { checkpoint, offset }
            | StreamDetail::Restored { checkpoint, offset } => {
                format!(",\"checkpoint\":{checkpoint},\"offset\":{offset}")
            }
            StreamDetail::Crash { point } => format!(
                ",\"point\":\"{}\"",
                serde_json::to_value(point)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
        }
    }
}

fn point_index(point: StreamCrashPoint) -> u32 {
    StreamCrashPoint::ALL
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
            StreamDetail::InputAppended { offset: 70_000 },
            StreamDetail::InstanceStarted { tid: 9, epoch: 3 },
            StreamDetail::StartRejected {
                requested_ms: 3_600_000,
                max_ms: 900_000,
            },
            StreamDetail::RecordRead {
                offset: 4,
                delivery: 2,
            },
            StreamDetail::Paused { pause_ms: 2_000 },
            StreamDetail::Woke,
            StreamDetail::OutputAppended {
                offset: 12,
                txn: NO_TXN,
            },
            StreamDetail::OutputAppended { offset: 12, txn: 4 },
            StreamDetail::TxnBegun { txn: 5, epoch: 1 },
            StreamDetail::PreCommitted {
                txn: 5,
                checkpoint: 2,
            },
            StreamDetail::Committed { txn: 5, offset: 30 },
            StreamDetail::Aborted {
                txn: 6,
                offset: 31,
                reason: AbortReason::Timeout,
            },
            StreamDetail::Refused {
                txn: 6,
                timed_out: true,
            },
            StreamDetail::OffsetsCommitted {
                offset: 10,
                in_txn: true,
            },
            StreamDetail::CheckpointTaken {
                checkpoint: 3,
                offset: 40,
            },
            StreamDetail::CheckpointCompleted {
                checkpoint: 3,
                offset: 40,
            },
            StreamDetail::Restored {
                checkpoint: u32::MAX,
                offset: 0,
            },
            StreamDetail::Stopped,
            StreamDetail::Finished,
            StreamDetail::ReaderSaw { offset: 8 },
        ];
        all.extend(
            StreamCrashPoint::ALL
                .iter()
                .map(|&point| StreamDetail::Crash { point }),
        );
        let mut names = Vec::new();
        for detail in all {
            let (id, small, wide) = detail.split();
            assert_eq!(
                StreamDetail::join(id, small, wide),
                Ok(detail),
                "{detail:?}"
            );
            names.push(detail.name());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 20, "every kind has its own name");
        assert!(StreamDetail::join(0, 99, 0).is_err());
    }
}
