//! The page's side of a sweep: a pool of workers (one per core, at most four), each
//! handed a chunk of the sweep's jobs at a time and the next one when it answers, so a
//! slow corner of the range does not leave the other cores idle. The samples come back
//! in transferred buffers; when all are in, the app hears [`SweepEvent::Done`].
//! Cancelling terminates the workers. Without workers the chunks run on the page,
//! yielding to the browser between them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use js_sys::Float64Array;
use wasm_bindgen::prelude::*;
use web_sys::Worker;
use yew::platform::{spawn_local, time::sleep};
use yew::Callback;

use crate::sim::sweep::{Sample, SweepSpec};

use super::spawn::{retire, spawn_worker, Handlers};
use super::sweep_jobs::{samples_from_js, sweep_sample, SpecMessage};
use super::{get, get_f64, message, set};

/// Most workers a sweep starts.
const MAX_WORKERS: usize = 4;
/// Chunks per worker over a sweep: progress moves often, and the last chunk to finish is
/// short.
const CHUNKS_PER_WORKER: usize = 25;

/// How a sweep ended.
pub enum SweepEvent {
    Done { seq: u32, samples: Vec<Sample> },
    Failed { seq: u32, message: String },
}

/// Runs done and runs in all, for the status line (read on a timer, like run progress).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SweepProgress {
    pub done: usize,
    pub total: usize,
}

struct Slot {
    worker: Worker,
    _handlers: Handlers,
    /// The first job of the chunk it is on.
    busy: Option<usize>,
}

struct Wanted {
    seq: u32,
    message: SpecMessage,
    spec: Rc<SweepSpec>,
    chunk: usize,
    next: usize,
    samples: Vec<Sample>,
    done: usize,
}

struct Shared {
    slots: Vec<Option<Slot>>,
    wanted: Option<Wanted>,
    on_event: Callback<SweepEvent>,
    progress: Rc<Cell<SweepProgress>>,
    /// No worker could start: chunks run on the page.
    on_page: bool,
}

/// Owns the sweep's workers; dropping it terminates them.
pub struct SweepHost {
    shared: Rc<RefCell<Shared>>,
}

impl SweepHost {
    pub fn new(on_event: Callback<SweepEvent>, progress: Rc<Cell<SweepProgress>>) -> SweepHost {
        SweepHost {
            shared: Rc::new(RefCell::new(Shared {
                slots: Vec::new(),
                wanted: None,
                on_event,
                progress,
                on_page: false,
            })),
        }
    }

    /// Run every job of `spec` as sweep `seq`; `message` describes it to the workers.
    pub fn request(&self, seq: u32, spec: Rc<SweepSpec>, message: SpecMessage) {
        let total = spec.jobs().len();
        let workers = worker_count().min(total.max(1));
        let chunk = total.div_ceil(workers * CHUNKS_PER_WORKER).max(1);
        let on_page = {
            let mut s = self.shared.borrow_mut();
            terminate_all(&mut s);
            s.wanted = Some(Wanted {
                seq,
                message,
                spec,
                chunk,
                next: 0,
                samples: vec![Sample::default(); total],
                done: 0,
            });
            s.progress.set(SweepProgress { done: 0, total });
            s.on_page
        };
        if on_page {
            run_on_page(&self.shared, seq);
            return;
        }
        for index in 0..workers {
            let slot = start_worker(&self.shared, index);
            let mut s = self.shared.borrow_mut();
            match slot {
                Some(slot) => s.slots.push(Some(slot)),
                None => {
                    terminate_all(&mut s);
                    s.on_page = true;
                    drop(s);
                    run_on_page(&self.shared, seq);
                    return;
                }
            }
        }
    }

    /// Stop the sweep: its workers are terminated mid-run.
    pub fn cancel(&self) {
        let mut s = self.shared.borrow_mut();
        s.wanted = None;
        terminate_all(&mut s);
    }
}

impl Drop for SweepHost {
    fn drop(&mut self) {
        terminate_all(&mut self.shared.borrow_mut());
    }
}

fn worker_count() -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (cores as usize).clamp(1, MAX_WORKERS)
}

fn terminate_all(shared: &mut Shared) {
    for slot in shared.slots.drain(..).flatten() {
        retire(slot.worker, slot._handlers);
    }
}

fn start_worker(shared: &Rc<RefCell<Shared>>, index: usize) -> Option<Slot> {
    let (on_message, on_error) = (Rc::downgrade(shared), Rc::downgrade(shared));
    let (worker, handlers) = spawn_worker(
        move |data| {
            if let Some(shared) = on_message.upgrade() {
                received(&shared, index, data);
            }
        },
        move |error| {
            if let Some(shared) = on_error.upgrade() {
                fail(&shared, format!("a sweep worker stopped ({error})"));
            }
        },
    )?;
    Some(Slot {
        worker,
        _handlers: handlers,
        busy: None,
    })
}

/// Give worker `index` the next chunk, if any is left.
fn hand_out(shared: &Rc<RefCell<Shared>>, index: usize) {
    let mut s = shared.borrow_mut();
    let Shared { slots, wanted, .. } = &mut *s;
    let (Some(Some(slot)), Some(wanted)) = (slots.get_mut(index), wanted.as_mut()) else {
        return;
    };
    let total = wanted.samples.len();
    if wanted.next >= total {
        slot.busy = None;
        return;
    }
    let first = wanted.next;
    let count = wanted.chunk.min(total - first);
    wanted.next += count;
    let chunk = message("sweep", wanted.seq);
    wanted.message.write(&chunk);
    set(&chunk, "first", &first.into());
    set(&chunk, "count", &count.into());
    slot.busy = Some(first);
    if slot.worker.post_message(&chunk).is_err() {
        drop(s);
        fail(shared, "the sweep could not be handed to a worker".into());
    }
}

fn received(shared: &Rc<RefCell<Shared>>, index: usize, data: JsValue) {
    let seq = get_f64(&data, "seq") as u32;
    let kind = get(&data, "type").as_string().unwrap_or_default();
    let current = shared
        .borrow()
        .wanted
        .as_ref()
        .is_some_and(|w| w.seq == seq);
    match kind.as_str() {
        "ready" => hand_out(shared, index),
        "unavailable" => {
            let seq = {
                let mut s = shared.borrow_mut();
                terminate_all(&mut s);
                s.on_page = true;
                s.wanted.as_mut().map(|w| {
                    // Chunks handed out are lost with the workers: start again here.
                    w.next = 0;
                    w.done = 0;
                    w.seq
                })
            };
            if let Some(seq) = seq {
                run_on_page(shared, seq);
            }
        }
        "samples" if current => {
            let first = get_f64(&data, "first") as usize;
            let samples = samples_from_js(&get(&data, "samples").unchecked_into::<Float64Array>());
            if store(shared, first, &samples) {
                hand_out(shared, index);
            }
        }
        "failed" if current => {
            fail(
                shared,
                get(&data, "message").as_string().unwrap_or_default(),
            );
        }
        _ => {}
    }
}

/// Keep a chunk's samples; `false` once the sweep is complete (and reported).
fn store(shared: &Rc<RefCell<Shared>>, first: usize, samples: &[Sample]) -> bool {
    let finished = {
        let mut s = shared.borrow_mut();
        let Some(wanted) = s.wanted.as_mut() else {
            return false;
        };
        let end = (first + samples.len()).min(wanted.samples.len());
        wanted.samples[first..end].copy_from_slice(&samples[..end - first]);
        wanted.done += end - first;
        let progress = SweepProgress {
            done: wanted.done,
            total: wanted.samples.len(),
        };
        s.progress.set(progress);
        if progress.done < progress.total {
            return true;
        }
        let wanted = s.wanted.take();
        wanted.map(|w| (w.seq, w.samples, s.on_event.clone()))
    };
    if let Some((seq, samples, on_event)) = finished {
        on_event.emit(SweepEvent::Done { seq, samples });
    }
    false
}

fn fail(shared: &Rc<RefCell<Shared>>, message: String) {
    let failed = {
        let mut s = shared.borrow_mut();
        terminate_all(&mut s);
        let seq = s.wanted.take().map(|w| w.seq);
        seq.map(|seq| (seq, s.on_event.clone()))
    };
    if let Some((seq, on_event)) = failed {
        on_event.emit(SweepEvent::Failed { seq, message });
    }
}

/// No workers: run the chunks here, one task each, so the page stays responsive.
fn run_on_page(shared: &Rc<RefCell<Shared>>, seq: u32) {
    let shared = Rc::downgrade(shared);
    spawn_local(async move {
        loop {
            sleep(Duration::ZERO).await;
            let Some(strong) = shared.upgrade() else {
                return;
            };
            let chunk = {
                let mut s = strong.borrow_mut();
                match s.wanted.as_mut() {
                    Some(w) if w.seq == seq && w.next < w.samples.len() => {
                        let first = w.next;
                        let count = w.chunk.min(w.samples.len() - first);
                        w.next += count;
                        Some((w.spec.clone(), first, count))
                    }
                    _ => None,
                }
            };
            let Some((spec, first, count)) = chunk else {
                return;
            };
            let jobs = spec.jobs();
            let samples: Result<Vec<Sample>, String> = jobs[first..first + count]
                .iter()
                .map(|&job| sweep_sample(&spec, job))
                .collect();
            match samples {
                Ok(samples) => {
                    if !store(&strong, first, &samples) {
                        return;
                    }
                }
                Err(e) => return fail(&strong, e),
            }
        }
    });
}
