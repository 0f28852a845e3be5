//! The diagram as a standalone SVG document, written as a string straight from the run's
//! model: the whole run or a range, every event drawn as if the playhead were past it, with
//! a title, the trace hash, the range and a legend. No DOM here, so tests can read the text.
//!
//! Small on purpose: one `<style>` with fixed colours for a white background; arrows grouped
//! by look, so a `<g>` carries the class and the arrowhead (a marker) and each arrow is one
//! short `<path>`; marks are `<use>` of shapes defined once, grouped by lane.

use std::fmt::Write;

use crate::sim::oracle::format_time;
use crate::sim::trace::MessageKind;

use super::diagram::tick_step;
use super::diagram_items::arrow_class;
use super::timeline::{Arrow, ArrowEnd, Mark, Timeline};

mod look;
mod range;
mod shapes;

use look::{
    definitions, legend, legend_entries, shape_id, style, Palette, END_CLASSES, MESSAGE_LOOKS,
};
pub use range::parse_range;

/// More messages and events than this make an unreadable image and a slow file.
pub const MAX_ELEMENTS: usize = 50_000;
/// The widest image; a long run is squeezed to fit.
pub const MAX_WIDTH: f64 = 16_000.0;
/// Canvas limits that every current browser accepts.
const MAX_CANVAS_SIDE: f64 = 16_384.0;
const MAX_CANVAS_PIXELS: f64 = 100e6;
/// Horizontal scale of a short range: a little roomier than the screen's default window.
const PX_PER_MS: f64 = 1.0;
const MIN_PLOT_WIDTH: f64 = 900.0;
/// Lane labels get about this much room per character (bold 13 px), within bounds.
const LABEL_CHAR_WIDTH: f64 = 8.2;
const LABEL_WIDTH: (f64, f64) = (96.0, 260.0);
const RIGHT_MARGIN: f64 = 24.0;
const HEADER_HEIGHT: f64 = 56.0;
const AXIS_HEIGHT: f64 = 26.0;
const LEGEND_COLUMN: f64 = 190.0;
const LEGEND_ROW: f64 = 22.0;

/// What to export, and the words that say what it is.
pub struct ExportSpec<'a> {
    /// What ran: preset or workload, and seed.
    pub title: &'a str,
    pub trace_hash: &'a str,
    pub from_us: u64,
    pub to_us: u64,
    /// Trace event ids of the selected anomaly's causal chain, sorted; empty for none.
    pub chain: &'a [u32],
    /// A sentence under the legend (the selected anomaly's explanation); empty for none.
    pub caption: &'a str,
}

/// Characters per caption line: about the width of the narrowest image.
const CAPTION_CHARS: usize = 110;
const CAPTION_LINE: f64 = 18.0;

/// `text` broken at spaces into lines of at most [`CAPTION_CHARS`] characters.
fn caption_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= CAPTION_CHARS => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

pub struct ExportedDiagram {
    pub svg: String,
    pub width: u32,
    pub height: u32,
    pub messages: usize,
    pub events: usize,
}

/// Appends `value` with at most one decimal: "12", "12.5", "-3".
fn num(out: &mut String, value: f64) {
    let tenths = (value * 10.0).round() as i64;
    let magnitude = tenths.unsigned_abs();
    if tenths < 0 {
        out.push('-');
    }
    let _ = write!(out, "{}", magnitude / 10);
    if magnitude % 10 != 0 {
        let _ = write!(out, ".{}", magnitude % 10);
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Where things go: the range mapped onto the plot, lanes stacked below the axis.
struct Frame {
    /// Where the plot starts, right of the lane labels.
    left: f64,
    from_us: u64,
    /// Pixels per microsecond.
    scale: f64,
    top: f64,
    lane_height: f64,
}

impl Frame {
    fn x(&self, time_us: u64) -> f64 {
        self.left + (time_us as f64 - self.from_us as f64) * self.scale
    }

    fn y(&self, lane: u16) -> f64 {
        self.top + (lane as f64 + 0.5) * self.lane_height
    }
}

fn lane_height(lanes: usize) -> f64 {
    match lanes {
        0..=12 => 34.0,
        13..=24 => 26.0,
        _ => 20.0,
    }
}

fn in_chain(chain: &[u32], event: u32) -> bool {
    chain.binary_search(&event).is_ok()
}

fn look_index(arrow: &Arrow) -> usize {
    let class = arrow_class(arrow);
    MESSAGE_LOOKS
        .iter()
        .position(|(c, ..)| *c == class)
        .unwrap_or(0)
}

fn end_index(end: ArrowEnd) -> usize {
    match end {
        ArrowEnd::Delivered => 0,
        ArrowEnd::Lost(_) => 1,
        ArrowEnd::Late => 2,
        ArrowEnd::InFlight => 3,
    }
}

/// One arrow's path data: a straight line, two for a network duplicate.
fn arrow_path(out: &mut String, frame: &Frame, arrow: &Arrow) {
    let (x1, y1) = (frame.x(arrow.start_us), frame.y(arrow.from_lane));
    let (dx, dy) = (frame.x(arrow.end_us) - x1, frame.y(arrow.to_lane) - y1);
    let offsets: &[f64] = if arrow.duplicate {
        &[-1.6, 1.6]
    } else {
        &[0.0]
    };
    for offset in offsets {
        out.push('M');
        num(out, x1);
        out.push(',');
        num(out, y1 + offset);
        out.push('l');
        num(out, dx);
        out.push(',');
        num(out, dy);
    }
}

/// 12345 → "12,345".
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The range holds too much for one image: say so, and suggest a range that fits.
fn too_many(elements: usize, spec: &ExportSpec) -> String {
    let span = spec.to_us - spec.from_us;
    // A little under the cap, as the items are not spread evenly.
    let fits = (span as f64 * MAX_ELEMENTS as f64 / elements as f64 * 0.9) as u64;
    format!(
        "This range holds {} messages and events; one image can show at most {}. \
         Choose a narrower range: about {} or less.",
        grouped(elements),
        grouped(MAX_ELEMENTS),
        format_time(fits.max(1000))
    )
}

/// The diagram of `[spec.from_us, spec.to_us]` as an SVG document.
pub fn export_svg(timeline: &Timeline, spec: &ExportSpec) -> Result<ExportedDiagram, String> {
    if spec.from_us >= spec.to_us && timeline.end_us > 0 {
        return Err("The range is empty: its start must be before its end.".into());
    }
    let arrows: Vec<&Arrow> = timeline.arrows_in(spec.from_us, spec.to_us).collect();
    let marks = timeline.marks_in(spec.from_us, spec.to_us);
    let elements = arrows.len() + marks.len();
    if elements > MAX_ELEMENTS {
        return Err(too_many(elements, spec));
    }

    let longest_label = timeline.lanes.iter().map(|l| l.label.chars().count());
    let left = (16.0 + LABEL_CHAR_WIDTH * longest_label.max().unwrap_or(0) as f64)
        .clamp(LABEL_WIDTH.0, LABEL_WIDTH.1);
    let span_us = (spec.to_us - spec.from_us).max(1);
    let plot_width = (span_us as f64 / 1000.0 * PX_PER_MS)
        .clamp(MIN_PLOT_WIDTH, MAX_WIDTH - left - RIGHT_MARGIN);
    let width = (left + plot_width + RIGHT_MARGIN).round();
    let lanes = timeline.lanes.len();
    let frame = Frame {
        left,
        from_us: spec.from_us,
        scale: plot_width / span_us as f64,
        top: HEADER_HEIGHT + AXIS_HEIGHT,
        lane_height: lane_height(lanes),
    };
    let lanes_bottom = frame.top + lanes as f64 * frame.lane_height;
    let columns = ((width - 16.0) / LEGEND_COLUMN).floor().max(1.0) as usize;
    let palette = Palette::of(timeline);
    let legend_top = lanes_bottom + 24.0;
    let caption = caption_lines(spec.caption);
    let caption_top = legend_top
        + legend_entries(palette, !spec.chain.is_empty()).div_ceil(columns) as f64 * LEGEND_ROW
        + 8.0;
    let height = (caption_top
        + caption.len() as f64 * CAPTION_LINE
        + 8.0 * (!caption.is_empty()) as u8 as f64)
        .round();

    let mut out = String::with_capacity(4_096 + elements * 40);
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#
    );
    let title = escape(spec.title);
    let range = format!(
        "{} to {} of a {} run",
        format_time(spec.from_us),
        format_time(spec.to_us),
        format_time(timeline.end_us)
    );
    let _ = write!(
        out,
        "<title>Idempotency Lab: {title}</title><style>{}</style>",
        style(palette)
    );
    let plot_top = HEADER_HEIGHT + AXIS_HEIGHT - 4.0;
    let mut drawn: Vec<&str> = marks.iter().map(|m| shape_id(m.kind)).collect();
    drawn.sort_unstable();
    drawn.dedup();
    definitions(
        &mut out,
        palette,
        &drawn,
        (
            left - 8.0,
            plot_top,
            plot_width + 16.0,
            lanes_bottom - plot_top,
        ),
    );
    let _ = write!(
        out,
        r##"<rect width="100%" height="100%" fill="#fff"/><text class="title" x="8" y="22">Idempotency Lab · {title}</text><text class="sub" x="8" y="42" data-trace-hash="{hash}">Trace hash {hash} · {range} · {} messages, {} events{}</text>"##,
        arrows.len(),
        marks.len(),
        if spec.chain.is_empty() {
            ""
        } else {
            " · the selected anomaly's causal chain is highlighted"
        },
        hash = escape(spec.trace_hash),
    );
    lanes_and_axis(&mut out, timeline, &frame, spec, plot_width);

    out.push_str(r#"<g clip-path="url(#plot)"><g class="chain">"#);
    for arrow in arrows.iter().filter(|a| {
        in_chain(spec.chain, a.start_event) || a.end_event.is_some_and(|e| in_chain(spec.chain, e))
    }) {
        out.push_str(r#"<path d=""#);
        arrow_path(&mut out, &frame, arrow);
        out.push_str(r#""/>"#);
    }
    for mark in marks.iter().filter(|m| in_chain(spec.chain, m.event)) {
        out.push_str(r#"<circle r="10" cx=""#);
        num(&mut out, frame.x(mark.time_us));
        out.push_str(r#"" cy=""#);
        num(&mut out, frame.y(mark.lane));
        out.push_str(r#""/>"#);
    }
    out.push_str("</g>");
    arrow_groups(&mut out, &frame, &arrows);
    mark_groups(&mut out, &frame, marks, lanes);
    out.push_str("</g>");
    legend(
        &mut out,
        palette,
        legend_top,
        columns,
        !spec.chain.is_empty(),
    );
    for (i, line) in caption.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text class="sub caption" x="8" y="{}">{}</text>"#,
            (caption_top + 14.0 + i as f64 * CAPTION_LINE).round(),
            escape(line)
        );
    }
    out.push_str("</svg>\n");
    Ok(ExportedDiagram {
        svg: out,
        width: width as u32,
        height: height as u32,
        messages: arrows.len(),
        events: marks.len(),
    })
}

fn lanes_and_axis(
    out: &mut String,
    timeline: &Timeline,
    frame: &Frame,
    spec: &ExportSpec,
    plot_width: f64,
) {
    let right = frame.left + plot_width;
    out.push_str(r#"<g class="bands">"#);
    for lane in (1..timeline.lanes.len()).step_by(2) {
        out.push_str(r#"<rect x="0" width="100%" y=""#);
        num(out, frame.y(lane as u16) - frame.lane_height / 2.0);
        out.push_str(r#"" height=""#);
        num(out, frame.lane_height);
        out.push_str(r#""/>"#);
    }
    out.push_str(r#"</g><path class="lane-lines" d=""#);
    for lane in 0..timeline.lanes.len() {
        out.push('M');
        num(out, frame.left);
        out.push(',');
        num(out, frame.y(lane as u16));
        out.push('H');
        num(out, right);
    }
    out.push_str(r#""/><g class="lane-label">"#);
    for (i, lane) in timeline.lanes.iter().enumerate() {
        out.push_str(r#"<text x="8" y=""#);
        num(out, frame.y(i as u16) + 4.0);
        let _ = write!(out, r#"">{}</text>"#, escape(&lane.label));
    }
    let width_us = spec.to_us.saturating_sub(spec.from_us).max(1);
    let step = tick_step(width_us, (plot_width / 110.0) as u64);
    let first = spec.from_us.div_ceil(step) * step;
    let ticks: Vec<u64> = (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= spec.to_us)
        .collect();
    let axis_y = HEADER_HEIGHT + 14.0;
    out.push_str(r#"</g><path class="ticks" d=""#);
    for &t in &ticks {
        out.push('M');
        num(out, frame.x(t));
        out.push(',');
        num(out, axis_y + 8.0);
        out.push('V');
        num(
            out,
            frame.top + timeline.lanes.len() as f64 * frame.lane_height,
        );
    }
    out.push_str(r#""/><g class="tick-label">"#);
    for &t in &ticks {
        out.push_str(r#"<text x=""#);
        num(out, frame.x(t));
        let _ = write!(out, r#"" y="{axis_y}">{}</text>"#, format_time(t));
    }
    out.push_str("</g>");
}

/// Arrows grouped by colour, end and duplication, then the error statuses they carry.
fn arrow_groups(out: &mut String, frame: &Frame, arrows: &[&Arrow]) {
    let mut groups: Vec<String> = vec![String::new(); MESSAGE_LOOKS.len() * END_CLASSES.len() * 2];
    let mut statuses = String::new();
    for arrow in arrows {
        let group = (look_index(arrow) * END_CLASSES.len() + end_index(arrow.end)) * 2
            + usize::from(arrow.duplicate);
        let path = &mut groups[group];
        path.push_str(r#"<path d=""#);
        arrow_path(path, frame, arrow);
        path.push_str(r#""/>"#);
        let arrived = matches!(arrow.end, ArrowEnd::Delivered | ArrowEnd::Late);
        let error = arrow.kind == MessageKind::Response
            && arrow.status > 0
            && !(200..300).contains(&arrow.status);
        if arrived && error {
            statuses.push_str(r#"<text x=""#);
            num(&mut statuses, frame.x(arrow.end_us) + 5.0);
            statuses.push_str(r#"" y=""#);
            num(&mut statuses, frame.y(arrow.to_lane) - 5.0);
            let _ = write!(statuses, r#"">{}</text>"#, arrow.status);
        }
    }
    out.push_str(r#"<g class="arrows">"#);
    for (i, paths) in groups.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        let look = MESSAGE_LOOKS[i / 2 / END_CLASSES.len()].0;
        let end = END_CLASSES[i / 2 % END_CLASSES.len()];
        let duplicate = if i % 2 == 1 { " duplicate" } else { "" };
        let _ = write!(out, r#"<g class="m {look}{end}{duplicate}">{paths}</g>"#);
    }
    let _ = write!(out, r#"</g><g class="status">{statuses}</g>"#);
}

/// Marks grouped by lane, so each `<use>` needs only its x.
fn mark_groups(out: &mut String, frame: &Frame, marks: &[Mark], lanes: usize) {
    let mut by_lane: Vec<String> = vec![String::new(); lanes];
    for mark in marks {
        let Some(lane) = by_lane.get_mut(mark.lane as usize) else {
            continue;
        };
        let _ = write!(lane, r##"<use href="#{}" x=""##, shape_id(mark.kind));
        num(lane, frame.x(mark.time_us));
        lane.push_str(r#""/>"#);
    }
    out.push_str(r#"<g class="marks">"#);
    for (i, uses) in by_lane.iter().enumerate().filter(|(_, u)| !u.is_empty()) {
        out.push_str(r#"<g transform="translate(0,"#);
        num(out, frame.y(i as u16));
        let _ = write!(out, r#")">{uses}</g>"#);
    }
    out.push_str("</g>");
}

/// The largest scale (at most 2×) at which the image fits a canvas every browser draws.
pub fn png_scale(width: u32, height: u32) -> f64 {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    2.0_f64
        .min(MAX_CANVAS_SIDE / w)
        .min(MAX_CANVAS_SIDE / h)
        .min((MAX_CANVAS_PIXELS / (w * h)).sqrt())
}
