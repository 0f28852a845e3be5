//! Tables of what is live right now, keyed by ids that count up (operations, executions).
//!
//! The engine keeps state about an operation only while something can still touch it;
//! once it has settled it is folded into counters and dropped (see `settle.rs`). So these
//! tables hold the operations in flight: a few per client plus a few long-lived ones,
//! whatever the size of the run.
//!
//! [`LiveTable`] is a direct-mapped ring (slot = id mod capacity) in front of a slab, with
//! an overflow map for the rare id whose slot a newer id took: a lookup on the hot path is
//! one compare, as the `Vec` indexed by id it replaces was. [`IdMap`] is a `HashMap` with
//! a fixed multiplicative hash, for the stores' per-operation maps. Neither's iteration
//! order may decide anything a run shows: callers sort, or only count.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, fixed hash for integer ids (Fx-style: one multiply). Deterministic, and the
/// ids are not chosen by an adversary.
#[derive(Clone, Copy, Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
    }
}

/// A map keyed by ids, with [`IdHasher`].
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

const EMPTY: u32 = u32::MAX;

/// Live entries by id. `T::default()` is the state of a new entry.
#[derive(Clone, Debug)]
pub struct LiveTable<T> {
    /// (id, slab index) per ring slot; `EMPTY` when free.
    ring: Vec<(u32, u32)>,
    /// Ids whose ring slot holds another id: their slab index.
    overflow: IdMap<u32, u32>,
    slab: Vec<T>,
    free: Vec<u32>,
    len: usize,
    peak: usize,
}

impl<T: Default> LiveTable<T> {
    /// A table whose ring starts with `capacity` slots (rounded up to a power of two).
    pub fn new(capacity: usize) -> Self {
        LiveTable {
            ring: vec![(EMPTY, 0); capacity.max(16).next_power_of_two()],
            overflow: IdMap::default(),
            slab: Vec::new(),
            free: Vec::new(),
            len: 0,
            peak: 0,
        }
    }

    #[inline]
    fn slot(&self, id: u32) -> usize {
        id as usize & (self.ring.len() - 1)
    }

    #[inline]
    fn index(&self, id: u32) -> Option<u32> {
        let (held, index) = self.ring[self.slot(id)];
        if held == id {
            Some(index)
        } else if self.overflow.is_empty() {
            None
        } else {
            self.overflow.get(&id).copied()
        }
    }

    #[inline]
    pub fn get(&self, id: u32) -> Option<&T> {
        self.index(id).map(|i| &self.slab[i as usize])
    }

    #[inline]
    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        self.index(id).map(|i| &mut self.slab[i as usize])
    }

    pub fn contains(&self, id: u32) -> bool {
        self.index(id).is_some()
    }

    /// The entry of `id`, made if it is not live.
    #[inline]
    pub fn entry(&mut self, id: u32) -> &mut T {
        let index = match self.index(id) {
            Some(index) => index,
            None => self.insert(id),
        };
        &mut self.slab[index as usize]
    }

    /// The entry of `id`; if it is not live, made only if `make` says so.
    #[inline]
    pub fn entry_if(&mut self, id: u32, make: impl FnOnce() -> bool) -> Option<&mut T> {
        let index = match self.index(id) {
            Some(index) => index,
            None if make() => self.insert(id),
            None => return None,
        };
        Some(&mut self.slab[index as usize])
    }

    #[cold]
    fn insert(&mut self, id: u32) -> u32 {
        debug_assert_ne!(id, EMPTY);
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.slab.push(T::default());
                (self.slab.len() - 1) as u32
            }
        };
        self.place(id, index);
        self.len += 1;
        self.peak = self.peak.max(self.len);
        // Too many ids off their slot: the live ids span more than the ring.
        if self.overflow.len() * 4 > self.ring.len() {
            self.grow();
        }
        index
    }

    /// Put `id` in its slot; a newer id takes the slot and the older one overflows.
    fn place(&mut self, id: u32, index: u32) {
        let slot = self.slot(id);
        let (held, held_index) = self.ring[slot];
        if held == EMPTY {
            self.ring[slot] = (id, index);
        } else if id > held {
            self.overflow.insert(held, held_index);
            self.ring[slot] = (id, index);
        } else {
            self.overflow.insert(id, index);
        }
    }

    fn grow(&mut self) {
        let mut entries: Vec<(u32, u32)> = self
            .ring
            .iter()
            .copied()
            .filter(|&(id, _)| id != EMPTY)
            .chain(self.overflow.drain())
            .collect();
        entries.sort_unstable();
        self.ring = vec![(EMPTY, 0); self.ring.len() * 2];
        for (id, index) in entries {
            self.place(id, index);
        }
    }

    /// Change `id`'s entry with `f`, and drop the entry if `f` says it is done; returns
    /// whether it was dropped (`None` if `id` is not live). One lookup for both.
    #[inline]
    pub fn update(&mut self, id: u32, f: impl FnOnce(&mut T) -> bool) -> Option<bool> {
        let slot = self.slot(id);
        let in_ring = self.ring[slot].0 == id;
        let index = if in_ring {
            self.ring[slot].1
        } else if self.overflow.is_empty() {
            return None;
        } else {
            *self.overflow.get(&id)?
        };
        if !f(&mut self.slab[index as usize]) {
            return Some(false);
        }
        if in_ring {
            self.ring[slot] = (EMPTY, 0);
        } else {
            self.overflow.remove(&id);
        }
        self.free.push(index);
        self.len -= 1;
        self.slab[index as usize] = T::default();
        Some(true)
    }

    /// Take `id`'s entry out of the table.
    pub fn remove(&mut self, id: u32) -> Option<T> {
        let slot = self.slot(id);
        let index = if self.ring[slot].0 == id {
            let index = self.ring[slot].1;
            self.ring[slot] = (EMPTY, 0);
            index
        } else {
            self.overflow.remove(&id)?
        };
        self.free.push(index);
        self.len -= 1;
        Some(std::mem::take(&mut self.slab[index as usize]))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most entries live at once.
    pub fn peak(&self) -> usize {
        self.peak
    }

    /// The live ids, ascending.
    pub fn ids(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self
            .ring
            .iter()
            .map(|&(id, _)| id)
            .filter(|&id| id != EMPTY)
            .chain(self.overflow.keys().copied())
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Every live entry, in no particular order (for updates whose order cannot matter).
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut T)) {
        let LiveTable {
            ring,
            overflow,
            slab,
            ..
        } = self;
        let held = ring.iter().filter(|&&(id, _)| id != EMPTY).map(|&(_, i)| i);
        for index in held.chain(overflow.values().copied()) {
            f(&mut slab[index as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_live_until_removed_and_slots_are_reused() {
        let mut t: LiveTable<u32> = LiveTable::new(16);
        *t.entry(3) += 5;
        *t.entry(3) += 1;
        assert_eq!(t.get(3), Some(&6));
        assert_eq!(t.get(19), None, "same slot, another id");
        *t.entry(19) = 7;
        assert_eq!((t.get(3), t.get(19)), (Some(&6), Some(&7)));
        assert_eq!(t.update(3, |v| *v == 0), Some(false));
        assert_eq!(t.update(4, |_| true), None);
        assert_eq!(t.remove(3), Some(6));
        assert_eq!(t.update(19, |v| *v == 7), Some(true));
        assert_eq!(t.get(19), None);
        *t.entry(19) = 7;
        assert_eq!(t.get(3), None);
        assert_eq!(t.remove(3), None);
        assert_eq!(t.get(19), Some(&7));
        assert_eq!((t.len(), t.peak()), (1, 2));
    }

    #[test]
    fn a_long_lived_id_survives_ids_that_pass_its_slot_many_times() {
        let mut t: LiveTable<u64> = LiveTable::new(16);
        *t.entry(1) = 100;
        for id in 2..10_000u32 {
            *t.entry(id) = id as u64;
            if id >= 42 {
                assert_eq!(t.remove(id - 40), Some((id - 40) as u64));
            }
            assert_eq!(t.get(1), Some(&100));
        }
        assert_eq!(t.len(), 41);
        assert!(t.ring.len() <= 256, "ring follows the live span");
        assert_eq!(t.ids()[..3], [1, 9960, 9961]);
        let mut sum = 0;
        t.for_each_mut(|v| sum += *v);
        assert_eq!(sum, 100 + (9960..10_000).sum::<u64>());
    }
}
