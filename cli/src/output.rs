//! What the commands print: results on stdout, errors on stderr, as text or JSON.
//!
//! Whatever came from the server (an error's title and detail, a secret id, a webhook URL) is
//! printed so that a terminal shows it and does nothing else: in text, control characters and
//! the invisible characters that reorder text become escapes (`\u{1b}`); in JSON, the same
//! characters are `\u` escapes inside the strings (serde_json already escapes C0 controls, not
//! DEL, C1 controls or the bidirectional overrides). An error's `Display` is escaped by the
//! crate already; escaping it again changes nothing.

use std::{borrow::Cow, io::Write as _};

/// `println!` that ignores a closed stdout (`vonage-account secrets list | head -1`) instead of
/// panicking.
macro_rules! println {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

use serde::Serialize;
use serde_json::json;
use vonage_account::{
    Balance, Error, ErrorBody, ErrorKind, RotationError, Secret, Settings, TopUp,
};

/// Whether a terminal could act on `c` or it hides or reorders text: control characters (C0,
/// DEL, C1), bidirectional overrides and isolates, zero-width and other format characters, line
/// and paragraph separators.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Text from the server as it is safe to print on one line of a terminal: every character
/// [`needs_escape`] names written as `\n`, `\t` or `\u{..}`.
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.contains(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON made safe for a terminal: the characters serde_json leaves raw inside strings
/// (DEL, C1 controls, format characters) become `\uXXXX` escapes. They can only be inside
/// strings, and all of them are in the Basic Multilingual Plane, so the JSON means the same.
fn json_safe(text: String) -> String {
    let raw = |c: char| needs_escape(c) && !matches!(c, '\n' | '\r' | '\t' | ' ');
    if !text.contains(raw) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if raw(c) && u32::from(c) >= 0x7f {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

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
    /// A rotation (`secrets rotate`) stopped: a call failed, or it refused to go on.
    Rotation(Box<RotationError>),
    /// Something local failed (the fake server could not listen, the runtime did not start).
    Io(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Call(error)
    }
}

impl From<RotationError> for Failure {
    fn from(error: RotationError) -> Self {
        Failure::Rotation(Box::new(error))
    }
}

impl Failure {
    /// The exit code documented in `--help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Io(_) => EXIT_NETWORK,
            Failure::Call(error) => call_exit_code(error),
            // A refusal changed nothing: the key's state does not allow what was asked.
            Failure::Rotation(rotation) => rotation.call_error().map_or(EXIT_USAGE, call_exit_code),
        }
    }

    /// The failed call, if a call failed.
    fn call_error(&self) -> Option<&Error> {
        match self {
            Failure::Call(error) => Some(error),
            Failure::Rotation(rotation) => rotation.call_error(),
            Failure::Usage(_) | Failure::Io(_) => None,
        }
    }

    /// The kind: the crate's stable [`ErrorKind::as_str`] (`secret-limit-reached`, `timeout`),
    /// or `usage` / `io` for the tool's own failures.
    fn kind(&self) -> &'static str {
        match self {
            Failure::Usage(_) => "usage",
            Failure::Io(_) => "io",
            Failure::Call(error) => error.kind().as_str(),
            Failure::Rotation(rotation) => rotation.kind().as_str(),
        }
    }

    /// One line: the crate's `Display`, which has the status, problem title and detail and the
    /// request id, never a credential, and server text already escaped.
    fn message(&self) -> String {
        let text = match self {
            Failure::Usage(message) | Failure::Io(message) => message.clone(),
            Failure::Call(error) => error.to_string(),
            Failure::Rotation(rotation) => rotation.to_string(),
        };
        shown(&text.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
    }
}

impl Output {
    /// Prints a failure on stderr and returns its exit code.
    pub fn failure(&self, failure: &Failure) -> u8 {
        let code = failure.exit_code();
        let mut stderr = std::io::stderr().lock();
        if self.json {
            let (status, request_id, problem, validation) = match failure.call_error() {
                None => (None, None, None, None),
                Some(e) => (
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
            if let Failure::Call(e) = failure
                && let Some(api) = e.api()
            {
                // Every field the body carried, as the crate decoded it (credentials redacted).
                object["type"] = json!(problem.and_then(|p| p.type_uri.as_deref()));
                object["instance"] = json!(problem.and_then(|p| p.instance.as_deref()));
                object["invalid_parameters"] = json!(
                    api.invalid_parameters()
                        .iter()
                        .map(|p| json!({"name": p.name, "reason": p.reason}))
                        .collect::<Vec<_>>()
                );
                let (code, label) = match &api.body {
                    ErrorBody::Legacy { code, label } => (Some(code), label.as_ref()),
                    _ => (None, None),
                };
                object["error_code"] = json!(code);
                object["error_code_label"] = json!(label);
                object["body"] = json!(api.json);
                object["text"] = json!(match &api.body {
                    ErrorBody::Text(text) => Some(text),
                    _ => None,
                });
            }
            if let Failure::Rotation(rotation) = failure {
                object["step"] = json!(rotation.step.to_string());
                object["created"] = json!(rotation.created);
            }
            let _ = writeln!(stderr, "{}", json_safe(object.to_string()));
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
        println!("{}", json_safe(text));
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

    /// `top-up`. A 2xx without the documented `error-code` is a success, said to be
    /// unconfirmed.
    pub fn topped_up(&self, trx: &str, top_up: &TopUp) -> Result<(), Failure> {
        if self.json {
            let mut object = json!({"topped_up": true, "trx": trx});
            if !top_up.confirmed() {
                object["confirmed"] = json!(false);
                object["status"] = json!(top_up.status.as_u16());
                object["request_id"] = json!(top_up.request_id);
            }
            return self.json(&object);
        }
        if top_up.confirmed() {
            println!("Topped up (trx {}).", shown(trx));
        } else {
            println!(
                "Topped up (trx {}), unconfirmed: Vonage answered {} without the documented \
                 error-code; check the balance before trying again.",
                shown(trx),
                top_up.status
            );
        }
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
        let url = |u: &Option<String>| {
            u.as_deref()
                .map_or_else(|| "(unset)".into(), |u| shown(u).into_owned())
        };
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
        println!("Secrets of {}: {}", shown(api_key), secrets.len());
        for secret in secrets {
            println!("{}  created {}", shown(&secret.id), created(secret));
        }
        Ok(())
    }

    /// `secrets get`.
    pub fn secret(&self, secret: &Secret) -> Result<(), Failure> {
        if self.json {
            return self.json(secret);
        }
        println!("Secret {} created {}", shown(&secret.id), created(secret));
        Ok(())
    }

    /// `secrets create`.
    pub fn created(&self, api_key: &str, secret: &Secret) -> Result<(), Failure> {
        if self.json {
            return self.json(secret);
        }
        println!(
            "Created secret {} for {} at {}",
            shown(&secret.id),
            shown(api_key),
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
        println!("Revoked secret {} of {}.", shown(id), shown(api_key));
        Ok(())
    }
}

/// What `secrets rotate --stage` shows of a stage, whichever key it was for.
#[derive(Debug)]
pub struct StagedView {
    pub secret: Secret,
    pub old_secret_id: String,
    pub revoked: Vec<String>,
}

impl Output {
    /// `secrets rotate --stage`: the new secret's id, the old one's, what to do next, and the
    /// generated value once (or the file it is in). With `--json`: `api_key`, `staged` (the new
    /// secret), `old_secret_id`, `revoked`, and `secret` or `secret_file` when generated.
    pub fn staged(
        &self,
        api_key: &str,
        for_key: Option<&str>,
        staged: &StagedView,
        generated: Option<crate::generate::Generated<'_>>,
    ) -> Result<(), Failure> {
        use crate::generate::Generated;
        use vonage_account::ExposeSecret as _;
        if self.json {
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
            return self.json(&object);
        }
        for id in &staged.revoked {
            println!("Revoked secret {id} of {api_key} to make room.");
        }
        println!(
            "Staged secret {} for {api_key} (created {}); the old secret {} keeps working.",
            staged.secret.id,
            created(&staged.secret),
            staged.old_secret_id
        );
        match generated {
            Some(Generated::Shown(value)) => println!(
                "New secret (shown only this once): {}",
                value.expose_secret()
            ),
            Some(Generated::SavedTo(path)) => println!("New secret written to {}", path.display()),
            None => {}
        }
        let for_flag = for_key.map(|k| format!(" --for {k}")).unwrap_or_default();
        println!(
            "Next: give every holder the new secret (VONAGE_API_SECRET_ID={}), then run\n  \
             vonage-account secrets rotate --retire {}{for_flag}",
            staged.secret.id, staged.old_secret_id
        );
        Ok(())
    }

    /// A generated secret that a failed stage created but did not prove: shown once on stdout
    /// (the error follows on stderr), as it is the only copy.
    pub fn staged_unproven(
        &self,
        api_key: &str,
        created: &Secret,
        value: &vonage_account::SecretString,
    ) -> Result<(), Failure> {
        use vonage_account::ExposeSecret as _;
        if self.json {
            return self.json(&json!({
                "api_key": api_key,
                "created": created,
                "proven": false,
                "secret": value.expose_secret(),
            }));
        }
        println!(
            "The new secret {} of {api_key} was created but not proven (see the error). Its value, \
             shown only this once: {}",
            created.id,
            value.expose_secret()
        );
        Ok(())
    }

    /// `secrets rotate --retire`.
    pub fn retired(
        &self,
        api_key: &str,
        old: &str,
        retired: vonage_account::Retired,
    ) -> Result<(), Failure> {
        let already_gone = !matches!(retired, vonage_account::Retired::Revoked);
        if self.json {
            return self.json(&json!({
                "api_key": api_key,
                "retired": old,
                "already_gone": already_gone,
            }));
        }
        if already_gone {
            println!("Secret {old} of {api_key} is already gone: nothing to retire.");
        } else {
            println!("Retired secret {old} of {api_key}: it no longer works.");
        }
        Ok(())
    }

    /// `secrets rotate --status`. With `--json`: `api_key`, `state` (`settled`, `staged` or
    /// `empty`), `secrets` (oldest first), `old` and `staged` (`null` unless staged).
    pub fn rotation_state(
        &self,
        api_key: &str,
        for_key: Option<&str>,
        state: &vonage_account::RotationState,
    ) -> Result<(), Failure> {
        use vonage_account::RotationState;
        let name = match state {
            RotationState::Settled { .. } => "settled",
            RotationState::Staged { .. } => "staged",
            _ => "empty",
        };
        if self.json {
            return self.json(&json!({
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
                println!("Key {api_key} has a staged rotation:");
                println!("  old     {}  created {}", old.id, created(old));
                println!("  staged  {}  created {}", staged.id, created(staged));
                println!(
                    "Once every holder uses the staged secret: vonage-account secrets rotate --retire {}{for_flag}",
                    old.id
                );
            }
            _ => match state.secrets().next() {
                Some(current) => println!(
                    "Key {api_key} has one secret, {} (created {}): nothing is staged.",
                    current.id,
                    created(current)
                ),
                None => println!("Key {api_key} lists no secret."),
            },
        }
        Ok(())
    }
}

fn created(secret: &Secret) -> String {
    secret.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The exit code for a failed call.
fn call_exit_code(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::Config | ErrorKind::Validation | ErrorKind::RotationRefused => EXIT_USAGE,
        _ if error.api().is_some() => EXIT_API,
        _ => EXIT_NETWORK,
    }
}
