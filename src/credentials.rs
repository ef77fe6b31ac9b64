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
    /// `Authorization: Basic base64(key:secret)`, encoded once and marked sensitive. Every
    /// request gets a reference to these bytes, not a copy; they are zeroed when the last
    /// reference goes (this one, or a request's that outlived the client).
    basic: HeaderValue,
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
        let mut basic = zeroize::Zeroizing::new(String::from("Basic "));
        base64::engine::general_purpose::STANDARD.encode_string(plain.as_bytes(), &mut basic);
        let owner = zeroize::Zeroizing::new(std::mem::take(&mut *basic).into_bytes());
        // Key and secret were checked to be visible ASCII when the client was built, so this
        // cannot fail; if it did, the request would go without credentials and be refused.
        let mut basic = HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(owner))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        basic.set_sensitive(true);
        Credentials {
            api_key,
            api_secret,
            basic,
        }
    }

    /// Sets the credentials on `request` in the given placement.
    pub(crate) fn apply(&self, request: &mut reqwest::Request, placement: AccountAuth) {
        match placement {
            AccountAuth::Basic => {
                request
                    .headers_mut()
                    .insert(AUTHORIZATION, self.basic.clone());
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
        std::str::from_utf8(self.basic.as_bytes())
            .unwrap_or_default()
            .strip_prefix("Basic ")
            .unwrap_or_default()
    }

    /// Whether `text` holds the secret or the Basic value as they were sent. A cheap literal
    /// check for short header values read on every answer (the request id); what reaches an
    /// error goes through the thorough [`Redactor`](crate::redact::Redactor).
    pub(crate) fn appears_in(&self, text: &str) -> bool {
        let text = text.as_bytes();
        let token = self.basic.as_bytes();
        let token = token.strip_prefix(b"Basic ").unwrap_or(token);
        let token = token
            .strip_suffix(b"==")
            .or_else(|| token.strip_suffix(b"="))
            .unwrap_or(token);
        contains(text, self.api_secret.expose_secret().as_bytes())
            || (!token.is_empty() && contains(text, token))
    }
}

/// Whether `needle` occurs in `haystack`. A haystack without the needle's first byte (a request
/// id, a UUID, mostly is) is rejected by one scan, before any substring search.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    match needle.first() {
        None => true,
        Some(first) => {
            haystack.contains(first) && haystack.windows(needle.len()).any(|w| w == needle)
        }
    }
}
