//! The warehouse: ships an order per call — a side effect outside the consumers'
//! database — and, when it honours keys, ships once per key like the payment provider.
//! Its shipment log is the ground truth of shipments.

use std::collections::BTreeMap;

use crate::sim::trace::{Actor, Detail, MessageKind, MessagingDetail as M};

use super::events::{Body, Envelope};
use super::faults::{warehouse_identity, MsgLink};
use super::oracle::Fact;
use super::out::Out;

pub struct Warehouse {
    /// Per order: shipments made.
    pub shipments_per_op: Vec<u8>,
    pub shipments: u32,
    keys: BTreeMap<u64, u32>,
}

impl Warehouse {
    pub fn new(orders: u32) -> Self {
        Warehouse {
            shipments_per_op: vec![0; orders as usize],
            shipments: 0,
            keys: BTreeMap::new(),
        }
    }
}

pub fn on_call(w: &mut Warehouse, envelope: &Envelope, out: &mut Out) {
    let Body::ShipCall {
        consumer,
        delivery,
        call,
        key,
    } = envelope.body
    else {
        return;
    };
    let op = envelope.op;
    out.delivered(envelope, 0);
    let honours = out.scenario.messaging.warehouse_honours_keys;
    let known = key
        .filter(|_| honours)
        .and_then(|k| w.keys.get(&k).copied());
    match known {
        Some(shipment) => {
            let detail = Detail::Messaging(M::ShipmentDeduplicated { shipment });
            let event = out.event(Actor::Warehouse, envelope.from, op, detail);
            out.fact(Fact::ShipmentDeduplicated { op }, event);
        }
        None => {
            let shipment = w.shipments;
            w.shipments += 1;
            let n = &mut w.shipments_per_op[op as usize];
            *n = n.saturating_add(1);
            if let (Some(k), true) = (key, honours) {
                w.keys.insert(k, shipment);
            }
            let detail = Detail::Messaging(M::Shipped { shipment });
            let event = out.event(Actor::Warehouse, envelope.from, op, detail);
            out.fact(
                Fact::Shipped {
                    op,
                    keyed: key.is_some(),
                },
                event,
            );
        }
    }
    let body = Body::ShipReply {
        consumer,
        delivery,
        call,
    };
    out.send(
        Actor::Warehouse,
        envelope.from,
        MessageKind::ShipReply,
        op,
        MsgLink::Warehouse,
        warehouse_identity(op, delivery, call, true),
        body,
        0,
    );
}
