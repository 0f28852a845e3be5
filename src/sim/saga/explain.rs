//! One sentence per saga anomaly, each clause taken from a fact of the order's story (and
//! so from a trace event in the anomaly's chain) or from the scenario's settings.

use crate::sim::config::Scenario;
use crate::sim::oracle::{format_time, Anomaly, AnomalyKind};
use crate::sim::trace::SagaAction;
use crate::sim::workload::operation;

use super::oracle::{Fact, SagaTruth, Told, Why};

fn at(t: &Told) -> String {
    format!("t={}", format_time(t.time))
}

fn times(n: usize) -> &'static str {
    match n {
        1 => "once",
        2 => "twice",
        3 => "three times",
        4 => "four times",
        _ => "more than four times",
    }
}

/// "t=1 s and t=2 s", "t=1 s, t=2 s and t=3 s".
fn all_times(told: &[&Told]) -> String {
    let shown: Vec<String> = told.iter().map(|t| at(t)).collect();
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn noun(action: SagaAction) -> &'static str {
    match action {
        SagaAction::Reserve => "reservation",
        SagaAction::Charge => "charge",
        SagaAction::Ship => "shipment",
        SagaAction::Release => "release",
        SagaAction::Refund => "refund",
    }
}

fn service(action: SagaAction) -> &'static str {
    match action {
        SagaAction::Reserve | SagaAction::Release => "the inventory",
        SagaAction::Charge | SagaAction::Refund => "the payment provider",
        SagaAction::Ship => "the shipping service",
    }
}

/// Facts of one kind, in order.
struct Facts<'a>(&'a [Told]);

impl<'a> Facts<'a> {
    fn all(&self, test: impl Fn(&Fact) -> bool + 'a) -> impl Iterator<Item = &'a Told> + 'a {
        self.0.iter().filter(move |t| test(&t.fact))
    }

    fn first(&self, test: impl Fn(&Fact) -> bool + 'a) -> Option<&'a Told> {
        self.all(test).next()
    }

    fn executed(&self, action: SagaAction) -> Vec<&'a Told> {
        self.all(move |f| matches!(*f, Fact::Executed { action: a, .. } if a == action))
            .collect()
    }

    fn sent(&self, action: SagaAction, attempt: u8) -> Option<&'a Told> {
        self.first(move |f| {
            matches!(*f, Fact::Sent { action: a, attempt: n, .. } if a == action && n == attempt)
        })
    }
}

/// The anomaly `kind` of order `op`, with its chain and sentence.
pub fn anomaly(
    scenario: &Scenario,
    kind: AnomalyKind,
    op: u32,
    facts: &[Told],
    truth: &SagaTruth,
) -> Anomaly {
    let label = operation(scenario, op).title();
    let facts = Facts(facts);
    let mut chain: Vec<u32> = Vec::new();
    let (narrative, time) = match kind {
        AnomalyKind::DoubleCharge => {
            repeated(scenario, &label, SagaAction::Charge, &facts, &mut chain)
        }
        AnomalyKind::DuplicateShipment => {
            repeated(scenario, &label, SagaAction::Ship, &facts, &mut chain)
        }
        AnomalyKind::DoubleRefund => {
            repeated(scenario, &label, SagaAction::Refund, &facts, &mut chain)
        }
        AnomalyKind::RefundWithoutCharge => {
            refund_without_charge(scenario, &label, &facts, &mut chain)
        }
        AnomalyKind::ChargeNeverCompensated => never_compensated(
            scenario,
            &label,
            SagaAction::Charge,
            &facts,
            truth,
            &mut chain,
        ),
        _ => never_compensated(
            scenario,
            &label,
            SagaAction::Reserve,
            &facts,
            truth,
            &mut chain,
        ),
    };
    chain.retain(|&e| e != u32::MAX);
    chain.sort_unstable();
    chain.dedup();
    Anomaly {
        kind,
        op,
        time_us: time,
        events: chain,
        narrative,
    }
}

/// Why the orchestrator did not take `first`'s execution as the answer and sent the
/// action again, as a clause; `again` is the execution that followed.
fn why_again(facts: &Facts, first: &Told, again: &Told, chain: &mut Vec<u32>) -> String {
    let (
        Fact::Executed {
            action, attempt, ..
        },
        Fact::Executed { attempt: next, .. },
    ) = (first.fact, again.fact)
    else {
        return String::new();
    };
    let resent = facts.sent(action, next);
    let resent_clause = match resent {
        Some(t) => {
            chain.push(t.event);
            format!(", so the orchestrator sent attempt {next} ({})", at(t))
        }
        None => String::new(),
    };
    let until = resent.map_or(again.time, |t| t.time);
    let crash = facts.first(move |f| matches!(*f, Fact::Crashed { action: a, .. } if a == action));
    if let (
        Some(c),
        Some(Told {
            fact:
                Fact::Sent {
                    why: Why::AfterRecovery,
                    ..
                },
            ..
        }),
    ) = (crash.filter(|c| c.time <= until), resent)
    {
        if let Fact::Crashed { point, .. } = c.fact {
            chain.push(c.event);
            return format!(
                "the orchestrator crashed {} ({}) and, recovering from its saga log, did not know attempt {attempt} had gone through{resent_clause}",
                point.phrase(),
                at(c)
            );
        }
    }
    let lost_reply = facts.first(move |f| {
        matches!(*f, Fact::Lost { action: a, attempt: n, reply: true } if a == action && n == attempt)
    });
    if let Some(l) = lost_reply {
        chain.push(l.event);
        return format!(
            "the reply to attempt {attempt} was lost ({}){resent_clause}",
            at(l)
        );
    }
    let while_down = facts.first(move |f| {
        matches!(*f, Fact::ReplyWhileDown { action: a, attempt: n } if a == action && n == attempt)
    });
    if let Some(d) = while_down {
        chain.push(d.event);
        return format!(
            "the reply to attempt {attempt} arrived while the orchestrator was down ({}){resent_clause}",
            at(d)
        );
    }
    let held = facts.first(
        move |f| matches!(*f, Fact::Held { action: a, attempt: n } if a == action && n == attempt),
    );
    let timed_out = facts.first(move |f| {
        matches!(*f, Fact::TimedOut { action: a, attempt: n } if a == action && n == attempt)
    });
    match (held, timed_out) {
        (Some(h), _) => {
            chain.push(h.event);
            format!(
                "{} held attempt {attempt} ({}) past the step timeout{resent_clause}",
                service(action),
                at(h)
            )
        }
        (None, Some(t)) => {
            chain.push(t.event);
            format!("attempt {attempt} timed out ({}){resent_clause}", at(t))
        }
        (None, None) => format!("attempt {attempt} went unanswered{resent_clause}"),
    }
}

fn keys_clause(scenario: &Scenario, action: SagaAction) -> String {
    if scenario.protections.saga_step_keys {
        String::new()
    } else {
        format!(
            "; with no per-step key, {} could not tell the re-send from a new {}",
            service(action),
            noun(action)
        )
    }
}

/// An action carried out more than once: a double charge, a duplicate shipment, a
/// double refund.
fn repeated(
    scenario: &Scenario,
    label: &str,
    action: SagaAction,
    facts: &Facts,
    chain: &mut Vec<u32>,
) -> (String, u64) {
    let done = facts.executed(action);
    chain.extend(done.iter().map(|t| t.event));
    let (Some(&first), Some(&again)) = (done.first(), done.get(1)) else {
        let time = done.last().map_or(0, |t| t.time);
        return (format!("{label}: {} more than once.", noun(action)), time);
    };
    let what = match action {
        SagaAction::Charge => format!("{label} was charged {}", times(done.len())),
        SagaAction::Ship => format!("{label} was shipped {}", times(done.len())),
        _ => format!("{label}'s charge was refunded {}", times(done.len())),
    };
    let cause = why_again(facts, first, again, chain);
    let sentence = format!(
        "{what} ({}): {cause}{}.",
        all_times(&done),
        keys_clause(scenario, action)
    );
    (sentence, again.time)
}

fn refund_without_charge(
    scenario: &Scenario,
    label: &str,
    facts: &Facts,
    chain: &mut Vec<u32>,
) -> (String, u64) {
    let refunds = facts.executed(SagaAction::Refund);
    chain.extend(refunds.iter().map(|t| t.event));
    let time = refunds.first().map_or(0, |t| t.time);
    let declined = facts.first(|f| {
        matches!(
            *f,
            Fact::Refused {
                action: SagaAction::Charge,
                ..
            }
        )
    });
    let declined = match declined {
        Some(d) => {
            chain.push(d.event);
            format!(
                ", and the charge still on its way was declined at {}",
                at(d)
            )
        }
        None => String::new(),
    };
    let keys = if scenario.protections.saga_step_keys {
        ""
    } else {
        "; with no per-step key, the refund could not name the charge's key, so it asked for the order's amount back"
    };
    (
        format!(
            "{label} was refunded ({}) although the payment provider never charged it: {}{declined}{keys}.",
            all_times(&refunds),
            failure(facts, chain)
        ),
        time,
    )
}

/// How the saga failed, as a clause.
fn failure(facts: &Facts, chain: &mut Vec<u32>) -> String {
    match facts.first(|f| matches!(f, Fact::Failed { .. })) {
        Some(t) => {
            chain.push(t.event);
            match t.fact {
                Fact::Failed {
                    action,
                    gave_up: false,
                } => format!(
                    "{} refused the {} at {}",
                    service(action),
                    noun(action),
                    at(t)
                ),
                Fact::Failed { action, .. } => format!(
                    "no reply came to the {} after its last attempt, at {}",
                    noun(action),
                    at(t)
                ),
                _ => String::new(),
            }
        }
        None => "a step failed".into(),
    }
}

/// A compensated saga whose step stands: a charge never refunded, a reservation never
/// released (a stock leak; also two reservations held by any saga).
fn never_compensated(
    scenario: &Scenario,
    label: &str,
    step: SagaAction,
    facts: &Facts,
    truth: &SagaTruth,
    chain: &mut Vec<u32>,
) -> (String, u64) {
    let Some(undo) = step.compensation() else {
        return (String::new(), 0);
    };
    let made = facts.executed(step);
    chain.extend(made.iter().map(|t| t.event));
    let end =
        facts.first(|f| matches!(f, Fact::Compensated | Fact::Completed | Fact::Stuck { .. }));
    let time = made
        .last()
        .map_or(0, |t| t.time)
        .max(end.map_or(0, |t| t.time));
    let standing = match step {
        SagaAction::Charge => truth.net_charges(),
        _ => truth.standing_reservations(),
    };
    let held_what = match step {
        SagaAction::Charge => "charge",
        _ => "reservation",
    };
    let opening = match end.map(|t| t.fact) {
        Some(Fact::Compensated) => {
            let end = end.expect("matched");
            chain.push(end.event);
            format!(
                "{label}'s saga failed when {}, and was compensated at {}, yet {standing} {held_what}{} of it stand{}",
                failure(facts, chain),
                at(end),
                if standing == 1 { "" } else { "s" },
                if standing == 1 { "s" } else { "" },
            )
        }
        _ => format!(
            "{label} holds {standing} {held_what}s ({})",
            all_times(&made)
        ),
    };
    // A compensation that came first and found nothing, with the step after it.
    let nothing =
        facts.first(move |f| matches!(*f, Fact::NothingToUndo { action: a, .. } if a == undo));
    let late = nothing.and_then(|n| made.iter().find(|m| m.time > n.time));
    let cause = if let (Some(n), Some(late)) = (nothing, late) {
        chain.push(n.event);
        let attempt = match late.fact {
            Fact::Executed { attempt, .. } => attempt,
            _ => 0,
        };
        let held = facts.first(move |f| {
            matches!(*f, Fact::Held { action: a, attempt: k } if a == step && k == attempt)
        });
        let why = match held {
            Some(h) => {
                chain.push(h.event);
                format!(" (held by {} since {})", service(step), at(h))
            }
            None => String::new(),
        };
        let keys = if scenario.protections.saga_step_keys {
            String::new()
        } else {
            format!(
                "; with no per-step key, the {} could not void the {} still on its way",
                noun(undo),
                noun(step)
            )
        };
        format!(
            "the {} ({}) arrived before the {} and found nothing to undo; {} attempt {attempt}{why} went through afterwards ({}){keys}",
            noun(undo),
            at(n),
            noun(step),
            noun(step),
            at(late),
        )
    } else if let (Some(&first), Some(&again)) = (made.first(), made.get(1)) {
        let undone = facts.executed(undo);
        chain.extend(undone.iter().map(|t| t.event));
        let undid = match undone.first() {
            Some(u) => format!("the {} ({}) undid only one of them", noun(undo), at(u)),
            None => format!("no {} undid them", noun(undo)),
        };
        format!(
            "the {} went through {} ({}) because {}; {undid}{}",
            noun(step),
            times(made.len()),
            all_times(&made),
            why_again(facts, first, again, chain),
            keys_clause(scenario, step)
        )
    } else {
        format!("no {} undid the {}", noun(undo), noun(step))
    };
    (format!("{opening}: {cause}."), time)
}
