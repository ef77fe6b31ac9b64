//! `vonage-account`: the Vonage Account, Secret Management and Pricing APIs from the command
//! line, and the fake Vonage server as a process. Uses only the library's public facade and the
//! fake's public API. See `vonage-account --help` for the commands and exit codes.

mod args;
mod check;
mod fake_server;
mod generate;
mod output;
mod pricing;
mod rotate;

use std::{io::BufRead as _, process::ExitCode};

use clap::{CommandFactory as _, FromArgMatches as _, parser::ValueSource};
use secrecy::ExposeSecret as _;
use vonage_account::{Client, Error, SecretString, SettingsUpdate};

use crate::{
    args::{Cli, Command, Global, SecretsCommand, SettingsArgs},
    output::{Failure, Output},
};

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
    // Only what was typed on the command line seeds the fake server: a real key and secret in
    // the environment must not become the fake's (and be printed by it).
    let typed = |id: &str| {
        let typed_here =
            |m: &clap::ArgMatches| m.value_source(id) == Some(ValueSource::CommandLine);
        typed_here(&matches) || matches.subcommand().is_some_and(|(_, sub)| typed_here(sub))
    };
    let fake_credentials = (typed("api_key"), typed("api_secret"));

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
        let client = client(&cli.global).map_err(|failure| match failure {
            Failure::Call(e) => e.to_string(),
            Failure::Rotation(e) => e.to_string(),
            Failure::Usage(m) | Failure::Io(m) => m,
        });
        let verdict = runtime.block_on(check::run(client, check));
        return ExitCode::from(report(&verdict));
    }
    match runtime.block_on(run(cli, out, fake_credentials)) {
        Ok(()) => ExitCode::from(output::EXIT_OK),
        Err(failure) => ExitCode::from(out.failure(&failure)),
    }
}

/// Prints a check's status line on stdout and returns its exit code.
fn report(verdict: &check::Verdict) -> u8 {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{}", verdict.line);
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

async fn run(cli: Cli, out: Output, fake_credentials: (bool, bool)) -> Result<(), Failure> {
    let global = &cli.global;
    match &cli.command {
        Command::FakeServer(args) => {
            let key = global.api_key.clone().filter(|_| fake_credentials.0);
            let secret = global.api_secret.clone().filter(|_| fake_credentials.1);
            fake_server::run(args, key, secret, out).await
        }
        Command::Balance => {
            let client = client(global)?;
            out.balance(&client.account().balance().await?)
        }
        Command::TopUp { trx } => {
            let client = client(global)?;
            let top_up = client.account().top_up(trx).await?;
            out.topped_up(trx, &top_up)
        }
        Command::Settings(args) => {
            let client = client(global)?;
            if args.is_update() {
                let settings = client.account().update_settings(&update(args)).await?;
                out.settings(&settings, true)
            } else {
                out.settings(&client.account().settings().await?, false)
            }
        }
        Command::Pricing(args) => pricing::run(&client(global)?, args, out).await,
        // Handled in `main`: its exit codes are the monitoring convention's.
        Command::Check(_) => Ok(()),
        Command::Secrets(command) => {
            let client = client(global)?;
            let for_key = |key: &args::ForKey| {
                key.for_key
                    .clone()
                    .unwrap_or_else(|| client.api_key().to_owned())
            };
            match command {
                SecretsCommand::List(key) => {
                    let key = for_key(key);
                    let secrets = client.secrets_for(key.clone()).list().await?;
                    out.secrets(&key, &secrets)
                }
                SecretsCommand::Get { id, key } => {
                    let secret = client.secrets_for(for_key(key)).get(id).await?;
                    out.secret(&secret)
                }
                SecretsCommand::Create(args) if args.generate => {
                    let key = for_key(&args.key);
                    generate::create(&client, key, args.output_file.as_deref(), out).await
                }
                SecretsCommand::Create(args) => {
                    let key = for_key(&args.key);
                    let secret = new_secret()?;
                    let created = client.secrets_for(key.clone()).create(secret).await?;
                    out.created(&key, &created)
                }
                SecretsCommand::Revoke { id, key } => {
                    let key = for_key(key);
                    client.secrets_for(key.clone()).revoke(id).await?;
                    out.revoked(&key, id)
                }
                SecretsCommand::Rotate(args) => rotate::run(&client, args, out).await,
            }
        }
    }
}

/// The client from the global options (each of which falls back to its environment variable).
fn client(global: &Global) -> Result<Client, Failure> {
    let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
    let api_key = given(&global.api_key).ok_or_else(|| {
        Failure::Usage("the API key is missing: set VONAGE_API_KEY or pass --api-key".into())
    })?;
    let api_secret = given(&global.api_secret).ok_or_else(|| {
        Failure::Usage(
            "the API secret is missing: set VONAGE_API_SECRET (preferred) or pass --api-secret"
                .into(),
        )
    })?;
    let mut builder = Client::builder()
        .api_key(api_key)
        .api_secret(SecretString::from(api_secret));
    if let Some(id) = given(&global.api_secret_id) {
        builder = builder.api_secret_id(id);
    }
    if let Some(url) = given(&global.rest_url) {
        builder = builder.rest_base_url(url);
    }
    if let Some(url) = given(&global.api_url) {
        builder = builder.api_base_url(url);
    }
    if let Some(timeout) = global.timeout {
        builder = builder.timeout(timeout);
    }
    let client = builder.build()?;
    if global.verbose {
        eprintln!(
            "vonage-account: API key {}, Account API {}, Secret Management API {}",
            client.api_key(),
            given(&global.rest_url)
                .as_deref()
                .unwrap_or(vonage_account::DEFAULT_REST_URL),
            given(&global.api_url)
                .as_deref()
                .unwrap_or(vonage_account::DEFAULT_API_URL),
        );
    }
    Ok(client)
}

/// The settings change the options ask for; `''` unsets a URL.
fn update(args: &SettingsArgs) -> SettingsUpdate {
    let mut update = SettingsUpdate::new();
    match args.mo_url.as_deref() {
        None => {}
        Some("") => update = update.unset_mo_callback_url(),
        Some(url) => update = update.mo_callback_url(url),
    }
    match args.dr_url.as_deref() {
        None => {}
        Some("") => update = update.unset_dr_callback_url(),
        Some(url) => update = update.dr_callback_url(url),
    }
    if let Some(method) = args.http_method {
        update = update.http_forward_method(method);
    }
    update
}

/// The new secret: `VONAGE_NEW_SECRET`, or else one line of standard input; never an argument,
/// which other users of the machine could see. Checked against the rules before anything is
/// sent.
pub(crate) fn new_secret() -> Result<SecretString, Failure> {
    let secret = match std::env::var("VONAGE_NEW_SECRET") {
        Ok(value) => value,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Failure::Usage(
                "VONAGE_NEW_SECRET is not valid UTF-8".into(),
            ));
        }
        Err(std::env::VarError::NotPresent) => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprint!("New secret (one line; it will be visible as you type): ");
            }
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| {
                Failure::Usage(format!(
                    "cannot read the new secret from standard input: {e}"
                ))
            })?;
            let trimmed = line.trim_end_matches(['\n', '\r']).to_owned();
            zeroize::Zeroize::zeroize(&mut line);
            trimmed
        }
    };
    let secret = SecretString::from(secret);
    vonage_account::validate_secret(secret.expose_secret()).map_err(Error::from)?;
    Ok(secret)
}
