//! Every lesson's claims, checked against the simulation: at the lesson's seed every step's
//! claim holds and its cursor lands on the event its text names; over many seeds the first
//! step's anomaly is common and the last step is clean, so the text and the engine cannot
//! drift apart.
#![cfg(not(target_arch = "wasm32"))]

use idempotency_lab::sim::fault_set::FaultKind;
use idempotency_lab::sim::fault_words::describe_fault;
use idempotency_lab::sim::lessons::{check_step, lesson, lessons, Claim, Cursor};
use idempotency_lab::sim::trace::{Actor, Detail};

#[test]
fn every_step_is_true_of_its_run_at_the_lesson_seed() {
    let all = lessons();
    assert!(all.len() >= 13, "{} lessons", all.len());
    for (i, l) in all.iter().enumerate() {
        assert_eq!(l.number as usize, i + 1, "{}", l.id);
        assert!(l.steps.len() >= 2, "{}", l.id);
        assert!(
            matches!(l.steps[0].claim, Claim::Shows(_)),
            "{} starts with the anomaly",
            l.id
        );
        let last = l.steps.last().unwrap();
        assert!(
            matches!(last.claim, Claim::Clean | Claim::CleanAt(_)),
            "{} ends clean",
            l.id
        );
        for id in l.builds_on {
            let earlier = lesson(id).unwrap_or_else(|| panic!("{}: no lesson {id}", l.id));
            assert!(
                earlier.number < l.number,
                "{} builds on a later lesson",
                l.id
            );
        }
        for step in l.steps {
            let checked = check_step(l, step, l.seed).unwrap_or_else(|e| panic!("{e}"));
            let trace = &checked.result.trace;
            // The cursor's last shown event is the one the step names.
            let shown = checked.cursor.checked_sub(1).map(|i| &trace[i]);
            match step.cursor {
                Cursor::Start => assert_eq!(checked.cursor, 0),
                Cursor::End => assert_eq!(checked.cursor, trace.len()),
                Cursor::Anomaly(kind) => {
                    let a = checked
                        .result
                        .anomalies
                        .iter()
                        .find(|a| a.kind == kind)
                        .unwrap();
                    // The last event of the anomaly's causal chain: the one that made it.
                    let index = checked.cursor - 1;
                    assert!(
                        a.events.contains(&(index as u32)),
                        "{}: {}",
                        l.id,
                        step.title
                    );
                    assert!(a.events.iter().all(|&e| e as usize <= index));
                }
                Cursor::FaultBehind(kind, fault) => {
                    let e = shown.unwrap();
                    let ok = match fault {
                        FaultKind::Loss | FaultKind::Partition | FaultKind::Duplicate => {
                            matches!(e.detail, Detail::Send { .. })
                        }
                        FaultKind::Crash => {
                            e.kind() == idempotency_lab::sim::trace::EventKind::Crash
                                || matches!(e.detail, Detail::Messaging(_) | Detail::Stream(_))
                        }
                        FaultKind::Slow => matches!(e.detail, Detail::Step { .. }),
                        FaultKind::Pause => matches!(e.detail, Detail::Stream(_)),
                    };
                    assert!(ok, "{}: {}: {kind:?} {e:?}", l.id, step.title);
                    // A step that says a reply or a response was lost points at the loss of
                    // one, not of the request before it.
                    let record = checked
                        .result
                        .faults
                        .iter()
                        .find(|f| f.event as usize == checked.cursor - 1)
                        .expect("the cursor is on a recorded fault");
                    let words = describe_fault(&checked.result, record);
                    let says_reply = ["reply", "response"].iter().any(|w| step.text.contains(w));
                    if fault == FaultKind::Loss && says_reply {
                        assert!(
                            words.contains("reply") || words.contains("response"),
                            "{}: {}: the fault is {words}",
                            l.id,
                            step.title
                        );
                    }
                }
                Cursor::Status(code) => {
                    let e = shown.unwrap();
                    assert!(matches!(e.actor, Actor::Client(_)));
                    assert!(
                        matches!(e.detail, Detail::Deliver { status, .. } if status == code),
                        "{e:?}"
                    );
                }
                Cursor::Replay => {
                    assert!(matches!(
                        shown.unwrap().detail,
                        Detail::Deliver { replayed: true, .. }
                    ));
                }
            }
        }
    }
}

#[test]
fn over_many_seeds_the_lesson_starts_with_its_anomaly_and_ends_without_any() {
    const SEEDS: u64 = 40;
    for l in lessons() {
        let (first, last) = (&l.steps[0], l.steps.last().unwrap());
        let shown = (1..=SEEDS)
            .filter(|&seed| check_step(l, first, seed).is_ok())
            .count() as u64;
        assert!(
            shown * 10 >= SEEDS * 7,
            "{}: its first step holds on {shown} of {SEEDS} seeds",
            l.id
        );
        for seed in 1..=SEEDS {
            if let Err(e) = check_step(l, last, seed) {
                // Only a cursor that finds no event may fail (a run with no replay);
                // the claim itself must hold on every seed.
                assert!(e.contains("no event for"), "{e}");
            }
        }
    }
}

#[test]
fn every_term_a_lesson_uses_is_in_the_glossary() {
    for l in lessons() {
        for name in l.terms {
            assert!(
                idempotency_lab::sim::glossary::term(name).is_some(),
                "{}: '{name}' is not in the glossary",
                l.id
            );
        }
    }
}
