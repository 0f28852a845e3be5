//! The email service: sends one email per call, deduplicating by key when given one. Its
//! log is the ground truth for duplicate emails.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    pub id: u32,
    pub op: u32,
    pub at: u64,
}

/// The payment provider. Honours idempotency keys when configured to, like a real PSP.
#[derive(Clone, Debug, Default)]
pub struct EmailService {
    pub sent: Vec<Email>,
    by_key: HashMap<u64, u32>,
}

impl EmailService {
    /// Returns the email id and whether it was a duplicate suppressed by its key.
    pub fn send(&mut self, op: u32, key: Option<u64>, at: u64) -> (u32, bool) {
        if let Some(key) = key {
            if let Some(&id) = self.by_key.get(&key) {
                return (id, true);
            }
        }
        let id = self.sent.len() as u32;
        self.sent.push(Email { id, op, at });
        if let Some(key) = key {
            self.by_key.insert(key, id);
        }
        (id, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_service_deduplicates_by_key() {
        let mut e = EmailService::default();
        assert_eq!(e.send(1, Some(3), 0), (0, false));
        assert_eq!(e.send(1, Some(3), 1), (0, true));
        assert_eq!(e.send(1, None, 2), (1, false));
        assert_eq!(e.sent.len(), 2);
    }
}
