//! What a shrink is doing or found: while it runs, which anomaly and a Cancel button;
//! once its run is on screen, the summary ("this double charge needs exactly one fault"),
//! each kept fault in words, and the way back to the full run.

use yew::prelude::*;

use super::state::{PendingShrink, Shrunk};

#[derive(Properties, PartialEq)]
pub struct ShrinkBannerProps {
    pub pending: Option<PendingShrink>,
    pub found: Option<Shrunk>,
    pub on_cancel: Callback<()>,
    pub on_back: Callback<()>,
}

#[component(ShrinkBanner)]
pub fn shrink_banner(props: &ShrinkBannerProps) -> Html {
    if let Some(pending) = &props.pending {
        let on_cancel = props.on_cancel.clone();
        return html! {
            <section class="shrink-banner panel" data-testid="shrink-banner" aria-live="polite" aria-busy="true">
                <p>{ format!("Shrinking {}: removing faults while it still happens…", pending.title) }</p>
                <button type="button" class="button" data-testid="shrink-cancel" onclick={Callback::from(move |_: MouseEvent| on_cancel.emit(()))}>
                    { "Cancel" }
                </button>
            </section>
        };
    }
    let Some(found) = &props.found else {
        return html! {};
    };
    let on_back = props.on_back.clone();
    let summary = found.report.summary.clone();
    html! {
        <section class="shrink-banner panel done" data-testid="shrink-banner" aria-live="polite">
            <h2>{ format!("Shrunk: {}", found.title) }</h2>
            <p class="shrink-summary" data-testid="shrink-summary">{ capitalised(&summary) }{ "." }</p>
            if !found.report.descriptions.is_empty() {
                <ol class="shrink-faults" data-testid="shrink-faults">
                    { for found.report.descriptions.iter().map(|d| html! { <li>{ capitalised(d) }</li> }) }
                </ol>
            }
            <p class="hint">{ "The run below has only these faults; its link reproduces it." }</p>
            <button type="button" class="button" data-testid="shrink-back" onclick={Callback::from(move |_: MouseEvent| on_back.emit(()))}>
                { "Back to the full run" }
            </button>
        </section>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}
