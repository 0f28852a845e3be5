//! The workload: every logical operation of a run, and the idempotency key a client
//! sends with each attempt under its key policy.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

use super::config::{KeyPolicy, Scenario, Workload};
use super::rng::{mix64, KeyedDraw, Purpose};

/// What one logical operation asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum OpKind {
    Payment {
        amount: i64,
    },
    Checkout {
        quantity: u32,
        amount: i64,
    },
    Deposit {
        account: u32,
        amount: i64,
    },
    Withdraw {
        account: u32,
        amount: i64,
    },
    ProfilePut {
        value: u32,
    },
    ProfileDelete,
    /// An order placed at the order service (the events workload).
    Order {
        amount: i64,
    },
}

impl OpKind {
    /// The signed change to an account balance, for wallet operations.
    pub fn balance_delta(self) -> i64 {
        match self {
            OpKind::Deposit { amount, .. } => amount,
            OpKind::Withdraw { amount, .. } => -amount,
            _ => 0,
        }
    }

    pub fn account(self) -> Option<u32> {
        match self {
            OpKind::Deposit { account, .. } | OpKind::Withdraw { account, .. } => Some(account),
            _ => None,
        }
    }

    /// Amount shown in the trace's `op_start` event.
    pub fn amount(self) -> i64 {
        match self {
            OpKind::Payment { amount } | OpKind::Checkout { amount, .. } => amount,
            OpKind::Deposit { amount, .. } | OpKind::Withdraw { amount, .. } => amount,
            OpKind::ProfilePut { value } => value as i64,
            OpKind::ProfileDelete => 0,
            OpKind::Order { amount } => amount,
        }
    }

    fn words(self) -> [u64; 3] {
        match self {
            OpKind::Payment { amount } => [1, amount as u64, 0],
            OpKind::Checkout { quantity, amount } => [2, quantity as u64, amount as u64],
            OpKind::Deposit { account, amount } => [3, account as u64, amount as u64],
            OpKind::Withdraw { account, amount } => [4, account as u64, amount as u64],
            OpKind::ProfilePut { value } => [5, value as u64, 0],
            OpKind::ProfileDelete => [6, 0, 0],
            OpKind::Order { amount } => [7, amount as u64, 0],
        }
    }
}

/// One logical operation of one client.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub index: u32,
    pub client: u16,
    pub kind: OpKind,
    /// Hash of the whole request body the client sends — the operation's reference (its
    /// order reference or request id), amount and account or value — as an
    /// idempotency-key fingerprint check sees it: only a true retry has the same one.
    pub fingerprint: u64,
}

impl Operation {
    /// Short name used in narratives and the diagram: "p-17", "c-3", "w-8", "u-2".
    pub fn label(&self) -> String {
        let prefix = match self.kind {
            OpKind::Payment { .. } => "p",
            OpKind::Checkout { .. } => "c",
            OpKind::Deposit { .. } | OpKind::Withdraw { .. } => "w",
            OpKind::ProfilePut { .. } | OpKind::ProfileDelete => "u",
            OpKind::Order { .. } => "o",
        };
        format!("{prefix}-{}", self.index + 1)
    }

    /// "Payment p-17", "Checkout c-3", "Deposit w-8 (+40 to account 1)", "PUT u-2".
    pub fn title(&self) -> String {
        match self.kind {
            OpKind::Payment { .. } => format!("Payment {}", self.label()),
            OpKind::Checkout { .. } => format!("Checkout {}", self.label()),
            OpKind::Deposit { account, amount } => {
                format!(
                    "Deposit {} (+{amount} to account {})",
                    self.label(),
                    account + 1
                )
            }
            OpKind::Withdraw { account, amount } => {
                format!(
                    "Withdrawal {} (−{amount} from account {})",
                    self.label(),
                    account + 1
                )
            }
            OpKind::ProfilePut { .. } => format!("Profile update {}", self.label()),
            OpKind::ProfileDelete => format!("Profile delete {}", self.label()),
            OpKind::Order { .. } => format!("Order {}", self.label()),
        }
    }
}

/// Operation `index` of the run: it depends only on the seed and its index, so it is
/// made again when needed instead of kept for the whole run.
pub fn operation(scenario: &Scenario, index: u32) -> Operation {
    let clients = scenario.clients as u64;
    let draw =
        |salt: u64| KeyedDraw::new(scenario.seed, Purpose::Workload, [index as u64, salt, 0, 0]);
    let client = (index as u64 % clients) as u16;
    let kind = match scenario.workload {
        Workload::Payment => OpKind::Payment {
            amount: 500 + 100 * draw(1).below(50) as i64,
        },
        Workload::Checkout => OpKind::Checkout {
            quantity: 1,
            amount: 1_000 + 500 * draw(1).below(20) as i64,
        },
        Workload::Wallet => {
            let account = draw(1).below(scenario.world.accounts as u64) as u32;
            let amount = 10 * (1 + draw(2).below(10) as i64);
            if draw(3).chance(0.3) {
                OpKind::Withdraw { account, amount }
            } else {
                OpKind::Deposit { account, amount }
            }
        }
        Workload::Events | Workload::Stream | Workload::Saga => OpKind::Order {
            amount: 1_000 + 500 * draw(1).below(20) as i64,
        },
        Workload::Profile => {
            if draw(3).chance(0.2) {
                OpKind::ProfileDelete
            } else {
                OpKind::ProfilePut { value: index + 1 }
            }
        }
    };
    let [a, b, c] = kind.words();
    let fingerprint = mix64(mix64(mix64(mix64(a) ^ b) ^ c) ^ index as u64);
    Operation {
        index,
        client,
        kind,
        fingerprint,
    }
}

/// Build every operation of the run (kept in the result when the trace is recorded).
pub fn generate_operations(scenario: &Scenario) -> Vec<Operation> {
    (0..scenario.operations)
        .map(|index| operation(scenario, index))
        .collect()
}

/// The operations handlers ask for, made on demand: a small direct-mapped cache holds
/// the recent ones (the operations in flight), so memory does not grow with the run and
/// a hit costs what indexing a vector of every operation did.
pub struct Operations {
    scenario: Scenario,
    cache: Box<[Cell<Operation>]>,
}

/// Slots of the cache: more than the operations in flight on the largest run.
const CACHED_OPERATIONS: usize = 1024;

impl Operations {
    pub fn new(scenario: &Scenario) -> Self {
        let empty = Operation {
            index: u32::MAX,
            client: 0,
            kind: OpKind::ProfileDelete,
            fingerprint: 0,
        };
        Operations {
            scenario: scenario.clone(),
            cache: vec![Cell::new(empty); CACHED_OPERATIONS].into_boxed_slice(),
        }
    }

    #[inline]
    pub fn get(&self, index: u32) -> Operation {
        let slot = &self.cache[index as usize % CACHED_OPERATIONS];
        let cached = slot.get();
        if cached.index == index {
            return cached;
        }
        let made = operation(&self.scenario, index);
        slot.set(made);
        made
    }

    /// The client that runs operation `index` (operations are dealt out in turn).
    pub fn client_of(&self, index: u32) -> u16 {
        (index % self.scenario.clients) as u16
    }
}

/// The `Idempotency-Key` a client sends on an attempt, per its key policy.
pub fn idempotency_key(policy: KeyPolicy, op: &Operation, attempt: u8) -> Option<u64> {
    let client = op.client as u64;
    match policy {
        KeyPolicy::None => None,
        KeyPolicy::PerOperation => Some(mix64(client << 40 ^ op.index as u64 ^ 0x0123)),
        KeyPolicy::PerAttempt => Some(mix64(
            client << 40 ^ (op.index as u64) << 8 ^ attempt as u64 ^ 0x4567,
        )),
        KeyPolicy::ReusedAcrossOperations => Some(mix64(client << 40 ^ 0x89AB)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(index: u32, client: u16) -> Operation {
        Operation {
            index,
            client,
            kind: OpKind::Payment { amount: 1 },
            fingerprint: 0,
        }
    }

    #[test]
    fn key_policies_behave_as_named() {
        let (a, b) = (op(1, 0), op(2, 0));
        assert_eq!(idempotency_key(KeyPolicy::None, &a, 1), None);
        let k = |p, o, n| idempotency_key(p, o, n).unwrap();
        assert_eq!(
            k(KeyPolicy::PerOperation, &a, 1),
            k(KeyPolicy::PerOperation, &a, 2)
        );
        assert_ne!(
            k(KeyPolicy::PerOperation, &a, 1),
            k(KeyPolicy::PerOperation, &b, 1)
        );
        assert_ne!(
            k(KeyPolicy::PerAttempt, &a, 1),
            k(KeyPolicy::PerAttempt, &a, 2)
        );
        assert_eq!(
            k(KeyPolicy::ReusedAcrossOperations, &a, 1),
            k(KeyPolicy::ReusedAcrossOperations, &b, 3)
        );
    }

    #[test]
    fn operations_are_spread_over_clients_and_reproducible() {
        let s = Scenario {
            clients: 3,
            operations: 9,
            workload: Workload::Wallet,
            ..Scenario::default()
        };
        let ops = generate_operations(&s);
        assert_eq!(ops.iter().filter(|o| o.client == 2).count(), 3);
        let again = generate_operations(&s);
        assert!(ops.iter().zip(&again).all(|(a, b)| a.kind == b.kind));
    }
}
