//! Check the balance and alert when it is below a threshold (for cron or a monitor).
//!
//! `cargo run --example check_balance -- 25.00` exits 1 and prints an alert when the balance is
//! below 25.00 EUR, 0 otherwise, 2 when it could not be read. Uses the real API when
//! `VONAGE_API_KEY`/`VONAGE_API_SECRET` are set, else the embedded fake server.

use std::process::ExitCode;

use vonage_account::{Amount, Client, testing::FakeVonage};

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
    let (_fake, client) = match client().await {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match client.account().balance().await {
        Ok(balance) if balance.value < threshold => {
            println!(
                "ALERT: balance {} EUR is below {threshold:.2} EUR (auto-reload {})",
                balance.value,
                if balance.auto_reload { "on" } else { "off" }
            );
            ExitCode::from(1)
        }
        Ok(balance) => {
            println!(
                "ok: balance {} EUR (threshold {threshold:.2} EUR)",
                balance.value
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("could not read the balance: {e}");
            ExitCode::from(2)
        }
    }
}

/// The real API with credentials from the environment, else the fake.
async fn client() -> Result<(Option<FakeVonage>, Client), vonage_account::Error> {
    if std::env::var_os("VONAGE_API_KEY").is_some() {
        return Ok((None, Client::from_env()?));
    }
    let fake = FakeVonage::start().await;
    let client = fake.client();
    Ok((Some(fake), client))
}
