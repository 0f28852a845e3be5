//! Every keyed fault draw in one place: the fate of a message (loss, partition, delay,
//! duplication), a request's processing time and "slow request", and crashes. Each draw is
//! a pure function of the seed and the identity of what it hits, so a run with protections
//! on meets the same faults as the run with them off. The identities are built here too.

use super::config::{CrashPoint, DelayKind, NetworkConfig, Scenario};
use super::events::CallKind;
use super::fault_set::{FaultId, FaultKind};
use super::rng::{KeyedDraw, Purpose};

/// Which link a message travels on; each has its own loss knob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Client → load balancer.
    Request,
    /// Replica → client.
    Response,
    /// Replica ↔ payment provider (both ways).
    Provider,
    /// Replica or relay ↔ email service (both ways).
    Email,
}

/// The fate of one message, decided when it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Lost,
    Partitioned,
    /// Delivered after `delay`; if `copy_delay` is set, a duplicate arrives after that.
    Delivered {
        delay: u64,
        copy_delay: Option<u64>,
    },
}

/// Identity words of a message: who, which operation, attempt, direction and copy.
pub type MessageIdentity = [u64; 4];

/// A client's request (or read-back) for one attempt.
pub fn request_identity(op: u32, attempt: u8, read_back: bool) -> MessageIdentity {
    [
        op as u64,
        (attempt as u64) << 2 | (read_back as u64) << 1,
        0,
        0,
    ]
}

/// The response to one copy of an attempt's request, whoever sends it (the replica, or
/// the balancer answering for a replica that is down or crashed).
pub fn response_identity(op: u32, attempt: u8, read_back: bool, copy: u8) -> MessageIdentity {
    [
        op as u64,
        (attempt as u64) << 2 | (read_back as u64) << 1 | 1,
        copy as u64,
        0,
    ]
}

/// One execution of a request: the attempt and the copy of it that reached a replica.
pub fn execution_identity(op: u32, attempt: u8, copy: u8) -> MessageIdentity {
    [op as u64, execution_word(attempt, copy), 0, 0]
}

/// The identity word of one execution of a request: its attempt and copy.
pub fn execution_word(attempt: u8, copy: u8) -> u64 {
    (attempt as u64) << 8 | copy as u64
}

fn call_code(kind: CallKind, reply: bool) -> u64 {
    let kind = match kind {
        CallKind::Charge => 2,
        CallKind::Email => 4,
    };
    kind + reply as u64
}

/// A replica's external call number `call` (or its reply) for one execution.
pub fn call_identity(
    op: u32,
    execution: u64,
    call: u8,
    kind: CallKind,
    reply: bool,
) -> MessageIdentity {
    [
        op as u64,
        execution,
        (call as u64) << 4 | call_code(kind, reply),
        0,
    ]
}

/// The outbox relay's call number `call` (or its reply) for one outbox row.
pub fn relay_call_identity(outbox: u32, call: u8, reply: bool) -> MessageIdentity {
    [
        outbox as u64,
        call as u64,
        call_code(CallKind::Email, reply),
        1 << 32,
    ]
}

/// Decide a message's fate. Pure: same scenario, identity and send time ⇒ same fate. A
/// fault the scenario does not allow (`only_faults`) is skipped as if not drawn.
pub fn fate(scenario: &Scenario, link: Link, identity: MessageIdentity, now: u64) -> Fate {
    let (config, seed) = (&scenario.network, scenario.seed);
    let (loss, can_duplicate) = match link {
        Link::Request => (config.request_loss, true),
        Link::Response => (config.response_loss, true),
        Link::Provider => (config.provider_loss, false),
        Link::Email => (config.email_loss, false),
    };
    if matches!(link, Link::Request | Link::Response)
        && config
            .partitions
            .iter()
            .any(|p| (p.start_us..p.end_us).contains(&now))
        && scenario.allows(FaultKind::Partition, identity)
    {
        return Fate::Partitioned;
    }
    if KeyedDraw::new(seed, Purpose::Loss, identity).chance(loss)
        && scenario.allows(FaultKind::Loss, identity)
    {
        return Fate::Lost;
    }
    let delay = delay(config, KeyedDraw::new(seed, Purpose::Delay, identity));
    let copy_delay = (can_duplicate
        && KeyedDraw::new(seed, Purpose::Duplicate, identity).chance(config.duplication)
        && scenario.allows(FaultKind::Duplicate, identity))
    .then(|| {
        self::delay(
            config,
            KeyedDraw::new(seed, Purpose::DuplicateDelay, identity),
        )
    });
    Fate::Delivered { delay, copy_delay }
}

fn delay(config: &NetworkConfig, draw: KeyedDraw) -> u64 {
    let spread = match config.delay {
        DelayKind::Exponential => draw.exponential(config.delay_mean_us),
        DelayKind::Uniform => draw.below(2 * config.delay_mean_us + 1),
    };
    config.delay_min_us + spread
}

/// How long a lost message is shown travelling before it disappears: a typical delay.
pub fn lost_after(config: &NetworkConfig) -> u64 {
    config.delay_min_us + config.delay_mean_us
}

/// The faults a message's fate is made of (a duplicate is keyed like its original).
pub fn faults_of(fate: Fate, identity: MessageIdentity) -> Option<FaultId> {
    let kind = match fate {
        Fate::Lost => FaultKind::Loss,
        Fate::Partitioned => FaultKind::Partition,
        Fate::Delivered {
            copy_delay: Some(_),
            ..
        } => FaultKind::Duplicate,
        Fate::Delivered { .. } => return None,
    };
    Some(FaultId::new(kind, identity))
}

/// The compute time of one execution, including the "slow request" extra when it hits,
/// and the slow-request fault if it did.
pub fn processing_time(
    scenario: &Scenario,
    op: u32,
    attempt: u8,
    copy: u8,
) -> (u64, Option<FaultId>) {
    let server = &scenario.server;
    let identity = execution_identity(op, attempt, copy);
    let mut cost = server.processing_min_us
        + KeyedDraw::new(scenario.seed, Purpose::Processing, identity)
            .exponential(server.processing_mean_us);
    let slow = KeyedDraw::new(scenario.seed, Purpose::Slow, identity)
        .chance(server.slow_probability)
        && scenario.allows(FaultKind::Slow, identity);
    if slow {
        cost += server.slow_us;
    }
    (cost, slow.then(|| FaultId::new(FaultKind::Slow, identity)))
}

/// The crash of the replica running this execution at `point`, if it crashes there.
pub fn crash_at(
    scenario: &Scenario,
    op: u32,
    attempt: u8,
    copy: u8,
    point: CrashPoint,
) -> Option<FaultId> {
    let p = scenario.server.crash.probability(point);
    let mut identity = execution_identity(op, attempt, copy);
    identity[2] = point as u64;
    (KeyedDraw::new(scenario.seed, Purpose::Crash, identity).chance(p)
        && scenario.allows(FaultKind::Crash, identity))
    .then(|| FaultId::new(FaultKind::Crash, identity))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Partition;

    fn with_network(config: &NetworkConfig, seed: u64) -> Scenario {
        Scenario {
            network: config.clone(),
            seed,
            ..Scenario::default()
        }
    }

    fn stats(config: &NetworkConfig, link: Link, n: u64) -> (f64, f64, f64) {
        let (mut lost, mut dup, mut delay_sum, mut delivered) = (0u64, 0u64, 0u64, 0u64);
        let scenario = with_network(config, 42);
        for i in 0..n {
            match fate(&scenario, link, [i, 1, 0, 0], 0) {
                Fate::Lost | Fate::Partitioned => lost += 1,
                Fate::Delivered { delay, copy_delay } => {
                    delivered += 1;
                    delay_sum += delay;
                    dup += copy_delay.is_some() as u64;
                }
            }
        }
        (
            lost as f64 / n as f64,
            dup as f64 / delivered as f64,
            delay_sum as f64 / delivered as f64,
        )
    }

    #[test]
    fn rates_and_delays_match_the_configuration() {
        let config = NetworkConfig {
            request_loss: 0.1,
            response_loss: 0.3,
            duplication: 0.05,
            delay_min_us: 1_000,
            delay_mean_us: 4_000,
            ..NetworkConfig::default()
        };
        let n = 200_000;
        let (loss, dup, mean) = stats(&config, Link::Request, n);
        assert!((loss - 0.1).abs() < 0.005, "request loss {loss}");
        assert!((dup - 0.05).abs() < 0.004, "duplication {dup}");
        assert!((mean - 5_000.0).abs() < 100.0, "mean delay {mean}");
        let (loss, _, _) = stats(&config, Link::Response, n);
        assert!((loss - 0.3).abs() < 0.005, "response loss {loss}");
        let uniform = NetworkConfig {
            delay: DelayKind::Uniform,
            ..config
        };
        let (_, _, mean) = stats(&uniform, Link::Request, n);
        assert!((mean - 5_000.0).abs() < 100.0, "uniform mean delay {mean}");
    }

    #[test]
    fn partitions_drop_everything_inside_their_window() {
        let config = NetworkConfig {
            partitions: vec![Partition {
                start_us: 100,
                end_us: 200,
            }],
            ..NetworkConfig::default()
        };
        assert_eq!(
            fate(&with_network(&config, 1), Link::Request, [1, 0, 0, 0], 150),
            Fate::Partitioned
        );
        assert_eq!(
            fate(&with_network(&config, 1), Link::Response, [1, 0, 0, 0], 199),
            Fate::Partitioned
        );
        assert!(matches!(
            fate(&with_network(&config, 1), Link::Request, [1, 0, 0, 0], 200),
            Fate::Delivered { .. }
        ));
    }
}
