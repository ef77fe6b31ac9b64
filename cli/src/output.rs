//! What every command shares for its output: results on stdout, errors on stderr, as text or
//! JSON; the exit codes; and the rule that keeps server text from driving the terminal.
//!
//! Whatever came from the server (an error's title and detail, a secret id, a webhook URL) is
//! printed so that a terminal shows it and does nothing else: in text, control characters and
//! the invisible characters that reorder text become escapes (`\u{1b}`), by the library's own
//! rule ([`vonage_account::terminal_safe`], the one its errors' `Display` uses); in JSON, the
//! same characters are `\u` escapes inside the strings (serde_json already escapes C0 controls,
//! not DEL, C1 controls or the bidirectional overrides). An error's `Display` is escaped by the
//! library already; escaping it again changes nothing.

use std::{borrow::Cow, fmt, io::Write as _};

use serde::Serialize;
use serde_json::json;
use vonage_account::{Error, ErrorBody, ErrorKind, RotationError, Secret, needs_escape};

/// Text from the server as it is safe to print on one line of a terminal.
pub fn shown(text: &str) -> Cow<'_, str> {
    vonage_account::terminal_safe(text)
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
    /// `--json`.
    pub json: bool,
}

/// A failure of the tool: the library's error, or a usage error found before calling it.
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
    /// Refused before anything was sent, for what the kind (`not-confirmed`, `secret-in-use`)
    /// says: exit 2 like a usage error.
    Refused(&'static str, String),
    /// A command over several sub-accounts (`secrets rotate --all-subaccounts`) that did not
    /// complete on all of them: each has its line on stdout; the code is the worst one's.
    Several {
        /// The worst exit code among them.
        code: u8,
        /// How many did not complete.
        message: String,
    },
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

impl fmt::Display for Failure {
    /// The message, on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl Failure {
    /// The exit code documented in `--help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) | Failure::Refused(..) => EXIT_USAGE,
            Failure::Io(_) => EXIT_NETWORK,
            Failure::Several { code, .. } => *code,
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
            Failure::Usage(_) | Failure::Io(_) | Failure::Refused(..) | Failure::Several { .. } => {
                None
            }
        }
    }

    /// The kind: the library's stable [`ErrorKind::as_str`] (`secret-limit-reached`,
    /// `timeout`), or `usage` / `io` for the tool's own failures.
    fn kind(&self) -> &'static str {
        match self {
            Failure::Usage(_) => "usage",
            Failure::Io(_) => "io",
            Failure::Several { .. } => "several",
            Failure::Refused(kind, _) => kind,
            Failure::Call(error) => error.kind().as_str(),
            Failure::Rotation(rotation) => rotation.kind().as_str(),
        }
    }

    /// One line: the library's `Display`, which has the status, problem title and detail and the
    /// request id, never a credential, and server text already escaped.
    fn message(&self) -> String {
        let text = match self {
            Failure::Usage(message)
            | Failure::Io(message)
            | Failure::Refused(_, message)
            | Failure::Several { message, .. } => message.clone(),
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
                // Every field the body carried, as the library decoded it (credentials redacted).
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
            if let Some(unknown) = failure.call_error().and_then(Error::outcome_unknown) {
                object["outcome_unknown"] = unknown_json(unknown);
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

    /// One JSON document on stdout, pretty-printed and safe for a terminal.
    pub fn print_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), Failure> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))?;
        self.line(json_safe(text));
        Ok(())
    }

    /// One line of text on stdout. A closed stdout (`vonage-account secrets list | head -1`) is
    /// not an error: the rest of the output is not wanted.
    pub fn line(&self, text: impl fmt::Display) {
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }
}

/// A secret's creation time as the commands print it: `2024-01-01T00:00:00Z`.
pub fn created(secret: &Secret) -> String {
    secret.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The exit code for a failed call.
fn call_exit_code(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::Config
        | ErrorKind::Validation
        | ErrorKind::RotationRefused
        | ErrorKind::SecretInUse => EXIT_USAGE,
        // It may have been done; the cause may be a 5xx answer, but nothing says what happened.
        ErrorKind::OutcomeUnknown => EXIT_NETWORK,
        _ if error.api().is_some() => EXIT_API,
        _ => EXIT_NETWORK,
    }
}

/// What the JSON error says of a call whose outcome is unknown: the operation, when it was
/// sent, what it asked (a transfer's `reference`), and how to settle it.
pub fn unknown_json(unknown: &vonage_account::UnknownOutcome) -> serde_json::Value {
    use vonage_account::Asked;
    let mut object = serde_json::json!({
        "operation": unknown.operation.to_string(),
        "sent_at": unknown.sent_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "search_from": unknown.search_from().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "how_to_settle": unknown.how_to_settle(),
    });
    match &unknown.asked {
        Asked::Transfer {
            kind,
            reference,
            from,
            to,
            amount,
        } => {
            object["kind"] = serde_json::json!(kind);
            object["reference"] = serde_json::json!(reference);
            object["from"] = serde_json::json!(from);
            object["to"] = serde_json::json!(to);
            object["amount"] = serde_json::json!(amount);
        }
        Asked::Create { name } => object["name"] = serde_json::json!(name),
        Asked::NumberTransfer {
            number,
            country,
            from,
            to,
        } => {
            object["number"] = serde_json::json!(number);
            object["country"] = serde_json::json!(country);
            object["from"] = serde_json::json!(from);
            object["to"] = serde_json::json!(to);
        }
        _ => {}
    }
    object
}
