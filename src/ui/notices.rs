//! Messages for the user, floating over the page so they never move the diagram: errors
//! and questions stay until dismissed or answered, information fades after a while.

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use super::state::{Notice, NoticeChoice, NoticeLevel};

const INFO_VISIBLE_MS: u32 = 6_000;

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    pub notices: Vec<Notice>,
    pub on_dismiss: Callback<u32>,
    pub on_choose: Callback<NoticeChoice>,
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
        <div class="notices" aria-label="Messages" role="region">
            { for props.notices.iter().map(|notice| {
                let on_dismiss = props.on_dismiss.clone();
                let id = notice.id;
                let onclick = Callback::from(move |_: MouseEvent| on_dismiss.emit(id));
                let (class, role) = match notice.level {
                    NoticeLevel::Error => ("notice notice-error", "alert"),
                    NoticeLevel::Info => ("notice notice-info", "status"),
                    NoticeLevel::Question => ("notice notice-question", "alert"),
                };
                html! {
                    <div key={id} class={class} {role} data-testid="notice">
                        <p>{ notice.text.clone() }</p>
                        <span class="notice-buttons">
                            { for notice.choices.iter().map(|&choice| {
                                let on_choose = props.on_choose.clone();
                                let onclick = Callback::from(move |_: MouseEvent| on_choose.emit(choice));
                                html! { <button type="button" class="button primary" {onclick}>{ choice.label() }</button> }
                            }) }
                            if notice.choices.is_empty() {
                                <button type="button" class="button" {onclick} aria-label="Dismiss this message">{ "Dismiss" }</button>
                            }
                        </span>
                    </div>
                }
            }) }
        </div>
    }
}
