//! What happens to every request on its way out and back: credentials, retries, limits, tracing.
//!
//! The generated clients call [`ClientHooks`] on each request; this module implements them once
//! for both clients. Per-call facts the facade needs afterwards (the status, the request id, the
//! attempts, a body over the limit) travel in a task-local [`CallRecord`], since the generated
//! error type has no room for them.

use std::{cell::RefCell, sync::Arc};

use bytes::{Bytes, BytesMut};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::{
    Response, StatusCode,
    header::{HeaderMap, HeaderName},
};
use tracing::Instrument as _;

use crate::{
    config::RetryConfig,
    credentials::{AccountAuth, Credentials},
    generated,
};

/// The header Vonage puts a request id in.
pub(crate) const REQUEST_ID: &str = "x-request-id";
/// The same, as a header name built at compile time (a `&str` key is parsed on every lookup).
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static(REQUEST_ID);

/// Whether an operation may be sent again after the request may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// Reads, and writes that set values: retried on transport errors (not timeouts), 429, 502,
    /// 503 and 504.
    Repeatable,
    /// Calls that charge money or change state each time (top-up, create, revoke): retried only
    /// when the connection could not be made at all, so the server never saw the request.
    ConnectFailureOnly,
}

/// The inner value of both generated clients.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    pub(crate) credentials: Arc<Credentials>,
    /// Where this host's calls put the credentials.
    pub(crate) placement: AccountAuth,
    pub(crate) retry: RetryConfig,
    pub(crate) max_response_bytes: usize,
    /// The application's header hook, and a timeout when the application brought its own
    /// `reqwest::Client` (`src/http.rs`).
    pub(crate) per_request: crate::http::PerRequest,
}

/// What one facade call saw on the wire, across all its attempts.
#[derive(Debug, Default, Clone)]
pub(crate) struct CallRecord {
    pub(crate) operation: &'static str,
    pub(crate) attempts: u32,
    pub(crate) status: Option<StatusCode>,
    pub(crate) request_id: Option<String>,
    /// The last response's body was larger than this limit (and was not read).
    pub(crate) too_large: Option<usize>,
}

impl CallRecord {
    /// What callers may see of this record, for an answer with `status`.
    fn meta(&self, status: StatusCode) -> ResponseMeta {
        ResponseMeta {
            operation: self.operation,
            status,
            request_id: self.request_id.clone(),
            attempts: self.attempts,
        }
    }
}

struct CallContext {
    idempotency: Idempotency,
    record: RefCell<CallRecord>,
}

tokio::task_local! {
    static CALL: CallContext;
    static ANSWERS: RefCell<Vec<ResponseMeta>>;
}

/// Runs `fut` and also returns the [`ResponseMeta`] of every answer the crate's calls inside it
/// received (successes and API errors alike), in order.
///
/// This is how a caller reaches the `X-Request-Id` of a successful call, for logs or Vonage
/// support; errors carry theirs in [`Error::request_id`](crate::Error::request_id).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # let fake = vonage_account::testing::FakeVonage::start().await;
/// # let client = fake.client();
/// let (balance, answers) =
///     vonage_account::with_response_meta(client.account().balance()).await;
/// let balance = balance.unwrap();
/// assert_eq!(answers[0].operation, "get_account_balance");
/// println!("request id {:?}", answers[0].request_id);
/// # }
/// ```
pub async fn with_response_meta<F: Future>(fut: F) -> (F::Output, Vec<ResponseMeta>) {
    ANSWERS
        .scope(RefCell::default(), async move {
            let out = fut.await;
            (out, ANSWERS.with(|a| a.take()))
        })
        .await
}

/// Runs one generated-client call with the given retry class, returning its result and what
/// was seen on the wire.
pub(crate) async fn scoped<F: Future>(idempotency: Idempotency, fut: F) -> (F::Output, CallRecord) {
    let ctx = CallContext {
        idempotency,
        record: RefCell::default(),
    };
    CALL.scope(ctx, async move {
        let out = fut.await;
        let record = CALL.with(|c| c.record.take());
        (out, record)
    })
    .await
}

fn record(f: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|c| f(&mut c.record.borrow_mut()));
}

fn idempotency() -> Idempotency {
    // Outside a facade call nothing is known about the operation: assume the strict class.
    CALL.try_with(|c| c.idempotency)
        .unwrap_or(Idempotency::ConnectFailureOnly)
}

impl Transport {
    /// Puts the credentials on the request. (The `api-version` header progenitor would add is
    /// taken out of the generated code by `build.rs`.)
    fn prepare(&self, request: &mut reqwest::Request) {
        // First, so the application's hook never sees the credentials.
        self.per_request.apply(request);
        self.credentials.apply(request, self.placement);
    }

    /// Sends `request`, retrying as the call's [`Idempotency`] and the [`RetryConfig`] allow, and
    /// returns the response with its body read (up to the limit).
    async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<Response> {
        let idempotency = idempotency();
        let mut attempt = 0u32;
        record(|r| r.operation = operation);
        loop {
            attempt += 1;
            record(|r| r.attempts = attempt);
            // Keep a copy while another attempt is still allowed. Our bodies are always bytes,
            // so this clone succeeds.
            let spare = (attempt <= self.retry.max_retries)
                .then(|| request.try_clone())
                .flatten();
            let span = tracing::debug_span!(
                "vonage_account.request",
                operation,
                // Only evaluated when the span is enabled.
                host = request.url().host_str().unwrap_or_default(),
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let started = std::time::Instant::now();
            let outcome = client.execute(request).instrument(span.clone()).await;
            let retry_after = match outcome {
                Ok(response) => {
                    let status = response.status();
                    let request_id = response
                        .headers()
                        .get(&REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    span.record("status", status.as_u16());
                    if let Some(id) = &request_id {
                        span.record("request_id", id.as_str());
                    }
                    record(|r| {
                        r.status = Some(status);
                        r.request_id = request_id;
                    });
                    let wait = match (&spare, idempotency) {
                        (Some(_), Idempotency::Repeatable) if retryable_status(status) => {
                            self.retry.delay_for(attempt, response.headers())
                        }
                        _ => None,
                    };
                    match wait {
                        Some(wait) => Some(wait),
                        None => {
                            let result = self.read_body(response).await;
                            tracing::debug!(
                                parent: &span,
                                elapsed_ms = started.elapsed().as_millis() as u64,
                                ok = result.is_ok(),
                                "vonage_account.response"
                            );
                            match result {
                                Err(e) if spare.is_some() && may_retry(idempotency, &e) => {
                                    Some(self.retry.backoff(attempt))
                                }
                                other => return other,
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::debug!(parent: &span, error = %crate::error::describe_reqwest(&e), "vonage_account.transport_error");
                    if spare.is_some() && may_retry(idempotency, &e) {
                        Some(self.retry.backoff(attempt))
                    } else {
                        return Err(e);
                    }
                }
            };
            match (retry_after, spare) {
                (Some(wait), Some(next)) => {
                    tracing::debug!(parent: &span, wait_ms = wait.as_millis() as u64, "vonage_account.retry");
                    tokio::time::sleep(wait).await;
                    request = next;
                }
                // Unreachable: every `Some(wait)` above required a spare request.
                _ => unreachable!("a retry was chosen without a copy of the request"),
            }
        }
    }

    /// Reads the whole body, up to the limit, and hands back an equivalent response. A body over
    /// the limit is not read: the record says so and the response comes back empty.
    async fn read_body(&self, mut response: Response) -> reqwest::Result<Response> {
        let limit = self.max_response_bytes;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let declared = response.content_length().unwrap_or(0);
        if declared as usize > limit {
            record(|r| r.too_large = Some(limit));
            return Ok(rebuild(status, headers, Bytes::new()));
        }
        // A small answer usually arrives as one chunk: keep it as it is, without a copy.
        let mut read = 0;
        let mut first = Bytes::new();
        let mut joined: Option<BytesMut> = None;
        while let Some(chunk) = response.chunk().await? {
            read += chunk.len();
            if read > limit {
                record(|r| r.too_large = Some(limit));
                return Ok(rebuild(status, headers, Bytes::new()));
            }
            match &mut joined {
                Some(all) => all.extend_from_slice(&chunk),
                None if first.is_empty() => first = chunk,
                None => {
                    let mut all = BytesMut::with_capacity(read);
                    all.extend_from_slice(&first);
                    all.extend_from_slice(&chunk);
                    joined = Some(all);
                }
            }
        }
        let body = joined.map_or(first, BytesMut::freeze);
        Ok(rebuild(status, headers, body))
    }
}

/// The URL every rebuilt response carries instead of the request's, which may hold legacy query
/// credentials. Parsed once: a parse per call was a measurable part of the facade's overhead.
static PLACEHOLDER_URL: std::sync::LazyLock<reqwest::Url> = std::sync::LazyLock::new(|| {
    reqwest::Url::parse("http://no.url.provided.local").expect("a valid URL")
});

fn rebuild(status: StatusCode, headers: HeaderMap, body: Bytes) -> Response {
    use reqwest::ResponseBuilderExt as _;
    let mut rebuilt = http::Response::builder()
        .url(PLACEHOLDER_URL.clone())
        .body(body)
        .unwrap_or_default();
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    Response::from(rebuilt)
}

/// Statuses worth another try for a repeatable call.
fn retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Whether a transport error may be retried for a call of this class.
fn may_retry(idempotency: Idempotency, error: &reqwest::Error) -> bool {
    if error.is_connect() {
        // The connection was never made, so the server never saw the request.
        return true;
    }
    match idempotency {
        // A timeout used up the caller's time budget for this attempt; another attempt would
        // double the wait the caller asked for.
        Idempotency::Repeatable => !error.is_timeout() && !error.is_builder(),
        Idempotency::ConnectFailureOnly => false,
    }
}

/// Implements the hooks for one generated client: both share [`Transport`].
macro_rules! transport_hooks {
    ($client:ty) => {
        impl ClientHooks<Transport> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                _info: &OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                self.inner().prepare(request);
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<Response> {
                self.inner()
                    .execute(self.client(), request, info.operation_id)
                    .await
            }
        }
    };
}

transport_hooks!(generated::account::Client);
transport_hooks!(generated::secrets::Client);

/// Runs one generated-client call and turns its outcome into the facade's: the value, or one
/// [`Error`](crate::Error). A 2xx the spec does not list (a 200 where 201 is documented, a 200
/// where 204 is) is accepted and decoded as the documented success.
pub(crate) async fn call<T, E, F>(
    idempotency: Idempotency,
    fut: F,
) -> Result<Answered<T>, crate::Error>
where
    T: serde::de::DeserializeOwned,
    E: serde::Serialize,
    F: Future<Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>>,
{
    let (outcome, record) = scoped(idempotency, fut).await;
    if let Some(status) = record.status {
        let _ = ANSWERS.try_with(|a| a.borrow_mut().push(record.meta(status)));
    }
    if let (Some(limit), Some(status)) = (record.too_large, record.status) {
        return Err(crate::Error::ResponseTooLarge {
            status,
            request_id: record.request_id,
            limit,
        });
    }
    match outcome {
        Ok(value) => Ok(Answered {
            meta: record.meta(value.status()),
            value: value.into_inner(),
        }),
        Err(progenitor_client::Error::UnexpectedResponse(response))
            if response.status().is_success() =>
        {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
                b"null"
            } else {
                &body
            };
            match serde_json::from_slice(text) {
                Ok(value) => Ok(Answered {
                    value,
                    meta: record.meta(status),
                }),
                Err(e) => Err(crate::Error::Decode {
                    status,
                    request_id: record.request_id.clone(),
                    reason: e.to_string(),
                    excerpt: crate::error::excerpt(&body),
                }),
            }
        }
        Err(e) => Err(crate::error::from_generated(e, &record).await),
    }
}

/// A value and what the answer that carried it said about itself.
#[derive(Debug, Clone)]
pub(crate) struct Answered<T> {
    pub(crate) value: T,
    pub(crate) meta: ResponseMeta,
}

/// Facts about a successful answer: its status, its request id, and how many attempts it took.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The operation, as the spec's operationId in snake case (`get_account_balance`).
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The `X-Request-Id` header, for Vonage support.
    pub request_id: Option<String>,
    /// How many attempts the call took (1 without retries).
    pub attempts: u32,
}
