//! Set, or unset, the account's default SMS webhook URLs (on deploy, say).
//!
//! `cargo run --example set_webhooks -- https://example.com/inbound https://example.com/receipts`
//! sets both; an argument `-` unsets that URL; no arguments only shows the current settings.
//! Uses the real API when `VONAGE_API_KEY`/`VONAGE_API_SECRET` are set, else the fake server.
//!
//! Everything but `main` is production code: it takes a `Client` and never sees the fake.

use vonage_account::{Client, Error, HttpForwardMethod, Settings, SettingsUpdate};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The demo's only choice: the real API from the environment, or the embedded fake server.
    let _fake;
    let client = if std::env::var_os("VONAGE_API_KEY").is_some() {
        Client::from_env()?
    } else {
        let fake = vonage_account_fake::FakeVonage::start().await;
        println!("(no VONAGE_API_KEY: using the embedded fake server)");
        let client = fake.client();
        _fake = fake;
        client
    };
    let settings = set_webhooks(&client, args.first(), args.get(1)).await?;
    println!(
        "inbound SMS:       {}",
        settings.mo_callback_url.as_deref().unwrap_or("(unset)")
    );
    println!(
        "delivery receipts: {}",
        settings.dr_callback_url.as_deref().unwrap_or("(unset)")
    );
    Ok(())
}

/// Sets the inbound-SMS and delivery-receipt URLs (`-` unsets one); with neither, only reads the
/// settings.
async fn set_webhooks(
    client: &Client,
    inbound: Option<&String>,
    receipts: Option<&String>,
) -> Result<Settings, Error> {
    if inbound.is_none() && receipts.is_none() {
        return client.account().settings().await;
    }
    let mut update = SettingsUpdate::new().http_forward_method(HttpForwardMethod::PostJson);
    update = match inbound.map(String::as_str) {
        Some("-") => update.unset_mo_callback_url(),
        Some(url) => update.mo_callback_url(url),
        None => update,
    };
    update = match receipts.map(String::as_str) {
        Some("-") => update.unset_dr_callback_url(),
        Some(url) => update.dr_callback_url(url),
        None => update,
    };
    // URLs are checked before anything is sent; Vonage also checks that each answers 200.
    client.account().update_settings(&update).await
}
