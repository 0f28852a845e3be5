//! The page's side: starts the worker, hands it the latest run wanted, and turns its
//! answers into [`HostEvent`]s (the run itself is rebuilt by `assemble`). Without a worker
//! (it failed to start) runs happen here, as before.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::prelude::*;
use web_sys::Worker;
use yew::platform::{spawn_local, time::sleep};
use yew::Callback;

use crate::sim::ValidScenario;
use crate::ui::run_view::RunView;
use crate::ui::settings::scenario_json;

use super::assemble::assemble;
use super::spawn::{retire_slot, spawn_for, Handlers};
use super::{get, get_f64, message, set};

/// What the host tells the app about the run it asked for. Progress is not an event: it
/// goes to a cell that only the status reads, so the app does not re-render for it (a
/// render resets what is being typed into a control).
pub enum HostEvent {
    Finished { seq: u32, run: Rc<RunView> },
    Failed { seq: u32, message: String },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// No run has needed the worker yet: opening the page starts nothing.
    NotStarted,
    Starting,
    Ready,
    Running(u32),
    /// No worker could start: runs happen on the page.
    Unavailable,
}

struct Wanted {
    seq: u32,
    valid: ValidScenario,
}

pub(super) struct Shared {
    worker: Option<(Worker, Handlers)>,
    phase: Phase,
    /// The latest run asked for, until it is on screen or cancelled.
    wanted: Option<Wanted>,
    on_event: Callback<HostEvent>,
    /// The wanted run's progress, 0 to 1.
    progress: Rc<Cell<f64>>,
}

impl Shared {
    pub(super) fn wants(&self, seq: u32) -> bool {
        self.wanted.as_ref().is_some_and(|w| w.seq == seq)
    }
}

/// Owns the worker (started for the first run that needs it); dropping it terminates the
/// worker.
pub struct RunHost {
    shared: Rc<RefCell<Shared>>,
}

impl RunHost {
    pub fn start(on_event: Callback<HostEvent>, progress: Rc<Cell<f64>>) -> RunHost {
        let shared = Rc::new(RefCell::new(Shared {
            worker: None,
            phase: Phase::NotStarted,
            wanted: None,
            on_event,
            progress,
        }));
        RunHost { shared }
    }

    /// Run `valid` as run `seq`, instead of any run asked for before.
    pub fn request(&self, seq: u32, valid: &ValidScenario) {
        let phase = {
            let mut shared = self.shared.borrow_mut();
            shared.wanted = Some(Wanted {
                seq,
                valid: valid.clone(),
            });
            shared.progress.set(0.0);
            shared.phase
        };
        match phase {
            Phase::Ready => post_wanted(&self.shared),
            // The worker cannot be interrupted: a fresh one starts on the newer run.
            Phase::NotStarted | Phase::Running(_) => spawn(&self.shared),
            Phase::Starting => {}
            Phase::Unavailable => run_here(&self.shared, seq),
        }
    }

    /// Forget the run asked for; stop the worker if it is on it.
    pub fn cancel(&self) {
        let running = {
            let mut shared = self.shared.borrow_mut();
            shared.wanted = None;
            matches!(shared.phase, Phase::Running(_))
        };
        if running {
            spawn(&self.shared);
        }
    }
}

impl Drop for RunHost {
    fn drop(&mut self) {
        retire_slot(&mut self.shared.borrow_mut().worker);
    }
}

/// Start a fresh worker (stopping the one there is) on the page's own wasm module.
fn spawn(shared: &Rc<RefCell<Shared>>) {
    {
        let mut s = shared.borrow_mut();
        s.phase = Phase::Starting;
        retire_slot(&mut s.worker);
    }
    match spawn_for(shared, received, crashed) {
        Some(started) => shared.borrow_mut().worker = Some(started),
        None => unavailable(shared),
    }
}

/// Post the wanted run to the ready worker.
fn post_wanted(shared: &Rc<RefCell<Shared>>) {
    let mut s = shared.borrow_mut();
    let Some(wanted) = &s.wanted else { return };
    let seq = wanted.seq;
    let run = message("run", seq);
    // Through a JSON value, as links do: a second way of writing a scenario would cost
    // the bundle 6 KB.
    let json = scenario_json(wanted.valid.scenario()).to_string();
    set(&run, "scenario", &JsValue::from_str(&json));
    let posted = s
        .worker
        .as_ref()
        .is_some_and(|(worker, _)| worker.post_message(&run).is_ok());
    if posted {
        s.phase = Phase::Running(seq);
    } else {
        drop(s);
        unavailable(shared);
    }
}

fn received(shared: &Rc<RefCell<Shared>>, data: JsValue) {
    let seq = get_f64(&data, "seq") as u32;
    let kind = get(&data, "type").as_string().unwrap_or_default();
    let (wanted, progress) = {
        let s = shared.borrow();
        (s.wants(seq), s.progress.clone())
    };
    match kind.as_str() {
        "ready" => {
            shared.borrow_mut().phase = Phase::Ready;
            post_wanted(shared);
        }
        "unavailable" => unavailable(shared),
        "progress" if wanted => progress.set(get_f64(&data, "fraction").clamp(0.0, 1.0)),
        "done" => {
            shared.borrow_mut().phase = Phase::Ready;
            if wanted {
                progress.set(1.0);
                let scenario = {
                    let s = shared.borrow();
                    s.wanted.as_ref().map(|w| w.valid.scenario().clone())
                };
                if let Some(scenario) = scenario {
                    spawn_local(assemble(Rc::downgrade(shared), seq, scenario, data));
                }
            } else {
                // A newer run may be waiting for the worker to be free.
                post_wanted(shared);
            }
        }
        "failed" => {
            shared.borrow_mut().phase = Phase::Ready;
            let message = get(&data, "message").as_string().unwrap_or_default();
            fail(shared, seq, message);
        }
        _ => {}
    }
}

/// The worker stopped with an error: while starting, it is unavailable; while running,
/// that run failed and a fresh worker takes the next one.
fn crashed(shared: &Rc<RefCell<Shared>>, error: String) {
    let phase = shared.borrow().phase;
    match phase {
        Phase::Starting => unavailable(shared),
        Phase::Running(seq) => {
            fail(shared, seq, format!("the simulation stopped ({error})"));
            spawn(shared);
        }
        Phase::NotStarted | Phase::Ready | Phase::Unavailable => {}
    }
}

pub(super) fn fail(shared: &Rc<RefCell<Shared>>, seq: u32, message: String) {
    let on_event = {
        let mut s = shared.borrow_mut();
        if !s.wants(seq) {
            return;
        }
        s.wanted = None;
        s.on_event.clone()
    };
    on_event.emit(HostEvent::Failed { seq, message });
}

/// No worker: stop trying, and run what is wanted on the page.
fn unavailable(shared: &Rc<RefCell<Shared>>) {
    let wanted = {
        let mut s = shared.borrow_mut();
        retire_slot(&mut s.worker);
        s.phase = Phase::Unavailable;
        s.wanted.as_ref().map(|w| w.seq)
    };
    if let Some(seq) = wanted {
        run_here(shared, seq);
    }
}

/// Run `seq` on the page, after the current task (the app may be rendering).
fn run_here(shared: &Rc<RefCell<Shared>>, seq: u32) {
    let shared = Rc::downgrade(shared);
    spawn_local(async move {
        sleep(Duration::ZERO).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let valid = {
            let s = shared.borrow();
            match &s.wanted {
                Some(w) if w.seq == seq => w.valid.clone(),
                _ => return,
            }
        };
        finish(&shared, seq, Rc::new(RunView::simulate(&valid)));
    });
}

pub(super) fn finish(shared: &Rc<RefCell<Shared>>, seq: u32, run: Rc<RunView>) {
    let on_event = {
        let mut s = shared.borrow_mut();
        if !s.wants(seq) {
            return;
        }
        s.wanted = None;
        s.on_event.clone()
    };
    on_event.emit(HostEvent::Finished { seq, run });
}
