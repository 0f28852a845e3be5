//! The handler's own work: a processing time, plus the slow path when it is drawn.

use super::StepResult;
use crate::sim::actors::replica::{Execution, Node};
use crate::sim::effects::{Cx, Effects};
use crate::sim::faults::processing_time;
use crate::sim::trace::{Actor, Detail, TimedStep};

pub fn run(node: &mut Node, cx: &Cx, x: &mut Execution, out: &mut impl Effects) -> StepResult {
    let (duration_us, slow) = processing_time(cx.scenario(), x.op, x.attempt, x.copy);
    let event = out.event(
        node.actor(),
        Actor::Nobody,
        x.op,
        x.attempt,
        Detail::Step {
            step: TimedStep::Compute,
            duration_us,
        },
    );
    if let Some(fault) = slow {
        out.fault(fault, x.op, x.attempt, event);
    }
    StepResult::Next(duration_us)
}
