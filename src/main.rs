//! Browser entry point: mounts the Yew app, or, started in the simulation worker (no
//! window), serves its runs. Natively it only points to the CLI.

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_some() {
        yew::Renderer::<idempotency_lab::ui::App>::new().render();
    } else {
        idempotency_lab::ui::worker::serve();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "This binary is the browser app; build it with `trunk build`. Use `idemlab` natively."
    );
}
