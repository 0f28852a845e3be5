//! The browser app (wasm32 only).

mod app;

pub use app::App;
