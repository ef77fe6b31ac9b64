//! `check balance` and `check secrets`: monitoring plugins (Nagios, Icinga, Sensu...) by the
//! monitoring-plugins development guidelines: one status line `SERVICE STATE - text | perfdata`,
//! exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; `-w/--warning` and `-c/--critical` in the
//! guidelines' range syntax, `-t/--timeout` for the whole check. Whatever stops a check (a usage
//! error, the credentials, the network, the timeout) is UNKNOWN with the reason in the line.

use std::{collections::BTreeMap, time::Duration};

use clap::{Args, Subcommand};
use serde_json::{json, value::RawValue};
use vonage_account::{Client, CoverageError, Secret, ServiceType};

use crate::{
    global::parse_duration,
    output::Output,
    profiles::{Context, Origin, Setting},
    range::Range,
};

/// The whole check's time limit when `-t` is not given.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The checks.
#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// The balance against two thresholds: `BALANCE WARNING - 8.50000000 EUR | balance=8.50000000;10:;2:`
    Balance(BalanceCheck),
    /// The age of the key's secrets: `SECRETS WARNING - ... | oldest_age=8208000s;7776000;15552000`
    Secrets(SecretsCheck),
}

/// `check balance -w RANGE -c RANGE [-t SECONDS] [--covers TYPE:CC]`.
#[derive(Debug, Args)]
pub struct BalanceCheck {
    /// WARNING when the balance (EUR) is outside RANGE: 20 or 20: (below 20), ~:100 (above 100),
    /// 10:20 (outside 10 to 20), @10:20 (inside it); ends included
    #[arg(short = 'w', long = "warning", alias = "warn", value_name = "RANGE", value_parser = Range::parse_lower_bound)]
    pub warning: Range,

    /// CRITICAL when the balance (EUR) is outside RANGE (the same syntax)
    #[arg(short = 'c', long = "critical", value_name = "RANGE", value_parser = Range::parse_lower_bound)]
    pub critical: Range,

    /// The whole check's time limit: seconds, or a number with ms, s or m; UNKNOWN when it runs
    /// out [default: 10s]
    #[arg(short = 't', long = "timeout", id = "timeout", value_name = "SECONDS", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Also say how many messages (or voice minutes) to a country the balance pays for, at the
    /// country's highest network price (the safe estimate): e.g. sms:DE
    #[arg(long, value_name = "TYPE:CC", value_parser = parse_covers)]
    pub covers: Option<(ServiceType, String)>,
}

/// `check secrets -w DAYS -c DAYS [--grace DAYS] [-t SECONDS]`.
#[derive(Debug, Args)]
pub struct SecretsCheck {
    /// WARNING when the key's oldest secret is older than DAYS (a rotation policy)
    #[arg(short = 'w', long = "warning", value_name = "DAYS")]
    pub warning: u32,

    /// CRITICAL when the key's oldest secret is older than DAYS
    #[arg(short = 'c', long = "critical", value_name = "DAYS")]
    pub critical: u32,

    /// WARNING when the key has had two secrets for longer than DAYS: a rotation left half-way
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub grace: u32,

    /// The whole check's time limit: seconds, or a number with ms, s or m; UNKNOWN when it runs
    /// out [default: 10s]
    #[arg(short = 't', long = "timeout", id = "timeout", value_name = "SECONDS", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
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

/// A check's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    fn code(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }

    fn name(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

/// The outcome of a check: the state, the text after it, the performance data, and for
/// `--json` the figures.
pub struct Verdict {
    service: &'static str,
    state: State,
    text: String,
    perfdata: Option<String>,
    /// For `--json`: each field as JSON text (an amount keeps every digit the API sent).
    figures: Vec<(&'static str, Box<RawValue>)>,
}

impl Verdict {
    /// An UNKNOWN verdict with the whole reason, on one line.
    pub fn unknown(service: &'static str, reason: &str) -> Verdict {
        Verdict {
            service,
            state: State::Unknown,
            text: one_line(reason),
            perfdata: None,
            figures: Vec::new(),
        }
    }

    /// `SERVICE STATE - text | perfdata`.
    pub fn line(&self) -> String {
        let mut line = format!("{} {} - {}", self.service, self.state.name(), self.text);
        if let Some(perfdata) = &self.perfdata {
            line.push_str(" | ");
            line.push_str(perfdata);
        }
        line
    }

    /// Prints the verdict (the status line, or with `--json` one JSON document) on stdout and
    /// returns its exit code.
    pub fn report(&self, out: Output) -> u8 {
        if out.json {
            let mut object = BTreeMap::from([
                ("state", raw(&self.state.name())),
                ("exit_code", raw(&self.state.code())),
                ("message", raw(&self.line())),
            ]);
            object.extend(self.figures.iter().map(|(k, v)| (*k, v.clone())));
            let _ = out.print_json(&object);
        } else {
            out.line(self.line());
        }
        self.state.code()
    }
}

/// `value` as JSON text.
fn raw(value: &impl serde::Serialize) -> Box<RawValue> {
    serde_json::value::to_raw_value(value)
        .unwrap_or_else(|_| RawValue::from_string("null".to_owned()).expect("null is JSON"))
}

/// Whitespace (newlines included) collapsed to single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The service name of a check, for its status line: `BALANCE`, `SECRETS`.
pub fn service(check: Option<&str>) -> &'static str {
    match check {
        Some("secrets") => "SECRETS",
        Some("balance") => "BALANCE",
        _ => "CHECK",
    }
}

/// Runs a check within its time limit; never fails: whatever goes wrong is an UNKNOWN with the
/// reason.
pub async fn run(command: &CheckCommand, ctx: &Context) -> Verdict {
    let (name, timeout) = match command {
        CheckCommand::Balance(check) => ("BALANCE", check.timeout),
        CheckCommand::Secrets(check) => ("SECRETS", check.timeout),
    };
    // Only a limit typed on the command line: the option shares its id with the global
    // `--timeout`, whose VONAGE_TIMEOUT (one attempt's limit, often 30s) must not stretch a
    // check past the monitoring system's own limit.
    let timeout = timeout
        .filter(|_| ctx.typed.has("timeout"))
        .unwrap_or(DEFAULT_TIMEOUT);
    // The check's time limit governs: an attempt may take up to it (and a little more, so that
    // the limit, not the attempt, says it ran out).
    let client = ctx.effective().and_then(|mut effective| {
        effective.timeout = Some(Setting::new(
            timeout + Duration::from_millis(250),
            Origin::Flag("--timeout"),
        ));
        effective.client(ctx.global.verbose)
    });
    let client = match client {
        Ok(client) => client,
        Err(failure) => return Verdict::unknown(name, &failure.to_string()),
    };
    let checked = async {
        match command {
            CheckCommand::Balance(check) => balance(&client, check).await,
            CheckCommand::Secrets(check) => secrets(&client, check).await,
        }
    };
    match tokio::time::timeout(timeout, checked).await {
        Ok(verdict) => verdict,
        Err(_) => Verdict::unknown(
            name,
            &format!(
                "no answer within the check's time limit of {} (-t/--timeout)",
                show_duration(timeout)
            ),
        ),
    }
}

fn show_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// `check balance`.
async fn balance(client: &Client, check: &BalanceCheck) -> Verdict {
    const NAME: &str = "BALANCE";
    if let (Some(warning), Some(critical)) =
        (check.warning.lower_bound(), check.critical.lower_bound())
        && critical > warning
    {
        return Verdict::unknown(
            NAME,
            "--critical must not be above --warning (both alert below their value)",
        );
    }
    let balance = match client.account().balance().await {
        Ok(balance) => balance.value,
        Err(e) => return Verdict::unknown(NAME, &e.to_string()),
    };
    let state = if check.critical.alerts(&balance) {
        State::Critical
    } else if check.warning.alerts(&balance) {
        State::Warning
    } else {
        State::Ok
    };
    let mut text = format!("{balance} EUR");
    let mut figures = vec![
        ("balance", raw(&balance)),
        (
            "thresholds",
            raw(
                &json!({"warning": check.warning.to_string(), "critical": check.critical.to_string()}),
            ),
        ),
    ];
    if let Some((service, country)) = &check.covers {
        match client.pricing().country(*service, country).await {
            Ok(pricing) => match (pricing.messages_covered(&balance), pricing.highest_price()) {
                (Ok(n), Some(price)) => {
                    let unit = match service {
                        ServiceType::Voice => "voice minutes",
                        _ => "messages",
                    };
                    text.push_str(&format!(
                        ", covers {n} {unit} ({service}) to {} at {price} {}",
                        pricing.country_code,
                        pricing.currency.as_deref().unwrap_or("EUR")
                    ));
                    figures.push((
                        "covers",
                        raw(&json!({
                            "service": service.to_string(),
                            "country": pricing.country_code,
                            "count": n,
                            "price": price.to_string(),
                        })),
                    ));
                }
                // Prices in another currency than the balance: no count, and why.
                (Err(why @ CoverageError::CurrencyMismatch { .. }), _) => text.push_str(&format!(
                    ", no {service} estimate for {}: {why}",
                    pricing.country_code
                )),
                _ => text.push_str(&format!(
                    ", no {service} price is known for {}",
                    pricing.country_code
                )),
            },
            Err(e) => {
                return Verdict::unknown(
                    NAME,
                    &format!("balance {balance} EUR, but the price lookup failed: {e}"),
                );
            }
        }
    }
    Verdict {
        service: NAME,
        state,
        text,
        // The value's digits as the API sent them; the thresholds as ranges.
        perfdata: Some(format!(
            "balance={balance};{};{}",
            check.warning, check.critical
        )),
        figures,
    }
}

/// `check secrets`.
async fn secrets(client: &Client, check: &SecretsCheck) -> Verdict {
    const NAME: &str = "SECRETS";
    const DAY: i64 = 86_400;
    if check.critical < check.warning {
        return Verdict::unknown(
            NAME,
            "--critical must not be below --warning (both alert above their number of days)",
        );
    }
    let mut secrets: Vec<Secret> = match client.secrets().list().await {
        Ok(secrets) => secrets,
        Err(e) => return Verdict::unknown(NAME, &e.to_string()),
    };
    secrets.sort_by_key(|s| s.created_at);
    let now = chrono::Utc::now();
    let age = |s: &Secret| (now - s.created_at).num_seconds().max(0);
    let (Some(oldest), Some(newest)) = (secrets.first(), secrets.last()) else {
        return Verdict::unknown(NAME, &format!("key {} lists no secret", client.api_key()));
    };
    let oldest_age = age(oldest);
    let days = |seconds: i64| seconds / DAY;
    let (warn_s, crit_s) = (
        i64::from(check.warning) * DAY,
        i64::from(check.critical) * DAY,
    );
    let mut state = State::Ok;
    let mut text = format!(
        "{} secret{}, the oldest ({}) {} days old",
        secrets.len(),
        if secrets.len() == 1 { "" } else { "s" },
        crate::output::shown(&oldest.id),
        days(oldest_age)
    );
    if oldest_age > crit_s {
        state = State::Critical;
        text.push_str(&format!(", more than {} (critical)", check.critical));
    } else if oldest_age > warn_s {
        state = State::Warning;
        text.push_str(&format!(", more than {} (warning)", check.warning));
    }
    let half_way = secrets.len() > 1 && age(newest) > i64::from(check.grace) * DAY;
    if half_way {
        if state == State::Ok {
            state = State::Warning;
        }
        text.push_str(&format!(
            "; two secrets for {} days, more than the {}-day grace: a rotation left half-way? \
             (vonage-account secrets rotate --status)",
            days(age(newest)),
            check.grace
        ));
    }
    Verdict {
        service: NAME,
        state,
        text,
        perfdata: Some(format!("oldest_age={oldest_age}s;{warn_s};{crit_s}")),
        figures: vec![
            ("api_key", raw(&client.api_key())),
            ("secrets", raw(&secrets.len())),
            ("oldest_age_seconds", raw(&oldest_age)),
            (
                "two_secrets_for_seconds",
                raw(&(secrets.len() > 1).then(|| age(newest))),
            ),
            (
                "thresholds",
                raw(
                    &json!({"warning_days": check.warning, "critical_days": check.critical, "grace_days": check.grace}),
                ),
            ),
        ],
    }
}
