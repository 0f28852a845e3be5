//! One test (at least) per step: a step driven with a hand-made execution and stores,
//! asserting what it changes and the effects it writes.

use super::*;
use crate::sim::config::{KeyPolicy, Scenario, Workload};
use crate::sim::effects::Effect;
use crate::sim::events::{Body, CallKind, Event};
use crate::sim::faults::Fate;
use crate::sim::oracle::Fact;
use crate::sim::stores::db::{Insert, OrderRow};
use crate::sim::stores::keys::{KeyRecord, KeyState, StoredResponse};
use crate::sim::testkit::{facts, sends, timers, traces, Bench};
use crate::sim::trace::{Actor, Detail, KeyCheckOutcome, MessageKind, SavedKeyState, Table};

fn keyed(workload: Workload) -> Scenario {
    let mut s = Scenario {
        workload,
        ..Scenario::default()
    };
    s.protections.idempotency_key.enabled = true;
    s.client.key_policy = KeyPolicy::PerOperation;
    s
}

fn completed_record(bench: &Bench, op: u32, fingerprint: u64, owner: u32) -> KeyRecord {
    KeyRecord {
        client: bench.ops[op as usize].client,
        key: bench.execution(op).key.expect("a keyed execution"),
        fingerprint,
        state: KeyState::Completed {
            response: StoredResponse {
                status: 201,
                body_op: op,
                version: 0,
            },
        },
        created_at: 0,
        expires_at: u64::MAX,
        op,
        attempt: 1,
        owner,
        charge_started: false,
    }
}

#[test]
fn key_check_of_a_new_key_takes_the_lock() {
    let mut bench = Bench::new(keyed(Workload::Payment));
    let mut x = bench.execution(0);
    let (result, out) =
        bench.on_replica(100, |node, cx, out| key_check::run(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Next(1_000), "one database round trip");
    assert!(x.holds_lock);
    let details = traces(&out);
    assert!(matches!(
        details[0],
        Detail::KeyCheck {
            outcome: KeyCheckOutcome::New,
            ..
        }
    ));
    assert!(matches!(
        details[1],
        Detail::KeySave {
            state: SavedKeyState::InProgress,
            ..
        }
    ));
    assert!(out.effects().contains(&Effect::KeyRows(1)));
    assert_eq!(x.key_event, 0, "the key check is the first event written");
}

#[test]
fn key_check_replays_a_completed_record_and_rejects_another_payload() {
    let mut bench = Bench::new(keyed(Workload::Payment));
    let fingerprint = bench.ops[0].fingerprint;
    let record = completed_record(&bench, 0, fingerprint, 7);
    bench
        .keys
        .table(0)
        .insert((record.client, record.key), record);
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(5, |node, cx, out| key_check::run(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Goto(respond_pc(&x), 1_000));
    assert!(x.replayed && x.key_done && x.status == 201);
    assert!(out.effects().contains(&Effect::Cost(Cost::Replay)));

    let other = KeyRecord {
        fingerprint: fingerprint ^ 1,
        ..record
    };
    bench.keys.table(0).insert((other.client, other.key), other);
    let mut y = bench.execution(0);
    let (_, out) = bench.on_replica(5, |node, cx, out| key_check::run(node, cx, &mut y, out));
    assert_eq!(y.status, 422);
    assert!(matches!(
        traces(&out)[0],
        Detail::KeyCheck {
            outcome: KeyCheckOutcome::Mismatch,
            ..
        }
    ));
}

#[test]
fn a_crash_point_that_fires_loses_every_execution_and_schedules_the_restart() {
    let mut s = keyed(Workload::Payment);
    s.protections.idempotency_key.store = KeyStoreLocation::Memory;
    s.server.crash.before_write = 1.0;
    let mut bench = Bench::new(s);
    let record = completed_record(&bench, 1, 0, 3);
    bench
        .keys
        .table(0)
        .insert((record.client, record.key), record);
    let mut other = bench.execution(1);
    other.id = 4;
    bench.replica.admit(other);
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(10, |node, cx, out| {
        crash::run(node, cx, &mut x, CrashPoint::BeforeWrite, out)
    });
    assert_eq!(result, StepResult::Crashed);
    assert!(!bench.replica.up && bench.replica.slots.is_empty());
    assert_eq!(bench.keys.rows(), 0, "memory keys are lost");
    let lost: Vec<u32> = facts(&out)
        .iter()
        .filter_map(|f| match f {
            Fact::LostInCrash { exec, .. } => Some(*exec),
            _ => None,
        })
        .collect();
    assert_eq!(lost, vec![4, 0]);
    let replies = sends(&out);
    assert_eq!(replies.len(), 2);
    assert!(replies
        .iter()
        .all(|m| m.from == Actor::Balancer && m.value == 502));
    assert!(timers(&out)
        .iter()
        .any(|(delay, e)| *delay == 500_000 && matches!(e, Event::Restart { replica: 0 })));
}

#[test]
fn a_crash_point_that_does_not_fire_writes_nothing() {
    let mut bench = Bench::new(keyed(Workload::Payment));
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(10, |node, cx, out| {
        crash::run(node, cx, &mut x, CrashPoint::BeforeWrite, out)
    });
    assert_eq!(result, StepResult::Next(0));
    assert!(out.effects().is_empty());
}

#[test]
fn reading_the_row_remembers_its_version_and_a_sold_out_checkout_answers_410() {
    let mut bench = Bench::new(keyed(Workload::Checkout));
    bench.db.inventory.value = 1;
    bench.db.inventory.version = 6;
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(50, |node, cx, out| read::row(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Next(1_000));
    assert_eq!((x.read_value, x.read_version, x.read_time), (1, 6, 50));
    assert_eq!(
        traces(&out),
        vec![Detail::DbRead {
            table: Table::Inventory,
            version: 6,
            value: 1
        }]
    );
    bench.db.inventory.value = 0;
    let mut y = bench.execution(1);
    let (result, _) = bench.on_replica(60, |node, cx, out| read::row(node, cx, &mut y, out));
    assert_eq!(result, StepResult::Goto(respond_pc(&y), 1_000));
    assert_eq!(y.status, 410);
}

#[test]
fn compute_takes_its_drawn_time() {
    let mut bench = Bench::new(keyed(Workload::Payment));
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(0, |node, cx, out| compute::run(node, cx, &mut x, out));
    let StepResult::Next(duration) = result else {
        panic!("compute takes time: {result:?}");
    };
    assert!(duration >= 5_000);
    assert_eq!(
        traces(&out),
        vec![Detail::Step {
            step: crate::sim::trace::TimedStep::Compute,
            duration_us: duration
        }]
    );
}

#[test]
fn the_charge_call_goes_to_the_provider_with_its_timeout_armed() {
    let mut s = keyed(Workload::Payment);
    s.protections.key_propagation = true;
    let mut bench = Bench::new(s);
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(0, |node, cx, out| call::charge(node, cx, 3, &mut x, out));
    assert_eq!(result, StepResult::Wait);
    assert!(x.waiting && x.call == 1);
    let sent = sends(&out);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].to, sent[0].kind),
        (Actor::Provider, MessageKind::ChargeCall)
    );
    assert!(
        matches!(sent[0].fate, Fate::Delivered { .. }),
        "no provider loss is configured"
    );
    let Body::Call { key, amount, .. } = sent[0].body else {
        panic!("a call body");
    };
    assert!(key.is_some(), "key propagation derives a key");
    assert_eq!(amount, bench.ops[0].kind.amount());
    assert!(matches!(
        timers(&out)[..],
        [(
            150_000,
            Event::ExternalTimeout {
                slot: 3,
                kind: CallKind::Charge,
                call: 1,
                ..
            }
        )]
    ));
}

#[test]
fn the_email_step_is_skipped_with_the_outbox_and_after_a_repeat() {
    let mut s = keyed(Workload::Checkout);
    s.protections.outbox = true;
    let mut bench = Bench::new(s);
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(0, |node, cx, out| call::email(node, cx, 0, &mut x, out));
    assert_eq!(result, StepResult::Next(0));
    assert!(out.effects().is_empty());

    let mut bench = Bench::new(keyed(Workload::Checkout));
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(0, |node, cx, out| call::email(node, cx, 0, &mut x, out));
    assert_eq!(result, StepResult::Wait);
    assert_eq!(sends(&out)[0].kind, MessageKind::EmailCall);
    let mut y = bench.execution(1);
    y.row_existed = true;
    let (result, _) = bench.on_replica(0, |node, cx, out| call::email(node, cx, 0, &mut y, out));
    assert_eq!(result, StepResult::Next(0));
}

#[test]
fn a_commit_fenced_off_by_a_taken_over_key_answers_409_without_writing() {
    let mut bench = Bench::new(keyed(Workload::Payment));
    let mut x = bench.execution(0);
    x.holds_lock = true;
    let mut record = completed_record(&bench, 0, 0, 9);
    record.state = KeyState::InProgress { locked_at: 0 };
    bench
        .keys
        .table(0)
        .insert((record.client, record.key), record);
    let (result, out) = bench.on_replica(0, |node, cx, out| commit::run(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Goto(respond_pc(&x), 1_000));
    assert_eq!(x.status, 409);
    assert_eq!(bench.db.order_rows(), 0);
    assert!(matches!(
        traces(&out)[..],
        [Detail::KeyCheck {
            outcome: KeyCheckOutcome::InProgress,
            ..
        }]
    ));
}

#[test]
fn a_version_conflict_rereads_and_retries_only_the_write_then_gives_up_refunding_its_charge() {
    let mut s = keyed(Workload::Checkout);
    s.protections.cas = true;
    s.protections.cas_retries = 1;
    let mut bench = Bench::new(s);
    bench.db.inventory.version = 2;
    let mut x = bench.execution(0);
    x.pc = x.plan.iter().position(|s| *s == Step::Commit).unwrap();
    x.read_version = 1;
    x.charge = Some(5);
    let (result, out) = bench.on_replica(0, |node, cx, out| commit::run(node, cx, &mut x, out));
    // The re-read happens inside the commit step; the next step is the commit again, never
    // the charge.
    assert_eq!(result, StepResult::Goto(x.pc, 2_000));
    assert!(matches!(
        traces(&out)[..],
        [
            Detail::CasConflict { version: 2, .. },
            Detail::DbRead { version: 2, .. }
        ]
    ));
    assert_eq!(x.read_version, 2);
    bench.db.inventory.version = 3;
    let (result, out) = bench.on_replica(0, |node, cx, out| commit::run(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Goto(respond_pc(&x), 1_000));
    assert_eq!(x.status, 409);
    assert!(out.effects().contains(&Effect::Refund {
        charge: 5,
        op: 0,
        exec: 0
    }));
}

#[test]
fn sold_out_found_on_a_reread_refunds_the_charge() {
    let mut s = keyed(Workload::Checkout);
    s.protections.cas = true;
    let mut bench = Bench::new(s);
    bench.db.inventory.version = 2;
    bench.db.inventory.value = 0;
    let mut x = bench.execution(0);
    x.read_version = 1;
    x.charge = Some(9);
    let (result, out) = bench.on_replica(0, |node, cx, out| commit::run(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Goto(respond_pc(&x), 2_000));
    assert_eq!(x.status, 410);
    assert!(out.effects().contains(&Effect::Refund {
        charge: 9,
        op: 0,
        exec: 0
    }));
}

#[test]
fn a_commit_inserts_the_payment_and_saves_the_key_in_the_same_transaction() {
    let mut bench = Bench::new(keyed(Workload::Payment));
    let mut x = bench.execution(0);
    let (result, out) = bench.on_replica(0, |node, cx, out| commit::run(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Next(1_000));
    assert_eq!(bench.db.order_rows(), 1);
    assert!(x.key_done);
    let details = traces(&out);
    assert!(matches!(
        details[0],
        Detail::DbWrite {
            table: Table::Payments,
            how,
            ..
        } if !how.conflict()
    ));
    assert!(matches!(
        details[1],
        Detail::KeySave {
            state: SavedKeyState::Completed,
            ..
        }
    ));
    assert!(facts(&out).contains(&Fact::KeySaved { exec: 0 }));
}

#[test]
fn an_upsert_conflict_refunds_the_charge_of_this_attempt() {
    let mut s = keyed(Workload::Payment);
    s.protections.upsert = true;
    let mut bench = Bench::new(s);
    let row = OrderRow {
        id: 0,
        op: 0,
        amount: 1,
        quantity: 0,
        created_at: 0,
    };
    assert_eq!(bench.db.insert_order(row, true, false), Insert::Inserted(0));
    let mut x = bench.execution(0);
    x.charge = Some(8);
    bench.on_replica(0, |node, cx, out| {
        commit::run(node, cx, &mut x, out);
        assert!(out.effects().contains(&Effect::Refund {
            charge: 8,
            op: 0,
            exec: 0
        }));
    });
    assert!(x.already_exists);
    assert_eq!(bench.db.order_rows(), 1);
}

#[test]
fn the_separate_key_save_saves_once() {
    let mut s = keyed(Workload::Payment);
    s.protections.idempotency_key.atomic = false;
    let mut bench = Bench::new(s);
    let mut x = bench.execution(0);
    let (result, out) =
        bench.on_replica(0, |node, cx, out| respond::key_save(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Next(1_000));
    assert!(x.key_done);
    assert!(facts(&out).contains(&Fact::KeySaved { exec: 0 }));
    let (result, out) =
        bench.on_replica(0, |node, cx, out| respond::key_save(node, cx, &mut x, out));
    assert_eq!(result, StepResult::Next(0));
    assert!(out.effects().is_empty());
}

#[test]
fn a_read_back_answers_200_only_if_the_order_exists() {
    let mut bench = Bench::new(keyed(Workload::Checkout));
    let mut x = bench.execution(0);
    bench.on_replica(0, |node, cx, out| read::read_back(node, cx, &mut x, out));
    assert_eq!(x.status, 404);
    let row = OrderRow {
        id: 0,
        op: 0,
        amount: 1,
        quantity: 1,
        created_at: 0,
    };
    bench.db.insert_order(row, true, false);
    let (_, out) = bench.on_replica(0, |node, cx, out| read::read_back(node, cx, &mut x, out));
    assert_eq!(x.status, 200);
    assert!(matches!(
        traces(&out)[..],
        [Detail::DbRead { value: 1, .. }]
    ));
}

#[test]
fn an_error_answer_releases_the_lock_and_responds_to_the_client() {
    let mut bench = Bench::new(keyed(Workload::Payment));
    let mut x = bench.execution(0);
    bench.on_replica(0, |node, cx, out| key_check::run(node, cx, &mut x, out));
    assert_eq!(bench.keys.rows(), 1);
    x.status = 502;
    let (_, out) = bench.on_replica(0, |node, cx, out| respond::respond(node, cx, &mut x, out));
    assert_eq!(bench.keys.rows(), 0, "errors are not stored");
    assert!(matches!(traces(&out)[0], Detail::KeyRelease { .. }));
    assert!(out.effects().contains(&Effect::Cost(Cost::Response5xx)));
    assert!(facts(&out).contains(&Fact::ExecutionEnded {
        exec: 0,
        status: 502
    }));
    let reply = sends(&out)[0];
    assert_eq!((reply.to, reply.value), (Actor::Client(0), 502));
}
