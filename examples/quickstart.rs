//! Every operation of the crate, end to end.
//!
//! With no `VONAGE_API_KEY` in the environment this starts the embedded fake Vonage server and
//! walks through every call, including the documented failures. With credentials set it runs only
//! the read-only calls (balance, settings, list secrets, two price lookups) against the real
//! hosts, or the ones in `VONAGE_REST_URL` / `VONAGE_API_URL`.
//!
//! Run: `cargo run --example quickstart`
//!
//! Everything but `main` is production code: it takes a `Client` and never sees the fake.

use vonage_account::{
    Client, Error, ExposeSecret, MoneyTransfer, NewSubaccount, ServiceType, SettingsUpdate,
    TransferFilter, generate_secret,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("VONAGE_API_KEY").is_some() {
        let client = Client::from_env()?;
        println!("Credentials found: running the read-only calls against the real API.\n");
        return Ok(read_only(&client).await?);
    }
    // The demo's only choice: without credentials, the embedded fake server.
    let fake = vonage_account_fake::FakeVonage::start().await;
    println!(
        "No VONAGE_API_KEY set: using the embedded fake Vonage server at {}\n",
        fake.url()
    );
    let client = fake.client();
    read_only(&client).await?;
    // Before `changes`, whose rotation retires the secret this client holds.
    subaccounts(&client).await?;
    changes(&client).await?;
    println!("\nThe fake saw {} API requests.", fake.requests().len());
    Ok(())
}

async fn read_only(client: &Client) -> Result<(), Error> {
    let answer = client.account().balance().with_meta().await?;
    let balance = &answer.value;
    println!(
        "balance:          {} EUR (auto-reload {}; request id {})",
        balance.value,
        if balance.auto_reload { "on" } else { "off" },
        answer.request_id().unwrap_or("none"),
    );
    let settings = client.account().settings().await?;
    println!(
        "settings:         inbound SMS -> {}, receipts -> {}, {} API calls/s",
        settings.mo_callback_url.as_deref().unwrap_or("(unset)"),
        settings.dr_callback_url.as_deref().unwrap_or("(unset)"),
        settings
            .max_calls_per_second
            .map_or("?".into(), |n| n.to_string()),
    );
    let secrets = client.secrets().list().await?;
    println!(
        "secrets:          {} on key {}",
        secrets.len(),
        client.api_key()
    );
    for secret in &secrets {
        println!(
            "                  - {} created {}",
            secret.id, secret.created_at
        );
    }
    // The Pricing API takes one request per second: the client spaces these two calls.
    let germany = client.pricing().country(ServiceType::Sms, "DE").await?;
    println!(
        "SMS to Germany:   {} networks, highest {} {}; the balance covers {} messages",
        germany.networks.len(),
        germany
            .highest_price()
            .map_or("?".into(), ToString::to_string),
        germany.currency.as_deref().unwrap_or("EUR"),
        germany
            .messages_covered(&balance.value)
            .map_or("?".into(), |n| n.to_string()),
    );
    let plus_one = client.pricing().prefix(ServiceType::Sms, "1").await?;
    let codes: Vec<&str> = plus_one.iter().map(|c| c.country_code.as_str()).collect();
    println!("SMS, prefix +1:   {}", codes.join(", "));
    Ok(())
}

async fn changes(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let account = client.account();
    let update = SettingsUpdate::new()
        .mo_callback_url("https://example.com/webhooks/inbound-sms")
        .dr_callback_url("https://example.com/webhooks/delivery-receipt");
    let settings = account.update_settings(&update).await?;
    println!(
        "settings updated: inbound SMS -> {}, receipts -> {}",
        settings.mo_callback_url.as_deref().unwrap_or("(unset)"),
        settings.dr_callback_url.as_deref().unwrap_or("(unset)"),
    );
    let settings = account
        .update_settings(&SettingsUpdate::new().unset_dr_callback_url())
        .await?;
    println!(
        "receipts unset:   receipts -> {}",
        settings.dr_callback_url.as_deref().unwrap_or("(unset)")
    );

    account.top_up("8ef2447e69604f642ae59363aa5f781b").await?;
    println!(
        "top-up:           accepted; balance now {} EUR",
        account.balance().await?.value
    );

    let secrets = client.secrets();
    match secrets.create("weak").await {
        Err(e) => println!("weak secret:      refused before sending: {e}"),
        Ok(_) => println!("weak secret:      unexpectedly accepted"),
    }
    let created = secrets.create("Quickstart2Secret").await?;
    println!("created secret:   {} at {}", created.id, created.created_at);
    let fetched = secrets.get(&created.id).await?;
    println!("fetched secret:   {} at {}", fetched.id, fetched.created_at);
    match secrets.create("Another3Secret").await {
        Err(e) => println!("third secret:     {:?}: {e}", e.kind()),
        Ok(_) => println!("third secret:     unexpectedly accepted"),
    }
    secrets.revoke(&created.id).await?;
    println!(
        "revoked secret:   {}; {} left",
        created.id,
        secrets.list().await?.len()
    );
    let last = secrets.list().await?.remove(0);
    match secrets.revoke(&last.id).await {
        Err(e) => println!("last secret:      {:?}: {e}", e.kind()),
        Ok(()) => println!("last secret:      unexpectedly revoked"),
    }

    let sub = client.secrets_for("sub12345");
    println!(
        "sub-account:      {} secret(s) on sub12345, managed with the primary credentials",
        sub.list().await?.len()
    );

    // A rotation for a fleet: stage (both secrets work), roll out, retire the old one.
    let staged = secrets.stage("Quickstart-Stage-2").await?;
    println!(
        "staged secret:    {} next to {}",
        staged.secret.id, staged.old_secret_id
    );
    let retired = staged
        .client
        .secrets()
        .retire(&staged.old_secret_id)
        .await?;
    println!("retired secret:   {} ({retired:?})", staged.old_secret_id);
    Ok(())
}

/// The Subaccounts API: a customer's sub-account with its own balance, money moved to it, the
/// list, and its secret rotated with the primary's credentials.
async fn subaccounts(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let subs = client.subaccounts();
    let created = subs
        .create(&NewSubaccount::new("Quickstart Customer").own_balance())
        .await?;
    let key = created.api_key().to_owned();
    println!(
        "sub-account:      created {key} ({:?}) with its own balance; its secret, shown once, is {} characters",
        created.subaccount.name,
        created.secret.expose_secret().len()
    );
    let moved = subs
        .transfer_balance(&MoneyTransfer::new(client.api_key(), &key, "5.00"))
        .await?;
    println!(
        "balance moved:    {} EUR to {key}, reference {}",
        moved.amount,
        moved.reference.as_deref().unwrap_or("-")
    );
    let list = subs.list().await?;
    for sub in &list.subaccounts {
        println!(
            "                  - {} {:?}: {}",
            sub.api_key,
            sub.name,
            sub.balance
                .as_ref()
                .map_or("shares the primary's balance".into(), |b| format!(
                    "{b} EUR"
                )),
        );
    }
    println!(
        "totals:           {} EUR balance, {} EUR credit limit",
        list.total_balance
            .as_ref()
            .map_or("?".into(), ToString::to_string),
        list.total_credit_limit
            .as_ref()
            .map_or("?".into(), ToString::to_string),
    );
    let since = TransferFilter::since(yesterday()).subaccount(&key);
    println!(
        "its transfers:    {} since yesterday",
        subs.balance_transfers(&since).await?.len()
    );
    let rotated = subs.secrets(&key).rotate(generate_secret()?).await?;
    println!(
        "secret rotated:   {key} now uses secret {} (revoked {:?})",
        rotated.secret.id, rotated.revoked
    );
    Ok(())
}

/// This time yesterday.
fn yesterday() -> std::time::SystemTime {
    std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 60 * 60)
}
