//! The anomalies a run can show, and the small text helpers their sentences use.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    DoubleCharge,
    ChargedWithoutOrder,
    UnpaidOrder,
    DuplicateOrder,
    Oversell,
    LostUpdate,
    DoubleApply,
    DuplicateEmail,
    GhostSuccess,
    LostWrite,
    WrongReplay,
    DuplicateEventEffect,
    LostEvent,
    DuplicateShipment,
    DuplicateOutput,
    LostOutput,
    ZombieWrite,
    DoubleRefund,
    RefundWithoutCharge,
    ChargeNeverCompensated,
    StockLeak,
}

impl AnomalyKind {
    pub const ALL: [AnomalyKind; 21] = [
        AnomalyKind::DoubleCharge,
        AnomalyKind::ChargedWithoutOrder,
        AnomalyKind::UnpaidOrder,
        AnomalyKind::DuplicateOrder,
        AnomalyKind::Oversell,
        AnomalyKind::LostUpdate,
        AnomalyKind::DoubleApply,
        AnomalyKind::DuplicateEmail,
        AnomalyKind::GhostSuccess,
        AnomalyKind::LostWrite,
        AnomalyKind::WrongReplay,
        AnomalyKind::DuplicateEventEffect,
        AnomalyKind::LostEvent,
        AnomalyKind::DuplicateShipment,
        AnomalyKind::DuplicateOutput,
        AnomalyKind::LostOutput,
        AnomalyKind::ZombieWrite,
        AnomalyKind::DoubleRefund,
        AnomalyKind::RefundWithoutCharge,
        AnomalyKind::ChargeNeverCompensated,
        AnomalyKind::StockLeak,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::DoubleCharge => "double_charge",
            AnomalyKind::ChargedWithoutOrder => "charged_without_order",
            AnomalyKind::UnpaidOrder => "unpaid_order",
            AnomalyKind::DoubleApply => "double_apply",
            AnomalyKind::DuplicateOrder => "duplicate_order",
            AnomalyKind::Oversell => "oversell",
            AnomalyKind::LostUpdate => "lost_update",
            AnomalyKind::DuplicateEmail => "duplicate_email",
            AnomalyKind::GhostSuccess => "ghost_success",
            AnomalyKind::LostWrite => "lost_write",
            AnomalyKind::WrongReplay => "wrong_replay",
            AnomalyKind::DuplicateEventEffect => "duplicate_event_effect",
            AnomalyKind::LostEvent => "lost_event",
            AnomalyKind::DuplicateShipment => "duplicate_shipment",
            AnomalyKind::DuplicateOutput => "duplicate_output",
            AnomalyKind::LostOutput => "lost_output",
            AnomalyKind::ZombieWrite => "zombie_write",
            AnomalyKind::DoubleRefund => "double_refund",
            AnomalyKind::RefundWithoutCharge => "refund_without_charge",
            AnomalyKind::ChargeNeverCompensated => "charge_never_compensated",
            AnomalyKind::StockLeak => "stock_leak",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            AnomalyKind::DoubleCharge => "Double charge",
            AnomalyKind::ChargedWithoutOrder => "Charged without order",
            AnomalyKind::UnpaidOrder => "Unpaid order",
            AnomalyKind::DoubleApply => "Double apply",
            AnomalyKind::DuplicateOrder => "Duplicate order",
            AnomalyKind::Oversell => "Oversell",
            AnomalyKind::LostUpdate => "Lost update",
            AnomalyKind::DuplicateEmail => "Duplicate email",
            AnomalyKind::GhostSuccess => "Ghost success",
            AnomalyKind::LostWrite => "Lost write",
            AnomalyKind::WrongReplay => "Wrong replay",
            AnomalyKind::DuplicateEventEffect => "Duplicate event effect",
            AnomalyKind::LostEvent => "Lost event",
            AnomalyKind::DuplicateShipment => "Duplicate shipment",
            AnomalyKind::DuplicateOutput => "Duplicate output",
            AnomalyKind::LostOutput => "Lost output",
            AnomalyKind::ZombieWrite => "Zombie write",
            AnomalyKind::DoubleRefund => "Double refund",
            AnomalyKind::RefundWithoutCharge => "Refund without charge",
            AnomalyKind::ChargeNeverCompensated => "Charge never compensated",
            AnomalyKind::StockLeak => "Stock leak",
        }
    }
}

/// One anomaly with the trace events that produced it and a sentence saying why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub op: u32,
    /// When the anomaly became true (the event that completed it).
    pub time_us: u64,
    pub events: Vec<u32>,
    pub narrative: String,
}

impl Anomaly {
    /// An anomaly the report only counts (with the trace off, past the first 200): its
    /// sentence and chain are not written.
    pub fn counted(kind: AnomalyKind, op: u32, time_us: u64) -> Anomaly {
        Anomaly {
            kind,
            op,
            time_us,
            events: Vec::new(),
            narrative: String::new(),
        }
    }
}

/// Anomalies counted by kind (a run keeps every anomaly only with the trace on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnomalyCounts([u64; AnomalyKind::ALL.len()]);

impl AnomalyCounts {
    pub fn add(&mut self, kind: AnomalyKind) {
        self.0[kind as usize] += 1;
    }

    /// Counts read back (from a worker's bytes), in the order of [`AnomalyKind::ALL`].
    pub fn set(&mut self, kind: AnomalyKind, count: u64) {
        self.0[kind as usize] = count;
    }

    pub fn get(&self, kind: AnomalyKind) -> u64 {
        self.0[kind as usize]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// By name, every kind present (zero if none), as the summary shows them.
    pub fn by_name(&self) -> BTreeMap<&'static str, u64> {
        AnomalyKind::ALL
            .iter()
            .map(|&k| (k.name(), self.get(k)))
            .collect()
    }
}

/// The events, stream and saga worlds' verdicts in report order: by time, then kind, then
/// operation (a stable sort). One function for the three, so the sort is compiled once.
pub fn sort_by_time(anomalies: &mut [Anomaly]) {
    anomalies.sort_by_key(|a| (a.time_us, a.kind, a.op));
}

/// Count anomalies by kind, every kind present (zero if none).
pub fn count_by_kind(anomalies: &[Anomaly]) -> BTreeMap<&'static str, u64> {
    let mut counts: BTreeMap<&'static str, u64> =
        AnomalyKind::ALL.iter().map(|k| (k.name(), 0)).collect();
    for a in anomalies {
        *counts.entry(a.kind.name()).or_default() += 1;
    }
    counts
}

/// "140 ms", "1.25 s".
pub fn format_time(us: u64) -> String {
    if us >= 10_000_000 {
        format!("{:.1} s", us as f64 / 1e6)
    } else if us >= 1_000_000 {
        format!("{:.2} s", us as f64 / 1e6)
    } else {
        format!("{} ms", us / 1000)
    }
}

pub(super) fn at(us: u64) -> String {
    format!("t={}", format_time(us))
}

pub(super) fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        // ASCII only (operation titles start with an English word): the Unicode
        // case tables would add about 6 KB gzip to the wasm bundle.
        c.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

pub(super) fn sorted(mut events: Vec<u32>) -> Vec<u32> {
    events.sort_unstable();
    events.dedup();
    events
}
