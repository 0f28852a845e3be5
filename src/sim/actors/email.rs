//! The email service: sends one email per call, deduplicating by key when given one. Its
//! log is the ground truth for duplicate emails.

use crate::sim::live::IdMap;

/// The email service. Deduplicates by the key it is given, if any.
#[derive(Clone, Debug, Default)]
pub struct EmailService {
    /// Per operation not settled: emails sent for it, and the keys it made the service
    /// keep. A settled operation's are counted in `sent` and dropped (see `settle.rs`).
    by_op: IdMap<u32, OpEmails>,
    by_key: IdMap<u64, u32>,
    sent: u64,
}

#[derive(Clone, Debug, Default)]
struct OpEmails {
    sent: u32,
    keys: Vec<u64>,
}

impl EmailService {
    /// Returns the email id and whether it was a duplicate suppressed by its key.
    pub fn send(&mut self, op: u32, key: Option<u64>) -> (u32, bool) {
        if let Some(key) = key {
            if let Some(&id) = self.by_key.get(&key) {
                return (id, true);
            }
        }
        let id = self.sent as u32;
        self.sent += 1;
        let entry = self.by_op.entry(op).or_default();
        entry.sent += 1;
        if let Some(key) = key {
            self.by_key.insert(key, id);
            entry.keys.push(key);
        }
        (id, false)
    }

    /// Emails sent in the run: the ground truth's total.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// `op` has settled: how many emails it got. The keys it made the service keep are
    /// forgotten, except the `shared` ones (other operations may still send those).
    pub fn settle(&mut self, op: u32, shared: &[u64]) -> u32 {
        let Some(entry) = self.by_op.remove(&op) else {
            return 0;
        };
        for key in entry.keys.iter().filter(|k| !shared.contains(k)) {
            self.by_key.remove(key);
        }
        entry.sent
    }

    /// Keys remembered (the size of the live dedup table).
    pub fn live_keys(&self) -> usize {
        self.by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_service_deduplicates_by_key() {
        let mut e = EmailService::default();
        assert_eq!(e.send(1, Some(3)), (0, false));
        assert_eq!(e.send(1, Some(3)), (0, true));
        assert_eq!(e.send(1, None), (1, false));
        assert_eq!(e.sent(), 2);
        assert_eq!(e.settle(1, &[]), 2);
        assert_eq!(
            e.send(2, Some(3)),
            (2, false),
            "the settled key is forgotten"
        );
    }
}
