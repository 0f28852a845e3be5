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

    /// The replica for a request from `client`, among the `replicas` for which `is_up`
    /// holds; `None` if all are down.
    pub fn pick(
        &mut self,
        client: u16,
        replicas: usize,
        is_up: impl Fn(usize) -> bool,
    ) -> Option<u8> {
        let n = replicas;
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
            .find(|&r| is_up(r))
            .map(|r| r as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_cycles_and_skips_down_replicas() {
        let mut b = Balancer::new(BalancerPolicy::RoundRobin, 1);
        let picks: Vec<_> = (0..4).map(|_| b.pick(0, 3, |_| true).unwrap()).collect();
        assert_eq!(picks, vec![0, 1, 2, 0]);
        assert_eq!(b.pick(0, 3, |r| r != 1), Some(2));
        assert_eq!(b.pick(0, 3, |_| false), None);
    }

    #[test]
    fn sticky_keeps_a_client_on_one_replica() {
        let mut b = Balancer::new(BalancerPolicy::Sticky, 1);
        assert!((0..5).all(|_| b.pick(4, 3, |_| true) == Some(1)));
    }
}
