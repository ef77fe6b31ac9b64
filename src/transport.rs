//! What happens to every request on its way out and back: credentials, retries, the body limit,
//! tracing.
//!
//! The generated clients call [`ClientHooks`] on each request; this module implements them once
//! for every generated client. The retry class of a request comes from the operation table, by
//! the operation id progenitor passes to the hooks; what the facade needs to know afterwards
//! goes into the call's record by its named steps ([`crate::record`]).
//!
//! The tracing span and events emitted here are listed, with their levels and fields, in the
//! crate docs ("Logging"); keep that table in step with them.

use std::{sync::Arc, time::Duration};

use bytes::{Bytes, BytesMut};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::{Response, StatusCode, header::HeaderName};
use tracing::Instrument as _;

use crate::{
    Operation,
    credentials::{AccountAuth, Credentials},
    error::describe_reqwest,
    generated,
    pace::Pacer,
    record,
    redact::REDACTED,
    retry::{Failure, RetryClass, RetryConfig, retry_hint},
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

impl Transport {
    /// Puts the credentials on the request. (The `api-version` header progenitor would add is
    /// taken out of the generated code by `build.rs`.)
    fn prepare(&self, request: &mut reqwest::Request) {
        // First, so the application's hook never sees the credentials.
        self.per_request.apply(request);
        self.credentials.apply(request, self.placement);
    }

    /// Sends one attempt of `request` and returns the response with its body read (up to the
    /// limit), or passed through when that is safe.
    ///
    /// When the operation's [`RetryClass`] and the [`RetryConfig`] allow another attempt after
    /// this one's answer or failure, the wait goes into the call's record and the call
    /// ([`crate::call`]) sends the request again by running the generated call once more: no
    /// copy of the request is kept for a retry that almost never happens.
    ///
    /// Not an `async fn`: the bookkeeping before the send is done at once, and the future holds
    /// the request once (an `async fn` keeps its arguments twice, and every layer of futures is
    /// moved whole at least once per call).
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: Option<Operation>,
    ) -> impl Future<Output = reqwest::Result<Response>> + 'a {
        let plan = self.plan(operation);
        let span = tracing::debug_span!(
            "vonage_account.request",
            operation = operation.map(Operation::id),
            // Only evaluated when the span is enabled.
            host = request.url().host_str().unwrap_or_default(),
            attempt = plan.attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let pace = self.pace_interval(operation);
        async move {
            if let Some(interval) = pace
                && let Some(pacing) = &self.pacing
            {
                pacing.pacer.wait_turn(interval).await;
            }
            let started = std::time::Instant::now();
            let response = match client.execute(request).instrument(span.clone()).await {
                Ok(response) => response,
                Err(e) => return Err(self.after_failure(&plan, e, &span)),
            };
            let status = response.status();
            note_answer(&response, &span, &self.credentials);
            if plan.may_resend
                && let Some(wait) =
                    self.retry
                        .after_status(plan.class, plan.attempt, status, response.headers())
            {
                log_response(&span, status, started);
                resend_after(&plan, wait, Some(status), None, &span);
                // Its body is never read: the call sends the request again.
                return Ok(rebuild(status, Bytes::new()));
            }
            let read = if self.may_pass_through(&response, &plan) {
                // The generated client copies the headers into every value it returns, and
                // nothing reads them there (the request id is in the record already).
                let mut response = response;
                drop(std::mem::take(response.headers_mut()));
                Ok(response)
            } else {
                // Boxed: the rare path (an error, a top-up, a body of unknown length), and
                // otherwise the largest state of this future.
                Box::pin(read_body(response, plan.limit, plan.keep_success_body)).await
            };
            log_response(&span, status, started);
            read.map_err(|e| self.after_failure(&plan, e, &span))
        }
    }

    /// What this attempt of `operation` may do, from the operation table and the call's
    /// record; the attempt is counted in the record.
    fn plan(&self, operation: Option<Operation>) -> Plan {
        // An operation the table does not know cannot happen (build.rs checks the ids); if it
        // did, the strict class is the safe one.
        let class = operation.map_or(RetryClass::ConnectOnly, Operation::retry_class);
        let limit = operation
            .and_then(Operation::max_response_bytes)
            .map_or(self.max_response_bytes, |op| {
                usize::try_from(op).map_or(usize::MAX, |op| op.max(self.max_response_bytes))
            });
        // The facade may ask for a 2xx body as well. Outside a facade call (no record) there
        // is nobody to send the request again.
        let (attempt, keep_success_body, may_resend) =
            match record::begin_attempt(operation, &self.credentials) {
                Some(start) => (start.number, start.keep_success_body, true),
                None => (1, false, false),
            };
        Plan {
            operation,
            class,
            limit,
            attempt,
            keep_success_body,
            may_resend,
        }
    }

    /// Whether `response` can go to the generated client as it is, its body unread: a 2xx whose
    /// declared length is within the limit (hyper refuses a body longer than it declared, so
    /// the limit holds), nobody needs its bytes kept, and its URL (which reqwest keeps on the
    /// response and in its errors) holds no credentials. Everything else is read here first.
    fn may_pass_through(&self, response: &Response, plan: &Plan) -> bool {
        self.placement == AccountAuth::Basic
            && !plan.keep_success_body
            && response.status().is_success()
            && response
                .content_length()
                .is_some_and(|length| length <= plan.limit as u64)
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

    /// Logs a failed attempt and, when another is allowed, notes the wait in the record.
    fn after_failure(
        &self,
        plan: &Plan,
        error: reqwest::Error,
        span: &tracing::Span,
    ) -> reqwest::Error {
        let description = describe_reqwest(&error);
        tracing::debug!(parent: span, error = %description, "vonage_account.transport_error");
        if plan.may_resend
            && let Some(wait) =
                self.retry
                    .after_failure(plan.class, plan.attempt, Failure::of(&error))
        {
            resend_after(plan, wait, None, Some(&description), span);
        }
        error
    }
}

/// What one attempt may do: from the operation table and the call's record.
struct Plan {
    operation: Option<Operation>,
    class: RetryClass,
    /// The body limit.
    limit: usize,
    /// This attempt's number, from 1.
    attempt: u32,
    /// The facade wants a 2xx body's bytes too.
    keep_success_body: bool,
    /// A facade call is around it, able to send it again.
    may_resend: bool,
}

/// Asks the call to send its request again after `wait`, and says so at INFO: the attempt that
/// ended, and its status or what went wrong.
fn resend_after(
    plan: &Plan,
    wait: Duration,
    status: Option<StatusCode>,
    error: Option<&str>,
    span: &tracing::Span,
) {
    tracing::info!(
        parent: span,
        operation = plan.operation.map(Operation::id),
        attempt = plan.attempt,
        status = status.map(|s| s.as_u16()),
        error,
        wait_ms = wait.as_millis() as u64,
        "vonage_account.retry"
    );
    record::resend_after(wait);
}

/// The attempt's answer: its status, and the time from sending to its body read (or refused
/// or left unread).
fn log_response(span: &tracing::Span, status: StatusCode, started: std::time::Instant) {
    tracing::debug!(
        parent: span,
        status = status.as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "vonage_account.response"
    );
}

/// Reads the whole body, up to the limit, and hands back a response with its status and body. A body over
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
    let declared = response.content_length().unwrap_or(0);
    if declared as usize > limit {
        record::too_large(limit);
        return Ok(rebuild(status, Bytes::new()));
    }
    // A small answer usually arrives as one chunk: keep it as it is, without a copy.
    let mut read = 0;
    let mut first = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    while let Some(chunk) = response.chunk().await? {
        read += chunk.len();
        if read > limit {
            record::too_large(limit);
            return Ok(rebuild(status, Bytes::new()));
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
        record::keep_body(body.clone());
    }
    Ok(rebuild(status, body))
}

/// Notes an answer's status, request id and (for an error) the wait it asks for in the call's
/// record and the attempt's span. A request id that repeats the credentials (a gateway
/// reflecting the request) is replaced.
fn note_answer(response: &Response, span: &tracing::Span, credentials: &Credentials) {
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
    let hint = if status.is_success() {
        None
    } else {
        retry_hint(status, response.headers())
    };
    record::answered(status, request_id, hint);
}

/// The URL every rebuilt response carries instead of the request's, which may hold legacy query
/// credentials. Parsed once: a parse per call was a measurable part of the facade's overhead.
static PLACEHOLDER_URL: std::sync::LazyLock<reqwest::Url> = std::sync::LazyLock::new(|| {
    reqwest::Url::parse("http://no.url.provided.local").expect("a valid URL")
});

/// A response with `status` and `body` for the generated client, without headers: it would
/// only copy them into its value, which nobody reads them from.
fn rebuild(status: StatusCode, body: Bytes) -> Response {
    use reqwest::ResponseBuilderExt as _;
    let mut rebuilt = http::Response::builder()
        .url(PLACEHOLDER_URL.clone())
        .body(body)
        .unwrap_or_default();
    *rebuilt.status_mut() = status;
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

            // The transport's future itself, without an `async fn` around it.
            fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> impl Future<Output = reqwest::Result<Response>> {
                self.inner().execute(
                    self.client(),
                    request,
                    Operation::from_generated(info.operation_id),
                )
            }
        }
    };
}

transport_hooks!(generated::account::Client);
transport_hooks!(generated::secrets::Client);
transport_hooks!(generated::subaccounts::Client);
