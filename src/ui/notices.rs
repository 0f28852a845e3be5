//! Messages for the user: errors stay until dismissed, information fades after a while.

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use super::state::{Notice, NoticeLevel};

const INFO_VISIBLE_MS: u32 = 6_000;

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    pub notices: Vec<Notice>,
    pub on_dismiss: Callback<u32>,
}

#[component(Notices)]
pub fn notices(props: &NoticesProps) -> Html {
    // The newest information notice dismisses itself; the timer is dropped (cancelled)
    // when another one replaces it.
    let newest_info = props
        .notices
        .iter()
        .rev()
        .find(|n| n.level == NoticeLevel::Info)
        .map(|n| n.id);
    {
        let on_dismiss = props.on_dismiss.clone();
        use_effect_with(newest_info, move |id| {
            let timer = id.map(|id| Timeout::new(INFO_VISIBLE_MS, move || on_dismiss.emit(id)));
            move || drop(timer)
        });
    }
    html! {
        <div class="notices">
            { for props.notices.iter().map(|notice| {
                let on_dismiss = props.on_dismiss.clone();
                let id = notice.id;
                let onclick = Callback::from(move |_: MouseEvent| on_dismiss.emit(id));
                let (class, role) = match notice.level {
                    NoticeLevel::Error => ("notice notice-error", "alert"),
                    NoticeLevel::Info => ("notice notice-info", "status"),
                };
                html! {
                    <div key={id} class={class} {role} data-testid="notice">
                        <p>{ notice.text.clone() }</p>
                        <button type="button" class="button" {onclick} aria-label="Dismiss this message">{ "Dismiss" }</button>
                    </div>
                }
            }) }
        </div>
    }
}
