//! Effects at the edges: the URL, downloads, the clipboard and PNG drawing. Everything
//! the browser can refuse returns a `Result` with a message for the user; nothing panics.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};
use yew::Callback;

fn window() -> Result<web_sys::Window, String> {
    web_sys::window().ok_or_else(|| "no browser window".to_string())
}

fn document() -> Result<web_sys::Document, String> {
    window()?
        .document()
        .ok_or_else(|| "no document".to_string())
}

/// The URL fragment, with its `#`.
pub fn location_hash() -> String {
    window()
        .ok()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Show `fragment` in the address bar without adding a history entry or reloading.
pub fn replace_hash(fragment: &str) {
    let Ok(window) = window() else { return };
    let wanted = format!("#{fragment}");
    if window.location().hash().ok().as_deref() == Some(wanted.as_str()) {
        return;
    }
    if let Ok(history) = window.history() {
        // A refused URL change leaves the old address: not worth bothering the user.
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&wanted));
    }
}

/// The page's address without its `#…` fragment.
pub fn page_url_without_fragment() -> String {
    let href = window()
        .ok()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    match href.split_once('#') {
        Some((page, _)) => page.to_string(),
        None => href,
    }
}

fn js_error(context: &str, error: JsValue) -> String {
    let detail = error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the browser refused".into());
    format!("{context}: {detail}")
}

/// Offer `blob` as a download called `file_name`.
pub fn download_blob(file_name: &str, blob: &Blob) -> Result<(), String> {
    let url = Url::create_object_url_with_blob(blob)
        .map_err(|e| js_error("could not prepare the download", e))?;
    let document = document()?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| js_error("could not prepare the download", e))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoke after the click has been handled.
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    let _ = window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1_000);
    Ok(())
}

pub fn text_blob(text: &str, mime: &str) -> Result<Blob, String> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| js_error("could not build the file", e))
}

pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    download_blob(file_name, &text_blob(text, mime)?)
}

/// Offer `bytes` (already encoded, e.g. UTF-8 JSON) as a download, copied once into a Blob.
pub fn download_bytes(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| js_error("could not build the file", e))?;
    download_blob(file_name, &blob)
}

/// Copy `text`; `on_done` hears whether it worked (the Clipboard API needs a secure
/// context and permission, so the caller offers a text field as the fallback).
pub fn copy_text(text: &str, on_done: Callback<Result<(), String>>) {
    let clipboard = window().ok().and_then(|w| {
        let navigator = w.navigator();
        js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
            .ok()
            .filter(|c| !c.is_undefined() && !c.is_null())
            .map(|c| c.unchecked_into::<web_sys::Clipboard>())
    });
    let Some(clipboard) = clipboard else {
        on_done.emit(Err("this browser does not allow copying here".into()));
        return;
    };
    let ok = on_done.clone();
    let resolved = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| ok.emit(Ok(())));
    let rejected = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        on_done.emit(Err(js_error("the browser did not allow copying", e)))
    });
    let _ = clipboard.write_text(text).then2(&resolved, &rejected);
    // The promise settles once, later; the two small closures live until then and beyond.
    resolved.forget();
    rejected.forget();
}

/// Draw `svg_text` (an image of `width` × `height`) on a white canvas, `scale` times its
/// size, and offer it as a PNG download. Drawing happens once the image has loaded, so what
/// goes wrong after this returns is reported through `on_error`.
pub fn download_png(
    file_name: &str,
    svg_text: &str,
    (width, height): (u32, u32),
    scale: f64,
    on_error: Callback<String>,
) -> Result<(), String> {
    let blob = text_blob(svg_text, "image/svg+xml")?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|e| js_error("could not prepare the image", e))?;
    let image =
        web_sys::HtmlImageElement::new().map_err(|e| js_error("could not prepare the image", e))?;
    let name = file_name.to_string();
    let loaded = image.clone();
    let (load_url, failed_url) = (url.clone(), url.clone());
    let failed = on_error.clone();
    let on_load = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&load_url);
        let size = (
            (width as f64 * scale).round() as u32,
            (height as f64 * scale).round() as u32,
        );
        if let Err(message) = draw_png(&name, &loaded, size, on_error.clone()) {
            on_error.emit(message);
        }
    });
    let on_fail = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&failed_url);
        failed.emit("Could not export the PNG: the browser could not draw the diagram. Try a narrower range, or export SVG.".into());
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_onerror(Some(on_fail.unchecked_ref()));
    image.set_src(&url);
    Ok(())
}

fn draw_png(
    file_name: &str,
    image: &web_sys::HtmlImageElement,
    (width, height): (u32, u32),
    on_error: Callback<String>,
) -> Result<(), String> {
    let failed = |e| js_error("Could not export the PNG", e);
    let canvas: web_sys::HtmlCanvasElement = document()?
        .create_element("canvas")
        .map_err(failed)?
        .unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or("Could not export the PNG: this browser has no 2D canvas.")?
        .unchecked_into();
    // Transparent pixels would show a dark viewer's background through the image.
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, width as f64, height as f64);
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            image,
            0.0,
            0.0,
            width as f64,
            height as f64,
        )
        .map_err(failed)?;
    let name = file_name.to_string();
    let on_blob = Closure::once_into_js(move |blob: JsValue| {
        // The browser hands over no blob when the canvas is too large to encode.
        let result = match blob.dyn_into::<Blob>() {
            Ok(blob) => download_blob(&name, &blob),
            Err(_) => Err(format!(
                "Could not export the PNG: the browser could not encode a {width} × {height} image. Try a narrower range, or export SVG."
            )),
        };
        if let Err(message) = result {
            on_error.emit(message);
        }
    });
    canvas.to_blob(on_blob.unchecked_ref()).map_err(failed)
}
