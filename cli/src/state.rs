//! The record `secrets rotate --stage` leaves for `--retire` and `revoke`: which secret of the
//! key is in hand.
//!
//! One small JSON file per API key under the user's state directory
//! (`$XDG_STATE_HOME/vonage-account/`, by default `~/.local/state/vonage-account/`), readable by
//! its owner only: the key, the old and the new secret's ids, when the stage ran, and a salted
//! SHA-256 fingerprint of each secret. Never a secret: the fingerprints only let a later run tell
//! whether the secret it holds is the old one or the new one.

use std::{
    fs,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use vonage_account::{ExposeSecret as _, SecretString};

/// What a stage recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    /// The API key.
    pub api_key: String,
    /// The secret that was in use when the stage ran.
    pub old_secret_id: String,
    /// The staged secret.
    pub new_secret_id: String,
    /// When the stage ran (RFC 3339, UTC).
    pub staged_at: String,
    /// The salt of both fingerprints (random, made for this record).
    pub salt: String,
    /// `sha256(salt, old secret)`, hex.
    pub old_fingerprint: String,
    /// `sha256(salt, new secret)`, hex.
    pub new_fingerprint: String,
}

impl StageRecord {
    /// A record of a stage from `old` (id and secret) to `new`.
    pub fn new(
        api_key: &str,
        (old_id, old): (&str, &SecretString),
        (new_id, new): (&str, &SecretString),
    ) -> Result<StageRecord, String> {
        let salt = vonage_account::generate_secret()
            .map_err(|e| format!("cannot make a salt: {e}"))?
            .expose_secret()
            .to_owned();
        Ok(StageRecord {
            api_key: api_key.to_owned(),
            old_secret_id: old_id.to_owned(),
            new_secret_id: new_id.to_owned(),
            staged_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            old_fingerprint: fingerprint(&salt, old),
            new_fingerprint: fingerprint(&salt, new),
            salt,
        })
    }

    /// The id of `secret` if it is one of the two this record knows.
    pub fn id_of(&self, secret: &SecretString) -> Option<&str> {
        let print = fingerprint(&self.salt, secret);
        if print == self.old_fingerprint {
            Some(&self.old_secret_id)
        } else if print == self.new_fingerprint {
            Some(&self.new_secret_id)
        } else {
            None
        }
    }
}

/// `sha256(salt || 0 || secret)` in hex.
fn fingerprint(salt: &str, secret: &SecretString) -> String {
    let mut hash = Sha256::new();
    hash.update(salt.as_bytes());
    hash.update([0]);
    hash.update(secret.expose_secret().as_bytes());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The tool's state directory: `$XDG_STATE_HOME/vonage-account`, or
/// `$HOME/.local/state/vonage-account`.
pub fn dir() -> Result<PathBuf, String> {
    crate::files::xdg_dir("XDG_STATE_HOME", ".local/state")
        .ok_or_else(|| "cannot tell the state directory: set XDG_STATE_HOME or HOME".to_owned())
}

/// Where the record of `api_key` is kept.
pub fn path(api_key: &str) -> Result<PathBuf, String> {
    // The key names the file: anything but letters, digits, '-' and '_' is spelled in hex.
    let name: String = api_key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_string()
            } else {
                format!("%{:02x}", u32::from(c))
            }
        })
        .collect();
    Ok(dir()?.join(format!("rotation-{name}.json")))
}

/// The record of `api_key`'s last stage, if there is one. A record that cannot be read is an
/// error, not "no record": it may be what keeps a revoke from locking the caller out.
pub fn load(api_key: &str) -> Result<Option<(PathBuf, StageRecord)>, String> {
    let path = path(api_key)?;
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "cannot read the rotation record {}: {e}",
                path.display()
            ));
        }
    };
    let record: StageRecord = serde_json::from_str(&text)
        .map_err(|e| format!("the rotation record {} is damaged: {e}", path.display()))?;
    Ok((record.api_key == api_key).then_some((path, record)))
}

/// Writes the record, replacing the previous one atomically; the directory is made owner-only
/// (0700) and the file is owner-only (0600).
pub fn save(record: &StageRecord) -> Result<PathBuf, String> {
    let path = path(&record.api_key)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(record).map_err(|e| e.to_string())?;
    crate::files::write_atomically(&path, text.as_bytes(), 0o600)?;
    Ok(path)
}
