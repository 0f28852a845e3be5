//! The browser app (wasm32 only). `state` holds the one reducer; every other module is a
//! component with its own props, or a pure helper (`settings`, `permalink`, `timeline`,
//! `event_description`, `run_view`) or the browser edge (`browser`).

pub mod adapt;
mod anomaly_panel;
mod app;
mod browser;
mod compare_menu;
pub mod compare_settings;
mod compare_table;
mod compare_view;
mod control_panel;
mod controlled;
mod costs_panel;
mod diagram;
pub mod diagram_export;
mod diagram_items;
pub mod event_description;
mod export_dialog;
mod footer;
mod help_overlay;
mod import_button;
mod knob;
mod legend;
mod lesson_card;
mod lesson_progress;
mod lessons_dialog;
mod message_details;
mod messaging_description;
mod messaging_tables;
mod notices;
pub mod permalink;
mod preset_picker;
mod run_status;
pub mod run_view;
mod seed_input;
pub mod settings;
mod shortcuts;
mod shrink_banner;
mod shrink_worker;
pub mod state;
mod state_tables;
mod sweep_chart;
mod sweep_form;
pub mod sweep_settings;
mod sweep_status;
mod sweep_view;
mod time_controls;
pub mod timeline;
mod toolbar;
mod view_tabs;
mod view_workers;
pub mod worker;

pub use anomaly_panel::{AnomalyPanel, AnomalyPanelProps};
pub use app::App;
