//! A revealed interview's score: which problem it was, each anomaly kind predicted right,
//! missed or a false alarm, whether the protections chosen leave no anomaly on the
//! question's seed and the check seeds, and their cost against the cheapest that does.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::interview::{Question, Score, Trial, CHECK_SEEDS};
use crate::sim::scenarios::preset_title;

use super::settings::find_preset;

/// A protection set's name in plain words.
pub fn set_title(name: &str) -> &'static str {
    match name {
        "idempotency-keys" => "Idempotency keys",
        "upsert" => "Upsert (unique natural key)",
        "cas" => "CAS versioning",
        "key-propagation" => "Key propagation",
        "outbox" => "Transactional outbox",
        "dedup-store" => "Dedup store",
        "idempotent-producer" => "Idempotent producer",
        "fifo-dedup" => "Queue deduplication",
        "visibility-heartbeat" => "Visibility heartbeat",
        _ => "Other protection",
    }
}

fn sets_in_words(trial: &Trial) -> String {
    if trial.protections.is_empty() {
        return "no protection".into();
    }
    let titles: Vec<&str> = trial.protections.iter().map(|p| set_title(p)).collect();
    titles.join(" + ")
}

fn points(label: &str, got: u32, of: u32, id: &'static str) -> Html {
    html! {
        <h3>{ format!("{label} ") }<span class="points" data-testid={id}>{ got }</span>{ format!(" / {of}") }</h3>
    }
}

fn trial_row(who: &str, trial: &Trial) -> Html {
    html! {
        <tr>
            <th scope="row">{ format!("{who}: {}", sets_in_words(trial)) }</th>
            <td>{ trial.anomalies }</td>
            <td>{ format!("{:.0}", trial.events) }</td>
            <td>{ format!("{:.1}", trial.key_rows) }</td>
            <td>{ format!("{:.1}", trial.responses_409) }</td>
            <td>{ format!("{:.1}", trial.cost()) }</td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
pub struct InterviewScoreProps {
    pub question: Rc<Question>,
    /// `None` while the worker computes it.
    pub score: Option<Rc<Score>>,
}

#[component(InterviewScore)]
pub fn interview_score(props: &InterviewScoreProps) -> Html {
    let q = &props.question;
    let Some(score) = props.score.as_deref() else {
        return html! {
            <section class="panel interview-score" data-testid="interview-scoring" aria-live="polite">
                <h2>{ "Scoring…" }</h2>
                <p class="hint">{ format!("Trying every combination of the protections offered on {} seeds, to find the cheapest that works.", CHECK_SEEDS + 1) }</p>
            </section>
        };
    };
    let title = preset_title(q.preset).unwrap_or_else(|| q.preset.to_string());
    let description = find_preset(q.preset).map_or("", |p| p.description);
    let seed = q.scenario.seed;
    let seeds = format!(
        "seed {seed} and the {CHECK_SEEDS} check seeds ({} to {})",
        seed + 1,
        seed + CHECK_SEEDS
    );
    let verdict = |verdict: &'static str, text: String| {
        let (badge, label) = match verdict {
            "right" => ("badge-ok", "Right"),
            "missed" => ("badge-bad", "Missed"),
            _ => ("badge-warn", "False alarm"),
        };
        html! {
            <li data-verdict={verdict}><span class={classes!("badge", badge)}>{ label }</span>{ " " }{ text }</li>
        }
    };
    let works = score.yours.anomalies == 0;
    html! {
        <section class="panel interview-score" data-testid="interview-score" aria-live="polite" aria-labelledby="score-title">
            <h2 id="score-title">{ "Score " }<span class="points" data-testid="score-total">{ score.total() }</span>{ " / 100" }</h2>
            <p class="reveal-problem"><strong>{ format!("This was “{title}”.") }</strong>{ format!(" {description}") }</p>

            { points("Prediction", score.prediction_points, 50, "score-prediction") }
            <ul class="verdicts">
                { for score.predicted_right.iter().map(|k| verdict("right", format!("{}: it happened and you predicted it.", k.title()))) }
                { for score.missed.iter().map(|k| verdict("missed", format!("{}: it happened; you did not predict it.", k.title()))) }
                { for score.false_alarms.iter().map(|k| verdict("false-alarm", format!("{}: predicted, but it did not happen.", k.title()))) }
                if score.actual.is_empty() && score.false_alarms.is_empty() {
                    { verdict("right", "No anomaly happened, and you predicted none.".into()) }
                }
            </ul>
            <p class="hint">{ "50 × kinds right ÷ (kinds that happened + false alarms); 50 when none happened and none was predicted." }</p>

            { points("Protections", score.protection_points, 30, "score-protections") }
            <p data-testid="score-works">
                if works {
                    { format!("Your protections ({}) leave no anomaly on {seeds}.", sets_in_words(&score.yours)) }
                } else {
                    { format!("Your protections ({}) leave {} anomalies over {seeds}.", sets_in_words(&score.yours), score.yours.anomalies) }
                }
            </p>

            { points("Cost", score.cost_points, 20, "score-cost") }
            <p data-testid="score-cheapest">
                { match &score.cheapest {
                    Some(best) => format!("The cheapest set that works: {}, at {:.1} per run.", sets_in_words(best), best.cost()),
                    None => "No combination of the protections offered removes every anomaly.".into(),
                } }
                { if works { " Cost points are 20 × the cheapest's cost ÷ yours." } else { " Protections that leave an anomaly earn no cost points." } }
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Cost of the protections, per run">
                <table class="score-table">
                    <thead><tr>
                        <th scope="col">{ "Protections" }</th><th scope="col">{ "Anomalies left" }</th>
                        <th scope="col">{ "Events" }</th><th scope="col">{ "Key rows" }</th>
                        <th scope="col">{ "409s" }</th><th scope="col">{ "Cost" }</th>
                    </tr></thead>
                    <tbody>
                        { trial_row("Yours", &score.yours) }
                        if let Some(best) = &score.cheapest {
                            { trial_row("Cheapest", best) }
                        }
                    </tbody>
                </table>
            </div>
            <p class="hint">{ format!("Per run, averaged over the {} seeds; anomalies left are summed. Cost = events (messages, steps, round trips) + the key store's peak rows + 409 answers.", CHECK_SEEDS + 1) }</p>
        </section>
    }
}
