//! The page's side of an interview's score: a worker of its own for each score asked for
//! (the search for the cheapest protections runs the question up to 256 times), terminated
//! when the score is no longer wanted. Without a worker there is no score (the reveal still
//! shows the run), rather than a page frozen by the search.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::Worker;

use yew::Callback;

use crate::sim::interview::{choices, question, Trial};
use crate::sim::oracle::AnomalyKind;

use super::score_job::{kinds_named, trial_from_js};
use super::spawn::{retire_slot, spawn_for, Handlers};
use super::{get, get_f64, message, set};

pub enum ScoreEvent {
    Done {
        seq: u32,
        actual: Vec<AnomalyKind>,
        yours: Trial,
        cheapest: Option<Trial>,
    },
    Failed {
        seq: u32,
        message: String,
    },
}

struct Wanted {
    seq: u32,
    number: u64,
    protections: Vec<&'static str>,
}

struct Shared {
    worker: Option<(Worker, Handlers)>,
    wanted: Option<Wanted>,
    on_event: Callback<ScoreEvent>,
}

/// Owns the score's worker; dropping it terminates the worker.
pub struct ScoreHost {
    shared: Rc<RefCell<Shared>>,
}

impl ScoreHost {
    pub fn new(on_event: Callback<ScoreEvent>) -> ScoreHost {
        ScoreHost {
            shared: Rc::new(RefCell::new(Shared {
                worker: None,
                wanted: None,
                on_event,
            })),
        }
    }

    /// Score question `number` with `protections`, instead of any score asked for before.
    pub fn request(&self, seq: u32, number: u64, protections: Vec<&'static str>) {
        {
            let mut s = self.shared.borrow_mut();
            retire_slot(&mut s.worker);
            s.wanted = Some(Wanted {
                seq,
                number,
                protections,
            });
        }
        match spawn_for(&self.shared, received, stopped) {
            Some(started) => self.shared.borrow_mut().worker = Some(started),
            None => unavailable(&self.shared, seq),
        }
    }

    pub fn cancel(&self) {
        let mut s = self.shared.borrow_mut();
        s.wanted = None;
        retire_slot(&mut s.worker);
    }
}

impl Drop for ScoreHost {
    fn drop(&mut self) {
        retire_slot(&mut self.shared.borrow_mut().worker);
    }
}

/// The worker stopped with an error: the score asked for fails.
fn stopped(shared: &Rc<RefCell<Shared>>, error: String) {
    let seq = shared.borrow().wanted.as_ref().map(|w| w.seq);
    if let Some(seq) = seq {
        let message = format!("the worker stopped ({error})");
        answer(shared, ScoreEvent::Failed { seq, message });
    }
}

fn received(shared: &Rc<RefCell<Shared>>, data: JsValue) {
    let seq = get_f64(&data, "seq") as u32;
    let Some(number) = shared.borrow().wanted.as_ref().map(|w| w.number) else {
        return;
    };
    let offered = choices(question(number).scenario.workload);
    let event = match get(&data, "type").as_string().unwrap_or_default().as_str() {
        "ready" => {
            let s = shared.borrow();
            if let (Some(wanted), Some((worker, _))) = (&s.wanted, &s.worker) {
                let request = message("score", wanted.seq);
                set(&request, "question", &(wanted.number as f64).into());
                let chosen = wanted.protections.join(",");
                set(&request, "protections", &JsValue::from_str(&chosen));
                let _ = worker.post_message(&request);
            }
            return;
        }
        "unavailable" => {
            let seq = shared.borrow().wanted.as_ref().map(|w| w.seq);
            if let Some(seq) = seq {
                unavailable(shared, seq);
            }
            return;
        }
        "scored" => match trial_from_js(&get(&data, "yours"), offered) {
            Some(yours) => ScoreEvent::Done {
                seq,
                actual: kinds_named(&get(&data, "actual").as_string().unwrap_or_default()),
                yours,
                cheapest: trial_from_js(&get(&data, "cheapest"), offered),
            },
            None => ScoreEvent::Failed {
                seq,
                message: "the worker's answer has no trial".into(),
            },
        },
        "failed" => ScoreEvent::Failed {
            seq,
            message: get(&data, "message").as_string().unwrap_or_default(),
        },
        _ => return,
    };
    answer(shared, event);
}

/// Hand the answer to the app if its score is still wanted; the worker's job is done.
fn answer(shared: &Rc<RefCell<Shared>>, event: ScoreEvent) {
    let seq = match &event {
        ScoreEvent::Done { seq, .. } | ScoreEvent::Failed { seq, .. } => *seq,
    };
    let on_event = {
        let mut s = shared.borrow_mut();
        if s.wanted.as_ref().is_none_or(|w| w.seq != seq) {
            return;
        }
        s.wanted = None;
        retire_slot(&mut s.worker);
        s.on_event.clone()
    };
    on_event.emit(event);
}

/// No worker: the search would hold the page for a second or more, so it is not run here.
fn unavailable(shared: &Rc<RefCell<Shared>>, seq: u32) {
    let message = "scoring runs in a web worker, and this browser could not start one".into();
    answer(shared, ScoreEvent::Failed { seq, message });
}
