//! The saga workload's state table at a time cursor: per order, each step's state
//! (pending, done, failed, compensated) and attempts, and how the saga stands — folded
//! from the orchestrator's log records in the trace, so it shows what the orchestrator
//! believed at that moment (the services' logs are in the trace's executed events).

use crate::sim::trace::{Detail, SagaAction, SagaDetail, SagaRecord, TraceEvent};

/// A step's state in the saga log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StepState {
    /// Not sent yet, or sent and not answered.
    #[default]
    Pending,
    Done,
    /// Refused, or never answered after its last attempt.
    Failed,
    /// Done, then undone by its compensation.
    Compensated,
}

impl StepState {
    pub fn name(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Done => "done",
            StepState::Failed => "failed",
            StepState::Compensated => "compensated",
        }
    }
}

/// How a saga stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SagaState {
    #[default]
    Running,
    Compensating,
    Completed,
    Compensated,
    Stuck,
}

impl SagaState {
    pub fn name(self) -> &'static str {
        match self {
            SagaState::Running => "running",
            SagaState::Compensating => "compensating",
            SagaState::Completed => "completed",
            SagaState::Compensated => "compensated",
            SagaState::Stuck => "stuck",
        }
    }
}

/// One step of one saga at the cursor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepAt {
    pub state: StepState,
    /// Attempts sent of the step, and of its compensation.
    pub attempts: u8,
    pub compensation_attempts: u8,
}

/// One order's saga at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SagaAt {
    pub op: u32,
    pub state: SagaState,
    /// Reserve, charge, ship.
    pub steps: [StepAt; 3],
    /// The last event that changed it (for "most recent first").
    pub last_event: u32,
}

fn index(action: SagaAction) -> usize {
    match action.undoes().unwrap_or(action) {
        SagaAction::Reserve => 0,
        SagaAction::Charge => 1,
        _ => 2,
    }
}

/// Where each saga's log records are in the trace, found once per run, so that the table
/// at a cursor reads only the sagas it shows instead of folding the trace from its start
/// (a 20,000-order run has over 800,000 events).
#[derive(Clone, Debug, Default)]
pub struct SagaIndex {
    /// Every log record's event id, in trace order.
    logs: Vec<u32>,
    /// Per order, its log records' event ids, in trace order.
    by_op: Vec<Vec<u32>>,
    /// Each started order's first log record, sorted.
    starts: Vec<u32>,
}

impl SagaIndex {
    pub fn new(trace: &[TraceEvent]) -> SagaIndex {
        let mut index = SagaIndex::default();
        for (id, event) in trace.iter().enumerate() {
            if !matches!(event.detail, Detail::Saga(SagaDetail::Log { .. })) {
                continue;
            }
            let op = event.op as usize;
            if index.by_op.len() <= op {
                index.by_op.resize_with(op + 1, Vec::new);
            }
            if index.by_op[op].is_empty() {
                index.starts.push(id as u32);
            }
            index.by_op[op].push(id as u32);
            index.logs.push(id as u32);
        }
        index
    }

    /// Every saga started before `cursor` (the events before it), the most recently
    /// changed first, at most `recent` of them, and how many had started.
    pub fn sagas_at(
        &self,
        trace: &[TraceEvent],
        cursor: usize,
        recent: usize,
    ) -> (Vec<SagaAt>, usize) {
        let total = self.starts.partition_point(|&id| (id as usize) < cursor);
        let before = self.logs.partition_point(|&id| (id as usize) < cursor);
        // The latest records, walked back until `recent` orders are found: those orders
        // changed most recently, in that order.
        let mut shown: Vec<u32> = Vec::with_capacity(recent);
        for &id in self.logs[..before].iter().rev() {
            if shown.len() == recent {
                break;
            }
            let op = trace[id as usize].op;
            if !shown.contains(&op) {
                shown.push(op);
            }
        }
        let sagas = shown
            .into_iter()
            .filter_map(|op| {
                let mut saga: Option<SagaAt> = None;
                for &id in &self.by_op[op as usize] {
                    if id as usize >= cursor {
                        break;
                    }
                    apply(&mut saga, id, &trace[id as usize]);
                }
                saga
            })
            .collect();
        (sagas, total)
    }
}

/// Fold one trace event into its order's saga (only the saga log's records change it).
fn apply(saga: &mut Option<SagaAt>, id: u32, event: &TraceEvent) {
    let Detail::Saga(SagaDetail::Log {
        action,
        record,
        attempt,
    }) = event.detail
    else {
        return;
    };
    let saga = saga.get_or_insert(SagaAt {
        op: event.op,
        state: SagaState::Running,
        steps: [StepAt::default(); 3],
        last_event: id,
    });
    saga.last_event = id;
    let step = &mut saga.steps[index(action)];
    let compensation = action.is_compensation();
    match record {
        SagaRecord::Started => {}
        SagaRecord::Sent if compensation => step.compensation_attempts = attempt,
        SagaRecord::Sent => step.attempts = attempt,
        SagaRecord::Done if compensation => step.state = StepState::Compensated,
        SagaRecord::Done => step.state = StepState::Done,
        SagaRecord::Failed | SagaRecord::GaveUp if !compensation => step.state = StepState::Failed,
        SagaRecord::Failed | SagaRecord::GaveUp => {}
        SagaRecord::Completed => saga.state = SagaState::Completed,
        SagaRecord::Compensating => saga.state = SagaState::Compensating,
        SagaRecord::Compensated => saga.state = SagaState::Compensated,
        SagaRecord::Stuck => saga.state = SagaState::Stuck,
    }
}

/// [`SagaIndex::sagas_at`] without an index: for one look at a trace.
pub fn sagas_at(trace: &[TraceEvent], cursor: usize, recent: usize) -> (Vec<SagaAt>, usize) {
    SagaIndex::new(trace).sagas_at(trace, cursor, recent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::{SagaStep, Scenario, Workload};
    use crate::sim::run;

    #[test]
    fn a_compensated_saga_shows_its_steps_undone_and_the_refused_one_failed() {
        let mut s = Scenario {
            workload: Workload::Saga,
            operations: 3,
            ..Scenario::default()
        };
        s.saga.pivot = SagaStep::Ship;
        s.saga.shipping_refused = 1.0;
        let r = run(&s.validate().unwrap());
        let (sagas, total) = sagas_at(&r.trace, r.trace.len(), 8);
        assert_eq!((sagas.len(), total), (3, 3));
        for saga in &sagas {
            assert_eq!(saga.state, SagaState::Compensated);
            let states = saga.steps.map(|s| s.state);
            assert_eq!(
                states,
                [
                    StepState::Compensated,
                    StepState::Compensated,
                    StepState::Failed
                ]
            );
            assert_eq!(saga.steps.map(|s| s.attempts), [1, 1, 1]);
            assert_eq!(saga.steps[1].compensation_attempts, 1);
        }
        // Before the first event nothing has started; half-way, the latest first.
        assert_eq!(sagas_at(&r.trace, 0, 8).1, 0);
        let (some, _) = sagas_at(&r.trace, r.trace.len() / 2, 1);
        assert_eq!(some.len(), 1);
    }

    /// The table folded from the trace's start, as the index must give it.
    fn folded(trace: &[TraceEvent], cursor: usize, recent: usize) -> (Vec<SagaAt>, usize) {
        let mut sagas: Vec<Option<SagaAt>> = Vec::new();
        for (id, event) in trace.iter().enumerate().take(cursor) {
            let op = event.op as usize;
            if sagas.len() <= op {
                sagas.resize(op + 1, None);
            }
            apply(&mut sagas[op], id as u32, event);
        }
        let mut started: Vec<SagaAt> = sagas.into_iter().flatten().collect();
        let total = started.len();
        started.sort_by_key(|s| std::cmp::Reverse(s.last_event));
        started.truncate(recent);
        (started, total)
    }

    #[test]
    fn the_index_gives_the_table_a_fold_from_the_start_gives() {
        for seed in 1..4 {
            let mut s = Scenario {
                workload: Workload::Saga,
                operations: 60,
                seed,
                ..Scenario::default()
            };
            s.saga.provider_loss = 0.2;
            s.saga.shipping_refused = 0.2;
            let r = run(&s.validate().unwrap());
            let index = SagaIndex::new(&r.trace);
            let n = r.trace.len();
            for cursor in (0..=n).step_by((n / 97).max(1)).chain([n]) {
                for recent in [1, 8, 20] {
                    assert_eq!(
                        index.sagas_at(&r.trace, cursor, recent),
                        folded(&r.trace, cursor, recent),
                        "seed {seed}, cursor {cursor}, recent {recent}"
                    );
                }
            }
        }
    }
}
