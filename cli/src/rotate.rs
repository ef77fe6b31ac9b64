//! `secrets rotate`: a rotation in two phases for a secret that a fleet holds (`--stage`, then
//! `--retire OLD_ID`), and where the key stands between them (`--status`).

use vonage_account::{
    Client, KeyRole, RotationError, RotationRefusal, RotationStep, SecretString, Secrets,
    generate_secret,
};

use crate::{
    args::RotateArgs,
    generate::{Generated, certainly_not_created, write_new},
    output::{Failure, Output, StagedView},
};

/// Runs `secrets rotate` with one of `--stage`, `--retire` or `--status` (clap requires exactly
/// one).
pub async fn run(client: &Client, args: &RotateArgs, out: Output) -> Result<(), Failure> {
    args.check().map_err(Failure::Usage)?;
    // A sub-account's key, or `None` for the client's own (also when --for names it).
    let sub = args
        .key
        .for_key
        .clone()
        .filter(|key| key != client.api_key());
    let api_key = sub.clone().unwrap_or_else(|| client.api_key().to_owned());
    if args.status {
        let state = match &sub {
            None => client.secrets().rotation_state().await?,
            Some(key) => client.secrets_for(key.clone()).rotation_state().await?,
        };
        return out.rotation_state(&api_key, sub.as_deref(), &state);
    }
    if let Some(old) = &args.retire {
        let retired = match &sub {
            None => client.secrets().retire(old).await?,
            Some(key) => client.secrets_for(key.clone()).retire(old).await?,
        };
        return out.retired(&api_key, old, retired);
    }
    stage(client, sub, &api_key, args, out).await
}

/// `--stage`: the new secret from VONAGE_NEW_SECRET, stdin or `--generate`; created, proven, and
/// printed with the old secret's id. A generated value is shown once (or written to the file).
async fn stage(
    client: &Client,
    sub: Option<String>,
    api_key: &str,
    args: &RotateArgs,
    out: Output,
) -> Result<(), Failure> {
    let secret = if args.generate {
        if std::env::var_os("VONAGE_NEW_SECRET").is_some() {
            return Err(Failure::Usage(
                "--generate makes the new secret, but VONAGE_NEW_SECRET is set too: unset it, or \
                 drop --generate to use it (nothing was sent)"
                    .into(),
            ));
        }
        let secret =
            generate_secret().map_err(|e| Failure::Io(format!("{e} (nothing was sent)")))?;
        if let Some(path) = &args.output_file {
            write_new(path, &secret)?;
        }
        secret
    } else {
        crate::new_secret()?
    };
    let outcome = match &sub {
        None => stage_on(client.secrets(), &secret, args).await,
        Some(key) => stage_on(client.secrets_for(key.clone()), &secret, args).await,
    };
    let shown = args.generate.then(|| match &args.output_file {
        Some(path) => Generated::SavedTo(path),
        None => Generated::Shown(&secret),
    });
    match outcome {
        Ok(staged) => out.staged(api_key, sub.as_deref(), &staged, shown),
        Err(error) => {
            if matches!(error.refusal(), Some(RotationRefusal::Ambiguous { .. })) && !out.json {
                eprintln!(
                    "note: on the command line, name the secret in use with --replacing ID, or set \
                     VONAGE_API_SECRET_ID"
                );
            }
            match (shown, &error.created) {
                (Some(Generated::SavedTo(path)), _) if not_created(&error) => {
                    let _ = std::fs::remove_file(path);
                }
                (Some(Generated::SavedTo(path)), _) if !out.json => eprintln!(
                    "note: the new secret may have been created; it is kept in {}",
                    path.display()
                ),
                // Created but not proven: the generated value is the only copy, so it is shown
                // (once) rather than lost; finish with `--status` and a retry, or revoke it.
                (Some(Generated::Shown(value)), Some(created)) => {
                    out.staged_unproven(api_key, created, value)?
                }
                _ => {}
            }
            Err(error.into())
        }
    }
}

async fn stage_on<K: KeyRole>(
    secrets: Secrets<K>,
    secret: &SecretString,
    args: &RotateArgs,
) -> Result<StagedView, RotationError> {
    let mut stage = secrets.stage(secret.clone()).make_room(args.make_room);
    if let Some(id) = &args.replacing {
        stage = stage.replacing(id.clone());
    }
    let staged = stage.await?;
    Ok(StagedView {
        secret: staged.secret,
        old_secret_id: staged.old_secret_id,
        revoked: staged.revoked,
    })
}

/// Whether a failed stage certainly did not create the new secret.
fn not_created(error: &RotationError) -> bool {
    match error.step {
        RotationStep::Validate | RotationStep::FindCurrent | RotationStep::MakeRoom => true,
        RotationStep::Create => error.call_error().is_some_and(certainly_not_created),
        _ => false,
    }
}
