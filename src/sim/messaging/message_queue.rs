//! The broker's queue (queue mode, like SQS): messages that a receive hides for the
//! visibility timeout, a delete that applies only with the latest receipt, a dead-letter
//! queue after `max_receive_count` receives, and FIFO deduplication of sends.

use std::collections::{BTreeMap, BTreeSet};

use crate::sim::config::FIFO_DEDUP_WINDOW_US;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageState {
    Visible,
    /// Received and hidden until `visible_at`; `receipt` is the receive that hid it.
    InFlight {
        consumer: u8,
        receipt: u8,
    },
    Deleted,
    DeadLettered,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueMessage {
    pub op: u32,
    pub receives: u8,
    pub visible_at: u64,
    pub state: MessageState,
    /// The trace event that sent it.
    pub appended: u32,
}

#[derive(Debug, Default)]
pub struct MessageQueue {
    pub messages: Vec<QueueMessage>,
    /// Visible messages, oldest first.
    visible: BTreeSet<u32>,
    /// FIFO deduplication ids → (first sent, message).
    dedup_ids: BTreeMap<u64, (u64, u32)>,
    pub dead_letters: u32,
}

impl MessageQueue {
    /// The message a FIFO queue already has under `dedup_id` within its 5 minutes.
    pub fn duplicate_of(&self, dedup_id: u64, now: u64) -> Option<u32> {
        self.dedup_ids
            .get(&dedup_id)
            .filter(|(at, _)| now.saturating_sub(*at) < FIFO_DEDUP_WINDOW_US)
            .map(|&(_, message)| message)
    }

    /// Send `op`'s event; `dedup_id` is remembered from now on (FIFO). Returns its number.
    pub fn send(&mut self, op: u32, appended: u32, dedup_id: Option<u64>, now: u64) -> u32 {
        let id = self.messages.len() as u32;
        self.messages.push(QueueMessage {
            op,
            receives: 0,
            visible_at: now,
            state: MessageState::Visible,
            appended,
        });
        self.visible.insert(id);
        if let Some(dedup_id) = dedup_id {
            self.dedup_ids.insert(dedup_id, (now, id));
        }
        id
    }

    /// The oldest visible message, taken out of the visible set.
    pub fn take_visible(&mut self) -> Option<u32> {
        let id = *self.visible.iter().next()?;
        self.visible.remove(&id);
        Some(id)
    }

    pub fn make_visible(&mut self, id: u32) {
        self.messages[id as usize].state = MessageState::Visible;
        self.visible.insert(id);
    }
}
