//! The client, its builder and its settings (hosts, timeouts, retries, limits).
//!
//! The handlers (`client.account()`, `client.secrets()`, ...) are defined next to their
//! operations, in the module of each API.

use std::{fmt, sync::Arc, time::Duration};

use secrecy::{ExposeSecret, SecretString};

use reqwest::header::HeaderMap;

use crate::{
    Error,
    credentials::{AccountAuth, Credentials},
    generated,
    http::{ProxySetting, TlsBackend},
    retry::RetryConfig,
    transport::{Pacing, Transport},
};

/// The Account API host (the first server in `openapi/account.yaml`).
pub const DEFAULT_REST_URL: &str = crate::Api::Account.default_base_url();
/// The Secret Management API host (the first server in `openapi/secrets.yaml`).
pub const DEFAULT_API_URL: &str = crate::Api::Secrets.default_base_url();
/// How long a request may take in all (connect, send, answer, body), per attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long making a connection may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest response body read; no real answer of this API comes near it.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// A Vonage account client. Cheap to clone (one `Arc`), `Send + Sync`, and all clones share one
/// connection pool for both hosts.
///
/// ```no_run
/// # async fn run() -> Result<(), vonage_account::Error> {
/// let client = vonage_account::Client::builder()
///     .api_key("abcd1234")
///     .api_secret("Abcdef123456")
///     .build()?;
/// let balance = client.account().balance().await?;
/// println!("{} EUR", balance.value);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) account: generated::account::Client,
    pub(crate) secrets: generated::secrets::Client,
    pub(crate) subaccounts: generated::subaccounts::Client,
    pub(crate) credentials: Arc<Credentials>,
    pub(crate) builder: ClientBuilder,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_key", &self.inner.credentials.api_key)
            .field("api_secret", &"[REDACTED]")
            .field("rest_base_url", &self.inner.builder.rest_base_url)
            .field("api_base_url", &self.inner.builder.api_base_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder; `api_key` and `api_secret` are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `VONAGE_API_KEY` and `VONAGE_API_SECRET` (required),
    /// `VONAGE_API_SECRET_ID` (optional: the id of that secret, see
    /// [`ClientBuilder::api_secret_id`]), `VONAGE_REST_URL` and `VONAGE_API_URL` (optional host
    /// overrides). An empty variable counts as unset.
    ///
    /// ```no_run
    /// let client = vonage_account::Client::from_env()?;
    /// # Ok::<(), vonage_account::Error>(())
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env().build()
    }

    /// The API key this client authenticates with.
    pub fn api_key(&self) -> &str {
        &self.inner.credentials.api_key
    }

    /// The id of the secret this client authenticates with, when known (see
    /// [`ClientBuilder::api_secret_id`]).
    pub fn api_secret_id(&self) -> Option<&str> {
        self.inner.builder.api_secret_id.as_deref()
    }

    /// Checks the credentials with one cheap authenticated read (the balance).
    ///
    /// `Ok(())` means Vonage accepted them. An error of kind
    /// [`ErrorKind::Unauthorized`](crate::ErrorKind::Unauthorized) means it refused them; any
    /// other kind ([`Transport`](crate::ErrorKind::Transport),
    /// [`Timeout`](crate::ErrorKind::Timeout), a 5xx…) means the answer could not be had, so the
    /// credentials may still be good.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// use vonage_account::ErrorKind;
    /// match client.verify_credentials().await {
    ///     Ok(()) => println!("credentials accepted"),
    ///     Err(e) if e.kind() == ErrorKind::Unauthorized => eprintln!("wrong key or secret: {e}"),
    ///     Err(e) => eprintln!("could not check, try later: {e}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn verify_credentials(&self) -> Result<(), Error> {
        self.account().balance().await.map(drop)
    }

    /// A builder holding this client's settings, to make a variant (for example with another
    /// secret). The new client gets its own connection pool.
    pub fn to_builder(&self) -> ClientBuilder {
        self.inner.builder.clone()
    }
}

/// Builds a [`Client`]. Every setting but the credentials has a documented default.
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    api_secret: Option<SecretString>,
    api_secret_id: Option<String>,
    rest_base_url: String,
    api_base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryConfig,
    account_auth: AccountAuth,
    allow_insecure_http: bool,
    max_response_bytes: usize,
    rate_limit_pacing: bool,
    rate_limit_interval: Option<Duration>,
    /// TLS, root certificates, proxy, User-Agent, or the application's own client
    /// (`src/http.rs`, which also holds their builder methods).
    pub(crate) http: crate::http::HttpOptions,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            api_secret: None,
            api_secret_id: None,
            rest_base_url: DEFAULT_REST_URL.into(),
            api_base_url: DEFAULT_API_URL.into(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryConfig::default(),
            account_auth: AccountAuth::Basic,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            rate_limit_pacing: true,
            rate_limit_interval: None,
            http: crate::http::HttpOptions::default(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field(
                "api_secret",
                &self.api_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("rest_base_url", &self.rest_base_url)
            .field("api_base_url", &self.api_base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("account_auth", &self.account_auth)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("rate_limit_pacing", &self.rate_limit_pacing)
            .field("rate_limit_interval", &self.rate_limit_interval)
            .field("http", &self.http)
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with the settings from the environment (see [`Client::from_env`]).
    pub fn from_env() -> ClientBuilder {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut builder = ClientBuilder {
            api_key: var("VONAGE_API_KEY"),
            api_secret: var("VONAGE_API_SECRET").map(SecretString::from),
            api_secret_id: var("VONAGE_API_SECRET_ID"),
            ..ClientBuilder::default()
        };
        if let Some(url) = var("VONAGE_REST_URL") {
            builder.rest_base_url = url;
        }
        if let Some(url) = var("VONAGE_API_URL") {
            builder.api_base_url = url;
        }
        builder
    }

    /// The API key (required).
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The API secret (required). Held in a [`SecretString`]: redacted in `Debug`, zeroed on drop.
    pub fn api_secret(mut self, api_secret: impl Into<SecretString>) -> Self {
        self.api_secret = Some(api_secret.into());
        self
    }

    /// The id of the secret given to [`api_secret`](Self::api_secret), if known. Optional: it
    /// lets [`Secrets::rotate`](crate::Secrets::rotate) tell which of two secrets is this
    /// client's own. A client returned by a rotation has it set.
    pub fn api_secret_id(mut self, id: impl Into<String>) -> Self {
        self.api_secret_id = Some(id.into());
        self
    }

    /// The Account API base URL (default [`DEFAULT_REST_URL`]).
    pub fn rest_base_url(mut self, url: impl Into<String>) -> Self {
        self.rest_base_url = url.into();
        self
    }

    /// The Secret Management API base URL (default [`DEFAULT_API_URL`]).
    pub fn api_base_url(mut self, url: impl Into<String>) -> Self {
        self.api_base_url = url.into();
        self
    }

    /// One base URL for both APIs (a proxy, or the fake server).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.rest_base_url(url.clone()).api_base_url(url)
    }

    /// The time one attempt may take in all (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time making a connection may take (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryConfig::default`]; [`RetryConfig::NONE`] disables).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// How the `/account/*` calls carry the credentials (default [`AccountAuth::Basic`]).
    pub fn account_auth(mut self, auth: AccountAuth) -> Self {
        self.account_auth = auth;
        self
    }

    /// Allows plain `http://` base URLs that are not loopback addresses. Off by default: the
    /// credentials would cross the network readable by anyone on the path.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The largest response body read before the call fails with
    /// [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge)
    /// (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Whether calls of rate-limited operations are spaced to stay under the documented limit
    /// ([`Operation::requests_per_second`](crate::Operation::requests_per_second): the Pricing
    /// lookups take one request per second). On by default: every clone of the client shares
    /// one schedule, so a burst of lookups goes out one per second instead of drawing 429s. Off,
    /// calls go at once, and a 429 is retried per its `Retry-After` like other reads.
    pub fn rate_limit_pacing(mut self, on: bool) -> Self {
        self.rate_limit_pacing = on;
        self
    }

    /// The spacing between calls of rate-limited operations, instead of the one the documented
    /// limit gives (one second for the Pricing lookups). For an account whose limit Vonage
    /// raised, or for tests.
    pub fn rate_limit_interval(mut self, interval: Duration) -> Self {
        self.rate_limit_interval = Some(interval);
        self
    }

    /// Checks the settings and builds the client. Missing or malformed credentials and base URLs
    /// are an [`ErrorKind::Config`](crate::ErrorKind::Config) error here, not at the first call.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = self.api_key.clone().ok_or_else(|| {
            Error::config("the API key is missing (set it with .api_key or VONAGE_API_KEY)")
        })?;
        crate::validate::api_key(&api_key).map_err(|e| Error::config(e.to_string()))?;
        let api_secret = self.api_secret.clone().ok_or_else(|| {
            Error::config(
                "the API secret is missing (set it with .api_secret or VONAGE_API_SECRET)",
            )
        })?;
        let secret = api_secret.expose_secret();
        if secret.is_empty() {
            return Err(Error::config("the API secret is empty"));
        }
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::config(
                "the API secret must be visible ASCII characters (no spaces or control characters)",
            ));
        }
        let rest = self.check_base_url("rest_base_url", &self.rest_base_url)?;
        let api = self.check_base_url("api_base_url", &self.api_base_url)?;

        let http = self
            .http
            .build(self.timeout, self.connect_timeout, self.account_auth)?;

        let credentials = Arc::new(Credentials::new(api_key, api_secret));
        let pacing = self.rate_limit_pacing.then(|| Pacing {
            pacer: Arc::default(),
            interval: self.rate_limit_interval,
        });
        let transport = |placement| Transport {
            credentials: credentials.clone(),
            placement,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            pacing: pacing.clone(),
            per_request: http.per_request.clone(),
        };
        let account = generated::account::Client::new_with_client(
            &rest,
            http.client.clone(),
            transport(self.account_auth),
        );
        // The Secret Management and Subaccounts APIs take HTTP Basic only, on the same host.
        let secrets = generated::secrets::Client::new_with_client(
            &api,
            http.client.clone(),
            transport(AccountAuth::Basic),
        );
        let subaccounts = generated::subaccounts::Client::new_with_client(
            &api,
            http.client,
            transport(AccountAuth::Basic),
        );
        Ok(Client {
            inner: Arc::new(ClientInner {
                account,
                secrets,
                subaccounts,
                credentials,
                builder: self,
            }),
        })
    }

    /// Checks one base URL and returns it without a trailing slash.
    fn check_base_url(&self, name: &str, url: &str) -> Result<String, Error> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::config(format!("{name} {url:?} is not a URL: {e}")))?;
        if parsed.query().is_some()
            || parsed.fragment().is_some()
            || !parsed.username().is_empty()
            || parsed.password().is_some()
        {
            return Err(Error::config(format!(
                "{name} must be a plain scheme://host[:port][/path] URL, without credentials, query or fragment"
            )));
        }
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&parsed) => {}
            "http" => {
                return Err(Error::config(format!(
                    "{name} {url:?} is plain http to a non-loopback host: the credentials would be sent unencrypted (use https, or allow_insecure_http(true))"
                )));
            }
            other => {
                return Err(Error::config(format!(
                    "{name} has unsupported scheme {other:?} (use https)"
                )));
            }
        }
        Ok(parsed.as_str().trim_end_matches('/').to_owned())
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The HTTP settings: TLS, root certificates, proxies, the User-Agent, or the application's own
/// `reqwest::Client` (held in `src/http.rs`, which builds the reqwest client from them).
impl ClientBuilder {
    /// The TLS implementation for `https://` hosts, among those compiled in (default
    /// [`TlsBackend::default_backend`]: `rustls` when its feature is on).
    pub fn tls_backend(mut self, backend: TlsBackend) -> Self {
        self.http.tls_backend = Some(backend);
        self
    }

    /// Trusts the CA certificate(s) in `pem` (one or more `-----BEGIN CERTIFICATE-----` blocks)
    /// in addition to the platform's root certificates, with every TLS backend: for a
    /// TLS-inspecting corporate proxy, a private gateway, or a test server with its own CA. May
    /// be called more than once.
    ///
    /// The PEM is read by [`build`](Self::build), which fails with
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) if it holds no certificate or a broken
    /// one, or if no TLS feature is compiled in.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = vonage_account::Client::builder()
    ///     .api_key("abcd1234")
    ///     .api_secret("Abcdef123456")
    ///     .add_root_certificate(std::fs::read("/etc/ssl/corporate-ca.pem")?)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn add_root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Sends every request through this HTTP proxy (`http://host:port`, or `https://` for a
    /// TLS connection to the proxy; `http://user:password@host:port` for a proxy that asks for
    /// credentials). `https://` hosts are reached through a `CONNECT` tunnel, so the proxy sees
    /// the host name but not the requests or the API credentials. The environment's proxy
    /// variables are then ignored.
    ///
    /// The URL is checked by [`build`](Self::build). It is kept like a secret: never shown in
    /// `Debug` or in errors with its user or password.
    ///
    /// Without this or [`no_proxy`](Self::no_proxy), the proxy comes from the environment when
    /// the client is built: `HTTPS_PROXY` for `https://` hosts, `HTTP_PROXY` for `http://` ones,
    /// `ALL_PROXY` for both, and `NO_PROXY` (a comma-separated list of hosts, domains and IP
    /// ranges, or `*`) for the hosts that bypass it; lower-case names work too.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.http.proxy = ProxySetting::Url(SecretString::from(url.into()));
        self
    }

    /// Connects straight to the hosts, ignoring the environment's proxy variables.
    pub fn no_proxy(mut self) -> Self {
        self.http.proxy = ProxySetting::Direct;
        self
    }

    /// Appends a product token to the User-Agent, so the API's logs name the service calling:
    /// `.user_agent_suffix("billing-service/2.3")` sends
    /// `User-Agent: vonage-account-rust/<version> billing-service/2.3`. Visible ASCII and
    /// spaces only, checked by [`build`](Self::build).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.http.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Calls `hook` with the headers of every call before it is sent, to add the application's
    /// own: a trace context (`traceparent`) for distributed tracing, a correlation id. It runs
    /// in the caller's task and span, once per call (a retry resends the same headers), and
    /// before the crate adds the credentials: it never sees them, and an `Authorization`
    /// header it sets is replaced. It cannot change where a request goes.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), vonage_account::Error> {
    /// use reqwest::header::HeaderValue;
    /// let client = vonage_account::Client::builder()
    ///     .api_key("abcd1234")
    ///     .api_secret("Abcdef123456")
    ///     .on_request(|headers| {
    ///         // In a real service: the current span's context, from your tracing propagator.
    ///         headers.insert("x-correlation-id", HeaderValue::from_static("7f3c9b1e"));
    ///     })
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn on_request(mut self, hook: impl Fn(&mut HeaderMap) + Send + Sync + 'static) -> Self {
        self.http.on_request = Some(Arc::new(hook));
        self
    }

    /// Sends every request through the application's own `reqwest::Client` (reqwest 0.13)
    /// instead of a client the crate builds: to share its connection pool, DNS resolver,
    /// connector layers, default headers or any other setting reqwest offers.
    ///
    /// What the crate still guarantees: the credentials are put only on requests to the
    /// configured base URLs (reqwest itself drops `Authorization` when a redirect leaves the
    /// host); response bodies over [`max_response_bytes`](Self::max_response_bytes) are
    /// refused; [`timeout`](Self::timeout) still limits each attempt (it is set on each
    /// request); retries and their idempotency rules are unchanged.
    ///
    /// What then rests with that client's configuration: redirects (build it with
    /// `redirect(reqwest::redirect::Policy::none())` to keep the crate's "never followed" rule;
    /// a followed redirect may repeat a top-up's request to another URL), the connect timeout,
    /// TLS and root certificates, proxies, the User-Agent, and HTTP/2.
    ///
    /// [`build`](Self::build) fails with [`ErrorKind::Config`](crate::ErrorKind::Config) if
    /// this is combined with [`tls_backend`](Self::tls_backend),
    /// [`add_root_certificate`](Self::add_root_certificate), [`proxy`](Self::proxy),
    /// [`no_proxy`](Self::no_proxy) or [`user_agent_suffix`](Self::user_agent_suffix), which
    /// only configure the crate's own client, or with
    /// [`AccountAuth::QueryParameters`](crate::AccountAuth::QueryParameters): reqwest sends the
    /// previous URL as the `Referer` of a redirect, and that URL would hold the secret.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let client = vonage_account::Client::builder()
    ///     .api_key("abcd1234")
    ///     .api_secret("Abcdef123456")
    ///     .reqwest_client(http.clone())
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http.reqwest_client = Some(client);
        self
    }
}
