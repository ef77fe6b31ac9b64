//! The fake Vonage server: the Account, Secret Management and Pricing APIs on one loopback port.
//!
//! [`FakeVonage`] serves every API on one loopback address
//! inside the caller's tokio runtime, keeps state (balance, settings, secrets, sub-accounts),
//! follows the documented rules, records the newest requests (a [bounded log](RecordedRequest)),
//! and can be told to misbehave ([`Fault`]; see there how a fault's `times` meets the client's
//! retries, and [`FakeVonage::with_fault`] for a fault that lasts for whole calls).
//!
//! ```
//! use vonage_account::{ErrorKind, Operation};
//! use vonage_account_fake::{FakeVonage, Fault};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let fake = FakeVonage::start().await;
//! let client = fake.client();
//! let balance = client.account().balance().await.unwrap();
//! assert_eq!(balance.value.to_string(), "10.28000000");
//!
//! fake.inject(Fault::html_500().on(Operation::TopUpAccountBalance));
//! let err = client.account().top_up("abc123").await.unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::ServerError);
//! assert_eq!(fake.requests_to(Operation::TopUpAccountBalance).len(), 1); // never retried
//! # }
//! ```
//!
//! # HTTPS, the contract, the documented answers
//!
//! [`FakeBuilder::tls`] serves HTTPS with a certificate made at start
//! ([`FakeVonage::certificate_pem`] is the CA to trust; [`FakeVonage::client`] trusts it), for
//! clients such as Vonage's Python SDK that only speak `https://`. It uses the crate's own rustls
//! and its provider, so it needs the `rustls` (default) or `rustls-ring` feature.
//! [`FakeBuilder::start_on_own_runtime`] runs the fake on a runtime of its own, so one `static`
//! fake can serve every test of a binary.
//!
//! The fake holds requests to the published contract (the specs in `openapi/`, through
//! [`Operation::request_body`](vonage_account::Operation::request_body)): an unknown form or JSON field is a
//! 400 naming it (and the documented spelling when one is close), a body whose `Content-Type` is
//! not the operation's is a 415 (requests without a body are not judged by it), a known path with
//! another method is a 405 with `Allow`. [`Seed::lenient`] accepts the first two with a warning in
//! the [request log](RecordedRequest), which shows each request's status too.
//!
//! Its answers follow Vonage's documentation, and where its sources disagree a [`Seed`] field
//! picks the shape ([`ErrorShape`]): the Account API's 401 is the developer portal's problem
//! (`#unathorized`, as the portal spells it) or the GitHub description's legacy body; a top-up
//! refused for auto-reload is the legacy `not auto-reload enabled` body (the one that says why) or
//! the portal's generic 401 problem; a revocation is a 204 without `Content-Type`;
//! [`Fault::rate_limited`] is the portal's 429 with `Retry-After` and `X-RateLimit-*`. One answer
//! is the fake's own choice, as Vonage documents none: a refused settings change is a 400 with the
//! problem type `https://developer.vonage.com/api-errors/account#validation` naming the field
//! ([`Seed::check_webhooks`] adds Vonage's check that each webhook URL answers 200 OK).

mod account;
mod answers;
mod contract;
mod faults;
mod journal;
mod pricing;
mod routes;
mod secrets;
mod server;
mod state;
mod subaccounts;
// The fake's HTTPS uses the crate's rustls and its provider; without one, `tls(true)` is an error.
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
mod tls;
#[cfg(not(any(feature = "rustls", feature = "rustls-ring")))]
#[path = "no_tls.rs"]
mod tls;
mod webhooks;

use std::{
    future::{Future, IntoFuture},
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::sync::oneshot;

pub use faults::{Fault, FaultKind};
pub use journal::{DEFAULT_REQUEST_LOG_LIMIT, MAX_KEPT_BODY, RequestIntent};
pub use pricing::SeedPricing;
pub use server::RecordedRequest;
pub use state::{
    AccountPatch, AccountView, ErrorShape, SecretView, Seed, SeedSecret, SeedSettings,
    SubAccountSeed,
};
pub use subaccounts::{
    DEFAULT_MAX_SUBACCOUNTS, SeedNumber, SeedSubaccount, SeedSubaccounts, SubaccountPatch,
    SubaccountView, SubaccountsPatch, SubaccountsView, TransferView,
};
pub use vonage_account::Operation;

use server::{Inner, Shared};
use vonage_account::{Amount, Client, ClientBuilder, RetryConfig};

/// A running fake Vonage server. Stops when dropped.
///
/// Start one with [`FakeVonage::start`] (plain HTTP, default seed), or with
/// [`FakeVonage::builder`] for a seed, HTTPS, an address, or a runtime of its own.
pub struct FakeVonage {
    addr: SocketAddr,
    /// The PEM of the certificate authority that signed its certificate, when it serves HTTPS.
    ca_pem: Option<String>,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    stopped: Option<oneshot::Receiver<()>>,
}

impl std::fmt::Debug for FakeVonage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeVonage")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

/// Why the fake could not start, or could not make a change asked of it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FakeError {
    /// The seed is unusable.
    #[error("invalid seed: {0}")]
    Seed(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The TLS certificate or configuration could not be made.
    #[error("cannot set up HTTPS: {0}")]
    Tls(String),
    /// HTTPS was asked for ([`FakeBuilder::tls`]) but the crate was built without `rustls` and
    /// `rustls-ring`, the features whose provider the fake's HTTPS uses.
    #[error(
        "cannot set up HTTPS: the fake's HTTPS needs the crate's `rustls` or `rustls-ring` feature"
    )]
    TlsUnavailable,
    /// The runtime of its own (see [`FakeBuilder::start_on_own_runtime`]) could not be started.
    #[error("cannot start the fake's own runtime: {0}")]
    Runtime(std::io::Error),
    /// No account has this API key.
    #[error("the fake has no account {0:?}")]
    UnknownKey(String),
    /// A change to the state was refused (a bad amount or time, say); nothing was changed.
    #[error("invalid change: {0}")]
    State(String),
}

/// How to start a [`FakeVonage`]: seed, address, HTTPS, and whose runtime it runs on.
///
/// ```
/// use vonage_account_fake::{FakeVonage, Seed};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fake = FakeVonage::builder()
///     .seed(Seed { balance: "3.50".into(), ..Seed::default() })
///     .tls(true)
///     .start()
///     .await
///     .unwrap();
/// assert!(fake.url().starts_with("https://127.0.0.1:"));
/// let balance = fake.client().account().balance().await.unwrap(); // trusts the fake's certificate
/// assert_eq!(balance.value.to_string(), "3.50000000");
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct FakeBuilder {
    seed: Seed,
    addr: SocketAddr,
    tls: bool,
    request_log_limit: Option<usize>,
}

impl Default for FakeBuilder {
    fn default() -> Self {
        FakeBuilder {
            seed: Seed::default(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: false,
            request_log_limit: None,
        }
    }
}

/// The server's run loop, to be driven by whichever runtime the fake lives on.
type Serving = Pin<Box<dyn Future<Output = ()> + Send>>;

impl FakeBuilder {
    /// The starting state and behaviour (default [`Seed::default`]).
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// The address to listen on (default `127.0.0.1:0`; port 0 picks a free one).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Serve HTTPS (default off) with a certificate for `127.0.0.1`, `::1` and `localhost`
    /// signed by a certificate authority made at start, whose PEM is
    /// [`FakeVonage::certificate_pem`]. [`FakeVonage::client`] trusts it.
    ///
    /// The fake's HTTPS uses the TLS stack the crate's client was built with: rustls with
    /// aws-lc-rs (the default `rustls` feature), else with ring (`rustls-ring`), passed
    /// explicitly (no process-wide provider is installed). Built with neither (no TLS feature, or
    /// `native-tls` alone), starting with `tls(true)` fails with [`FakeError::TlsUnavailable`];
    /// plain HTTP works with any features.
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// How many requests the request log keeps: the newest `limit` (default the seed's
    /// [`request_log_limit`](Seed::request_log_limit), [`DEFAULT_REQUEST_LOG_LIMIT`] = 10,000).
    /// Older ones are let go and counted ([`FakeVonage::dropped_requests`]), as WireMock's
    /// request journal limit does, so a fake that serves for days holds a bounded log; `0`
    /// keeps none. Set here, it wins over the seed's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use vonage_account_fake::FakeVonage;
    ///
    /// let fake = FakeVonage::builder().request_log_limit(2).start().await.unwrap();
    /// let client = fake.client();
    /// for _ in 0..5 {
    ///     client.account().balance().await.unwrap();
    /// }
    /// assert_eq!(fake.requests().len(), 2); // the newest two
    /// assert_eq!(fake.dropped_requests(), 3);
    /// # }
    /// ```
    pub fn request_log_limit(mut self, limit: usize) -> Self {
        self.request_log_limit = Some(limit);
        self
    }

    /// Starts the fake on the current tokio runtime. It stops when dropped, or when that runtime
    /// stops (each `#[tokio::test]` has its own: a fake shared between tests needs
    /// [`start_on_own_runtime`](Self::start_on_own_runtime)).
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn start(self) -> Result<FakeVonage, FakeError> {
        let (fake, serving) = self.prepare().await?;
        tokio::spawn(serving);
        Ok(fake)
    }

    /// Starts the fake on a runtime of its own, on a thread of its own, and returns once it
    /// listens. It keeps serving whichever runtime its callers use, or none, until it is
    /// dropped: a `static` fake shared by every test of a binary works.
    ///
    /// ```
    /// use std::sync::LazyLock;
    /// use vonage_account_fake::FakeVonage;
    ///
    /// static FAKE: LazyLock<FakeVonage> = LazyLock::new(|| {
    ///     FakeVonage::builder().start_on_own_runtime().expect("the fake starts")
    /// });
    ///
    /// // In each #[tokio::test], on its own runtime: a client per test (a client's
    /// // connections belong to the runtime it was first used on).
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let client = FAKE.client();
    /// client.account().balance().await.unwrap();
    /// # }
    /// ```
    pub fn start_on_own_runtime(self) -> Result<FakeVonage, FakeError> {
        let (sender, started) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("vonage-fake".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = sender.send(Err(FakeError::Runtime(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match self.prepare().await {
                        Ok((fake, serving)) => {
                            let _ = sender.send(Ok(fake));
                            serving.await;
                        }
                        Err(e) => {
                            let _ = sender.send(Err(e));
                        }
                    }
                });
            })
            .map_err(FakeError::Runtime)?;
        started.recv().unwrap_or_else(|_| {
            Err(FakeError::Runtime(std::io::Error::other(
                "the fake's thread stopped before it listened",
            )))
        })
    }

    /// Binds, and builds the fake and the loop that serves it.
    async fn prepare(self) -> Result<(FakeVonage, Serving), FakeError> {
        let FakeBuilder {
            seed,
            addr,
            tls,
            request_log_limit,
        } = self;
        let log_limit = request_log_limit.unwrap_or(seed.request_log_limit);
        let accounts = state::Accounts::from_seed(&seed).map_err(FakeError::Seed)?;
        let identity = if tls { Some(tls::identity()?) } else { None };
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| FakeError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| FakeError::Bind { addr, source })?;
        let shared = Arc::new(Shared {
            seed,
            started: std::time::Instant::now(),
            inner: Mutex::new(Inner {
                accounts,
                faults: faults::FaultQueue::default(),
                log: journal::RequestLog::new(log_limit),
            }),
        });
        let app = server::router(shared.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let (done, stopped) = oneshot::channel::<()>();
        let signal = async {
            let _ = signal.await;
        };
        let ca_pem = identity.as_ref().map(|i| i.ca_pem().to_owned());
        let serving: Serving = match identity {
            None => Box::pin(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(signal)
                    .await;
                let _ = done.send(());
            }),
            Some(identity) => {
                let listener = identity.listener(listener, addr);
                Box::pin(async move {
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(signal)
                        .await;
                    let _ = done.send(());
                })
            }
        };
        let fake = FakeVonage {
            addr,
            ca_pem,
            shared,
            shutdown: Some(shutdown),
            stopped: Some(stopped),
        };
        Ok((fake, serving))
    }
}

impl FakeVonage {
    /// A builder, for a seed, HTTPS, an address or a runtime of its own.
    pub fn builder() -> FakeBuilder {
        FakeBuilder::default()
    }

    /// Starts the fake with the default [`Seed`] on `127.0.0.1` and a free port, plain HTTP.
    ///
    /// # Panics
    /// If no loopback port can be bound (a test environment problem).
    pub async fn start() -> FakeVonage {
        match FakeVonage::start_with(Seed::default()).await {
            Ok(fake) => fake,
            Err(e) => panic!("FakeVonage::start: {e}"),
        }
    }

    /// Starts the fake with `seed` on `127.0.0.1` and a free port, plain HTTP.
    pub async fn start_with(seed: Seed) -> Result<FakeVonage, FakeError> {
        FakeVonage::builder().seed(seed).start().await
    }

    /// Starts the fake with `seed` on `addr` (port 0 picks a free one), plain HTTP.
    pub async fn bind(addr: SocketAddr, seed: Seed) -> Result<FakeVonage, FakeError> {
        FakeVonage::builder().seed(seed).addr(addr).start().await
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL (`http://127.0.0.1:PORT`, or `https://` with TLS); both APIs are served
    /// there.
    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// With TLS, the PEM of the certificate authority that signed the fake's certificate: what
    /// a client trusts (`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, `curl --cacert`,
    /// [`ClientBuilder::add_root_certificate`]). `None` for plain HTTP.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The base URL for the Account API (the same as [`url`](Self::url)).
    pub fn rest_url(&self) -> String {
        self.url()
    }

    /// The base URL for the Secret Management API (the same as [`url`](Self::url)).
    pub fn api_url(&self) -> String {
        self.url()
    }

    /// The primary API key.
    pub fn api_key(&self) -> &str {
        &self.shared.seed.api_key
    }

    /// The primary key's first seeded secret.
    pub fn api_secret(&self) -> &str {
        self.shared
            .seed
            .secrets
            .first()
            .map(|s| s.secret.as_str())
            .unwrap_or_default()
    }

    /// A client builder pointed at the fake with the primary credentials, short retry delays
    /// and a 5 s timeout. Pricing calls are spaced one per second only when the fake enforces
    /// that limit ([`SeedPricing::enforce_rate_limit`]), so tests of many lookups stay fast. It
    /// never goes through a proxy from the environment (`HTTP_PROXY`, `HTTPS_PROXY`,
    /// `ALL_PROXY`: the proxy would receive the requests, credentials included), and with TLS it
    /// trusts the fake's certificate authority.
    ///
    /// To test with the application's own client
    /// ([`ClientBuilder::reqwest_client`]), start from [`Client::builder`] with [`url`](Self::url),
    /// [`api_key`](Self::api_key) and [`api_secret`](Self::api_secret) instead: that client
    /// brings its own proxy and TLS settings, and the builder refuses both kinds at once.
    pub fn client_builder(&self) -> ClientBuilder {
        let builder = Client::builder().no_proxy();
        // An HTTPS fake needs `rustls` or `rustls-ring`, so the client has a TLS backend that
        // takes the root certificate.
        let builder = match &self.ca_pem {
            Some(pem) => builder.add_root_certificate(pem.as_bytes()),
            None => builder,
        };
        builder
            .base_url(self.url())
            .api_key(self.api_key())
            .api_secret(self.api_secret().to_owned())
            .timeout(Duration::from_secs(5))
            .retry(
                RetryConfig::default()
                    .max_retries(2)
                    .base_delay(Duration::from_millis(10))
                    .max_delay(Duration::from_secs(2)),
            )
            .rate_limit_pacing(self.shared.seed.pricing.enforce_rate_limit)
    }

    /// A ready client for the primary account (see [`client_builder`](Self::client_builder)).
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(client) => client,
            // The seed's key and secret were checked when the fake started.
            Err(e) => panic!("FakeVonage::client: {e}"),
        }
    }

    /// Queues a fault. Its `times` counts requests, and each attempt of a call is one: see
    /// [`Fault`] for how that meets the client's retries.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Runs `calls` with `fault` answering every matching request, however many attempts each
    /// call makes and whatever the client's retry policy, then removes the fault, so nothing of
    /// it is left for the calls after: a Vonage that is down for exactly these calls. (Other
    /// requests that match while `calls` runs get it too.) The fault's `times` is ignored; its
    /// route and `skip` apply.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use vonage_account::{ErrorKind, Operation};
    /// use vonage_account_fake::{FakeVonage, Fault};
    ///
    /// let fake = FakeVonage::start().await;
    /// let client = fake.client();
    /// let down = Fault::status(503).on(Operation::GetAccountBalance);
    /// let err = fake.with_fault(down, client.account().balance()).await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::ServerError); // not absorbed by the retries
    /// assert_eq!(fake.requests().len(), 3); // every attempt answered 503
    /// assert!(client.account().balance().await.is_ok()); // nothing left over
    /// # }
    /// ```
    pub async fn with_fault<F: IntoFuture>(&self, fault: Fault, calls: F) -> F::Output {
        /// Takes the fault out when the calls are done, or dropped half-way.
        struct Removal<'a>(&'a FakeVonage, u64);
        impl Drop for Removal<'_> {
            fn drop(&mut self) {
                self.0.shared.lock().faults.remove(self.1);
            }
        }
        let id = self.shared.lock().faults.push(fault.until_cleared());
        let _removal = Removal(self, id);
        calls.await
    }

    /// The faults still queued, in order (a fault is taken out when its `times` are used up).
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.to_vec()
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Every API request the request log holds, in order: the newest
    /// [`request_log_limit`](FakeBuilder::request_log_limit) (10,000 by default) received since
    /// the start or the last [`clear_requests`](Self::clear_requests).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.to_vec()
    }

    /// The API requests received for one operation: all of them, reads and writes. A settings
    /// read and a settings change are both `ChangeAccountSettings` (the API has no `GET` for
    /// the settings); [`writes_to`](Self::writes_to) and [`reads_of`](Self::reads_of) tell
    /// them apart.
    pub fn requests_to(&self, operation: Operation) -> Vec<RecordedRequest> {
        self.requests_where(|r| r.route == Some(operation))
    }

    /// The requests for one operation that asked for a change ([`RequestIntent::Write`]): for
    /// `ChangeAccountSettings`, the settings updates, without the reads (a `POST` with no
    /// field).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use vonage_account::{Operation, SettingsUpdate};
    /// use vonage_account_fake::FakeVonage;
    ///
    /// let fake = FakeVonage::start().await;
    /// let account = fake.client().account();
    /// account.settings().await.unwrap();
    /// let update = SettingsUpdate::new().mo_callback_url("https://example.com/in");
    /// account.update_settings(&update).await.unwrap();
    /// let settings = Operation::ChangeAccountSettings;
    /// assert_eq!(fake.requests_to(settings).len(), 2);
    /// assert_eq!(fake.writes_to(settings).len(), 1);
    /// assert_eq!(fake.reads_of(settings).len(), 1);
    /// # }
    /// ```
    pub fn writes_to(&self, operation: Operation) -> Vec<RecordedRequest> {
        self.requests_where(|r| r.route == Some(operation) && r.intent == RequestIntent::Write)
    }

    /// The requests for one operation that only read ([`RequestIntent::Read`]): for
    /// `ChangeAccountSettings`, the settings reads.
    pub fn reads_of(&self, operation: Operation) -> Vec<RecordedRequest> {
        self.requests_where(|r| r.route == Some(operation) && r.intent == RequestIntent::Read)
    }

    fn requests_where(&self, wanted: impl Fn(&RecordedRequest) -> bool) -> Vec<RecordedRequest> {
        let inner = self.shared.lock();
        inner.log.iter().filter(|r| wanted(r)).cloned().collect()
    }

    /// How many requests the request log let go, the oldest first, to stay within its
    /// [limit](FakeBuilder::request_log_limit), since the start or the last
    /// [`clear_requests`](Self::clear_requests).
    pub fn dropped_requests(&self) -> u64 {
        self.shared.lock().log.dropped()
    }

    /// How many requests the request log keeps (see [`FakeBuilder::request_log_limit`]).
    pub fn request_log_limit(&self) -> usize {
        self.shared.lock().log.limit()
    }

    /// Forgets the requests received so far, and the count of those let go.
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// Restores the seed's state and clears faults and the request log.
    pub fn reset(&self) {
        server::reset(&self.shared);
    }

    /// The balance of an API key.
    pub fn balance(&self, api_key: &str) -> Option<Amount> {
        let inner = self.shared.lock();
        let account = inner.accounts.by_key.get(api_key)?;
        state::format_eur(account.balance).parse().ok()
    }

    /// Turns auto-reload on or off for an API key.
    pub fn set_auto_reload(&self, api_key: &str, on: bool) {
        if let Some(account) = self.shared.lock().accounts.by_key.get_mut(api_key) {
            account.auto_reload = on;
        }
    }

    /// Every `trx` of a successful top-up of an API key, in order (a repeated one shows twice).
    pub fn top_ups(&self, api_key: &str) -> Vec<String> {
        let inner = self.shared.lock();
        inner
            .accounts
            .by_key
            .get(api_key)
            .map(|a| a.top_ups.clone())
            .unwrap_or_default()
    }

    /// The ids of an API key's secrets, oldest first.
    pub fn secret_ids(&self, api_key: &str) -> Vec<String> {
        let inner = self.shared.lock();
        inner
            .accounts
            .by_key
            .get(api_key)
            .map(|a| a.secrets.iter().map(|s| s.id.clone()).collect())
            .unwrap_or_default()
    }

    /// The id of the secret of `api_key` whose value is `secret`.
    pub fn secret_id_of(&self, api_key: &str, secret: &str) -> Option<String> {
        let inner = self.shared.lock();
        let account = inner.accounts.by_key.get(api_key)?;
        account
            .secrets
            .iter()
            .find(|s| s.value == secret)
            .map(|s| s.id.clone())
    }

    /// The `httpForwardMethod` last set for an API key, if any.
    pub fn http_forward_method(&self, api_key: &str) -> Option<String> {
        let inner = self.shared.lock();
        inner
            .accounts
            .by_key
            .get(api_key)?
            .http_forward_method
            .clone()
    }

    /// One account as it is now (balance, settings, secrets with their ids and creation times,
    /// top-ups), or `None` for an unknown key.
    pub fn account(&self, api_key: &str) -> Option<AccountView> {
        let inner = self.shared.lock();
        Some(inner.accounts.by_key.get(api_key)?.view(api_key))
    }

    /// Changes one account at run time (see [`AccountPatch`]): all of the patch, or nothing
    /// when a part of it is invalid. Answers with the account as it now is.
    ///
    /// ```
    /// use vonage_account_fake::{AccountPatch, FakeVonage, SeedSecret};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = FakeVonage::start().await;
    /// let key = fake.api_key().to_owned();
    /// // A secret created 100 days ago, to test "rotate when older than 90 days".
    /// let old = (chrono::Utc::now() - chrono::Duration::days(100)).to_rfc3339();
    /// let secret = SeedSecret::new(fake.api_secret()).created_at(old);
    /// fake.update_account(&key, &AccountPatch {
    ///     secrets: Some(vec![secret]),
    ///     auto_reload: Some(false),
    ///     ..AccountPatch::default()
    /// })
    /// .unwrap();
    /// let listed = fake.client().secrets().list().await.unwrap();
    /// assert!(chrono::Utc::now() - listed[0].created_at > chrono::Duration::days(90));
    /// # }
    /// ```
    pub fn update_account(
        &self,
        api_key: &str,
        patch: &AccountPatch,
    ) -> Result<AccountView, FakeError> {
        self.change_account(api_key, |account| {
            account.apply(patch)?;
            Ok(account.view(api_key))
        })
    }

    /// Sets the balance of an API key (EUR, decimal text with up to 8 decimals).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = vonage_account_fake::FakeVonage::start().await;
    /// fake.set_balance(fake.api_key(), "0.42").unwrap();
    /// let balance = fake.client().account().balance().await.unwrap();
    /// assert_eq!(balance.value.to_string(), "0.42000000");
    /// # }
    /// ```
    pub fn set_balance(&self, api_key: &str, balance: &str) -> Result<(), FakeError> {
        let patch = AccountPatch {
            balance: Some(balance.to_owned()),
            ..AccountPatch::default()
        };
        self.update_account(api_key, &patch).map(drop)
    }

    /// Sets when a secret was created (RFC 3339, kept to the second), as the API then reports
    /// it.
    pub fn set_secret_created_at(
        &self,
        api_key: &str,
        secret_id: &str,
        created_at: &str,
    ) -> Result<(), FakeError> {
        self.change_account(api_key, |account| {
            account.set_secret_created_at(secret_id, created_at)
        })
    }

    /// Runs `change` on the account of `api_key`; its refusal becomes [`FakeError::State`].
    fn change_account<T>(
        &self,
        api_key: &str,
        change: impl FnOnce(&mut state::AccountState) -> Result<T, String>,
    ) -> Result<T, FakeError> {
        let mut inner = self.shared.lock();
        let account = inner
            .accounts
            .by_key
            .get_mut(api_key)
            .ok_or_else(|| FakeError::UnknownKey(api_key.to_owned()))?;
        change(account).map_err(FakeError::State)
    }

    /// Turns lenient mode on or off (see [`Seed::lenient`]); [`reset`](Self::reset) restores
    /// the seed's.
    pub fn set_lenient(&self, on: bool) {
        self.shared.lock().accounts.behaviour.lenient = on;
    }

    /// Stops serving and waits until the server has shut down.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(rx) = self.stopped.take() {
            // Open connections close after their current request; do not wait on idle ones
            // forever.
            let _ = tokio::time::timeout(Duration::from_secs(5), rx).await;
        }
    }
}

impl Drop for FakeVonage {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
