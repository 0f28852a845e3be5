//! The app's one reducer: every change of state is an [`Action`], applied by
//! [`AppState::reduce`]. Components only dispatch actions and render. What replaces the
//! run (presets, settings, links, imports) is in `opening`; how a run is computed and
//! lands (at once, or from the worker) in `running`; the notices in `notices`.

mod comparing;
mod interviewing;
mod learning;
mod notices;
mod opening;
mod running;
mod shrinking;
mod sweeping;

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::Reducible;

use crate::sim::{Scenario, ValidScenario};

use super::compare_settings::CompareB;
use super::permalink::{self, Moment, View, Views};
use super::run_view::RunView;
use super::settings::{find_preset, validate_for_browser, DEFAULT_PRESET};
use super::sweep_settings::SweepSettings;
use super::worker::ShrinkReport;
use crate::sim::sweep::Sample;

pub use comparing::{CompareState, PendingCompare};
pub use interviewing::{InterviewAction, InterviewState, PendingScore};
pub use learning::{LearningState, LessonAt};
pub use notices::{Notice, NoticeChoice, NoticeLevel, NoticeList, MAX_NOTICES};
pub use opening::ImportedFile;
use running::Landing;
pub use running::{PendingRun, Runner};
pub use shrinking::{PendingShrink, ShrinkState, Shrunk};
pub use sweeping::{SweepOutcome, SweepRunning, SweepState};

/// Playback speeds offered, as multiples of [`VIRTUAL_US_PER_MS_AT_1X`].
pub const SPEEDS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];
/// At 1× playback, 100 ms of virtual time pass per second: slow enough to follow a message.
pub const VIRTUAL_US_PER_MS_AT_1X: f64 = 100.0;
/// The narrowest and the default visible time window.
pub const MIN_WINDOW_US: u64 = 2_000;
const DEFAULT_WINDOW_US: u64 = 1_200_000;
/// Where the playhead sits in the visible window (fraction from the left).
pub const PLAYHEAD_FRACTION: f64 = 0.7;
/// A tick longer than this (a background tab) does not jump playback ahead.
const MAX_TICK_MS: f64 = 250.0;

#[derive(Clone)]
pub struct AppState {
    /// The preset the configuration started from (`None`: imported or default).
    pub preset: Option<&'static str>,
    /// The configuration of the current run (always valid).
    pub scenario: Scenario,
    /// Rejected inputs: knob path → message, and what the user typed.
    pub knob_errors: BTreeMap<String, String>,
    pub drafts: BTreeMap<String, String>,
    /// The run on screen; while `pending`, of an earlier configuration.
    pub run: Rc<RunView>,
    /// The preset of the run on screen.
    run_preset: Option<&'static str>,
    /// A run asked for that the worker is computing.
    pub pending: Option<PendingRun>,
    pub runner: Runner,
    /// Numbers the runs asked for, so that only the latest lands.
    next_seq: u32,
    /// How many events have happened at the time cursor.
    pub cursor: usize,
    /// Virtual time at the cursor; between events while playing.
    pub playhead_us: u64,
    pub playing: bool,
    pub speed: f64,
    pub last_tick_ms: Option<f64>,
    /// Width of the diagram's visible time window.
    pub window_us: u64,
    pub selected_anomaly: Option<usize>,
    pub help_open: bool,
    /// The control whose help is open (its path in `KNOBS`).
    pub control_help: Option<&'static str>,
    /// Presentation mode: large text, the diagram filling the screen, controls tucked away.
    pub presentation: bool,
    /// The anomaly panel shows the whole run's counts and explanations, not only those the
    /// time cursor has passed.
    pub show_all_anomalies: bool,
    pub notices: NoticeList,
    /// A fragment the address bar keeps instead of the run's link: a link that could not
    /// be opened (left there to be fixed) or one waiting for an answer.
    pub address_hold: Option<String>,
    /// Counts links arriving from the address bar, so the bar is rewritten after each.
    pub address_epoch: u32,
    /// A link that arrived while the scenario was being edited, waiting for an answer.
    pending_link: Option<String>,
    /// The run, the compare view or the sweep view.
    pub view: View,
    pub sweep: SweepState,
    pub compare: CompareState,
    /// Shrinking an anomaly to its fewest faults.
    pub shrink: ShrinkState,
    /// Guided lessons.
    pub learning: LearningState,
    /// Interview mode.
    pub interview: InterviewState,
}

pub enum Action {
    SelectPreset(String),
    SetKnob {
        path: String,
        raw: String,
    },
    /// Open a permalink fragment (`#v1=…`).
    LoadLink(String),
    /// A file chosen with "Import config": a configuration or a trace export.
    Import(ImportedFile),
    /// An answer to a notice's question.
    Choose(NoticeChoice),
    Notify {
        level: NoticeLevel,
        text: String,
    },
    Dismiss(u32),
    TogglePlay,
    Pause,
    /// The playback timer fired at this `performance.now()`.
    Tick {
        now_ms: f64,
    },
    StepForward,
    StepBack,
    Seek(usize),
    SetSpeed(f64),
    NextAnomaly,
    SelectAnomaly(usize),
    ClearSelection,
    ZoomIn,
    ZoomOut,
    ToggleHelp,
    CloseHelp,
    TogglePresentation,
    /// The anomaly panel: the whole run's totals, or only what the cursor has passed.
    ToggleShowAll,
    /// Open the help of the control at this path, or close it (`None`).
    ControlHelp(Option<&'static str>),
    /// Escape: close the help or the lessons if open, otherwise leave presentation mode.
    Escape,
    /// Run `seq` is done; it lands if it is still the one asked for.
    RunFinished {
        seq: u32,
        run: Rc<RunView>,
    },
    RunFailed {
        seq: u32,
        message: String,
    },
    /// Stop the pending run: the run on screen and its settings stay.
    CancelRun,
    ShowView(View),
    /// The sweep form's settings (valid for the scenario).
    SetSweep(SweepSettings),
    RunSweep,
    SweepDone {
        seq: u32,
        samples: Vec<Sample>,
    },
    SweepFailed {
        seq: u32,
        message: String,
    },
    CancelSweep,
    /// Open the compare view with this run B beside the run on screen.
    Compare(CompareB),
    CompareFinished {
        seq: u32,
        run: Rc<RunView>,
    },
    CompareFailed {
        seq: u32,
        message: String,
    },
    /// Move the cursor to a virtual time (a click in the compare view's run B).
    SeekTime(u64),
    /// Shrink anomaly `n` of the run on screen to its fewest faults.
    Shrink(usize),
    ShrinkDone {
        seq: u32,
        scenario: Box<Scenario>,
        report: ShrinkReport,
    },
    ShrinkFailed {
        seq: u32,
        message: String,
    },
    CancelShrink,
    /// Back from a shrunk run to the run it was shrunk from.
    Unshrink,
    /// Show or hide the list of lessons.
    ToggleLessons,
    /// Open a lesson (by id) at a step (0: the first).
    StartLesson(String, usize),
    /// The open lesson's next (+1) or previous (−1) step.
    LessonStep(i32),
    /// From the open lesson's last step to the next lesson.
    NextLesson,
    EndLesson,
    /// The lessons finished, as the browser's storage kept them.
    LessonsDone(Vec<String>),
    ResetLessonProgress,
    Interview(InterviewAction),
}

pub(super) fn default_window(run: &RunView) -> u64 {
    run.timeline.end_us.clamp(MIN_WINDOW_US, DEFAULT_WINDOW_US)
}

fn default_scenario() -> (Option<&'static str>, Scenario) {
    match find_preset(DEFAULT_PRESET) {
        Some(p) => (Some(p.name), p.scenario.clone()),
        None => (None, Scenario::default()),
    }
}

impl AppState {
    fn with_run(preset: Option<&'static str>, valid: &ValidScenario) -> AppState {
        let run = Rc::new(RunView::simulate(valid));
        AppState {
            preset,
            scenario: valid.scenario().clone(),
            knob_errors: BTreeMap::new(),
            drafts: BTreeMap::new(),
            window_us: default_window(&run),
            run,
            run_preset: preset,
            pending: None,
            runner: Runner::Inline,
            next_seq: 0,
            cursor: 0,
            playhead_us: 0,
            playing: false,
            speed: 1.0,
            last_tick_ms: None,
            selected_anomaly: None,
            help_open: false,
            presentation: false,
            show_all_anomalies: false,
            control_help: None,
            notices: NoticeList::default(),
            address_hold: None,
            address_epoch: 0,
            pending_link: None,
            view: View::Run,
            sweep: SweepState::new(valid.scenario()),
            compare: CompareState::new(valid.scenario()),
            shrink: ShrinkState::default(),
            learning: LearningState::default(),
            interview: InterviewState::default(),
        }
    }

    /// The default scenario (the `lost-response` preset).
    pub fn initial() -> AppState {
        let (preset, scenario) = default_scenario();
        match validate_for_browser(scenario.clone()) {
            Ok(valid) => AppState::with_run(preset, &valid),
            // Presets are valid (the engine tests it); the engine default is the fallback.
            Err(_) => AppState::with_run(
                None,
                &validate_for_browser(Scenario::default())
                    .unwrap_or_else(|_| unreachable!("the default scenario is valid")),
            ),
        }
    }

    /// The link of the run on screen at this moment. While playing, the cursor is left
    /// out, so the address bar does not change thirty times a second.
    pub fn permalink_fragment(&self) -> String {
        permalink::encode(self.preset, &self.scenario, self.moment(), &self.views())
    }

    /// The views' part of the link: the sweep form once it is in use or differs from its
    /// defaults, run B while comparing.
    pub fn views(&self) -> Views {
        let sweep_in_use =
            self.view == View::Sweep || self.sweep.outcome.is_some() || self.sweep.chosen;
        Views {
            view: self.view,
            sweep: sweep_in_use.then(|| self.sweep.settings.clone()),
            compare: (self.view == View::Compare).then_some(self.compare.b),
            interview: (self.view == View::Interview).then(|| self.interview.link.clone()),
        }
    }

    /// Where playback ends: the later of the runs on screen.
    pub fn end_us(&self) -> u64 {
        let b = match (&self.compare.run, self.view) {
            (Some(run), View::Compare) => run.timeline.end_us,
            _ => 0,
        };
        self.run.timeline.end_us.max(b)
    }

    /// The moment on screen; none while another configuration runs (the cursor is in the
    /// old run).
    fn moment(&self) -> Moment {
        if self.pending.is_some() {
            return Moment::default();
        }
        Moment {
            cursor: (!self.playing && self.cursor > 0).then_some(self.cursor),
            anomaly: self.selected_anomaly,
        }
    }

    fn notify(&mut self, level: NoticeLevel, text: String) {
        self.notices.push(level, text, Vec::new());
    }

    fn seek(&mut self, cursor: usize) {
        self.cursor = cursor.min(self.run.event_count());
        self.playhead_us = self.run.time_at(self.cursor);
    }

    fn tick(&mut self, now_ms: f64) {
        if !self.playing {
            return;
        }
        let elapsed = self
            .last_tick_ms
            .map_or(0.0, |last| (now_ms - last).clamp(0.0, MAX_TICK_MS));
        self.last_tick_ms = Some(now_ms);
        let advance = (elapsed * self.speed * VIRTUAL_US_PER_MS_AT_1X).round() as u64;
        let end = self.end_us();
        self.playhead_us = (self.playhead_us + advance).min(end);
        self.cursor = self.run.cursor_at(self.playhead_us);
        if self.playhead_us >= end {
            self.playing = false;
            self.last_tick_ms = None;
        }
    }

    pub fn anomaly_cursor(&self, index: usize) -> usize {
        self.run.completion_cursor(index).unwrap_or(self.cursor)
    }

    fn select_anomaly(&mut self, index: usize) {
        let Some(anomaly) = self.run.result.anomalies.get(index) else {
            return;
        };
        let trace = &self.run.result.trace;
        let chain_start = anomaly
            .events
            .iter()
            .filter_map(|&e| trace.get(e as usize))
            .map(|e| e.time)
            .min()
            .unwrap_or(anomaly.time_us);
        self.selected_anomaly = Some(index);
        self.playing = false;
        self.seek(self.anomaly_cursor(index));
        // Fit the chain left of the playhead, with some margin.
        let span = self.playhead_us.saturating_sub(chain_start);
        let fit = (span as f64 / (PLAYHEAD_FRACTION * 0.85)) as u64;
        self.window_us = fit
            .max(200_000)
            .min(self.run.timeline.end_us.max(MIN_WINDOW_US));
    }

    fn next_anomaly(&mut self) {
        let count = self.run.result.anomalies.len();
        if count == 0 {
            self.notify(
                NoticeLevel::Info,
                "This run has no anomalies: nothing to jump to.".into(),
            );
            return;
        }
        let position = match self.selected_anomaly {
            Some(i) => (self.anomaly_cursor(i), i),
            None => (self.cursor, usize::MAX),
        };
        let mut order: Vec<(usize, usize)> =
            (0..count).map(|i| (self.anomaly_cursor(i), i)).collect();
        order.sort_unstable();
        let next = order
            .iter()
            .find(|&&key| key > position)
            .or_else(|| order.first())
            .map(|&(_, i)| i);
        if let Some(i) = next {
            self.select_anomaly(i);
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if self.interview_ignores(&action) {
            return self;
        }
        let mut state = (*self).clone();
        match action {
            Action::SelectPreset(name) => state.select_preset(&name),
            Action::SetKnob { path, raw } => state.set_knob(&path, &raw),
            Action::LoadLink(fragment) => state.link_arrived(&fragment),
            Action::Import(file) => state.import(&file),
            Action::Choose(choice) => state.choose(choice),
            Action::Notify { level, text } => state.notify(level, text),
            Action::Dismiss(id) => state.notices.dismiss(id),
            Action::TogglePlay => {
                state.playing = !state.playing;
                state.last_tick_ms = None;
                if state.playing && state.playhead_us >= state.end_us() {
                    state.seek(0);
                }
            }
            Action::Pause => {
                state.playing = false;
                state.last_tick_ms = None;
            }
            Action::Tick { now_ms } => {
                if !state.playing {
                    return self;
                }
                state.tick(now_ms);
            }
            Action::StepForward => {
                state.playing = false;
                state.seek(state.cursor + 1);
            }
            Action::StepBack => {
                state.playing = false;
                state.seek(state.cursor.saturating_sub(1));
            }
            Action::Seek(cursor) => state.seek(cursor),
            Action::SetSpeed(speed) => {
                if speed.is_finite() {
                    state.speed = speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]);
                }
            }
            Action::NextAnomaly => state.next_anomaly(),
            Action::SelectAnomaly(index) => state.select_anomaly(index),
            Action::ClearSelection => state.selected_anomaly = None,
            Action::ZoomIn => state.window_us = (state.window_us / 2).max(MIN_WINDOW_US),
            Action::ZoomOut => {
                let widest = state.run.timeline.end_us.max(MIN_WINDOW_US);
                state.window_us = state.window_us.saturating_mul(2).min(widest);
            }
            Action::ToggleShowAll => state.show_all_anomalies = !state.show_all_anomalies,
            Action::ControlHelp(path) => state.control_help = path,
            Action::ToggleHelp => state.help_open = !state.help_open,
            Action::CloseHelp => state.help_open = false,
            Action::TogglePresentation => {
                state.presentation = !state.presentation;
                // Presentation mode shows the run: the views beside it have no such layout.
                if state.presentation {
                    state.view = View::Run;
                }
            }
            Action::Escape => {
                if state.help_open {
                    state.help_open = false;
                } else if state.control_help.is_some() {
                    state.control_help = None;
                } else if state.learning.list_open {
                    state.learning.list_open = false;
                } else if state.presentation {
                    state.presentation = false;
                } else {
                    return self;
                }
            }
            Action::RunFinished { seq, run } => {
                state.run_finished(seq, run);
                state.select_shrunk_anomaly();
            }
            Action::RunFailed { seq, message } => state.run_failed(seq, &message),
            Action::CancelRun => state.cancel_run(),
            Action::ShowView(view) => state.show_view(view),
            Action::SetSweep(settings) => state.set_sweep(settings),
            Action::RunSweep => state.run_sweep(),
            Action::SweepDone { seq, samples } => state.sweep_done(seq, &samples),
            Action::SweepFailed { seq, message } => state.sweep_failed(seq, &message),
            Action::CancelSweep => state.cancel_sweep(),
            Action::Compare(b) => {
                state.view = View::Compare;
                state.compare.b = b;
            }
            Action::CompareFinished { seq, run } => state.compare_finished(seq, run),
            Action::CompareFailed { seq, message } => state.compare_failed(seq, &message),
            Action::SeekTime(time_us) => {
                state.playing = false;
                state.playhead_us = time_us.min(state.end_us());
                state.cursor = state.run.cursor_at(state.playhead_us);
            }
            Action::Shrink(index) => state.start_shrink(index),
            Action::ShrinkDone {
                seq,
                scenario,
                report,
            } => state.shrink_done(seq, *scenario, report),
            Action::ShrinkFailed { seq, message } => state.shrink_failed(seq, &message),
            Action::CancelShrink => state.cancel_shrink(),
            Action::Unshrink => state.unshrink(),
            Action::ToggleLessons => state.learning.list_open = !state.learning.list_open,
            Action::StartLesson(id, step) => state.open_lesson(&id, step),
            Action::LessonStep(delta) => state.lesson_step(delta),
            Action::NextLesson => state.next_lesson(),
            Action::EndLesson => state.learning.open = None,
            Action::LessonsDone(done) => state.learning.done = done,
            Action::ResetLessonProgress => state.learning.done.clear(),
            Action::Interview(action) => state.interview(action),
        }
        // Only what changes the configuration, the view or run B: not every tick.
        if state.scenario != self.scenario
            || state.view != self.view
            || state.compare.b != self.compare.b
        {
            state.fit_sweep();
            state.refresh_compare();
        }
        Rc::new(state)
    }
}
