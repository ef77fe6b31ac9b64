//! The options every command shares (shown once, under their own heading), which of them were
//! typed on the command line, and `--for`, which the `secrets` commands share.

use std::{path::PathBuf, time::Duration};

use clap::{ArgMatches, Args, parser::ValueSource};
use vonage_account::Client;

/// The options every command shares.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The API key
    #[arg(long, env = "VONAGE_API_KEY", global = true, value_name = "KEY")]
    pub api_key: Option<String>,

    /// The API secret; prefer the VONAGE_API_SECRET environment variable, --api-secret-file or a
    /// profile, since command-line arguments are visible to other users of the machine
    #[arg(
        long,
        env = "VONAGE_API_SECRET",
        hide_env_values = true,
        global = true,
        value_name = "SECRET"
    )]
    pub api_secret: Option<String>,

    /// Read the API secret from the first line of this file
    #[arg(
        long,
        env = "VONAGE_API_SECRET_FILE",
        global = true,
        value_name = "PATH"
    )]
    pub api_secret_file: Option<PathBuf>,

    /// The id of the API secret, if known: lets `secrets rotate` tell which of two secrets is
    /// yours, and `secrets revoke` and `--retire` refuse to revoke the one you are using
    #[arg(long, env = "VONAGE_API_SECRET_ID", global = true, value_name = "ID")]
    pub api_secret_id: Option<String>,

    /// The Account API base URL [default: https://rest.nexmo.com]
    #[arg(long, env = "VONAGE_REST_URL", global = true, value_name = "URL")]
    pub rest_url: Option<String>,

    /// The Secret Management API base URL [default: https://api.nexmo.com]
    #[arg(long, env = "VONAGE_API_URL", global = true, value_name = "URL")]
    pub api_url: Option<String>,

    /// How long one attempt may take: seconds, or a number with ms, s or m (e.g. 500ms)
    /// [default: 30s]
    #[arg(long, env = "VONAGE_TIMEOUT", global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Take what the options and environment do not give from this profile of the config file
    /// (see `vonage-account config show`) [default: default]
    #[arg(long, env = "VONAGE_PROFILE", global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Trust this certificate authority (PEM file) in addition to the system's
    #[arg(long, env = "VONAGE_CA_FILE", global = true, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,

    /// Machine-readable output: one JSON document on stdout; errors as a JSON object on stderr
    #[arg(long, global = true)]
    pub json: bool,

    /// Log each request (operation, host, attempt, status, request id) to stderr; never the secret
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

/// The ids of the global options, as clap names them.
pub const GLOBAL_IDS: &[&str] = &[
    "api_key",
    "api_secret",
    "api_secret_file",
    "profile",
    "ca_file",
    "api_secret_id",
    "rest_url",
    "api_url",
    "timeout",
    "json",
    "verbose",
];

/// Which global options were typed on the command line, as opposed to taken from the
/// environment.
#[derive(Debug, Default)]
pub struct Typed(Vec<&'static str>);

impl Typed {
    /// Reads it from the parsed command line (a global option typed after a command is in that
    /// command's matches).
    pub fn from_matches(matches: &ArgMatches) -> Typed {
        let mut typed = Vec::new();
        let mut level = Some(matches);
        while let Some(m) = level {
            for id in GLOBAL_IDS {
                if !typed.contains(id) && m.value_source(id) == Some(ValueSource::CommandLine) {
                    typed.push(*id);
                }
            }
            level = m.subcommand().map(|(_, sub)| sub);
        }
        Typed(typed)
    }

    /// Whether the option `id` (`api_key`) was typed on the command line.
    pub fn has(&self, id: &str) -> bool {
        self.0.contains(&id)
    }
}

/// Which API key's secrets a `secrets` command manages.
#[derive(Debug, Args)]
pub struct ForKey {
    /// Manage this (sub-account) API key's secrets instead of your own
    #[arg(long = "for", value_name = "API_KEY")]
    pub for_key: Option<String>,
}

impl ForKey {
    /// The key named with `--for`, else the client's own.
    pub fn key(&self, client: &Client) -> String {
        self.for_key
            .clone()
            .unwrap_or_else(|| client.api_key().to_owned())
    }
}

/// `30`, `30s`, `500ms`, `2m`, `1.5s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("not a duration: {text:?} (try 30, 30s or 500ms)"))?;
    let secs = value * scale;
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(format!(
            "the timeout must be more than 0 and at most a day, not {text:?}"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
