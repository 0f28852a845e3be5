//! The payment provider: charges a card, optionally honouring an idempotency key as a
//! real PSP does. Its charge list (with refunds) is the ground truth for double charges.

use serde::{Deserialize, Serialize};

use crate::sim::live::IdMap;

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
    /// The charges of operations that have not settled, by id. A settled operation's
    /// charges are counted in `made` and `refunded` and dropped (see `settle.rs`).
    charges: IdMap<u32, Charge>,
    /// Per operation not settled: its charge ids and the keys it made the provider keep.
    by_op: IdMap<u32, OpCharges>,
    by_key: IdMap<u64, u32>,
    /// Keys settled before any charge was made under them.
    voided: IdMap<u64, ()>,
    made: u64,
    refunded: u64,
    /// Refunds asked of charges already forgotten: none, unless settling is wrong.
    pub late: u64,
}

#[derive(Clone, Debug, Default)]
struct OpCharges {
    charges: Vec<u32>,
    keys: Vec<u64>,
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
            if self.voided.contains_key(&key) {
                return ChargeResult::Declined;
            }
        }
        let id = self.made as u32;
        self.made += 1;
        self.charges.insert(
            id,
            Charge {
                id,
                op,
                amount,
                at,
                refunded: false,
            },
        );
        let entry = self.by_op.entry(op).or_default();
        entry.charges.push(id);
        if let (true, Some(key)) = (self.honours_keys, key) {
            self.by_key.insert(key, id);
            entry.keys.push(key);
        }
        ChargeResult::Charged(id)
    }

    /// Refund charge `id`; returns it if it stood until now.
    pub fn refund(&mut self, id: u32) -> Option<Charge> {
        let Some(charge) = self.charges.get_mut(&id) else {
            self.late += 1;
            return None;
        };
        if charge.refunded {
            return None;
        }
        charge.refunded = true;
        self.refunded += 1;
        Some(*charge)
    }

    /// Refund the charge made under idempotency key `key`, if one stands: the charge. If
    /// none was made, the key is voided (on behalf of `op`), so that a call still on its
    /// way cannot charge.
    pub fn refund_by_key(&mut self, key: u64, op: u32) -> Option<Charge> {
        let Some(&id) = self.by_key.get(&key) else {
            self.voided.insert(key, ());
            self.by_op.entry(op).or_default().keys.push(key);
            return None;
        };
        self.refund(id)
    }

    /// The operation charge `id` was made for, while the provider still holds it.
    pub fn charge_op(&self, id: u32) -> Option<u32> {
        self.charges.get(&id).map(|c| c.op)
    }

    /// Whether charge `id` has been refunded (while the provider still holds it).
    pub fn refunded(&self, id: u32) -> bool {
        self.charges.get(&id).is_some_and(|c| c.refunded)
    }

    /// Charges made, and of those refunded: the ground truth's totals.
    pub fn totals(&self) -> (u64, u64) {
        (self.made, self.refunded)
    }

    /// Whether one of the `shared` keys (keys other operations send too) leads to a charge
    /// of `op`'s: a later call under it, from any operation, is answered with that charge
    /// and may refund it.
    pub fn keeps_charge_of(&self, op: u32, shared: &[u64]) -> bool {
        shared.iter().any(|k| {
            self.by_key
                .get(k)
                .is_some_and(|id| self.charges.get(id).is_some_and(|c| c.op == op))
        })
    }

    /// `op` has settled: forget its charges, and the keys it made the provider keep
    /// except the `shared` ones (other operations may still send those). Returns the ids
    /// of its charges that stand.
    pub fn settle(&mut self, op: u32, shared: &[u64]) -> Vec<u32> {
        let Some(mut entry) = self.by_op.remove(&op) else {
            return Vec::new();
        };
        for key in entry.keys.iter().filter(|k| !shared.contains(k)) {
            self.by_key.remove(key);
            self.voided.remove(key);
        }
        let charges = &mut self.charges;
        entry
            .charges
            .retain(|id| charges.remove(id).is_some_and(|c| !c.refunded));
        entry.charges
    }

    /// Charges held for operations not settled (the size of the live log).
    pub fn live_charges(&self) -> usize {
        self.charges.len()
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

    #[test]
    fn a_settled_operation_is_counted_and_forgotten() {
        let mut p = PaymentProvider::new(true);
        p.charge(1, 10, Some(5), 0);
        p.charge(2, 10, None, 0);
        assert!(p.refund(1).is_some());
        assert!(p.keeps_charge_of(1, &[5]) && !p.keeps_charge_of(1, &[]));
        assert_eq!(p.settle(1, &[]), vec![0]);
        assert!(!p.keeps_charge_of(1, &[5]));
        assert_eq!(p.charge(3, 10, Some(5), 1), ChargeResult::Charged(2));
        assert!(p.settle(2, &[]).is_empty(), "refunded");
        p.settle(3, &[5]);
        assert_eq!(p.charge(4, 10, Some(5), 1), ChargeResult::Deduplicated(2));
        assert_eq!((p.totals(), p.live_charges()), ((3, 1), 0));
    }
}
