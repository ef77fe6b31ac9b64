//! `secrets list | get | create | revoke | rotate`: the API secrets of your own key or, with
//! `--for`, of a sub-account's. (`rotate` has a file of its own.)

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;
use vonage_account::{Client, ExposeSecret as _, Secret, SecretString};

use crate::{
    global::ForKey,
    lockout::{self, Revoking},
    new_secret::{self, Generated},
    output::{Failure, Output, created, shown},
    profiles::Context,
    rotate::{self, ROTATE_AFTER_HELP, RotateArgs},
};

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

    /// Revoke a secret by id, at once; never the one this command authenticates with
    Revoke {
        /// The secret's id
        id: String,
        /// Whose secret.
        #[command(flatten)]
        key: ForKey,
        /// Go on without asking when it cannot be told which secret is in use (needed when not
        /// at a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
    },

    /// Rotate a secret without breaking the processes that hold it: --stage adds the new secret
    /// next to the old one (both work), you roll it out, then --retire OLD_ID revokes the old one
    #[command(after_help = ROTATE_AFTER_HELP)]
    Rotate(RotateArgs),
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

/// Runs a `secrets` command.
pub async fn run(command: &SecretsCommand, ctx: &Context, out: Output) -> Result<(), Failure> {
    let effective = ctx.effective()?;
    let client = effective.client(ctx.global.verbose)?;
    match command {
        SecretsCommand::List(key) => {
            let key = key.key(&client);
            let secrets = client.secrets_for(key.clone()).list().await?;
            print_list(&key, &secrets, out)
        }
        SecretsCommand::Get { id, key } => {
            let secret = client.secrets_for(key.key(&client)).get(id).await?;
            print_one(&secret, out)
        }
        SecretsCommand::Create(args) if args.generate => create_generated(&client, args, out).await,
        SecretsCommand::Create(args) => {
            let key = args.key.key(&client);
            let secret = new_secret::read()?;
            let created = client.secrets_for(key.clone()).create(secret).await?;
            print_created(&key, &created, out)
        }
        SecretsCommand::Revoke { id, key, yes } => {
            let key = key.key(&client);
            lockout::guard(
                &effective,
                client.api_key(),
                &key,
                id,
                *yes,
                Revoking::Revoke,
            )?;
            client.secrets_for(key.clone()).revoke(id).await?;
            print_revoked(&key, id, out)
        }
        SecretsCommand::Rotate(args) => rotate::run(&effective, &client, args, out).await,
    }
}

/// `secrets create --generate`: a new secret from the operating system's random source,
/// created, and shown once: on stdout, or in a new owner-only file.
///
/// With `--output-file`, the file is created (new, mode 0600) and the secret written and synced
/// before it is sent: an existing file is refused with nothing sent, and a secret that was
/// created is never lost. The file is removed if the API certainly did not create the secret.
async fn create_generated(client: &Client, args: &CreateArgs, out: Output) -> Result<(), Failure> {
    let api_key = args.key.key(client);
    let output_file = args.output_file.as_deref();
    let secret = new_secret::generate(output_file)?;
    match client
        .secrets_for(api_key.clone())
        .create(SecretString::from(secret.expose_secret()))
        .await
    {
        Ok(created) => {
            let shown = match output_file {
                Some(path) => Generated::SavedTo(path),
                None => Generated::Shown(&secret),
            };
            print_created_generated(&api_key, &created, shown, out)
        }
        Err(error) => {
            if let Some(path) = output_file {
                let not_created = new_secret::certainly_not_created(&error);
                new_secret::settle_file(path, not_created, out.json, "the secret");
            }
            Err(error.into())
        }
    }
}

/// `secrets list`.
fn print_list(api_key: &str, secrets: &[Secret], out: Output) -> Result<(), Failure> {
    if out.json {
        return out.print_json(secrets);
    }
    out.line(format_args!(
        "Secrets of {}: {}",
        shown(api_key),
        secrets.len()
    ));
    for secret in secrets {
        out.line(format_args!(
            "{}  created {}",
            shown(&secret.id),
            created(secret)
        ));
    }
    Ok(())
}

/// `secrets get`.
fn print_one(secret: &Secret, out: Output) -> Result<(), Failure> {
    if out.json {
        return out.print_json(secret);
    }
    out.line(format_args!(
        "Secret {} created {}",
        shown(&secret.id),
        created(secret)
    ));
    Ok(())
}

/// `secrets create`.
fn print_created(api_key: &str, secret: &Secret, out: Output) -> Result<(), Failure> {
    if out.json {
        return out.print_json(secret);
    }
    out.line(format_args!(
        "Created secret {} for {} at {}",
        shown(&secret.id),
        shown(api_key),
        created(secret)
    ));
    Ok(())
}

/// `secrets create --generate`: the created secret and, once, the generated value (or the
/// file it was written to). With `--json` the value is the `secret` field (`secret_file` for
/// a file).
fn print_created_generated(
    api_key: &str,
    secret: &Secret,
    value: Generated<'_>,
    out: Output,
) -> Result<(), Failure> {
    if out.json {
        // The same object as plain `secrets create`, plus one field.
        let mut object = match serde_json::to_value(secret) {
            Ok(serde_json::Value::Object(object)) => object,
            _ => return Err(Failure::Usage("cannot write JSON for the secret".into())),
        };
        match value {
            Generated::Shown(value) => object.insert("secret".into(), json!(value.expose_secret())),
            Generated::SavedTo(path) => {
                object.insert("secret_file".into(), json!(path.display().to_string()))
            }
        };
        return out.print_json(&object);
    }
    print_created(api_key, secret, out)?;
    match value {
        Generated::Shown(value) => out.line(format_args!(
            "New secret (shown only this once): {}",
            value.expose_secret()
        )),
        Generated::SavedTo(path) => {
            out.line(format_args!("New secret written to {}", path.display()))
        }
    }
    Ok(())
}

/// `secrets revoke`.
fn print_revoked(api_key: &str, id: &str, out: Output) -> Result<(), Failure> {
    if out.json {
        return out.print_json(&json!({"revoked": id, "api_key": api_key}));
    }
    out.line(format_args!(
        "Revoked secret {} of {}.",
        shown(id),
        shown(api_key)
    ));
    Ok(())
}
