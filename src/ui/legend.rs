//! What the diagram's colours, lines and shapes mean. Every meaning has a shape or a line
//! pattern as well as a colour.

use yew::prelude::*;

struct Entry {
    class: &'static str,
    label: &'static str,
    /// An SVG fragment in a 28×14 box.
    shape: fn() -> Html,
}

fn arrow_line(class: &'static str) -> Html {
    html! { <g class={classes!("arrow", class)}><line class="shaft" x1="2" y1="7" x2="26" y2="7" /></g> }
}

const ENTRIES: [Entry; 12] = [
    Entry {
        class: "msg-request",
        label: "request",
        shape: || arrow_line("msg-request"),
    },
    Entry {
        class: "msg-ok",
        label: "2xx response",
        shape: || arrow_line("msg-ok"),
    },
    Entry {
        class: "msg-error",
        label: "error response",
        shape: || arrow_line("msg-error"),
    },
    Entry {
        class: "msg-replayed",
        label: "replayed response",
        shape: || arrow_line("msg-replayed"),
    },
    Entry {
        class: "msg-charge",
        label: "provider call",
        shape: || arrow_line("msg-charge"),
    },
    Entry {
        class: "msg-email",
        label: "email call",
        shape: || arrow_line("msg-email"),
    },
    Entry {
        class: "duplicate",
        label: "network duplicate",
        shape: || {
            html! {
                <g class="arrow msg-request duplicate"><line class="shaft" x1="2" y1="5.4" x2="26" y2="5.4" /><line class="shaft" x1="2" y1="8.6" x2="26" y2="8.6" /></g>
            }
        },
    },
    Entry {
        class: "lost",
        label: "lost message",
        shape: || {
            html! {
                <g class="arrow msg-request lost"><line class="shaft" x1="2" y1="7" x2="20" y2="7" /><path class="lost-x" d="M18,3 l8,8 m0,-8 l-8,8" /></g>
            }
        },
    },
    Entry {
        class: "mark-crash",
        label: "crash",
        shape: || {
            html! {
                <g class="mark mark-crash" transform="translate(14,7)"><path d="M2,-9 L-5,1 L0,1 L-2,9 L5,-1 L0,-1 Z" /></g>
            }
        },
    },
    Entry {
        class: "mark-restart",
        label: "restart",
        shape: || {
            html! {
                <g class="mark mark-restart" transform="translate(14,7)"><path d="M0,-6 L6,5 L-6,5 Z" /></g>
            }
        },
    },
    Entry {
        class: "mark-timeout",
        label: "timeout",
        shape: || {
            html! {
                <g class="mark mark-timeout" transform="translate(14,7)"><circle r="5.5" class="ring" /><path class="hand" d="M0,-3.5 L0,0 L2.5,1.5" /></g>
            }
        },
    },
    Entry {
        class: "mark-retry",
        label: "retry",
        shape: || {
            html! {
                <g class="mark mark-retry" transform="translate(14,7)"><path d="M0,-5 L5,0 L0,5 L-5,0 Z" /></g>
            }
        },
    },
];

const MORE: [(&str, &str); 5] = [
    ("mark-charge", "$ charge"),
    ("mark-email", "email sent"),
    ("mark-write", "database write"),
    ("mark-key", "key check / save"),
    ("mark-op-ok", "operation done"),
];

#[component(Legend)]
pub fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Diagram legend">
            { for ENTRIES.iter().map(|entry| html! {
                <li key={entry.class}>
                    <svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">{ (entry.shape)() }</svg>
                    { entry.label }
                </li>
            }) }
            { for MORE.iter().map(|(class, label)| html! {
                <li key={*class}><span class={classes!("legend-dot", *class)} aria-hidden="true"></span>{ *label }</li>
            }) }
        </ul>
    }
}
