//! The space-time diagram: one lane per actor, time left to right, messages as arrows.
//! Only the visible window is drawn; future events are faint until the playhead passes.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::oracle::format_time;

use super::diagram_items::{ArrowView, Hovered, LaneGeometry, MarkView};
use super::message_details::MessageDetails;
use super::run_view::RunView;
use super::state::PLAYHEAD_FRACTION;
use super::timeline::{Arrow, Mark};

const RIGHT_MARGIN: f64 = 14.0;
const BOTTOM_MARGIN: f64 = 6.0;
/// The label column and time axis at the smallest text size.
const BASE_LABEL_WIDTH: f64 = 136.0;
const BASE_AXIS_HEIGHT: f64 = 26.0;
/// Text size of the smallest lanes; it grows with the square root of the lane height.
const BASE_FONT: f64 = 13.0;
const BASE_LANE: f64 = 34.0;
const MAX_FONT: f64 = 30.0;
/// Narrower boxes scroll sideways (phones) rather than squeezing the time axis.
const MIN_WIDTH: f64 = 520.0;
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
    /// The end of the shared time axis when two runs are drawn one above the other (the
    /// later of their ends); the run's own end otherwise.
    #[prop_or_default]
    pub end_us: Option<u64>,
    /// Names the diagram when there are two ("Run A: …"), and makes its ids its own.
    #[prop_or_default]
    pub name: Option<AttrValue>,
    #[prop_or_default]
    pub id: AttrValue,
    /// The time of the first event where two compared runs part, drawn as a line.
    #[prop_or_default]
    pub divergence_us: Option<u64>,
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
pub(super) fn tick_step(width_us: u64, target: u64) -> u64 {
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

/// Lanes never get thinner than this: with many lanes the box scrolls instead.
fn min_lane_height(lanes: usize) -> f64 {
    match lanes {
        0..=12 => 34.0,
        13..=24 => 26.0,
        _ => 20.0,
    }
}

/// The client area of the box the diagram is drawn in, as last measured.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BoxSize {
    width: f64,
    height: f64,
}

/// Sizes that follow the box: the lanes share its height, and text and marks grow with
/// the lanes as far as the width leaves room for the label column.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scale {
    lane_height: f64,
    font: f64,
    label_width: f64,
    axis_height: f64,
}

fn scale_for(lanes: usize, size: BoxSize) -> Scale {
    let share = |axis: f64| {
        ((size.height - axis - BOTTOM_MARGIN) / lanes.max(1) as f64).max(min_lane_height(lanes))
    };
    // The label column is about 11 em ("payment provider"): at most a quarter of the width.
    let font = (BASE_FONT * (share(BASE_AXIS_HEIGHT) / BASE_LANE).sqrt())
        .min(size.width / 44.0)
        .clamp(BASE_FONT, MAX_FONT);
    let axis_height = (font * 2.0).max(BASE_AXIS_HEIGHT).round();
    Scale {
        lane_height: share(axis_height),
        font,
        label_width: (font * 11.0).max(BASE_LABEL_WIDTH).round(),
        axis_height,
    }
}

/// Measures the box now and whenever it changes size (window resize, presentation mode,
/// panels appearing): a ResizeObserver where there is one, else the window's resize event.
fn observe_box(container: NodeRef, size: UseStateHandle<BoxSize>) -> impl FnOnce() {
    let measure = {
        let container = container.clone();
        move || {
            if let Some(element) = container.cast::<web_sys::Element>() {
                let measured = BoxSize {
                    width: element.client_width() as f64,
                    height: element.client_height() as f64,
                };
                // An unchanged size does not re-render (`use_state_eq`).
                if measured.width > 0.0 {
                    size.set(measured);
                }
            }
        }
    };
    measure();
    let on_change = Closure::<dyn FnMut()>::new(measure.clone());
    let observer = container.cast::<web_sys::Element>().and_then(|element| {
        let observer = web_sys::ResizeObserver::new(on_change.as_ref().unchecked_ref()).ok()?;
        observer.observe(&element);
        Some(observer)
    });
    let listener = match observer {
        Some(_) => None,
        None => web_sys::window()
            .map(|window| EventListener::new(&window, "resize", move |_| measure())),
    };
    move || {
        if let Some(observer) = observer {
            observer.disconnect();
        }
        drop((on_change, listener));
    }
}

fn in_chain(chain: &[u32], event: u32) -> bool {
    chain.binary_search(&event).is_ok()
}

/// An arrow with its state at the cursor: not yet sent, travelling, or arrived.
fn arrow_item(
    arrow: &Arrow,
    cursor: u32,
    props: &DiagramProps,
    geometry: LaneGeometry,
    on_hover: &Callback<Option<Hovered>>,
) -> Html {
    let future = arrow.start_event >= cursor;
    let arrived = arrow.end_event.is_some_and(|e| e < cursor);
    let chain = in_chain(&props.chain, arrow.start_event)
        || arrow.end_event.is_some_and(|e| in_chain(&props.chain, e));
    let in_flight_at = (!future && !arrived).then_some(props.playhead_us);
    let last = cursor.checked_sub(1);
    let current = last.is_some_and(|e| e == arrow.start_event || arrow.end_event == Some(e));
    html! {
        <ArrowView arrow={*arrow} {geometry} {future} {in_flight_at} {chain} {current}
            on_hover={on_hover.clone()} on_seek={props.on_seek.clone()} />
    }
}

fn mark_item(
    mark: &Mark,
    cursor: u32,
    props: &DiagramProps,
    geometry: LaneGeometry,
    on_hover: &Callback<Option<Hovered>>,
) -> Html {
    let future = mark.event >= cursor;
    let chain = in_chain(&props.chain, mark.event);
    let current = cursor.checked_sub(1) == Some(mark.event);
    html! { <MarkView mark={*mark} {geometry} {future} {chain} {current} on_hover={on_hover.clone()} /> }
}

#[component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let container = use_node_ref();
    let size = use_state_eq(|| BoxSize {
        width: 900.0,
        height: 0.0,
    });
    let hovered = use_state(|| None::<Hovered>);
    {
        let container = container.clone();
        let size = size.clone();
        use_effect_with((), move |_| observe_box(container, size));
    }
    let on_hover = {
        let hovered = hovered.setter();
        use_callback((), move |item: Option<Hovered>, _| hovered.set(item))
    };

    let run = &props.run;
    let timeline = &run.timeline;
    let cursor = props.cursor as u32;
    let axis_end = props.end_us.unwrap_or(timeline.end_us);
    let (start_us, end_us) = visible_window(props.playhead_us, props.window_us, axis_end);
    let lanes = timeline.lanes.len();
    let svg_width = size.width.max(MIN_WIDTH);
    let scale = scale_for(
        lanes,
        BoxSize {
            width: svg_width,
            height: size.height,
        },
    );
    let label_width = scale.label_width;
    let plot_width = svg_width - label_width - RIGHT_MARGIN;
    let width_us = end_us - start_us;
    let geometry = LaneGeometry {
        top: scale.axis_height,
        lane_height: scale.lane_height,
        scale: plot_width / width_us.max(1) as f64,
        mark_scale: scale.font / BASE_FONT,
    };
    // Items are drawn at absolute positions; this shift scrolls them into the plot.
    let shift = label_width - geometry.x(start_us);
    let screen_x = |time_us: u64| geometry.x(time_us) + shift;
    // Rounded down, so a diagram that fits its box never makes it scroll by a pixel.
    let height = (scale.axis_height + lanes as f64 * scale.lane_height + BOTTOM_MARGIN).floor();

    let arrows: Vec<&Arrow> = timeline
        .arrows_in(start_us, end_us)
        .take(MAX_ELEMENTS)
        .collect();
    let marks = timeline.marks_in(start_us, end_us);
    let shown_marks = &marks[..marks.len().min(MAX_ELEMENTS)];
    let truncated = arrows.len() >= MAX_ELEMENTS || marks.len() > MAX_ELEMENTS;

    let step = tick_step(width_us, 8);
    let first_tick = start_us.div_ceil(step) * step;
    let ticks: Vec<u64> = (0..)
        .map(|i| first_tick + i * step)
        .take_while(|t| *t <= end_us)
        .collect();
    let playhead_x = screen_x(props.playhead_us);
    let plot_right = svg_width - RIGHT_MARGIN;
    let axis = scale.axis_height;
    let shade_x = playhead_x.max(label_width);

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
    let px = |value: f64| format!("{value:.1}");

    let title_id = format!("diagram-title{}", props.id);
    let clip_id = format!("plot-clip{}", props.id);
    // Text sizes in the stylesheet are in em of the SVG's font-size, set here from the lanes.
    html! {
        <section class="diagram-panel panel" aria-labelledby={title_id.clone()}>
            <h2 id={title_id} class={classes!(props.name.is_none().then_some("visually-hidden"), "diagram-name")}>
                { props.name.clone().unwrap_or_else(|| AttrValue::from("Space-time diagram")) }
            </h2>
            <div class="diagram-scroll" ref={container} tabindex="0" role="region"
                aria-label="Diagram: use ← and → to step through events, n for the next anomaly">
                <svg data-testid="diagram" class="diagram" role="img" aria-label={summary}
                    width={format!("{svg_width:.0}")} height={format!("{height:.0}")}
                    viewBox={format!("0 0 {svg_width:.0} {height:.0}")} font-size={px(scale.font)}>
                    <defs>
                        <clipPath id={clip_id.clone()}>
                            <rect x={px(label_width)} y="0" width={px(plot_width.max(0.0))} height={format!("{height:.0}")} />
                        </clipPath>
                    </defs>
                    <rect class="diagram-bg" x="0" y="0" width={format!("{svg_width:.0}")} height={format!("{height:.0}")} />
                    { for timeline.lanes.iter().enumerate().map(|(i, lane)| {
                        let y = geometry.y(i as u16);
                        html! {
                            <g class={classes!("lane", (i % 2 == 1).then_some("lane-odd"))} key={lane.label.clone()}>
                                <rect class="lane-band" x="0" y={px(y - scale.lane_height / 2.0)} width={format!("{svg_width:.0}")} height={px(scale.lane_height)} />
                                <line class="lane-line" x1={px(label_width)} y1={px(y)} x2={px(plot_right)} y2={px(y)} />
                                <text class="lane-label" x="8" y={px(y + scale.font * 0.35)}>{ lane.label.clone() }</text>
                            </g>
                        }
                    }) }
                    <g class="axis">
                        { for ticks.iter().map(|&t| {
                            let x = screen_x(t);
                            html! {
                                <g key={t}>
                                    <line class="tick" x1={px(x)} y1={px(axis - 4.0)} x2={px(x)} y2={px(height - BOTTOM_MARGIN)} />
                                    <text class="tick-label" x={px(x)} y={px(axis * 0.55)}>{ format_time(t) }</text>
                                </g>
                            }
                        }) }
                    </g>
                    <rect class="future-shade" x={px(shade_x)} y={px(axis)}
                        width={px((plot_right - shade_x).max(0.0))} height={px(height - axis)} />
                    <g class="plot" clip-path={format!("url(#{clip_id})")}>
                        <g transform={format!("translate({shift:.1},0)")}>
                            <g class="arrows">
                                { for arrows.iter().map(|arrow| arrow_item(arrow, cursor, props, geometry, &on_hover)) }
                            </g>
                            <g class="marks">
                                { for shown_marks.iter().map(|mark| mark_item(mark, cursor, props, geometry, &on_hover)) }
                            </g>
                        </g>
                    </g>
                    if let Some(x) = props.divergence_us.filter(|t| (start_us..=end_us).contains(t)).map(screen_x) {
                        <g class="divergence" data-testid="divergence">
                            <line x1={px(x)} y1={px(axis)} x2={px(x)} y2={px(height - 2.0)} />
                            <text x={px(x + 4.0)} y={px(axis + scale.font)}>{ "runs part" }</text>
                        </g>
                    }
                    <line class="playhead" x1={px(playhead_x)} y1={px(axis * 0.7)} x2={px(playhead_x)} y2={px(height - 2.0)} />
                </svg>
            </div>
            if truncated {
                <p class="diagram-note">{ format!("Showing the first {MAX_ELEMENTS} messages and events of this window: zoom in to see every one.") }</p>
            }
            <MessageDetails run={props.run.clone()} hovered={current} cursor={props.cursor} />
        </section>
    }
}
