//! The header's actions: copy the permalink, export and import, diagram export, help.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::trace::json::{write_trace, TraceHeader};
use crate::sim::Scenario;

use super::browser;
use super::export_dialog::ExportDialog;
use super::import_button::ImportButton;
use super::run_view::RunView;
use super::state::{ImportedFile, NoticeLevel};

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub run: Rc<RunView>,
    pub scenario: Scenario,
    /// The permalink of the run on screen (not necessarily what the address bar holds).
    pub link: AttrValue,
    /// What "Copy link" says the copied link opens.
    pub link_opens: AttrValue,
    pub presentation: bool,
    pub on_notify: Callback<(NoticeLevel, String)>,
    pub on_import: Callback<ImportedFile>,
    pub on_help: Callback<()>,
    pub on_present: Callback<()>,
    /// The preset the run came from, if any: named in exported images.
    pub preset: Option<&'static str>,
    /// The diagram's visible window (µs), offered as an export range.
    pub window: (u64, u64),
    /// The selected anomaly's causal chain (sorted trace event ids), highlighted in exports.
    pub chain: Rc<Vec<u32>>,
    /// The selected anomaly: its chain can be the exported range, its sentence the caption.
    #[prop_or_default]
    pub selected_anomaly: Option<usize>,
    /// Open the list of lessons.
    #[prop_or_default]
    pub on_lessons: Option<Callback<()>>,
}

fn file_stem(run: &RunView) -> String {
    format!(
        "idempotency-lab-{}-seed{}",
        run.result.scenario.workload.name(),
        run.result.scenario.seed
    )
}

/// What ran, for the exported image's title.
fn diagram_title(run: &RunView, preset: Option<&str>) -> String {
    let scenario = &run.result.scenario;
    format!(
        "{}: {} workload, seed {}",
        preset.unwrap_or("custom scenario"),
        scenario.workload.name(),
        scenario.seed
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
    let exporting = use_state(|| false);
    let link_field = use_node_ref();
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
        let copied = format!("Link copied: {}", props.link_opens);
        Callback::from(move |_: MouseEvent| {
            let url = link.to_string();
            let on_notify = on_notify.clone();
            let fallback_link = fallback_link.clone();
            let shown = url.clone();
            let copied = copied.clone();
            browser::copy_text(
                &url,
                Callback::from(move |result: Result<(), String>| match result {
                    Ok(()) => {
                        fallback_link.set(None);
                        on_notify.emit((NoticeLevel::Info, copied.clone()));
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
    let open_export = {
        let exporting = exporting.clone();
        Callback::from(move |_: MouseEvent| exporting.set(true))
    };
    let close_export = {
        let exporting = exporting.clone();
        Callback::from(move |()| exporting.set(false))
    };
    let present = {
        let on_present = props.on_present.clone();
        Callback::from(move |_: MouseEvent| on_present.emit(()))
    };
    let help = {
        let on_help = props.on_help.clone();
        Callback::from(move |_: MouseEvent| on_help.emit(()))
    };
    let lessons = props
        .on_lessons
        .clone()
        .map(|on_lessons| Callback::from(move |_: MouseEvent| on_lessons.emit(())));
    html! {
        <div class="toolbar" role="toolbar" aria-label="Link, export and import">
            if let Some(onclick) = lessons {
                <button type="button" class="button" {onclick} aria-haspopup="dialog" data-testid="lessons-button">{ "Lessons" }</button>
            }
            <button type="button" class="button primary" onclick={copy_link}>{ "Copy link" }</button>
            <button type="button" class="button" onclick={export_config}>{ "Export config" }</button>
            <ImportButton on_import={props.on_import.clone()} on_notify={props.on_notify.clone()} />
            <button type="button" class="button" onclick={export_trace}>{ "Export trace" }</button>
            <button type="button" class="button" onclick={open_export} aria-haspopup="dialog">{ "Export diagram…" }</button>
            <button type="button" class="button" onclick={present} aria-pressed={props.presentation.to_string()}
                aria-keyshortcuts="p" data-testid="present">{ if props.presentation { "Leave presentation" } else { "Present" } }</button>
            <button type="button" class="button" onclick={help} aria-keyshortcuts="?" aria-label="Keyboard shortcuts (?)">{ "?" }</button>
            if let Some(url) = (*fallback_link).clone() {
                <span class="link-fallback">
                    <label for="permalink-field">{ "Copy this link:" }</label>
                    <input id="permalink-field" type="text" readonly=true value={url} ref={link_field} />
                </span>
            }
            if *exporting {
                <ExportDialog run={props.run.clone()} title={diagram_title(&props.run, props.preset)}
                    file_stem={file_stem(&props.run)} window={props.window} chain={props.chain.clone()}
                    anomaly={props.selected_anomaly} on_close={close_export} on_notify={props.on_notify.clone()} />
            }
        </div>
    }
}
