//! A typed async client for the Vonage (formerly Nexmo) Account and Secret Management APIs.
//!
//! Read the balance, top it up, read and set the default SMS webhook URLs, and list, read,
//! create and revoke API secrets for the account's own key or a sub-account's.
//!
//! ```no_run
//! use vonage_account::{Client, SettingsUpdate};
//!
//! # async fn run() -> Result<(), vonage_account::Error> {
//! let client = Client::builder()
//!     .api_key("abcd1234")
//!     .api_secret("Abcdef123456")
//!     .build()?;
//!
//! let balance = client.account().balance().await?;
//! println!("balance: {} EUR", balance.value);
//!
//! let update = SettingsUpdate::new().mo_callback_url("https://example.com/inbound-sms");
//! client.account().update_settings(&update).await?;
//!
//! for secret in client.secrets().list().await? {
//!     println!("secret {} created {}", secret.id, secret.created_at);
//! }
//! # Ok(()) }
//! ```
//!
//! The HTTP clients are generated at build time by progenitor from the hand-written OpenAPI
//! specs in `openapi/`; this crate's public surface is the small facade around them.

#![deny(missing_docs)]

mod account;
mod amount;
mod config;
mod credentials;
mod error;
mod generated;
mod rotation;
mod secrets;
mod transport;
mod validate;

pub use account::{Account, Balance, HttpForwardMethod, Settings, SettingsUpdate, UrlChange};
pub use amount::{Amount, ParseAmountError};
pub use config::{
    Client, ClientBuilder, DEFAULT_API_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REST_URL, DEFAULT_TIMEOUT, RetryConfig,
};
pub use credentials::AccountAuth;
pub use error::{ApiError, Error, ErrorBody, ErrorKind, InvalidParameter, Problem};
pub use rotation::{Rotate, Rotation, RotationError, RotationStep};
pub use secrets::{Secret, Secrets};

/// The most secrets one API key can have at a time.
pub const MAX_SECRETS_PER_KEY: usize = 2;
pub use transport::{ResponseMeta, with_response_meta};
pub use validate::{Rule, SECRET_MAX_LEN, SECRET_MIN_LEN, ValidationError, validate_secret};

/// Re-exported so callers can name the secret type the builder takes.
pub use secrecy::SecretString;

#[cfg(feature = "test-server")]
pub mod testing;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
