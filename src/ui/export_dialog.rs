//! The "Export diagram" dialog: which range (the whole run, the selected anomaly's causal
//! chain, the visible window or a typed one) and which format (SVG or PNG, from
//! `diagram_export`, captioned with the selected anomaly's sentence; or a Mermaid sequence
//! diagram of the whole run or of the chain, from `sim::mermaid`, for slides).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::sim::oracle::format_time;
use crate::sim::units::format_duration;

use super::browser;
use super::diagram_export::{export_svg, parse_range, png_scale, ExportSpec, ExportedDiagram};
use super::dialog_focus::use_dialog_focus;
use super::run_view::RunView;
use super::state::NoticeLevel;
use crate::sim::mermaid::{sequence_diagram, Scope};

#[derive(Clone, Copy, PartialEq)]
enum RangeChoice {
    WholeRun,
    Chain,
    Window,
    Custom,
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Svg,
    Png,
    Mermaid,
}

#[derive(Properties, PartialEq)]
pub struct ExportDialogProps {
    pub run: Rc<RunView>,
    /// What ran, for the image's title.
    pub title: AttrValue,
    /// File names start with this.
    pub file_stem: AttrValue,
    /// The diagram's visible window, in µs.
    pub window: (u64, u64),
    /// The selected anomaly's causal chain (trace event ids, sorted), highlighted if any.
    pub chain: Rc<Vec<u32>>,
    /// The selected anomaly (its index in the run's list), if any.
    #[prop_or_default]
    pub anomaly: Option<usize>,
    pub on_close: Callback<()>,
    pub on_notify: Callback<(NoticeLevel, String)>,
}

/// Offer the image as a file; what the browser refuses is reported as a notice.
fn save(
    diagram: &ExportedDiagram,
    file_stem: &str,
    format: Format,
    on_notify: &Callback<(NoticeLevel, String)>,
) {
    let size = (diagram.width, diagram.height);
    let result = match format {
        // A Mermaid diagram is text, saved by `save_mermaid` before any image is made.
        Format::Svg | Format::Mermaid => browser::download_text(
            &format!("{file_stem}-diagram.svg"),
            "image/svg+xml",
            &diagram.svg,
        ),
        Format::Png => {
            let on_notify = on_notify.clone();
            browser::download_png(
                &format!("{file_stem}-diagram.png"),
                &diagram.svg,
                size,
                png_scale(size.0, size.1),
                Callback::from(move |message| on_notify.emit((NoticeLevel::Error, message))),
            )
        }
    };
    if let Err(message) = result {
        on_notify.emit((
            NoticeLevel::Error,
            format!("Could not export the diagram: {message}"),
        ));
    }
}

/// The whole run, or the selected anomaly's chain, as a Mermaid sequence diagram.
fn save_mermaid(run: &RunView, scope: Scope, title: &str, file_stem: &str) -> Result<(), String> {
    let text = sequence_diagram(&run.result, scope, title)?;
    browser::download_text(&format!("{file_stem}-sequence.mmd"), "text/plain", &text)
}

/// The time span of `chain` with a margin each side, within the run.
fn chain_range(run: &RunView, chain: &[u32]) -> Option<(u64, u64)> {
    let times = chain
        .iter()
        .filter_map(|&e| run.result.trace.get(e as usize))
        .map(|e| e.time);
    let (first, last) = times.fold(None, |span: Option<(u64, u64)>, t| {
        Some(span.map_or((t, t), |(a, b)| (a.min(t), b.max(t))))
    })?;
    let margin = ((last - first) / 10).max(20_000);
    Some((
        first.saturating_sub(margin),
        (last + margin).min(run.timeline.end_us.max(last + 1)),
    ))
}

#[component(ExportDialog)]
pub fn export_dialog(props: &ExportDialogProps) -> Html {
    let choice = use_state(|| RangeChoice::WholeRun);
    let format = use_state(|| Format::Svg);
    let from = use_state(|| format_duration(props.window.0));
    let to = use_state(|| format_duration(props.window.1));
    let error = use_state(|| None::<String>);
    let dialog = use_node_ref();
    let first = use_node_ref();
    use_dialog_focus(first.clone());

    // Keys stay in the dialog: the app's shortcuts would act behind it, and arrow keys
    // belong to the radio buttons. Escape closes; Tab cycles within the dialog.
    let on_key = {
        let on_close = props.on_close.clone();
        let dialog = dialog.clone();
        Callback::from(move |event: KeyboardEvent| {
            event.stop_propagation();
            match event.key().as_str() {
                "Escape" => {
                    event.prevent_default();
                    on_close.emit(());
                }
                "Tab" => wrap_focus(&dialog, &event),
                _ => {}
            }
        })
    };
    let choose = |value: RangeChoice| {
        let choice = choice.clone();
        let error = error.clone();
        Callback::from(move |_: Event| {
            choice.set(value);
            error.set(None);
        })
    };
    let pick_format = |value: Format| {
        let format = format.clone();
        Callback::from(move |_: Event| format.set(value))
    };
    // Typing a time means a custom range.
    let typed = |field: &UseStateHandle<String>| {
        let field = field.clone();
        let choice = choice.clone();
        let error = error.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            field.set(input.value());
            choice.set(RangeChoice::Custom);
            error.set(None);
        })
    };
    let submit = {
        let choice = *choice;
        let format = *format;
        let (from, to) = ((*from).clone(), (*to).clone());
        let error = error.clone();
        let window = props.window;
        let run = props.run.clone();
        let title = props.title.clone();
        let file_stem = props.file_stem.clone();
        let chain = props.chain.clone();
        let anomaly = props.anomaly;
        let on_close = props.on_close.clone();
        let on_notify = props.on_notify.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if format == Format::Mermaid {
                let scope = match (choice, anomaly) {
                    (RangeChoice::Chain, Some(index)) => Scope::Anomaly(index),
                    _ => Scope::Run,
                };
                match save_mermaid(&run, scope, &title, &file_stem) {
                    Ok(()) => on_close.emit(()),
                    Err(message) => error.set(Some(message)),
                }
                return;
            }
            let end_us = run.timeline.end_us;
            let range = match choice {
                RangeChoice::WholeRun => Ok((0, end_us)),
                RangeChoice::Chain => chain_range(&run, &chain)
                    .ok_or_else(|| "Select an anomaly first: its chain is the range.".to_string()),
                RangeChoice::Window => Ok(window),
                RangeChoice::Custom => parse_range(&from, &to, end_us),
            };
            let caption = anomaly
                .and_then(|i| run.result.anomalies.get(i))
                .map_or("", |a| a.narrative.as_str());
            let diagram = range.and_then(|(from_us, to_us)| {
                let spec = ExportSpec {
                    title: &title,
                    trace_hash: &run.summary.trace_hash,
                    from_us,
                    to_us,
                    chain: &chain,
                    caption,
                };
                export_svg(&run.timeline, &spec)
            });
            match diagram {
                Ok(diagram) => {
                    save(&diagram, &file_stem, format, &on_notify);
                    on_close.emit(());
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    let cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };

    let end_us = props.run.timeline.end_us;
    let (window_from, window_to) = props.window;
    let chain_span = props
        .anomaly
        .and_then(|_| chain_range(&props.run, &props.chain));
    let radio = |name: &'static str, id: &'static str, checked: bool, onchange: Callback<Event>| {
        let node = if checked {
            first.clone()
        } else {
            NodeRef::default()
        };
        html! { <input type="radio" {name} {id} {checked} {onchange} ref={node} /> }
    };
    let error_id = error.is_some().then_some("export-error");
    html! {
        <div class="overlay" onkeydown={on_key}>
            <div class="export-dialog panel" role="dialog" aria-modal="true" aria-labelledby="export-title"
                data-testid="export-dialog" ref={dialog}>
                <h2 id="export-title">{ "Export diagram" }</h2>
                <form onsubmit={submit} novalidate=true>
                    <fieldset>
                        <legend>{ "Range" }</legend>
                        <div class="export-choice">
                            { radio("export-range", "export-whole", *choice == RangeChoice::WholeRun, choose(RangeChoice::WholeRun)) }
                            <label for="export-whole">{ format!("Whole run (0 ms to {})", format_time(end_us)) }</label>
                        </div>
                        if let Some((chain_from, chain_to)) = chain_span {
                            <div class="export-choice">
                                { radio("export-range", "export-chain", *choice == RangeChoice::Chain, choose(RangeChoice::Chain)) }
                                <label for="export-chain">{ format!("The selected anomaly's chain ({} to {})", format_time(chain_from), format_time(chain_to)) }</label>
                            </div>
                        }
                        <div class="export-choice">
                            { radio("export-range", "export-window", *choice == RangeChoice::Window, choose(RangeChoice::Window)) }
                            <label for="export-window">{ format!("Visible window ({} to {})", format_time(window_from), format_time(window_to)) }</label>
                        </div>
                        <div class="export-choice">
                            { radio("export-range", "export-custom", *choice == RangeChoice::Custom, choose(RangeChoice::Custom)) }
                            <label for="export-custom">{ "Custom range" }</label>
                        </div>
                        <div class="export-times">
                            <label for="export-from">{ "From" }</label>
                            <input id="export-from" type="text" value={(*from).clone()} oninput={typed(&from)}
                                aria-invalid={error.is_some().to_string()} aria-describedby={error_id} autocomplete="off" />
                            <label for="export-to">{ "To" }</label>
                            <input id="export-to" type="text" value={(*to).clone()} oninput={typed(&to)}
                                aria-invalid={error.is_some().to_string()} aria-describedby={error_id} autocomplete="off" />
                        </div>
                        <p class="hint">{ "Times such as 1.5 s, 300 ms or 250 µs, from the start of the run." }</p>
                    </fieldset>
                    <fieldset>
                        <legend>{ "Format" }</legend>
                        <div class="export-choice">
                            <input type="radio" name="export-format" id="export-svg" checked={*format == Format::Svg} onchange={pick_format(Format::Svg)} />
                            <label for="export-svg">{ "SVG (vector, small)" }</label>
                        </div>
                        <div class="export-choice">
                            <input type="radio" name="export-format" id="export-png" checked={*format == Format::Png} onchange={pick_format(Format::Png)} />
                            <label for="export-png">{ "PNG (picture)" }</label>
                        </div>
                        <div class="export-choice">
                            <input type="radio" name="export-format" id="export-mermaid" checked={*format == Format::Mermaid} onchange={pick_format(Format::Mermaid)} />
                            <label for="export-mermaid">{ "Mermaid sequence diagram (text for slides: every event, or the chain if chosen)" }</label>
                        </div>
                    </fieldset>
                    if let Some(message) = (*error).clone() {
                        <p id="export-error" class="export-error" role="alert">{ message }</p>
                    }
                    <div class="export-buttons">
                        <button type="submit" class="button primary">{ "Export" }</button>
                        <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                    </div>
                </form>
            </div>
        </div>
    }
}

/// Keeps Tab and Shift+Tab inside the dialog: past the last control back to the first.
fn wrap_focus(dialog: &NodeRef, event: &KeyboardEvent) {
    let Some(dialog) = dialog.cast::<web_sys::Element>() else {
        return;
    };
    let focusable = "input:not([type=radio]), input[type=radio]:checked, button";
    let Ok(controls) = dialog.query_selector_all(focusable) else {
        return;
    };
    let at = |i: u32| {
        controls
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlElement>().ok())
    };
    let (Some(first), Some(last)) = (at(0), at(controls.length().saturating_sub(1))) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let target = match (event.shift_key(), active) {
        (false, Some(a)) if a == *last.as_ref() => first,
        (true, Some(a)) if a == *first.as_ref() => last,
        _ => return,
    };
    event.prevent_default();
    let _ = target.focus();
}
