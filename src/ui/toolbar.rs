//! The header's actions: copy the permalink, export and import, diagram export, help.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::{read_as_text, FileReader};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::trace::json::{write_trace, TraceHeader};
use crate::sim::Scenario;

use super::browser;
use super::run_view::RunView;
use super::state::NoticeLevel;

/// Imported configuration files larger than this are refused before reading.
const MAX_IMPORT_BYTES: f64 = crate::sim::config::MAX_CONFIG_BYTES as f64;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub run: Rc<RunView>,
    pub scenario: Scenario,
    /// The permalink of the run on screen (not necessarily what the address bar holds).
    pub link: AttrValue,
    pub presentation: bool,
    pub on_notify: Callback<(NoticeLevel, String)>,
    pub on_import: Callback<(String, String)>,
    pub on_help: Callback<()>,
    pub on_present: Callback<()>,
}

fn file_stem(run: &RunView) -> String {
    format!(
        "idempotency-lab-{}-seed{}",
        run.result.scenario.workload.name(),
        run.result.scenario.seed
    )
}

fn report(on_notify: &Callback<(NoticeLevel, String)>, result: Result<(), String>) {
    if let Err(message) = result {
        on_notify.emit((NoticeLevel::Error, message));
    }
}

/// The run as a self-describing trace file (`idempotency-lab-trace/2`), streamed event by
/// event into one buffer.
fn trace_json(run: &RunView) -> Result<Vec<u8>, String> {
    let header = TraceHeader {
        summary: Some(&run.summary),
        ..TraceHeader::of(&run.result)
    };
    let mut json = Vec::new();
    write_trace(&mut json, &header, &run.result.trace)
        .map_err(|e| format!("could not write the trace: {e}"))?;
    Ok(json)
}

#[component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let fallback_link = use_state(|| None::<String>);
    let link_field = use_node_ref();
    let reader = use_mut_ref(|| None::<FileReader>);
    let file_input = use_node_ref();
    {
        let link_field = link_field.clone();
        use_effect_with(fallback_link.is_some(), move |shown| {
            if *shown {
                if let Some(input) = link_field.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }

    let copy_link = {
        let on_notify = props.on_notify.clone();
        let fallback_link = fallback_link.clone();
        let link = props.link.clone();
        Callback::from(move |_: MouseEvent| {
            let url = link.to_string();
            let on_notify = on_notify.clone();
            let fallback_link = fallback_link.clone();
            let shown = url.clone();
            browser::copy_text(
                &url,
                Callback::from(move |result: Result<(), String>| match result {
                    Ok(()) => {
                        fallback_link.set(None);
                        on_notify.emit((
                            NoticeLevel::Info,
                            "Link copied: it reproduces this exact run.".into(),
                        ));
                    }
                    Err(_) => fallback_link.set(Some(shown.clone())),
                }),
            );
        })
    };
    let export_config = {
        let on_notify = props.on_notify.clone();
        let scenario = props.scenario.clone();
        let run = props.run.clone();
        Callback::from(move |_: MouseEvent| {
            let result = serde_json::to_string_pretty(&scenario)
                .map_err(|e| e.to_string())
                .and_then(|json| {
                    browser::download_text(
                        &format!("{}.json", file_stem(&run)),
                        "application/json",
                        &json,
                    )
                });
            report(&on_notify, result);
        })
    };
    let export_trace = {
        let on_notify = props.on_notify.clone();
        let run = props.run.clone();
        Callback::from(move |_: MouseEvent| {
            let result = trace_json(&run).and_then(|json| {
                browser::download_bytes(
                    &format!("{}-trace.json", file_stem(&run)),
                    "application/json",
                    &json,
                )
            });
            report(&on_notify, result);
        })
    };
    let export_svg = {
        let on_notify = props.on_notify.clone();
        let run = props.run.clone();
        Callback::from(move |_: MouseEvent| {
            let result = browser::diagram_element()
                .and_then(|svg| browser::standalone_svg(&svg))
                .and_then(|text| {
                    browser::download_text(
                        &format!("{}-diagram.svg", file_stem(&run)),
                        "image/svg+xml",
                        &text,
                    )
                });
            report(&on_notify, result);
        })
    };
    let export_png = {
        let on_notify = props.on_notify.clone();
        let run = props.run.clone();
        Callback::from(move |_: MouseEvent| {
            let result = browser::diagram_element().and_then(|svg| {
                let width = svg.client_width().max(1) as u32;
                let height = svg.client_height().max(1) as u32;
                let text = browser::standalone_svg(&svg)?;
                browser::download_png(
                    &format!("{}-diagram.png", file_stem(&run)),
                    &text,
                    width,
                    height,
                )
            });
            report(&on_notify, result);
        })
    };
    let import = {
        let on_notify = props.on_notify.clone();
        let on_import = props.on_import.clone();
        let reader = reader.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            if file.size() > MAX_IMPORT_BYTES {
                on_notify.emit((
                    NoticeLevel::Error,
                    format!(
                        "Could not import {name}: it is {} bytes; at most {} bytes (256 KB) are accepted.",
                        file.size() as u64,
                        MAX_IMPORT_BYTES as u64
                    ),
                ));
                return;
            }
            let on_import = on_import.clone();
            let on_notify = on_notify.clone();
            let file = gloo::file::File::from(file);
            let finished: Rc<RefCell<Option<FileReader>>> = reader.clone();
            *reader.borrow_mut() = Some(read_as_text(&file, move |text| {
                match text {
                    Ok(text) => on_import.emit((name, text)),
                    Err(e) => {
                        on_notify.emit((NoticeLevel::Error, format!("Could not read {name}: {e}")))
                    }
                }
                // The read is over; nothing left to cancel.
                finished.borrow_mut().take();
            }));
        })
    };
    // A real button opens the hidden file input, so Enter works as well as Space.
    let choose_file = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file_input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let present = {
        let on_present = props.on_present.clone();
        Callback::from(move |_: MouseEvent| on_present.emit(()))
    };
    let help = {
        let on_help = props.on_help.clone();
        Callback::from(move |_: MouseEvent| on_help.emit(()))
    };
    html! {
        <div class="toolbar" role="toolbar" aria-label="Link, export and import">
            <button type="button" class="button primary" onclick={copy_link}>{ "Copy link" }</button>
            <button type="button" class="button" onclick={export_config}>{ "Export config" }</button>
            <button type="button" class="button" onclick={choose_file}>{ "Import config" }</button>
            <input type="file" accept=".json,application/json" class="visually-hidden" tabindex="-1"
                aria-hidden="true" ref={file_input} onchange={import} />
            <button type="button" class="button" onclick={export_trace}>{ "Export trace" }</button>
            <button type="button" class="button" onclick={export_svg}>{ "Diagram SVG" }</button>
            <button type="button" class="button" onclick={export_png}>{ "Diagram PNG" }</button>
            <button type="button" class="button" onclick={present} aria-pressed={props.presentation.to_string()}
                aria-keyshortcuts="p" data-testid="present">{ if props.presentation { "Leave presentation" } else { "Present" } }</button>
            <button type="button" class="button" onclick={help} aria-keyshortcuts="?" aria-label="Keyboard shortcuts (?)">{ "?" }</button>
            if let Some(url) = (*fallback_link).clone() {
                <span class="link-fallback">
                    <label for="permalink-field">{ "Copy this link:" }</label>
                    <input id="permalink-field" type="text" readonly=true value={url} ref={link_field} />
                </span>
            }
        </div>
    }
}
