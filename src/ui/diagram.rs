//! The space-time diagram: one lane per actor, time left to right, messages as arrows.
//! Only the visible window is drawn; future events are faint until the playhead passes.

use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use crate::sim::oracle::format_time;
use crate::sim::trace::MessageKind;

use super::message_details::MessageDetails;
use super::run_view::RunView;
use super::state::PLAYHEAD_FRACTION;
use super::timeline::{describe_event, Arrow, ArrowEnd, Mark, MarkKind};

const LABEL_WIDTH: f64 = 118.0;
const RIGHT_MARGIN: f64 = 14.0;
const AXIS_HEIGHT: f64 = 26.0;
const MIN_WIDTH: f64 = 420.0;
/// More elements than this in the window are not drawn: zooming in shows them.
const MAX_ELEMENTS: usize = 2_500;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub run: Rc<RunView>,
    pub cursor: usize,
    pub playhead_us: u64,
    pub window_us: u64,
    /// Trace event ids of the selected anomaly's causal chain, sorted.
    pub chain: Rc<Vec<u32>>,
    pub on_seek: Callback<usize>,
}

/// The visible window `[start, start + width]` for a playhead.
pub fn visible_window(playhead_us: u64, window_us: u64, end_us: u64) -> (u64, u64) {
    let width = window_us.max(1);
    let lead = (width as f64 * PLAYHEAD_FRACTION) as u64;
    let latest_start = end_us.saturating_sub(width);
    let start = playhead_us.saturating_sub(lead).min(latest_start);
    (start, start + width)
}

/// Tick spacing of 1, 2 or 5 × 10^k µs giving about `target` ticks.
fn tick_step(width_us: u64, target: u64) -> u64 {
    let rough = (width_us / target.max(1)).max(1);
    let mut magnitude = 1u64;
    while magnitude.saturating_mul(10) <= rough {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= rough)
        .unwrap_or(magnitude * 10)
}

fn lane_height(lanes: usize) -> f64 {
    match lanes {
        0..=12 => 34.0,
        13..=24 => 26.0,
        _ => 20.0,
    }
}

struct Geometry {
    start_us: u64,
    width_us: u64,
    plot_width: f64,
    lane_height: f64,
}

impl Geometry {
    fn x(&self, time_us: u64) -> f64 {
        let offset = time_us as f64 - self.start_us as f64;
        LABEL_WIDTH + offset / self.width_us as f64 * self.plot_width
    }

    fn y(&self, lane: u16) -> f64 {
        AXIS_HEIGHT + (lane as f64 + 0.5) * self.lane_height
    }
}

fn in_chain(chain: &[u32], event: u32) -> bool {
    chain.binary_search(&event).is_ok()
}

fn arrow_class(arrow: &Arrow) -> &'static str {
    match arrow.kind {
        MessageKind::Request | MessageKind::Forward | MessageKind::ReadBack => "msg-request",
        MessageKind::Response if arrow.replayed => "msg-replayed",
        MessageKind::Response if (200..300).contains(&arrow.status) => "msg-ok",
        MessageKind::Response => "msg-error",
        MessageKind::ChargeCall | MessageKind::ChargeReply => "msg-charge",
        MessageKind::EmailCall | MessageKind::EmailReply => "msg-email",
    }
}

fn render_arrow(
    arrow: &Arrow,
    g: &Geometry,
    props: &DiagramProps,
    on_hover: &Callback<Option<Arrow>>,
) -> Html {
    let cursor = props.cursor as u32;
    let (x1, y1) = (g.x(arrow.start_us), g.y(arrow.from_lane));
    let (x2, y2) = (g.x(arrow.end_us), g.y(arrow.to_lane));
    let chain = in_chain(&props.chain, arrow.start_event)
        || arrow.end_event.is_some_and(|e| in_chain(&props.chain, e));
    let future = arrow.start_event >= cursor;
    let arrived = arrow.end_event.is_some_and(|e| e < cursor);
    let lost = matches!(arrow.end, ArrowEnd::Lost(_));
    let class = classes!(
        "arrow",
        arrow_class(arrow),
        arrow.duplicate.then_some("duplicate"),
        lost.then_some("lost"),
        chain.then_some("chain"),
        future.then_some("future"),
    );
    let head = if lost || !arrived && !future {
        None
    } else {
        Some(format!("url(#head-{})", arrow_class(arrow)))
    };
    // A message in flight is drawn up to the playhead, then faint.
    let in_flight_x = (!future && !arrived).then(|| {
        let span = (arrow.end_us - arrow.start_us).max(1) as f64;
        let done = (props.playhead_us.saturating_sub(arrow.start_us) as f64 / span).clamp(0.0, 1.0);
        (x1 + (x2 - x1) * done, y1 + (y2 - y1) * done)
    });
    let hovered = *arrow;
    let enter = {
        let on_hover = on_hover.clone();
        Callback::from(move |_: MouseEvent| on_hover.emit(Some(hovered)))
    };
    let leave = {
        let on_hover = on_hover.clone();
        Callback::from(move |_: MouseEvent| on_hover.emit(None))
    };
    let target = arrow.end_event.unwrap_or(arrow.start_event) as usize + 1;
    let click = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |_: MouseEvent| on_seek.emit(target))
    };
    let status = (arrow.kind == MessageKind::Response
        && !(200..300).contains(&arrow.status)
        && arrow.status > 0)
        .then(|| arrow.status.to_string());
    let line = |class: &'static str, dx: f64, dy: f64, marker: Option<String>| {
        html! {
            <line class={class} x1={format!("{:.1}", x1 + dx)} y1={format!("{:.1}", y1 + dy)}
                x2={format!("{:.1}", x2 + dx)} y2={format!("{:.1}", y2 + dy)} marker-end={marker} />
        }
    };
    html! {
        <g key={arrow.start_event} {class} onmouseenter={enter} onmouseleave={leave} onclick={click}>
            <line class="hit" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
            if let Some((px, py)) = in_flight_x {
                { line("shaft faint", 0.0, 0.0, None) }
                <line class="shaft" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{px:.1}")} y2={format!("{py:.1}")} />
            } else if arrow.duplicate {
                { line("shaft", 0.0, -1.6, head.clone()) }
                { line("shaft", 0.0, 1.6, None) }
            } else {
                { line("shaft", 0.0, 0.0, head) }
            }
            if lost && arrived {
                <path class="lost-x" d={format!("M{:.1},{:.1} l8,8 m0,-8 l-8,8", x2 - 4.0, y2 - 4.0)} />
            }
            if matches!(arrow.end, ArrowEnd::Late) && arrived {
                <circle class="late-end" cx={format!("{x2:.1}")} cy={format!("{y2:.1}")} r="4" />
            }
            if let (Some(status), true) = (status, arrived) {
                <text class="status-label" x={format!("{:.1}", x2 + 5.0)} y={format!("{:.1}", y2 - 5.0)}>{ status }</text>
            }
        </g>
    }
}

/// The shape of a mark, centred on (0, 0).
fn mark_shape(kind: MarkKind) -> Html {
    match kind {
        MarkKind::Crash => html! { <path d="M2,-9 L-5,1 L0,1 L-2,9 L5,-1 L0,-1 Z" /> },
        MarkKind::Restart => html! { <path d="M0,-6 L6,5 L-6,5 Z" /> },
        MarkKind::Timeout | MarkKind::ExternalTimeout => html! {
            <><circle r="5.5" class="ring" /><path class="hand" d="M0,-3.5 L0,0 L2.5,1.5" /></>
        },
        MarkKind::Retry => html! { <path d="M0,-5 L5,0 L0,5 L-5,0 Z" /> },
        MarkKind::OpStart => html! { <rect x="-1.5" y="-7" width="3" height="14" /> },
        MarkKind::OpEnd(_) => html! { <rect x="-4.5" y="-4.5" width="9" height="9" rx="4.5" /> },
        MarkKind::Charge => {
            html! { <><circle r="7" /><text class="glyph" y="0.5">{ "$" }</text></> }
        }
        MarkKind::Deduplicated => {
            html! { <><circle r="6" class="ring" /><path class="hand" d="M-3,-1.5 L3,-1.5 M-3,1.5 L3,1.5" /></> }
        }
        MarkKind::Refund => {
            html! { <><circle r="6" class="ring" /><path class="hand" d="M-3,0 L3,0" /></> }
        }
        MarkKind::EmailSent => {
            html! { <><rect x="-6" y="-4.5" width="12" height="9" /><path class="hand" d="M-6,-4.5 L0,0.5 L6,-4.5" /></> }
        }
        MarkKind::DbWrite | MarkKind::OutboxWrite => {
            html! { <rect x="-3.5" y="-3.5" width="7" height="7" /> }
        }
        MarkKind::CasConflict => html! { <path class="hand" d="M-4,-4 L4,4 M4,-4 L-4,4" /> },
        MarkKind::KeyCheck => html! { <circle r="3.5" class="ring" /> },
        MarkKind::KeySave => html! { <circle r="3.5" /> },
        MarkKind::KeyRelease => html! { <path class="hand" d="M-3,-3 L3,3 M3,-3 L-3,3" /> },
    }
}

fn render_mark(mark: &Mark, g: &Geometry, props: &DiagramProps) -> Html {
    let chain = in_chain(&props.chain, mark.event);
    let future = mark.event >= props.cursor as u32;
    let class = classes!(
        "mark",
        mark.kind.class(),
        chain.then_some("chain"),
        future.then_some("future"),
    );
    let transform = format!("translate({:.1},{:.1})", g.x(mark.time_us), g.y(mark.lane));
    let title = describe_event(&props.run.result, mark.event as usize);
    html! {
        <g key={format!("m{}", mark.event)} {class} {transform}>
            <title>{ title }</title>
            { mark_shape(mark.kind) }
        </g>
    }
}

#[component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let container = use_node_ref();
    let width = use_state(|| 900.0_f64);
    let hovered = use_state(|| None::<Arrow>);
    {
        let container = container.clone();
        let width = width.clone();
        use_effect_with((), move |_| {
            let measure = move || {
                if let Some(element) = container.cast::<web_sys::Element>() {
                    let measured = element.client_width() as f64;
                    if measured > 0.0 {
                        width.set(measured.max(MIN_WIDTH));
                    }
                }
            };
            measure();
            let listener = web_sys::window()
                .map(|window| EventListener::new(&window, "resize", move |_| measure()));
            move || drop(listener)
        });
    }
    let on_hover = {
        let hovered = hovered.clone();
        Callback::from(move |arrow: Option<Arrow>| hovered.set(arrow))
    };

    let run = &props.run;
    let timeline = &run.timeline;
    let (start_us, end_us) = visible_window(props.playhead_us, props.window_us, timeline.end_us);
    let lanes = timeline.lanes.len();
    let lane_height = lane_height(lanes);
    let geometry = Geometry {
        start_us,
        width_us: end_us - start_us,
        plot_width: *width - LABEL_WIDTH - RIGHT_MARGIN,
        lane_height,
    };
    let height = AXIS_HEIGHT + lanes as f64 * lane_height + 6.0;
    let svg_width = *width;

    let arrows: Vec<&Arrow> = timeline
        .arrows_in(start_us, end_us)
        .take(MAX_ELEMENTS)
        .collect();
    let marks = timeline.marks_in(start_us, end_us);
    let shown_marks = &marks[..marks.len().min(MAX_ELEMENTS)];
    let truncated = arrows.len() >= MAX_ELEMENTS || marks.len() > MAX_ELEMENTS;

    let step = tick_step(geometry.width_us, 8);
    let first_tick = start_us.div_ceil(step) * step;
    let ticks: Vec<u64> = (0..)
        .map(|i| first_tick + i * step)
        .take_while(|t| *t <= end_us)
        .collect();
    let playhead_x = geometry.x(props.playhead_us);
    let plot_right = svg_width - RIGHT_MARGIN;

    let summary = format!(
        "Space-time diagram from {} to {}: {} lanes, {} messages and {} events shown; the time cursor is at {}.",
        format_time(start_us),
        format_time(end_us),
        lanes,
        arrows.len(),
        shown_marks.len(),
        format_time(props.playhead_us)
    );
    let current = hovered.as_ref().copied();

    html! {
        <section class="diagram-panel panel" aria-labelledby="diagram-title">
            <h2 id="diagram-title" class="visually-hidden">{ "Space-time diagram" }</h2>
            <div class="diagram-scroll" ref={container}>
                <svg data-testid="diagram" class="diagram" role="img" aria-label={summary}
                    width={format!("{svg_width:.0}")} height={format!("{height:.0}")}
                    viewBox={format!("0 0 {svg_width:.0} {height:.0}")}>
                    <defs>
                        { for ["msg-request", "msg-ok", "msg-error", "msg-replayed", "msg-charge", "msg-email"].iter().map(|class| html! {
                            <marker id={format!("head-{class}")} viewBox="0 0 10 10" refX="9" refY="5"
                                markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path class={classes!("head", *class)} d="M0,0 L10,5 L0,10 Z" />
                            </marker>
                        }) }
                    </defs>
                    <rect class="diagram-bg" x="0" y="0" width={format!("{svg_width:.0}")} height={format!("{height:.0}")} />
                    { for timeline.lanes.iter().enumerate().map(|(i, lane)| {
                        let y = geometry.y(i as u16);
                        html! {
                            <g class={classes!("lane", (i % 2 == 1).then_some("lane-odd"))} key={lane.label.clone()}>
                                <rect class="lane-band" x="0" y={format!("{:.1}", y - lane_height / 2.0)} width={format!("{svg_width:.0}")} height={format!("{lane_height:.1}")} />
                                <line class="lane-line" x1={format!("{LABEL_WIDTH}")} y1={format!("{y:.1}")} x2={format!("{plot_right:.1}")} y2={format!("{y:.1}")} />
                                <text class="lane-label" x="8" y={format!("{:.1}", y + 4.0)}>{ lane.label.clone() }</text>
                            </g>
                        }
                    }) }
                    <g class="axis">
                        { for ticks.iter().map(|&t| {
                            let x = geometry.x(t);
                            html! {
                                <g key={t}>
                                    <line class="tick" x1={format!("{x:.1}")} y1={format!("{}", AXIS_HEIGHT - 4.0)} x2={format!("{x:.1}")} y2={format!("{:.1}", height - 6.0)} />
                                    <text class="tick-label" x={format!("{x:.1}")} y="14">{ format_time(t) }</text>
                                </g>
                            }
                        }) }
                    </g>
                    <rect class="future-shade" x={format!("{:.1}", playhead_x.max(LABEL_WIDTH))} y={format!("{AXIS_HEIGHT}")}
                        width={format!("{:.1}", (plot_right - playhead_x.max(LABEL_WIDTH)).max(0.0))} height={format!("{:.1}", height - AXIS_HEIGHT)} />
                    <g class="arrows">
                        { for arrows.iter().map(|a| render_arrow(a, &geometry, props, &on_hover)) }
                    </g>
                    <g class="marks">
                        { for shown_marks.iter().map(|m| render_mark(m, &geometry, props)) }
                    </g>
                    <line class="playhead" x1={format!("{playhead_x:.1}")} y1="18" x2={format!("{playhead_x:.1}")} y2={format!("{:.1}", height - 2.0)} />
                </svg>
            </div>
            if truncated {
                <p class="diagram-note">{ format!("Showing the first {MAX_ELEMENTS} messages and events of this window: zoom in to see every one.") }</p>
            }
            <MessageDetails run={props.run.clone()} hovered={current} cursor={props.cursor} />
        </section>
    }
}
