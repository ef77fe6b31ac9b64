//! `metrics`: the account's state in the Prometheus text format, for node_exporter's textfile
//! collector (or any scraper of a file), written with the `prometheus-client` crate.

use std::{path::PathBuf, sync::atomic::AtomicU64};

use clap::Args;
use prometheus_client::{
    encoding::text::encode_registry, metrics::gauge::Gauge, registry::Registry,
};
use vonage_account::{Client, Error};

use crate::{
    files,
    output::{Failure, Output},
    profiles::Context,
};

/// `metrics [--output FILE]`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Write to FILE (replaced atomically: written next to it, then renamed) instead of stdout;
    /// for node_exporter, a `.prom` file in its --collector.textfile.directory
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What one scrape found.
#[derive(Debug, Default)]
struct Scrape {
    balance: Option<(f64, bool)>,
    secrets: Option<(usize, Option<i64>)>,
}

/// Reads the balance and the secrets, and writes the metrics; a failed read still writes
/// `vonage_account_scrape_success 0` (and exits with the failure's code).
pub async fn run(args: &MetricsArgs, ctx: &Context, out: Output) -> Result<(), Failure> {
    let client = ctx.client()?;
    let (scrape, error) = scrape(&client).await;
    let text = encode(client.api_key(), &scrape, error.is_none());
    match &args.output {
        Some(path) => files::write_atomically(path, text.as_bytes(), 0o644).map_err(Failure::Io)?,
        None => out.line(text.trim_end()),
    }
    match error {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

async fn scrape(client: &Client) -> (Scrape, Option<Error>) {
    let mut scrape = Scrape::default();
    match client.account().balance().await {
        Ok(balance) => scrape.balance = Some((balance.value.to_f64(), balance.auto_reload)),
        Err(e) => return (scrape, Some(e)),
    }
    match client.secrets().list().await {
        Ok(secrets) => {
            let now = chrono::Utc::now();
            let oldest = secrets
                .iter()
                .map(|s| (now - s.created_at).num_seconds().max(0))
                .max();
            scrape.secrets = Some((secrets.len(), oldest));
        }
        Err(e) => return (scrape, Some(e)),
    }
    (scrape, None)
}

/// The text exposition: each metric with its HELP and TYPE, labelled with the API key.
fn encode(api_key: &str, scrape: &Scrape, success: bool) -> String {
    let mut registry =
        Registry::with_labels([("api_key".into(), api_key.to_owned().into())].into_iter());
    let gauge = |registry: &mut Registry, name: &str, help: &str, value: f64| {
        let gauge = Gauge::<f64, AtomicU64>::default();
        gauge.set(value);
        registry.register(name, help, gauge);
    };
    gauge(
        &mut registry,
        "vonage_account_scrape_success",
        "Whether the last read of the account worked (1) or not (0)",
        if success { 1.0 } else { 0.0 },
    );
    gauge(
        &mut registry,
        "vonage_account_scrape_timestamp_seconds",
        "When the account was read, in seconds since the Unix epoch",
        chrono::Utc::now().timestamp() as f64,
    );
    if let Some((balance, auto_reload)) = scrape.balance {
        gauge(
            &mut registry,
            "vonage_account_balance_eur",
            "The account balance in EUR",
            balance,
        );
        gauge(
            &mut registry,
            "vonage_account_auto_reload",
            "Whether auto-reload is on (1) or off (0)",
            if auto_reload { 1.0 } else { 0.0 },
        );
    }
    if let Some((count, oldest)) = scrape.secrets {
        gauge(
            &mut registry,
            "vonage_account_secrets",
            "How many API secrets the key has",
            count as f64,
        );
        if let Some(age) = oldest {
            gauge(
                &mut registry,
                "vonage_account_oldest_secret_age_seconds",
                "The age of the key's oldest API secret, in seconds",
                age as f64,
            );
        }
    }
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = encode_registry(&mut text, &registry);
    text
}
