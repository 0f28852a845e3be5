//! The glossary's entries, each with its source: the whole glossary in the lesson list and
//! in a control's help, a lesson's own terms under the lesson.

use yew::prelude::*;

use crate::sim::glossary::{term, Term, GLOSSARY};

/// The anchor of a term's entry: `term-idempotency-key`.
pub fn term_anchor(term: &Term) -> String {
    format!("term-{}", term.term.replace(' ', "-").to_ascii_lowercase())
}

#[derive(Properties, PartialEq)]
pub struct GlossaryListProps {
    /// The term to mark (the one a control's help is about).
    #[prop_or_default]
    pub marked: Option<&'static str>,
    /// Only these terms, in this order (a lesson's); the whole glossary when `None`.
    #[prop_or_default]
    pub only: Option<&'static [&'static str]>,
}

#[component(GlossaryList)]
pub fn glossary_list(props: &GlossaryListProps) -> Html {
    // Anchors only in the whole glossary: a lesson's terms may be on the page beside it.
    let entries: Vec<(&Term, Option<String>)> = match props.only {
        Some(names) => names
            .iter()
            .filter_map(|n| term(n))
            .map(|t| (t, None))
            .collect(),
        None => GLOSSARY.iter().map(|t| (t, Some(term_anchor(t)))).collect(),
    };
    html! {
        <dl>
            { for entries.into_iter().map(|(t, id)| html! {
                <div class={classes!("term", (props.marked == Some(t.term)).then_some("marked"))} {id}>
                    <dt>{ t.term }</dt>
                    <dd>{ t.definition }<span class="term-source">{ format!(" Source: {}.", t.source) }</span></dd>
                </div>
            }) }
        </dl>
    }
}
