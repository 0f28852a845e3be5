//! What replaces the run on screen: a preset, a setting, a link, an imported file. Each
//! says in a notice what it did, and none silently throws away a scenario being edited.

use crate::sim::config::{scenario_from_value, thousands, KeyPolicy, MAX_CONFIG_BYTES};
use crate::sim::trace::file_head::{read_trace_head, TraceFileHead};
use crate::sim::Scenario;

use super::super::adapt::{adapt_for_browser, describe_changes};
use super::super::permalink::{self, LinkedScenario, Moment, Views};
use super::super::settings::{
    base_scenario, find_preset, knob, validate_for_browser, with_knob, DEFAULT_PRESET,
};
use super::super::sweep_settings::SweepSettings;
use super::{AppState, Landing, NoticeChoice, NoticeLevel, Runner};

/// A file the user chose to import: its name, its size, and its text (the whole file up
/// to the configuration size limit, only the head of a bigger one).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedFile {
    pub name: String,
    pub size: u64,
    pub text: String,
}

/// Where a link comes from: the page's own address when it opened, or a link pasted (or
/// reached with Back) while the page was open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arrival {
    PageOpened,
    WhileOpen,
}

/// Shorter than this, a quoted link is shown whole.
const QUOTED_LINK_CHARS: usize = 40;

fn quoted_link(fragment: &str) -> String {
    match fragment.char_indices().nth(QUOTED_LINK_CHARS) {
        Some((cut, _)) => format!("{}…", &fragment[..cut]),
        None => fragment.to_string(),
    }
}

impl AppState {
    /// The state for a page opened at `fragment` (the URL's `#…`); a bad link falls back to
    /// the default scenario with a message saying why, and stays in the address bar.
    pub fn from_fragment(fragment: &str) -> AppState {
        let mut state = AppState::initial();
        state.open_link(fragment, Arrival::PageOpened);
        state
    }

    /// The page's state: as [`AppState::from_fragment`], but a big run goes to the worker,
    /// the default scenario's run staying on screen meanwhile.
    pub fn open_page(fragment: &str) -> AppState {
        let mut state = AppState::initial();
        state.runner = Runner::Worker;
        state.open_link(fragment, Arrival::PageOpened);
        state
    }

    /// The configuration on screen differs from where it started (its preset, or the
    /// engine default), or a setting is being typed: opening a link would lose work.
    pub fn is_edited(&self) -> bool {
        !self.drafts.is_empty() || self.scenario != base_scenario(self.preset)
    }

    pub(super) fn link_arrived(&mut self, fragment: &str) {
        self.address_epoch = self.address_epoch.wrapping_add(1);
        self.open_link(fragment, Arrival::WhileOpen);
    }

    fn open_link(&mut self, fragment: &str, arrival: Arrival) {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.is_empty() || fragment == self.permalink_fragment() {
            return;
        }
        match permalink::decode(fragment) {
            Ok(None) => {}
            Ok(Some(linked)) => {
                if let Some(interview) = linked.views.interview {
                    // An interview's link names only its question: the run on screen stays.
                    return self.open_interview_link(interview, &linked.view_problems);
                }
                let same_run = linked.preset == self.preset && linked.scenario == self.scenario;
                if same_run {
                    if !self.land_pending_at(linked.moment) {
                        self.go_to_moment(linked.moment);
                    }
                    self.open_views(linked.views, &linked.view_problems);
                } else if arrival == Arrival::WhileOpen && self.is_edited() {
                    self.ask_before_opening(fragment);
                } else {
                    self.open_linked(linked);
                }
            }
            Err(reason) => self.reject_link(fragment, &reason, arrival),
        }
    }

    fn open_linked(&mut self, linked: LinkedScenario) {
        let valid = match validate_for_browser(linked.scenario) {
            Ok(valid) => valid,
            Err(e) => {
                self.notify(
                    NoticeLevel::Error,
                    format!("This link could not be opened: {e}."),
                );
                return;
            }
        };
        self.request(linked.preset, &valid, Landing::Moment(linked.moment));
        if let Some(changes) = describe_changes(&linked.changes) {
            self.notify(NoticeLevel::Info, format!("Opened the link. {changes}"));
        }
        self.open_views(linked.views, &linked.view_problems);
    }

    /// The link's view, sweep form and comparison; what could not be used is said.
    fn open_views(&mut self, views: Views, problems: &[String]) {
        self.view = views.view;
        self.sweep.chosen = views.sweep.is_some();
        self.sweep.settings = views
            .sweep
            .unwrap_or_else(|| SweepSettings::default_for(&self.scenario));
        if let Some(b) = views.compare {
            self.compare.b = b;
        }
        if !problems.is_empty() {
            self.notify(
                NoticeLevel::Error,
                format!(
                    "Part of this link could not be used: {}. The scenario opened; what could not be read shows its defaults.",
                    problems.join("; ")
                ),
            );
        }
        self.fit_sweep();
        self.refresh_compare();
    }

    /// Select the link's anomaly and put the cursor where the link had it.
    pub(super) fn go_to_moment(&mut self, moment: Moment) {
        let events = self.run.event_count();
        let anomalies = self.run.result.anomalies.len();
        if let Some(index) = moment.anomaly {
            if index < anomalies {
                self.select_anomaly(index);
            } else {
                self.notify(
                    NoticeLevel::Error,
                    format!(
                        "The link selects anomaly {} but this run has {anomalies}; none is selected.",
                        index + 1
                    ),
                );
            }
        }
        if let Some(cursor) = moment.cursor {
            if cursor > events {
                self.notify(
                    NoticeLevel::Error,
                    format!(
                        "The link's time cursor is at event {} but this run has {} events; the cursor is at the end.",
                        thousands(cursor as u64),
                        thousands(events as u64)
                    ),
                );
            }
            self.playing = false;
            self.seek(cursor);
        }
    }

    fn ask_before_opening(&mut self, fragment: &str) {
        self.pending_link = Some(fragment.to_string());
        self.address_hold = Some(fragment.to_string());
        self.notices.clear_questions();
        self.notices.push(
            NoticeLevel::Question,
            "A link was opened in this tab while you were editing a scenario. Open the link (your changes are replaced; Copy link first to keep them), or keep your changes?".into(),
            vec![NoticeChoice::OpenPendingLink, NoticeChoice::KeepEdits],
        );
    }

    pub(super) fn choose(&mut self, choice: NoticeChoice) {
        self.notices.clear_questions();
        let Some(fragment) = self.pending_link.take() else {
            return;
        };
        self.address_hold = None;
        self.address_epoch = self.address_epoch.wrapping_add(1);
        if choice == NoticeChoice::OpenPendingLink {
            self.open_link(&fragment, Arrival::PageOpened);
        }
    }

    /// A link that cannot be opened: say why, leave it in the address bar to be fixed, and
    /// keep the run on screen (the default scenario when the page has just opened).
    fn reject_link(&mut self, fragment: &str, reason: &str, arrival: Arrival) {
        let shown = match arrival {
            Arrival::PageOpened => {
                format!("Showing the default scenario, {DEFAULT_PRESET}, instead")
            }
            Arrival::WhileOpen => "The run on screen is unchanged".to_string(),
        };
        self.pending_link = None;
        self.address_hold = Some(fragment.to_string());
        self.notify(
            NoticeLevel::Error,
            format!(
                "This link could not be opened: {reason}. {shown}; the link #{} is left in the address bar so you can correct it.",
                quoted_link(fragment)
            ),
        );
    }

    pub(super) fn select_preset(&mut self, name: &str) {
        let Some(preset) = find_preset(name) else {
            self.notify(NoticeLevel::Error, format!("There is no preset '{name}'."));
            return;
        };
        match validate_for_browser(preset.scenario.clone()) {
            Ok(valid) => self.request(Some(preset.name), &valid, Landing::Start),
            Err(e) => self.notify(NoticeLevel::Error, e),
        }
    }

    pub(super) fn set_knob(&mut self, path: &str, raw: &str) {
        let Some(knob) = knob(path) else {
            return;
        };
        let valid = match with_knob(&self.scenario, knob, raw) {
            Ok(valid) => valid,
            Err(message) => {
                self.knob_errors.insert(path.to_string(), message);
                self.drafts.insert(path.to_string(), raw.to_string());
                return;
            }
        };
        // Server-side keys do nothing if clients send none: turning them on also gives
        // each operation a key, and says so.
        let needs_client_keys = path == "protections.idempotency_key.enabled"
            && raw == "true"
            && valid.scenario().client.key_policy == KeyPolicy::None;
        let with_keys = needs_client_keys
            .then(|| {
                let mut with_keys = valid.scenario().clone();
                with_keys.client.key_policy = KeyPolicy::PerOperation;
                validate_for_browser(with_keys).ok()
            })
            .flatten();
        let preset = self.preset;
        match with_keys {
            Some(with_keys) => {
                self.request(preset, &with_keys, Landing::KeepTime);
                self.notify(
                    NoticeLevel::Info,
                    "Clients now send an Idempotency-Key per operation (their key policy was “none”, so the server would have had no key to check).".into(),
                );
            }
            None => self.request(preset, &valid, Landing::KeepTime),
        }
    }

    pub(super) fn import(&mut self, file: &ImportedFile) {
        let name = &file.name;
        match read_trace_head(&file.text) {
            Some(Ok(head)) => return self.open_trace(name, head),
            Some(Err(reason)) => {
                self.notify(
                    NoticeLevel::Error,
                    format!("Could not open {name}: {reason}. The run on screen is unchanged."),
                );
                return;
            }
            None => {}
        }
        let failed = |reason: String| {
            format!("Could not import {name}: {reason}. The run on screen is unchanged.")
        };
        if file.size > MAX_CONFIG_BYTES as u64 {
            self.notify(
                NoticeLevel::Error,
                failed(format!(
                    "it is {} bytes, and a configuration is at most {} bytes (256 KB); trace files exported by this app open at any size",
                    thousands(file.size),
                    thousands(MAX_CONFIG_BYTES as u64)
                )),
            );
            return;
        }
        let opened = Scenario::from_json(&file.text).and_then(|scenario| {
            let (scenario, changes) = adapt_for_browser(scenario);
            validate_for_browser(scenario).map(|valid| (valid, changes))
        });
        match opened {
            Ok((valid, changes)) => {
                self.request(None, &valid, Landing::KeepTime);
                let changes = describe_changes(&changes).unwrap_or_default();
                self.notify(
                    NoticeLevel::Info,
                    format!("Imported the configuration from {name}. {changes}")
                        .trim_end()
                        .to_string(),
                );
            }
            Err(e) => self.notify(NoticeLevel::Error, failed(e)),
        }
    }

    /// A trace export: re-run its scenario, and say whether the run reproduces the trace.
    fn open_trace(&mut self, name: &str, head: TraceFileHead) {
        let opened = scenario_from_value(head.scenario).and_then(|scenario| {
            let (scenario, changes) = adapt_for_browser(scenario);
            validate_for_browser(scenario).map(|valid| (valid, changes))
        });
        let (valid, changes) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                self.notify(
                    NoticeLevel::Error,
                    format!("{name} is a trace file, but its run cannot be opened here: {e}. The run on screen is unchanged."),
                );
                return;
            }
        };
        let landing = Landing::Trace {
            name: name.to_string(),
            hash: head.trace_hash,
            changes: describe_changes(&changes).unwrap_or_default(),
        };
        self.request(None, &valid, landing);
    }

    /// Say whether the run on screen, re-run from trace file `name`, reproduces its hash.
    pub(super) fn report_trace(&mut self, name: &str, expected: &str, changes: &str) {
        let hash = self.run.result.trace_hash.clone();
        if hash == expected {
            self.notify(
                NoticeLevel::Info,
                format!("{name} is a trace file: its scenario was run again here and gives the same trace (hash {hash}), so this is the run it recorded. {changes}")
                    .trim_end()
                    .to_string(),
            );
        } else {
            self.notify(
                NoticeLevel::Error,
                format!("{name} is a trace file: its scenario was run again here, but gives trace hash {hash}, not the file's {expected}. The file was made by another version of the app, or changed. {changes}")
                    .trim_end()
                    .to_string(),
            );
        }
    }
}
