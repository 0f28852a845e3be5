//! The page's side of a shrink: a worker of its own, started for each shrink asked for and
//! terminated to cancel it; the answer comes back as [`ShrinkEvent`]s. Without a worker
//! the shrink runs on the page, with a smaller budget of runs.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::prelude::*;
use web_sys::Worker;
use yew::platform::{spawn_local, time::sleep};
use yew::Callback;

use crate::sim::shrink::shrink;
use crate::sim::Scenario;
use crate::ui::settings::scenario_json;

use super::spawn::{retire_slot, spawn_for, Handlers};
use super::{get, get_f64, message, set};

/// Runs a shrink on the page may make (no worker: it blocks the page while it runs).
const ON_PAGE_RUNS: u32 = 60;

/// What a finished shrink found, for the banner.
#[derive(Clone, Debug, PartialEq)]
pub struct ShrinkReport {
    /// "this double charge needs exactly one fault (from 10 in the original run, in 7 runs)".
    pub summary: String,
    /// The anomaly's sentence in the shrunk run.
    pub sentence: String,
    /// Each kept fault in words.
    pub descriptions: Vec<String>,
}

pub enum ShrinkEvent {
    Done {
        seq: u32,
        scenario: Box<Scenario>,
        report: ShrinkReport,
    },
    Failed {
        seq: u32,
        message: String,
    },
}

struct Wanted {
    seq: u32,
    scenario: Scenario,
    anomaly: usize,
}

struct Shared {
    worker: Option<(Worker, Handlers)>,
    wanted: Option<Wanted>,
    on_event: Callback<ShrinkEvent>,
}

/// Owns the shrink's worker; dropping it terminates the worker.
pub struct ShrinkHost {
    shared: Rc<RefCell<Shared>>,
}

impl ShrinkHost {
    pub fn new(on_event: Callback<ShrinkEvent>) -> ShrinkHost {
        ShrinkHost {
            shared: Rc::new(RefCell::new(Shared {
                worker: None,
                wanted: None,
                on_event,
            })),
        }
    }

    /// Shrink anomaly `anomaly` of `scenario`'s run, instead of any shrink asked for before.
    pub fn request(&self, seq: u32, scenario: Scenario, anomaly: usize) {
        {
            let mut s = self.shared.borrow_mut();
            retire_slot(&mut s.worker);
            s.wanted = Some(Wanted {
                seq,
                scenario,
                anomaly,
            });
        }
        match spawn_for(&self.shared, received, stopped) {
            Some(started) => self.shared.borrow_mut().worker = Some(started),
            None => shrink_on_page(&self.shared, seq),
        }
    }

    pub fn cancel(&self) {
        let mut s = self.shared.borrow_mut();
        s.wanted = None;
        retire_slot(&mut s.worker);
    }
}

impl Drop for ShrinkHost {
    fn drop(&mut self) {
        retire_slot(&mut self.shared.borrow_mut().worker);
    }
}

/// The worker stopped with an error: the shrink asked for fails.
fn stopped(shared: &Rc<RefCell<Shared>>, error: String) {
    let seq = shared.borrow().wanted.as_ref().map(|w| w.seq);
    if let Some(seq) = seq {
        fail(shared, seq, format!("the shrink stopped ({error})"));
    }
}

fn post_wanted(shared: &Rc<RefCell<Shared>>) {
    let s = shared.borrow();
    let (Some(wanted), Some((worker, _))) = (&s.wanted, &s.worker) else {
        return;
    };
    let request = message("shrink", wanted.seq);
    let json = scenario_json(&wanted.scenario).to_string();
    set(&request, "scenario", &JsValue::from_str(&json));
    set(&request, "anomaly", &(wanted.anomaly as f64).into());
    let _ = worker.post_message(&request);
}

fn received(shared: &Rc<RefCell<Shared>>, data: JsValue) {
    let seq = get_f64(&data, "seq") as u32;
    let current = shared
        .borrow()
        .wanted
        .as_ref()
        .is_some_and(|w| w.seq == seq);
    match get(&data, "type").as_string().unwrap_or_default().as_str() {
        "ready" => post_wanted(shared),
        "unavailable" => {
            retire_slot(&mut shared.borrow_mut().worker);
            let seq = shared.borrow().wanted.as_ref().map(|w| w.seq);
            if let Some(seq) = seq {
                shrink_on_page(shared, seq);
            }
        }
        "shrunk" if current => {
            let text = |key: &str| get(&data, key).as_string().unwrap_or_default();
            let descriptions = js_sys::Array::from(&get(&data, "descriptions"))
                .iter()
                .filter_map(|d| d.as_string())
                .collect();
            let report = ShrinkReport {
                summary: text("summary"),
                sentence: text("sentence"),
                descriptions,
            };
            match Scenario::from_json(&text("scenario")) {
                Ok(scenario) => done(shared, seq, scenario, report),
                Err(e) => fail(shared, seq, e),
            }
        }
        "failed" if current => {
            let message = get(&data, "message").as_string().unwrap_or_default();
            fail(shared, seq, message);
        }
        _ => {}
    }
}

fn take_wanted(shared: &Rc<RefCell<Shared>>, seq: u32) -> Option<Callback<ShrinkEvent>> {
    let mut s = shared.borrow_mut();
    if s.wanted.as_ref().is_none_or(|w| w.seq != seq) {
        return None;
    }
    s.wanted = None;
    retire_slot(&mut s.worker);
    Some(s.on_event.clone())
}

fn done(shared: &Rc<RefCell<Shared>>, seq: u32, scenario: Scenario, report: ShrinkReport) {
    if let Some(on_event) = take_wanted(shared, seq) {
        on_event.emit(ShrinkEvent::Done {
            seq,
            scenario: Box::new(scenario),
            report,
        });
    }
}

fn fail(shared: &Rc<RefCell<Shared>>, seq: u32, message: String) {
    if let Some(on_event) = take_wanted(shared, seq) {
        on_event.emit(ShrinkEvent::Failed { seq, message });
    }
}

/// No worker: shrink here, after the current task, with a budget of runs.
fn shrink_on_page(shared: &Rc<RefCell<Shared>>, seq: u32) {
    let shared = Rc::downgrade(shared);
    spawn_local(async move {
        sleep(Duration::ZERO).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let wanted = {
            let s = shared.borrow();
            s.wanted
                .as_ref()
                .filter(|w| w.seq == seq)
                .map(|w| (w.scenario.clone(), w.anomaly))
        };
        let Some((scenario, anomaly)) = wanted else {
            return;
        };
        match shrink(&scenario, anomaly, ON_PAGE_RUNS, &mut |_| true) {
            Ok(shrunk) => {
                let report = ShrinkReport {
                    summary: shrunk.summary(),
                    sentence: shrunk.anomaly_sentence().to_string(),
                    descriptions: shrunk.descriptions.clone(),
                };
                done(&shared, seq, shrunk.scenario, report);
            }
            Err(e) => fail(&shared, seq, e),
        }
    });
}
