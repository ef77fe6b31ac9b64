//! The fake's server plumbing: the shared state, the request log, every request's way through
//! (control path, log, fault, handler) and the control path under `/_fake/`.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::{
    body::Bytes,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    AccountPatch, Fault, FaultKind, Seed,
    answers::Answer,
    faults::{self, FaultQueue},
    journal::{self, RequestIntent, RequestLog},
    routes::{self, Incoming},
    state, webhooks,
};
use vonage_account::Operation;

/// The largest request body the fake reads.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

pub(crate) struct Shared {
    pub(crate) seed: Seed,
    /// When the fake started: the request log's times count from here.
    pub(crate) started: std::time::Instant,
    pub(crate) inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    pub(crate) accounts: state::Accounts,
    pub(crate) faults: FaultQueue,
    pub(crate) log: RequestLog,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the state half-changed in a way that
        // matters to a test double; keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The axum app: every request goes through [`serve_request`].
pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new()
        .fallback(serve_request)
        .with_state(shared)
}

/// A request the fake received, as it crossed the wire, and how the fake judged it.
///
/// What one request can make the log hold is bounded: the first 4 KiB of the body, 2 KiB of
/// the path and of the query, 8 KiB of headers (1 KiB a value), 16 warnings of at most 512
/// bytes and one counting the rest; [`truncated`](Self::truncated) says when anything was cut.
/// The log keeps the newest requests only (see
/// [`FakeBuilder::request_log_limit`](crate::FakeBuilder::request_log_limit)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// The `X-Request-Id` the fake answered it with.
    #[serde(default)]
    pub request_id: String,
    /// When it arrived, in milliseconds since the fake started.
    pub received_ms: u64,
    /// The operation its method and path belong to (written as its `operationId` in JSON);
    /// `None` for a path no operation serves.
    pub route: Option<Operation>,
    /// Whether it read or asked for a change. Tells a settings read (a `POST` with no field)
    /// from a settings write, both `ChangeAccountSettings`.
    pub intent: RequestIntent,
    /// The method (`GET`, `POST`, `DELETE`).
    pub method: String,
    /// The path, still percent-encoded as sent.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, as text (lossy for non-UTF-8 bytes): its first 4 KiB (see
    /// [`body_bytes`](Self::body_bytes)).
    pub body: String,
    /// The size of the body as received, in bytes.
    #[serde(default)]
    pub body_bytes: usize,
    /// Whether something of the request was cut to keep the log's size bounded: the body
    /// beyond 4 KiB, a long path, query or header, warnings beyond 16.
    #[serde(default)]
    pub truncated: bool,
    /// The status the fake answered with; `None` while it is still answering, or when a fault
    /// closed the connection without an answer.
    #[serde(default)]
    pub status: Option<u16>,
    /// What the fake accepted although the published API does not define it (lenient mode:
    /// an unknown field, a body of another media type), one sentence each.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl RecordedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn reset(shared: &Shared) {
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
    let mut response = answer(&shared, request, &request_id).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn answer(shared: &Arc<Shared>, request: Request, request_id: &str) -> Response {
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
    let operation = Operation::of(&method, &path);
    let fault = {
        let mut inner = shared.lock();
        let arrival = journal::Arrival {
            request_id,
            received_ms: shared.started.elapsed().as_millis() as u64,
            route: operation,
            method: &method,
            path: &path,
            query: query.as_deref(),
            headers: &parts.headers,
            body: &body,
        };
        inner.log.push(arrival.record());
        inner.faults.take(operation)
    };
    let incoming = |webhook_refusals| Incoming {
        operation,
        path: &path,
        query: query.as_deref(),
        headers: &parts.headers,
        body: &body,
        webhook_refusals,
    };
    let handled = fault.as_ref().is_none_or(|f| {
        matches!(
            f,
            FaultKind::Delay { .. } | FaultKind::TruncatedBody | FaultKind::CommitThenDrop
        )
    });
    let webhook_refusals = if handled {
        check_webhooks(shared, &incoming(&[])).await
    } else {
        Vec::new()
    };
    let mut warnings = Vec::new();
    let mut handle = || {
        let incoming = incoming(&webhook_refusals);
        let a = routes::dispatch(&mut shared.lock().accounts, &incoming, &mut warnings);
        into_response(a)
    };
    let dropped = matches!(
        fault,
        Some(FaultKind::DropConnection | FaultKind::CommitThenDrop)
    );
    let response = match fault {
        None => handle(),
        Some(fault) => faults::apply(fault, handle).await,
    };
    // The log shows how the request was judged. (It may have been cleared meanwhile.)
    let status = (!dropped).then(|| response.status().as_u16());
    if let Some(entry) = shared.lock().log.find_mut(request_id) {
        journal::with_outcome(entry, status, warnings);
    }
    response
}

/// Vonage calls the webhook URLs of a settings change before it saves them; with
/// `check_webhooks` the fake does too (see `webhooks.rs`), for an authenticated caller, before
/// the handler takes the state lock. The URLs that failed, as `(field, reason)`.
async fn check_webhooks(shared: &Shared, request: &Incoming<'_>) -> Vec<(String, String)> {
    let wanted = request.operation == Some(Operation::ChangeAccountSettings) && {
        let inner = shared.lock();
        inner.accounts.behaviour.check_webhooks
            && routes::authenticated(&inner.accounts, request).is_some()
    };
    if wanted {
        webhooks::check(request.body).await
    } else {
        Vec::new()
    }
}

/// A handler's answer as a response: its `Content-Type` only when it has one (a 204 has none).
fn into_response(a: Answer) -> Response {
    let mut response = (a.status, a.body).into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    if !a.content_type.is_empty() {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(a.content_type),
        );
    }
    for (name, value) in a.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// The control path under `/_fake/`: inject faults, read the request log, read and change
/// accounts, reset.
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
        ("DELETE", "requests") => {
            shared.lock().log.clear();
            json(StatusCode::OK, serde_json::json!({"cleared": true}))
        }
        ("GET", "requests") => {
            let (log, dropped, limit) = {
                let inner = shared.lock();
                (inner.log.to_vec(), inner.log.dropped(), inner.log.limit())
            };
            let mut response = json(
                StatusCode::OK,
                serde_json::to_value(log).unwrap_or_default(),
            );
            // How many older requests the bounded log let go, and its bound.
            let headers = response.headers_mut();
            headers.insert("x-fake-requests-dropped", HeaderValue::from(dropped));
            headers.insert("x-fake-request-log-limit", HeaderValue::from(limit));
            response
        }
        ("POST", "reset") => {
            reset(shared);
            json(StatusCode::OK, serde_json::json!({"reset": true}))
        }
        (method, path) if path == "subaccounts" || path.starts_with("subaccounts/") => {
            let (status, value) =
                super::subaccounts::control(shared, method, &path["subaccounts".len()..], body);
            json(status, value)
        }
        (method, path) if path.starts_with("accounts/") => {
            let (status, value) = control_account(shared, method, &path["accounts/".len()..], body);
            json(status, value)
        }
        _ => json(
            StatusCode::NOT_FOUND,
            serde_json::json!({"error": "unknown control path"}),
        ),
    }
}

/// `/_fake/accounts/{api_key}`: `GET` the account, `PATCH` it with an [`AccountPatch`];
/// `/_fake/accounts/{api_key}/secrets/{id}`: `PATCH` a secret's `created_at`.
fn control_account(
    shared: &Shared,
    method: &str,
    path: &str,
    body: &Bytes,
) -> (StatusCode, serde_json::Value) {
    let error =
        |status: StatusCode, message: String| (status, serde_json::json!({"error": message}));
    let mut segments = path.trim_end_matches('/').split('/');
    let key = segments.next().unwrap_or_default();
    let secret = match (segments.next(), segments.next(), segments.next()) {
        (None, ..) => None,
        (Some("secrets"), Some(id), None) => Some(id),
        _ => return error(StatusCode::NOT_FOUND, "unknown control path".into()),
    };
    let mut inner = shared.lock();
    let Some(account) = inner.accounts.by_key.get_mut(key) else {
        return error(StatusCode::NOT_FOUND, format!("no account {key:?}"));
    };
    let changed = match (method, secret) {
        ("GET", None) => Ok(()),
        ("PATCH", None) => serde_json::from_slice::<AccountPatch>(body)
            .map_err(|e| e.to_string())
            .and_then(|patch| account.apply(&patch)),
        ("PATCH", Some(id)) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct SecretPatch {
                created_at: String,
            }
            serde_json::from_slice::<SecretPatch>(body)
                .map_err(|e| e.to_string())
                .and_then(|patch| account.set_secret_created_at(id, &patch.created_at))
        }
        _ => return error(StatusCode::METHOD_NOT_ALLOWED, "use GET or PATCH".into()),
    };
    match changed {
        Ok(()) => (
            StatusCode::OK,
            serde_json::to_value(account.view(key)).unwrap_or_default(),
        ),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}
