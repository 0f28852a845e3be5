//! "Import config": a button that opens a file picker and reads the chosen file. A
//! configuration is read whole (up to its size limit); of a bigger file only the head is
//! read, enough to recognise one of the app's own trace exports and reopen its run.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::{read_as_text, FileReader};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::config::MAX_CONFIG_BYTES;

use super::state::{ImportedFile, NoticeLevel};

#[derive(Properties, PartialEq)]
pub struct ImportButtonProps {
    pub on_import: Callback<ImportedFile>,
    pub on_notify: Callback<(NoticeLevel, String)>,
}

#[component(ImportButton)]
pub fn import_button(props: &ImportButtonProps) -> Html {
    let reader = use_mut_ref(|| None::<FileReader>);
    let file_input = use_node_ref();
    let import = {
        let on_notify = props.on_notify.clone();
        let on_import = props.on_import.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            let size = file.size() as u64;
            let file = gloo::file::File::from(file);
            // Never more than the limit plus one byte: enough to know the file is too big.
            let head = if size > MAX_CONFIG_BYTES as u64 {
                file.slice(0, MAX_CONFIG_BYTES as u64 + 1)
            } else {
                file
            };
            let on_import = on_import.clone();
            let on_notify = on_notify.clone();
            let finished: Rc<RefCell<Option<FileReader>>> = reader.clone();
            *reader.borrow_mut() = Some(read_as_text(&head, move |text| {
                match text {
                    Ok(text) => on_import.emit(ImportedFile { name, size, text }),
                    Err(e) => on_notify.emit((
                        NoticeLevel::Error,
                        format!("Could not read {name}: the browser said {e}."),
                    )),
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
    html! {
        <>
            <button type="button" class="button" onclick={choose_file}>{ "Import config" }</button>
            <input type="file" accept=".json,application/json" class="visually-hidden" tabindex="-1"
                aria-hidden="true" ref={file_input} onchange={import} />
        </>
    }
}
