//! The one handler for calls to external services: the payment provider charges, the
//! email service sends, and each replies to the caller over its lossy link.

use super::email::EmailService;
use super::provider::{ChargeResult, PaymentProvider};
use super::replica::Replica;
use crate::sim::effects::{Cost, Cx, Effects};
use crate::sim::events::{Body, CallKind, Message, Route, RELAY_ROUTE};
use crate::sim::faults::{call_identity, execution_word, relay_call_identity, Link};
use crate::sim::oracle::Fact;
use crate::sim::trace::{Actor, Detail, MessageKind};

pub fn on_call(
    provider: &mut PaymentProvider,
    email: &mut EmailService,
    replicas: &[Replica],
    cx: &Cx,
    message: Message,
    out: &mut impl Effects,
) {
    let Body::Call {
        route,
        op,
        key,
        amount,
    } = message.body
    else {
        return;
    };
    out.received(&message, false, false, 0);
    let (kind, detail, id) = if message.to == Actor::Provider {
        out.cost(Cost::ProviderCall);
        match provider.charge(op, amount, key, cx.now) {
            ChargeResult::Charged(charge) => {
                (CallKind::Charge, Detail::Charge { charge, amount }, charge)
            }
            ChargeResult::Deduplicated(charge) => (
                CallKind::Charge,
                Detail::ChargeDeduplicated { charge, amount },
                charge,
            ),
        }
    } else {
        out.cost(Cost::EmailCall);
        match email.send(op, key, cx.now) {
            (id, false) => (CallKind::Email, Detail::EmailSent { email: id }, id),
            (id, true) => (CallKind::Email, Detail::EmailDeduplicated { email: id }, id),
        }
    };
    let event = out.event(message.to, message.from, op, 0, detail);
    match detail {
        Detail::Charge { .. } => out.fact(Fact::Charged {
            exec: route.exec,
            op,
            event,
        }),
        Detail::EmailSent { .. } => out.fact(Fact::Emailed {
            exec: route.exec,
            op,
            event,
        }),
        _ => {}
    }
    let (reply_kind, link) = match kind {
        CallKind::Charge => (MessageKind::ChargeReply, Link::Provider),
        CallKind::Email => (MessageKind::EmailReply, Link::Email),
    };
    let identity = reply_identity(replicas, route, op, kind);
    let reply = Body::Reply {
        kind,
        route,
        op,
        id,
    };
    out.send(
        cx,
        message.to,
        message.from,
        reply_kind,
        Some(link),
        identity,
        reply,
        0,
    );
}

/// The reply's identity. For a replica's call it is keyed by the execution now in the
/// caller's slot (attempt and copy), or by the execution id if the slot is empty.
fn reply_identity(replicas: &[Replica], route: Route, op: u32, kind: CallKind) -> [u64; 4] {
    if route.replica == RELAY_ROUTE {
        return relay_call_identity(route.outbox, route.call, true);
    }
    let execution = replicas
        .get(route.replica as usize)
        .and_then(|r| r.slots.get(route.slot as usize))
        .and_then(|s| s.as_ref())
        .map_or(route.exec as u64, |x| execution_word(x.attempt, x.copy));
    call_identity(op, execution, route.call, kind, true)
}
