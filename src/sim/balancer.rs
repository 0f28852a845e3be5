//! The load balancer: picks a live replica for each request.

use super::config::BalancerPolicy;
use super::rng::SubsystemRng;

pub struct Balancer {
    policy: BalancerPolicy,
    next: usize,
    rng: SubsystemRng,
}

impl Balancer {
    pub fn new(policy: BalancerPolicy, seed: u64) -> Self {
        Balancer {
            policy,
            next: 0,
            rng: SubsystemRng::new(seed, "balancer"),
        }
    }

    /// The replica for a request from `client`, among those `up`; `None` if all are down.
    pub fn pick(&mut self, client: u16, up: &[bool]) -> Option<u8> {
        let n = up.len();
        let start = match self.policy {
            BalancerPolicy::RoundRobin => {
                let s = self.next % n;
                self.next = (s + 1) % n;
                s
            }
            BalancerPolicy::Random => self.rng.below(n as u64) as usize,
            BalancerPolicy::Sticky => client as usize % n,
        };
        (0..n)
            .map(|i| (start + i) % n)
            .find(|&r| up[r])
            .map(|r| r as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_cycles_and_skips_down_replicas() {
        let mut b = Balancer::new(BalancerPolicy::RoundRobin, 1);
        let up = [true, true, true];
        let picks: Vec<_> = (0..4).map(|_| b.pick(0, &up).unwrap()).collect();
        assert_eq!(picks, vec![0, 1, 2, 0]);
        assert_eq!(b.pick(0, &[true, false, true]), Some(2));
        assert_eq!(b.pick(0, &[false, false, false]), None);
    }

    #[test]
    fn sticky_keeps_a_client_on_one_replica() {
        let mut b = Balancer::new(BalancerPolicy::Sticky, 1);
        let up = [true, true, true];
        assert!((0..5).all(|_| b.pick(4, &up) == Some(1)));
    }
}
