//! How the exported diagram looks: colours for a white background, arrowheads, the marks'
//! shapes and the legend. The colours are the light theme's (static/style.css).

use std::fmt::Write;

use crate::sim::trace::Outcome;
use crate::ui::timeline::MarkKind;

use super::{num, LEGEND_COLUMN, LEGEND_ROW};

/// Message colours (as the light theme's), dash patterns and arrowhead ids, by CSS class.
pub(super) const MESSAGE_LOOKS: [(&str, &str, &str, &str); 6] = [
    ("msg-request", "#0072b2", "", "h0"),
    ("msg-ok", "#007a58", "", "h1"),
    ("msg-error", "#c24f00", "7 3", "h2"),
    ("msg-replayed", "#8a3f9e", "2 2", "h3"),
    ("msg-charge", "#a86f00", "9 2 2 2", "h4"),
    ("msg-email", "#b8508c", "4 2", "h5"),
];
const MESSAGE_LABELS: [&str; 6] = [
    "request",
    "2xx response",
    "error response",
    "replayed response",
    "provider call",
    "email call",
];
/// Light orange behind the selected anomaly's causal chain (no transparency, so viewers agree).
pub(super) const CHAIN_COLOUR: &str = "#f6c6a0";

/// How an arrow ends, as a class that picks the marker at its end.
pub(super) const END_CLASSES: [&str; 4] = ["", " lost", " late", " in-flight"];

/// Each mark's shape, centred on (0, 0), defined once and drawn with `<use>`.
const SHAPES: [&str; 18] = [
    r##"<rect id="st" x="-1.5" y="-7" width="3" height="14" fill="#4d535c"/>"##,
    r##"<circle id="ok" r="4.5" fill="#007a58"/>"##,
    r##"<circle id="fa" r="4.5" fill="#b34f00"/>"##,
    r##"<circle id="un" r="4" fill="#fff" stroke="#8a6100" stroke-width="2"/>"##,
    r##"<g id="to" stroke="#8a6100" stroke-width="1.6"><circle r="5.5" fill="#fff"/><path d="M0,-3.5V0l2.5,1.5" fill="none"/></g>"##,
    r##"<path id="re" d="M0,-5L5,0L0,5L-5,0Z" fill="#0072b2"/>"##,
    r##"<path id="cr" d="M2,-9L-5,1H0L-2,9L5,-1H0Z" fill="#b34f00"/>"##,
    r##"<path id="up" d="M0,-6L6,5H-6Z" fill="#007a58"/>"##,
    r##"<circle id="kc" r="3.5" fill="#fff" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    r##"<circle id="ks" r="3.5" fill="#8a3f9e"/>"##,
    r##"<path id="kr" d="M-3,-3L3,3M3,-3L-3,3" stroke="#8a3f9e" stroke-width="1.6"/>"##,
    r##"<rect id="rd" x="-3" y="-3" width="6" height="6" fill="#fff" stroke="#0072b2" stroke-width="1.4"/>"##,
    r##"<rect id="wr" x="-3.5" y="-3.5" width="7" height="7" fill="#0072b2"/>"##,
    r##"<g id="cf" stroke="#b34f00" stroke-width="1.6"><circle r="5" fill="#fff"/><path d="M-3.5,3.5L3.5,-3.5"/></g>"##,
    r##"<g id="ch"><circle r="7" fill="#a86f00"/><text y="4" fill="#fff" font-size="11" font-weight="800" text-anchor="middle">$</text></g>"##,
    r##"<g id="dd" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,-1.5H3M-3,1.5H3"/></g>"##,
    r##"<g id="rf" stroke="#007a58" stroke-width="1.6"><circle r="6" fill="#fff"/><path d="M-3,0H3"/></g>"##,
    r##"<g id="em"><rect x="-6" y="-4.5" width="12" height="9" fill="#b8508c"/><path d="M-6,-4.5L0,.5L6,-4.5" fill="none" stroke="#fff" stroke-width="1.6"/></g>"##,
];
/// The legend's marks: shape id and meaning.
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
    }
}

pub(super) fn style() -> String {
    let mut css = String::from(
        "svg{font:12px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:#1b1d21}\
         .title{font-size:16px;font-weight:700}.sub{fill:#4d535c}\
         .lane-label{font-size:13px;font-weight:600}.bands{fill:#f6f6f6}\
         .lane-lines{stroke:#c9ced6}.ticks{stroke:#c9ced6;stroke-dasharray:2 4}\
         .tick-label{font-size:11px;fill:#4d535c;text-anchor:middle}\
         .m{fill:none;stroke-width:1.6;stroke-linejoin:round}",
    );
    for (class, colour, dash, head) in MESSAGE_LOOKS {
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
pub(super) fn definitions(out: &mut String, plot: (f64, f64, f64, f64)) {
    out.push_str("<defs>");
    const MARKER: &str = r#"markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" refX="5" refY="5" overflow="visible""#;
    for (_, colour, _, head) in MESSAGE_LOOKS {
        let _ = write!(
            out,
            r#"<marker id="{head}" {MARKER} orient="auto"><path d="M-2,1.5L5,5L-2,8.5" fill="none" stroke="{colour}" stroke-width="1.6"/></marker>"#
        );
    }
    let _ = write!(
        out,
        r##"<marker id="lost" {MARKER}><path d="M1,1l8,8m0,-8l-8,8" stroke="#b34f00" stroke-width="2.4" stroke-linecap="round"/></marker><marker id="late" {MARKER}><circle cx="5" cy="5" r="4" fill="#fff" stroke="#8a6100" stroke-width="2"/></marker>"##
    );
    for shape in SHAPES {
        out.push_str(shape);
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
pub(super) fn legend(out: &mut String, top: f64, columns: usize, chain: bool) {
    let mut entries: Vec<(String, &str)> = MESSAGE_LOOKS
        .iter()
        .zip(MESSAGE_LABELS)
        .map(|((class, ..), label)| {
            (
                format!(r#"<g class="m {class}"><path d="M2,0h24"/></g>"#),
                label,
            )
        })
        .collect();
    entries.extend([
        (
            r#"<g class="m msg-request duplicate"><path d="M2,-1.6h24M2,1.6h24"/></g>"#.to_string(),
            "network duplicate",
        ),
        (
            r#"<g class="m msg-request lost"><path d="M2,0h20"/></g>"#.to_string(),
            "lost message",
        ),
        (
            r#"<g class="m msg-ok late"><path d="M2,0h20"/></g>"#.to_string(),
            "arrived after the timeout",
        ),
    ]);
    entries.extend(
        MARK_LABELS
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
pub(super) fn legend_entries(chain: bool) -> usize {
    MESSAGE_LOOKS.len() + 3 + MARK_LABELS.len() + usize::from(chain)
}
