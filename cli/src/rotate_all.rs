//! `secrets rotate --all-subaccounts`: every sub-account's secret rotated in two phases, with
//! the library's [`RotateAll`](vonage_account::RotateAll), and a directory that holds what the
//! first phase made:
//!
//! - `--status [--secret-dir DIR]`: where each sub-account stands, and whether DIR records its
//!   stage;
//! - `--stage --generate --secret-dir DIR`: for each sub-account, a new secret written to a new
//!   owner-only file `DIR/KEY.secret` before it is sent, staged next to the old one (both work),
//!   and a record `DIR/KEY.json` of the stage (the key, the old and the new secret's ids, the
//!   time; never a secret);
//! - `--retire --secret-dir DIR`: on each sub-account, revokes the secret its stage replaced, as
//!   `DIR/KEY.json` records it.
//!
//! One line per sub-account (with `--json`, one document), at most `--concurrency` sub-accounts
//! at a time, going on past a failure; the exit code is the worst sub-account's. Running a
//! phase again skips what is done: a sub-account that DIR records as staged is not staged again,
//! one staged by an earlier run that stopped before writing its record is picked up from its
//! secret file, and a secret already retired counts as retired.

use std::{
    collections::BTreeMap,
    fs::OpenOptions,
    io::Write as _,
    path::{Path, PathBuf},
    sync::Mutex,
};

use serde_json::{Value, json};
use vonage_account::{
    Client, ExposeSecret as _, ForSubaccount, Retired, RetiredSubaccount, RotationState, Secret,
    SecretString, StagedSubaccount, Subaccount,
};

use crate::{
    new_secret,
    output::{EXIT_NETWORK, EXIT_OK, EXIT_USAGE, Failure, Output, created, shown},
};

/// What `secrets rotate --all-subaccounts` was asked, from its options.
#[derive(Debug, Clone, Copy)]
pub struct AllArgs<'a> {
    /// `--status`.
    pub status: bool,
    /// `--retire` (with `--all-subaccounts` its value must be empty).
    pub retire: Option<&'a str>,
    /// `--generate` (with `--stage`).
    pub generate: bool,
    /// `--secret-dir`.
    pub secret_dir: Option<&'a Path>,
    /// `--concurrency`.
    pub concurrency: Option<u16>,
}

/// How many sub-accounts at a time unless `--concurrency` says.
pub const DEFAULT_CONCURRENCY: usize = vonage_account::DEFAULT_ROTATE_ALL_CONCURRENCY;

/// One sub-account's line: what happened, its exit code, and the details for `--json`.
struct Line {
    api_key: String,
    name: String,
    outcome: &'static str,
    code: u8,
    text: String,
    details: Value,
}

/// Runs `secrets rotate --all-subaccounts` with `--status`, `--stage` or `--retire`.
pub async fn run(client: &Client, args: AllArgs<'_>, out: Output) -> Result<(), Failure> {
    let dir = args.secret_dir;
    let rotation = client
        .subaccounts()
        .rotate_all()
        .concurrency(args.concurrency.map_or(DEFAULT_CONCURRENCY, usize::from));
    let (action, lines) = if args.status {
        ("status", status(&rotation, dir).await?)
    } else if let Some(old) = args.retire {
        if !old.is_empty() {
            return Err(Failure::Usage(
                "with --all-subaccounts, --retire takes no id: each sub-account's comes from \
                 --secret-dir (nothing was sent)"
                    .into(),
            ));
        }
        let dir = dir.ok_or_else(|| {
            Failure::Usage(
                "--all-subaccounts --retire needs --secret-dir DIR, the directory of the stage \
                 (nothing was sent)"
                    .into(),
            )
        })?;
        if !dir.is_dir() {
            return Err(Failure::Usage(format!(
                "{} is not a directory (nothing was sent)",
                dir.display()
            )));
        }
        ("retire", retire(&rotation, dir).await?)
    } else {
        let dir = match (args.generate, dir) {
            (true, Some(dir)) => dir,
            _ => {
                return Err(Failure::Usage(
                    "--all-subaccounts --stage needs --generate and --secret-dir DIR: one new \
                     secret per sub-account, each in its own file (nothing was sent)"
                        .into(),
                ));
            }
        };
        if std::env::var_os("VONAGE_NEW_SECRET").is_some() {
            return Err(Failure::Usage(
                "--generate makes each sub-account's secret, but VONAGE_NEW_SECRET is set too: \
                 unset it (nothing was sent)"
                    .into(),
            ));
        }
        make_dir(dir)?;
        ("stage", stage(client, &rotation, dir).await?)
    };
    print(action, dir, &lines, out)
}

/// `--status`.
async fn status(
    rotation: &vonage_account::RotateAll,
    dir: Option<&Path>,
) -> Result<Vec<Line>, Failure> {
    let results = rotation.status().await?;
    Ok(results
        .into_iter()
        .map(|each| {
            let recorded = dir.and_then(|dir| read_record(dir, &each.api_key).ok().flatten());
            let mut line = new_line(&each);
            match &each.outcome {
                Ok(state) => {
                    let note = match (dir, &recorded) {
                        (None, _) => String::new(),
                        (Some(_), Some(_)) => "; its stage is recorded in the directory".into(),
                        (Some(_), None) => "; the directory records no stage of it".into(),
                    };
                    let (outcome, text) = match state {
                        RotationState::Staged { old, staged } => (
                            "staged",
                            format!(
                                "staged: old {} (created {}), staged {} (created {}){note}",
                                old.id,
                                created(old),
                                staged.id,
                                created(staged)
                            ),
                        ),
                        RotationState::Settled { current } => (
                            "settled",
                            format!(
                                "settled: one secret, {} (created {}){note}",
                                current.id,
                                created(current)
                            ),
                        ),
                        _ => ("empty", format!("lists no secret{note}")),
                    };
                    line.outcome = outcome;
                    line.text = text;
                    line.details = json!({
                        "secrets": state.secrets().collect::<Vec<_>>(),
                        "old": state.old(),
                        "staged": state.staged(),
                        "recorded": recorded,
                    });
                }
                Err(error) => {
                    let failure = Failure::Call(error.clone());
                    line.fail(error.kind().as_str(), &failure);
                }
            }
            line
        })
        .collect())
}

/// `--stage`: the library stages each sub-account that is settled, asking for its new secret
/// here (written to its file before it is sent); this then records each stage, and picks up one
/// that an earlier run created but did not record.
async fn stage(
    client: &Client,
    rotation: &vonage_account::RotateAll,
    dir: &Path,
) -> Result<Vec<Line>, Failure> {
    // Why the new-secret function gave none, or that it made a new file, by key.
    let notes: Mutex<BTreeMap<String, Note>> = Mutex::new(BTreeMap::new());
    let note = |key: &str, n: Note| {
        if let Ok(mut notes) = notes.lock() {
            notes.insert(key.to_owned(), n);
        }
    };
    let results = rotation
        .stage(|sub: &Subaccount| match new_secret_for(dir, &sub.api_key) {
            Ok((secret, fresh)) => {
                if fresh {
                    note(&sub.api_key, Note::FreshFile);
                }
                Some(secret)
            }
            Err(n) => {
                note(&sub.api_key, n);
                None
            }
        })
        .await?;
    let notes = notes.into_inner().unwrap_or_default();
    let mut lines = Vec::with_capacity(results.len());
    for each in results {
        let mut line = new_line(&each);
        let key = each.api_key.clone();
        let file = secret_path(dir, &key);
        match each.outcome {
            Ok(StagedSubaccount::Staged(staged)) => {
                let record = record_of(&key, &staged.old_secret_id, &staged.secret);
                line.details = record.clone();
                line.details["secret_file"] = json!(file.display().to_string());
                match write_new(&record_path(dir, &key), &format!("{record}\n")) {
                    Ok(()) => {
                        line.outcome = "staged";
                        line.text = format!(
                            "staged {}; the old secret {} keeps working; the new secret is in {}",
                            staged.secret.id,
                            staged.old_secret_id,
                            file.display()
                        );
                    }
                    Err(e) => line.fail_io(format!(
                        "staged {} (old {}), but its record could not be written: {e}",
                        staged.secret.id, staged.old_secret_id
                    )),
                }
            }
            Ok(StagedSubaccount::AlreadyStaged { old, staged }) => {
                line.details = json!({"old_secret_id": old.id, "staged_secret_id": staged.id});
                match read_record(dir, &key) {
                    Ok(Some(record)) if record["staged_secret_id"] == json!(staged.id) => {
                        line.outcome = "already-staged";
                        line.text = format!(
                            "already staged {} (recorded); the old secret {} keeps working",
                            staged.id, old.id
                        );
                    }
                    Ok(Some(_)) => line.refuse(format!(
                        "has two secrets, {} and {}, but the directory records another stage: \
                         finish that rotation first (secrets rotate --status --for {key})",
                        old.id, staged.id
                    )),
                    Ok(None) if file.exists() => {
                        resume(client, dir, &key, &old.id, &mut line).await;
                    }
                    Ok(None) => line.refuse(format!(
                        "has two secrets, {} and {}, and the directory records no stage of it: \
                         finish or undo that rotation first (secrets rotate --status --for {key})",
                        old.id, staged.id
                    )),
                    Err(e) => line.fail_io(e),
                }
            }
            Ok(_) => match notes.get(&key) {
                Some(Note::Recorded) => {
                    line.outcome = "already-done";
                    line.text = "the directory records its stage, and it has one secret now \
                                 (retired already): nothing to do; use a new directory for a \
                                 new rotation"
                        .into();
                }
                Some(Note::BadKey) => line
                    .refuse("its API key cannot name a file: not staged (nothing was sent)".into()),
                Some(Note::Io(e)) => line.fail_io(format!("not staged (nothing was sent): {e}")),
                _ => line.fail_io("not staged: no new secret (nothing was sent)".into()),
            },
            Err(error) => {
                let fresh = matches!(notes.get(&key), Some(Note::FreshFile));
                let text = if fresh && new_secret::stage_certainly_not_created(&error) {
                    let _ = std::fs::remove_file(&file);
                    String::new()
                } else if file.exists() {
                    format!(
                        "; the new secret is kept in {} (run --stage again to finish)",
                        file.display()
                    )
                } else {
                    String::new()
                };
                let kind = error.kind().as_str();
                line.fail(kind, &Failure::from(error));
                line.text.push_str(&text);
            }
        }
        lines.push(line);
    }
    Ok(lines)
}

/// A sub-account that an earlier run staged but did not record: its secret file proves the
/// staged secret works, and then the stage is recorded.
async fn resume(client: &Client, dir: &Path, key: &str, old_id: &str, line: &mut Line) {
    let secret = match read_secret(&secret_path(dir, key)) {
        Ok(secret) => secret,
        Err(e) => return line.fail_io(e),
    };
    match client.secrets_for(key).resume_stage(secret).await {
        Ok(staged) => {
            let record = record_of(key, old_id, &staged.secret);
            line.details = record.clone();
            match write_new(&record_path(dir, key), &format!("{record}\n")) {
                Ok(()) => {
                    line.outcome = "staged";
                    line.text = format!(
                        "staged {} (created by an earlier run, proven now); the old secret {} \
                         keeps working",
                        staged.secret.id, old_id
                    );
                }
                Err(e) => line.fail_io(format!("its record could not be written: {e}")),
            }
        }
        Err(error) => {
            let kind = error.kind().as_str();
            line.fail(kind, &Failure::from(error));
        }
    }
}

/// `--retire`: on each sub-account, the old secret its record names.
async fn retire(rotation: &vonage_account::RotateAll, dir: &Path) -> Result<Vec<Line>, Failure> {
    let problems: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    let results = rotation
        .retire(|sub: &Subaccount| match read_record(dir, &sub.api_key) {
            Ok(record) => record.and_then(|r| r["old_secret_id"].as_str().map(str::to_owned)),
            Err(e) => {
                if let Ok(mut problems) = problems.lock() {
                    problems.insert(sub.api_key.clone(), e);
                }
                None
            }
        })
        .await?;
    let problems = problems.into_inner().unwrap_or_default();
    Ok(results
        .into_iter()
        .map(|each| {
            let mut line = new_line(&each);
            let old = read_record(dir, &each.api_key)
                .ok()
                .flatten()
                .and_then(|r| r["old_secret_id"].as_str().map(str::to_owned));
            line.details = json!({"old_secret_id": old});
            let old = old.unwrap_or_default();
            match each.outcome {
                Ok(RetiredSubaccount::Retired(Retired::Revoked)) => {
                    line.outcome = "retired";
                    line.text = format!("retired {old}: the old secret no longer works");
                }
                Ok(RetiredSubaccount::Retired(_)) => {
                    line.outcome = "already-retired";
                    line.text = format!("{old} is already gone: nothing to retire");
                }
                Ok(_) => match problems.get(&each.api_key) {
                    Some(e) => line.fail_io(format!("not retired (nothing was sent): {e}")),
                    None => {
                        line.outcome = "skipped";
                        line.text = "the directory records no stage of it: skipped".into();
                    }
                },
                Err(error) => {
                    let kind = error.kind().as_str();
                    line.fail(kind, &Failure::from(error));
                }
            }
            line
        })
        .collect())
}

/// Why the stage's new-secret function gave no secret, or that it made a new file.
enum Note {
    /// The directory records a stage of it already.
    Recorded,
    /// Its key cannot name a file.
    BadKey,
    /// The file could not be read or written.
    Io(String),
    /// A new secret file was made for it in this run.
    FreshFile,
}

/// The new secret for the sub-account `key`: the one an earlier run left in its file (a stage
/// that did not finish), or a new one written to a new owner-only file before it is sent
/// (`true`). None when the directory records its stage already.
fn new_secret_for(dir: &Path, key: &str) -> Result<(SecretString, bool), Note> {
    if !file_name_safe(key) {
        return Err(Note::BadKey);
    }
    if record_path(dir, key).exists() {
        return Err(Note::Recorded);
    }
    let path = secret_path(dir, key);
    if path.exists() {
        return read_secret(&path).map(|s| (s, false)).map_err(Note::Io);
    }
    let secret = vonage_account::generate_secret().map_err(|e| Note::Io(e.to_string()))?;
    write_new(&path, &format!("{}\n", secret.expose_secret())).map_err(Note::Io)?;
    Ok((secret, true))
}

/// A key that is safe as a file name: letters, digits, `-` and `_`.
fn file_name_safe(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn secret_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.secret"))
}

fn record_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.json"))
}

/// A stage's record: the key, the old secret's id, the staged secret's id and creation time;
/// never a secret.
fn record_of(key: &str, old: &str, staged: &Secret) -> Value {
    json!({
        "api_key": key,
        "old_secret_id": old,
        "staged_secret_id": staged.id,
        "staged_at": created(staged),
    })
}

/// The record of `key`'s stage in `dir`, if there is one.
fn read_record(dir: &Path, key: &str) -> Result<Option<Value>, String> {
    if !file_name_safe(key) {
        return Ok(None);
    }
    let path = record_path(dir, key);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{} is not a stage record: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// The secret in a file: its first line.
fn read_secret(path: &Path) -> Result<SecretString, String> {
    let mut text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let secret = SecretString::from(text.lines().next().unwrap_or_default().to_owned());
    zeroize::Zeroize::zeroize(&mut text);
    Ok(secret)
}

/// Creates `path` new (never over a file, nor through a symlink), owner-only, and writes
/// `text` to disk.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}

/// Creates the secret directory if it is missing, owner-only.
fn make_dir(dir: &Path) -> Result<(), Failure> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| {
        Failure::Usage(format!(
            "cannot create {}: {e} (nothing was sent)",
            dir.display()
        ))
    })
}

fn new_line<T, E>(each: &ForSubaccount<T, E>) -> Line {
    Line {
        api_key: each.api_key.clone(),
        name: each.name.clone(),
        outcome: "",
        code: EXIT_OK,
        text: String::new(),
        details: Value::Null,
    }
}

impl Line {
    /// A failed call or a rotation's refusal: its kind, code and message.
    fn fail(&mut self, kind: &'static str, failure: &Failure) {
        self.outcome = "failed";
        self.code = failure.exit_code();
        self.text = format!("failed: {failure}");
        self.details["error"] = json!({"kind": kind, "message": failure.to_string()});
    }

    /// A refusal of the tool's own: nothing was sent for this sub-account.
    fn refuse(&mut self, text: String) {
        self.outcome = "refused";
        self.code = EXIT_USAGE;
        self.details["error"] = json!({"kind": "refused", "message": text});
        self.text = text;
    }

    /// A local file problem.
    fn fail_io(&mut self, text: String) {
        self.outcome = "failed";
        self.code = EXIT_NETWORK;
        self.details["error"] = json!({"kind": "io", "message": text});
        self.text = text;
    }
}

/// A line per sub-account and a summary (with `--json`, one document); the worst exit code.
fn print(action: &str, dir: Option<&Path>, lines: &[Line], out: Output) -> Result<(), Failure> {
    let worst = lines.iter().map(|l| l.code).max().unwrap_or(EXIT_OK);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for line in lines {
        *counts.entry(line.outcome).or_default() += 1;
    }
    let summary = counts
        .iter()
        .map(|(outcome, n)| format!("{n} {outcome}"))
        .collect::<Vec<_>>()
        .join(", ");
    if out.json {
        let subaccounts: Vec<Value> = lines
            .iter()
            .map(|l| {
                let mut object = json!({
                    "api_key": l.api_key,
                    "name": l.name,
                    "outcome": l.outcome,
                    "exit_code": l.code,
                    "message": l.text,
                });
                if let Value::Object(details) = &l.details {
                    for (k, v) in details {
                        object[k] = v.clone();
                    }
                }
                object
            })
            .collect();
        out.print_json(&json!({
            "action": action,
            "secret_dir": dir.map(|d| d.display().to_string()),
            "subaccounts": subaccounts,
            "counts": counts,
            "exit_code": worst,
        }))?;
    } else {
        for line in lines {
            out.line(format_args!(
                "{}  {}",
                shown(&line.api_key),
                shown(&line.text)
            ));
        }
        out.line(format_args!(
            "{} sub-account{} ({action}): {}",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" },
            if summary.is_empty() { "none" } else { &summary }
        ));
    }
    if worst == EXIT_OK {
        return Ok(());
    }
    let failed = lines.iter().filter(|l| l.code != EXIT_OK).count();
    Err(Failure::Several {
        code: worst,
        message: format!(
            "{failed} of {} sub-accounts did not complete the {action} (see the line of each); \
             the exit code is the worst one's",
            lines.len()
        ),
    })
}
