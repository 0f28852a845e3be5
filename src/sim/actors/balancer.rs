//! The load balancer: forwards each request to a live replica, and answers for the
//! replicas when none is up (503) or one died mid-request (502).

use super::replica::Replica;
use crate::sim::config::BalancerPolicy;
use crate::sim::effects::{Cost, Cx, Effects, BALANCER_HOP_US};
use crate::sim::events::{Body, Event, Message};
use crate::sim::faults::{response_identity, Link};
use crate::sim::rng::SubsystemRng;
use crate::sim::trace::{Actor, Detail, MessageKind};

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

/// A client's request reaches the balancer.
pub fn on_request(
    balancer: &mut Balancer,
    replicas: &[Replica],
    cx: &Cx,
    message: Message,
    out: &mut impl Effects,
) {
    let (
        Body::Request {
            op,
            attempt,
            read_back,
            ..
        },
        Actor::Client(client),
    ) = (message.body, message.from)
    else {
        return;
    };
    out.received(&message, false, false, 0);
    match balancer.pick(client, replicas.len(), |r| replicas[r].up) {
        Some(replica) => {
            let forward = Message {
                from: Actor::Balancer,
                to: Actor::Replica(replica),
                kind: MessageKind::Forward,
                ..message
            };
            out.event(
                Actor::Balancer,
                forward.to,
                op,
                attempt,
                Detail::Send {
                    msg: message.id,
                    message: MessageKind::Forward,
                    value: message.copy as i64,
                },
            );
            out.after(BALANCER_HOP_US, Event::Arrive(forward));
        }
        None => {
            let request = (op, attempt, read_back, message.copy);
            error_reply(cx, out, request, message.from, 503)
        }
    }
}

/// The balancer answers one copy of an attempt's request, `(op, attempt, read_back,
/// copy)`, itself with an error status. The response has the same identity, and so meets
/// the same faults, as the replica's response to that request would have.
pub fn error_reply(
    cx: &Cx,
    out: &mut impl Effects,
    (op, attempt, read_back, copy): (u32, u8, bool, u8),
    client: Actor,
    status: u16,
) {
    let body = Body::Response {
        op,
        attempt,
        status,
        replayed: false,
        already_exists: false,
        body_op: op,
        version: 0,
        key_event: u32::MAX,
    };
    out.cost(Cost::Response5xx);
    out.send(
        cx,
        Actor::Balancer,
        client,
        MessageKind::Response,
        Some(Link::Response),
        response_identity(op, attempt, read_back, copy),
        body,
        status as i64,
    );
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
