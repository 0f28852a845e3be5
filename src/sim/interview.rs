//! Interview mode's engine side: a question (a seeded choice of problem preset and run
//! seed, shown as its setup only), the cheapest protections that remove every anomaly
//! (searched over combinations of the named protection sets, on several seeds), and the
//! score of a candidate's answer: the anomalies predicted, and whether the protections
//! chosen work and at what cost compared with the cheapest that does.

use super::config::{Scenario, Workload};
use super::oracle::AnomalyKind;
use super::protection_sets::{combine, protection_set, ProtectionSet};
use super::rng::{KeyedDraw, Purpose};
use super::scenarios::{presets, Lesson};
use super::world::run;

/// Seeds (after the question's own) a protection choice must also hold on.
pub const CHECK_SEEDS: u64 = 3;

/// The presets a question may be drawn from: each shows an anomaly and some combination
/// of named protections removes it. (A preset whose problem lives in a protection's own
/// machinery, such as the outbox relay's crash, has no anomaly once the candidate's
/// choice replaces its protections, so it is not here.)
pub const POOL: [&str; 16] = [
    "lost-response",
    "crash-after-commit",
    "impatient-client",
    "memory-key-store",
    "short-ttl",
    "key-per-attempt",
    "crash-before-key-save",
    "concurrent-writers",
    "retried-increment",
    "oversell",
    "provider-retry",
    "duplicate-email",
    "ghost-success",
    "consumer-crash-redelivery",
    "slow-consumer-rebalance",
    "dedup-before-processing",
];

/// The protections a candidate may choose from, for a workload.
pub fn choices(workload: Workload) -> &'static [&'static str] {
    match workload {
        Workload::Events => &[
            "dedup-store",
            "idempotent-producer",
            "outbox",
            "key-propagation",
            "fifo-dedup",
            "visibility-heartbeat",
        ],
        Workload::Saga => &["saga-step-keys", "saga-atomic-log"],
        _ => &[
            "idempotency-keys",
            "upsert",
            "cas",
            "key-propagation",
            "outbox",
        ],
    }
}

/// The anomaly kinds a candidate may predict, as the anomaly panel counts them: the events
/// and the stream workloads have three each, the saga six, the HTTP workloads every other
/// kind (the saga's double charge is the HTTP one).
pub fn predictable(workload: Workload) -> impl Iterator<Item = AnomalyKind> {
    use AnomalyKind::*;
    const EVENTS: [AnomalyKind; 3] = [DuplicateEventEffect, LostEvent, DuplicateShipment];
    const STREAM: [AnomalyKind; 3] = [DuplicateOutput, LostOutput, ZombieWrite];
    const SAGA: [AnomalyKind; 6] = [
        DoubleCharge,
        DoubleRefund,
        RefundWithoutCharge,
        ChargeNeverCompensated,
        DuplicateShipment,
        StockLeak,
    ];
    AnomalyKind::ALL
        .into_iter()
        .filter(move |k| match workload {
            Workload::Events => EVENTS.contains(k),
            Workload::Stream => STREAM.contains(k),
            Workload::Saga => SAGA.contains(k),
            _ => {
                !EVENTS.contains(k)
                    && !STREAM.contains(k)
                    && (!SAGA.contains(k) || *k == DoubleCharge)
            }
        })
}

/// One interview question.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub number: u64,
    /// The preset it came from (never shown before the reveal).
    pub preset: &'static str,
    /// The setup the candidate sees, run seed included.
    pub scenario: Scenario,
}

/// Question `number`: a preset from the pool and a run seed, both drawn from the number.
pub fn question(number: u64) -> Question {
    let draw = |salt: u64| KeyedDraw::new(number, Purpose::Workload, [0x1A7E_0000 | salt, 0, 0, 0]);
    let preset = POOL[draw(1).below(POOL.len() as u64) as usize];
    let mut scenario = presets()
        .into_iter()
        .find(|p| p.name == preset)
        .map(|p| p.scenario)
        .expect("every pool entry is a preset");
    scenario.seed = 1 + draw(2).below(10_000);
    scenario.trace = true;
    Question {
        number,
        preset,
        scenario,
    }
}

/// What a protection choice costs and leaves, over the question's seed and the check seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    pub protections: Vec<&'static str>,
    /// Anomalies left, summed over the seeds.
    pub anomalies: u64,
    /// Work and storage per run, averaged over the seeds: trace events (messages, steps,
    /// round trips), the key store's peak rows and 409 answers.
    pub events: f64,
    pub key_rows: f64,
    pub responses_409: f64,
}

impl Trial {
    /// One number to compare costs by: events + key rows + 409s, per run.
    pub fn cost(&self) -> f64 {
        self.events + self.key_rows + self.responses_409
    }
}

fn sets(names: &[&str]) -> Result<Vec<&'static ProtectionSet>, String> {
    names.iter().map(|n| protection_set(n)).collect()
}

/// Run `scenario` under `names` on its own seed and the next `CHECK_SEEDS`.
pub fn trial(scenario: &Scenario, names: &[&'static str]) -> Result<Trial, String> {
    let chosen = sets(names)?;
    let mut t = Trial {
        protections: names.to_vec(),
        anomalies: 0,
        events: 0.0,
        key_rows: 0.0,
        responses_409: 0.0,
    };
    let runs = CHECK_SEEDS + 1;
    for k in 0..runs {
        let mut s = combine(&chosen, scenario);
        s.seed = scenario.seed.wrapping_add(k);
        s.trace = false;
        let r = run(&s.validate()?);
        t.anomalies += r.anomaly_counts.total();
        t.events += r.events as f64 / runs as f64;
        t.key_rows += r.costs.key_rows_peak as f64 / runs as f64;
        t.responses_409 += r.costs.responses_409 as f64 / runs as f64;
    }
    Ok(t)
}

/// The cheapest combination of the workload's protections that leaves no anomaly on any
/// of the seeds (fewest protections breaking ties), or `None` if none does.
pub fn cheapest(scenario: &Scenario) -> Result<Option<Trial>, String> {
    let names = choices(scenario.workload);
    let mut best: Option<Trial> = None;
    for mask in 0u32..(1 << names.len()) {
        let chosen: Vec<&'static str> = (0..names.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| names[i])
            .collect();
        let t = trial(scenario, &chosen)?;
        if t.anomalies > 0 {
            continue;
        }
        let better = best
            .as_ref()
            .is_none_or(|b| (t.cost(), t.protections.len()) < (b.cost(), b.protections.len()));
        if better {
            best = Some(t);
        }
    }
    Ok(best)
}

/// A candidate's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub predicted: Vec<AnomalyKind>,
    pub protections: Vec<&'static str>,
}

/// The score of an answer, out of 100: 50 for the prediction, 30 for protections that
/// remove every anomaly, 20 for their cost against the cheapest that works.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub actual: Vec<AnomalyKind>,
    pub predicted_right: Vec<AnomalyKind>,
    pub missed: Vec<AnomalyKind>,
    pub false_alarms: Vec<AnomalyKind>,
    pub prediction_points: u32,
    pub yours: Trial,
    pub cheapest: Option<Trial>,
    pub protection_points: u32,
    pub cost_points: u32,
}

impl Score {
    pub fn total(&self) -> u32 {
        self.prediction_points + self.protection_points + self.cost_points
    }
}

/// Score `answer` to question `q`.
pub fn score(q: &Question, answer: &Answer) -> Result<Score, String> {
    let result = run(&q.scenario.clone().validate()?);
    let actual: Vec<AnomalyKind> = AnomalyKind::ALL
        .into_iter()
        .filter(|&k| result.anomaly_counts.get(k) > 0)
        .collect();
    let yours = trial(&q.scenario, &answer.protections)?;
    Ok(judge(actual, answer, yours, cheapest(&q.scenario)?))
}

/// The score of `answer` given what the question's run showed (`actual`), the trial of
/// the answer's protections and the cheapest that works: the points only, no run. (The
/// browser computes the trials in a worker and the points on the page.)
pub fn judge(
    actual: Vec<AnomalyKind>,
    answer: &Answer,
    yours: Trial,
    cheapest: Option<Trial>,
) -> Score {
    let said = |k: &AnomalyKind| answer.predicted.contains(k);
    let predicted_right: Vec<AnomalyKind> = actual.iter().copied().filter(said).collect();
    let missed: Vec<AnomalyKind> = actual.iter().copied().filter(|k| !said(k)).collect();
    let false_alarms: Vec<AnomalyKind> = AnomalyKind::ALL
        .into_iter()
        .filter(|k| said(k) && !actual.contains(k))
        .collect();
    let judged = actual.len() + false_alarms.len();
    // Nothing to find and nothing claimed is a right prediction.
    let prediction_points = (50 * predicted_right.len())
        .checked_div(judged)
        .unwrap_or(50) as u32;
    let works = yours.anomalies == 0;
    let cost_points = match (&cheapest, works) {
        (Some(best), true) if yours.cost() > 0.0 => {
            (20.0 * (best.cost() / yours.cost()).min(1.0)).round() as u32
        }
        (_, true) => 20,
        _ => 0,
    };
    Score {
        actual,
        predicted_right,
        missed,
        false_alarms,
        prediction_points,
        protection_points: if works { 30 } else { 0 },
        cost_points,
        yours,
        cheapest,
    }
}

/// Whether `name` is a problem preset a question may use (tests check the pool by it).
pub fn is_problem(name: &str) -> bool {
    presets()
        .iter()
        .any(|p| p.name == name && matches!(p.lesson, Lesson::Anomaly(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_deterministic_and_cover_the_pool() {
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..400 {
            let q = question(n);
            assert_eq!(q.scenario, question(n).scenario);
            seen.insert(q.preset);
        }
        assert_eq!(seen.len(), POOL.len());
        assert!(POOL.iter().all(|p| is_problem(p)));
    }
}
