//! The trace as self-describing JSON, written as a stream: one event at a time into any
//! `io::Write`, so exporting millions of events needs no more memory than the events.
//!
//! Each event is an object with its id, `time_us`, `kind`, `actor`, `peer`, `op` (absent
//! when the event belongs to no operation), `attempt` (absent when 0) and the named
//! fields of its kind, e.g. `{"id":7,"time_us":5120,"kind":"drop","actor":"client:0",
//! "peer":"replica:1","op":3,"attempt":1,"msg":6,"message":"response","reason":"loss"}`.

use std::io::{self, Write};

use serde::Serialize;

use super::{Detail, MessageKind, TraceEvent, NO_OP};
use crate::sim::report::Summary;
use crate::sim::results::{AttemptInfo, RunResult};
use crate::sim::workload::Operation;
use crate::sim::Scenario;

/// Identifies the layout below; bumped when a field changes meaning.
pub const TRACE_FORMAT: &str = "idempotency-lab-trace/2";

/// Everything of a run that the trace file carries besides its events.
#[derive(Serialize)]
pub struct TraceHeader<'a> {
    pub format: &'static str,
    pub scenario: &'a Scenario,
    pub trace_hash: &'a str,
    pub operations: &'a [Operation],
    pub attempts: &'a [AttemptInfo],
    /// The run's summary, when the exporter has one at hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'a Summary>,
}

impl<'a> TraceHeader<'a> {
    pub fn of(result: &'a RunResult) -> Self {
        TraceHeader {
            format: TRACE_FORMAT,
            scenario: &result.scenario,
            trace_hash: &result.trace_hash,
            operations: &result.operations,
            attempts: &result.attempts,
            summary: None,
        }
    }
}

/// Write the header's fields and then the events, as one JSON object.
pub fn write_trace<W: Write>(
    mut out: W,
    header: &TraceHeader,
    events: &[TraceEvent],
) -> io::Result<()> {
    let header = serde_json::to_string(header).map_err(io::Error::other)?;
    // The header is an object; reopen it to append the event array.
    out.write_all(&header.as_bytes()[..header.len() - 1])?;
    out.write_all(b",\"events\":[")?;
    for (id, event) in events.iter().enumerate() {
        if id > 0 {
            out.write_all(b",\n")?;
        }
        write_event(&mut out, id, event)?;
    }
    out.write_all(b"]}\n")?;
    out.flush()
}

fn name<T: Serialize>(value: T) -> String {
    // Unit enum variants serialise to a bare JSON string.
    serde_json::to_string(&value).unwrap_or_else(|_| "null".into())
}

/// One event as a JSON object.
pub fn write_event<W: Write>(out: &mut W, id: usize, e: &TraceEvent) -> io::Result<()> {
    write!(
        out,
        "{{\"id\":{id},\"time_us\":{},\"kind\":{},\"actor\":{},\"peer\":{}",
        e.time,
        name(e.kind()),
        name(e.actor),
        name(e.peer)
    )?;
    if e.op != NO_OP {
        write!(out, ",\"op\":{}", e.op)?;
    }
    if e.attempt != 0 {
        write!(out, ",\"attempt\":{}", e.attempt)?;
    }
    write_fields(out, &e.detail)?;
    out.write_all(b"}")
}

fn write_message<W: Write>(out: &mut W, msg: u32, message: MessageKind) -> io::Result<()> {
    write!(out, ",\"msg\":{msg},\"message\":{}", name(message))
}

fn write_fields<W: Write>(out: &mut W, detail: &Detail) -> io::Result<()> {
    match *detail {
        Detail::Messaging(m) => write!(out, ",\"event\":\"{}\"{}", m.name(), m.json_fields()),
        Detail::Stream(d) => write!(out, ",\"event\":\"{}\"{}", d.name(), d.json_fields()),
        Detail::Saga(s) => write!(out, ",\"event\":\"{}\"{}", s.name(), s.json_fields()),
        Detail::OpStart { amount } => write!(out, ",\"amount\":{amount}"),
        Detail::Send {
            msg,
            message,
            value,
        } => {
            write_message(out, msg, message)?;
            match message {
                MessageKind::Response => write!(out, ",\"status\":{value}"),
                MessageKind::ChargeCall | MessageKind::EmailCall => {
                    write!(out, ",\"amount\":{value}")
                }
                MessageKind::Forward => write!(out, ",\"copy\":{value}"),
                _ => Ok(()),
            }
        }
        Detail::Deliver {
            msg,
            message,
            replayed,
            status,
        } => {
            write_message(out, msg, message)?;
            if message == MessageKind::Response {
                write!(out, ",\"status\":{status},\"replayed\":{replayed}")?;
            }
            Ok(())
        }
        Detail::LateResponse {
            msg,
            message,
            status,
        } => {
            write_message(out, msg, message)?;
            if message == MessageKind::Response {
                write!(out, ",\"status\":{status}")?;
            }
            Ok(())
        }
        Detail::Drop {
            msg,
            message,
            reason,
        } => {
            write_message(out, msg, message)?;
            write!(out, ",\"reason\":{}", name(reason))
        }
        Detail::Duplicate {
            msg,
            message,
            original,
        } => {
            write_message(out, msg, message)?;
            write!(out, ",\"copy_of\":{original}")
        }
        Detail::Timeout | Detail::Restart => Ok(()),
        Detail::Retry { backoff_us } => write!(out, ",\"backoff_us\":{backoff_us}"),
        Detail::Step { step, duration_us } => {
            write!(out, ",\"step\":{},\"duration_us\":{duration_us}", name(step))
        }
        Detail::KeyCheck { outcome, key } => {
            write!(out, ",\"outcome\":{},\"key\":\"{key:016x}\"", name(outcome))
        }
        Detail::KeySave { state, key } => {
            write!(out, ",\"state\":{},\"key\":\"{key:016x}\"", name(state))
        }
        Detail::KeyRelease { key } => write!(out, ",\"key\":\"{key:016x}\""),
        Detail::KeyPurge { rows } => write!(out, ",\"rows\":{rows}"),
        Detail::Crash { point } => write!(out, ",\"point\":{}", name(point)),
        Detail::DbRead {
            table,
            version,
            value,
        } => write!(
            out,
            ",\"table\":{},\"version\":{version},\"value\":{value}",
            name(table)
        ),
        Detail::DbWrite {
            table,
            row,
            value,
            how,
        } => write!(
            out,
            ",\"table\":{},\"row\":{row},\"value\":{value},\"overwrote_concurrent\":{},\"conflict\":{},\"delete\":{}",
            name(table),
            how.overwrote(),
            how.conflict(),
            how.delete()
        ),
        Detail::CasConflict { table, version } => {
            write!(out, ",\"table\":{},\"version\":{version}", name(table))
        }
        Detail::ChargeDeclined { amount } => write!(out, ",\"amount\":{amount}"),
        Detail::Charge { charge, amount } | Detail::ChargeDeduplicated { charge, amount } => {
            write!(out, ",\"charge\":{charge},\"amount\":{amount}")
        }
        Detail::Refund { charge } => write!(out, ",\"charge\":{charge}"),
        Detail::EmailSent { email } | Detail::EmailDeduplicated { email } => {
            write!(out, ",\"email\":{email}")
        }
        Detail::OutboxWrite { outbox, sent } => write!(out, ",\"outbox\":{outbox},\"sent\":{sent}"),
        Detail::OpEnd {
            outcome,
            latency_us,
        } => write!(
            out,
            ",\"outcome\":{},\"latency_us\":{latency_us}",
            name(outcome)
        ),
        Detail::ExternalTimeout { call, outbox } => {
            write!(out, ",\"call\":{call}")?;
            match outbox {
                Some(outbox) => write!(out, ",\"outbox\":{outbox}"),
                None => Ok(()),
            }
        }
    }
}
