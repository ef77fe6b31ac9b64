//! What happens to every request on its way out and back: credentials, retries, the body limit,
//! tracing.
//!
//! The generated clients call [`ClientHooks`] on each request; this module implements them once
//! for every generated client. The retry class of a request comes from the operation table, by
//! the operation id progenitor passes to the hooks; what the facade needs to know afterwards
//! goes into the call's record ([`crate::call`]).

use std::{sync::Arc, time::Duration};

use bytes::{Bytes, BytesMut};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::{
    Response, StatusCode,
    header::{HeaderMap, HeaderName},
};
use tracing::Instrument as _;

use crate::{
    Operation,
    call::{note, with_record},
    credentials::{AccountAuth, Credentials},
    error::describe_reqwest,
    generated,
    pace::Pacer,
    redact::REDACTED,
    retry::{Failure, RetryClass, RetryConfig},
};

/// The header Vonage puts a request id in, as a header name built at compile time (a `&str` key
/// is parsed on every lookup).
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The inner value of every generated client: what its requests need on the way.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    pub(crate) credentials: Arc<Credentials>,
    /// Where this host's calls put the credentials.
    pub(crate) placement: AccountAuth,
    pub(crate) retry: RetryConfig,
    pub(crate) max_response_bytes: usize,
    /// Spaces the attempts of rate-limited operations; shared by every generated client of one
    /// `Client` and its clones. `None` when pacing is off.
    pub(crate) pacing: Option<Pacing>,
    /// The application's header hook, and a timeout when the application brought its own
    /// `reqwest::Client` (`src/http.rs`).
    pub(crate) per_request: crate::http::PerRequest,
}

/// How rate-limited operations are spaced.
#[derive(Debug, Clone)]
pub(crate) struct Pacing {
    pub(crate) pacer: Arc<Pacer>,
    /// Replaces the interval the spec's rate limit gives, when set.
    pub(crate) interval: Option<Duration>,
}

/// Added to the spacing a documented rate limit gives: two requests sent exactly a second apart
/// can arrive less than a second apart (a new connection, scheduling), and a limiter counts
/// arrivals.
const PACING_MARGIN: Duration = Duration::from_millis(50);

/// What the loop does after an attempt.
enum Step {
    /// Send this copy of the request again after the wait.
    Resend(std::time::Duration, reqwest::Request),
    /// Hand this back.
    Return(reqwest::Result<Response>),
}

impl Transport {
    /// Puts the credentials on the request. (The `api-version` header progenitor would add is
    /// taken out of the generated code by `build.rs`.)
    fn prepare(&self, request: &mut reqwest::Request) {
        // First, so the application's hook never sees the credentials.
        self.per_request.apply(request);
        self.credentials.apply(request, self.placement);
    }

    /// Sends `request`, retrying as the operation's [`RetryClass`] and the [`RetryConfig`]
    /// allow, and returns the response with its body read (up to the limit).
    async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: Option<Operation>,
    ) -> reqwest::Result<Response> {
        // An operation the table does not know cannot happen (build.rs checks the ids); if it
        // did, the strict class is the safe one.
        let class = operation.map_or(RetryClass::ConnectOnly, Operation::retry_class);
        let limit = operation
            .and_then(Operation::max_response_bytes)
            .map_or(self.max_response_bytes, |op| {
                usize::try_from(op).map_or(usize::MAX, |op| op.max(self.max_response_bytes))
            });
        let pace = self.pace_interval(operation);
        let mut attempt = 0u32;
        // The credentials go into the record (one reference count) so that whatever of the
        // answer reaches an error can be redacted; the facade may ask for a 2xx body as well.
        let keep_success_body = with_record(|r| {
            r.operation = operation;
            r.credentials = Some(Arc::clone(&self.credentials));
            r.keep_success_body
        })
        .unwrap_or(false);
        loop {
            attempt += 1;
            note(|r| r.start_attempt(attempt));
            // Keep a copy while another attempt is still allowed. Our bodies are always bytes,
            // so this clone succeeds.
            let spare = self
                .retry
                .may_resend(attempt)
                .then(|| request.try_clone())
                .flatten();
            let span = tracing::debug_span!(
                "vonage_account.request",
                operation = operation.map(Operation::id),
                // Only evaluated when the span is enabled.
                host = request.url().host_str().unwrap_or_default(),
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            if let (Some(interval), Some(pacing)) = (pace, &self.pacing) {
                pacing.pacer.wait_turn(interval).await;
            }
            let started = std::time::Instant::now();
            let step = match client.execute(request).instrument(span.clone()).await {
                Ok(response) => {
                    record_answer(&response, &span, &self.credentials);
                    let wait = self.retry.after_status(
                        class,
                        attempt,
                        response.status(),
                        response.headers(),
                    );
                    match (wait, spare) {
                        (Some(wait), Some(next)) => Step::Resend(wait, next),
                        (_, spare)
                            if self.may_pass_through(&response, limit, keep_success_body) =>
                        {
                            tracing::debug!(
                                parent: &span,
                                elapsed_ms = started.elapsed().as_millis() as u64,
                                ok = true,
                                "vonage_account.response"
                            );
                            drop(spare);
                            Step::Return(Ok(response))
                        }
                        (_, spare) => {
                            let read = read_body(response, limit, keep_success_body).await;
                            tracing::debug!(
                                parent: &span,
                                elapsed_ms = started.elapsed().as_millis() as u64,
                                ok = read.is_ok(),
                                "vonage_account.response"
                            );
                            match read {
                                Ok(response) => Step::Return(Ok(response)),
                                Err(e) => self.after_failure(class, attempt, e, spare, &span),
                            }
                        }
                    }
                }
                Err(e) => self.after_failure(class, attempt, e, spare, &span),
            };
            match step {
                Step::Return(outcome) => return outcome,
                Step::Resend(wait, next) => {
                    tracing::debug!(parent: &span, wait_ms = wait.as_millis() as u64, "vonage_account.retry");
                    tokio::time::sleep(wait).await;
                    request = next;
                }
            }
        }
    }

    /// Whether `response` can go to the generated client as it is, its body unread: a 2xx whose
    /// declared length is within the limit (hyper refuses a body longer than it declared, so
    /// the limit holds), nobody needs its bytes kept, and its URL (which reqwest keeps on the
    /// response and in its errors) holds no credentials. Everything else is read here first.
    fn may_pass_through(&self, response: &Response, limit: usize, keep_body: bool) -> bool {
        self.placement == AccountAuth::Basic
            && !keep_body
            && response.status().is_success()
            && response
                .content_length()
                .is_some_and(|length| length <= limit as u64)
    }

    /// The spacing between attempts of `operation`, when it has a documented rate limit and
    /// pacing is on.
    fn pace_interval(&self, operation: Option<Operation>) -> Option<Duration> {
        let pacing = self.pacing.as_ref()?;
        let per_second = operation?.requests_per_second()?;
        Some(pacing.interval.unwrap_or_else(|| {
            Duration::from_secs(1) / u32::try_from(per_second).unwrap_or(u32::MAX) + PACING_MARGIN
        }))
    }

    fn after_failure(
        &self,
        class: RetryClass,
        attempt: u32,
        error: reqwest::Error,
        spare: Option<reqwest::Request>,
        span: &tracing::Span,
    ) -> Step {
        tracing::debug!(parent: span, error = %describe_reqwest(&error), "vonage_account.transport_error");
        match (
            self.retry
                .after_failure(class, attempt, Failure::of(&error)),
            spare,
        ) {
            (Some(wait), Some(next)) => Step::Resend(wait, next),
            _ => Step::Return(Err(error)),
        }
    }
}

/// Reads the whole body, up to the limit, and hands back an equivalent response. A body over
/// the limit is not read: the record says so and the response comes back empty.
///
/// The body of an error answer (and of a 2xx when `keep_success_body`) also goes into the
/// record as it came (a reference count, not a copy), so the error is decoded from these bytes
/// whatever the generated client made of them.
async fn read_body(
    mut response: Response,
    limit: usize,
    keep_success_body: bool,
) -> reqwest::Result<Response> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let declared = response.content_length().unwrap_or(0);
    if declared as usize > limit {
        note(|r| r.too_large = Some(limit));
        return Ok(rebuild(status, headers, Bytes::new()));
    }
    // A small answer usually arrives as one chunk: keep it as it is, without a copy.
    let mut read = 0;
    let mut first = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    while let Some(chunk) = response.chunk().await? {
        read += chunk.len();
        if read > limit {
            note(|r| r.too_large = Some(limit));
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
    if keep_success_body || !status.is_success() {
        let kept = body.clone();
        note(|r| r.body = Some(kept));
    }
    Ok(rebuild(status, headers, body))
}

/// Notes an answer's status and request id in the call's record and the attempt's span. A
/// request id that repeats the credentials (a gateway reflecting the request) is replaced.
fn record_answer(response: &Response, span: &tracing::Span, credentials: &Credentials) {
    let status = response.status();
    let request_id = response
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(|id| {
            if credentials.appears_in(id) {
                REDACTED.to_owned()
            } else {
                id.to_owned()
            }
        });
    span.record("status", status.as_u16());
    if let Some(id) = &request_id {
        span.record("request_id", id.as_str());
    }
    note(|r| {
        r.status = Some(status);
        r.request_id = request_id;
    });
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

/// Implements the hooks for one generated client: all share [`Transport`].
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
                    .execute(
                        self.client(),
                        request,
                        Operation::from_generated(info.operation_id),
                    )
                    .await
            }
        }
    };
}

transport_hooks!(generated::account::Client);
transport_hooks!(generated::secrets::Client);
