//! `secrets rotate`: a rotation in two phases for a secret that a fleet holds (`--stage`, then
//! `--retire OLD_ID`), and where the key stands between them (`--status`).

use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use vonage_account::{
    Client, ExposeSecret as _, KeyRole, Retired, RotationError, RotationRefusal, RotationState,
    Secret, SecretString, Secrets,
};

use crate::{
    global::ForKey,
    lockout::{self, Revoking},
    new_secret::{self, Generated},
    output::{Failure, Output, created},
    profiles::Effective,
    state,
};

/// The end of `secrets rotate --help`.
pub const ROTATE_AFTER_HELP: &str = "\
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
    /// counts as done); with --all-subaccounts, no id (they come from --secret-dir)
    #[arg(long, value_name = "OLD_ID", num_args = 0..=1, default_missing_value = "")]
    pub retire: Option<String>,

    /// Show the key's secrets, oldest first, and which one is staged
    #[arg(long)]
    pub status: bool,

    /// With --retire: go on without asking when it cannot be told which secret is in use
    /// (needed when not at a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

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

    /// Every sub-account of the primary account, a line each: --status [--secret-dir DIR],
    /// --stage --generate --secret-dir DIR (a new 0600 file DIR/KEY.secret and a record
    /// DIR/KEY.json per sub-account), then --retire --secret-dir DIR (the secret each stage
    /// replaced); the exit code is the worst sub-account's, and a re-run skips what is done
    #[arg(long, conflicts_with_all = ["for_key", "make_room", "replacing", "output_file"])]
    pub all_subaccounts: bool,

    /// With --all-subaccounts: the directory of the new secrets and the stage records
    #[arg(long, value_name = "DIR", requires = "all_subaccounts")]
    pub secret_dir: Option<PathBuf>,

    /// With --all-subaccounts: how many sub-accounts at a time [default: 8]
    #[arg(long, value_name = "N", requires = "all_subaccounts", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,
}

impl RotateArgs {
    /// Refuses the options of `--stage` without it.
    fn check(&self) -> Result<(), String> {
        if self.stage {
            return Ok(());
        }
        let given = [
            ("--make-room", self.make_room),
            ("--replacing", self.replacing.is_some()),
            ("--generate", self.generate),
            ("--output-file", self.output_file.is_some()),
        ];
        if self.yes && self.retire.is_none() {
            return Err("--yes only goes with --retire".to_owned());
        }
        match given.iter().find(|(_, given)| *given) {
            Some((flag, _)) => Err(format!("{flag} only goes with --stage")),
            None => Ok(()),
        }
    }
}

/// Runs `secrets rotate` with one of `--stage`, `--retire` or `--status` (clap requires exactly
/// one).
pub async fn run(
    effective: &Effective,
    client: &Client,
    args: &RotateArgs,
    out: Output,
) -> Result<(), Failure> {
    args.check().map_err(Failure::Usage)?;
    if args.all_subaccounts {
        let all = crate::rotate_all::AllArgs {
            status: args.status,
            retire: args.retire.as_deref(),
            generate: args.generate,
            secret_dir: args.secret_dir.as_deref(),
            concurrency: args.concurrency,
        };
        return crate::rotate_all::run(client, all, out).await;
    }
    if args.retire.as_deref() == Some("") {
        return Err(Failure::Usage(
            "--retire needs OLD_ID, the old secret's id".into(),
        ));
    }
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
        return print_state(&api_key, sub.as_deref(), &state, out);
    }
    if let Some(old) = &args.retire {
        lockout::guard(
            effective,
            client.api_key(),
            &api_key,
            old,
            args.yes,
            Revoking::Retire,
        )?;
        let retired = match &sub {
            None => client.secrets().retire(old).await?,
            Some(key) => client.secrets_for(key.clone()).retire(old).await?,
        };
        return print_retired(&api_key, old, retired, out);
    }
    stage(effective, client, sub, &api_key, args, out).await
}

/// What `--stage` shows of a stage, whichever key it was for.
#[derive(Debug)]
struct StagedView {
    secret: Secret,
    old_secret_id: String,
    revoked: Vec<String>,
}

/// `--stage`: the new secret from VONAGE_NEW_SECRET, stdin or `--generate`; created, proven, and
/// printed with the old secret's id. A generated value is shown once (or written to the file).
async fn stage(
    effective: &Effective,
    client: &Client,
    sub: Option<String>,
    api_key: &str,
    args: &RotateArgs,
    out: Output,
) -> Result<(), Failure> {
    let secret = if args.generate {
        new_secret::generate(args.output_file.as_deref())?
    } else {
        new_secret::read()?
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
        Ok(staged) => {
            if sub.is_none() {
                record(effective, api_key, &staged, &secret);
            }
            print_staged(api_key, sub.as_deref(), &staged, shown, out)
        }
        Err(error) => {
            if matches!(error.refusal(), Some(RotationRefusal::Ambiguous { .. })) && !out.json {
                eprintln!(
                    "note: on the command line, name the secret in use with --replacing ID, or set \
                     VONAGE_API_SECRET_ID"
                );
            }
            match (shown, &error.created) {
                (Some(Generated::SavedTo(path)), _) => new_secret::settle_file(
                    path,
                    new_secret::stage_certainly_not_created(&error),
                    out.json,
                    "the new secret",
                ),
                // Created but not proven: the generated value is the only copy, so it is shown
                // (once) rather than lost; finish with `--status` and a retry, or revoke it.
                (Some(Generated::Shown(value)), Some(created)) => {
                    print_unproven(api_key, created, value, out)?
                }
                _ => {}
            }
            Err(error.into())
        }
    }
}

/// Writes the record of a stage of the own key, so that `--retire` and `revoke` can tell which
/// secret a later run holds. A record that cannot be written is said, not fatal: the stage
/// happened, and without the record those commands ask (or need `--yes`).
fn record(effective: &Effective, api_key: &str, staged: &StagedView, new: &SecretString) {
    let Some(old) = &effective.api_secret else {
        return;
    };
    let written = state::StageRecord::new(
        api_key,
        (&staged.old_secret_id, &old.value),
        (&staged.secret.id, new),
    )
    .and_then(|record| state::save(&record));
    if let Err(e) = written {
        eprintln!("note: the stage was not recorded ({e})");
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

/// `--stage`: the new secret's id, the old one's, what to do next, and the generated value once
/// (or the file it is in). With `--json`: `api_key`, `staged` (the new secret), `old_secret_id`,
/// `revoked`, and `secret` or `secret_file` when generated.
fn print_staged(
    api_key: &str,
    for_key: Option<&str>,
    staged: &StagedView,
    generated: Option<Generated<'_>>,
    out: Output,
) -> Result<(), Failure> {
    if out.json {
        let mut object = json!({
            "api_key": api_key,
            "staged": staged.secret,
            "old_secret_id": staged.old_secret_id,
            "revoked": staged.revoked,
        });
        match generated {
            Some(Generated::Shown(value)) => object["secret"] = json!(value.expose_secret()),
            Some(Generated::SavedTo(path)) => {
                object["secret_file"] = json!(path.display().to_string())
            }
            None => {}
        }
        return out.print_json(&object);
    }
    for id in &staged.revoked {
        out.line(format_args!(
            "Revoked secret {id} of {api_key} to make room."
        ));
    }
    out.line(format_args!(
        "Staged secret {} for {api_key} (created {}); the old secret {} keeps working.",
        staged.secret.id,
        created(&staged.secret),
        staged.old_secret_id
    ));
    match generated {
        Some(Generated::Shown(value)) => out.line(format_args!(
            "New secret (shown only this once): {}",
            value.expose_secret()
        )),
        Some(Generated::SavedTo(path)) => {
            out.line(format_args!("New secret written to {}", path.display()))
        }
        None => {}
    }
    let for_flag = for_key.map(|k| format!(" --for {k}")).unwrap_or_default();
    out.line(format_args!(
        "Next: give every holder the new secret (VONAGE_API_SECRET_ID={}), then run\n  \
         vonage-account secrets rotate --retire {}{for_flag}",
        staged.secret.id, staged.old_secret_id
    ));
    Ok(())
}

/// A generated secret that a failed stage created but did not prove: shown once on stdout (the
/// error follows on stderr), as it is the only copy.
fn print_unproven(
    api_key: &str,
    created: &Secret,
    value: &SecretString,
    out: Output,
) -> Result<(), Failure> {
    if out.json {
        return out.print_json(&json!({
            "api_key": api_key,
            "created": created,
            "proven": false,
            "secret": value.expose_secret(),
        }));
    }
    out.line(format_args!(
        "The new secret {} of {api_key} was created but not proven (see the error). Its value, \
         shown only this once: {}",
        created.id,
        value.expose_secret()
    ));
    Ok(())
}

/// `--retire`.
fn print_retired(api_key: &str, old: &str, retired: Retired, out: Output) -> Result<(), Failure> {
    let already_gone = !matches!(retired, Retired::Revoked);
    if out.json {
        return out.print_json(&json!({
            "api_key": api_key,
            "retired": old,
            "already_gone": already_gone,
        }));
    }
    if already_gone {
        out.line(format_args!(
            "Secret {old} of {api_key} is already gone: nothing to retire."
        ));
    } else {
        out.line(format_args!(
            "Retired secret {old} of {api_key}: it no longer works."
        ));
    }
    Ok(())
}

/// `--status`. With `--json`: `api_key`, `state` (`settled`, `staged` or `empty`), `secrets`
/// (oldest first), `old` and `staged` (`null` unless staged).
fn print_state(
    api_key: &str,
    for_key: Option<&str>,
    state: &RotationState,
    out: Output,
) -> Result<(), Failure> {
    let name = match state {
        RotationState::Settled { .. } => "settled",
        RotationState::Staged { .. } => "staged",
        _ => "empty",
    };
    if out.json {
        return out.print_json(&json!({
            "api_key": api_key,
            "state": name,
            "secrets": state.secrets().collect::<Vec<_>>(),
            "old": state.old(),
            "staged": state.staged(),
        }));
    }
    match (state.old(), state.staged()) {
        (Some(old), Some(staged)) => {
            let for_flag = for_key.map(|k| format!(" --for {k}")).unwrap_or_default();
            out.line(format_args!("Key {api_key} has a staged rotation:"));
            out.line(format_args!(
                "  old     {}  created {}",
                old.id,
                created(old)
            ));
            out.line(format_args!(
                "  staged  {}  created {}",
                staged.id,
                created(staged)
            ));
            out.line(format_args!(
                "Once every holder uses the staged secret: vonage-account secrets rotate --retire {}{for_flag}",
                old.id
            ));
        }
        _ => match state.secrets().next() {
            Some(current) => out.line(format_args!(
                "Key {api_key} has one secret, {} (created {}): nothing is staged.",
                current.id,
                created(current)
            )),
            None => out.line(format_args!("Key {api_key} lists no secret.")),
        },
    }
    Ok(())
}
