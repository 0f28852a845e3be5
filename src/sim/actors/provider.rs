//! The payment provider: charges a card, optionally honouring an idempotency key as a
//! real PSP does. Its charge list (with refunds) is the ground truth for double charges.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub id: u32,
    pub op: u32,
    pub amount: i64,
    pub at: u64,
    pub refunded: bool,
}

#[derive(Clone, Debug, Default)]
pub struct PaymentProvider {
    pub honours_keys: bool,
    pub charges: Vec<Charge>,
    by_key: HashMap<u64, u32>,
}

/// What the provider did with a charge call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChargeResult {
    Charged(u32),
    /// The key was seen before: the earlier charge is returned, nothing new is charged.
    Deduplicated(u32),
}

impl PaymentProvider {
    pub fn new(honours_keys: bool) -> Self {
        PaymentProvider {
            honours_keys,
            ..PaymentProvider::default()
        }
    }

    pub fn charge(&mut self, op: u32, amount: i64, key: Option<u64>, at: u64) -> ChargeResult {
        if let (true, Some(key)) = (self.honours_keys, key) {
            if let Some(&id) = self.by_key.get(&key) {
                return ChargeResult::Deduplicated(id);
            }
        }
        let id = self.charges.len() as u32;
        self.charges.push(Charge {
            id,
            op,
            amount,
            at,
            refunded: false,
        });
        if let (true, Some(key)) = (self.honours_keys, key) {
            self.by_key.insert(key, id);
        }
        ChargeResult::Charged(id)
    }

    pub fn refund(&mut self, id: u32) {
        if let Some(c) = self.charges.get_mut(id as usize) {
            c.refunded = true;
        }
    }
}

/// The email service: sends one email per call; deduplicates by key when given one.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_deduplicates_only_when_it_honours_keys() {
        let mut p = PaymentProvider::new(true);
        assert_eq!(p.charge(1, 10, Some(5), 0), ChargeResult::Charged(0));
        assert_eq!(p.charge(1, 10, Some(5), 1), ChargeResult::Deduplicated(0));
        assert_eq!(p.charge(1, 10, None, 2), ChargeResult::Charged(1));
        let mut q = PaymentProvider::new(false);
        q.charge(1, 10, Some(5), 0);
        assert_eq!(q.charge(1, 10, Some(5), 1), ChargeResult::Charged(1));
    }
}
