//! Browser tests: run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown`
//! (`./scripts/lab test` does). Native `cargo test` compiles this file to nothing.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use idempotency_lab::ui::App;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh `<div>` appended to the test page's body.
fn mount_app() -> Element {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .expect("the test runs in a browser page");
    let root = document.create_element("div").expect("can create a div");
    document
        .body()
        .expect("the test page has a body")
        .append_child(&root)
        .expect("can append to the body");
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

/// Yields to the browser until `selector` matches inside `root`, or gives up after about 2 s.
async fn wait_for(root: &Element, selector: &str) -> Option<Element> {
    for _ in 0..200 {
        if let Some(found) = root.query_selector(selector).expect("valid selector") {
            return Some(found);
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

#[wasm_bindgen_test]
async fn app_renders_its_title() {
    let root = mount_app();
    let heading = wait_for(&root, "h1")
        .await
        .expect("the app renders an <h1> within 2 s");
    assert_eq!(heading.text_content().as_deref(), Some("Idempotency Lab"));
}
