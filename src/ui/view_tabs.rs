//! Switches between the run, the comparison of two runs, the sweep (these share the
//! configuration on the left) and interview mode.

use yew::prelude::*;

use super::permalink::View;

#[derive(Properties, PartialEq)]
pub struct ViewTabsProps {
    pub view: View,
    pub on_view: Callback<View>,
    /// "Compare…", shown beside the tabs.
    #[prop_or_default]
    pub children: Html,
}

const TABS: [(View, &str, &str); 4] = [
    (View::Run, "Run", "view-run"),
    (View::Compare, "Compare", "view-compare"),
    (View::Sweep, "Sweep", "view-sweep"),
    (View::Interview, "Interview", "view-interview"),
];

#[component(ViewTabs)]
pub fn view_tabs(props: &ViewTabsProps) -> Html {
    html! {
        <nav class="view-tabs" aria-label="Views">
            { for TABS.iter().map(|&(view, label, test_id)| {
                let on_view = props.on_view.clone();
                let current = view == props.view;
                html! {
                    <button type="button" class={classes!("view-tab", current.then_some("current"))}
                        aria-pressed={current.to_string()} data-testid={test_id}
                        onclick={Callback::from(move |_: MouseEvent| on_view.emit(view))}>{ label }</button>
                }
            }) }
            { props.children.clone() }
        </nav>
    }
}
