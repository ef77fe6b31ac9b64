//! The record of one facade call: what it saw on the wire across its attempts. The record, the
//! task-local it lives in while a request is on its way, and every step that reads or writes it
//! are in this file; the fields are private.
//!
//! The generated clients' error type has no room for the attempts, the request id of an answer,
//! a body refused for its size or a retry hint, so the call ([`crate::call`]) runs each
//! generated call [`in_call`] with its record, and the transport ([`crate::transport`],
//! [`crate::http`]) notes what happens in it by named steps. Outside a facade call there is no
//! record, and every step is a no-op.
//!
//! One balance call, answered 503 and then 200:
//!
//! ```text
//! call.rs                          transport.rs / http.rs               the record
//! CallRecord::new(false)                                                attempts 0
//! in_call(record, send()) ───────► hook_headers: runs the hook, keeps   hook headers
//!                                  begin_attempt(balance, credentials)  attempts 1
//!                                  answered(503, id "a", hint)          status 503, id "a"
//!                                  resend_after(180 ms) (body unread)   resend after 180 ms
//!          ◄─────────────────────── an empty 503 for the generated call
//! take_resend() = 180 ms: sleep
//! in_call(record, send()) ───────► hook_headers: the kept ones
//!                                  begin_attempt(balance, credentials)  retried [503 "a"]; attempts 2
//!                                  answered(200, id "b", none)          status 200, id "b"
//!          ◄─────────────────────── the balance
//! take_resend() = none: settle(None)                                    (a copy to with_response_meta)
//! into_meta(200) = ResponseMeta { attempts 2, retried [503 "a"], request id "b" }
//! ```
//!
//! An error answer takes one more step: `keep_body` puts its bytes in the record, and the call
//! decodes the error from them ([`CallRecord::take_body`]); a body over the limit is
//! `too_large` instead, and is never read.
//!
//! # Two ways to see the answers
//!
//! [`Call::with_meta`](crate::Call::with_meta) gives the [`ResponseMeta`] of one call wherever
//! it runs, from its own record. [`with_response_meta`] (the second task-local, `ANSWERS`)
//! collects the answers of every call inside a future. It stays because some public methods
//! are several calls with no [`Call`](crate::Call) to ask (`Secrets::stage`, `retire`,
//! `rotation_state`, `verify_credentials`): the request ids of their answers, for Vonage
//! support, can be seen no other way. It costs a call that nobody collects one failed
//! task-local lookup, after its answer.

use std::{
    cell::RefCell,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll, ready},
    time::Duration,
};

use bytes::Bytes;
use reqwest::{StatusCode, header::HeaderMap};
use secrecy::{ExposeSecret as _, SecretString};
use tokio::task::futures::TaskLocalFuture;

use crate::{Operation, credentials::Credentials, redact::Redactor};

/// What one facade call saw on the wire, across all its attempts.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    operation: Option<Operation>,
    attempts: u32,
    /// The current attempt's status, once it answered.
    status: Option<StatusCode>,
    /// The current attempt's request id, once it answered.
    request_id: Option<String>,
    /// How long the current attempt's error answer asked to wait (`Retry-After`,
    /// `X-RateLimit-Reset`), as of its arrival.
    retry_hint: Option<Duration>,
    /// The attempts before the current one, oldest first (empty unless the call was retried).
    retried: Vec<Attempt>,
    /// The current attempt's body was larger than this limit (and was not read).
    too_large: Option<usize>,
    /// The credentials the request carried, to redact them from whatever of the answer reaches
    /// an error.
    credentials: Option<Arc<Credentials>>,
    /// The final answer's body as it came, when its status is not 2xx (or `keep_success_body`):
    /// errors are decoded from these bytes, never from what the generated client made of them.
    body: Option<Bytes>,
    /// Keep the body of a 2xx too.
    keep_success_body: bool,
    /// The attempt that just ended may be sent again, after this wait.
    resend_after: Option<Duration>,
    /// The headers the application's `on_request` hook made for the first attempt, for the
    /// retries (the hook runs once per call). Only kept when there is a hook.
    hook_headers: Option<HeaderMap>,
}

tokio::task_local! {
    // Boxed: the scope moves its value in and out of the thread's slot on every poll, and a
    // pointer moves for less than the record.
    static CALL: RefCell<Box<CallRecord>>;
    static ANSWERS: RefCell<Vec<ResponseMeta>>;
}

/// Runs `f` on the record of the facade call this request belongs to, if any.
fn with_record<R>(f: impl FnOnce(&mut CallRecord) -> R) -> Option<R> {
    CALL.try_with(|c| f(&mut c.borrow_mut())).ok()
}

// The transport's steps, on the record of the call the current request belongs to.

/// What [`begin_attempt`] tells the transport about the attempt it starts.
pub(crate) struct AttemptStart {
    /// Its number, from 1.
    pub(crate) number: u32,
    /// The call wants the bytes of a 2xx body too.
    pub(crate) keep_success_body: bool,
}

/// An attempt of `operation` is about to be sent with `credentials`: it is counted, and what
/// the previous attempt (if any) saw joins the earlier attempts. `None` outside a facade call,
/// where nobody could send the request again.
pub(crate) fn begin_attempt(
    operation: Option<Operation>,
    credentials: &Arc<Credentials>,
) -> Option<AttemptStart> {
    with_record(|r| {
        r.operation = operation;
        if r.credentials.is_none() {
            // One reference count, so that whatever of the answer reaches an error can be
            // redacted of them.
            r.credentials = Some(Arc::clone(credentials));
        }
        if r.attempts > 0 {
            r.retried.push(Attempt {
                status: r.status.take(),
                request_id: r.request_id.take(),
            });
            // What the previous attempt left is not this one's.
            r.retry_hint = None;
            r.too_large = None;
            r.body = None;
        }
        r.attempts += 1;
        AttemptStart {
            number: r.attempts,
            keep_success_body: r.keep_success_body,
        }
    })
}

/// The attempt was answered with `status`, `request_id` (already checked for the literal
/// credentials) and, for an error answer, the wait it asked for.
pub(crate) fn answered(
    status: StatusCode,
    request_id: Option<String>,
    retry_hint: Option<Duration>,
) {
    with_record(|r| {
        r.status = Some(status);
        r.request_id = request_id;
        r.retry_hint = retry_hint;
    });
}

/// Keeps the answer's body as it came (a reference count, not a copy), to decode an error from.
pub(crate) fn keep_body(body: Bytes) {
    with_record(|r| r.body = Some(body));
}

/// The answer's body is larger than `limit` and was not read.
pub(crate) fn too_large(limit: usize) {
    with_record(|r| r.too_large = Some(limit));
}

/// The call is to send the request again after `wait` (the attempt's answer is not read).
pub(crate) fn resend_after(wait: Duration) {
    with_record(|r| r.resend_after = Some(wait));
}

/// The headers for a request of this call: on its first attempt, what `hook` makes of
/// `headers` (kept in the record for the retries); on a retry, the first attempt's, since the
/// hook runs once per call. Outside a facade call, the hook's.
pub(crate) fn hook_headers(headers: &mut HeaderMap, hook: impl FnOnce(&mut HeaderMap)) {
    // The transport counts an attempt as it is sent (after this): one already means a retry.
    let kept = with_record(|r| (r.attempts > 0).then(|| r.hook_headers.clone()).flatten());
    match kept.flatten() {
        Some(kept) => *headers = kept,
        None => {
            hook(headers);
            with_record(|r| r.hook_headers = Some(headers.clone()));
        }
    }
}

/// Runs `fut` (one attempt of a call) with `record` as its call's record, and gives the record
/// back with the output.
pub(crate) fn in_call<F: Future>(record: Box<CallRecord>, fut: F) -> InCall<F> {
    InCall {
        scoped: CALL.scope(RefCell::new(record), fut),
    }
}

pin_project_lite::pin_project! {
    /// The future of [`in_call`]: the generated call goes into the task-local scope as it is,
    /// with no async layer around it (each layer would move it once more per call).
    pub(crate) struct InCall<F: Future> {
        #[pin]
        scoped: TaskLocalFuture<RefCell<Box<CallRecord>>, F>,
    }
}

impl<F: Future> Future for InCall<F> {
    type Output = (F::Output, Box<CallRecord>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut scoped = self.project().scoped;
        let output = ready!(scoped.as_mut().poll(cx));
        let record = scoped
            .take_value()
            .map(RefCell::into_inner)
            .unwrap_or_default();
        Poll::Ready((output, record))
    }
}

// The call's steps, on the record it holds between and after the attempts.

impl CallRecord {
    /// A record for a new call; `keep_success_body` when the call wants a 2xx body's bytes.
    pub(crate) fn new(keep_success_body: bool) -> Box<CallRecord> {
        Box::new(CallRecord {
            keep_success_body,
            ..CallRecord::default()
        })
    }

    /// The wait before sending the request again, when the transport asked for one (and
    /// forgets it).
    pub(crate) fn take_resend(&mut self) -> Option<Duration> {
        self.resend_after.take()
    }

    /// After the last attempt: the request id redacted of a secret being created, and a copy of
    /// the answer's meta for a caller collecting with [`with_response_meta`].
    pub(crate) fn settle(&mut self, new_secret: Option<&SecretString>) {
        if let (Some(secret), Some(id)) = (new_secret, self.request_id.as_mut())
            && crate::redact::could_hold(id.as_bytes(), secret.expose_secret().as_bytes())
        {
            Redactor::new(None, Some(secret)).redact_string(id);
        }
        if let Some(status) = self.status {
            let _ = ANSWERS.try_with(|a| {
                if let Some(meta) = self.meta(status) {
                    a.borrow_mut().push(meta);
                }
            });
        }
    }

    /// The operation, once an attempt was sent.
    pub(crate) fn operation(&self) -> Option<Operation> {
        self.operation
    }

    /// How many attempts were sent.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The last attempt's status, if it was answered.
    pub(crate) fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// How long the last answer (an error) asked to wait before trying again.
    pub(crate) fn retry_hint(&self) -> Option<Duration> {
        self.retry_hint
    }

    /// The body limit the last answer's body exceeded, if it did.
    pub(crate) fn too_large(&self) -> Option<usize> {
        self.too_large
    }

    /// The last answer's body as it came, if the transport kept it.
    pub(crate) fn take_body(&mut self) -> Option<Bytes> {
        self.body.take()
    }

    /// A copy of what callers may see of this record, for an answer with `status`.
    pub(crate) fn meta(&self, status: StatusCode) -> Option<ResponseMeta> {
        Some(ResponseMeta {
            operation: self.operation?,
            status,
            request_id: self.request_id.clone(),
            attempts: self.attempts,
            retried: self.retried.clone(),
        })
    }

    /// What callers may see of this record, for an answer with `status`, without copying.
    pub(crate) fn into_meta(self: Box<Self>, status: StatusCode) -> Option<ResponseMeta> {
        Some(ResponseMeta {
            operation: self.operation?,
            status,
            request_id: self.request_id,
            attempts: self.attempts,
            retried: self.retried,
        })
    }

    /// A redactor for this call's credentials and `new_secret`.
    pub(crate) fn redactor(&self, new_secret: Option<&SecretString>) -> Redactor {
        Redactor::new(self.credentials.as_deref(), new_secret)
    }

    /// The request id, redacted as thoroughly as any other part of the answer (the transport
    /// only made a cheap literal check).
    pub(crate) fn redacted_request_id(&self, redactor: &Redactor) -> Option<String> {
        self.request_id
            .as_deref()
            .map(|id| redactor.redact(id).into_owned())
    }
}

/// Runs `fut` and also returns the [`ResponseMeta`] of every answer the crate's calls inside it
/// received (successes and API errors alike), in order.
///
/// For one call, [`Call::with_meta`](crate::Call::with_meta) is simpler and sees the call
/// wherever it runs. This collects across several calls, including those a method makes on its
/// own (a rotation's `stage` and `retire`, `verify_credentials`), but only those made in the
/// task that polls `fut`: a call in a task spawned inside it (`tokio::spawn`) is not seen; use
/// [`Call::with_meta`](crate::Call::with_meta) there. Errors carry their request id in
/// [`Error::request_id`](crate::Error::request_id).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// use vonage_account::Operation;
/// let (balance, answers) =
///     vonage_account::with_response_meta(client.account().balance()).await;
/// let balance = balance.unwrap();
/// assert_eq!(answers[0].operation, Operation::GetAccountBalance);
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

/// Facts about an answer: its operation, status, request id, and how many attempts it took.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The operation.
    pub operation: Operation,
    /// The HTTP status.
    pub status: StatusCode,
    /// The `X-Request-Id` header, for Vonage support.
    pub request_id: Option<String>,
    /// How many attempts the call took (1 without retries).
    pub attempts: u32,
    /// The attempts before the one that gave this answer, oldest first: one entry per retried
    /// attempt, empty when the first attempt answered.
    pub retried: Vec<Attempt>,
}

impl ResponseMeta {
    /// The request id of every attempt that was answered, oldest first, this answer's last: one
    /// per attempt where retries happened (an attempt that got no answer, a refused connection
    /// say, has none).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), vonage_account::Error> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// use vonage_account::Operation;
    /// use vonage_account_fake::Fault;
    /// fake.inject(Fault::status(503).on(Operation::GetAccountBalance));
    /// let answer = client.account().balance().with_meta().await?;
    /// assert_eq!(answer.meta.attempts, 2);
    /// assert_eq!(answer.meta.request_ids().count(), 2); // the 503's and the 200's
    /// # Ok(()) }
    /// ```
    pub fn request_ids(&self) -> impl Iterator<Item = &str> {
        self.retried
            .iter()
            .filter_map(|a| a.request_id.as_deref())
            .chain(self.request_id.as_deref())
    }
}

/// One attempt of a call that was retried (see [`ResponseMeta::retried`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The status it was answered with; `None` when it got no answer (a connection error).
    pub status: Option<StatusCode>,
    /// The `X-Request-Id` of its answer, if it had one.
    pub request_id: Option<String>,
}
