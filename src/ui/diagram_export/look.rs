//! How the exported diagram looks: colours for a white background, arrowheads, the marks'
//! shapes and the legend. The colours are the light theme's (static/style.css).

use std::fmt::Write;

use crate::sim::config::BrokerMode;
use crate::sim::trace::Outcome;
use crate::ui::timeline::{MarkKind, Timeline};

use super::{num, LEGEND_COLUMN, LEGEND_ROW};

/// Message colours (as the light theme's), dash patterns, arrowhead ids and meanings, by
/// CSS class: the HTTP workloads' first, then the events workload's.
pub(super) const MESSAGE_LOOKS: [Look; 13] = [
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
];
/// The message looks of the HTTP workloads, and of the events workload with a log or a
/// queue (indices into [`MESSAGE_LOOKS`]).
const HTTP_LOOKS: [usize; 6] = [0, 1, 2, 3, 4, 5];
const LOG_LOOKS: [usize; 5] = [6, 7, 8, 9, 12];
const QUEUE_LOOKS: [usize; 6] = [6, 7, 8, 10, 11, 12];
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

/// Each mark's shape, centred on (0, 0), defined once and drawn with `<use>`.
const SHAPES: [(&str, &str); 45] = [
    (
        "rr",
        r##"<rect id="rr" x="-3" y="-3" width="6" height="6" fill="#fff" stroke="#0072b2" stroke-width="1.4"/>"##,
    ),
    (
        "pa",
        r##"<path id="pa" d="M-2.5,-5V5M2.5,-5V5" stroke="#a86f00" stroke-width="2"/>"##,
    ),
    (
        "tb",
        r##"<path id="tb" d="M2,-6H-2V6H2" fill="none" stroke="#56b4e9" stroke-width="1.6"/>"##,
    ),
    (
        "pc",
        r##"<g id="pc"><circle r="5.5" fill="#fff" stroke="#a86f00" stroke-width="1.6"/><path d="M0,-5.5A5.5,5.5 0 0,1 0,5.5Z" fill="#a86f00"/></g>"##,
    ),
    (
        "tc",
        r##"<g id="tc"><rect x="-5" y="-6" width="10" height="12" fill="#007a58"/><path d="M-2.5,0L-0.5,2.5L3,-2.5" fill="none" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    (
        "ta",
        r##"<g id="ta" stroke="#c2185b" stroke-width="1.6"><rect x="-5" y="-6" width="10" height="12" fill="#fff"/><path d="M-3,-3L3,3M3,-3L-3,3"/></g>"##,
    ),
    (
        "fe",
        r##"<g id="fe" stroke="#c2185b" stroke-width="1.6" fill="none"><path d="M-5,-6H5V1L0,6L-5,1Z"/><path d="M-6,5L6,-5"/></g>"##,
    ),
    (
        "cp",
        r##"<rect id="cp" x="-1.5" y="-8" width="3" height="16" fill="#fff" stroke="#0072b2" stroke-width="1.4"/>"##,
    ),
    (
        "cd",
        r##"<rect id="cd" x="-2" y="-8" width="4" height="16" fill="#0072b2"/>"##,
    ),
    (
        "rs",
        r##"<g id="rs" stroke="#6a3d9a" stroke-width="1.6" fill="none"><circle r="5.5"/><path d="M-2,-2.5H-5V-5.5"/></g>"##,
    ),
    ("rv", r##"<circle id="rv" r="3" fill="#56b4e9"/>"##),
    (
        "st",
        r##"<rect id="st" x="-1.5" y="-7" width="3" height="14" fill="#4d535c"/>"##,
    ),
    ("ok", r##"<circle id="ok" r="4.5" fill="#007a58"/>"##),
    ("fa", r##"<circle id="fa" r="4.5" fill="#b34f00"/>"##),
    (
        "un",
        r##"<circle id="un" r="4" fill="#fff" stroke="#8a6100" stroke-width="2"/>"##,
    ),
    (
        "to",
        r##"<g id="to" stroke="#8a6100" stroke-width="1.6"><circle r="5.5" fill="#fff"/><path d="M0,-3.5V0l2.5,1.5" fill="none"/></g>"##,
    ),
    (
        "re",
        r##"<path id="re" d="M0,-5L5,0L0,5L-5,0Z" fill="#0072b2"/>"##,
    ),
    (
        "cr",
        r##"<path id="cr" d="M2,-9L-5,1H0L-2,9L5,-1H0Z" fill="#b34f00"/>"##,
    ),
    (
        "up",
        r##"<path id="up" d="M0,-6L6,5H-6Z" fill="#007a58"/>"##,
    ),
    (
        "kc",
        r##"<circle id="kc" r="3.5" fill="#fff" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    ),
    ("ks", r##"<circle id="ks" r="3.5" fill="#8a3f9e"/>"##),
    (
        "kr",
        r##"<path id="kr" d="M-3,-3L3,3M3,-3L-3,3" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    ),
    (
        "rd",
        r##"<rect id="rd" x="-3" y="-3" width="6" height="6" fill="#fff" stroke="#0072b2" stroke-width="1.4"/>"##,
    ),
    (
        "wr",
        r##"<rect id="wr" x="-3.5" y="-3.5" width="7" height="7" fill="#0072b2"/>"##,
    ),
    (
        "cf",
        r##"<g id="cf" stroke="#b34f00" stroke-width="1.6"><circle r="5" fill="#fff"/><path d="M-3.5,3.5L3.5,-3.5"/></g>"##,
    ),
    (
        "ch",
        r##"<g id="ch"><circle r="7" fill="#a86f00"/><text y="4" fill="#fff" font-size="11" font-weight="800" text-anchor="middle">$</text></g>"##,
    ),
    (
        "dd",
        r##"<g id="dd" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,-1.5H3M-3,1.5H3"/></g>"##,
    ),
    (
        "rf",
        r##"<g id="rf" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,0H3"/></g>"##,
    ),
    (
        "em",
        r##"<g id="em"><rect x="-6" y="-4.5" width="12" height="9" fill="#b8508c"/><path d="M-6,-4.5L0,.5L6,-4.5" fill="none" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    // The events workload's (src/ui/diagram_items.rs draws the same shapes).
    (
        "pi",
        r##"<g id="pi"><path d="M-6,-4H2L6,0L2,4H-6Z" fill="#fff" stroke="#0072b2" stroke-width="1.6"/></g>"##,
    ),
    (
        "ap",
        r##"<g id="ap"><rect x="-5.5" y="-4.5" width="11" height="9" rx="1" fill="#5b4bb7"/><path d="M-2.5,0H2.5M0,-2.5V2.5" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    (
        "rb",
        r##"<path id="rb" d="M5.5,1A5.5,5.5 0 1,1 3,-4.6M-.2,-6.8L3.4,-4.4L1.2,-.8" fill="none" stroke="#8a6100" stroke-width="2"/>"##,
    ),
    (
        "as",
        r##"<g id="as"><path d="M-3.5,7V-7" stroke="#5b4bb7" stroke-width="1.6"/><path d="M-3.5,-7L5,-4L-3.5,-1Z" fill="#5b4bb7"/></g>"##,
    ),
    (
        "rm",
        r##"<g id="rm" stroke="#b34f00" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3.5,0H3.5"/></g>"##,
    ),
    (
        "oc",
        r##"<path id="oc" d="M-4,-6H4V6L0,2.5L-4,6Z" fill="#007a58"/>"##,
    ),
    (
        "ox",
        r##"<g id="ox" stroke="#b34f00" stroke-width="1.6"><path d="M-4,-6H4V6L0,2.5L-4,6Z" fill="#fff"/><path d="M-6,5L6,-5"/></g>"##,
    ),
    (
        "vx",
        r##"<path id="vx" d="M-4.5,-6H4.5L0,0L4.5,6H-4.5L0,0Z" fill="#fff" stroke="#8a6100" stroke-width="1.6"/>"##,
    ),
    (
        "dl",
        r##"<g id="dl" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,0L-1,2.5L3,-2.5" fill="none"/></g>"##,
    ),
    (
        "dx",
        r##"<g id="dx" stroke="#b34f00" stroke-width="1.6"><circle r="5" fill="#fff"/><path d="M-3.5,3.5L3.5,-3.5"/></g>"##,
    ),
    (
        "dq",
        r##"<g id="dq" stroke="#b34f00" stroke-width="1.6"><rect x="-5.5" y="-5.5" width="11" height="11" fill="#fff"/><path d="M-3,-3L3,3M3,-3L-3,3"/></g>"##,
    ),
    (
        "ic",
        r##"<circle id="ic" r="3.5" fill="#fff" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    ),
    (
        "is",
        r##"<g id="is" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,-1.5H3M-3,1.5H3"/></g>"##,
    ),
    ("ir", r##"<circle id="ir" r="3.5" fill="#8a3f9e"/>"##),
    (
        "sh",
        r##"<g id="sh"><rect x="-6" y="-5" width="12" height="10" fill="#a86f00"/><path d="M0,-5V5M-6,-1H6" stroke="#fff" stroke-width="1.6"/></g>"##,
    ),
    (
        "sd",
        r##"<g id="sd" stroke="#007a58" stroke-width="1.6"><rect x="-6" y="-5" width="12" height="10" fill="#fff"/><path d="M-3,-1.5H3M-3,1.5H3"/></g>"##,
    ),
];
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
}

impl Palette {
    pub(super) fn of(timeline: &Timeline) -> Palette {
        if timeline.stream {
            return Palette {
                looks: &[],
                marks: &STREAM_MARK_LABELS,
                events: true,
                queue: false,
            };
        }
        match timeline.messaging {
            None => Palette {
                looks: &HTTP_LOOKS,
                marks: &MARK_LABELS,
                events: false,
                queue: false,
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
                _ => label,
            };
            (
                format!(r#"<g class="m {class}"><path d="M2,0h24"/></g>"#),
                label,
            )
        })
        .collect();
    let first = if palette.events {
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
    // Only HTTP responses arrive after their receiver stopped waiting.
    if !palette.events {
        entries.push((
            r#"<g class="m msg-ok late"><path d="M2,0h20"/></g>"#.to_string(),
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
