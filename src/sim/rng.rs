//! Randomness. Two kinds, both derived from the one scenario seed:
//! - keyed draws: a SplitMix64 mix of the seed and an identity (client, operation,
//!   attempt, direction, copy, …). The same identity gives the same draw in every run,
//!   whatever else changed, so a fault hits the same message with protections on or off.
//! - [`SubsystemRng`]: a ChaCha8 stream for choices that have no message identity
//!   (random load balancing), seeded from the master seed and a subsystem label.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser: a fast, well-mixed bijection on u64.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a keyed draw is for; part of the identity so that different decisions
/// about the same message are independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    Loss = 1,
    Duplicate = 2,
    Delay = 3,
    DuplicateDelay = 4,
    Processing = 5,
    Slow = 6,
    Crash = 7,
    Jitter = 8,
    Workload = 9,
    Think = 10,
    Partition = 11,
    Pause = 12,
}

/// A keyed draw: a pure function of the seed, the purpose and up to four identity words.
#[derive(Clone, Copy, Debug)]
pub struct KeyedDraw(u64);

impl KeyedDraw {
    #[inline]
    pub fn new(seed: u64, purpose: Purpose, identity: [u64; 4]) -> Self {
        let mut h = mix64(seed ^ (purpose as u64).wrapping_mul(GOLDEN_GAMMA));
        for word in identity {
            h = mix64(h.wrapping_add(GOLDEN_GAMMA) ^ word);
        }
        KeyedDraw(h)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    #[inline]
    pub fn unit(self) -> f64 {
        (self.0 >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with the given probability.
    #[inline]
    pub fn chance(self, probability: f64) -> bool {
        probability > 0.0 && self.unit() < probability
    }

    /// Uniform integer in [0, n) (n > 0).
    #[inline]
    pub fn below(self, n: u64) -> u64 {
        ((self.0 as u128 * n as u128) >> 64) as u64
    }

    /// Exponentially distributed with the given mean, in whole microseconds.
    #[inline]
    pub fn exponential(self, mean: u64) -> u64 {
        if mean == 0 {
            return 0;
        }
        let u = self.unit();
        // 1 - u is in (0, 1], so ln is finite.
        let x = -(1.0 - u).ln() * mean as f64;
        // Cap the tail so a single draw cannot stall a run: 20 means is p < 2e-9.
        x.min(mean as f64 * 20.0) as u64
    }

    pub fn raw(self) -> u64 {
        self.0
    }
}

/// A seeded ChaCha8 stream for one subsystem.
pub struct SubsystemRng(ChaCha8Rng);

impl SubsystemRng {
    pub fn new(seed: u64, subsystem: &str) -> Self {
        let label = subsystem.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01B3)
        });
        SubsystemRng(ChaCha8Rng::seed_from_u64(mix64(seed ^ label)))
    }

    pub fn below(&mut self, n: u64) -> u64 {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_draws_depend_on_every_identity_word() {
        let base = KeyedDraw::new(7, Purpose::Loss, [1, 2, 3, 4]).raw();
        assert_eq!(base, KeyedDraw::new(7, Purpose::Loss, [1, 2, 3, 4]).raw());
        assert_ne!(base, KeyedDraw::new(8, Purpose::Loss, [1, 2, 3, 4]).raw());
        assert_ne!(
            base,
            KeyedDraw::new(7, Purpose::Duplicate, [1, 2, 3, 4]).raw()
        );
        for i in 0..4 {
            let mut id = [1, 2, 3, 4];
            id[i] += 1;
            assert_ne!(base, KeyedDraw::new(7, Purpose::Loss, id).raw());
        }
    }

    #[test]
    fn unit_draws_are_uniform_enough() {
        let n = 100_000;
        let hits = (0..n)
            .filter(|&i| KeyedDraw::new(1, Purpose::Loss, [i, 0, 0, 0]).chance(0.3))
            .count();
        let rate = hits as f64 / n as f64;
        assert!((rate - 0.3).abs() < 0.01, "rate {rate}");
    }

    #[test]
    fn exponential_mean_is_close() {
        let n = 100_000u64;
        let total: u64 = (0..n)
            .map(|i| KeyedDraw::new(3, Purpose::Delay, [i, 0, 0, 0]).exponential(1000))
            .sum();
        let mean = total as f64 / n as f64;
        assert!((mean - 1000.0).abs() < 20.0, "mean {mean}");
    }

    #[test]
    fn subsystem_streams_are_reproducible_and_distinct() {
        let mut a = SubsystemRng::new(5, "balancer");
        let mut b = SubsystemRng::new(5, "balancer");
        let mut c = SubsystemRng::new(5, "other");
        let xs: Vec<u64> = (0..8).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.below(1000)).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.below(1000)).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }
}
