//! How the exported diagram looks: colours for a white background, arrowheads, the marks'
//! shapes and the legend. The colours are the light theme's (static/style.css).

use std::fmt::Write;

use crate::sim::config::BrokerMode;
use crate::sim::trace::Outcome;
use crate::ui::timeline::{MarkKind, Timeline};

use super::shapes::SHAPES;
use super::{num, LEGEND_COLUMN, LEGEND_ROW};

/// Message colours (as the light theme's), dash patterns, arrowhead ids and meanings, by
/// CSS class: the HTTP workloads' first, then the events workload's, then the saga's.
pub(super) const MESSAGE_LOOKS: [Look; 15] = [
    ("msg-request", "#0072b2", "", "h0", "request"),
    ("msg-ok", "#007a58", "", "h1", "2xx response"),
    ("msg-error", "#c24f00", "7 3", "h2", "error response"),
    ("msg-replayed", "#8a3f9e", "2 2", "h3", "replayed response"),
    ("msg-charge", "#a86f00", "9 2 2 2", "h4", "provider call"),
    ("msg-email", "#b8508c", "4 2", "h5", "email call"),
    ("msg-publish", "#0072b2", "", "h6", "publish"),
    ("msg-ack", "#007a58", "", "h7", "publish acknowledgement"),
    ("msg-record", "#5b4bb7", "", "h8", "record to a consumer"),
    ("msg-commit", "#007a58", "6 3", "h9", "offset commit"),
    ("msg-delete", "#007a58", "6 3", "h10", "delete"),
    (
        "msg-heartbeat",
        "#4d535c",
        "1.5 3",
        "h11",
        "visibility heartbeat",
    ),
    ("msg-ship", "#a86f00", "9 2 2 2", "h12", "warehouse call"),
    ("msg-stock", "#5b4bb7", "5 2", "h13", "inventory call"),
    ("msg-refund", "#8a3f9e", "9 2 2 2", "h14", "refund call"),
];
/// The message looks of the HTTP workloads, and of the events workload with a log or a
/// queue (indices into [`MESSAGE_LOOKS`]).
const HTTP_LOOKS: [usize; 6] = [0, 1, 2, 3, 4, 5];
const LOG_LOOKS: [usize; 5] = [6, 7, 8, 9, 12];
const QUEUE_LOOKS: [usize; 6] = [6, 7, 8, 10, 11, 12];
/// The saga's: charge, shipping, inventory and refund calls.
const SAGA_LOOKS: [usize; 4] = [4, 12, 13, 14];
/// Class, colour, dash pattern, arrowhead id and meaning of a message look.
type Look = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
/// Light orange behind the selected anomaly's causal chain (no transparency, so viewers agree).
pub(super) const CHAIN_COLOUR: &str = "#f6c6a0";

/// How an arrow ends, as a class that picks the marker at its end.
pub(super) const END_CLASSES: [&str; 4] = ["", " lost", " late", " in-flight"];

/// The legend's marks for the HTTP workloads: shape id and meaning.
const MARK_LABELS: [(&str, &str); 18] = [
    ("st", "operation start"),
    ("ok", "operation done"),
    ("fa", "operation failed"),
    ("un", "outcome unknown"),
    ("to", "timeout"),
    ("re", "retry"),
    ("cr", "crash"),
    ("up", "restart"),
    ("kc", "key check"),
    ("ks", "key saved"),
    ("kr", "key released"),
    ("rd", "database read"),
    ("wr", "database write"),
    ("cf", "write conflict"),
    ("ch", "charge"),
    ("dd", "deduplicated"),
    ("rf", "refund"),
    ("em", "email sent"),
];
/// The saga workload's marks (drawn with the other worlds' shapes).
const SAGA_MARK_LABELS: [(&str, &str); 18] = [
    ("st", "saga started"),
    ("ok", "saga completed"),
    ("fa", "saga compensated"),
    ("un", "saga stuck"),
    ("re", "compensation starts"),
    ("to", "timeout, or gave up"),
    ("cr", "crash"),
    ("up", "recovered from the saga log"),
    ("wr", "saga log or order written"),
    ("cf", "step failed"),
    ("ap", "stock reserved"),
    ("dl", "stock released"),
    ("ch", "charge"),
    ("rf", "refund"),
    ("sh", "shipped"),
    ("dd", "answered from its key"),
    ("dx", "refused (stock, card, address)"),
    ("ox", "nothing to undo"),
];

/// The events workload's marks, for a log and for a queue.
const LOG_MARK_LABELS: [(&str, &str); 18] = [
    ("st", "order placed"),
    ("wr", "database write"),
    ("cr", "crash"),
    ("up", "restart"),
    ("to", "timeout"),
    ("pi", "new producer id"),
    ("ap", "record appended"),
    ("dd", "deduplicated"),
    ("rb", "rebalance"),
    ("as", "partition assigned"),
    ("rm", "removed from the group"),
    ("oc", "offset committed"),
    ("ox", "stale commit refused"),
    ("ic", "dedup check: new id"),
    ("is", "dedup check: skipped"),
    ("ir", "id recorded"),
    ("sh", "shipped"),
    ("sd", "shipment deduplicated"),
];
const QUEUE_MARK_LABELS: [(&str, &str); 17] = [
    ("st", "order placed"),
    ("wr", "database write"),
    ("cr", "crash"),
    ("up", "restart"),
    ("to", "timeout"),
    ("pi", "new producer id"),
    ("ap", "message queued"),
    ("dd", "deduplicated"),
    ("vx", "visibility timeout ran out"),
    ("dl", "message deleted"),
    ("dx", "stale delete refused"),
    ("dq", "dead-lettered"),
    ("ic", "dedup check: new id"),
    ("is", "dedup check: skipped"),
    ("ir", "id recorded"),
    ("sh", "shipped"),
    ("sd", "shipment deduplicated"),
];

/// The stream workload's marks.
const STREAM_MARK_LABELS: [(&str, &str); 18] = [
    ("pi", "instance started"),
    ("ap", "record or invoice appended"),
    ("rr", "input record read"),
    ("pa", "paused"),
    ("up", "woke from a pause"),
    ("cr", "crash"),
    ("tb", "transaction begun"),
    ("pc", "pre-commit"),
    ("tc", "commit marker"),
    ("ta", "abort marker"),
    ("fe", "fenced or refused"),
    ("oc", "input offsets committed"),
    ("cp", "checkpoint barrier"),
    ("cd", "checkpoint completed"),
    ("rs", "checkpoint restored"),
    ("rm", "zombie stopped"),
    ("ok", "job finished"),
    ("rv", "reader received an invoice"),
];

/// What an exported diagram's legend lists, and so which looks and shapes it defines:
/// the run's workload's (the HTTP workloads' legend is the same as before the events
/// workload).
#[derive(Clone, Copy)]
pub(super) struct Palette {
    /// Its message looks (indices into [`MESSAGE_LOOKS`]).
    looks: &'static [usize],
    marks: &'static [(&'static str, &'static str)],
    events: bool,
    queue: bool,
    saga: bool,
}

impl Palette {
    pub(super) fn of(timeline: &Timeline) -> Palette {
        if timeline.stream {
            return Palette {
                looks: &[],
                marks: &STREAM_MARK_LABELS,
                events: true,
                queue: false,
                saga: false,
            };
        }
        if timeline.saga {
            return Palette {
                looks: &SAGA_LOOKS,
                marks: &SAGA_MARK_LABELS,
                // Replies can arrive late here, as HTTP responses do.
                events: false,
                queue: false,
                saga: true,
            };
        }
        match timeline.messaging {
            None => Palette {
                looks: &HTTP_LOOKS,
                marks: &MARK_LABELS,
                events: false,
                queue: false,
                saga: false,
            },
            Some(mode) => {
                let queue = mode == BrokerMode::Queue;
                Palette {
                    looks: if queue { &QUEUE_LOOKS } else { &LOG_LOOKS },
                    marks: if queue {
                        &QUEUE_MARK_LABELS
                    } else {
                        &LOG_MARK_LABELS
                    },
                    events: true,
                    queue,
                    saga: false,
                }
            }
        }
    }

    fn looks(&self) -> impl Iterator<Item = &'static Look> {
        self.looks.iter().map(|&i| &MESSAGE_LOOKS[i])
    }

    /// The legend lists shape `id`.
    fn lists(&self, id: &str) -> bool {
        self.marks.iter().any(|(m, _)| *m == id)
    }
}

pub(super) fn shape_id(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::OpStart => "st",
        MarkKind::OpEnd(Outcome::Succeeded) => "ok",
        MarkKind::OpEnd(Outcome::Failed) => "fa",
        MarkKind::OpEnd(Outcome::Unknown) => "un",
        MarkKind::Timeout | MarkKind::ExternalTimeout => "to",
        MarkKind::Retry => "re",
        MarkKind::Crash => "cr",
        MarkKind::Restart => "up",
        MarkKind::KeyCheck => "kc",
        MarkKind::KeySave => "ks",
        MarkKind::KeyRelease => "kr",
        MarkKind::DbRead => "rd",
        MarkKind::DbWrite | MarkKind::OutboxWrite => "wr",
        MarkKind::CasConflict => "cf",
        MarkKind::Charge => "ch",
        MarkKind::Deduplicated => "dd",
        MarkKind::Refund => "rf",
        MarkKind::EmailSent => "em",
        MarkKind::ProducerStarted => "pi",
        MarkKind::Append => "ap",
        MarkKind::Rebalance => "rb",
        MarkKind::Assigned => "as",
        MarkKind::MemberRemoved => "rm",
        MarkKind::OffsetCommit => "oc",
        MarkKind::CommitRefused => "ox",
        MarkKind::VisibilityExpired => "vx",
        MarkKind::Deleted => "dl",
        MarkKind::DeleteRefused => "dx",
        MarkKind::DeadLettered => "dq",
        MarkKind::DedupCheck => "ic",
        MarkKind::DedupSkip => "is",
        MarkKind::DedupRecord => "ir",
        MarkKind::Shipped => "sh",
        MarkKind::ShipmentDeduplicated => "sd",
        MarkKind::RecordRead => "rr",
        MarkKind::Pause => "pa",
        MarkKind::TxnBegin => "tb",
        MarkKind::PreCommit => "pc",
        MarkKind::TxnCommit => "tc",
        MarkKind::TxnAbort => "ta",
        MarkKind::Fenced => "fe",
        MarkKind::Checkpoint => "cp",
        MarkKind::CheckpointDone => "cd",
        MarkKind::Restore => "rs",
        MarkKind::ReaderSaw => "rv",
    }
}

pub(super) fn style(palette: Palette) -> String {
    let mut css = String::from(
        "svg{font:12px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#1b1d21}\
         .title{font-size:16px;font-weight:700}.sub{fill:#4d535c}\
         .lane-label{font-size:13px;font-weight:600}.bands{fill:#f6f6f6}\
         .lane-lines{stroke:#c9ced6}.ticks{stroke:#c9ced6;stroke-dasharray:2 4}\
         .tick-label{font-size:11px;fill:#4d535c;text-anchor:middle}\
         .m{fill:none;stroke-width:1.6;stroke-linejoin:round}",
    );
    for (class, colour, dash, head, _) in palette.looks() {
        let _ = write!(css, ".{class}{{stroke:{colour};marker-end:url(#{head})");
        if !dash.is_empty() {
            let _ = write!(css, ";stroke-dasharray:{dash}");
        }
        css.push('}');
    }
    let _ = write!(
        css,
        ".duplicate{{stroke-width:1.2}}.lost{{marker-end:url(#lost)}}.late{{marker-end:url(#late)}}\
         .in-flight{{marker-end:none}}.status{{font-size:11px;font-weight:700;fill:#c24f00}}\
         .chain{{fill:none;stroke:{CHAIN_COLOUR};stroke-width:9;stroke-linecap:round}}\
         .chain circle{{fill:{CHAIN_COLOUR};stroke:none}}"
    );
    css
}

/// Arrowheads in each message colour, the lost message's cross, the late arrival's ring,
/// and the marks' shapes.
/// Shapes are defined for the legend's marks and for any other mark drawn (`drawn`: shape
/// ids).
pub(super) fn definitions(
    out: &mut String,
    palette: Palette,
    drawn: &[&str],
    plot: (f64, f64, f64, f64),
) {
    out.push_str("<defs>");
    const MARKER: &str = r#"markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" refX="5" refY="5" overflow="visible""#;
    for (_, colour, _, head, _) in palette.looks() {
        let _ = write!(
            out,
            r#"<marker id="{head}" {MARKER} orient="auto"><path d="M-2,1.5L5,5L-2,8.5" fill="none" stroke="{colour}" stroke-width="1.6"/></marker>"#
        );
    }
    let _ = write!(
        out,
        r##"<marker id="lost" {MARKER}><path d="M1,1l8,8m0,-8l-8,8" stroke="#b34f00" stroke-width="2.4" stroke-linecap="round"/></marker><marker id="late" {MARKER}><circle cx="5" cy="5" r="4" fill="#fff" stroke="#8a6100" stroke-width="2"/></marker>"##
    );
    for (id, shape) in SHAPES {
        if palette.lists(id) || drawn.contains(&id) {
            out.push_str(shape);
        }
    }
    let (x, y, width, height) = plot;
    out.push_str(r#"<clipPath id="plot"><rect x=""#);
    num(out, x);
    out.push_str(r#"" y=""#);
    num(out, y);
    out.push_str(r#"" width=""#);
    num(out, width);
    out.push_str(r#"" height=""#);
    num(out, height);
    out.push_str(r#""/></clipPath></defs>"#);
}

/// What every colour, line and shape means, in rows of columns below the lanes.
pub(super) fn legend(out: &mut String, palette: Palette, top: f64, columns: usize, chain: bool) {
    let mut entries: Vec<(String, &str)> = palette
        .looks()
        .map(|&(class, .., label)| {
            let label = match class {
                "msg-record" if palette.queue => "message to a consumer",
                "msg-charge" if palette.saga => "charge call",
                "msg-ship" if palette.saga => "shipping call",
                _ => label,
            };
            (
                format!(r#"<g class="m {class}"><path d="M2,0h24"/></g>"#),
                label,
            )
        })
        .collect();
    let first = if palette.saga {
        "msg-charge"
    } else if palette.events {
        "msg-publish"
    } else {
        "msg-request"
    };
    entries.extend([
        (
            format!(r#"<g class="m {first} duplicate"><path d="M2,-1.6h24M2,1.6h24"/></g>"#),
            "network duplicate",
        ),
        (
            format!(r#"<g class="m {first} lost"><path d="M2,0h20"/></g>"#),
            "lost message",
        ),
    ]);
    // Only HTTP responses and the saga's replies arrive after their receiver stopped waiting.
    if !palette.events {
        let reply = if palette.saga { "msg-charge" } else { "msg-ok" };
        entries.push((
            format!(r#"<g class="m {reply} late"><path d="M2,0h20"/></g>"#),
            "arrived after the timeout",
        ));
    }
    entries.extend(
        palette
            .marks
            .iter()
            .map(|(id, label)| (format!(r##"<use href="#{id}" x="14"/>"##), *label)),
    );
    if chain {
        entries.push((
            r#"<g class="chain"><path d="M2,0h24"/></g>"#.to_string(),
            "causal chain",
        ));
    }
    let _ = write!(
        out,
        r#"<g class="legend"><text class="sub" x="8" y="{}">Legend</text>"#,
        top - 6.0
    );
    for (i, (swatch, label)) in entries.iter().enumerate() {
        let x = 8.0 + (i % columns) as f64 * LEGEND_COLUMN;
        let y = top + (i / columns) as f64 * LEGEND_ROW + 10.0;
        out.push_str(r#"<g transform="translate("#);
        num(out, x);
        out.push(',');
        num(out, y);
        let _ = write!(out, r#")">{swatch}<text x="34" y="4">{label}</text></g>"#);
    }
    out.push_str("</g>");
}

/// How many entries the legend has, to make room for it.
pub(super) fn legend_entries(palette: Palette, chain: bool) -> usize {
    palette.looks.len()
        + 2
        + usize::from(!palette.events)
        + palette.marks.len()
        + usize::from(chain)
}
