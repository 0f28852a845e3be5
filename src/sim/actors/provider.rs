//! The payment provider: charges a card, optionally honouring an idempotency key as a
//! real PSP does. Its charge list (with refunds) is the ground truth for double charges.

use std::collections::{HashMap, HashSet};

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
    /// Keys settled before any charge was made under them.
    voided: HashSet<u64>,
}

/// What the provider did with a charge call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChargeResult {
    Charged(u32),
    /// The key was seen before: the earlier charge is returned, nothing new is charged.
    Deduplicated(u32),
    /// The key was voided (its charge settled by a refund): nothing is charged.
    Declined,
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
            if self.voided.contains(&key) {
                return ChargeResult::Declined;
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

    /// Refund charge `id`; returns it if it stood until now.
    pub fn refund(&mut self, id: u32) -> Option<Charge> {
        let charge = self.charges.get_mut(id as usize)?;
        if charge.refunded {
            return None;
        }
        charge.refunded = true;
        Some(*charge)
    }

    /// Refund the charge made under idempotency key `key`, if one stands: the charge. If
    /// none was made, the key is voided, so that a call still on its way cannot charge.
    pub fn refund_by_key(&mut self, key: u64) -> Option<Charge> {
        let Some(&id) = self.by_key.get(&key) else {
            self.voided.insert(key);
            return None;
        };
        let charge = self.charges.get_mut(id as usize)?;
        if charge.refunded {
            return None;
        }
        charge.refunded = true;
        Some(*charge)
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
