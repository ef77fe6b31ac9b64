//! A typed async client for the Vonage (formerly Nexmo) Account, Secret Management and Pricing
//! APIs.
//!
//! Read the balance, top it up, read and set the default SMS webhook URLs, and list, read,
//! create, revoke and rotate API secrets, for the account's own key or a sub-account's; and look
//! up what an SMS or a call costs (the Pricing API).
//!
//! The HTTP clients are generated at build time by progenitor from the hand-written OpenAPI
//! specs in `openapi/`; the public surface is the small facade documented here.
//!
//! # Quick start
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), vonage_account::Error> {
//! # let fake = vonage_account_fake::FakeVonage::start().await;
//! use vonage_account::{Client, SettingsUpdate};
//!
//! let client = Client::builder()
//!     .api_key("abcd1234")
//!     .api_secret("Abcdef123456")
//! #   .base_url(fake.url())
//!     .build()?; // or Client::from_env()? (VONAGE_API_KEY, VONAGE_API_SECRET)
//!
//! let balance = client.account().balance().await?;
//! println!("{} EUR", balance.value); // every decimal the API sent: 10.28000000
//!
//! let update = SettingsUpdate::new().mo_callback_url("https://example.com/inbound-sms");
//! let settings = client.account().update_settings(&update).await?;
//! assert_eq!(settings.mo_callback_url.as_deref(), Some("https://example.com/inbound-sms"));
//!
//! for secret in client.secrets().list().await? {
//!     println!("secret {} created {}", secret.id, secret.created_at);
//! }
//! # Ok(()) }
//! ```
//!
//! [`Client`] is cheap to clone (one `Arc`) and `Send + Sync`; all clones share one connection
//! pool for both hosts (`rest.nexmo.com` for `/account/*`, `api.nexmo.com` for secrets).
//!
//! # Pricing
//!
//! [`Client::pricing`] has the Pricing API v1 lookups: one country, every country on a dialling
//! prefix, or every country. Prices are [`Amount`]s, exact decimals that keep every digit sent;
//! [`CountryPricing::messages_covered`] says how many messages a balance pays for at the
//! country's highest network price. The API takes one request per second, and the client spaces
//! these calls to stay under it ([`ClientBuilder::rate_limit_pacing`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), vonage_account::Error> {
//! # let fake = vonage_account_fake::FakeVonage::start().await;
//! # let client = fake.client();
//! use vonage_account::{Amount, ServiceType};
//!
//! let uk = client.pricing().country(ServiceType::Sms, "GB").await?;
//! let highest = uk.highest_price().expect("a price");
//! assert_eq!(highest.to_string(), "0.075000"); // as sent
//! assert!(*highest > Amount::from(0) && *highest < 1);
//! let plus_one = client.pricing().prefix(ServiceType::Sms, "+1").await?; // US, CA, UM
//! assert_eq!(plus_one.len(), 3);
//! # Ok(()) }
//! ```
//!
//! # Authentication
//!
//! Every call sends `Authorization: Basic base64(key:secret)`, the header marked sensitive. The
//! `/account/*` calls can use the legacy `api_key`/`api_secret` query parameters instead
//! ([`ClientBuilder::account_auth`] with [`AccountAuth::QueryParameters`]); the Secret Management
//! API accepts Basic only, so that option never applies to it. The secret is a
//! [`SecretString`]: redacted in every `Debug` and `Display`, zeroed on drop, and never part of an
//! error or a log line, not even when the answer echoes the request: the secret, its Basic form
//! and a new secret being created are cut out of every part of an answer, however it spells
//! them, before it reaches an [`Error`] or a log. Plain `http://` is refused except to loopback addresses unless
//! [`ClientBuilder::allow_insecure_http`] says otherwise, and redirects are never followed.
//!
//! [`Client::verify_credentials`] checks the credentials with one cheap read, telling a refusal
//! ([`ErrorKind::Unauthorized`]) from network trouble.
//!
//! # Sub-accounts
//!
//! A primary account manages its sub-accounts' secrets with its own credentials:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), vonage_account::Error> {
//! # let fake = vonage_account_fake::FakeVonage::start().await;
//! # let client = fake.client();
//! let sub = client.secrets_for("sub12345");
//! let secrets = sub.list().await?;
//! let created = sub.create("Sub-Secret-2026").await?;
//! sub.revoke(&created.id).await?;
//! # Ok(()) }
//! ```
//!
//! [`Client::subaccounts`] is the Subaccounts API: list the primary and its sub-accounts with
//! the totals, create one (its secret comes back once, as a [`SecretString`]), rename, suspend
//! or reactivate it, give it a balance of its own, move credit or balance between it and the
//! primary, list those transfers, and move numbers. A create or a transfer is never sent twice:
//! when its answer is lost the error is [`ErrorKind::OutcomeUnknown`], and
//! [`Subaccounts::settle`] finds out whether it was done (by the transfer's `reference`, made
//! for each call when none is given, or by the new sub-account's name and creation time).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), vonage_account::Error> {
//! # let fake = vonage_account_fake::FakeVonage::start().await;
//! # let client = fake.client();
//! use vonage_account::{ExposeSecret, MoneyTransfer, NewSubaccount};
//!
//! let subaccounts = client.subaccounts();
//! let customer = subaccounts.create(&NewSubaccount::new("Acme Ltd").own_balance()).await?;
//! let secret = customer.secret.expose_secret(); // store it now: it is never shown again
//! # let _ = secret;
//! let key = customer.api_key();
//! subaccounts.transfer_balance(&MoneyTransfer::new(client.api_key(), key, "10.00")).await?;
//! subaccounts.secrets(key).list().await?; // its secrets, with the primary's credentials
//! # Ok(()) }
//! ```
//!
//! # Errors and retries
//!
//! Every failure is one [`Error`]; [`Error::kind`] gives an [`ErrorKind`] to branch on without
//! string matching, classified by the problem `type` fragment (`#add-excess-secret` and
//! `#maximum-secrets-allowed` are both [`ErrorKind::SecretLimitReached`]), the legacy
//! `error-code-label`, then the status. Bad arguments are refused before anything is sent
//! ([`Error::Validation`], naming the field and every rule broken). `Display` is one sentence
//! with the status, the problem title and detail, and the request id, with control characters
//! from the server escaped. Error bodies are decoded from the bytes as they came, into
//! [`ErrorBody`], with the whole JSON in [`ApiError::json`].
//!
//! A top-up answered 2xx without an `error-code` is a success that is not
//! [`confirmed`](TopUp::confirmed); a revoke answered with any 2xx is revoked.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! # let fake = vonage_account_fake::FakeVonage::start().await;
//! # let client = fake.client();
//! use vonage_account::ErrorKind;
//! # client.secrets().create("Second-Secret-1").await.unwrap();
//! match client.secrets().create("Third-Secret-12").await {
//!     Err(e) if e.kind() == ErrorKind::SecretLimitReached => {
//!         println!("revoke one first ({})", e.request_id().unwrap_or("no request id"));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! let weak = client.secrets().create("weak").await.unwrap_err();
//! assert_eq!(weak.kind(), ErrorKind::Validation); // nothing was sent
//! # }
//! ```
//!
//! Retries ([`RetryConfig`], default two, with jittered exponential backoff) are only for calls
//! that are safe to repeat. Reads (balance, settings, list and get secrets) and settings
//! updates retry on 429 (honouring `Retry-After`), 502, 503, 504 and transport errors other
//! than timeouts. A top-up, a secret creation and a revocation are retried only when no
//! connection could be made at all: once the request may have reached Vonage it is never sent
//! again. Timeouts default to 5 s to connect and 30 s per attempt
//! ([`ClientBuilder::timeout`], [`ClientBuilder::connect_timeout`]); bodies over 1 MiB are
//! refused unread.
//!
//! Every call is a [`Call`]: await it for the value, or await `.with_meta()` for an [`Answer`]
//! that also has the [`ResponseMeta`] of the answer (the `X-Request-Id` for Vonage support, the
//! status, and one entry per attempt when the call was retried), wherever the call runs. It
//! costs nothing when not asked for. Each attempt is also a tracing span (see
//! [Logging](#logging)).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), vonage_account::Error> {
//! # let fake = vonage_account_fake::FakeVonage::start().await;
//! # let client = fake.client();
//! let answer = client.account().balance().with_meta().await?;
//! println!("{} EUR, request id {:?}", answer.value.value, answer.request_id());
//! for id in answer.meta.request_ids() {
//!     println!("attempt answered with request id {id}"); // one per attempt
//! }
//! # Ok(()) }
//! ```
//!
//! # Logging
//!
//! The crate logs with [`tracing`](https://docs.rs/tracing) under the target `vonage_account`.
//! No field ever holds a credential: request ids that repeat one are replaced by `[REDACTED]`,
//! error texts are redacted and escaped as [`Error`]'s `Display` is, and URLs (which may hold
//! legacy query credentials) are never logged. At INFO you see every retry and every failed
//! call; DEBUG adds each attempt.
//!
//! | name | kind, level | when | fields |
//! |---|---|---|---|
//! | `vonage_account.request` | span, DEBUG | around each attempt | `operation` (the spec's operation id), `host`, `attempt` (from 1), `status` and `request_id` once answered |
//! | `vonage_account.response` | event, DEBUG | an attempt was answered | `status`, `elapsed_ms` (from sending to the body read, refused for its size, or left unread for a retry) |
//! | `vonage_account.transport_error` | event, DEBUG | an attempt got no complete answer | `error` (what failed, without the URL) |
//! | `vonage_account.retry` | event, INFO | an attempt is to be sent again | `operation`, `attempt` (the one that ended), `status` (when answered) or `error`, `wait_ms` |
//! | `vonage_account.call_failed` | event, WARN when Vonage or the network failed (5xx, 429, timeout, connection, redirect, an answer that could not be read), INFO when Vonage refused the request (any other error answer) | a call returns an error, after its attempts | `operation`, `kind` ([`ErrorKind::as_str`]), `status` (when answered), `attempts`, `request_id`, `error` (its `Display`) |
//! | `vonage_account.top_up_unconfirmed` | event, WARN | a top-up's 2xx carried no `error-code` | `status`, `request_id` |
//!
//! The events of an attempt have its span as parent; `retry` and `call_failed` carry the
//! operation themselves, so they read alone at INFO, where the span is off. A call refused by
//! validation sent nothing and logs nothing.
//!
//! # Rotating a secret
//!
//! A rotation never leaves the key without a working secret. It comes in two forms; pick by who
//! holds the secret:
//!
//! | who holds the secret | use | what happens to the old secret |
//! |---|---|---|
//! | **one process**, this one | [`Secrets::rotate`] | revoked as soon as the new one is proven; switch to the returned client at once |
//! | **a fleet**: replicas, jobs, other services | [`Secrets::stage`], roll out, then [`Secrets::retire`] | keeps working until you retire it, after every holder has reloaded |
//!
//! One step revokes the old secret at once, so any other holder gets 401 until it reloads:
//! never use it for a secret that more than one process holds.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = vonage_account_fake::FakeVonage::start().await;
//! # let client = fake.client();
//! // A fleet: stage, roll out, retire.
//! let staged = client.secrets().stage("Fresh-Secret-2027").make_room(true).await?;
//! // ... deploy the new secret (id staged.secret.id) to every holder; both secrets work ...
//! staged.client.secrets().retire(&staged.old_secret_id).await?; // safe to repeat
//!
//! // A single holder: one step.
//! let rotated = staged.client.secrets().rotate("Fresher-Secret-2028").await?;
//! let client = rotated.client; // uses the new secret; the old one is revoked
//! # assert!(client.verify_credentials().await.is_ok());
//! # Ok(()) }
//! ```
//!
//! Between stage and retire, [`Secrets::rotation_state`] reads the state from the API alone
//! (after a stage the key has two secrets; the newer is the staged one), so a process that
//! stopped half-way can finish: [`Secrets::resume_stage`] with the new value, then
//! [`Secrets::retire`]. A retire of a secret that is already gone is done, not an error.
//!
//! A sub-account's rotation ([`Client::secrets_for`]) hands back a [`SubAccountClient`], which
//! authenticates as the sub-account and cannot take the place of the primary [`Client`].
//! Every sub-account's secret at once, in the same two phases, a bounded number at a time and
//! going on past a failure: [`Subaccounts::rotate_all`] ([`RotateAll`]).
//!
//! A rotation is a workflow of several calls, so it fails with its own [`RotationError`], which
//! says which step stopped and what state the key was left in. It converts into [`Error`]
//! ([`Error::Rotation`], the same [`kind`](Error::kind)), so `?` works across
//! [`Secrets::rotation_state`], [`Secrets::stage`] and [`Secrets::retire`] in one function.
//!
//! # Serialization
//!
//! The crate's own public types ([`Balance`], [`Settings`], [`Secret`], [`CountryPricing`],
//! [`NetworkPricing`]; the CLI's `--json` prints these shapes) serialize in one style: field
//! names are the Rust field names (snake_case); a value that is not there is never `""` (an
//! unset webhook URL in [`Settings`] is `null`, and a field a price answer left out is left out
//! of [`CountryPricing`] and [`NetworkPricing`] too); times are RFC 3339
//! (`2026-01-02T03:04:05Z`); and an [`Amount`] is a JSON number with every decimal the API sent.
//! (Serialized straight to text, that is; a `serde_json::Value` holds a number as an `f64` unless
//! the application turns on serde_json's `arbitrary_precision`: see [`Amount`], and
//! [`amount::as_string`] for a field that must keep its digits on any path.)
//! Each also deserializes from what it serializes to. The API's own spellings
//! (`autoReload`, `mo-callback-url`) belong to the wire and stay inside the generated clients;
//! [`HttpForwardMethod`], which the generated client sends as it is, keeps its wire values
//! (`POST_JSON`).
//!
//! ```
//! # use vonage_account::{Balance, Settings};
//! let balance: Balance = serde_json::from_str(r#"{"value": 10.28000000, "auto_reload": true}"#)?;
//! assert_eq!(serde_json::to_string(&balance)?, r#"{"value":10.28000000,"auto_reload":true}"#);
//! let settings: Settings = serde_json::from_str(r#"{"mo_callback_url": null}"#)?;
//! assert_eq!(settings.mo_callback_url, None);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Testing your code
//!
//! The companion crate `vonage-account-fake` (a dev-dependency) has `FakeVonage`: every API on one
//! loopback port in your tokio runtime, with state, the documented rules, a request log and
//! fault injection. The `vonage-account fake-server` command (crate `vonage-account-cli`) runs
//! the same fake as a process for tests in any language.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use vonage_account::{ErrorKind, Operation};
//! use vonage_account_fake::{FakeVonage, Fault};
//!
//! let fake = FakeVonage::start().await;
//! let client = fake.client(); // primary key abcd1234, pointed at the fake
//! fake.inject(Fault::html_500().on(Operation::TopUpAccountBalance));
//! let err = client.account().top_up("abc123").await.unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::ServerError);
//! assert_eq!(fake.requests_to(Operation::TopUpAccountBalance).len(), 1); // a top-up is never re-sent
//! # }
//! ```
//!
//! # Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `rustls` | yes | HTTPS with reqwest's default TLS: rustls, aws-lc-rs provider |
//! | `rustls-ring` | no | HTTPS with rustls and `ring`, for this crate's client only (see below) |
//! | `native-tls` | no | HTTPS with the platform's TLS |
//!
//! The default TLS is reqwest's own, so the application's other `reqwest` clients keep working
//! whatever features Cargo unifies. `rustls-ring` alone leaves reqwest's rustls without a crypto
//! provider: an application with reqwest clients of its own then installs one first
//! (`rustls::crypto::ring::default_provider().install_default()`). With several TLS features,
//! [`ClientBuilder::tls_backend`] chooses among them ([`TlsBackend`]).
//!
//! The HTTP layer is configurable on the builder: extra trusted CAs
//! ([`ClientBuilder::add_root_certificate`]), a proxy ([`ClientBuilder::proxy`],
//! [`ClientBuilder::no_proxy`]; by default `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` from the
//! environment), a User-Agent suffix ([`ClientBuilder::user_agent_suffix`]), or the
//! application's own `reqwest::Client` ([`ClientBuilder::reqwest_client`], which says which
//! guarantees then rest with that client).

#![deny(missing_docs)]

mod account;
pub mod amount;
mod call;
mod client;
mod credentials;
mod error;
mod generate;
mod generated;
mod http;
mod operation;
mod pace;
mod pricing;
mod record;
mod redact;
mod retry;
mod rotate_all;
mod rotation;
mod secrets;
mod subaccounts;
mod transport;
mod validate;

pub use account::{
    Account, Balance, HttpForwardMethod, Settings, SettingsUpdate, TopUp, UrlChange,
};
pub use amount::{Amount, ParseAmountError};
pub use call::{Answer, Call};
pub use client::{
    Client, ClientBuilder, DEFAULT_API_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REST_URL, DEFAULT_TIMEOUT,
};
pub use credentials::AccountAuth;
pub use error::{
    ApiError, Error, ErrorBody, ErrorKind, InvalidParameter, LostAnswer, Problem, StoppedRotation,
};
#[doc(hidden)]
pub use error::{needs_escape, terminal_safe};
pub use http::TlsBackend;
pub use operation::{Api, Operation, RequestBody};
pub use pricing::{
    CountryPricing, NetworkPricing, NetworkType, ParseServiceTypeError, Pricing, ServiceType,
};
pub use record::{Attempt, ResponseMeta, with_response_meta};
pub use retry::{RetryClass, RetryConfig};
pub use rotation::{
    Retired, Rotate, Rotation, RotationCause, RotationError, RotationRefusal, RotationState,
    RotationStep, Stage, Staged,
};
pub use secrets::{
    KeyRole, MAX_SECRETS_PER_KEY, OwnKey, RotatedClient, Secret, Secrets, SubAccount,
    SubAccountClient,
};
pub use validate::{
    Rule, SECRET_MAX_LEN, SECRET_MIN_LEN, ValidationError, validate_secret, validate_trx,
};

/// Re-exported so callers can name the secret type the builder takes.
pub use secrecy::SecretString;

pub use amount::AmountErrorKind;
pub use generate::{GenerateSecretError, generate_secret, generate_secret_with_len};
pub use pricing::CoverageError;

/// Re-exported so reading a [`SecretString`] (a [`generate_secret`] result, say) needs no
/// dependency on `secrecy`: `use vonage_account::ExposeSecret;` then `secret.expose_secret()`.
///
/// ```
/// use vonage_account::{ExposeSecret, SecretString};
/// let secret = SecretString::from("Abcdef123456");
/// assert_eq!(secret.expose_secret(), "Abcdef123456");
/// ```
pub use secrecy::ExposeSecret;

/// [`rust_decimal`]'s exact decimal, re-exported because it is part of this crate's API
/// ([`Amount::to_decimal`], `From<Decimal> for Amount`): use it without depending on
/// `rust_decimal` yourself, and get the same version.
pub use rust_decimal::Decimal;

// The Subaccounts API (its own block, so that branches reshaping the lists above merge cleanly).
/// [`chrono`], re-exported because its types are part of this crate's API
/// ([`Secret::created_at`] is a `chrono::DateTime<chrono::Utc>`): name them, compare them with
/// the clock and (de)serialize them without depending on `chrono` yourself, with the same
/// version. Built with the features those uses need: `std`, `clock` (`Utc::now()`) and `serde`.
///
/// ```
/// use vonage_account::chrono::{DateTime, TimeDelta, Utc};
///
/// let created_at: DateTime<Utc> = "2025-01-31T09:00:00Z".parse()?;
/// assert!(Utc::now() - created_at > TimeDelta::days(90)); // due for a rotation
/// assert_eq!(serde_json::to_string(&created_at)?, r#""2025-01-31T09:00:00Z""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use chrono;
pub use subaccounts::{
    Asked, CreatedSubaccount, IntoTransferAmount, IntoUtcTime, MoneyTransfer, NewSubaccount,
    NumberMove, NumberTransfer, PrimaryAccount, SETTLE_CLOCK_MARGIN, SUBACCOUNT_NAME_MAX_LEN,
    Settlement, Subaccount, SubaccountList, SubaccountUpdate, Subaccounts, Transfer,
    TransferFilter, TransferKind, UnknownOutcome,
};

// Every sub-account's secret rotated in two phases (its own block, as the Subaccounts API's).
pub use rotate_all::{
    DEFAULT_ROTATE_ALL_CONCURRENCY, ForSubaccount, RetiredSubaccount, RotateAll, StagedSubaccount,
};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
