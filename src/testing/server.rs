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
    Fault, Seed, faults,
    routes::{self, Incoming},
    state,
};
use crate::Operation;

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
    pub(crate) faults: Vec<Fault>,
    pub(crate) log: Vec<RecordedRequest>,
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

/// A request the fake received, as it crossed the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// When it arrived, in milliseconds since the fake started.
    pub received_ms: u64,
    /// The operation its method and path belong to (written as its `operationId` in JSON);
    /// `None` for a path no operation serves.
    pub route: Option<Operation>,
    /// The method (`GET`, `POST`, `DELETE`).
    pub method: String,
    /// The path, still percent-encoded as sent.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, as text (lossy for non-UTF-8 bytes).
    pub body: String,
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
    let operation = Operation::of(&method, &path);
    let fault = {
        let mut inner = shared.lock();
        inner.log.push(RecordedRequest {
            received_ms: shared.started.elapsed().as_millis() as u64,
            route: operation,
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
        faults::take_fault(&mut inner.faults, operation)
    };
    let handle = || {
        let incoming = Incoming {
            operation,
            path: &path,
            query: query.as_deref(),
            headers: &parts.headers,
            body: &body,
        };
        let a = routes::dispatch(&mut shared.lock().accounts, &incoming);
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
        Some(fault) => faults::apply(fault, handle).await,
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
