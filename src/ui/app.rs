use yew::prelude::*;

/// Root component.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <>
            <header class="app-header">
                <h1>{ "Idempotency Lab" }</h1>
                <p class="tagline">{ "Watch retries turn into double charges — and see which protection stops them." }</p>
            </header>
            <main>
                <section class="panel" data-testid="loading">{ "The simulator is loading…" }</section>
            </main>
        </>
    }
}
