//! vonage-account with `rustls-ring` as its only TLS feature. This leaves reqwest's rustls with
//! no crypto provider, so the application's own `reqwest::Client::new()` panics until the
//! application installs one: the one line the README gives. Both facts are checked here.

#[path = "../app.rs"]
mod app;

fn main() {
    // Silence the expected panic's message.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let before = std::panic::catch_unwind(reqwest::Client::new);
    std::panic::set_hook(hook);
    assert!(
        before.is_err(),
        "without a provider, reqwest's own client panics (the documented caveat)"
    );

    // The line the README asks of an application that enables `rustls-ring` alone.
    rustls::crypto::ring::default_provider()
        .install_default()
        .expect("no provider was installed before");

    app::run("host-app-rustls-ring", "RustlsRing");
}
