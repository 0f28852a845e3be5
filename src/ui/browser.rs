//! Effects at the edges: the URL, downloads, the clipboard and diagram export. Everything
//! the browser can refuse returns a `Result` with a message for the user; nothing panics.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, Element, HtmlAnchorElement, Url};
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

/// The diagram as the page shows it.
pub fn diagram_element() -> Result<Element, String> {
    document()?
        .query_selector("[data-testid=diagram]")
        .ok()
        .flatten()
        .ok_or_else(|| "the diagram is not on the page".to_string())
}

/// Presentation properties copied from the page's CSS into the exported SVG, so the file
/// looks the same without the app's stylesheet.
const EXPORTED_PROPERTIES: [&str; 11] = [
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "visibility",
];

/// A standalone SVG document of the diagram: computed styles inlined as attributes.
pub fn standalone_svg(svg: &Element) -> Result<String, String> {
    let window = window()?;
    let copy: Element = svg
        .clone_node_with_deep(true)
        .map_err(|e| js_error("could not copy the diagram", e))?
        .unchecked_into();
    let originals = svg
        .query_selector_all("*")
        .map_err(|e| js_error("could not read the diagram", e))?;
    let copies = copy
        .query_selector_all("*")
        .map_err(|e| js_error("could not read the diagram", e))?;
    let inline = |original: &Element, target: &Element| {
        if let Ok(Some(style)) = window.get_computed_style(original) {
            for property in EXPORTED_PROPERTIES {
                if let Ok(value) = style.get_property_value(property) {
                    if !value.is_empty() {
                        let _ = target.set_attribute(property, &value);
                    }
                }
            }
        }
    };
    inline(svg, &copy);
    for i in 0..originals.length().min(copies.length()) {
        if let (Some(original), Some(target)) = (originals.item(i), copies.item(i)) {
            if let (Ok(original), Ok(target)) =
                (original.dyn_into::<Element>(), target.dyn_into::<Element>())
            {
                inline(&original, &target);
            }
        }
    }
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.remove_attribute("class");
    let serializer =
        web_sys::XmlSerializer::new().map_err(|e| js_error("could not export the diagram", e))?;
    let body = serializer
        .serialize_to_string(&copy)
        .map_err(|e| js_error("could not export the diagram", e))?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n"
    ))
}

/// Render the standalone SVG onto a canvas at twice its size and download it as PNG.
pub fn download_png(
    file_name: &str,
    svg_text: &str,
    width: u32,
    height: u32,
) -> Result<(), String> {
    let blob = text_blob(svg_text, "image/svg+xml")?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|e| js_error("could not prepare the image", e))?;
    let image =
        web_sys::HtmlImageElement::new().map_err(|e| js_error("could not prepare the image", e))?;
    let name = file_name.to_string();
    let loaded = image.clone();
    let source_url = url.clone();
    let on_load = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&source_url);
        let _ = draw_png(&name, &loaded, width, height);
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_src(&url);
    Ok(())
}

fn draw_png(
    file_name: &str,
    image: &web_sys::HtmlImageElement,
    width: u32,
    height: u32,
) -> Result<(), String> {
    const SCALE: u32 = 2;
    let canvas: web_sys::HtmlCanvasElement = document()?
        .create_element("canvas")
        .map_err(|e| js_error("could not draw the image", e))?
        .unchecked_into();
    canvas.set_width(width * SCALE);
    canvas.set_height(height * SCALE);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or("no 2D canvas")?
        .unchecked_into();
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            image,
            0.0,
            0.0,
            (width * SCALE) as f64,
            (height * SCALE) as f64,
        )
        .map_err(|e| js_error("could not draw the image", e))?;
    let name = file_name.to_string();
    let on_blob = Closure::once_into_js(move |blob: JsValue| {
        if let Ok(blob) = blob.dyn_into::<Blob>() {
            let _ = download_blob(&name, &blob);
        }
    });
    canvas
        .to_blob(on_blob.unchecked_ref())
        .map_err(|e| js_error("could not encode the image", e))
}
