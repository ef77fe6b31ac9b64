//! An embedded fake of the Vonage Account and Secret Management APIs, for tests.
//!
//! Enabled by the `test-server` feature. [`FakeVonage`] serves both APIs on one loopback address
//! inside the caller's tokio runtime, keeps state (balance, settings, secrets, sub-accounts),
//! follows the documented rules, records every request, and can be told to misbehave.
//!
//! ```
//! use vonage_account::{ErrorKind, testing::{Fault, FakeVonage, Route}};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let fake = FakeVonage::start().await;
//! let client = fake.client();
//! let balance = client.account().balance().await.unwrap();
//! assert_eq!(balance.value.to_string(), "10.28000000");
//!
//! fake.inject(Fault::html_500().on(Route::TopUp));
//! let err = client.account().top_up("abc123").await.unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::ServerError);
//! assert_eq!(fake.requests_to(Route::TopUp).len(), 1); // sent once, never retried
//! # }
//! ```

mod api;
mod faults;
mod state;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tokio::sync::oneshot;

pub use faults::{Fault, FaultKind, RecordedRequest, Route};
pub use state::{Seed, SeedSettings, SubAccountSeed};

use crate::{Amount, Client, ClientBuilder, RetryConfig};

/// The largest request body the fake reads.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

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

struct Shared {
    seed: Seed,
    inner: Mutex<Inner>,
}

struct Inner {
    accounts: state::Accounts,
    faults: Vec<Fault>,
    log: Vec<RecordedRequest>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the state half-changed in a way that
        // matters to a test double; keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            inner: Mutex::new(Inner {
                accounts,
                faults: Vec::new(),
                log: Vec::new(),
            }),
        });
        let app = axum::Router::new()
            .fallback(serve_request)
            .with_state(shared.clone());
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
            .retry(RetryConfig {
                max_retries: 2,
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_secs(2),
            })
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

    /// The API requests received for one route.
    pub fn requests_to(&self, route: Route) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.route == route)
            .cloned()
            .collect()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// Restores the seed's state and clears faults and the request log.
    pub fn reset(&self) {
        reset(&self.shared);
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

fn reset(shared: &Shared) {
    let mut inner = shared.lock();
    // The seed was valid when the fake started, so it still is.
    if let Ok(accounts) = state::Accounts::from_seed(&shared.seed) {
        inner.accounts = accounts;
    }
    inner.faults.clear();
    inner.log.clear();
}

/// Every request comes here: the control path, or record, maybe misbehave, then answer.
async fn serve_request(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut response = answer(&shared, request).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn answer(shared: &Arc<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(body) => body,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    if let Some(control) = path.strip_prefix("/_fake/") {
        return control_path(shared, &method, control, &body);
    }
    let route = Route::of(&method, &path);
    let fault = {
        let mut inner = shared.lock();
        inner.log.push(RecordedRequest {
            route,
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        faults::take_fault(&mut inner.faults, route)
    };
    let handle = || {
        let mut inner = shared.lock();
        let a = api::handle(
            &mut inner.accounts,
            route,
            &path,
            query.as_deref(),
            &parts.headers,
            &body,
        );
        let mut response = (a.status, a.body).into_response();
        if !a.content_type.is_empty() {
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(a.content_type),
            );
        }
        response
    };
    match fault {
        None => handle(),
        Some(FaultKind::Status {
            status,
            headers,
            body,
            content_type,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, body).into_response();
            response.headers_mut().remove(header::CONTENT_TYPE);
            if let Some(ct) = content_type.and_then(|ct| HeaderValue::from_str(&ct).ok()) {
                response.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    header::HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(&value),
                ) {
                    response.headers_mut().append(name, value);
                }
            }
            response
        }
        Some(FaultKind::Delay { millis }) => {
            // Applied first, answered late: the effect happens even if the client gives up.
            let response = handle();
            tokio::time::sleep(Duration::from_millis(millis)).await;
            response
        }
        Some(FaultKind::TruncatedBody) => {
            let response = handle();
            let (mut parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
        Some(FaultKind::NotJson) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "this is not JSON <html>",
        )
            .into_response(),
        Some(FaultKind::DropConnection) => Response::new(Body::new(BrokenBody)),
        Some(FaultKind::HugeBody { bytes }) => {
            let mut text = String::with_capacity(bytes);
            text.push_str("{\"padding\":\"");
            while text.len() + 2 < bytes {
                text.push('x');
            }
            text.push_str("\"}");
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                text,
            )
                .into_response()
        }
        Some(FaultKind::Redirect { location }) => {
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
    }
}

/// The control path under `/_fake/`: inject faults, read the request log, reset.
fn control_path(shared: &Arc<Shared>, method: &str, path: &str, body: &Bytes) -> Response {
    let json = |status: StatusCode, value: serde_json::Value| {
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            value.to_string(),
        )
            .into_response()
    };
    match (method, path) {
        ("POST", "faults") => {
            // One fault or a list of them.
            let faults = serde_json::from_slice::<Vec<Fault>>(body)
                .or_else(|_| serde_json::from_slice::<Fault>(body).map(|f| vec![f]));
            match faults {
                Ok(faults) => {
                    let count = faults.len();
                    shared.lock().faults.extend(faults);
                    json(StatusCode::OK, serde_json::json!({"queued": count}))
                }
                Err(e) => json(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error": e.to_string()}),
                ),
            }
        }
        ("DELETE", "faults") => {
            shared.lock().faults.clear();
            json(StatusCode::OK, serde_json::json!({"cleared": true}))
        }
        ("GET", "requests") => {
            let log = shared.lock().log.clone();
            json(
                StatusCode::OK,
                serde_json::to_value(log).unwrap_or_default(),
            )
        }
        ("POST", "reset") => {
            reset(shared);
            json(StatusCode::OK, serde_json::json!({"reset": true}))
        }
        _ => json(
            StatusCode::NOT_FOUND,
            serde_json::json!({"error": "unknown control path"}),
        ),
    }
}

/// A body that fails at once, so the server closes the connection without a complete answer.
struct BrokenBody;

impl http_body::Body for BrokenBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other(
            "fault: connection dropped",
        ))))
    }
}
