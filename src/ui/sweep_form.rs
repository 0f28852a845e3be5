//! The sweep's settings: which knob, its range and steps, the seeds per point, the
//! protection sets (up to four) and the cost to chart. A valid change goes to the app
//! at once (so the permalink follows the form); a rejected one stays in its field with
//! the reason.

use std::collections::BTreeMap;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::sim::config::thousands;
use crate::sim::protection_sets::protection_set;
use crate::sim::sweep::{MAX_SEEDS, MAX_SETS, MAX_STEPS};
use crate::sim::Scenario;

use super::controlled::{use_controlled_checked, use_controlled_value};
use super::settings::{knob, parse_value};
use super::sweep_settings::{format_knob_value, sets_for, sweep_knobs, SweepCost, SweepSettings};

#[derive(Properties, PartialEq)]
pub struct SweepFormProps {
    pub settings: SweepSettings,
    /// The configuration swept (the one on screen).
    pub scenario: Scenario,
    pub running: bool,
    pub on_change: Callback<SweepSettings>,
    pub on_run: Callback<()>,
}

/// A field's rejected text and why.
type Drafts = BTreeMap<&'static str, (String, String)>;

fn input_value(event: &Event) -> String {
    event
        .target_dyn_into::<HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| {
            event
                .target_dyn_into::<HtmlSelectElement>()
                .map(|s| s.value())
        })
        .unwrap_or_default()
}

/// The settings with `field` set to `raw`, or why not.
fn changed(
    settings: &SweepSettings,
    scenario: &Scenario,
    field: &str,
    raw: &str,
) -> Result<SweepSettings, String> {
    let mut next = settings.clone();
    let whole = |what: &str, max: u32| {
        raw.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| format!("{what} must be a whole number from 1 to {max}"))
    };
    match field {
        "knob" => {
            let k = knob(raw).ok_or("choose a setting")?;
            next = settings.with_knob(k, scenario);
        }
        "from" | "to" => {
            let k = knob(settings.knob).ok_or("choose a setting")?;
            let value = parse_value(k, raw)?
                .as_f64()
                .ok_or_else(|| format!("{} must be a number", k.label))?;
            if field == "from" {
                next.from = value;
            } else {
                next.to = value;
            }
        }
        "steps" => next.steps = whole("Steps", MAX_STEPS)?,
        "seeds" => next.seeds = whole("Seeds per point", MAX_SEEDS)?,
        "cost" => {
            next.cost = SweepCost::ALL
                .into_iter()
                .find(|c| c.name() == raw)
                .ok_or("choose a cost")?;
        }
        set => {
            let name = protection_set(set)?.name;
            if next.sets.contains(&name) {
                next.sets.retain(|s| *s != name);
            } else {
                next.sets.push(name);
            }
            if next.sets.is_empty() {
                return Err("choose at least one protection set".into());
            }
        }
    }
    next.spec(scenario)?;
    Ok(next)
}

#[derive(Properties, PartialEq)]
struct SetBoxProps {
    name: &'static str,
    checked: bool,
    disabled: bool,
    on_toggle: Callback<&'static str>,
}

#[component(SetBox)]
fn set_box(props: &SetBoxProps) -> Html {
    let node = use_controlled_checked(props.checked);
    let description = protection_set(props.name).map_or("", |s| s.description);
    let name = props.name;
    let on_toggle = props.on_toggle.clone();
    html! {
        <label class="sweep-set" title={description}>
            <input type="checkbox" ref={node} checked={props.checked} disabled={props.disabled}
                data-testid={format!("sweep-set-{name}")} onchange={Callback::from(move |_| on_toggle.emit(name))} />
            <span>{ name }</span>
        </label>
    }
}

#[component(SweepForm)]
pub fn sweep_form(props: &SweepFormProps) -> Html {
    let drafts = use_state(Drafts::new);
    {
        // New settings (a valid change, a link, another workload): nothing left to fix.
        let drafts = drafts.clone();
        use_effect_with(props.settings.clone(), move |_| drafts.set(Drafts::new()));
    }
    let settings = &props.settings;
    let knob_now = knob(settings.knob);
    let shown = |field: &'static str, value: String| -> String {
        drafts.get(field).map_or(value, |(raw, _)| raw.clone())
    };
    let format = |v: f64| knob_now.map_or_else(|| v.to_string(), |k| format_knob_value(k, v));
    let from_text = shown("from", format(settings.from));
    let to_text = shown("to", format(settings.to));
    let steps_text = shown("steps", settings.steps.to_string());
    let seeds_text = shown("seeds", settings.seeds.to_string());
    let knob_ref = use_controlled_value(AttrValue::from(settings.knob));
    let from_ref = use_controlled_value(AttrValue::from(from_text.clone()));
    let to_ref = use_controlled_value(AttrValue::from(to_text.clone()));
    let steps_ref = use_controlled_value(AttrValue::from(steps_text.clone()));
    let seeds_ref = use_controlled_value(AttrValue::from(seeds_text.clone()));
    let cost_ref = use_controlled_value(AttrValue::from(settings.cost.name()));

    let edit = |field: &'static str| {
        let drafts = drafts.clone();
        let settings = props.settings.clone();
        let scenario = props.scenario.clone();
        let on_change = props.on_change.clone();
        move |raw: String| match changed(&settings, &scenario, field, &raw) {
            Ok(next) => {
                let mut d = (*drafts).clone();
                d.remove(field);
                drafts.set(d);
                on_change.emit(next);
            }
            Err(e) => {
                let mut d = (*drafts).clone();
                d.insert(field, (raw, e));
                drafts.set(d);
            }
        }
    };
    let on_field = |field: &'static str| {
        let edit = edit(field);
        Callback::from(move |e: Event| edit(input_value(&e)))
    };
    let on_toggle = {
        let drafts = drafts.clone();
        let settings = props.settings.clone();
        let scenario = props.scenario.clone();
        let on_change = props.on_change.clone();
        Callback::from(
            move |name: &'static str| match changed(&settings, &scenario, name, "") {
                Ok(next) => on_change.emit(next),
                Err(e) => {
                    let mut d = (*drafts).clone();
                    d.insert("sets", (String::new(), e));
                    drafts.set(d);
                }
            },
        )
    };
    let error = |field: &str| drafts.get(field).map(|(_, e)| e.clone());
    let field_error = |field: &'static str| {
        error(field).map(|e| html! { <p class="field-error" id={format!("sweep-{field}-error")} role="alert">{ e }</p> })
    };
    let described = |field: &'static str| error(field).map(|_| format!("sweep-{field}-error"));
    let run = {
        let on_run = props.on_run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_run.emit(());
        })
    };
    let knobs = sweep_knobs(props.scenario.workload);
    let option = |k: &crate::sim::config::Knob| {
        html! {
            <option value={k.path} selected={k.path == settings.knob}>{ k.label }</option>
        }
    };
    let offered = sets_for(&props.scenario);
    let full = settings.sets.len() >= MAX_SETS;
    let unit_hint = knob_now.map(|k| match k.kind {
        crate::sim::config::KnobKind::Probability => "a probability from 0 to 1",
        crate::sim::config::KnobKind::Duration { .. } => "a duration such as 300 ms or 5 s",
        _ => "a whole number",
    });
    let invalid = |field: &str| error(field).map(|_| "true");

    html! {
        <form class="sweep-form panel" onsubmit={run} aria-labelledby="sweep-form-title" data-testid="sweep-form">
            <h2 id="sweep-form-title">{ "Sweep a setting" }</h2>
            <p class="hint">{ "Runs the configuration on screen many times: each point of the range under each protection set, with the same seeds, so every set meets the same faults." }</p>
            <div class="sweep-fields">
                <label class="sweep-field sweep-knob">
                    <span>{ "Setting" }</span>
                    <select ref={knob_ref} onchange={on_field("knob")} data-testid="sweep-knob">
                        <optgroup label="Common">
                            { for knobs.iter().filter(|(_, common)| *common).map(|(k, _)| option(k)) }
                        </optgroup>
                        <optgroup label="Every other number">
                            { for knobs.iter().filter(|(_, common)| !*common).map(|(k, _)| option(k)) }
                        </optgroup>
                    </select>
                </label>
                <label class="sweep-field">
                    <span>{ "From" }</span>
                    <input type="text" ref={from_ref} value={from_text} onchange={on_field("from")}
                        aria-invalid={invalid("from")} aria-describedby={described("from")} data-testid="sweep-from" />
                </label>
                <label class="sweep-field">
                    <span>{ "To" }</span>
                    <input type="text" ref={to_ref} value={to_text} onchange={on_field("to")}
                        aria-invalid={invalid("to")} aria-describedby={described("to")} data-testid="sweep-to" />
                </label>
                <label class="sweep-field sweep-narrow">
                    <span>{ "Steps" }</span>
                    <input type="number" min="1" max={MAX_STEPS.to_string()} ref={steps_ref} value={steps_text}
                        onchange={on_field("steps")} aria-invalid={invalid("steps")} aria-describedby={described("steps")} data-testid="sweep-steps" />
                </label>
                <label class="sweep-field sweep-narrow">
                    <span>{ "Seeds per point" }</span>
                    <input type="number" min="1" max={MAX_SEEDS.to_string()} ref={seeds_ref} value={seeds_text}
                        onchange={on_field("seeds")} aria-invalid={invalid("seeds")} aria-describedby={described("seeds")} data-testid="sweep-seeds" />
                </label>
            </div>
            if let Some(hint) = unit_hint {
                <p class="hint">{ format!("From and To: {hint}.") }</p>
            }
            { for ["knob", "from", "to", "steps", "seeds"].into_iter().filter_map(field_error) }
            <fieldset class="sweep-sets">
                <legend>{ format!("Protection sets (up to {MAX_SETS})") }</legend>
                { for offered.iter().map(|&name| {
                    let checked = settings.sets.contains(&name);
                    html! { <SetBox key={name} {name} {checked} disabled={full && !checked} on_toggle={on_toggle.clone()} /> }
                }) }
            </fieldset>
            { field_error("sets") }
            <div class="sweep-actions">
                <label class="sweep-field">
                    <span>{ "Cost to chart" }</span>
                    <select ref={cost_ref} onchange={on_field("cost")} data-testid="sweep-cost">
                        { for SweepCost::ALL.into_iter().map(|c| html! {
                            <option value={c.name()} selected={c == settings.cost}>{ c.label() }</option>
                        }) }
                    </select>
                </label>
                <button type="submit" class="button primary" disabled={props.running} data-testid="run-sweep">{ "Run sweep" }</button>
                <span class="hint">{ format!("{} runs", thousands(settings.runs())) }</span>
            </div>
        </form>
    }
}
