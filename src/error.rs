//! The one error type, and how every failure of the API or the network becomes one.

use std::fmt;

use reqwest::StatusCode;

use crate::{redact::Redactor, validate::ValidationError};

/// Everything that can go wrong. Match on [`Error::kind`] to branch without string matching.
///
/// `Display` gives one readable sentence with the HTTP status, the problem title and detail, and
/// the request id when there is one. No variant ever holds the API secret: every part of an
/// answer that reaches an `Error` has had the request's credentials (the secret, its Basic form,
/// a new secret being created) taken out first, however the answer spelled them.
///
/// Text that came from the server is kept as it came (after that redaction) in the fields, and
/// shown safely by `Display`: control characters (an `ESC` starting a terminal sequence, a
/// newline), and the invisible Unicode characters that reorder text, are written as escapes
/// like `\u{1b}`, so printing an error can neither drive a terminal nor forge a second line.
/// `Debug` escapes them as Rust string literals do.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client settings are unusable (missing credentials, a bad base URL, plain http to a
    /// remote host). Raised by [`ClientBuilder::build`](crate::ClientBuilder::build).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// An argument broke a documented rule. Nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The API answered with an error status (or a top-up answered a failure code).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No complete answer arrived within the timeout.
    #[error("the request timed out{}", attempts_suffix(*.attempts))]
    Timeout {
        /// How many attempts were made.
        attempts: u32,
    },
    /// The connection could not be made or broke.
    #[error("network error: {message}{}", attempts_suffix(*.attempts))]
    Transport {
        /// What went wrong, without the URL.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A success status came with a body that is not what the API documents.
    #[error("could not decode the {status} answer{}: {}; body starts \"{}\"", request_id_suffix(.request_id.as_deref()), Escaped(.reason), Escaped(.excerpt))]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` of the answer.
        request_id: Option<String>,
        /// Why decoding failed.
        reason: String,
        /// The start of the body (at most 200 characters).
        excerpt: String,
    },
    /// The answer's body was larger than the client's limit and was not read.
    #[error("the {status} answer's body is larger than the {limit}-byte limit{}", request_id_suffix(.request_id.as_deref()))]
    ResponseTooLarge {
        /// The HTTP status.
        status: StatusCode,
        /// The `X-Request-Id` of the answer.
        request_id: Option<String>,
        /// The limit in bytes.
        limit: usize,
    },
    /// A call that must never be sent twice (a sub-account creation, a credit or balance
    /// transfer, a number transfer) failed after its request may have reached Vonage: it may
    /// have been done. It was not sent again. The [`UnknownOutcome`](crate::UnknownOutcome) says
    /// what was asked, why the answer was lost ([`cause`](crate::UnknownOutcome::cause), whose
    /// status, request id and API error [`Error::status`], [`Error::request_id`] and
    /// [`Error::api`] give too), and how to find out
    /// ([`Subaccounts::settle`](crate::Subaccounts::settle)).
    #[error(transparent)]
    OutcomeUnknown(LostAnswer),
    /// [`Secrets::revoke`](crate::Secrets::revoke) of the client's own key was asked to revoke
    /// the secret the client authenticates with ([`ClientBuilder::api_secret_id`](crate::ClientBuilder::api_secret_id)):
    /// every holder of that secret would be locked out. Nothing was sent.
    #[error("refusing to revoke secret {} of key {}: it is the secret this client authenticates with; stage a new secret, roll it out, then revoke this one with a client that uses the new secret", Escaped(.secret_id), Escaped(.api_key))]
    SecretInUse {
        /// The key.
        api_key: String,
        /// The secret's id.
        secret_id: String,
    },
    /// A secret rotation stopped ([`RotationError`](crate::RotationError), converted by `?` or
    /// `From`), with its step, cause and what it left on the key. Its kind, status and request
    /// id are the rotation's ([`RotationError::kind`](crate::RotationError::kind)).
    #[error(transparent)]
    Rotation(StoppedRotation),
}

/// A call whose outcome is unknown, inside an [`Error`] ([`Error::OutcomeUnknown`]):
/// [`Error::outcome_unknown`] gives the [`UnknownOutcome`](crate::UnknownOutcome) back. Opaque,
/// like [`StoppedRotation`], so that the one error type needs nothing from the sub-accounts module.
#[derive(Clone, thiserror::Error)]
#[error(transparent)]
pub struct LostAnswer(pub(crate) Nested);

/// A stopped rotation inside an [`Error`]: [`Error::rotation`] gives the
/// [`RotationError`](crate::RotationError) back. Opaque, so that the one error type needs nothing
/// from the rotation module (which is built on top of it).
#[derive(Clone, thiserror::Error)]
#[error(transparent)]
pub struct StoppedRotation(pub(crate) Nested);

/// `Debug` is the held error's, without the holder's name.
impl fmt::Debug for LostAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// `Debug` is the held error's, without the holder's name.
impl fmt::Debug for StoppedRotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// An error of a module built on top of this one (`RotationError`, `UnknownOutcome`), as
/// [`LostAnswer`] and [`StoppedRotation`] hold it: what the one error reads from it, and the way
/// back to what it is.
pub(crate) trait NestedError: std::error::Error + Send + Sync + 'static {
    /// Its kind.
    fn kind(&self) -> ErrorKind;
    /// The call's error that caused it, if one did.
    fn call_error(&self) -> Option<&Error>;
    /// For the downcasts ([`Error::rotation`], [`Error::outcome_unknown`]).
    fn as_any(&self) -> &dyn std::any::Any;
    /// For `Clone`.
    fn clone_box(&self) -> Box<dyn NestedError>;
}

/// A boxed [`NestedError`]: `Debug`, `Display` and `source` are the held error's.
pub(crate) struct Nested(Box<dyn NestedError>);

impl Nested {
    pub(crate) fn new(error: impl NestedError) -> Nested {
        Nested(Box::new(error))
    }

    /// The held error as what it is.
    pub(crate) fn as_any(&self) -> &dyn std::any::Any {
        self.0.as_any()
    }
}

impl Clone for Nested {
    fn clone(&self) -> Nested {
        Nested(self.0.clone_box())
    }
}

impl fmt::Debug for Nested {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Nested {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Nested {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

fn request_id_suffix(id: Option<&str>) -> String {
    id.map(|id| format!(" (request id {})", Escaped(id)))
        .unwrap_or_default()
}

/// Text from the other side, written so that a terminal shows it and does nothing else:
/// control characters (C0, DEL, C1) and the invisible format characters that reorder or hide
/// text (bidirectional overrides and isolates, zero-width characters, line and paragraph
/// separators) become escapes like `\u{1b}`; a backslash stays a backslash.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(needs_escape) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)?;
        Ok(())
    }
}

/// `text` as [`Escaped`] writes it: what `Error`'s `Display` does with text from the server.
/// Public, but not part of the supported API: the `vonage-account` CLI prints server text by
/// the same rule, from this one copy.
#[doc(hidden)]
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(needs_escape) {
        std::borrow::Cow::Owned(Escaped(text).to_string())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Whether `c` is a character [`Escaped`] writes as an escape. Public for the same reason as
/// [`terminal_safe`], and as little part of the API.
#[doc(hidden)]
pub fn needs_escape(c: char) -> bool {
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

/// What kind of failure an [`Error`] is, for callers to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::Config`].
    Config,
    /// See [`Error::Validation`]: nothing was sent.
    Validation,
    /// 401: the credentials are wrong or have no access.
    Unauthorized,
    /// A top-up was refused because auto-reload is not enabled on the account.
    ///
    /// Told from the body, as far as its content allows: the legacy body of the GitHub-hosted
    /// description (`{"error-code":"401","error-code-label":"not auto-reload enabled"}`), or a
    /// problem whose `title` or `detail` names auto-reload. The developer portal's description
    /// documents only its generic 401 problem for a refused top-up (`#unathorized`, "You did
    /// not provide correct credentials."): that answer cannot be told from wrong credentials,
    /// so it is [`Unauthorized`](Self::Unauthorized). The balance's `auto_reload` tells the two
    /// apart.
    AutoReloadDisabled,
    /// A top-up was answered with a failure code other than the above.
    TopUpFailed,
    /// 404 `#invalid-api-key`: the API key does not exist or is not yours.
    InvalidApiKey,
    /// 404 `#invalid-id`: no secret with that id.
    SecretNotFound,
    /// 404 of another kind.
    NotFound,
    /// The key already has the maximum number of secrets (`#add-excess-secret`,
    /// `#maximum-secrets-allowed`).
    SecretLimitReached,
    /// The last secret of a key cannot be revoked (`#delete-last-secret`).
    LastSecret,
    /// 400: the API rejected a parameter (see [`ApiError::invalid_parameters`]).
    InvalidParameters,
    /// 403 of another kind.
    Forbidden,
    /// 429: too many requests.
    RateLimited,
    /// 5xx: the API or a gateway failed.
    ServerError,
    /// 3xx: the API answered with a redirect, which is never followed.
    Redirect,
    /// Any other error status.
    OtherApi,
    /// See [`Error::Timeout`].
    Timeout,
    /// See [`Error::Transport`].
    Transport,
    /// See [`Error::Decode`].
    Decode,
    /// See [`Error::ResponseTooLarge`].
    ResponseTooLarge,
    /// See [`Error::SecretInUse`]: nothing was sent.
    SecretInUse,
    /// A rotation refused to go on because of the key's state: it is not known which secret is
    /// being replaced, the one named is not on the key, or a retire named the staged secret or
    /// the client's own (see [`RotationRefusal`](crate::RotationRefusal)).
    RotationRefused,
    /// 403 `#unprovisioned`: the account is not provisioned for the API it called (the
    /// Subaccounts API is given on request). A 401 with that fragment (the Account API's, for
    /// credentials without access to the product) is [`Unauthorized`](Self::Unauthorized).
    Unprovisioned,
    /// 403 `#valid-transfers` (or `#invalid-transfers`): a credit or balance transfer the API
    /// refused: not between the primary and its sub-account, or more than the source has
    /// ("Insufficient Credit").
    InvalidTransfer,
    /// 403 `#invalid-number-transfer`: the number is not the source's, the accounts may not
    /// move numbers between them, or one is suspended.
    InvalidNumberTransfer,
    /// 404 `#missing-number-transfer`: no such number.
    MissingNumberTransfer,
    /// 409 `#transfer-conflict`: the target owns the number already.
    TransferConflict,
    /// `#provisioning`: the primary has the most sub-accounts it may have.
    SubaccountLimit,
    /// See [`Error::OutcomeUnknown`]: it may have been done; it was not sent again.
    OutcomeUnknown,
}

impl ErrorKind {
    /// A stable name for the kind, in kebab case (`secret-limit-reached`): what the CLI's JSON
    /// `"error"` field and logs use. It never changes for an existing kind.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::Validation => "validation",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::AutoReloadDisabled => "auto-reload-disabled",
            ErrorKind::TopUpFailed => "top-up-failed",
            ErrorKind::InvalidApiKey => "invalid-api-key",
            ErrorKind::SecretNotFound => "secret-not-found",
            ErrorKind::NotFound => "not-found",
            ErrorKind::SecretLimitReached => "secret-limit-reached",
            ErrorKind::LastSecret => "last-secret",
            ErrorKind::InvalidParameters => "invalid-parameters",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::RateLimited => "rate-limited",
            ErrorKind::ServerError => "server-error",
            ErrorKind::Redirect => "redirect",
            ErrorKind::OtherApi => "other-api",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
            ErrorKind::ResponseTooLarge => "response-too-large",
            ErrorKind::SecretInUse => "secret-in-use",
            ErrorKind::RotationRefused => "rotation-refused",
            ErrorKind::Unprovisioned => "unprovisioned",
            ErrorKind::InvalidTransfer => "invalid-transfer",
            ErrorKind::InvalidNumberTransfer => "invalid-number-transfer",
            ErrorKind::MissingNumberTransfer => "missing-number-transfer",
            ErrorKind::TransferConflict => "transfer-conflict",
            ErrorKind::SubaccountLimit => "subaccount-limit",
            ErrorKind::OutcomeUnknown => "outcome-unknown",
        }
    }
}

impl fmt::Display for ErrorKind {
    /// The stable name ([`ErrorKind::as_str`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Config(_) => ErrorKind::Config,
            Error::Validation(_) => ErrorKind::Validation,
            Error::Api(api) => api.kind(),
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::ResponseTooLarge { .. } => ErrorKind::ResponseTooLarge,
            Error::SecretInUse { .. } => ErrorKind::SecretInUse,
            Error::OutcomeUnknown(LostAnswer(nested))
            | Error::Rotation(StoppedRotation(nested)) => nested.0.kind(),
        }
    }

    /// The HTTP status of the answer that caused this error, if one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::OutcomeUnknown(LostAnswer(nested))
            | Error::Rotation(StoppedRotation(nested)) => nested.0.call_error()?.status(),
            _ => None,
        }
    }

    /// The `X-Request-Id` of the answer that caused this error, for Vonage support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Decode { request_id, .. } | Error::ResponseTooLarge { request_id, .. } => {
                request_id.as_deref()
            }
            Error::OutcomeUnknown(LostAnswer(nested))
            | Error::Rotation(StoppedRotation(nested)) => nested.0.call_error()?.request_id(),
            _ => None,
        }
    }

    /// How long Vonage asked to wait before the next request, when the answer that caused this
    /// error said so: its `Retry-After` (seconds or an HTTP date) or, on a 429 without one, its
    /// `X-RateLimit-Reset`, counted from when that answer arrived. On the error a call returns
    /// once its retries are spent (or when the wait was longer than
    /// [`RetryConfig::max_delay`](crate::RetryConfig::max_delay) allows), this is the last
    /// answer's. `Display` shows it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// use std::time::Duration;
    /// use vonage_account::ErrorKind;
    /// use vonage_account_fake::Fault;
    /// fake.inject(Fault::rate_limited(30)); // longer than the client waits by itself
    /// let err = client.account().balance().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::RateLimited);
    /// assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    /// # }
    /// ```
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.api().and_then(|api| api.retry_after)
    }

    /// The API error, when the API answered with one (for a rotation, the one that stopped it).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::OutcomeUnknown(LostAnswer(nested))
            | Error::Rotation(StoppedRotation(nested)) => nested.0.call_error()?.api(),
            _ => None,
        }
    }

    /// The validation error, when an argument broke a rule.
    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Error::Validation(v) => Some(v),
            Error::Rotation(StoppedRotation(nested)) => nested.0.call_error()?.validation(),
            _ => None,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config(message.into())
    }
}

/// An error answer from the API.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `X-Request-Id` header of the answer.
    pub request_id: Option<String>,
    /// The body, in whichever shape it came.
    pub body: ErrorBody,
    /// The whole body as JSON, when it was JSON: every member as it came (credentials
    /// redacted), including those [`body`](Self::body) has no place for (a problem's extension
    /// members, fields next to a legacy `error-code`).
    pub json: Option<serde_json::Value>,
    /// How long the answer asked to wait before the next request (see [`Error::retry_after`]).
    pub retry_after: Option<std::time::Duration>,
}

/// The body of an error answer. The API uses several shapes; each is kept as it came.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// An RFC 7807 problem (`type`, `title`, `detail`, `instance`, `invalid_parameters`), or the
    /// older `error_title` form mapped onto it.
    Problem(Problem),
    /// The legacy `{"error-code": "401", "error-code-label": "authentication failed"}`.
    Legacy {
        /// `error-code`, a status as a string.
        code: String,
        /// `error-code-label`.
        label: Option<String>,
    },
    /// JSON with none of the fields of the shapes above (`{}`, `{"message": "Forbidden"}` from
    /// a gateway, an array), as it came.
    Json(serde_json::Value),
    /// A body that is not JSON (an HTML page from a gateway, say): its start, at most 200
    /// characters.
    Text(String),
    /// No body, or only whitespace.
    Empty,
}

/// An RFC 7807 problem.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Problem {
    /// A URI naming the kind of problem; its fragment (after `#`) names the error.
    pub type_uri: Option<String>,
    /// A short summary.
    pub title: Option<String>,
    /// An explanation of this occurrence.
    pub detail: Option<String>,
    /// An identifier of this occurrence.
    pub instance: Option<String>,
    /// The parameters the API rejected, if any.
    pub invalid_parameters: Vec<InvalidParameter>,
}

/// One parameter the API rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidParameter {
    /// The parameter's name.
    pub name: String,
    /// Why it was rejected.
    pub reason: String,
}

impl ApiError {
    /// What kind of error this is, from the problem `type` fragment, the legacy label and the
    /// status, in that order.
    pub fn kind(&self) -> ErrorKind {
        // A problem that says auto-reload is off, whatever its type (the portal documents no
        // type of its own for it).
        if let ErrorBody::Problem(p) = &self.body
            && [&p.title, &p.detail]
                .into_iter()
                .flatten()
                .any(|text| mentions_auto_reload(text))
        {
            return ErrorKind::AutoReloadDisabled;
        }
        if let Some(fragment) = self.problem_fragment() {
            match fragment {
                "add-excess-secret" | "maximum-secrets-allowed" => {
                    return ErrorKind::SecretLimitReached;
                }
                "delete-last-secret" => return ErrorKind::LastSecret,
                "invalid-api-key" => return ErrorKind::InvalidApiKey,
                "invalid-id" => return ErrorKind::SecretNotFound,
                "unauthorized" | "unathorized" => return ErrorKind::Unauthorized,
                "unprovisioned" if self.status == StatusCode::UNAUTHORIZED => {
                    return ErrorKind::Unauthorized;
                }
                "unprovisioned" => return ErrorKind::Unprovisioned,
                "valid-transfers" | "invalid-transfers" => return ErrorKind::InvalidTransfer,
                "invalid-number-transfer" => return ErrorKind::InvalidNumberTransfer,
                "missing-number-transfer" => return ErrorKind::MissingNumberTransfer,
                "transfer-conflict" => return ErrorKind::TransferConflict,
                "provisioning" => return ErrorKind::SubaccountLimit,
                "validation" => return ErrorKind::InvalidParameters,
                _ => {}
            }
        }
        if let ErrorBody::Legacy { label, .. } = &self.body {
            let label = label.as_deref().unwrap_or_default().to_ascii_lowercase();
            if mentions_auto_reload(&label) {
                return ErrorKind::AutoReloadDisabled;
            }
            if label.contains("authentication") {
                return ErrorKind::Unauthorized;
            }
            // A 2xx with a failure code is a top-up's (the only operation answering that way);
            // otherwise only the label can say it (`420 "topup failed"`; a 420 "method failed"
            // from another lookup is not a top-up failure).
            if self.status.is_success() || label.contains("topup") || label.contains("top-up") {
                return ErrorKind::TopUpFailed;
            }
        }
        match self.status.as_u16() {
            300..=399 => ErrorKind::Redirect,
            400 => ErrorKind::InvalidParameters,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            422 => ErrorKind::InvalidParameters,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::OtherApi,
        }
    }

    /// The fragment of the problem `type` (`add-excess-secret` in
    /// `https://developer.nexmo.com/api-errors/account/secret-management#add-excess-secret`).
    pub fn problem_fragment(&self) -> Option<&str> {
        match &self.body {
            ErrorBody::Problem(p) => p.type_uri.as_deref()?.rsplit_once('#').map(|(_, f)| f),
            _ => None,
        }
    }

    /// The problem, when the body is one.
    pub fn problem(&self) -> Option<&Problem> {
        match &self.body {
            ErrorBody::Problem(p) => Some(p),
            _ => None,
        }
    }

    /// The parameters the API rejected (empty when it named none).
    pub fn invalid_parameters(&self) -> &[InvalidParameter] {
        self.problem()
            .map(|p| p.invalid_parameters.as_slice())
            .unwrap_or_default()
    }
}

/// Whether an error text says auto-reload (`not auto-reload enabled`, "auto reload", "autoReload").
fn mentions_auto_reload(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    ["auto-reload", "auto reload", "autoreload"]
        .iter()
        .any(|words| text.contains(words))
}

impl fmt::Display for ApiError {
    /// One line describing the answer: status, then the body as it came (every text from the
    /// server [escaped](Error)), then the request id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vonage answered {}", self.status)?;
        match &self.body {
            ErrorBody::Problem(p) => {
                let mut parts = p.title.iter().chain(p.detail.iter()).peekable();
                if parts.peek().is_some() {
                    write!(f, ":")?;
                    for (i, part) in parts.enumerate() {
                        write!(
                            f,
                            "{}{}",
                            if i == 0 { " " } else { " — " },
                            Escaped(part.trim_end_matches('.'))
                        )?;
                    }
                }
                if let (None, None, Some(t)) = (&p.title, &p.detail, &p.type_uri) {
                    write!(f, ": {}", Escaped(t))?;
                }
                for param in &p.invalid_parameters {
                    write!(f, "; {}: {}", Escaped(&param.name), Escaped(&param.reason))?;
                }
            }
            ErrorBody::Legacy { code, label } => {
                write!(f, ": error-code {}", Escaped(code))?;
                if let Some(label) = label {
                    write!(f, " ({})", Escaped(label))?;
                }
            }
            ErrorBody::Json(value) => write!(
                f,
                " with a JSON body without error fields: {}",
                Escaped(&excerpt_text(&value.to_string()))
            )?,
            ErrorBody::Text(text) => write!(f, " with a non-JSON body: \"{}\"", Escaped(text))?,
            ErrorBody::Empty => write!(f, " with an empty body")?,
        }
        if self.status.is_redirection() {
            write!(f, "; redirects are not followed")?;
        }
        if let Some(wait) = self.retry_after {
            // Whole seconds, rounded up: waiting less would be too early.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            write!(f, "; retry after {secs} s")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", Escaped(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl ErrorBody {
    /// Reads an error body of any shape, from its bytes as they came. Never fails: what is not
    /// JSON is kept as text, JSON without the fields of a known shape as [`ErrorBody::Json`].
    ///
    /// ```
    /// use vonage_account::ErrorBody;
    /// let legacy = ErrorBody::parse(br#"{"error-code":"401","error-code-label":"authentication failed"}"#);
    /// assert!(matches!(legacy, ErrorBody::Legacy { ref code, .. } if code == "401"));
    /// assert_eq!(ErrorBody::parse(b"{}"), ErrorBody::Json(serde_json::json!({})));
    /// assert_eq!(ErrorBody::parse(b" \n"), ErrorBody::Empty);
    /// ```
    pub fn parse(body: &[u8]) -> ErrorBody {
        decode_error_body(body, &Redactor::default()).0
    }

    /// The shape of an error body that is JSON.
    fn from_json(value: &serde_json::Value) -> ErrorBody {
        use serde_json::Value;
        let Value::Object(fields) = value else {
            return ErrorBody::Json(value.clone());
        };
        // A member that is absent or `null` is no member; any other value is kept as text.
        let field = |name: &str| fields.get(name).filter(|v| !v.is_null()).map(json_text);
        // The Pricing API's 401 says `code` where the others say `error-code`; `code` alone is
        // a legacy code only next to a legacy label (a problem may use `code` otherwise).
        let legacy_code = field("error-code")
            .or_else(|| field("code").filter(|_| field("error-code-label").is_some()));
        if let Some(code) = legacy_code {
            return ErrorBody::Legacy {
                code,
                label: field("error-code-label"),
            };
        }
        let problem = Problem {
            type_uri: field("type"),
            title: field("title").or_else(|| field("error_title")),
            detail: field("detail"),
            instance: field("instance"),
            invalid_parameters: fields
                .get("invalid_parameters")
                .map(invalid_parameters)
                .unwrap_or_default(),
        };
        if problem == Problem::default() && !fields.contains_key("invalid_parameters") {
            return ErrorBody::Json(value.clone());
        }
        ErrorBody::Problem(problem)
    }
}

/// Decodes an error body from its bytes as they came: its shape and, when it is JSON, the whole
/// of it, both with every credential `redactor` knows taken out. Text is redacted whole before
/// it is cut to an excerpt.
pub(crate) fn decode_error_body(
    body: &[u8],
    redactor: &Redactor,
) -> (ErrorBody, Option<serde_json::Value>) {
    let body = strip_bom(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return (ErrorBody::Empty, None);
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redactor.redact_json(&mut value);
            (ErrorBody::from_json(&value), Some(value))
        }
        Err(_) => (ErrorBody::Text(redacted_excerpt(body, redactor)), None),
    }
}

/// The start of a body as text, at most 200 characters, with the credentials redacted. Only
/// its first 8 KiB are read (a credential however escaped is far shorter), so a huge page
/// costs nothing; the redaction happens before the cut, so no part of a credential is left at
/// the cut.
pub(crate) fn redacted_excerpt(body: &[u8], redactor: &Redactor) -> String {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 8 * 1024)];
    excerpt_text(&redactor.redact(&String::from_utf8_lossy(head)))
}

/// `body` without a UTF-8 byte-order mark, which some servers put before JSON.
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body)
}

/// A JSON value as text: a string as it is, anything else as JSON.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `invalid_parameters` comes as `[{"name": .., "reason": ..}]`, as `{"name": "reason"}`, or (the
/// Pricing API) as `{"parameter": "name", "message": "reason"}`; a list item that is not an object
/// is kept whole as the reason, with an empty name.
fn invalid_parameters(value: &serde_json::Value) -> Vec<InvalidParameter> {
    use serde_json::Value;
    let text = |v: Option<&Value>| {
        v.filter(|v| !v.is_null())
            .map(json_text)
            .unwrap_or_default()
    };
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(_) => InvalidParameter {
                    name: text(item.get("name")),
                    reason: text(item.get("reason")),
                },
                other => InvalidParameter {
                    name: String::new(),
                    reason: json_text(other),
                },
            })
            .collect(),
        // The Pricing API's one parameter: `{"parameter": "country", "message": "Is required"}`.
        Value::Object(map)
            if map.len() == 2 && map.contains_key("parameter") && map.contains_key("message") =>
        {
            vec![InvalidParameter {
                name: text(map.get("parameter")),
                reason: text(map.get("message")),
            }]
        }
        Value::Object(map) => map
            .iter()
            .map(|(name, reason)| InvalidParameter {
                name: name.clone(),
                reason: json_text(reason),
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![InvalidParameter {
            name: String::new(),
            reason: json_text(other),
        }],
    }
}

/// The start of a text, at most 200 characters (redact before cutting, so that no part of a
/// credential is left at the cut).
pub(crate) fn excerpt_text(text: &str) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// A reqwest error as text, without its URL (which may carry legacy query credentials) but with
/// its causes.
pub(crate) fn describe_reqwest(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut message = if error.is_connect() {
        "could not connect".to_owned()
    } else if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_body() || error.is_decode() {
        "the answer's body could not be read".to_owned()
    } else if error.is_request() {
        "the request could not be completed".to_owned()
    } else {
        "HTTP error".to_owned()
    };
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
