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

    /// `Basic base64(key:secret)`, marked sensitive so that hyper and `Debug` hide it.
    fn basic_header(&self) -> HeaderValue {
        // Built per request rather than cached, so the only long-lived copy of the secret is the
        // zeroed-on-drop `SecretString`.
        let mut plain = zeroize::Zeroizing::new(String::with_capacity(
            self.api_key.len() + 1 + self.api_secret.expose_secret().len(),
        ));
        plain.push_str(&self.api_key);
        plain.push(':');
        plain.push_str(self.api_secret.expose_secret());
        let mut encoded = zeroize::Zeroizing::new(String::from("Basic "));
        base64::engine::general_purpose::STANDARD.encode_string(plain.as_bytes(), &mut encoded);
        // Key and secret were checked to be visible ASCII at build time, so this cannot fail.
        let mut value =
            HeaderValue::from_str(&encoded).unwrap_or_else(|_| HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }
}
