//! An interview question in a link: `i` the question number, `r` whether the answer is
//! shown, `k` the anomaly kinds predicted and `x` the protections chosen. The question
//! alone (`i`) says nothing of its answer: its setup is drawn from the number.

use serde_json::{Map, Value};

use crate::sim::config::thousands;
use crate::sim::interview::{choices, predictable, question};
use crate::sim::oracle::AnomalyKind;

use super::permalink::{with_prefix, View};

/// Question numbers a link or the number field may name.
pub const MAX_QUESTION: u64 = 1_000_000;

/// One interview, as a link carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct InterviewLink {
    pub number: u64,
    pub revealed: bool,
    pub predicted: Vec<AnomalyKind>,
    pub protections: Vec<&'static str>,
}

impl Default for InterviewLink {
    fn default() -> Self {
        InterviewLink::question(1)
    }
}

/// The question number `raw` names, or why it names none.
pub fn parse_number(raw: &str) -> Result<u64, String> {
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_QUESTION).contains(n))
        .ok_or_else(|| {
            format!(
                "a question number is a whole number from 1 to {}",
                thousands(MAX_QUESTION)
            )
        })
}

impl InterviewLink {
    /// Question `number`, not answered yet.
    pub fn question(number: u64) -> InterviewLink {
        InterviewLink {
            number,
            revealed: false,
            predicted: Vec::new(),
            protections: Vec::new(),
        }
    }

    /// The fragment of this interview's link: `v`, `i`, and `r`, `k`, `x` when set.
    pub fn fragment(&self) -> String {
        let mut link = Map::new();
        link.insert("v".into(), Value::from(View::Interview.name()));
        link.insert("i".into(), Value::from(self.number));
        if self.revealed {
            link.insert("r".into(), Value::from(true));
        }
        let names = |names: Vec<&str>| Value::from(names);
        if !self.predicted.is_empty() {
            let kinds = self.predicted.iter().map(|k| k.name()).collect();
            link.insert("k".into(), names(kinds));
        }
        if !self.protections.is_empty() {
            link.insert("x".into(), names(self.protections.clone()));
        }
        with_prefix(&Value::Object(link))
    }

    /// The interview in a link, with what could not be used, each with its reason (a bad
    /// number opens question 1, a bad reveal keeps the answer hidden).
    pub fn read(link: &Map<String, Value>) -> (InterviewLink, Vec<String>) {
        let mut problems = Vec::new();
        let number = match link.get("i").map(|v| parse_number(&v.to_string())) {
            None => 1,
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                problems.push(format!("{e}, so question 1 is shown"));
                1
            }
        };
        let mut read = InterviewLink::question(number);
        match link.get("r") {
            None => {}
            Some(Value::Bool(r)) => read.revealed = *r,
            Some(_) => problems
                .push("whether to reveal the answer is not true or false, so it is hidden".into()),
        }
        let workload = question(number).scenario.workload;
        let mut names = |key: &str, what: &str| -> Vec<String> {
            match link.get(key) {
                None => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect(),
                Some(_) => {
                    problems.push(format!("the {what} are not a list"));
                    Vec::new()
                }
            }
        };
        let kinds = names("k", "anomalies predicted");
        let protections = names("x", "protections chosen");
        for name in &kinds {
            match predictable(workload).find(|k| k.name() == name) {
                Some(kind) if !read.predicted.contains(&kind) => read.predicted.push(kind),
                Some(_) => {}
                None => problems.push(format!(
                    "'{}' is not an anomaly this question asks about",
                    clip(name)
                )),
            }
        }
        for name in &protections {
            match choices(workload).iter().find(|c| *c == name) {
                Some(set) if !read.protections.contains(set) => read.protections.push(set),
                Some(_) => {}
                None => problems.push(format!(
                    "'{}' is not a protection this question offers",
                    clip(name)
                )),
            }
        }
        (read, problems)
    }
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}
