//! The command line: global options, commands and their arguments.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, builder::TypedValueParser as _};
use vonage_account::{HttpForwardMethod, ServiceType};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  2  usage or validation error, or missing/invalid credentials (nothing was sent)
  3  the API answered with an error (the message has the status, problem title and detail, and
     the request id)
  4  network error, timeout, or an answer that could not be decoded

Environment:
  VONAGE_API_KEY, VONAGE_API_SECRET   the credentials (prefer these to the flags)
  VONAGE_API_SECRET_ID                the id of that secret (optional; for `secrets rotate`)
  VONAGE_REST_URL, VONAGE_API_URL     the Account and Secret Management API base URLs
  VONAGE_TIMEOUT                      the per-attempt timeout
  VONAGE_NEW_SECRET                   the new secret for `secrets create` and `secrets rotate
                                      --stage` (else read from stdin, unless --generate makes one)";

/// Manage a Vonage account from the command line: balance, top-up, SMS webhook settings and API
/// secrets.
#[derive(Debug, Parser)]
#[command(name = "vonage-account", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The options every command shares.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The options every command shares.
#[derive(Debug, Args)]
pub struct Global {
    /// The API key
    #[arg(long, env = "VONAGE_API_KEY", global = true, value_name = "KEY")]
    pub api_key: Option<String>,

    /// The API secret; prefer the VONAGE_API_SECRET environment variable, since command-line
    /// arguments are visible to other users of the machine
    #[arg(
        long,
        env = "VONAGE_API_SECRET",
        hide_env_values = true,
        global = true,
        value_name = "SECRET"
    )]
    pub api_secret: Option<String>,

    /// The id of the API secret, if known: lets `secrets rotate` tell which of two secrets is
    /// yours, and refuse to retire the one you are using
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

    /// Machine-readable output: one JSON document on stdout; errors as a JSON object on stderr
    #[arg(long, global = true)]
    pub json: bool,

    /// Log each request (operation, host, attempt, status, request id) to stderr; never the secret
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the balance in EUR and whether auto-reload is on
    Balance,

    /// Top up the balance by the amount of the original auto-reload payment
    TopUp {
        /// The transaction reference of the original auto-reload payment
        trx: String,
    },

    /// Show the SMS webhook settings, or change them with the options
    Settings(SettingsArgs),

    /// List, show, create or revoke API secrets
    #[command(subcommand)]
    Secrets(SecretsCommand),

    /// What an SMS or a call costs: per country, per dialling prefix, or everywhere
    Pricing(crate::pricing::PricingArgs),

    /// Monitoring checks in the monitoring-plugins convention (Nagios, Icinga, Sensu): one status
    /// line with performance data; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    #[command(subcommand)]
    Check(crate::check::CheckCommand),

    /// Run the fake Vonage server (both APIs) until SIGINT or SIGTERM
    FakeServer(FakeServerArgs),
}

/// `--http-method`'s values: the wire spellings of [`HttpForwardMethod`].
fn http_method_parser() -> impl clap::builder::TypedValueParser<Value = HttpForwardMethod> {
    clap::builder::PossibleValuesParser::new(["GET_QUERY_PARAMS", "POST_QUERY_PARAMS", "POST_JSON"])
        .map(|name| match name.as_str() {
            "GET_QUERY_PARAMS" => HttpForwardMethod::GetQueryParams,
            "POST_QUERY_PARAMS" => HttpForwardMethod::PostQueryParams,
            _ => HttpForwardMethod::PostJson,
        })
}

/// A price type's values: the wire spellings of [`ServiceType`] (`sms`, `sms-transit`, `voice`).
pub fn service_type_parser() -> impl clap::builder::TypedValueParser<Value = ServiceType> {
    let all = [
        ServiceType::Sms,
        ServiceType::SmsTransit,
        ServiceType::Voice,
    ];
    clap::builder::PossibleValuesParser::new(all.map(ServiceType::as_str)).map(move |name| {
        all.into_iter()
            .find(|service| service.as_str() == name)
            .unwrap_or(ServiceType::Sms)
    })
}

/// `settings` options; with none the settings are only shown.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Set the inbound-SMS webhook URL (mo-callback-url); '' unsets it
    #[arg(long, value_name = "URL")]
    pub mo_url: Option<String>,

    /// Set the delivery-receipt webhook URL (dr-callback-url); '' unsets it
    #[arg(long, value_name = "URL")]
    pub dr_url: Option<String>,

    /// Set the HTTP method Vonage uses to call the webhooks
    #[arg(long, value_name = "METHOD", value_parser = http_method_parser())]
    pub http_method: Option<HttpForwardMethod>,
}

impl SettingsArgs {
    /// Whether any change was asked for.
    pub fn is_update(&self) -> bool {
        self.mo_url.is_some() || self.dr_url.is_some() || self.http_method.is_some()
    }
}

/// The `secrets` commands.
#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// List the secrets of an API key (id and creation time; the API never shows values)
    List(ForKey),

    /// Show one secret by id
    Get {
        /// The secret's id
        id: String,
        /// Whose secret.
        #[command(flatten)]
        key: ForKey,
    },

    /// Add a secret, read from VONAGE_NEW_SECRET or else one line of stdin (never an argument),
    /// or made with --generate
    Create(CreateArgs),

    /// Revoke a secret by id, at once
    Revoke {
        /// The secret's id
        id: String,
        /// Whose secret.
        #[command(flatten)]
        key: ForKey,
    },

    /// Rotate a secret without breaking the processes that hold it: --stage adds the new secret
    /// next to the old one (both work), you roll it out, then --retire OLD_ID revokes the old one
    #[command(after_help = ROTATE_AFTER_HELP)]
    Rotate(RotateArgs),
}

const ROTATE_AFTER_HELP: &str = "\
A rotation in two phases, for a secret that more than one process holds:

  1. vonage-account secrets rotate --stage [--make-room] [--generate]
       creates the new secret (from VONAGE_NEW_SECRET, one line of stdin, or --generate), proves
       it with an authenticated read, and prints its id and the old secret's id; the old secret
       keeps working
  2. roll the new secret out to every process that holds the key's secret
  3. vonage-account secrets rotate --retire OLD_ID
       revokes the old secret; run it with the new secret in VONAGE_API_SECRET (for your own
       key). A secret that is already gone counts as done, so it is safe to run again

Between the two, --status shows where the key stands (the newer of two secrets is the staged
one), so a rotation that stopped half-way can be finished. With --for KEY, the primary
credentials rotate a sub-account's secret.";

/// `secrets rotate` options. (The options of `--stage` are checked by `RotateArgs::check`:
/// clap's `requires` does not hold for a member of the required group.)
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("phase")
        .required(true)
        .args(["stage", "retire", "status"])
))]
pub struct RotateArgs {
    /// Whose secret.
    #[command(flatten)]
    pub key: ForKey,

    /// Phase 1: create the new secret and prove it works; the old one keeps working
    #[arg(long)]
    pub stage: bool,

    /// Phase 2: revoke the old secret OLD_ID, once every holder uses the new one (already gone
    /// counts as done)
    #[arg(long, value_name = "OLD_ID")]
    pub retire: Option<String>,

    /// Show the key's secrets, oldest first, and which one is staged
    #[arg(long)]
    pub status: bool,

    /// With --stage: if the key already has two secrets, first revoke the oldest one that is not
    /// in use
    #[arg(long)]
    pub make_room: bool,

    /// With --stage: the id of the secret in use, when the key has two secrets and it is not
    /// known which one that is (for your own key, VONAGE_API_SECRET_ID says it)
    #[arg(long, value_name = "ID")]
    pub replacing: Option<String>,

    /// With --stage: make the new secret here (25 characters from the operating system's random
    /// source) instead of reading it, and print it once; refused while VONAGE_NEW_SECRET is set
    #[arg(long)]
    pub generate: bool,

    /// With --stage --generate: write the new secret to this new owner-only file (mode 0600)
    /// instead of stdout
    #[arg(long, value_name = "PATH", requires = "generate")]
    pub output_file: Option<PathBuf>,
}

/// `secrets create` options.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Whose secret.
    #[command(flatten)]
    pub key: ForKey,

    /// Make the new secret here (25 characters from the operating system's random source: letters,
    /// digits, '-' and '_') instead of reading it, and print it once after it is created; refused
    /// while VONAGE_NEW_SECRET is set
    #[arg(long)]
    pub generate: bool,

    /// With --generate: write the new secret to this file instead of stdout. The file is created
    /// new, readable by its owner only (mode 0600), and never written over; it is written before
    /// the secret is sent, and removed again if the API refuses it (kept if the secret may have
    /// been created, as after a timeout)
    #[arg(long, value_name = "PATH", requires = "generate")]
    pub output_file: Option<PathBuf>,
}

/// Which API key's secrets a `secrets` command manages.
#[derive(Debug, Args)]
pub struct ForKey {
    /// Manage this (sub-account) API key's secrets instead of your own
    #[arg(long = "for", value_name = "API_KEY")]
    pub for_key: Option<String>,
}

/// `fake-server` options.
#[derive(Debug, Args)]
#[command(after_help = crate::fake_server::after_help())]
pub struct FakeServerArgs {
    /// The address to listen on (only this one); port 0 picks a free port
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: SocketAddr,

    /// Start from this seed file (JSON: api_key, secrets, balance, auto_reload, top_up_amount,
    /// settings, sub_accounts, lenient, account_401, top_up_refusal, check_webhooks,
    /// request_log_limit); the flags below override it
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// The fake account's balance in EUR (decimal, up to 8 decimals)
    #[arg(long, value_name = "EUR")]
    pub balance: Option<String>,

    /// Whether auto-reload is on (top-ups need it): on/off, true/false, yes/no
    #[arg(
        long,
        value_name = "BOOL",
        value_parser = clap::builder::BoolishValueParser::new(),
        hide_possible_values = true
    )]
    pub auto_reload: Option<bool>,

    /// Serve HTTPS with a certificate for 127.0.0.1 and localhost made at start (needs a binary
    /// built with the rustls or rustls-ring feature; the default features have rustls)
    #[arg(long)]
    pub tls: bool,

    /// With --tls: write the certificate to trust (PEM) to FILE before the first line
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub cert_out: Option<PathBuf>,

    /// Accept unknown fields and bodies of another media type (with a warning in the request
    /// log) instead of refusing them
    #[arg(long)]
    pub lenient: bool,

    /// How many requests the request log keeps: the newest N, older ones dropped and counted
    /// [default: 10000, or the seed file's request_log_limit]
    #[arg(long, value_name = "N")]
    pub request_log_limit: Option<usize>,
}

impl RotateArgs {
    /// Refuses the options of `--stage` without it.
    pub fn check(&self) -> Result<(), String> {
        if self.stage {
            return Ok(());
        }
        let given = [
            ("--make-room", self.make_room),
            ("--replacing", self.replacing.is_some()),
            ("--generate", self.generate),
            ("--output-file", self.output_file.is_some()),
        ];
        match given.iter().find(|(_, given)| *given) {
            Some((flag, _)) => Err(format!("{flag} only goes with --stage")),
            None => Ok(()),
        }
    }
}

/// `30`, `30s`, `500ms`, `2m`, `1.5s`.
fn parse_duration(text: &str) -> Result<Duration, String> {
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
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

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
