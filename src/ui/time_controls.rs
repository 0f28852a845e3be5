//! Play, pause, step, scrub, speed, zoom and "next anomaly".

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::sim::config::thousands;

use crate::sim::units::format_readout;

use super::controlled::use_controlled_value;
use super::state::{Action, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct TimeControlsProps {
    pub playing: bool,
    pub cursor: usize,
    pub event_count: usize,
    pub playhead_us: u64,
    pub end_us: u64,
    pub speed: f64,
    pub window_us: u64,
    pub has_anomalies: bool,
    pub on_action: Callback<Action>,
}

fn speed_label(speed: f64) -> String {
    format!("{speed}×")
}

/// Where playback stands. The run's end is the simulated clock's last tick, which can come
/// after the last recorded event (a timer that changed nothing), so at the end the readout
/// says so plainly rather than "3.81 s / 4.00 s".
fn position_text(cursor: usize, event_count: usize, playhead_us: u64, end_us: u64) -> String {
    if event_count > 0 && cursor >= event_count {
        format!(
            "End of run · {} · event {} of {}",
            format_readout(end_us),
            thousands(event_count as u64),
            thousands(event_count as u64)
        )
    } else {
        format!(
            "t={} of {} · event {} of {}",
            format_readout(playhead_us),
            format_readout(end_us),
            thousands(cursor as u64),
            thousands(event_count as u64)
        )
    }
}

#[component(TimeControls)]
pub fn time_controls(props: &TimeControlsProps) -> Html {
    let speed_ref = use_controlled_value(AttrValue::from(props.speed.to_string()));
    let scrubber_ref = use_controlled_value(AttrValue::from(props.cursor.to_string()));
    let act = |action: fn() -> Action| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action()))
    };
    // The button does what its label says: a click on "Pause" that lands just after the run
    // ended must not start it again from the beginning.
    let play_or_pause = if props.playing {
        act(|| Action::Pause)
    } else {
        act(|| Action::TogglePlay)
    };
    let on_scrub = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(cursor) = input.value().parse::<usize>() {
                on_action.emit(Action::Seek(cursor));
            }
        })
    };
    let on_speed = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            // The option's value is one of SPEEDS written out (no float parser in the bundle).
            let value = select.value();
            if let Some(&speed) = SPEEDS.iter().find(|s| s.to_string() == value) {
                on_action.emit(Action::SetSpeed(speed));
            }
        })
    };
    let position = position_text(
        props.cursor,
        props.event_count,
        props.playhead_us,
        props.end_us,
    );
    html! {
        <div class="time-controls panel" role="group" aria-label="Time controls">
            <div class="buttons">
                <button type="button" class="button" onclick={act(|| Action::StepBack)} aria-keyshortcuts="ArrowLeft"
                    disabled={props.cursor == 0}>{ "◀ Step" }</button>
                <button type="button" id="play-button" class="button primary play" onclick={play_or_pause} aria-keyshortcuts="Space">
                    { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button type="button" class="button" onclick={act(|| Action::StepForward)} aria-keyshortcuts="ArrowRight"
                    disabled={props.cursor >= props.event_count}>{ "Step ▶" }</button>
                <button type="button" class="button" onclick={act(|| Action::NextAnomaly)} aria-keyshortcuts="n"
                    disabled={!props.has_anomalies}>{ "Next anomaly" }</button>
                <span class="speed">
                    <label for="speed-select">{ "Speed" }</label>
                    <select id="speed-select" ref={speed_ref} onchange={on_speed} title="1× plays 100 ms of simulated time per second">
                        { for SPEEDS.iter().map(|&s| html! {
                            <option value={s.to_string()} selected={(s - props.speed).abs() < 1e-9}>{ speed_label(s) }</option>
                        }) }
                    </select>
                </span>
            </div>
            <div class="scrubber-row">
                <label for="scrubber" class="visually-hidden">{ "Time cursor" }</label>
                <input id="scrubber" type="range" data-testid="scrubber" ref={scrubber_ref} min="0" max={props.event_count.to_string()}
                    step="1" value={props.cursor.to_string()} aria-valuetext={position.clone()} oninput={on_scrub} />
                <output for="scrubber" class="position">{ position }</output>
                <span class="zoom" role="group" aria-label="Zoom">
                    <button type="button" class="button" onclick={act(|| Action::ZoomOut)} aria-keyshortcuts="-" aria-label="Zoom out">{ "−" }</button>
                    <span class="window-width" title="Width of the visible time window">{ format_readout(props.window_us) }</span>
                    <button type="button" class="button" onclick={act(|| Action::ZoomIn)} aria-keyshortcuts="+" aria-label="Zoom in">{ "+" }</button>
                </span>
            </div>
        </div>
    }
}
