//! Anomalies found while the run goes, at the write that makes them: a lost update (a
//! blind write over a concurrent one), an oversell, a wrong replay; and the memory of
//! each row's last write that they need, which keeps the operation it names live.

use super::anomaly::{at, lowercase_first, sorted};
use super::records::{SideEffect, UndoneBy};
use super::{Anomaly, AnomalyKind, Oracle};

impl Oracle {
    /// A wallet write of `op` to `account`, by execution `exec`.
    pub(super) fn account_written(
        &mut self,
        (exec, op, account): (u32, u32, u32),
        (read_event, read_time): (u32, u64),
        overwrote: bool,
        event: u32,
        time: u64,
    ) {
        if overwrote {
            if let Some((lost_event, lost_op, lost_time)) = self.account_last[account as usize] {
                self.overwrote_concurrent(
                    op,
                    (read_event, read_time),
                    (lost_op, lost_event, lost_time),
                    event,
                    time,
                );
            }
        }
        let previous = self.account_last[account as usize].replace((event, op, time));
        self.repin(previous.map(|(_, op, _)| op), op);
        self.applied(exec, op, event, time);
    }

    /// A profile write of `op`, by execution `exec`. An older operation's write landing
    /// on a newer one's undoes it; the newer operation writing again restores it.
    pub(super) fn profile_written(&mut self, exec: u32, op: u32, event: u32, time: u64) {
        let client = self.ops.client_of(op) as usize;
        let write = SideEffect {
            id: op,
            event,
            time,
            exec,
        };
        if let Some(previous) = self.profile_last[client] {
            if previous.id > op {
                let undone = self.undone_by(write);
                if let Some(r) = self.records.get_mut(previous.id) {
                    r.undone_by.get_or_insert(undone);
                }
            }
        }
        if let Some(r) = self.record(op) {
            r.undone_by = None;
        }
        let previous = self.profile_last[client].replace(write);
        self.repin(previous.map(|p| p.id), op);
        self.applied(exec, op, event, time);
    }

    /// What the sentence about an undone write needs of the write that undid it.
    fn undone_by(&self, write: SideEffect) -> UndoneBy {
        let x = self.execs.get(write.exec).copied().unwrap_or_default();
        let copy_event = self
            .records
            .get(write.id)
            .and_then(|r| r.attempts.get(x.attempt.max(1) as usize - 1))
            .and_then(|a| a.duplicate_event);
        UndoneBy {
            write,
            attempt: x.attempt,
            copy: x.copy,
            replica: x.replica,
            start: x.start,
            start_event: x.start_event,
            copy_event,
        }
    }

    /// The last write to a row moved from `previous` to `op`.
    fn repin(&mut self, previous: Option<u32>, op: u32) {
        if previous == Some(op) {
            return;
        }
        if let Some(r) = previous.and_then(|p| self.records.get_mut(p)) {
            r.pins -= 1;
        }
        if let Some(r) = self.record(op) {
            r.pins += 1;
        }
    }

    /// A wallet or profile write of `op` took effect.
    fn applied(&mut self, exec: u32, op: u32, event: u32, time: u64) {
        if let Some(r) = self.record(op) {
            r.applied.push(SideEffect {
                id: event,
                event,
                time,
                exec,
            });
        }
    }

    /// Whether an anomaly found now would keep its sentence (see `AnomalyLog::keeps`).
    fn keeps(&self, time_us: u64, kind: AnomalyKind, op: u32) -> bool {
        self.log.keeps(time_us, kind, op)
    }

    /// An anomaly about `op`, kept with it until it settles.
    fn found(&mut self, anomaly: Anomaly) {
        match self.records.get_mut(anomaly.op) {
            Some(r) => r.found.push(anomaly),
            None => self.late_facts += 1,
        }
    }

    /// A blind write overwrote a change made after this handler's read.
    fn overwrote_concurrent(
        &mut self,
        writer_op: u32,
        (read_event, read_time): (u32, u64),
        (lost_op, lost_event, lost_time): (u32, u32, u64),
        write_event: u32,
        time: u64,
    ) {
        let kind = AnomalyKind::LostUpdate;
        if !self.keeps(time, kind, lost_op) {
            return self.found(Anomaly::counted(kind, lost_op, time));
        }
        let writer = self.ops.get(writer_op).label();
        let lost = self.ops.get(lost_op);
        let narrative = format!(
            "The update of {} was lost: {writer} read the balance at {}, {} wrote a new balance at {}, and {writer} then overwrote it at {} with a value computed from its stale read, because writes are not conditional{}.",
            lowercase_first(&lost.title()),
            at(read_time),
            lost.label(),
            at(lost_time),
            at(time),
            if self.cas { "" } else { " (no CAS versioning)" },
        );
        self.found(Anomaly {
            kind: AnomalyKind::LostUpdate,
            op: lost_op,
            time_us: time,
            events: sorted(vec![read_event, lost_event, write_event]),
            narrative,
        });
    }

    /// A checkout committed a stock count computed from a stale read.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn stock_written(
        &mut self,
        op: u32,
        read_event: u32,
        read_time: u64,
        read_stock: i64,
        other: Option<(u32, u32, u64)>,
        write_event: u32,
        time: u64,
    ) {
        if self.units_sold <= self.stock {
            return;
        }
        if !self.keeps(time, AnomalyKind::Oversell, op) {
            return self.found(Anomaly::counted(AnomalyKind::Oversell, op, time));
        }
        let title = self.ops.get(op).title();
        let mut events = vec![read_event, write_event];
        let race = match other {
            Some((other_op, other_event, other_time)) => {
                events.push(other_event);
                format!(
                    ", {} sold from the same stock at {}",
                    self.ops.get(other_op).label(),
                    at(other_time)
                )
            }
            None => String::new(),
        };
        self.found(Anomaly {
            kind: AnomalyKind::Oversell,
            op,
            time_us: time,
            events: sorted(events),
            narrative: format!(
                "{title} oversold the stock: it read {read_stock} left at {}{race}, and it still wrote its own decrement at {}, so {} units were sold of {}{}.",
                at(read_time),
                at(time),
                self.units_sold,
                self.stock,
                if self.cas { "" } else { " (writes are not conditional: no CAS versioning)" },
            ),
        });
    }

    /// A client accepted the stored response of another operation.
    pub(super) fn wrong_replay(
        &mut self,
        op: u32,
        body_op: u32,
        key_event: u32,
        deliver_event: u32,
        time: u64,
    ) {
        if let Some(r) = self.record(op) {
            r.wrong_replay_of = Some(body_op);
        }
        if !self.keeps(time, AnomalyKind::WrongReplay, op) {
            return self.found(Anomaly::counted(AnomalyKind::WrongReplay, op, time));
        }
        let this = self.ops.get(op).title();
        let other = self.ops.get(body_op).label();
        self.found(Anomaly {
            kind: AnomalyKind::WrongReplay,
            op,
            time_us: time,
            events: sorted(vec![key_event, deliver_event]),
            narrative: format!(
                "{this} received the stored response of {other} at {}: the client reused {other}'s idempotency key and, with no fingerprint check, the server replayed that reply instead of running {}.",
                at(time),
                self.ops.get(op).label()
            ),
        });
    }
}
