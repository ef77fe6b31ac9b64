//! `secrets create --generate`: a new secret from the operating system's random source, created,
//! and shown once: on stdout, or in a new owner-only file.

use std::{fs::OpenOptions, io::Write as _, path::Path};

use vonage_account::{Client, Error, ExposeSecret as _, SecretString, generate_secret};

use crate::output::{Failure, Output};

/// Where `secrets create --generate` shows the new secret.
#[derive(Debug, Clone, Copy)]
pub enum Generated<'a> {
    /// On stdout (or in the JSON output).
    Shown(&'a SecretString),
    /// In this new file, not on stdout.
    SavedTo(&'a Path),
}

/// Generates a secret, creates it for `api_key`, and shows it once.
///
/// With `output_file`, the file is created (new, mode 0600) and the secret written and synced
/// before it is sent: an existing file is refused with nothing sent, and a secret that was created
/// is never lost. The file is removed if the API certainly did not create the secret.
pub async fn create(
    client: &Client,
    api_key: String,
    output_file: Option<&Path>,
    out: Output,
) -> Result<(), Failure> {
    if std::env::var_os("VONAGE_NEW_SECRET").is_some() {
        return Err(Failure::Usage(
            "--generate makes the new secret, but VONAGE_NEW_SECRET is set too: unset it, or \
             drop --generate to use it (nothing was sent)"
                .into(),
        ));
    }
    let secret = generate_secret().map_err(|e| Failure::Io(format!("{e} (nothing was sent)")))?;
    if let Some(path) = output_file {
        write_new(path, &secret)?;
    }
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
            out.created_generated(&api_key, &created, shown)
        }
        Err(error) => {
            if let Some(path) = output_file {
                if certainly_not_created(&error) {
                    let _ = std::fs::remove_file(path);
                } else if !out.json {
                    eprintln!(
                        "note: the secret may have been created; it is kept in {}",
                        path.display()
                    );
                }
            }
            Err(error.into())
        }
    }
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

/// Creates `path` (never an existing file, nor through a symlink), owner-only on unix, and writes
/// the secret and a newline to disk.
pub fn write_new(path: &Path, secret: &SecretString) -> Result<(), Failure> {
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
