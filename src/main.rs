//! Browser entry point: mounts the Yew app. Natively it only points to the CLI.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<idempotency_lab::ui::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "This binary is the browser app; build it with `trunk build`. Use `idemlab` natively."
    );
}
