//! What the commands print: results on stdout, errors on stderr, as text or JSON.

use std::io::Write as _;

/// `println!` that ignores a closed stdout (`vonage-account secrets list | head -1`) instead of
/// panicking.
macro_rules! println {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

use serde::Serialize;
use serde_json::json;
use vonage_account::{Balance, Error, ErrorKind, Secret, Settings};

/// Success.
pub const EXIT_OK: u8 = 0;
/// A usage, configuration or validation error: nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// The API answered with an error.
pub const EXIT_API: u8 = 3;
/// A network error, a timeout or an answer that could not be decoded.
pub const EXIT_NETWORK: u8 = 4;

/// Text or JSON.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
}

/// A failure of the tool: the crate's error, or a usage error found before calling it.
#[derive(Debug)]
pub enum Failure {
    /// A problem with the command line or its inputs; nothing was sent.
    Usage(String),
    /// The call failed.
    Call(Error),
    /// Something local failed (the fake server could not listen, the runtime did not start).
    Io(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Call(error)
    }
}

impl Failure {
    /// The exit code documented in `--help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Io(_) => EXIT_NETWORK,
            Failure::Call(error) => match error.kind() {
                ErrorKind::Config | ErrorKind::Validation | ErrorKind::RotationRefused => {
                    EXIT_USAGE
                }
                _ if error.api().is_some() => EXIT_API,
                _ => EXIT_NETWORK,
            },
        }
    }

    /// The kind: the crate's stable [`ErrorKind::as_str`] (`secret-limit-reached`, `timeout`),
    /// or `usage` / `io` for the tool's own failures.
    fn kind(&self) -> &'static str {
        match self {
            Failure::Usage(_) => "usage",
            Failure::Io(_) => "io",
            Failure::Call(error) => error.kind().as_str(),
        }
    }

    /// One line: the crate's `Display`, which has the status, problem title and detail and the
    /// request id, and never the secret.
    fn message(&self) -> String {
        let text = match self {
            Failure::Usage(message) | Failure::Io(message) => message.clone(),
            Failure::Call(error) => error.to_string(),
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

impl Output {
    /// Prints a failure on stderr and returns its exit code.
    pub fn failure(&self, failure: &Failure) -> u8 {
        let code = failure.exit_code();
        let mut stderr = std::io::stderr().lock();
        if self.json {
            let (status, request_id, problem, validation) = match failure {
                Failure::Usage(_) | Failure::Io(_) => (None, None, None, None),
                Failure::Call(e) => (
                    e.status().map(|s| s.as_u16()),
                    e.request_id(),
                    e.api().and_then(|a| a.problem()),
                    e.validation(),
                ),
            };
            let mut object = json!({
                "error": failure.kind(),
                "message": failure.message(),
                "exit_code": code,
                "status": status,
                "request_id": request_id,
                "title": problem.and_then(|p| p.title.as_deref()),
                "detail": problem.and_then(|p| p.detail.as_deref()),
            });
            if let Some(v) = validation {
                object["field"] = json!(v.field());
                object["rules"] =
                    json!(v.rules().iter().map(|r| r.to_string()).collect::<Vec<_>>());
            }
            let _ = writeln!(stderr, "{object}");
        } else {
            let _ = writeln!(stderr, "error: {}", failure.message());
        }
        code
    }

    /// One JSON document on stdout, pretty-printed.
    pub fn print_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Failure> {
        self.json(value)
    }

    /// One line of text on stdout.
    pub fn line(&self, text: &str) {
        println!("{text}");
    }

    fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Failure> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))?;
        println!("{text}");
        Ok(())
    }

    /// `balance`.
    pub fn balance(&self, balance: &Balance) -> Result<(), Failure> {
        if self.json {
            return self.json(balance);
        }
        println!(
            "Balance: {} EUR (auto-reload {})",
            balance.value,
            if balance.auto_reload { "on" } else { "off" }
        );
        Ok(())
    }

    /// `top-up`.
    pub fn topped_up(&self, trx: &str) -> Result<(), Failure> {
        if self.json {
            return self.json(&json!({"topped_up": true, "trx": trx}));
        }
        println!("Topped up (trx {trx}).");
        Ok(())
    }

    /// `settings`, shown or after a change.
    pub fn settings(&self, settings: &Settings, updated: bool) -> Result<(), Failure> {
        if self.json {
            return self.json(settings);
        }
        if updated {
            println!("Settings updated.");
        }
        let url = |u: &Option<String>| u.clone().unwrap_or_else(|| "(unset)".into());
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        println!(
            "Inbound SMS webhook (mo-callback-url):   {}",
            url(&settings.mo_callback_url)
        );
        println!(
            "Delivery receipts (dr-callback-url):     {}",
            url(&settings.dr_callback_url)
        );
        println!(
            "Max outbound requests per second:        {}",
            number(settings.max_outbound_request)
        );
        println!(
            "Max inbound requests per second:         {}",
            number(settings.max_inbound_request)
        );
        println!(
            "Max API calls per second:                {}",
            number(settings.max_calls_per_second)
        );
        Ok(())
    }

    /// `secrets list`.
    pub fn secrets(&self, api_key: &str, secrets: &[Secret]) -> Result<(), Failure> {
        if self.json {
            return self.json(secrets);
        }
        println!("Secrets of {api_key}: {}", secrets.len());
        for secret in secrets {
            println!("{}  created {}", secret.id, created(secret));
        }
        Ok(())
    }

    /// `secrets get`.
    pub fn secret(&self, secret: &Secret) -> Result<(), Failure> {
        if self.json {
            return self.json(secret);
        }
        println!("Secret {} created {}", secret.id, created(secret));
        Ok(())
    }

    /// `secrets create`.
    pub fn created(&self, api_key: &str, secret: &Secret) -> Result<(), Failure> {
        if self.json {
            return self.json(secret);
        }
        println!(
            "Created secret {} for {api_key} at {}",
            secret.id,
            created(secret)
        );
        Ok(())
    }

    /// `secrets create --generate`: the created secret and, once, the generated value (or the
    /// file it was written to). With `--json` the value is the `secret` field (`secret_file` for
    /// a file).
    pub fn created_generated(
        &self,
        api_key: &str,
        secret: &Secret,
        value: crate::generate::Generated<'_>,
    ) -> Result<(), Failure> {
        use crate::generate::Generated;
        use vonage_account::ExposeSecret as _;
        if self.json {
            // The same object as plain `secrets create`, plus one field.
            let mut object = match serde_json::to_value(secret) {
                Ok(serde_json::Value::Object(object)) => object,
                _ => return Err(Failure::Usage("cannot write JSON for the secret".into())),
            };
            match value {
                Generated::Shown(value) => {
                    object.insert("secret".into(), json!(value.expose_secret()))
                }
                Generated::SavedTo(path) => {
                    object.insert("secret_file".into(), json!(path.display().to_string()))
                }
            };
            return self.json(&object);
        }
        self.created(api_key, secret)?;
        match value {
            Generated::Shown(value) => println!(
                "New secret (shown only this once): {}",
                value.expose_secret()
            ),
            Generated::SavedTo(path) => {
                println!("New secret written to {}", path.display())
            }
        }
        Ok(())
    }

    /// `secrets revoke`.
    pub fn revoked(&self, api_key: &str, id: &str) -> Result<(), Failure> {
        if self.json {
            return self.json(&json!({"revoked": id, "api_key": api_key}));
        }
        println!("Revoked secret {id} of {api_key}.");
        Ok(())
    }
}

fn created(secret: &Secret) -> String {
    secret.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
