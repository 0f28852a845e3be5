//! A run, or the causal chain of one anomaly, as a Mermaid sequence diagram for slides:
//! one participant per actor, an arrow per message when it arrives (a crossed arrow when it
//! is lost), notes for what happens inside an actor (crashes, charges, writes, timeouts),
//! and a caption with the scenario, seed, trace hash and the anomaly's sentence.

use serde::Serialize;

use super::results::RunResult;
use super::trace::{Actor, Detail, MessagingDetail, TraceEvent};

/// Most diagram lines (arrows and notes); a longer run is cut with a note saying so.
pub const MAX_LINES: usize = 1_500;

/// What to draw: the whole run, or the chain of anomaly number `n` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Run,
    Anomaly(usize),
}

/// An enum's serialised name in words: `after_commit_before_response` → "after commit
/// before response".
fn words<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

/// Mermaid text must not contain `;` (a statement break) or `#` (an entity) in labels.
fn clean(text: &str) -> String {
    text.replace(';', ",")
        .replace('#', "no. ")
        .replace('\n', " ")
}

/// Left to right as the diagram lanes go: clients, the balancer, replicas, stores, then
/// the services they call and the messaging actors.
fn rank(actor: Actor) -> (u8, u16) {
    match actor {
        Actor::Client(i) => (0, i),
        Actor::Balancer => (1, 0),
        Actor::Replica(i) => (2, i as u16),
        Actor::KeyStore => (3, 0),
        Actor::Database => (4, 0),
        Actor::Provider => (5, 0),
        Actor::Email => (6, 0),
        Actor::Relay => (7, 0),
        Actor::OrderService => (8, 0),
        Actor::Broker => (9, 0),
        Actor::Consumer(i) => (10, i as u16),
        Actor::Warehouse => (11, 0),
        #[allow(unreachable_patterns)]
        _ => (12, 0),
    }
}

/// The participants, in lane order; each drawn as `P<index>`.
struct Participants(Vec<Actor>);

impl Participants {
    fn id(&mut self, actor: Actor) -> String {
        let index = match self.0.iter().position(|&a| a == actor) {
            Some(i) => i,
            None => {
                self.0.push(actor);
                self.0.len() - 1
            }
        };
        format!("P{index}")
    }
}

fn note(p: &mut Participants, actor: Actor, text: &str) -> String {
    format!("    Note over {}: {}", p.id(actor), clean(text))
}

/// The diagram line for one event, if it draws one.
fn line(p: &mut Participants, e: &TraceEvent, copies: &[u32]) -> Option<String> {
    let arrow = |p: &mut Participants, style: &str, label: String| {
        let (from, to) = (p.id(e.peer), p.id(e.actor));
        format!("    {from}{style}{to}: {}", clean(&label))
    };
    Some(match e.detail {
        Detail::Deliver {
            msg,
            message,
            replayed,
            status,
        } => {
            let mut label = words(message);
            if status != 0 {
                label.push_str(&format!(" {status}"));
            }
            if replayed {
                label.push_str(" (replayed)");
            }
            if copies.contains(&msg) {
                label.push_str(" (network copy)");
            }
            arrow(p, "->>", label)
        }
        Detail::LateResponse { message, .. } => {
            arrow(p, "-->>", format!("{} (too late)", words(message)))
        }
        Detail::Drop {
            message, reason, ..
        } => arrow(
            p,
            "-x",
            format!("{} lost ({})", words(message), words(reason)),
        ),
        Detail::Crash { point } => note(p, e.actor, &format!("crash {}", point.describe())),
        Detail::Restart => note(p, e.actor, "restarted"),
        Detail::Timeout => note(p, e.actor, "timeout"),
        Detail::Charge { amount, .. } => note(p, e.actor, &format!("card charged {amount}")),
        Detail::ChargeDeduplicated { .. } => note(p, e.actor, "charge deduplicated by key"),
        Detail::Refund { .. } => note(p, e.actor, "refund"),
        Detail::EmailSent { .. } => note(p, e.actor, "email sent"),
        Detail::DbWrite { table, .. } => note(p, e.actor, &format!("write {}", words(table))),
        Detail::CasConflict { .. } => note(p, e.actor, "version conflict"),
        Detail::KeyCheck { outcome, .. } => note(p, e.actor, &format!("key: {}", words(outcome))),
        Detail::OpEnd { outcome, .. } => note(p, e.actor, &format!("told: {}", words(outcome))),
        Detail::Messaging(MessagingDetail::Crash { point }) => {
            note(p, e.actor, &format!("crash {}", point.phrase()))
        }
        Detail::Messaging(m) => note(p, e.actor, &m.name().replace('_', " ")),
        _ => return None,
    })
}

/// The diagram, or why it cannot be drawn (no trace, no such anomaly).
pub fn sequence_diagram(result: &RunResult, scope: Scope, title: &str) -> Result<String, String> {
    if result.trace.is_empty() {
        return Err("this run kept no trace to draw: run it with the trace on".into());
    }
    let (events, caption): (Vec<&TraceEvent>, Option<&str>) = match scope {
        Scope::Run => (result.trace.iter().collect(), None),
        Scope::Anomaly(n) => {
            let anomaly = result.anomalies.get(n).ok_or_else(|| {
                format!(
                    "the run has {} anomalies; there is no anomaly {}",
                    result.anomalies.len(),
                    n + 1
                )
            })?;
            let mut ids = anomaly.events.clone();
            ids.sort_unstable();
            ids.dedup();
            let events = ids
                .iter()
                .filter_map(|&i| result.trace.get(i as usize))
                .collect();
            (events, Some(anomaly.narrative.as_str()))
        }
    };
    let copies: Vec<u32> = result
        .trace
        .iter()
        .filter_map(|e| match e.detail {
            Detail::Duplicate { msg, .. } => Some(msg),
            _ => None,
        })
        .collect();
    // A first pass finds who takes part, so they can be declared in lane order.
    let mut found = Participants(Vec::new());
    for e in &events {
        if line(&mut found, e, &copies).is_some() {
            found.id(e.actor);
        }
    }
    let mut actors = found.0;
    actors.sort_by_key(|&a| rank(a));
    let mut participants = Participants(actors);
    let mut body = Vec::new();
    let mut cut = 0usize;
    for e in &events {
        if body.len() >= MAX_LINES {
            cut += 1;
            continue;
        }
        if let Some(l) = line(&mut participants, e, &copies) {
            body.push(l);
        }
    }
    let mut out = vec![
        "sequenceDiagram".to_string(),
        format!(
            "    title {}",
            clean(&format!(
                "{title} · {} seed {} · trace {}",
                result.scenario.workload.name(),
                result.scenario.seed,
                result.trace_hash
            ))
        ),
    ];
    for (i, actor) in participants.0.iter().enumerate() {
        out.push(format!("    participant P{i} as {}", clean(&actor.label())));
    }
    out.extend(body);
    // Closing notes span every participant.
    let span = match participants.0.len() {
        0 | 1 => "P0".to_string(),
        n => format!("P0,P{}", n - 1),
    };
    if cut > 0 {
        out.push(format!(
            "    Note over {span}: {cut} more events not drawn (at most {MAX_LINES} lines)"
        ));
    }
    if let Some(sentence) = caption {
        out.push(format!("    Note over {span}: {}", clean(sentence)));
    }
    Ok(out.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenarios::preset;
    use crate::sim::world::run;

    fn run_preset(name: &str) -> RunResult {
        run(&preset(name).unwrap().scenario.validate().unwrap())
    }

    /// Every line is a header, a participant, an arrow or a note, and every participant
    /// used is declared.
    fn check(text: &str) {
        let mut declared = Vec::new();
        for line in text.lines().skip(2) {
            let l = line.trim();
            if let Some(rest) = l.strip_prefix("participant ") {
                declared.push(rest.split(' ').next().unwrap().to_string());
                continue;
            }
            let (head, label) = l.split_once(": ").unwrap_or_else(|| panic!("{l}"));
            assert!(!label.contains(';') && !label.contains('#'), "{l}");
            let names: Vec<&str> = if let Some(over) = head.strip_prefix("Note over ") {
                over.split(',').collect()
            } else {
                head.split(['-', '>', 'x'])
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            for n in names {
                assert!(declared.iter().any(|d| d == n), "{n} undeclared in {l}");
            }
        }
    }

    #[test]
    fn a_run_and_an_anomaly_chain_make_well_formed_diagrams() {
        for name in [
            "lost-response",
            "crash-after-commit",
            "consumer-crash-redelivery",
        ] {
            let result = run_preset(name);
            let whole = sequence_diagram(&result, Scope::Run, name).unwrap();
            check(&whole);
            assert!(whole.starts_with("sequenceDiagram\n    title "));
            assert!(whole.contains(&result.trace_hash));
            let chain = sequence_diagram(&result, Scope::Anomaly(0), name).unwrap();
            check(&chain);
            assert!(chain.lines().count() < whole.lines().count());
            let sentence = clean(&result.anomalies[0].narrative);
            assert!(chain.contains(&sentence), "{chain}");
        }
        let result = run_preset("lost-response");
        assert!(sequence_diagram(&result, Scope::Run, "x")
            .unwrap()
            .contains("-x"));
        assert!(sequence_diagram(&result, Scope::Anomaly(999), "x")
            .unwrap_err()
            .contains("no anomaly 1000"));
    }
}
