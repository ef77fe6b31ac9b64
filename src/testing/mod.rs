//! An embedded fake of the Vonage Account and Secret Management APIs, for tests.
//!
//! Enabled by the `test-server` feature. [`FakeVonage`] serves both APIs on one loopback address
//! inside the caller's tokio runtime, keeps state (balance, settings, secrets, sub-accounts),
//! follows the documented rules, records every request, and can be told to misbehave.
//!
//! ```
//! use vonage_account::{ErrorKind, Operation, testing::{Fault, FakeVonage}};
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

mod account;
mod answers;
mod faults;
mod pricing;
mod routes;
mod secrets;
mod server;
mod state;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::sync::oneshot;

pub use crate::Operation;
pub use faults::{Fault, FaultKind};
pub use pricing::SeedPricing;
pub use server::RecordedRequest;
pub use state::{Seed, SeedSettings, SubAccountSeed};

use crate::{Amount, Client, ClientBuilder, RetryConfig};
use server::{Inner, Shared};

/// A running fake Vonage server. Stops when dropped.
pub struct FakeVonage {
    addr: SocketAddr,
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

/// Why the fake could not start.
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
}

impl FakeVonage {
    /// Starts the fake with the default [`Seed`] on `127.0.0.1` and a free port.
    ///
    /// # Panics
    /// If no loopback port can be bound (a test environment problem).
    pub async fn start() -> FakeVonage {
        match FakeVonage::start_with(Seed::default()).await {
            Ok(fake) => fake,
            Err(e) => panic!("FakeVonage::start: {e}"),
        }
    }

    /// Starts the fake with `seed` on `127.0.0.1` and a free port.
    pub async fn start_with(seed: Seed) -> Result<FakeVonage, FakeError> {
        FakeVonage::bind(SocketAddr::from(([127, 0, 0, 1], 0)), seed).await
    }

    /// Starts the fake with `seed` on `addr` (port 0 picks a free one).
    pub async fn bind(addr: SocketAddr, seed: Seed) -> Result<FakeVonage, FakeError> {
        let accounts = state::Accounts::from_seed(&seed).map_err(FakeError::Seed)?;
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
                faults: Vec::new(),
                log: Vec::new(),
            }),
        });
        let app = server::router(shared.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let (done, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await;
            let _ = done.send(());
        });
        Ok(FakeVonage {
            addr,
            shared,
            shutdown: Some(shutdown),
            stopped: Some(stopped),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL; both APIs are served there.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// A client builder pointed at the fake with the primary credentials, short retry delays
    /// and a 5 s timeout.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
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
    }

    /// A ready client for the primary account (see [`client_builder`](Self::client_builder)).
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(client) => client,
            // The seed's key and secret were checked when the fake started.
            Err(e) => panic!("FakeVonage::client: {e}"),
        }
    }

    /// Queues a fault.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Every API request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    /// The API requests received for one operation.
    pub fn requests_to(&self, operation: Operation) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.route == Some(operation))
            .cloned()
            .collect()
    }

    /// Forgets the requests received so far.
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
