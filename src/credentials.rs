//! The API key and secret, and how they are put on a request.

use std::fmt;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// How the `/account/*` calls carry the credentials.
///
/// The Secret Management API accepts HTTP Basic only, so this never applies to secrets calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AccountAuth {
    /// `Authorization: Basic base64(key:secret)`, as every current Vonage SDK sends. The default.
    #[default]
    Basic,
    /// The legacy `api_key` and `api_secret` query parameters. This puts the secret in the URL,
    /// where proxies and access logs may keep it; use it only for a gateway that needs it.
    /// The crate still never prints the URL.
    QueryParameters,
}

/// An API key and its secret. `Debug` never shows the secret, and it is zeroed on drop.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) api_key: String,
    pub(crate) api_secret: SecretString,
    /// `Basic base64(key:secret)`, encoded once; zeroed on drop like the secret itself.
    basic: SecretString,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .field("api_secret", &"[REDACTED]")
            .finish()
    }
}

impl Credentials {
    /// Credentials for `api_key` and `api_secret`.
    pub(crate) fn new(api_key: String, api_secret: SecretString) -> Credentials {
        let mut plain = zeroize::Zeroizing::new(String::with_capacity(
            api_key.len() + 1 + api_secret.expose_secret().len(),
        ));
        plain.push_str(&api_key);
        plain.push(':');
        plain.push_str(api_secret.expose_secret());
        let mut basic = String::from("Basic ");
        base64::engine::general_purpose::STANDARD.encode_string(plain.as_bytes(), &mut basic);
        Credentials {
            api_key,
            api_secret,
            basic: basic.into(),
        }
    }

    /// Sets the credentials on `request` in the given placement.
    pub(crate) fn apply(&self, request: &mut reqwest::Request, placement: AccountAuth) {
        match placement {
            AccountAuth::Basic => {
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, self.basic_header());
            }
            AccountAuth::QueryParameters => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair("api_key", &self.api_key)
                    .append_pair("api_secret", self.api_secret.expose_secret());
            }
        }
    }

    /// The base64 part of the Basic value (`base64(key:secret)`), for redaction.
    pub(crate) fn basic_token(&self) -> &str {
        self.basic
            .expose_secret()
            .strip_prefix("Basic ")
            .unwrap_or_default()
    }

    /// Whether `text` holds the secret or the Basic value as they were sent. A cheap literal
    /// check for short header values read on every answer (the request id); what reaches an
    /// error goes through the thorough [`Redactor`](crate::redact::Redactor).
    pub(crate) fn appears_in(&self, text: &str) -> bool {
        let token = self.basic_token().trim_end_matches('=');
        text.contains(self.api_secret.expose_secret())
            || (!token.is_empty() && text.contains(token))
    }

    /// The Basic header, marked sensitive so that hyper and `Debug` hide it.
    fn basic_header(&self) -> HeaderValue {
        // Key and secret were checked to be visible ASCII at build time, so this cannot fail.
        // The value is copied into the request (and freed with it); the long-lived copy is the
        // zeroed-on-drop `SecretString`.
        let mut value = HeaderValue::from_str(self.basic.expose_secret())
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }
}
