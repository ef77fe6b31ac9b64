//! One facade call: its attempts, and its outcome turned into the facade's `Result`.
//!
//! [`call`] runs the generated call with a fresh [`CallRecord`] (`src/record.rs`, which shows
//! one call with one retry step by step), again after each wait the transport notes there, and
//! then turns what came back and what the record says into the value or one [`Error`]. (Which
//! retry class a call has does not travel this way: the transport reads it from the operation
//! table.) No request is copied in case it has to be resent: a retry runs the generated call
//! again.
//!
//! Every facade method returns a [`Call`]: awaited, it gives the value; through
//! [`Call::with_meta`], the value with the [`ResponseMeta`] of the answer that carried it. Both
//! are the same future underneath, so the metadata costs nothing when nobody asks for it: the
//! request id is read from the answer either way, and the list of earlier attempts only grows
//! when a call was retried.

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use progenitor_client::{Error as G, ResponseValue};
use reqwest::StatusCode;
use secrecy::SecretString;

use crate::{
    Error, Operation, RetryClass,
    error::{ApiError, decode_error_body, describe_reqwest, redacted_excerpt, strip_bom},
    record::{CallRecord, ResponseMeta, in_call},
    redact::Redactor,
};

/// A value and the [`ResponseMeta`] of the answer that carried it, from [`Call::with_meta`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), vonage_account::Error> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// let answer = client.account().balance().with_meta().await?;
/// println!("{} EUR (request id {:?})", answer.value.value, answer.request_id());
/// let balance = answer.into_value();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answer<T> {
    /// The value.
    pub value: T,
    /// What the answer said about itself.
    pub meta: ResponseMeta,
}

impl<T> Answer<T> {
    /// The `X-Request-Id` of the answer (the last attempt's), for logs or Vonage support.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }

    /// The value, without the metadata.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The same metadata with the value turned into another.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            value: f(self.value),
            meta: self.meta,
        }
    }
}

pin_project_lite::pin_project! {
    /// One API call, from a facade method such as
    /// [`Account::balance`](crate::Account::balance). It is a future: await it for the value.
    /// Or call [`with_meta`](Call::with_meta) and await that for the value with its
    /// [`ResponseMeta`] (request id, status, attempts).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), vonage_account::Error> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// let balance = client.account().balance().await?; // the value
    /// let answer = client.account().balance().with_meta().await?; // the value and its meta
    /// assert_eq!(answer.value, balance);
    /// # Ok(()) }
    /// ```
    #[must_use = "a call does nothing until awaited"]
    pub struct Call<F> {
        #[pin]
        answer: F,
    }
}

impl<F> Call<F> {
    pub(crate) fn new(answer: F) -> Call<F> {
        Call { answer }
    }

    /// The call, resolving to the value together with the [`ResponseMeta`] of the answer that
    /// carried it, wherever it runs (inside a spawned task too, unlike
    /// [`with_response_meta`](crate::with_response_meta)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// let secrets = client.secrets();
    /// let task = tokio::spawn(async move { secrets.list().with_meta().await });
    /// let answer = task.await??;
    /// println!("{} secrets (request id {:?})", answer.value.len(), answer.request_id());
    /// # Ok(()) }
    /// ```
    pub fn with_meta(self) -> F {
        self.answer
    }
}

impl<T, F> Future for Call<F>
where
    F: Future<Output = Result<Answer<T>, Error>>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .answer
            .poll(cx)
            .map(|answer| answer.map(Answer::into_value))
    }
}

/// Runs one generated-client call and turns its outcome into the facade's: the value, or one
/// [`Error`].
///
/// A 2xx the spec does not list (a 200 where 201 is documented, a 200 or 202 where 204 is) is
/// accepted and decoded as the documented success. An operation with nothing to decode (its
/// value is `()`) takes any 2xx with any body: the status is the answer. Every error answer is
/// decoded from its bytes as they came, with the request's credentials redacted.
///
/// Not an `async fn` itself: each layer of async functions around the generated call's future
/// (several KB) would move it once more.
///
/// `send` starts the generated call; it runs again for each retry the transport asks for (see
/// [`CallRecord::take_resend`]), so nothing keeps a copy of the request.
pub(crate) fn call<T, E, F>(
    send: impl FnMut() -> F,
) -> impl Future<Output = Result<Answer<T>, Error>>
where
    T: serde::de::DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, G<E>>>,
{
    call_redacting(send, None)
}

/// [`call`] for a request that carries a new secret (a create): the answer is redacted of it
/// as of the credentials.
pub(crate) fn call_with_secret<T, E, F>(
    send: impl FnMut() -> F,
    new_secret: &SecretString,
) -> impl Future<Output = Result<Answer<T>, Error>>
where
    T: serde::de::DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, G<E>>>,
{
    call_redacting(send, Some(new_secret))
}

/// Runs the generated call `$send` (a closure) starts inside a fresh record, again after each
/// wait the transport notes, and evaluates to the last attempt's outcome and the record.
///
/// A macro in the caller's `async fn` rather than an `async fn` of its own: every layer of
/// futures around the generated call is one more move of it per call.
macro_rules! attempts {
    ($send:expr, $keep_success_body:expr, $new_secret:expr) => {{
        let mut send = $send;
        let mut record = CallRecord::new($keep_success_body);
        let outcome = loop {
            let (outcome, back) = in_call(record, Slim { generated: send() }).await;
            record = back;
            match record.take_resend() {
                Some(wait) => {
                    drop(outcome);
                    // Boxed: only a retry needs a timer in this future.
                    Box::pin(tokio::time::sleep(wait)).await;
                }
                None => break outcome,
            }
        };
        record.settle($new_secret);
        (outcome, record)
    }};
}

pin_project_lite::pin_project! {
    /// The generated call with a small output: its value and status, or its error boxed. The
    /// output is moved through every layer between the generated call and the facade (each
    /// poll of the task-local scope, the attempt loop); as the generated client gives it, it is
    /// several hundred bytes, mostly for errors and headers nobody reads.
    struct Slim<F> {
        #[pin]
        generated: F,
    }
}

/// What a [`Slim`] call gives: the value and its status, or the generated client's error.
type SlimOutcome<T, E> = Result<(StatusCode, T), Box<G<E>>>;

impl<T, E, F> Future for Slim<F>
where
    F: Future<Output = Result<ResponseValue<T>, G<E>>>,
{
    type Output = SlimOutcome<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .generated
            .poll(cx)
            .map(|outcome| match outcome {
                Ok(value) => Ok((value.status(), value.into_inner())),
                Err(e) => Err(Box::new(e)),
            })
    }
}

/// The error for a body that was too large to read, if it was.
fn too_large(record: &CallRecord, new_secret: Option<&SecretString>) -> Option<Error> {
    let (limit, status) = (record.too_large()?, record.status()?);
    let error = Error::ResponseTooLarge {
        status,
        request_id: record.redacted_request_id(&record.redactor(new_secret)),
        limit,
    };
    Some(failed(record, error))
}

/// Says that the call ends in `error` after its attempts, and returns it: at WARN when Vonage
/// or the network failed (a 5xx, a 429, no answer in time, a broken connection, an answer that
/// could not be read), at INFO when Vonage refused what was asked (any other error answer).
/// The fields are listed in the crate docs ("Logging"); the error's text is redacted and
/// escaped like its `Display`.
fn failed(record: &CallRecord, error: Error) -> Error {
    use crate::ErrorKind as K;
    macro_rules! event {
        ($level:expr) => {
            tracing::event!(
                $level,
                operation = record.operation().map(Operation::id),
                kind = error.kind().as_str(),
                status = error.status().map(|s| s.as_u16()),
                attempts = record.attempts(),
                request_id = error.request_id(),
                error = %error,
                "vonage_account.call_failed"
            )
        };
    }
    match error.kind() {
        K::ServerError
        | K::RateLimited
        | K::Timeout
        | K::Transport
        | K::Decode
        | K::ResponseTooLarge
        | K::Redirect => event!(tracing::Level::WARN),
        _ => event!(tracing::Level::INFO),
    }
    error
}

/// Whether the record's final answer was a 2xx.
fn answered_success(record: &CallRecord) -> bool {
    record.status().is_some_and(|s| s.is_success())
}

async fn call_redacting<T, E, F>(
    send: impl FnMut() -> F,
    new_secret: Option<&SecretString>,
) -> Result<Answer<T>, Error>
where
    T: serde::de::DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, G<E>>>,
{
    let (outcome, mut record) = attempts!(send, false, new_secret);
    if let Some(error) = too_large(&record, new_secret) {
        return Err(error);
    }
    match outcome {
        Ok((status, value)) => answered(value, status, record),
        // Boxed, and the error with it: otherwise the future of every call would carry the
        // size of the rare path's state.
        Err(error) => {
            let (status, body) =
                Box::pin(undecoded_success(error, &mut record, new_secret)).await?;
            decode_success(status, &body, record, new_secret)
        }
    }
}

/// For a call the generated client did not decode: the body of a 2xx it did not expect or
/// could not read, as it came, or the facade's error for any other outcome.
async fn undecoded_success<E>(
    error: Box<G<E>>,
    record: &mut CallRecord,
    new_secret: Option<&SecretString>,
) -> Result<(StatusCode, Bytes), Error> {
    match *error {
        G::UnexpectedResponse(response) if response.status().is_success() => {
            let status = response.status();
            Ok((status, response.bytes().await.unwrap_or_default()))
        }
        G::InvalidResponsePayload(body, _) if answered_success(record) => {
            Ok((record.status().unwrap_or(StatusCode::OK), body))
        }
        e => {
            let error = from_generated(e, record, new_secret).await;
            Err(failed(record, error))
        }
    }
}

/// Decodes a 2xx body the generated client did not (an undocumented 2xx) or could not (a body
/// that did not fit, retried here without a byte-order mark).
fn decode_success<T: serde::de::DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
    record: Box<CallRecord>,
    new_secret: Option<&SecretString>,
) -> Result<Answer<T>, Error> {
    let text = strip_bom(body);
    let text: &[u8] = if text.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        text
    };
    let value = serde_json::from_slice(text).or_else(|e| {
        // A value that decodes from `null` (`()`) has nothing to decode: any body will do.
        serde_json::from_slice(b"null").map_err(|_| e)
    });
    match value {
        Ok(value) => answered(value, status, record),
        Err(e) => {
            let error = decode_error(status, &e.to_string(), body, &record, new_secret);
            Err(failed(&record, error))
        }
    }
}

/// A decoded success with what its record says about it.
fn answered<T>(value: T, status: StatusCode, record: Box<CallRecord>) -> Result<Answer<T>, Error> {
    let attempts = record.attempts();
    match record.into_meta(status) {
        Some(meta) => Ok(Answer { value, meta }),
        // Every request the generated clients send goes through the transport, which records
        // the operation (build.rs checks that every operation id is in the table); a success
        // without a record would be a bug here, reported rather than hidden.
        None => Err(Error::Transport {
            message: "internal error: the answer was not recorded".into(),
            attempts,
        }),
    }
}

/// A 2xx whose body could not be decoded, with the request's credentials redacted from the
/// reason and the excerpt. For an operation that changes state, it says so: the request was
/// accepted, so sending it again may do it twice.
fn decode_error(
    status: StatusCode,
    reason: &str,
    body: &[u8],
    record: &CallRecord,
    new_secret: Option<&SecretString>,
) -> Error {
    let redactor = record.redactor(new_secret);
    let mut reason = redactor.redact(reason).into_owned();
    if record.operation().map(Operation::retry_class) == Some(RetryClass::ConnectOnly) {
        reason.push_str(&format!(
            "; Vonage accepted the request ({status}), so it has probably taken effect: check \
             before sending it again"
        ));
    }
    Error::Decode {
        status,
        request_id: record.redacted_request_id(&redactor),
        reason,
        excerpt: redacted_excerpt(body, &redactor),
    }
}

/// The API error for an answer with `status` and `body`, decoded from the bytes as they came
/// and redacted.
fn api_error(
    status: StatusCode,
    body: &[u8],
    record: &CallRecord,
    new_secret: Option<&SecretString>,
) -> Error {
    let redactor = record.redactor(new_secret);
    let (body, json) = decode_error_body(body, &redactor);
    Error::Api(Box::new(ApiError {
        status,
        request_id: record.redacted_request_id(&redactor),
        body,
        json,
        retry_after: record.retry_hint(),
    }))
}

/// A 2xx answer as it came, for a facade method that decides itself what it means (a top-up,
/// whose 2xx may carry a failure code).
pub(crate) struct RawAnswer {
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<String>,
    /// The body as it came.
    pub(crate) body: Bytes,
    record: Box<CallRecord>,
}

impl RawAnswer {
    /// What the answer said about itself, with the request id as redacted here.
    pub(crate) fn meta(&self) -> Result<ResponseMeta, Error> {
        let mut meta = self
            .record
            .meta(self.status)
            .ok_or_else(|| Error::Transport {
                message: "internal error: the answer was not recorded".into(),
                attempts: self.record.attempts(),
            })?;
        meta.request_id.clone_from(&self.request_id);
        Ok(meta)
    }

    /// A redactor for the credentials the request carried.
    pub(crate) fn redactor(&self) -> Redactor {
        self.record.redactor(None)
    }

    /// This answer as an API error, decoded from its bytes.
    pub(crate) fn into_error(self) -> Error {
        let error = api_error(self.status, &self.body, &self.record, None);
        failed(&self.record, error)
    }

    /// This answer as a [`Error::Decode`] for `reason` (redacted, like the excerpt).
    pub(crate) fn into_decode_error(self, reason: &str) -> Error {
        let error = decode_error(self.status, reason, &self.body, &self.record, None);
        failed(&self.record, error)
    }
}

/// Runs one generated-client call and hands back its 2xx answer's body as it came, whatever the
/// generated client made of it; any other outcome is the [`Error`] [`call`] would give.
pub(crate) async fn call_raw<T, E, F>(send: impl FnMut() -> F) -> Result<RawAnswer, Error>
where
    F: Future<Output = Result<ResponseValue<T>, G<E>>>,
{
    let (outcome, mut record) = attempts!(send, true, None);
    if let Some(error) = too_large(&record, None) {
        return Err(error);
    }
    let (status, body) = match outcome {
        Ok((status, _)) => (status, record.take_body().unwrap_or_default()),
        Err(error) => Box::pin(undecoded_success(error, &mut record, None)).await?,
    };
    let redactor = record.redactor(None);
    Ok(RawAnswer {
        status,
        request_id: record.redacted_request_id(&redactor),
        body,
        record,
    })
}

/// Turns the generated client's error into the facade's. An error answer is decoded from the
/// bytes the transport kept, never from the generated client's typed value: its error schema
/// has no place for some of the fields Vonage sends.
async fn from_generated<E>(
    error: G<E>,
    record: &mut CallRecord,
    new_secret: Option<&SecretString>,
) -> Error {
    match error {
        G::ErrorResponse(value) => {
            let body = record.take_body().unwrap_or_default();
            api_error(value.status(), &body, record, new_secret)
        }
        G::UnexpectedResponse(response) => {
            let status = response.status();
            let body = match record.take_body() {
                Some(body) => body,
                None => response.bytes().await.unwrap_or_default(),
            };
            api_error(status, &body, record, new_secret)
        }
        G::InvalidResponsePayload(body, e) => match record.status() {
            Some(status) if !status.is_success() => {
                let body = record.take_body().unwrap_or(body);
                api_error(status, &body, record, new_secret)
            }
            status => decode_error(
                status.unwrap_or(StatusCode::OK),
                &e.to_string(),
                &body,
                record,
                new_secret,
            ),
        },
        G::CommunicationError(e) | G::ResponseBodyError(e) | G::InvalidUpgrade(e) => {
            if e.is_timeout() {
                Error::Timeout {
                    attempts: record.attempts().max(1),
                }
            } else {
                Error::Transport {
                    message: describe_reqwest(&e),
                    attempts: record.attempts().max(1),
                }
            }
        }
        G::InvalidRequest(message) | G::Custom(message) => Error::Transport {
            message: format!("the request could not be built: {message}"),
            attempts: record.attempts(),
        },
    }
}
