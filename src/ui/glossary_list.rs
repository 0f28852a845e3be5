//! The glossary's entries, each with its source: in the lesson list and in a control's help.

use yew::prelude::*;

use crate::sim::glossary::{Term, GLOSSARY};

/// The anchor of a term's entry: `term-idempotency-key`.
pub fn term_anchor(term: &Term) -> String {
    format!("term-{}", term.term.replace(' ', "-").to_ascii_lowercase())
}

#[derive(Properties, PartialEq)]
pub struct GlossaryListProps {
    /// The term to mark (the one a control's help is about).
    #[prop_or_default]
    pub marked: Option<&'static str>,
}

#[component(GlossaryList)]
pub fn glossary_list(props: &GlossaryListProps) -> Html {
    html! {
        <dl>
            { for GLOSSARY.iter().map(|t| html! {
                <div class={classes!("term", (props.marked == Some(t.term)).then_some("marked"))} id={term_anchor(t)}>
                    <dt>{ t.term }</dt>
                    <dd>{ t.definition }<span class="term-source">{ format!(" Source: {}.", t.source) }</span></dd>
                </div>
            }) }
        </dl>
    }
}
