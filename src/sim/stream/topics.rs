//! The output topic: invoices and the transaction markers between them, each at its own
//! offset (markers occupy offsets, as in Kafka). Appending here is the ground truth the
//! oracle reads.

/// One entry of the output topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Order `op`'s invoice, written by `instance` in transaction `txn` (or `NO_TXN`) at
    /// `time`; `event` is the trace event of the append.
    Invoice {
        op: u32,
        txn: u32,
        instance: u8,
        time: u64,
        event: u32,
    },
    /// A commit or abort marker of `txn`.
    Marker { txn: u32 },
}

#[derive(Default)]
pub struct OutputTopic {
    pub entries: Vec<Entry>,
    /// Invoices per order (each copy counted): the ground truth's published count.
    pub invoices: u64,
}

impl OutputTopic {
    /// Append `entry`; returns its offset.
    pub fn append(&mut self, entry: Entry) -> u32 {
        if let Entry::Invoice { .. } = entry {
            self.invoices += 1;
        }
        self.entries.push(entry);
        self.entries.len() as u32 - 1
    }

    pub fn next_offset(&self) -> u32 {
        self.entries.len() as u32
    }
}
