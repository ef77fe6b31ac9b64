//! Fault injection: what a test asks the fake to do wrong, and doing it.

use std::time::Duration;

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use vonage_account::Operation;

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status, headers and body instead of handling the request.
    Status {
        /// The HTTP status.
        status: u16,
        /// Extra headers, e.g. `Retry-After`.
        #[serde(default)]
        headers: Vec<(String, String)>,
        /// The body (may be empty).
        #[serde(default)]
        body: String,
        /// The `Content-Type`, if any.
        #[serde(default)]
        content_type: Option<String>,
    },
    /// Handle the request as usual, then wait this long before answering: its effects happen
    /// even when the client gives up waiting.
    Delay {
        /// How long to wait, in milliseconds.
        millis: u64,
    },
    /// Handle the request, then send only the first half of the body (with a matching
    /// `Content-Length`), so the JSON is cut off.
    TruncatedBody,
    /// Answer 200 with `Content-Type: application/json` and a body that is not JSON.
    NotJson,
    /// Close the connection without answering (the request is not handled).
    DropConnection,
    /// Answer 200 with a JSON body of this many bytes.
    HugeBody {
        /// The body size.
        bytes: usize,
    },
    /// Answer 302 with this `Location`.
    Redirect {
        /// Where to.
        location: String,
    },
    /// Answer 429 as the developer portal documents it: a problem body, `Retry-After` (seconds)
    /// and `X-RateLimit-Limit`, `X-RateLimit-Remaining` (0) and `X-RateLimit-Reset` (when the
    /// limit resets, Unix time in milliseconds as the portal's example `1769182705723`), worked
    /// out when the fault answers.
    RateLimited {
        /// `Retry-After`, in seconds.
        retry_after_secs: u64,
        /// `X-RateLimit-Limit`, the requests allowed per hour (the portal's example is 30).
        #[serde(default = "default_rate_limit")]
        limit: u32,
    },
    /// Handle the request as usual (its effects happen: a transfer is made, a sub-account
    /// created), then close the connection without answering: the answer is lost after the
    /// commit, as when a network breaks at the worst moment.
    CommitThenDrop,
}

/// The portal's example `X-RateLimit-Limit`.
fn default_rate_limit() -> u32 {
    30
}

/// A fault for the next `times` requests (to one route, or to any), or for every request until
/// it is removed.
///
/// ```
/// use vonage_account::Operation;
/// use vonage_account_fake::Fault;
/// let fault = Fault::rate_limited(1).on(Operation::GetAccountBalance).times(2);
/// ```
///
/// # `times` counts requests, and a retry is a request
///
/// A call is all its attempts: the client sends a call again on its own when the operation's
/// retry class and its [`RetryConfig`](vonage_account::RetryConfig) allow it, and each attempt
/// is one request to the fake, which uses up one of the fault's `times`. With the client of
/// [`FakeVonage::client`](crate::FakeVonage::client) (two retries, so up to three attempts):
///
/// - a **repeatable** operation (a read, a settings change) is sent again after a 429 (when its
///   `Retry-After` is within the client's longest wait), 502, 503 or 504, and after a
///   [dropped connection](FaultKind::DropConnection). So `Fault::status(503)` (once) is
///   **absorbed** by the first retry and the call succeeds; `times(2)` too; `times(3)` outlasts
///   the call, which fails after three attempts; and `times(5)` fails that call and **leaves
///   two for the next one**, which then succeeds on its third attempt.
/// - a **connect-only** operation (a top-up, a secret creation, a revocation) is never sent
///   again once it reached the fake, so `times(n)` fails the next `n` calls.
/// - the other faults (a 500, a redirect, a body cut off or not JSON, a delay beyond the
///   client's timeout) are not retried: one per call.
///
/// A client with another retry policy counts differently. To fail whole calls whatever the
/// policy, and leave nothing for the next call, use
/// [`FakeVonage::with_fault`](crate::FakeVonage::with_fault): the fault answers every matching
/// request, retries included, until the calls it wraps are done. [`until_cleared`](Self::until_cleared)
/// does the same until [`FakeVonage::clear_faults`](crate::FakeVonage::clear_faults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What it does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests for this operation (written as its `operationId` in JSON); any request
    /// when `None`.
    #[serde(default)]
    pub route: Option<Operation>,
    /// How many requests it applies to (each attempt of a call is one: see above). Ignored
    /// when [`until_cleared`](Self::until_cleared) is set.
    #[serde(default = "one")]
    pub times: u32,
    /// How many matching requests to let through untouched before it applies.
    #[serde(default)]
    pub skip: u32,
    /// Applies to every matching request, however many, until it is removed
    /// ([`FakeVonage::clear_faults`](crate::FakeVonage::clear_faults), `DELETE /_fake/faults`,
    /// a reset, or the end of [`FakeVonage::with_fault`](crate::FakeVonage::with_fault)).
    #[serde(default)]
    pub until_cleared: bool,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A fault of this kind for the next request to any route.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            route: None,
            times: 1,
            skip: 0,
            until_cleared: false,
        }
    }

    /// Only for requests for `operation`.
    pub fn on(mut self, operation: Operation) -> Fault {
        self.route = Some(operation);
        self
    }

    /// Lets the first `skip` matching requests through before applying.
    pub fn after(mut self, skip: u32) -> Fault {
        self.skip = skip;
        self
    }

    /// For the next `times` matching requests: attempts, not calls (see [`Fault`]).
    pub fn times(mut self, times: u32) -> Fault {
        self.times = times;
        self
    }

    /// For every matching request, retries included, until it is removed: a Vonage that stays
    /// down. See also [`FakeVonage::with_fault`](crate::FakeVonage::with_fault), which removes
    /// it when the calls it wraps are done.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use vonage_account::{ErrorKind, Operation};
    /// use vonage_account_fake::{FakeVonage, Fault};
    ///
    /// let fake = FakeVonage::start().await;
    /// fake.inject(Fault::status(503).on(Operation::GetAccountBalance).until_cleared());
    /// let err = fake.client().account().balance().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::ServerError); // every attempt got the 503
    /// fake.clear_faults();
    /// assert!(fake.client().account().balance().await.is_ok());
    /// # }
    /// ```
    pub fn until_cleared(mut self) -> Fault {
        self.until_cleared = true;
        self
    }

    /// An answer with this status and an empty body.
    pub fn status(status: u16) -> Fault {
        Fault::new(FaultKind::Status {
            status,
            headers: Vec::new(),
            body: String::new(),
            content_type: None,
        })
    }

    /// 429 with a problem body, `Retry-After: seconds` and the `X-RateLimit-*` headers (see
    /// [`FaultKind::RateLimited`]).
    pub fn rate_limited(retry_after_secs: u64) -> Fault {
        Fault::new(FaultKind::RateLimited {
            retry_after_secs,
            limit: default_rate_limit(),
        })
    }

    /// 500 with an HTML page, as a gateway sends.
    pub fn html_500() -> Fault {
        Fault::new(FaultKind::Status {
            status: 500,
            headers: Vec::new(),
            body: "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>".into(),
            content_type: Some("text/html".into()),
        })
    }

    /// 502 with no body.
    pub fn empty_502() -> Fault {
        Fault::status(502)
    }

    /// The request is handled at once, its answer sent after `delay`.
    pub fn delay(delay: Duration) -> Fault {
        Fault::new(FaultKind::Delay {
            millis: delay.as_millis() as u64,
        })
    }

    /// The answer's JSON cut off half way.
    pub fn truncated_body() -> Fault {
        Fault::new(FaultKind::TruncatedBody)
    }

    /// A 200 whose JSON content type has a non-JSON body.
    pub fn not_json() -> Fault {
        Fault::new(FaultKind::NotJson)
    }

    /// The connection closed without an answer.
    pub fn drop_connection() -> Fault {
        Fault::new(FaultKind::DropConnection)
    }

    /// The request is handled (it takes effect), then the connection closed without an answer.
    pub fn commit_then_drop() -> Fault {
        Fault::new(FaultKind::CommitThenDrop)
    }

    /// A 200 with a body of `bytes` bytes.
    pub fn huge_body(bytes: usize) -> Fault {
        Fault::new(FaultKind::HugeBody { bytes })
    }

    /// A 302 redirect to `location`.
    pub fn redirect(location: impl Into<String>) -> Fault {
        Fault::new(FaultKind::Redirect {
            location: location.into(),
        })
    }
}

/// The queued faults, in order, each with an id so one can be taken out by itself.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    faults: Vec<(u64, Fault)>,
    next_id: u64,
}

impl FaultQueue {
    /// Queues `fault`; its id.
    pub(crate) fn push(&mut self, fault: Fault) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.faults.push((id, fault));
        id
    }

    pub(crate) fn extend(&mut self, faults: impl IntoIterator<Item = Fault>) {
        for fault in faults {
            self.push(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.faults.clear();
    }

    /// Takes out the fault queued with `id`, if it is still queued.
    pub(crate) fn remove(&mut self, id: u64) {
        self.faults.retain(|(queued, _)| *queued != id);
    }

    /// The faults still queued, in order.
    pub(crate) fn to_vec(&self) -> Vec<Fault> {
        self.faults.iter().map(|(_, f)| f.clone()).collect()
    }

    /// Takes the first queued fault that matches a request for `operation`, counting it down
    /// (a fault [until cleared](Fault::until_cleared) stays).
    pub(crate) fn take(&mut self, operation: Option<Operation>) -> Option<FaultKind> {
        let index = self.faults.iter().position(|(_, f)| {
            (f.until_cleared || f.times > 0) && f.route.is_none_or(|r| Some(r) == operation)
        })?;
        let fault = &mut self.faults[index].1;
        if fault.skip > 0 {
            fault.skip -= 1;
            return None;
        }
        let kind = fault.kind.clone();
        if !fault.until_cleared {
            fault.times -= 1;
            if fault.times == 0 {
                self.faults.remove(index);
            }
        }
        Some(kind)
    }
}

/// Answers with `fault`; `handle` answers the request as usual, for the faults that need it.
pub(crate) async fn apply(fault: FaultKind, handle: impl FnOnce() -> Response) -> Response {
    match fault {
        FaultKind::Status {
            status,
            headers,
            body,
            content_type,
        } => {
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
        FaultKind::Delay { millis } => {
            // Applied first, answered late: the effect happens even if the client gives up.
            let response = handle();
            tokio::time::sleep(Duration::from_millis(millis)).await;
            response
        }
        FaultKind::TruncatedBody => {
            let response = handle();
            let (mut parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
        FaultKind::NotJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "this is not JSON <html>",
        )
            .into_response(),
        FaultKind::DropConnection => Response::new(Body::new(BrokenBody)),
        FaultKind::CommitThenDrop => {
            drop(handle());
            Response::new(Body::new(BrokenBody))
        }
        FaultKind::HugeBody { bytes } => {
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
        FaultKind::Redirect { location } => {
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        FaultKind::RateLimited {
            retry_after_secs,
            limit,
        } => rate_limited(retry_after_secs, limit),
    }
}

/// The portal's 429: `ErrorResponse` as problem+json, with its four headers.
fn rate_limited(retry_after_secs: u64, limit: u32) -> Response {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let reset_ms = now_ms + u128::from(retry_after_secs) * 1000;
    let body = serde_json::json!({
        "type": "https://developer.vonage.com/api-errors#throttled",
        "title": "Rate Limit Hit",
        "detail": "Please wait, then retry your request",
        "instance": uuid::Uuid::new_v4().to_string(),
    });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::CONTENT_TYPE, "application/problem+json".to_owned()),
            (header::RETRY_AFTER, retry_after_secs.to_string()),
            (
                header::HeaderName::from_static("x-ratelimit-limit"),
                limit.to_string(),
            ),
            (
                header::HeaderName::from_static("x-ratelimit-remaining"),
                "0".to_owned(),
            ),
            (
                header::HeaderName::from_static("x-ratelimit-reset"),
                reset_ms.to_string(),
            ),
        ],
        body.to_string(),
    )
        .into_response()
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
