//! Faults by name: each injected fault is a keyed draw, so it has an identity (what kind,
//! and the identity words of what it hit). A run records the faults that happened; a
//! scenario may allow only a chosen set of them (`Scenario::only_faults`), every other
//! draw that would have hit being ignored. That is what shrinking an anomaly and the
//! compare view's "same fault" need.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Most faults a scenario's `only_faults` may list.
pub const MAX_LISTED_FAULTS: usize = 10_000;

/// What kind of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// A message was lost on its link.
    Loss,
    /// A message was sent into a network partition.
    Partition,
    /// The network delivered a second copy of a message.
    Duplicate,
    /// A request took the slow path.
    Slow,
    /// A process crashed at a crash point.
    Crash,
    /// A process stopped for a while (a GC pause) and went on afterwards.
    Pause,
}

impl FaultKind {
    pub const ALL: [FaultKind; 6] = [
        FaultKind::Loss,
        FaultKind::Partition,
        FaultKind::Duplicate,
        FaultKind::Slow,
        FaultKind::Crash,
        FaultKind::Pause,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Loss => "loss",
            FaultKind::Partition => "partition",
            FaultKind::Duplicate => "duplicate",
            FaultKind::Slow => "slow",
            FaultKind::Crash => "crash",
            FaultKind::Pause => "pause",
        }
    }
}

/// One fault: its kind and the identity words of the draw that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FaultId {
    pub kind: FaultKind,
    pub identity: [u64; 4],
}

impl FaultId {
    pub fn new(kind: FaultKind, identity: [u64; 4]) -> Self {
        FaultId { kind, identity }
    }
}

/// `loss:3.5.0.0`: the kind, then the four identity words.
impl fmt::Display for FaultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.identity;
        write!(f, "{}:{a}.{b}.{c}.{d}", self.kind.name())
    }
}

impl FromStr for FaultId {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let wrong = || {
            let shown: String = text.chars().take(40).collect();
            format!(
                "\"{shown}\" is not a fault: a fault is written kind:a.b.c.d, the kind one of {}",
                FaultKind::ALL.map(FaultKind::name).join(", ")
            )
        };
        let (kind, words) = text.split_once(':').ok_or_else(wrong)?;
        let kind = *FaultKind::ALL
            .iter()
            .find(|k| k.name() == kind)
            .ok_or_else(wrong)?;
        let mut identity = [0u64; 4];
        let mut parts = words.split('.');
        for word in &mut identity {
            *word = parts
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or_else(wrong)?;
        }
        if parts.next().is_some() {
            return Err(wrong());
        }
        Ok(FaultId { kind, identity })
    }
}

/// A set of faults, kept sorted so membership is a binary search and the order (and so
/// the serialised form) does not depend on how it was built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultSet(Vec<FaultId>);

impl FaultSet {
    /// `#[inline]`: sets are built from links, files and by the shrinker, never in a run, so
    /// this and its sort are compiled in the crate that calls it (for size, in the browser
    /// build) rather than in the engine's.
    #[inline]
    pub fn new(mut faults: Vec<FaultId>) -> Self {
        faults.sort_unstable();
        faults.dedup();
        FaultSet(faults)
    }

    #[inline]
    pub fn contains(&self, fault: &FaultId) -> bool {
        self.0.binary_search(fault).is_ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FaultId> {
        self.0.iter()
    }
}

impl Serialize for FaultSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(FaultId::to_string))
    }
}

impl<'de> Deserialize<'de> for FaultSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        if texts.len() > MAX_LISTED_FAULTS {
            return Err(serde::de::Error::custom(format!(
                "only_faults lists {} faults; at most {MAX_LISTED_FAULTS} are accepted",
                texts.len()
            )));
        }
        let faults = texts
            .iter()
            .map(|t| t.parse())
            .collect::<Result<Vec<FaultId>, String>>()
            .map_err(serde::de::Error::custom)?;
        Ok(FaultSet::new(faults))
    }
}

/// A fault that happened in a run: which, to which operation (or event, in the events
/// workload) and attempt, when, and the trace event that shows it (`u32::MAX` if the
/// trace was full).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultRecord {
    pub fault: FaultId,
    pub op: u32,
    pub attempt: u8,
    pub time_us: u64,
    pub event: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_reads_back_what_it_writes() {
        for kind in FaultKind::ALL {
            let fault = FaultId::new(kind, [1, u64::MAX, 0, 42]);
            assert_eq!(fault.to_string().parse::<FaultId>(), Ok(fault));
        }
    }

    #[test]
    fn malformed_faults_are_refused_with_the_expected_form() {
        for text in [
            "",
            "loss",
            "loss:1.2.3",
            "loss:1.2.3.4.5",
            "fire:1.2.3.4",
            "loss:1.x.3.4",
            "loss:-1.2.3.4",
        ] {
            let error = text.parse::<FaultId>().unwrap_err();
            assert!(error.contains("kind:a.b.c.d"), "{text}: {error}");
        }
    }

    #[test]
    fn a_set_is_sorted_and_without_repeats_however_it_was_built() {
        let a = FaultId::new(FaultKind::Crash, [1, 0, 0, 0]);
        let b = FaultId::new(FaultKind::Loss, [2, 0, 0, 0]);
        let set = FaultSet::new(vec![a, b, a]);
        assert_eq!(set, FaultSet::new(vec![b, a]));
        assert_eq!(set.len(), 2);
        assert!(set.contains(&a) && set.contains(&b));
        assert!(!set.contains(&FaultId::new(FaultKind::Loss, [3, 0, 0, 0])));
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(serde_json::from_str::<FaultSet>(&json).unwrap(), set);
    }
}
