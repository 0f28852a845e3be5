//! The root component: owns the state, the playback timer, the keyboard shortcuts and the
//! simulation worker, and lays out the panels.

use std::cell::{Cell, RefCell};
use std::convert::identity;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

use super::anomaly_panel::AnomalyPanel;
use super::browser;
use super::compare_menu::CompareMenu;
use super::compare_view::CompareView;
use super::control_help::ControlHelp;
use super::control_panel::ControlPanel;
use super::costs_panel::CostsPanel;
use super::diagram::Diagram;
use super::footer::Footer;
use super::help_overlay::HelpOverlay;
use super::interview_view::InterviewView;
use super::interview_worker::use_score_worker;
use super::legend::Legend;
use super::lesson_card::LessonCard;
use super::lesson_progress::use_lesson_progress;
use super::lessons_dialog::LessonsDialog;
use super::notices::Notices;
use super::permalink::{self, Moment, View};
use super::run_status::RunStatus;
use super::run_view::now_ms;
use super::shortcuts::{shortcut, FocusOrigin};
use super::shrink_banner::ShrinkBanner;
use super::shrink_worker::use_shrink_worker;
use super::state::{Action, AppState, NoticeLevel};
use super::state_tables::StateTables;
use super::sweep_view::SweepView;
use super::time_controls::TimeControls;
use super::toolbar::Toolbar;
use super::view_tabs::ViewTabs;
use super::view_workers::{use_compare_worker, use_sweep_worker};
use super::worker::{HostEvent, RunHost};
use crate::sim::lessons::step_scenario;

/// Playback timer period: about 30 frames a second.
const TICK_MS: u32 = 33;
/// How long the cursor rests before the address bar follows it.
const ADDRESS_DELAY_MS: u32 = 250;

/// The skip link moves the focus to Play without touching the URL fragment, which holds
/// the permalink.
fn skip_to_playback(event: MouseEvent) {
    event.prevent_default();
    if let Some(play) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("play-button"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = play.focus();
    }
}

/// A callback that turns what a component reports into an action for the reducer. It is
/// made once and kept: a new callback at every render would make every component that
/// takes it (the control panel's hundred-odd controls among them) render again at each
/// step of the time cursor.
#[hook]
fn use_forward<T: 'static, F: Fn(T) -> Action + 'static>(
    dispatcher: &UseReducerDispatcher<AppState>,
    to_action: F,
) -> Callback<T> {
    let dispatcher = dispatcher.clone();
    let callback = use_memo((), move |_| {
        Callback::from(move |value: T| dispatcher.dispatch(to_action(value)))
    });
    (*callback).clone()
}

#[component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::open_page(&browser::location_hash()));
    let dispatcher = state.dispatcher();

    // The worker, started once; a run the reducer could not do at once is handed to it,
    // and a run no longer pending (landed or cancelled) is taken back.
    let host = use_mut_ref(|| None::<RunHost>);
    let progress = use_memo((), |_| Cell::new(0.0));
    {
        let host = host.clone();
        let dispatcher = dispatcher.clone();
        let progress = progress.clone();
        use_effect_with((), move |_| {
            let on_event = Callback::from(move |event: HostEvent| {
                dispatcher.dispatch(match event {
                    HostEvent::Finished { seq, run } => Action::RunFinished { seq, run },
                    HostEvent::Failed { seq, message } => Action::RunFailed { seq, message },
                })
            });
            *host.borrow_mut() = Some(RunHost::start(on_event, progress));
            move || drop(host.borrow_mut().take())
        });
    }
    {
        let host = host.clone();
        let pending = state.pending.clone();
        use_effect_with(pending.as_ref().map(|p| p.seq), move |_| {
            if let Some(host) = host.borrow().as_ref() {
                match &pending {
                    Some(pending) => host.request(pending.seq, &pending.valid),
                    None => host.cancel(),
                }
            }
        });
    }

    let sweep_progress = use_sweep_worker(dispatcher.clone(), state.sweep.running.clone());
    use_shrink_worker(dispatcher.clone(), state.shrink.pending.clone());
    use_score_worker(dispatcher.clone(), state.interview.scoring.clone());
    use_lesson_progress(dispatcher.clone(), state.learning.done.clone());
    // B's progress is not shown: "Running B…" says enough beside A's own status.
    let _ = use_compare_worker(dispatcher.clone(), state.compare.pending.clone());

    // The one timer: it exists while playing and is dropped (cancelled) on pause.
    {
        let dispatcher = dispatcher.clone();
        use_effect_with(state.playing, move |playing| {
            let timer = playing.then(|| {
                Interval::new(TICK_MS, move || {
                    dispatcher.dispatch(Action::Tick { now_ms: now_ms() })
                })
            });
            move || drop(timer)
        });
    }
    // Keyboard shortcuts, and links pasted into the address bar of an open page.
    {
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|window| {
                let origin = Rc::new(RefCell::new(FocusOrigin::default()));
                let pointer = {
                    let origin = origin.clone();
                    EventListener::new(&window, "pointerdown", move |_| {
                        origin.borrow_mut().pointer_down()
                    })
                };
                let focus = {
                    let origin = origin.clone();
                    EventListener::new(&window, "focusin", move |event| {
                        let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
                        origin.borrow_mut().focus_in(target);
                    })
                };
                let keys = {
                    let dispatcher = dispatcher.clone();
                    EventListener::new_with_options(
                        &window,
                        "keydown",
                        EventListenerOptions::enable_prevent_default(),
                        move |event| {
                            let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                                return;
                            };
                            origin.borrow_mut().key_down();
                            if let Some(action) = shortcut(event, &origin.borrow()) {
                                if !matches!(action, Action::Escape) {
                                    event.prevent_default();
                                }
                                dispatcher.dispatch(action);
                            }
                        },
                    )
                };
                let links = EventListener::new(&window, "hashchange", move |_| {
                    dispatcher.dispatch(Action::LoadLink(browser::location_hash()));
                });
                (pointer, focus, keys, links)
            });
            move || drop(listeners)
        });
    }
    // The address bar holds the permalink of what is shown, except a link held there to be
    // fixed or answered. A change of configuration is written at once; a moved cursor a
    // moment later, so stepping does not rewrite the address bar at every key.
    let fragment = use_memo(
        (
            state.preset,
            state.scenario.clone(),
            state.cursor,
            state.playing,
            state.selected_anomaly,
            state.views(),
        ),
        |_| state.permalink_fragment(),
    );
    // A change of view, sweep or comparison is written at once, like the configuration.
    let configuration = use_memo(
        (state.preset, state.scenario.clone(), state.views()),
        |_| {
            permalink::encode(
                state.preset,
                &state.scenario,
                Moment::default(),
                &state.views(),
            )
        },
    );
    {
        let shown = state
            .address_hold
            .clone()
            .unwrap_or_else(|| (*fragment).clone());
        let written_configuration = use_mut_ref(String::new);
        use_effect_with(
            (shown, configuration.clone(), state.address_epoch),
            move |(shown, configuration, _)| {
                let configuration_changed = *written_configuration.borrow() != **configuration;
                *written_configuration.borrow_mut() = (**configuration).clone();
                let timer = if configuration_changed {
                    browser::replace_hash(shown);
                    None
                } else {
                    let shown = shown.clone();
                    Some(Timeout::new(ADDRESS_DELAY_MS, move || {
                        browser::replace_hash(&shown)
                    }))
                };
                move || drop(timer)
            },
        );
    }

    let chain = use_memo(
        (state.run.clone(), state.selected_anomaly),
        |(run, selected)| {
            let mut events = selected
                .and_then(|i| run.result.anomalies.get(i))
                .map(|a| a.events.clone())
                .unwrap_or_default();
            events.sort_unstable();
            events
        },
    );

    let on_action = use_forward(&dispatcher, identity::<Action>);
    let on_select_preset = use_forward(&dispatcher, Action::SelectPreset);
    let on_knob = use_forward(&dispatcher, |(path, raw): (&'static str, String)| {
        Action::SetKnob {
            path: path.to_string(),
            raw,
        }
    });
    let on_notify = use_forward(&dispatcher, |(level, text): (NoticeLevel, String)| {
        Action::Notify { level, text }
    });
    let on_import = use_forward(&dispatcher, Action::Import);
    let on_choose = use_forward(&dispatcher, Action::Choose);
    let on_dismiss = use_forward(&dispatcher, Action::Dismiss);
    let on_help = use_forward(&dispatcher, |()| Action::ToggleHelp);
    let on_present = use_forward(&dispatcher, |()| Action::TogglePresentation);
    let on_show_all = use_forward(&dispatcher, |()| Action::ToggleShowAll);
    let on_control_help = use_forward(&dispatcher, |path: &'static str| {
        Action::ControlHelp(Some(path))
    });
    let on_close_control_help = use_forward(&dispatcher, |()| Action::ControlHelp(None));
    let on_close_help = use_forward(&dispatcher, |()| Action::CloseHelp);
    let on_select_anomaly = use_forward(&dispatcher, Action::SelectAnomaly);
    // Stable across renders, so the diagram's items are not re-rendered for a new callback.
    let on_cancel_run = use_forward(&dispatcher, |()| Action::CancelRun);
    let on_view = use_forward(&dispatcher, Action::ShowView);
    let on_compare = use_forward(&dispatcher, Action::Compare);
    let on_compare_menu = on_compare.clone();
    let on_sweep_change = use_forward(&dispatcher, Action::SetSweep);
    let on_run_sweep = use_forward(&dispatcher, |()| Action::RunSweep);
    let on_cancel_sweep = use_forward(&dispatcher, |()| Action::CancelSweep);
    let on_seek_time = use_forward(&dispatcher, Action::SeekTime);
    let on_shrink = use_forward(&dispatcher, Action::Shrink);
    let on_cancel_shrink = use_forward(&dispatcher, |()| Action::CancelShrink);
    let on_unshrink = use_forward(&dispatcher, |()| Action::Unshrink);
    let on_lessons = use_forward(&dispatcher, |()| Action::ToggleLessons);
    // Building a step's scenario builds the preset list: once per step or change of
    // configuration, not at every render (playback renders thirty times a second).
    let lesson_matches = *use_memo(
        (state.learning.open, state.scenario.clone()),
        |(open, scenario)| {
            open.is_some_and(|at| {
                step_scenario(&at.lesson.steps[at.step], at.lesson.seed)
                    .is_ok_and(|s| s == *scenario)
            })
        },
    );
    let on_seek = use_callback(dispatcher.clone(), |cursor: usize, dispatcher| {
        dispatcher.dispatch(Action::Seek(cursor))
    });

    let link = AttrValue::from(format!(
        "{}#{}",
        browser::page_url_without_fragment(),
        fragment
    ));
    // An interview's link is its question (with or without the answer), not the run on screen.
    let link_opens = match state.view {
        View::Interview => {
            let question = &state.interview.link;
            let answer = if question.revealed {
                "with the answer revealed"
            } else {
                "without the answer"
            };
            AttrValue::from(format!(
                "it opens interview question {} {answer}.",
                question.number
            ))
        }
        _ => AttrValue::from("it reproduces this exact run."),
    };
    let run = state.run.clone();
    let window = super::diagram::visible_window(state.playhead_us, state.window_us, state.end_us());
    let controls = html! {
        <ControlPanel preset={state.preset} scenario={state.scenario.clone()}
            errors={state.knob_errors.clone()} drafts={state.drafts.clone()}
            {on_select_preset} {on_knob} on_help={on_control_help} />
    };
    let run_status = html! {
        <RunStatus running={state.pending.is_some()} {progress} on_cancel={on_cancel_run} />
    };
    let time_controls = html! {
        <TimeControls playing={state.playing} cursor={state.cursor} event_count={run.event_count()}
            playhead_us={state.playhead_us} end_us={state.end_us()} speed={state.speed}
            window_us={state.window_us} has_anomalies={!run.result.anomalies.is_empty()}
            on_action={on_action.clone()} />
    };
    let main = match state.view {
        View::Run => html! {
            <main class="layout">
                { controls }
                <div class="centre" aria-busy={state.pending.is_some().to_string()}>
                    { run_status }
                    if let Some(at) = state.learning.open {
                        <LessonCard {at} matches={lesson_matches} on_action={on_action.clone()} />
                    }
                    <ShrinkBanner pending={state.shrink.pending.clone()}
                        found={state.shrink.shown(&state.scenario).cloned()}
                        on_cancel={on_cancel_shrink} on_back={on_unshrink} />
                    { time_controls }
                    <Diagram run={run.clone()} cursor={state.cursor} playhead_us={state.playhead_us}
                        window_us={state.window_us} chain={chain.clone()} {on_seek} />
                    <Legend run={run.clone()} />
                    <StateTables run={run.clone()} cursor={state.cursor} playhead_us={state.playhead_us} />
                </div>
                <aside class="side panel" aria-label="Anomalies and costs" tabindex="0">
                    <AnomalyPanel run={run.clone()} cursor={state.cursor} show_all={state.show_all_anomalies}
                        on_show_all={on_show_all.clone()} selected={state.selected_anomaly}
                        on_select={on_select_anomaly} on_shrink={Some(on_shrink)} />
                    <CostsPanel run={run.clone()} />
                </aside>
            </main>
        },
        View::Compare => html! {
            <main class="layout layout-view">
                { controls }
                <div class="view-main" aria-busy={(state.pending.is_some() || state.compare.pending.is_some()).to_string()}>
                    { run_status }
                    <CompareView a={run.clone()} compare={state.compare.clone()} scenario={state.scenario.clone()}
                        cursor={state.cursor} playhead_us={state.playhead_us} window_us={state.window_us}
                        {on_seek} on_seek_time={on_seek_time} {on_compare}>
                        { time_controls }
                    </CompareView>
                </div>
            </main>
        },
        View::Sweep => html! {
            <main class="layout layout-view">
                { controls }
                <div class="view-main">
                    <SweepView settings={state.sweep.settings.clone()} scenario={state.scenario.clone()}
                        running={state.sweep.running.is_some()} outcome={state.sweep.outcome.clone()}
                        progress={sweep_progress} on_change={on_sweep_change} on_run={on_run_sweep}
                        on_cancel={on_cancel_sweep} on_notify={on_notify.clone()} />
                </div>
            </main>
        },
        View::Interview => html! {
            <main class="interview-layout" aria-busy={state.pending.is_some().to_string()}>
                <InterviewView link={state.interview.link.clone()} question={state.interview.question.clone()}
                    score={state.interview.score.clone()} on_action={on_action.clone()} on_notify={on_notify.clone()}>
                    <div class="interview-run">
                        <div class="centre">
                            { run_status }
                            { time_controls }
                            <Diagram run={run.clone()} cursor={state.cursor} playhead_us={state.playhead_us}
                                window_us={state.window_us} chain={chain.clone()} {on_seek} />
                        </div>
                        <aside class="side panel" aria-label="Anomalies" tabindex="0">
                            <AnomalyPanel run={run.clone()} cursor={state.cursor} show_all={state.show_all_anomalies}
                                on_show_all={on_show_all} selected={state.selected_anomaly} on_select={on_select_anomaly} />
                        </aside>
                    </div>
                </InterviewView>
            </main>
        },
    };
    // Before the reveal the run on screen is not the question's: its statistics would mislead.
    let footer = state.view != View::Interview || state.interview.link.revealed;
    html! {
        <div class={classes!("app", state.help_open.then_some("help-open"), (state.presentation && state.view == View::Run).then_some("presenting"))}>
            <a class="skip-link" href="#play-button" onclick={skip_to_playback}>{ "Skip to playback" }</a>
            <header class="app-header">
                <div class="title-block">
                    <h1>{ "Idempotency Lab" }</h1>
                    <p class="tagline">{ "Watch retries and redeliveries turn into double charges and duplicate events — and see which protection stops them." }</p>
                </div>
                <Toolbar run={run.clone()} scenario={state.scenario.clone()} link={link} {link_opens}
                    presentation={state.presentation} on_notify={on_notify.clone()} {on_import} {on_help} {on_present}
                    preset={state.preset} {window} chain={chain.clone()}
                    selected_anomaly={state.selected_anomaly} on_lessons={Some(on_lessons)} />
                <ViewTabs view={state.view} {on_view}>
                    <CompareMenu scenario={state.scenario.clone()} on_compare={on_compare_menu} />
                </ViewTabs>
            </header>
            <Notices notices={state.notices.all().to_vec()} {on_dismiss} {on_choose} />
            { main }
            if footer {
                <Footer run={run} />
            }
            if state.learning.list_open {
                <LessonsDialog done={state.learning.done.clone()} on_action={on_action.clone()} />
            }
            if state.help_open {
                <HelpOverlay on_close={on_close_help} />
            }
            if let Some(path) = state.control_help {
                <ControlHelp {path} on_close={on_close_control_help} />
            }
        </div>
    }
}
