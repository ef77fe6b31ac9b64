//! Where a new secret comes from, for `secrets create` and `secrets rotate --stage`:
//! `VONAGE_NEW_SECRET`, typed at the terminal (without echo, twice), one line of standard input,
//! or `--generate` (from the operating system's random source, shown once on stdout or written to
//! a new owner-only file).

use std::{fs::OpenOptions, io::BufRead as _, io::Write as _, path::Path};

use vonage_account::{Error, ExposeSecret as _, RotationError, RotationStep, SecretString};

use crate::output::Failure;

/// Where a generated secret is shown.
#[derive(Debug, Clone, Copy)]
pub enum Generated<'a> {
    /// On stdout (or in the JSON output).
    Shown(&'a SecretString),
    /// In this new file, not on stdout.
    SavedTo(&'a Path),
}

/// The new secret: `VONAGE_NEW_SECRET`, else typed at the terminal (not echoed, asked twice),
/// else one line of standard input; never an argument,
/// which other users of the machine could see. Checked against the rules before anything is
/// sent.
pub fn read() -> Result<SecretString, Failure> {
    let secret = match std::env::var("VONAGE_NEW_SECRET") {
        Ok(value) => value,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(Failure::Usage(
                "VONAGE_NEW_SECRET is not valid UTF-8".into(),
            ));
        }
        // At a terminal: typed without echo, twice.
        Err(std::env::VarError::NotPresent) if crate::prompt::at_terminal() => {
            let secret = crate::prompt::new_secret_twice()?;
            vonage_account::validate_secret(secret.expose_secret()).map_err(Error::from)?;
            return Ok(secret);
        }
        Err(std::env::VarError::NotPresent) => {
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

/// A new secret from the operating system's random source for `--generate` (refused while
/// VONAGE_NEW_SECRET is set), written first to `output_file` when one is given.
pub fn generate(output_file: Option<&Path>) -> Result<SecretString, Failure> {
    if std::env::var_os("VONAGE_NEW_SECRET").is_some() {
        return Err(Failure::Usage(
            "--generate makes the new secret, but VONAGE_NEW_SECRET is set too: unset it, or \
             drop --generate to use it (nothing was sent)"
                .into(),
        ));
    }
    let secret = vonage_account::generate_secret()
        .map_err(|e| Failure::Io(format!("{e} (nothing was sent)")))?;
    if let Some(path) = output_file {
        write_new(path, &secret)?;
    }
    Ok(secret)
}

/// Whether the error means the secret was not created: refused before sending, or a 4xx answer.
/// A timeout, a broken connection or a 5xx may have come after Vonage created it.
pub fn certainly_not_created(error: &Error) -> bool {
    match error {
        Error::Config(_) | Error::Validation(_) => true,
        Error::Api(_) => error.status().is_some_and(|s| s.is_client_error()),
        _ => false,
    }
}

/// Whether a failed stage certainly did not create the new secret: it stopped before the
/// creation, or the creation itself was [certainly refused](certainly_not_created).
pub fn stage_certainly_not_created(error: &RotationError) -> bool {
    match error.step {
        RotationStep::Validate | RotationStep::FindCurrent | RotationStep::MakeRoom => true,
        RotationStep::Create => error.call_error().is_some_and(certainly_not_created),
        _ => false,
    }
}

/// After a failed call that was to create the secret written to `path` beforehand: the file
/// goes when the secret `certainly_not_created`; otherwise it stays, the only copy, and (unless
/// the output is JSON) `note: {what} may have been created; ...` on stderr says where.
pub fn settle_file(path: &Path, certainly_not_created: bool, json: bool, what: &str) {
    if certainly_not_created {
        let _ = std::fs::remove_file(path);
    } else if !json {
        eprintln!(
            "note: {what} may have been created; its secret is kept in {}",
            path.display()
        );
    }
}

/// Creates `path` (never an existing file, nor through a symlink), owner-only on unix, and writes
/// the secret and a newline to disk.
fn write_new(path: &Path, secret: &SecretString) -> Result<(), Failure> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        Failure::Usage(if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} already exists; the new secret is never written over a file (nothing was sent)",
                path.display()
            )
        } else {
            format!("cannot create {}: {e} (nothing was sent)", path.display())
        })
    })?;
    let written = file
        .write_all(secret.expose_secret().as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Failure::Io(format!(
            "cannot write the new secret to {}: {e} (nothing was sent)",
            path.display()
        )));
    }
    Ok(())
}
