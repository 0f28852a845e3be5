//! Tests of the replay: derived tables at a time cursor match the run.

use super::*;
use crate::sim::config::Scenario;
use crate::sim::scenarios::preset;
use crate::sim::trace::EventKind;
use crate::sim::{run, RunResult};

fn run_preset(name: &str) -> RunResult {
    let scenario = preset(name).expect("preset exists").scenario;
    run(&scenario.validate().expect("presets are valid"))
}

fn run_scenario(scenario: Scenario) -> RunResult {
    run(&scenario.validate().expect("valid"))
}

#[test]
fn at_the_end_the_tables_match_the_ground_truth() {
    for name in ["lost-response", "crash-after-commit", "duplicate-email"] {
        let result = run_preset(name);
        let replay = Replay::new(&result);
        let end = replay.tables_at(result.trace.len(), u64::MAX / 2, usize::MAX);
        assert_eq!(
            (end.charges_total - end.charges_refunded) as u64,
            result.ground_truth.net_charges,
            "{name}"
        );
        assert_eq!(
            end.orders_total as u64, result.ground_truth.orders,
            "{name}"
        );
        assert_eq!(
            end.emails_total as u64, result.ground_truth.emails,
            "{name}"
        );
    }
}

#[test]
fn duplicates_are_flagged_once_per_extra_row() {
    let result = run_preset("crash-after-commit");
    let replay = Replay::new(&result);
    let duplicates = replay.orders.iter().filter(|r| r.repeat > 0).count();
    let ops: std::collections::BTreeSet<u32> = replay.orders.iter().map(|r| r.op).collect();
    assert!(duplicates > 0);
    assert_eq!(duplicates, replay.orders.len() - ops.len());
}

#[test]
fn at_the_start_everything_is_empty_and_rows_hold_initial_values() {
    let result = run_preset("oversell");
    let replay = Replay::new(&result);
    let start = replay.tables_at(0, 0, 10);
    assert_eq!(start.orders_total, 0);
    assert_eq!(start.charges_total, 0);
    assert_eq!(start.keys_total, 0);
    assert_eq!(start.rows.len(), 1);
    assert_eq!(start.rows[0].value, 5);
    assert_eq!(start.rows[0].version, 0);
}

#[test]
fn versions_count_writes_and_the_final_value_matches_the_last_write() {
    let result = run_preset("concurrent-writers");
    let replay = Replay::new(&result);
    let end = replay.tables_at(result.trace.len(), u64::MAX / 2, 10);
    let writes = result
        .trace
        .iter()
        .filter(|e| {
            matches!(
                e.detail,
                Detail::DbWrite {
                    table: Table::Accounts,
                    ..
                }
            )
        })
        .count() as u64;
    assert_eq!(end.rows.iter().map(|r| r.version).sum::<u64>(), writes);
    assert!(end.rows.iter().any(|r| r.last_writer.is_some()));
}

#[test]
fn tables_are_monotone_in_the_cursor_and_the_same_from_either_direction() {
    let result = run_preset("crash-after-commit-protected");
    let replay = Replay::new(&result);
    let len = result.trace.len();
    let time_at = |c: usize| c.checked_sub(1).map_or(0, |i| result.trace[i].time);
    let cursors: Vec<usize> = (0..=len).step_by(7).collect();
    let forward: Vec<_> = cursors
        .iter()
        .map(|&c| replay.tables_at(c, time_at(c), 5))
        .collect();
    let backward: Vec<_> = cursors
        .iter()
        .rev()
        .map(|&c| replay.tables_at(c, time_at(c), 5))
        .collect();
    assert_eq!(forward, backward.into_iter().rev().collect::<Vec<_>>());
    for pair in forward.windows(2) {
        assert!(pair[0].orders_total <= pair[1].orders_total);
        assert!(pair[0].charges_total <= pair[1].charges_total);
    }
    // With keys on, some key rows exist at the end, all completed.
    let end = replay.tables_at(len, time_at(len), usize::MAX);
    assert!(end.keys_total > 0);
    assert!(end.keys.iter().all(|k| k.badge == KeyBadge::Completed));
    assert_eq!(end.keys.len(), end.keys_total);
}

#[test]
fn in_progress_rows_show_while_a_request_is_handled() {
    let result = run_preset("lost-response-protected");
    let replay = Replay::new(&result);
    let first_save = result
        .trace
        .iter()
        .position(|e| {
            matches!(
                e.detail,
                Detail::KeySave {
                    state: SavedKeyState::InProgress,
                    ..
                }
            )
        })
        .expect("the in-flight lock saves an in_progress row");
    let time = result.trace[first_save].time;
    let before = replay.tables_at(first_save, time, 10);
    let after = replay.tables_at(first_save + 1, time, 10);
    assert_eq!(after.keys_total, before.keys_total + 1);
    assert!(after
        .keys
        .iter()
        .any(|k| k.badge == KeyBadge::InProgress && k.row.saved_event == first_save as u32));
}

#[test]
fn rows_expire_after_the_ttl() {
    let result = run_preset("short-ttl");
    let replay = Replay::new(&result);
    let saved = replay.keys.first().expect("short-ttl saves keys");
    let cursor = saved.saved_event as usize + 1;
    let fresh = replay.tables_at(cursor, saved.saved_us, 50);
    let stale = replay.tables_at(cursor, saved.saved_us + replay.ttl_us, 50);
    let badge = |t: &TablesAt| {
        t.keys
            .iter()
            .find(|k| k.row.saved_event == saved.saved_event)
            .map(|k| k.badge)
    };
    assert_ne!(badge(&fresh), Some(KeyBadge::Expired));
    assert_eq!(badge(&stale), Some(KeyBadge::Expired));
}

#[test]
fn a_crash_wipes_a_memory_key_store() {
    let mut scenario = preset("memory-key-store").expect("preset").scenario;
    scenario.server.crash.after_commit_before_response = 0.3;
    let result = run_scenario(scenario);
    let replay = Replay::new(&result);
    let crash = result
        .trace
        .iter()
        .position(|e| e.kind() == EventKind::Crash)
        .expect("the run crashes a replica");
    let Actor::Replica(r) = result.trace[crash].actor else {
        panic!("crashes happen on replicas")
    };
    let time = result.trace[crash].time;
    let after = replay.tables_at(crash + 1, time, usize::MAX);
    assert!(after
        .keys
        .iter()
        .all(|k| k.row.scope != KeyScope::Replica(r)));
}
