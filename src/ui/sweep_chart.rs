//! One chart of a sweep, drawn as SVG with thin axes of our own (a charting crate would
//! cost the bundle far more than these lines): one series per protection set, a line
//! through the means with a marker of its own shape per set, and optionally a band from
//! the lowest to the highest value over the seeds.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::settings::knob;
use super::sweep_settings::format_knob_value;

/// One point of a series: the knob's value, the mean and the spread over the seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartPoint {
    pub x: f64,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChartSeries {
    pub name: &'static str,
    pub points: Vec<ChartPoint>,
}

#[derive(Properties, PartialEq)]
pub struct SweepChartProps {
    pub title: AttrValue,
    pub x_label: AttrValue,
    pub y_label: AttrValue,
    /// What a value means, for each marker's tooltip ("per 1,000 operations").
    pub y_unit: AttrValue,
    /// The swept knob's path, for the values on its axis.
    pub knob: &'static str,
    pub series: Rc<Vec<ChartSeries>>,
    /// Draw the min..max band.
    pub band: bool,
    pub seeds: u32,
    pub test_id: AttrValue,
}

/// A marker of its own shape per series, centred on (0, 0), so sets differ without colour.
pub fn marker_path(series: usize, size: f64) -> String {
    let r = size;
    match series % 4 {
        0 => format!(
            "M{:.1},0A{r:.1},{r:.1} 0 1,0 {:.1},0A{r:.1},{r:.1} 0 1,0 {:.1},0Z",
            -r, r, -r
        ),
        1 => format!(
            "M{:.1},{:.1}h{:.1}v{:.1}h{:.1}Z",
            -r,
            -r,
            2.0 * r,
            2.0 * r,
            -2.0 * r
        ),
        2 => format!(
            "M0,{:.1}L{:.1},{:.1}L{:.1},{:.1}Z",
            -1.2 * r,
            1.1 * r,
            0.8 * r,
            -1.1 * r,
            0.8 * r
        ),
        _ => format!(
            "M0,{:.1}L{:.1},0L0,{:.1}L{:.1},0Z",
            -1.3 * r,
            1.3 * r,
            1.3 * r,
            -1.3 * r
        ),
    }
}

/// Ticks of 1, 2 or 5 × 10^k from 0 covering `max`, about five of them.
fn value_ticks(max: f64) -> Vec<f64> {
    let max = if max > 0.0 { max } else { 1.0 };
    let rough = max / 5.0;
    let mut magnitude = 1.0;
    while magnitude * 10.0 <= rough {
        magnitude *= 10.0;
    }
    while magnitude > rough {
        magnitude /= 10.0;
    }
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(magnitude * 10.0);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// A value as a tick label: no more decimals than the step needs.
fn tick_label(value: f64, step: f64) -> String {
    if step >= 1.0 || value == 0.0 {
        thousands_f(value)
    } else if step >= 0.1 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

fn thousands_f(value: f64) -> String {
    crate::sim::config::thousands(value.round().max(0.0) as u64)
}

/// The values on the knob's axis: every point if there are few, else about six spread
/// evenly over the range.
fn knob_ticks(xs: &[f64]) -> Vec<f64> {
    if xs.len() <= 7 {
        return xs.to_vec();
    }
    let (first, last) = (xs[0], xs[xs.len() - 1]);
    (0..6)
        .map(|i| first + (last - first) * i as f64 / 5.0)
        .collect()
}

/// Measures the chart's box now and when it changes size.
fn observe_width(container: NodeRef, width: UseStateHandle<f64>) -> impl FnOnce() {
    let measure = {
        let container = container.clone();
        move || {
            if let Some(element) = container.cast::<web_sys::Element>() {
                let measured = element.client_width() as f64;
                if measured > 0.0 {
                    width.set(measured);
                }
            }
        }
    };
    measure();
    let on_change = Closure::<dyn FnMut()>::new(measure);
    let observer = container.cast::<web_sys::Element>().and_then(|element| {
        let observer = web_sys::ResizeObserver::new(on_change.as_ref().unchecked_ref()).ok()?;
        observer.observe(&element);
        Some(observer)
    });
    move || {
        if let Some(observer) = observer {
            observer.disconnect();
        }
        drop(on_change);
    }
}

#[component(SweepChart)]
pub fn sweep_chart(props: &SweepChartProps) -> Html {
    let container = use_node_ref();
    let width = use_state_eq(|| 640.0);
    {
        let container = container.clone();
        let width = width.clone();
        use_effect_with((), move |_| observe_width(container, width));
    }
    let width = (*width).max(280.0);
    let font = (width / 52.0).clamp(12.0, 17.0);
    let height = (width * 0.48).clamp(230.0, 400.0);
    let (left, right, top, bottom) = (font * 4.6, font * 1.4, font * 1.0, font * 3.6);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;

    let xs: Vec<f64> = props
        .series
        .first()
        .map(|s| s.points.iter().map(|p| p.x).collect())
        .unwrap_or_default();
    let (x_min, x_max) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let x_span = if x_max > x_min { x_max - x_min } else { 1.0 };
    let x_of = |x: f64| {
        if x_max > x_min {
            left + (x - x_min) / x_span * plot_w
        } else {
            left + plot_w / 2.0
        }
    };
    let top_value = props
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|p| if props.band { p.high } else { p.mean })
        .fold(0.0, f64::max);
    let y_ticks = value_ticks(top_value);
    let y_top = y_ticks.last().copied().unwrap_or(1.0);
    let y_step = y_ticks.get(1).copied().unwrap_or(1.0);
    let y_of = |y: f64| top + plot_h - y / y_top * plot_h;
    let px = |v: f64| format!("{v:.1}");
    let bottom_y = top + plot_h;

    let x_ticks = knob_ticks(&xs);
    let x_text =
        |x: f64| knob(props.knob).map_or_else(|| format!("{x}"), |k| format_knob_value(k, x));
    let described = format!(
        "{}: {} against {}, one series per protection set ({}).",
        props.title,
        props.y_label,
        props.x_label,
        props
            .series
            .iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
            .join(", ")
    );

    html! {
        <figure class="sweep-chart" data-testid={props.test_id.clone()}>
            <figcaption class="sweep-chart-title">{ props.title.clone() }</figcaption>
            <div class="sweep-chart-box" ref={container}>
                <svg role="img" aria-label={described} width={px(width)} height={px(height)}
                    viewBox={format!("0 0 {width:.0} {height:.0}")} font-size={px(font)}>
                    <g class="chart-grid">
                        { for y_ticks.iter().map(|&t| html! {
                            <g key={format!("y{t}")}>
                                <line x1={px(left)} x2={px(left + plot_w)} y1={px(y_of(t))} y2={px(y_of(t))} />
                                <text class="chart-tick y" x={px(left - font * 0.4)} y={px(y_of(t) + font * 0.35)}>{ tick_label(t, y_step) }</text>
                            </g>
                        }) }
                        { for x_ticks.iter().map(|&t| html! {
                            <text key={format!("x{t}")} class="chart-tick x" x={px(x_of(t))} y={px(bottom_y + font * 1.3)}>
                                { x_text(t) }
                            </text>
                        }) }
                    </g>
                    <line class="chart-axis" x1={px(left)} x2={px(left + plot_w)} y1={px(bottom_y)} y2={px(bottom_y)} />
                    <line class="chart-axis" x1={px(left)} x2={px(left)} y1={px(top)} y2={px(bottom_y)} />
                    <text class="chart-axis-label" x={px(left + plot_w / 2.0)} y={px(height - font * 0.5)}>{ props.x_label.clone() }</text>
                    <text class="chart-axis-label" transform={format!("translate({:.1},{:.1}) rotate(-90)", font * 1.0, top + plot_h / 2.0)}>{ props.y_label.clone() }</text>
                    { for props.series.iter().enumerate().map(|(i, series)| {
                        let band = props.band.then(|| {
                            let upper = series.points.iter().map(|p| format!("{:.1},{:.1}", x_of(p.x), y_of(p.high)));
                            let lower = series.points.iter().rev().map(|p| format!("{:.1},{:.1}", x_of(p.x), y_of(p.low)));
                            upper.chain(lower).collect::<Vec<_>>().join(" ")
                        });
                        let line = series.points.iter().map(|p| format!("{:.1},{:.1}", x_of(p.x), y_of(p.mean))).collect::<Vec<_>>().join(" ");
                        html! {
                            <g key={series.name} class={format!("series series-{i}")} data-set={series.name}>
                                if let Some(band) = band {
                                    <polygon class="series-band" points={band} />
                                }
                                <polyline class="series-line" points={line} />
                                { for series.points.iter().map(|p| {
                                    let spread = if props.band {
                                        format!(" (from {} to {} over {} seeds)", tick_label(p.low, 0.01), tick_label(p.high, 0.01), props.seeds)
                                    } else {
                                        String::new()
                                    };
                                    html! {
                                        <path class="series-marker" transform={format!("translate({:.1},{:.1})", x_of(p.x), y_of(p.mean))}
                                            d={marker_path(i, font * 0.32)}>
                                            <title>{ format!("{} at {}: {} {}{}", series.name, x_text(p.x), tick_label(p.mean, 0.01), props.y_unit, spread) }</title>
                                        </path>
                                    }
                                }) }
                            </g>
                        }
                    }) }
                </svg>
            </div>
        </figure>
    }
}
