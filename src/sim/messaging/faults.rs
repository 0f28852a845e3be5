//! Every keyed draw of the messaging world: the fate of a message, processing times and
//! crashes. As in the HTTP world (`sim/faults.rs`), each is a pure function of the seed and
//! the logical identity of what it hits — the event, which send or delivery of it, which
//! crash point — so a run with protections on meets the same faults as one without.

use crate::sim::config::{DelayKind, MessagingCrashPoint, Scenario};
use crate::sim::fault_set::{FaultId, FaultKind};
use crate::sim::rng::{KeyedDraw, Purpose};

/// The links of the messaging world. Consumer↔broker traffic is delayed but never lost:
/// a lost fetch or commit is the same story as a crash, which has its own knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgLink {
    /// Producer → broker (publish) and back (acknowledgement).
    Publish,
    /// Broker ↔ consumer.
    Broker,
    /// Consumer ↔ warehouse.
    Warehouse,
}

/// Identity words of a messaging message.
pub type Identity = [u64; 4];

/// The `send`-th publish of event `op` by a producer (`reply`: its acknowledgement).
pub fn publish_identity(relay: bool, op: u32, send: u32, reply: bool) -> Identity {
    [0x10 | relay as u64, op as u64, send as u64, reply as u64]
}

/// Traffic between broker and consumer about the `delivery`-th processing of `op`.
pub fn delivery_identity(op: u32, delivery: u32, what: u64) -> Identity {
    [0x20, op as u64, delivery as u64, what]
}

/// Call number `call` to the warehouse during the `delivery`-th processing of `op`.
pub fn warehouse_identity(op: u32, delivery: u32, call: u32, reply: bool) -> Identity {
    [
        0x30,
        op as u64,
        delivery as u64,
        (call as u64) << 1 | reply as u64,
    ]
}

/// Whether a message is lost, and its delay if not.
pub fn fate(scenario: &Scenario, link: MsgLink, identity: Identity) -> Option<u64> {
    let m = &scenario.messaging;
    let loss = match link {
        MsgLink::Publish => m.publish_loss,
        MsgLink::Broker => 0.0,
        MsgLink::Warehouse => m.warehouse_loss,
    };
    if KeyedDraw::new(scenario.seed, Purpose::Loss, identity).chance(loss)
        && scenario.allows(FaultKind::Loss, identity)
    {
        return None;
    }
    let network = &scenario.network;
    let draw = KeyedDraw::new(scenario.seed, Purpose::Delay, identity);
    let spread = match network.delay {
        DelayKind::Exponential => draw.exponential(network.delay_mean_us),
        DelayKind::Uniform => draw.below(2 * network.delay_mean_us + 1),
    };
    Some(network.delay_min_us + spread)
}

/// A consumer's compute time for the `delivery`-th processing of `op`, and the slow
/// fault if it hit.
pub fn processing_time(scenario: &Scenario, op: u32, delivery: u32) -> (u64, Option<FaultId>) {
    let m = &scenario.messaging;
    let identity = delivery_identity(op, delivery, 0);
    let mut time = m.processing_min_us
        + KeyedDraw::new(scenario.seed, Purpose::Processing, identity)
            .exponential(m.processing_mean_us);
    let slow = KeyedDraw::new(scenario.seed, Purpose::Slow, identity).chance(m.slow_probability)
        && scenario.allows(FaultKind::Slow, identity);
    if slow {
        time += m.slow_us;
    }
    (time, slow.then(|| FaultId::new(FaultKind::Slow, identity)))
}

/// The crash of the process at `point` while it handles event `op` for the `n`-th time
/// (its delivery number for consumers, its send number for the relay), if it crashes.
pub fn crash(scenario: &Scenario, op: u32, n: u32, point: MessagingCrashPoint) -> Option<FaultId> {
    let p = scenario.messaging.crash.probability(point);
    let identity = [0x40, op as u64, n as u64, point as u64];
    (p > 0.0
        && KeyedDraw::new(scenario.seed, Purpose::Crash, identity).chance(p)
        && scenario.allows(FaultKind::Crash, identity))
    .then(|| FaultId::new(FaultKind::Crash, identity))
}
