//! The HTTP layer under the generated clients: the crate's own `reqwest::Client` (TLS backend,
//! extra root certificates, proxy, User-Agent), or one the application brings.
//!
//! [`ClientBuilder`] holds an [`HttpOptions`]; the builder methods that fill it are here, and
//! [`HttpOptions::build`] turns it into the client both generated clients share.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::header::HeaderMap;

use secrecy::{ExposeSecret, SecretString};

use crate::{AccountAuth, Error, error::describe_reqwest, record};

/// The User-Agent of every request the crate's own HTTP client sends, before any
/// [`ClientBuilder::user_agent_suffix`].
const USER_AGENT: &str = concat!("vonage-account-rust/", env!("CARGO_PKG_VERSION"));

/// The TLS implementation the crate's own HTTP client uses for `https://` hosts.
///
/// A variant exists for each TLS feature compiled in. When several are, the default is the
/// first in the order of [`TlsBackend::AVAILABLE`]: `Rustls`, then `RustlsRing`, then
/// `NativeTls`; [`ClientBuilder::tls_backend`](crate::ClientBuilder::tls_backend) picks another. With no TLS feature this type
/// has no values and only plain-HTTP base URLs (loopback, such as the fake server) work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsBackend {
    /// rustls with reqwest's own default crypto provider (aws-lc-rs), or the process-wide
    /// default provider if the application installed one; the platform's root certificates
    /// (feature `rustls`, the default).
    #[cfg(feature = "rustls")]
    Rustls,
    /// rustls with the `ring` crypto provider, or the process-wide default provider if the
    /// application installed one; the platform's root certificates (feature `rustls-ring`).
    #[cfg(feature = "rustls-ring")]
    RustlsRing,
    /// The platform's TLS: OpenSSL on Linux, Secure Transport on macOS, SChannel on Windows
    /// (feature `native-tls`).
    #[cfg(feature = "native-tls")]
    NativeTls,
}

impl TlsBackend {
    /// Every backend compiled in, the default first.
    pub const AVAILABLE: &'static [TlsBackend] = &[
        #[cfg(feature = "rustls")]
        TlsBackend::Rustls,
        #[cfg(feature = "rustls-ring")]
        TlsBackend::RustlsRing,
        #[cfg(feature = "native-tls")]
        TlsBackend::NativeTls,
    ];

    /// The backend used when none is chosen, or `None` without a TLS feature.
    pub fn default_backend() -> Option<TlsBackend> {
        TlsBackend::AVAILABLE.first().copied()
    }
}

/// Where the crate's own HTTP client sends its requests.
#[derive(Clone, Default)]
pub(crate) enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (and their lower-case forms),
    /// read when the client is built.
    #[default]
    Environment,
    /// Straight to the hosts, whatever the environment says.
    Direct,
    /// Through this proxy, for every request. May hold credentials, hence the `SecretString`.
    Url(SecretString),
}

impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::Environment => f.write_str("Environment"),
            ProxySetting::Direct => f.write_str("Direct"),
            ProxySetting::Url(url) => f
                .debug_tuple("Url")
                .field(&redacted_url(url.expose_secret()))
                .finish(),
        }
    }
}

/// A proxy URL as it may be shown: scheme, host and port, never the user or password.
fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => {
            let credentials = !parsed.username().is_empty() || parsed.password().is_some();
            format!(
                "{}://{}{}:{}",
                parsed.scheme(),
                if credentials { "[REDACTED]@" } else { "" },
                parsed.host_str().unwrap_or_default(),
                parsed.port_or_known_default().unwrap_or_default()
            )
        }
        Err(_) => "[unparsable URL]".to_owned(),
    }
}

/// The HTTP settings of a [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Default)]
pub(crate) struct HttpOptions {
    pub(crate) tls_backend: Option<TlsBackend>,
    /// PEM documents, each with one or more certificates; parsed at build time.
    pub(crate) root_certificates: Vec<Vec<u8>>,
    pub(crate) proxy: ProxySetting,
    pub(crate) user_agent_suffix: Option<String>,
    /// The application's own client, used as it is.
    pub(crate) reqwest_client: Option<reqwest::Client>,
    /// Adds the application's headers to every call.
    pub(crate) on_request: Option<RequestHook>,
}

/// The application's header hook.
type RequestHook = Arc<dyn Fn(&mut HeaderMap) + Send + Sync>;

impl fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpOptions")
            .field("tls_backend", &self.tls_backend)
            .field("root_certificates", &self.root_certificates.len())
            .field("proxy", &self.proxy)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("reqwest_client", &self.reqwest_client.is_some())
            .field("on_request", &self.on_request.is_some())
            .finish()
    }
}

/// What [`HttpOptions::build`] returns.
pub(crate) struct Http {
    /// The client both generated clients share.
    pub(crate) client: reqwest::Client,
    /// What the transport does to every request.
    pub(crate) per_request: PerRequest,
}

/// What the transport does to every request before the credentials are added: the
/// application's header hook, and a timeout for a client the crate did not configure itself.
#[derive(Clone, Default)]
pub(crate) struct PerRequest {
    timeout: Option<Duration>,
    on_request: Option<RequestHook>,
}

impl fmt::Debug for PerRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PerRequest")
            .field("timeout", &self.timeout)
            .field("on_request", &self.on_request.is_some())
            .finish()
    }
}

impl PerRequest {
    /// Applies the timeout and the hook to `request`. The hook runs once per call: a retry gets
    /// the headers it made the first time, from the call's record.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        if self.timeout.is_some() {
            *request.timeout_mut() = self.timeout;
        }
        if let Some(hook) = &self.on_request {
            record::hook_headers(request.headers_mut(), |headers| hook(headers));
        }
    }
}

impl HttpOptions {
    /// The HTTP client for a [`ClientBuilder`] with these settings and these timeouts.
    pub(crate) fn build(
        &self,
        timeout: Duration,
        connect_timeout: Duration,
        account_auth: AccountAuth,
    ) -> Result<Http, Error> {
        let on_request = self.on_request.clone();
        match &self.reqwest_client {
            Some(client) => {
                self.check_caller_client(account_auth)?;
                Ok(Http {
                    client: client.clone(),
                    per_request: PerRequest {
                        timeout: Some(timeout),
                        on_request,
                    },
                })
            }
            None => Ok(Http {
                client: self.own_client(timeout, connect_timeout)?,
                per_request: PerRequest {
                    timeout: None,
                    on_request,
                },
            }),
        }
    }

    /// Refuses settings that only the crate's own client can honour.
    fn check_caller_client(&self, account_auth: AccountAuth) -> Result<(), Error> {
        let mut ignored = Vec::new();
        if self.tls_backend.is_some() {
            ignored.push("tls_backend");
        }
        if !self.root_certificates.is_empty() {
            ignored.push("add_root_certificate");
        }
        if !matches!(self.proxy, ProxySetting::Environment) {
            ignored.push("proxy/no_proxy");
        }
        if self.user_agent_suffix.is_some() {
            ignored.push("user_agent_suffix");
        }
        if !ignored.is_empty() {
            return Err(Error::config(format!(
                "{} configure the crate's own HTTP client; with reqwest_client, set them on that client instead",
                ignored.join(", ")
            )));
        }
        if account_auth == AccountAuth::QueryParameters {
            // A client that follows redirects sends the previous URL, query and all, as the
            // Referer to the next host: the secret would leave the configured hosts.
            return Err(Error::config(
                "AccountAuth::QueryParameters needs the crate's own HTTP client: a client that follows redirects would pass the secret in the URL on to another host",
            ));
        }
        Ok(())
    }

    /// The crate's own client: no redirects, HTTP/1.1, the timeouts, proxy, User-Agent and TLS.
    fn own_client(
        &self,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<reqwest::Client, Error> {
        let mut http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            // Never follow a redirect: it could carry the credentials to another host.
            .redirect(reqwest::redirect::Policy::none())
            // Stay on HTTP/1.1 even if another crate in the program turns on reqwest's http2.
            .http1_only()
            .user_agent(self.user_agent()?);
        http = match &self.proxy {
            ProxySetting::Environment => http,
            ProxySetting::Direct => http.no_proxy(),
            ProxySetting::Url(url) => http.proxy(proxy(url)?),
        };
        http = self.with_tls(http)?;
        http.build()
            .map_err(|e| Error::config(format!("cannot set up HTTP: {}", describe_reqwest(&e))))
    }

    /// The User-Agent header value, with the suffix if there is one.
    fn user_agent(&self) -> Result<String, Error> {
        let Some(suffix) = &self.user_agent_suffix else {
            return Ok(USER_AGENT.to_owned());
        };
        let suffix = suffix.trim();
        if suffix.is_empty() || !suffix.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
            return Err(Error::config(
                "the user agent suffix must be visible ASCII characters and spaces, and not empty",
            ));
        }
        Ok(format!("{USER_AGENT} {suffix}"))
    }

    /// Sets up the chosen (or default) TLS backend and the extra root certificates.
    fn with_tls(&self, http: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
        let Some(backend) = self.tls_backend.or_else(TlsBackend::default_backend) else {
            if self.root_certificates.is_empty() {
                return Ok(http);
            }
            return Err(Error::config(
                "root certificates need a TLS feature (rustls, rustls-ring or native-tls)",
            ));
        };
        match backend {
            #[cfg(feature = "rustls")]
            TlsBackend::Rustls => Ok(self
                .reqwest_rustls_roots()?
                .into_iter()
                .fold(http.tls_backend_rustls(), |http, cert| {
                    http.add_root_certificate(cert)
                })),
            #[cfg(feature = "native-tls")]
            TlsBackend::NativeTls => Ok(self
                .native_tls_roots()?
                .into_iter()
                .fold(http.tls_backend_native(), |http, cert| {
                    http.add_root_certificate(cert)
                })),
            #[cfg(feature = "rustls-ring")]
            TlsBackend::RustlsRing => Ok(http.tls_backend_preconfigured(self.ring_config()?)),
        }
    }

    /// The extra root certificates, each checked, for rustls.
    #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
    fn rustls_roots(&self) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, Error> {
        use rustls::pki_types::{CertificateDer, pem::PemObject as _};
        let mut roots = Vec::new();
        for (i, pem) in self.root_certificates.iter().enumerate() {
            let before = roots.len();
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| bad_certificate(i, &e.to_string()))?;
                // What a root store does with it: fails if it is not an X.509 certificate.
                rustls::RootCertStore::empty()
                    .add(cert.clone())
                    .map_err(|_| {
                        bad_certificate(i, "a CERTIFICATE block is not an X.509 certificate")
                    })?;
                roots.push(cert);
            }
            if roots.len() == before {
                return Err(bad_certificate(i, "no CERTIFICATE block found"));
            }
        }
        Ok(roots)
    }

    /// The extra root certificates, for reqwest's rustls setup.
    #[cfg(feature = "rustls")]
    fn reqwest_rustls_roots(&self) -> Result<Vec<reqwest::Certificate>, Error> {
        self.rustls_roots()?
            .iter()
            .map(|der| {
                reqwest::Certificate::from_der(der).map_err(|e| {
                    Error::config(format!("cannot set up TLS: {}", describe_reqwest(&e)))
                })
            })
            .collect()
    }

    /// The extra root certificates, for reqwest's native-tls setup (which parses them).
    #[cfg(feature = "native-tls")]
    fn native_tls_roots(&self) -> Result<Vec<reqwest::Certificate>, Error> {
        let mut all = Vec::new();
        for (i, pem) in self.root_certificates.iter().enumerate() {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| bad_certificate(i, &describe_reqwest(&e)))?;
            if certs.is_empty() {
                return Err(bad_certificate(i, "no CERTIFICATE block found"));
            }
            all.extend(certs);
        }
        Ok(all)
    }

    /// A rustls configuration with ring (or the process default provider, if the application
    /// installed one), the platform's verifier plus the extra roots, and ALPN `http/1.1`.
    /// reqwest's `rustls-no-provider` feature leaves the provider to us; passing a built config
    /// keeps the choice local instead of installing a process-wide default.
    #[cfg(feature = "rustls-ring")]
    fn ring_config(&self) -> Result<rustls::ClientConfig, Error> {
        let provider = rustls::crypto::CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let tls_error = |e: rustls::Error| Error::config(format!("cannot set up TLS: {e}"));
        let roots = self.rustls_roots()?;
        let verifier = if roots.is_empty() {
            rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls_error)?
        } else {
            #[cfg(not(target_os = "android"))]
            {
                rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
                    .map_err(tls_error)?
            }
            #[cfg(target_os = "android")]
            return Err(Error::config(
                "extra root certificates are not supported by the platform verifier on Android",
            ));
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// The error for the root certificate added `index`-th (0-based).
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn bad_certificate(index: usize, reason: &str) -> Error {
    Error::config(format!(
        "the PEM given to add_root_certificate (call {}) is not usable: {reason}",
        index + 1
    ))
}

/// The proxy for `url`, checked. Error messages never contain the URL: it may hold a password.
fn proxy(url: &SecretString) -> Result<reqwest::Proxy, Error> {
    let parsed = url::Url::parse(url.expose_secret())
        .map_err(|e| Error::config(format!("the proxy URL is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::config(format!(
            "the proxy URL must be http://host:port or https://host:port, not {}",
            redacted_url(url.expose_secret())
        )));
    }
    reqwest::Proxy::all(parsed).map_err(|e| {
        Error::config(format!(
            "the proxy URL {} cannot be used: {}",
            redacted_url(url.expose_secret()),
            describe_reqwest(&e.without_url())
        ))
    })
}
