//! `subaccounts create --name NAME [--own-balance] [--generate [--output-file PATH]]`:
//! `POST /accounts/{key}/subaccounts`, never sent twice.
//!
//! The secret sent is VONAGE_NEW_SECRET's, or one made with `--generate`; with neither, none is
//! sent and the API makes one. The answer carries the secret, the only time it is ever shown:
//! it is printed once (`secret` in JSON), or, with `--output-file`, it is in that new owner-only
//! file, written before the request is sent. A secret taken from VONAGE_NEW_SECRET is not
//! printed again: the caller has it.

use std::path::PathBuf;

use clap::Args;
use vonage_account::{
    CreatedSubaccount, ExposeSecret as _, NewSubaccount, SecretString, Subaccounts,
};

use super::print_one;
use crate::{
    new_secret,
    output::{Failure, Output},
};

/// `subaccounts create` arguments.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Its name (1 to 80 characters)
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// A balance of its own, starting at zero, instead of sharing the primary account's.
    /// Irreversible: the API cannot make it share the primary's balance again
    #[arg(long)]
    pub own_balance: bool,

    /// Make its secret here (25 characters from the operating system's random source) instead of
    /// letting the API make one; refused while VONAGE_NEW_SECRET is set
    #[arg(long)]
    pub generate: bool,

    /// With --generate: write the secret to this file instead of stdout. The file is created new,
    /// readable by its owner only (mode 0600), never written over, and written before the
    /// request is sent; it is removed again if the API refuses the request
    #[arg(long, value_name = "PATH", requires = "generate")]
    pub output_file: Option<PathBuf>,
}

/// Where the secret sent came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// None was sent: the API made it.
    Api,
    /// `--generate`.
    Generated,
    /// VONAGE_NEW_SECRET.
    Environment,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Generated => "generated",
            Source::Environment => "VONAGE_NEW_SECRET",
        }
    }
}

/// Creates the sub-account and shows it with its secret, once.
pub async fn run(subaccounts: &Subaccounts, args: &CreateArgs, out: Output) -> Result<(), Failure> {
    let output_file = args.output_file.as_deref();
    let (secret, source) = if args.generate {
        (Some(new_secret::generate(output_file)?), Source::Generated)
    } else {
        match std::env::var("VONAGE_NEW_SECRET") {
            Ok(value) => (Some(SecretString::from(value)), Source::Environment),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::Usage(
                    "VONAGE_NEW_SECRET is not valid UTF-8 (nothing was sent)".into(),
                ));
            }
            Err(std::env::VarError::NotPresent) => (None, Source::Api),
        }
    };
    let mut new = NewSubaccount::new(args.name.clone());
    if args.own_balance {
        new = new.own_balance();
    }
    if let Some(secret) = &secret {
        new = new.secret(secret.clone());
    }
    match subaccounts.create(&new).await {
        Ok(created) => {
            // The API keeps the secret it was given; if it answered another, that one is the
            // secret and the only copy: show it.
            let same = secret
                .as_ref()
                .is_some_and(|s| s.expose_secret() == created.secret.expose_secret());
            let source = if same { source } else { Source::Api };
            print_created(&created, source, output_file.filter(|_| same), out)
        }
        Err(error) => {
            if let Some(path) = output_file {
                let not_created = new_secret::certainly_not_created(&error);
                new_secret::settle_file(path, not_created, out.json, "the sub-account");
            }
            Err(error.into())
        }
    }
}

/// `subaccounts create --json`: the sub-account's fields and where its secret is.
#[derive(serde::Serialize)]
struct CreatedJson<'a> {
    #[serde(flatten)]
    subaccount: &'a vonage_account::Subaccount,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_file: Option<String>,
    secret_source: &'static str,
}

/// The new sub-account and its secret: printed once, in the file, or (from VONAGE_NEW_SECRET)
/// not repeated. With `--json`: the sub-account's fields, `secret` (or `secret_file`) and
/// `secret_source` (`api`, `generated` or `VONAGE_NEW_SECRET`).
fn print_created(
    created: &CreatedSubaccount,
    source: Source,
    file: Option<&std::path::Path>,
    out: Output,
) -> Result<(), Failure> {
    let value = created.secret.expose_secret();
    if out.json {
        // Flattened, not through `serde_json::Value`, which would drop the digits of the money.
        let shown = match (file, source) {
            (Some(_), _) | (None, Source::Environment) => None,
            (None, _) => Some(value),
        };
        return out.print_json(&CreatedJson {
            subaccount: &created.subaccount,
            secret: shown,
            secret_file: file.map(|p| p.display().to_string()),
            secret_source: source.name(),
        });
    }
    out.line("Created:");
    print_one(&created.subaccount, out);
    match (file, source) {
        (Some(path), _) => out.line(format_args!("Its secret is in {}", path.display())),
        (None, Source::Environment) => out.line("Its secret is the one in VONAGE_NEW_SECRET."),
        (None, _) => out.line(format_args!("Its secret (shown only this once): {value}")),
    }
    Ok(())
}
