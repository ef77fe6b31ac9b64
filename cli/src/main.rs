//! `vonage-account`: the Vonage Account, Secret Management and Pricing APIs from the command
//! line, and the fake Vonage server as a process. Uses only the library's public facade and the
//! fake's public API. See `vonage-account --help` for the commands and exit codes.
//!
//! One file per command, each with its clap arguments, its `run` and its printing (`balance.rs`,
//! `secrets.rs`, ...). To add a command: add its file, a variant to [`Command`] and an arm to
//! [`run`]. What every command shares is in `output.rs` (exit codes, failures, JSON, the
//! escaping of server text) and `global.rs` (the global options and the client made from them).

mod balance;
mod check;
mod fake_server;
mod global;
mod new_secret;
mod output;
mod pricing;
mod rotate;
mod rotate_all;
mod secrets;
mod settings;
mod subaccounts;
mod top_up;

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::{
    global::{Context, Global, Typed},
    output::{Failure, Output},
};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  2  usage or validation error, or missing/invalid credentials (nothing was sent)
  3  the API answered with an error (the message has the status, problem title and detail, and
     the request id)
  4  network error, timeout, or an answer that could not be decoded; or a create or transfer
     whose outcome is unknown (it was not sent again: the message says how to settle it)

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

    /// The primary account's sub-accounts: list, show, create, update, and move credit, balance
    /// and numbers between them
    #[command(subcommand)]
    Subaccounts(subaccounts::SubaccountsCommand),

    /// Run the fake Vonage server (both APIs) until SIGINT or SIGTERM
    FakeServer(fake_server::FakeServerArgs),
}

fn main() -> ExitCode {
    // Usage errors exit 2 here (as JSON on stderr with --json), `--help` and `--version` exit 0.
    let matches = match Cli::command().try_get_matches() {
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
        return ExitCode::from(report(&verdict));
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
        Command::FakeServer(args) => fake_server::run(args, ctx, out).await,
        Command::Subaccounts(command) => subaccounts::run(command, ctx, out).await,
    }
}

/// Prints a check's status line on stdout and returns its exit code.
fn report(verdict: &check::Verdict) -> u8 {
    Output { json: false }.line(&verdict.line);
    verdict.code
}

/// Reports a command-line error and exits: clap's own text, or with `--json` anywhere on the
/// command line a JSON object like every other error. Help and version go to stdout, exit 0.
/// For `check`, whose callers read only the status line and the exit code, it is an UNKNOWN.
fn usage_error(error: clap::Error) -> ! {
    use clap::error::ErrorKind;
    let wants_json = std::env::args_os().skip(1).any(|a| a == "--json");
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    // clap repeats an unexpected value in its message; that value may be a secret typed where
    // it does not belong (`secrets create S3cret...`), so it is not repeated.
    let unexpected_value = error.kind() == ErrorKind::UnknownArgument
        && matches!(
            error.get(clap::error::ContextKind::InvalidArg),
            Some(clap::error::ContextValue::String(arg)) if !arg.starts_with('-')
        );
    if unexpected_value {
        let message = "unexpected argument (its value is not repeated, in case it is a secret; \
                       `secrets create` reads the new secret from VONAGE_NEW_SECRET or standard input, \
                       or makes one with --generate); \
                       see --help"
            .to_owned();
        let code = Output { json: wants_json }.failure(&Failure::Usage(message));
        std::process::exit(i32::from(code))
    }
    let checking = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .as_deref()
        == Some("check");
    if checking && !informational {
        let text = error.render().to_string();
        let reason = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        std::process::exit(i32::from(report(&check::unknown(reason))))
    }
    if !wants_json || informational {
        error.exit()
    }
    let text = error.render().to_string();
    let message = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    let code = Output { json: true }.failure(&Failure::Usage(message));
    std::process::exit(i32::from(code))
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
    }
}
