//! Check the balance and alert when it is below a threshold (for cron or a monitor).
//!
//! `cargo run --example check_balance -- 25.00` exits 1 and prints an alert when the balance is
//! below 25.00 EUR, 0 otherwise, 2 when it could not be read. Uses the real API when
//! `VONAGE_API_KEY`/`VONAGE_API_SECRET` are set, else the embedded fake server.
//!
//! Everything but `main` is production code: it takes a `Client` and never sees the fake.

use std::process::ExitCode;

use vonage_account::{Amount, Client};

#[tokio::main]
async fn main() -> ExitCode {
    // An exact decimal, compared with the balance by value (25 == 25.00000000).
    let threshold: Amount = match std::env::args()
        .nth(1)
        .unwrap_or_else(|| "25".into())
        .parse()
    {
        Ok(t) => t,
        Err(_) => {
            eprintln!("usage: check_balance [THRESHOLD_EUR]");
            return ExitCode::from(2);
        }
    };
    // The demo's only choice: the real API from the environment, or the embedded fake server
    // (kept alive until the end of `main`). A service builds its client with `from_env` alone.
    let _fake;
    let client = if std::env::var_os("VONAGE_API_KEY").is_some() {
        match Client::from_env() {
            Ok(client) => client,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        let fake = vonage_account_fake::FakeVonage::start().await;
        let client = fake.client();
        _fake = fake;
        client
    };
    check_balance(&client, &threshold).await
}

/// Reads the balance and reports it against `threshold`: exit 0 above it, 1 below, 2 when it
/// could not be read.
async fn check_balance(client: &Client, threshold: &Amount) -> ExitCode {
    match client.account().balance().with_meta().await {
        Ok(answer) if answer.value.value < *threshold => {
            let balance = &answer.value;
            println!(
                "ALERT: balance {} EUR is below {threshold:.2} EUR (auto-reload {}, request id {})",
                balance.value,
                if balance.auto_reload { "on" } else { "off" },
                answer.request_id().unwrap_or("none"),
            );
            ExitCode::from(1)
        }
        Ok(answer) => {
            println!(
                "ok: balance {} EUR (threshold {threshold:.2} EUR)",
                answer.value.value
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("could not read the balance: {e}");
            ExitCode::from(2)
        }
    }
}
