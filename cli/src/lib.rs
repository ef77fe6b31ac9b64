//! `vonage-account`: the Vonage Account, Secret Management and Pricing APIs from the command
//! line, and the fake Vonage server as a process. The binary (`src/main.rs`) only calls [`main`];
//! the commands live in this library target so that they are one module tree. Uses only the library's public facade and the
//! fake's public API. See `vonage-account --help` for the commands and exit codes.
//!
//! One file per command, each with its clap arguments, its `run` and its printing (`balance.rs`,
//! `secrets.rs`, ...). To add a command: add its file, a variant to [`Command`] and an arm to
//! [`run`]. What every command shares is in `output.rs` (exit codes, failures, JSON, the
//! escaping of server text) and `global.rs` (the global options and the client made from them).

mod balance;
mod check;
mod completions;
mod config;
mod fake_server;
mod files;
mod global;
mod lockout;
mod metrics;
mod new_secret;
mod output;
mod pricing;
mod profiles;
mod prompt;
mod range;
mod rotate;
mod rotate_all;
mod secrets;
mod settings;
mod state;
mod subaccounts;
mod top_up;

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::{
    global::{Global, Typed},
    output::{Failure, Output},
    profiles::Context,
};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  2  usage or validation error, or missing/invalid credentials (nothing was sent)
  3  the API answered with an error (the message has the status, problem title and detail, and
     the request id)
  4  network error, timeout, or an answer that could not be decoded; or a create or transfer
     whose outcome is unknown (it was not sent again: the message says how to settle it)

Environment (a flag wins over its variable, a variable over the profile):
  VONAGE_API_KEY, VONAGE_API_SECRET   the credentials (prefer these to the flags)
  VONAGE_API_SECRET_FILE              a file whose first line is the API secret
  VONAGE_API_SECRET_ID                the id of that secret (optional; lets `secrets revoke` and
                                      `secrets rotate` refuse to revoke the secret in use)
  VONAGE_REST_URL, VONAGE_API_URL     the Account and Secret Management API base URLs
  VONAGE_TIMEOUT                      the per-attempt timeout
  VONAGE_CA_FILE                      a certificate authority (PEM) to trust besides the system's
  VONAGE_PROFILE, VONAGE_CONFIG       the profile to use, and the config file
  VONAGE_NEW_SECRET                   the new secret for `secrets create` and `secrets rotate
                                      --stage` (else typed at the terminal, or read from stdin,
                                      unless --generate makes one)

Profiles: $XDG_CONFIG_HOME/vonage-account/config.toml (default ~/.config/vonage-account/), one
[profiles.NAME] table each (api_key, api_secret_file or api_secret, api_secret_id, rest_url,
api_url, timeout, ca_file); `default` unless --profile names another. `config show` says what is
in effect and where each setting came from. The rotation record of `secrets rotate --stage` is
kept in $XDG_STATE_HOME/vonage-account/ (default ~/.local/state/vonage-account/).";

/// Manage a Vonage account from the command line: balance, top-up, SMS webhook settings and API
/// secrets.
#[derive(Debug, Parser)]
#[command(name = "vonage-account", version, after_help = AFTER_HELP)]
struct Cli {
    /// The options every command shares.
    #[command(flatten)]
    global: Global,
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The commands, each in its own module.
#[derive(Debug, Subcommand)]
enum Command {
    /// Show the balance in EUR and whether auto-reload is on
    Balance(balance::BalanceArgs),

    /// Top up the balance by the amount of the original auto-reload payment
    TopUp(top_up::TopUpArgs),

    /// Show the SMS webhook settings, or change them with the options
    Settings(settings::SettingsArgs),

    /// List, show, create or revoke API secrets
    #[command(subcommand)]
    Secrets(secrets::SecretsCommand),

    /// What an SMS or a call costs: per country, per dialling prefix, or everywhere
    Pricing(pricing::PricingArgs),

    /// Monitoring checks in the monitoring-plugins convention (Nagios, Icinga, Sensu): one status
    /// line with performance data; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    #[command(subcommand)]
    Check(check::CheckCommand),

    /// The account's state in the Prometheus text format (for node_exporter's textfile collector)
    Metrics(metrics::MetricsArgs),

    /// Show the settings in effect (profiles, environment, flags) and where each came from
    #[command(subcommand)]
    Config(config::ConfigCommand),

    /// Print a shell completion script: bash, zsh, fish, powershell or elvish
    Completions(completions::CompletionsArgs),

    /// Print the man page, or write one per command with --dir
    Man(completions::ManArgs),

    /// The primary account's sub-accounts: list, show, create, update, and move credit, balance
    /// and numbers between them
    #[command(subcommand)]
    Subaccounts(subaccounts::SubaccountsCommand),

    /// Run the fake Vonage server (both APIs) until SIGINT or SIGTERM
    FakeServer(fake_server::FakeServerArgs),
}

/// The command line as parsed and shown: the global options are listed once, in the main help
/// under their own heading, and accepted (hidden) after every command; `fake-server` shows the
/// three it uses, in its own words.
fn command() -> clap::Command {
    let command = Cli::command();
    let globals: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    hide_globals(command, &globals)
}

fn hide_globals(command: clap::Command, globals: &[clap::Arg]) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut command = command;
    for name in names {
        command = command.mut_subcommand(name, |mut sub| {
            for arg in globals {
                if sub.get_arguments().any(|a| a.get_id() == arg.get_id()) {
                    continue;
                }
                let copy = arg.clone().global(false);
                let own_words = fake_server::own_words(sub.get_name(), arg.get_id().as_str());
                sub = sub.arg(match own_words {
                    Some(help) => copy.help(help).help_heading(None).env(None),
                    None => copy.hide(true),
                });
            }
            let note = "Global options (--api-key, --profile, --json, --verbose, ...): see \
                        vonage-account --help";
            // fake-server uses no other global option.
            if sub.get_name() != "fake-server" {
                let after = match sub.get_after_help() {
                    Some(after) => format!("{after}\n\n{note}"),
                    None => note.to_owned(),
                };
                sub = sub.after_help(after);
            }
            hide_globals(sub, globals)
        });
    }
    command
}

/// Runs the command line of the process and gives its exit code.
pub fn main() -> ExitCode {
    // Usage errors exit 2 here (as JSON on stderr with --json), `--help` and `--version` exit 0.
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => usage_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => usage_error(e),
    };
    let out = Output {
        json: cli.global.json,
    };
    if cli.global.verbose {
        init_request_log();
    }
    let ctx = Context {
        global: cli.global,
        typed: Typed::from_matches(&matches),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return ExitCode::from(
                out.failure(&Failure::Io(format!("cannot start the async runtime: {e}"))),
            );
        }
    };
    if let Command::Check(check) = &cli.command {
        // Its exit codes are the monitoring convention's.
        let verdict = runtime.block_on(check::run(check, &ctx));
        return ExitCode::from(verdict.report(out));
    }
    match runtime.block_on(run(&cli.command, &ctx, out)) {
        Ok(()) => ExitCode::from(output::EXIT_OK),
        Err(failure) => ExitCode::from(out.failure(&failure)),
    }
}

/// Runs a command.
async fn run(command: &Command, ctx: &Context, out: Output) -> Result<(), Failure> {
    match command {
        Command::Balance(args) => balance::run(args, ctx, out).await,
        Command::TopUp(args) => top_up::run(args, ctx, out).await,
        Command::Settings(args) => settings::run(args, ctx, out).await,
        Command::Secrets(command) => secrets::run(command, ctx, out).await,
        Command::Pricing(args) => pricing::run(args, ctx, out).await,
        // Handled in `main`: its exit codes are the monitoring convention's.
        Command::Check(_) => Ok(()),
        Command::Metrics(args) => metrics::run(args, ctx, out).await,
        Command::Config(command) => config::run(command, ctx, out),
        Command::Completions(args) => completions::completions(args, crate::command(), out),
        Command::Man(args) => completions::man(args, crate::command(), out),
        Command::FakeServer(args) => fake_server::run(args, ctx, out).await,
        Command::Subaccounts(command) => subaccounts::run(command, ctx, out).await,
    }
}

/// Reports a command-line error and exits: clap's own text, or with `--json` anywhere on the
/// command line a JSON object like every other error, with the whole reason on one line. Help
/// and version go to stdout, exit 0. For `check`, whose callers read only the status line and
/// the exit code, every usage error is an UNKNOWN (exit 3) with the whole reason in the line.
fn usage_error(error: clap::Error) -> ! {
    use clap::error::ErrorKind;
    let wants_json = std::env::args_os().skip(1).any(|a| a == "--json");
    let out = Output { json: wants_json };
    // Which check, if any: the command line read leniently, so that options before `check`
    // (`--timeout 10s check balance`) do not hide it.
    let lenient = command().ignore_errors(true).try_get_matches().ok();
    let check = lenient.as_ref().and_then(|m| match m.subcommand() {
        Some(("check", sub)) => Some(sub.subcommand_name().map(str::to_owned)),
        _ => None,
    });
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) || (check.is_none()
        && error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand);
    // clap repeats an unexpected value in its message; that value may be a secret typed where
    // it does not belong (`secrets create S3cret...`), so it is not repeated.
    let unexpected_value = error.kind() == ErrorKind::UnknownArgument
        && matches!(
            error.get(clap::error::ContextKind::InvalidArg),
            Some(clap::error::ContextValue::String(arg)) if !arg.starts_with('-')
        );
    let reason = if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        "a command is missing (see --help)".to_owned()
    } else if unexpected_value {
        "unexpected argument (its value is not repeated, in case it is a secret; \
         `secrets create` reads the new secret from VONAGE_NEW_SECRET or standard input, \
         or makes one with --generate); \
         see --help"
            .to_owned()
    } else {
        whole_reason(&error)
    };
    if let Some(which) = check
        && !informational
    {
        let verdict = check::Verdict::unknown(check::service(which.as_deref()), &reason);
        std::process::exit(i32::from(verdict.report(out)))
    }
    if !unexpected_value && (!wants_json || informational) {
        error.exit()
    }
    let code = out.failure(&Failure::Usage(reason));
    std::process::exit(i32::from(code))
}

/// A clap error's whole reason on one line: its message and tips, without the usage line and
/// the pointer to --help.
fn whole_reason(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let mut parts = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line.trim_start_matches("error: "));
        }
    }
    parts.join(" ")
}

/// Logs the crate's `vonage_account.request` spans and their events to stderr. The crate puts
/// the operation, host, attempt, status and request id there, never a credential.
fn init_request_log() {
    use tracing_subscriber::{
        filter::Targets, layer::SubscriberExt as _, util::SubscriberInitExt as _,
    };
    let filter = Targets::new().with_target("vonage_account", tracing::Level::DEBUG);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false),
        )
        .with(filter)
        .try_init();
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
        super::command().debug_assert();
    }
}
