//! `check balance`: a monitoring-plugin check (Nagios, Icinga, Sensu...): one status line with
//! performance data, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.

use clap::{Args, Subcommand};
use vonage_account::{Amount, ServiceType};

use crate::global::Context;

/// OK.
pub const EXIT_OK: u8 = 0;
/// WARNING.
pub const EXIT_WARNING: u8 = 1;
/// CRITICAL.
pub const EXIT_CRITICAL: u8 = 2;
/// UNKNOWN: the check could not be made (network, credentials, arguments).
pub const EXIT_UNKNOWN: u8 = 3;

/// The checks.
#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// The balance against two thresholds: `BALANCE WARNING - 8.50000000 EUR | balance=8.5;10;2`
    Balance(BalanceCheck),
}

/// `check balance --warn AMOUNT --critical AMOUNT [--covers TYPE:CC]`.
#[derive(Debug, Args)]
pub struct BalanceCheck {
    /// WARNING when the balance is below this (EUR)
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub warn: Amount,

    /// CRITICAL when the balance is below this (EUR)
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    pub critical: Amount,

    /// Also say how many messages (or voice minutes) to a country the balance pays for, at the
    /// country's highest network price (the safe estimate): e.g. sms:DE
    #[arg(long, value_name = "TYPE:CC", value_parser = parse_covers)]
    pub covers: Option<(ServiceType, String)>,
}

fn parse_amount(text: &str) -> Result<Amount, String> {
    text.parse().map_err(|e| format!("{e}"))
}

fn parse_covers(text: &str) -> Result<(ServiceType, String), String> {
    let (service, country) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not TYPE:CC (e.g. sms:DE)"))?;
    Ok((
        service.parse().map_err(|e| format!("{e}"))?,
        country.to_owned(),
    ))
}

/// The status line and the exit code of a check.
pub struct Verdict {
    /// `BALANCE OK - ...`.
    pub line: String,
    /// 0, 1, 2 or 3.
    pub code: u8,
}

/// An UNKNOWN verdict with the reason in the line.
pub fn unknown(reason: &str) -> Verdict {
    Verdict {
        line: format!(
            "BALANCE UNKNOWN - {}",
            reason.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
        code: EXIT_UNKNOWN,
    }
}

/// Runs a check; never fails: whatever goes wrong is an UNKNOWN with the reason.
pub async fn run(command: &CheckCommand, ctx: &Context) -> Verdict {
    let CheckCommand::Balance(check) = command;
    if check.critical > check.warn {
        return unknown("--critical must not be above --warn");
    }
    let client = match ctx.client() {
        Ok(client) => client,
        Err(failure) => return unknown(&failure.to_string()),
    };
    let balance = match client.account().balance().await {
        Ok(balance) => balance.value,
        Err(e) => return unknown(&e.to_string()),
    };
    let (state, code) = if balance < check.critical {
        ("CRITICAL", EXIT_CRITICAL)
    } else if balance < check.warn {
        ("WARNING", EXIT_WARNING)
    } else {
        ("OK", EXIT_OK)
    };
    let mut line = format!("BALANCE {state} - {balance} EUR");
    if let Some((service, country)) = &check.covers {
        match client.pricing().country(*service, country).await {
            Ok(pricing) => match (pricing.messages_covered(&balance), pricing.highest_price()) {
                (Some(n), Some(price)) => {
                    let unit = match service {
                        ServiceType::Voice => "voice minutes",
                        _ => "messages",
                    };
                    line.push_str(&format!(
                        ", covers {n} {unit} ({service}) to {} at {price} {}",
                        pricing.country_code,
                        pricing.currency.as_deref().unwrap_or("EUR")
                    ));
                }
                _ => line.push_str(&format!(
                    ", no {service} price is known for {}",
                    pricing.country_code
                )),
            },
            Err(e) => {
                return unknown(&format!(
                    "balance {balance} EUR, but the price lookup failed: {e}"
                ));
            }
        }
    }
    line.push_str(&format!(
        " | balance={};{};{}",
        perf(&balance),
        perf(&check.warn),
        perf(&check.critical)
    ));
    Verdict { line, code }
}

/// A number for performance data: no trailing zeros (`8.5`).
fn perf(amount: &Amount) -> String {
    amount.to_decimal().normalize().to_string()
}
