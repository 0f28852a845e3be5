//! The rows of the derived tables: orders and payments, charges, emails, outbox rows, key
//! records and versioned rows, as they stand at a time cursor.

use crate::sim::trace::{Actor, Table};

/// Which key store a key row lives in: one per replica (memory), or the shared database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyScope {
    Replica(u8),
    Database,
}

/// An `orders` (checkout) or `payments` (payment) row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderRow {
    pub id: u32,
    pub op: u32,
    /// How many earlier rows belong to the same operation (non-zero: a duplicate).
    pub repeat: u32,
    pub attempt: u8,
    pub table: Table,
    pub amount: i64,
    pub replica: Actor,
    pub created_event: u32,
    pub created_us: u64,
}

/// A charge at the payment provider, possibly refunded later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChargeRow {
    pub id: u32,
    pub op: u32,
    /// How many earlier charges belong to the same operation (non-zero: a second charge).
    pub repeat: u32,
    pub amount: i64,
    pub created_event: u32,
    pub created_us: u64,
    pub refunded_event: Option<u32>,
}

/// An email the email service sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmailRow {
    pub id: u32,
    pub op: u32,
    /// How many earlier emails belong to the same operation (non-zero: a duplicate).
    pub repeat: u32,
    pub sender: Actor,
    pub created_event: u32,
    pub created_us: u64,
}

/// An outbox row: written in the business transaction, later marked sent by the relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: u32,
    pub op: u32,
    pub created_event: u32,
    pub sent_event: Option<u32>,
}

/// The state of an idempotency-key record as the key store saved it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRowState {
    InProgress,
    Completed,
}

/// One saved version of a key record, alive from `saved_event` until `ended_event`
/// (replaced by a newer save, released, or wiped by a crash of its replica).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRowVersion {
    pub scope: KeyScope,
    pub client: u16,
    pub key: u64,
    pub op: u32,
    pub attempt: u8,
    pub state: KeyRowState,
    pub saved_event: u32,
    pub saved_us: u64,
    /// When the key expires: one TTL after the first request that saved it.
    pub expires_us: u64,
    pub ended_event: Option<u32>,
}

/// What a key row looks like at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyBadge {
    InProgress,
    Completed,
    /// Still stored, but older than the TTL: a lookup treats it as absent.
    Expired,
}

impl KeyBadge {
    pub fn name(self) -> &'static str {
        match self {
            KeyBadge::InProgress => "in_progress",
            KeyBadge::Completed => "completed",
            KeyBadge::Expired => "expired",
        }
    }
}

/// Which kind of versioned row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKind {
    Inventory,
    Account(u32),
    Profile(u16),
}

impl RowKind {
    pub fn label(self) -> String {
        match self {
            RowKind::Inventory => "inventory".into(),
            RowKind::Account(i) => format!("account {}", i + 1),
            RowKind::Profile(i) => format!("profile of client {}", i + 1),
        }
    }
}

/// One write to a versioned row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowWrite {
    pub event: u32,
    pub op: u32,
    pub value: i64,
    pub deleted: bool,
    /// The write overwrote a change it had not seen (a lost update in the making).
    pub overwrote: bool,
}

/// A versioned row (accounts, inventory, profiles) and every write to it, in event order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowHistory {
    pub row: RowKind,
    pub initial_value: i64,
    pub initially_deleted: bool,
    pub writes: Vec<RowWrite>,
}

/// A versioned row as it stood at the cursor. `version` counts the writes so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowAt {
    pub row: RowKind,
    pub value: i64,
    pub version: u64,
    pub deleted: bool,
    pub last_writer: Option<u32>,
    pub last_overwrote: bool,
}

/// A key row as it stood at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRowAt {
    pub row: KeyRowVersion,
    pub badge: KeyBadge,
}

/// The most recent rows of every table at a cursor, with the totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TablesAt {
    pub orders_total: usize,
    pub orders: Vec<OrderRow>,
    pub charges_total: usize,
    pub charges_refunded: usize,
    pub charges: Vec<(ChargeRow, bool)>,
    pub emails_total: usize,
    pub emails: Vec<EmailRow>,
    pub outbox_total: usize,
    pub outbox_pending: usize,
    pub outbox: Vec<(OutboxRow, bool)>,
    pub keys_total: usize,
    pub keys: Vec<KeyRowAt>,
    pub rows: Vec<RowAt>,
}
