//! Set, or unset, the account's default SMS webhook URLs.
//!
//! `cargo run --example set_webhooks -- https://example.com/inbound https://example.com/receipts`
//! sets both; an argument `-` unsets that URL; no arguments only shows the current settings.
//! Uses the real API when `VONAGE_API_KEY`/`VONAGE_API_SECRET` are set, else the fake server.

use vonage_account::{Client, Error, HttpForwardMethod, SettingsUpdate, testing::FakeVonage};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fake;
    let client = if std::env::var_os("VONAGE_API_KEY").is_some() {
        Client::from_env()?
    } else {
        fake = FakeVonage::start().await;
        println!("(no VONAGE_API_KEY: using the embedded fake server)");
        fake.client()
    };
    let settings = if args.is_empty() {
        client.account().settings().await?
    } else {
        let mut update = SettingsUpdate::new().http_forward_method(HttpForwardMethod::PostJson);
        update = match args.first().map(String::as_str) {
            Some("-") => update.unset_mo_callback_url(),
            Some(url) => update.mo_callback_url(url),
            None => update,
        };
        update = match args.get(1).map(String::as_str) {
            Some("-") => update.unset_dr_callback_url(),
            Some(url) => update.dr_callback_url(url),
            None => update,
        };
        // URLs are checked before anything is sent; Vonage also checks that each answers 200.
        client.account().update_settings(&update).await?
    };
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
