//! The one handler for calls to external services: the payment provider charges, the
//! email service sends, and each replies to the caller over its lossy link.

use super::email::EmailService;
use super::provider::{ChargeResult, PaymentProvider};
use crate::sim::effects::{Cost, Cx, Effects};
use crate::sim::events::{Body, CallKind, Message, RELAY_ROUTE};
use crate::sim::faults::{call_identity, relay_call_identity, Link};
use crate::sim::oracle::Fact;
use crate::sim::trace::{Actor, Detail, MessageKind};

/// The charge id in a reply that declined the charge.
pub const DECLINED: u32 = u32::MAX;

pub fn on_call(
    provider: &mut PaymentProvider,
    email: &mut EmailService,
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
    let (kind, detail, id, fresh) = if message.to == Actor::Provider {
        out.cost(Cost::ProviderCall);
        match provider.charge(op, amount, key, cx.now) {
            ChargeResult::Charged(charge) => (
                CallKind::Charge,
                Detail::Charge { charge, amount },
                charge,
                true,
            ),
            ChargeResult::Deduplicated(charge) => (
                CallKind::Charge,
                Detail::ChargeDeduplicated { charge, amount },
                charge,
                false,
            ),
            ChargeResult::Declined => (
                CallKind::Charge,
                Detail::ChargeDeclined { amount },
                DECLINED,
                false,
            ),
        }
    } else {
        out.cost(Cost::EmailCall);
        match email.send(op, key) {
            (id, false) => (CallKind::Email, Detail::EmailSent { email: id }, id, true),
            (id, true) => (
                CallKind::Email,
                Detail::EmailDeduplicated { email: id },
                id,
                false,
            ),
        }
    };
    let event = out.event(message.to, message.from, op, 0, detail);
    match detail {
        Detail::Charge { charge, .. } => out.fact(Fact::Charged {
            exec: route.exec,
            op,
            charge,
            event,
        }),
        Detail::ChargeDeduplicated { charge, .. } => {
            // A key reused by another operation, or a charge refunded since: the provider
            // replays that charge as it was made, and this operation goes unpaid.
            if let Some(charge_op) = provider
                .charge_op(charge)
                .filter(|&o| o != op || provider.refunded(charge))
            {
                out.fact(Fact::ChargeReplayed {
                    op,
                    charge_op,
                    charge,
                    event,
                });
            }
        }
        Detail::EmailSent { email } => out.fact(Fact::Emailed {
            exec: route.exec,
            op,
            email,
            event,
        }),
        _ => {}
    }
    let (reply_kind, link) = match kind {
        CallKind::Charge => (MessageKind::ChargeReply, Link::Provider),
        CallKind::Email => (MessageKind::EmailReply, Link::Email),
    };
    let identity = if route.replica == RELAY_ROUTE {
        relay_call_identity(route.outbox, route.call, true)
    } else {
        call_identity(op, route.execution, route.call, kind, true)
    };
    let reply = Body::Reply {
        kind,
        route,
        op,
        id,
        fresh,
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
