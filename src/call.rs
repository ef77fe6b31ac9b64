//! One facade call: what it saw on the wire across its attempts, and its outcome turned into the
//! facade's `Result`.
//!
//! The generated clients' error type has no room for the attempts, the request id of the answer
//! or a body refused for its size, so the transport writes them into a task-local
//! [`CallRecord`] that [`call`] sets up around each generated call and reads afterwards. (Which
//! retry class a call has does not travel this way: the transport reads it from the operation
//! table.)
//!
//! Every facade method returns a [`Call`]: awaited, it gives the value; through
//! [`Call::with_meta`], the value with the [`ResponseMeta`] of the answer that carried it. Both
//! are the same future underneath, so the metadata costs nothing when nobody asks for it: the
//! request id is read from the answer either way, and the list of earlier attempts only grows
//! when a call was retried.

use std::{
    cell::RefCell,
    pin::Pin,
    task::{Context, Poll},
};

use reqwest::StatusCode;

use crate::{
    Error, Operation,
    error::{ApiError, ErrorBody, describe_reqwest, excerpt},
};

/// What one facade call saw on the wire, across all its attempts.
#[derive(Debug, Default, Clone)]
pub(crate) struct CallRecord {
    pub(crate) operation: Option<Operation>,
    pub(crate) attempts: u32,
    /// The current attempt's status, once it answered.
    pub(crate) status: Option<StatusCode>,
    /// The current attempt's request id, once it answered.
    pub(crate) request_id: Option<String>,
    /// The attempts before the current one, oldest first (empty unless the call was retried).
    pub(crate) retried: Vec<Attempt>,
    /// The last response's body was larger than this limit (and was not read).
    pub(crate) too_large: Option<usize>,
}

impl CallRecord {
    /// Starts attempt number `attempt`: the previous one, if any, joins the earlier attempts.
    pub(crate) fn start_attempt(&mut self, attempt: u32) {
        if self.attempts > 0 {
            self.retried.push(Attempt {
                status: self.status.take(),
                request_id: self.request_id.take(),
            });
        }
        self.attempts = attempt;
    }

    /// A copy of what callers may see of this record, for an answer with `status`.
    fn meta(&self, status: StatusCode) -> Option<ResponseMeta> {
        Some(ResponseMeta {
            operation: self.operation?,
            status,
            request_id: self.request_id.clone(),
            attempts: self.attempts,
            retried: self.retried.clone(),
        })
    }

    /// What callers may see of this record, for an answer with `status`, without copying.
    fn into_meta(self, status: StatusCode) -> Option<ResponseMeta> {
        Some(ResponseMeta {
            operation: self.operation?,
            status,
            request_id: self.request_id,
            attempts: self.attempts,
            retried: self.retried,
        })
    }
}

tokio::task_local! {
    static CALL: RefCell<CallRecord>;
    static ANSWERS: RefCell<Vec<ResponseMeta>>;
}

/// Updates the record of the facade call this request belongs to (nothing outside one).
pub(crate) fn note(f: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|c| f(&mut c.borrow_mut()));
}

/// Runs `fut` and also returns the [`ResponseMeta`] of every answer the crate's calls inside it
/// received (successes and API errors alike), in order.
///
/// For one call, [`Call::with_meta`] is simpler and sees the call wherever it runs. This
/// collects across several calls, but only those made in the task that polls `fut`: a call in a
/// task spawned inside it (`tokio::spawn`) is not seen; use [`Call::with_meta`] there. Errors
/// carry their request id in [`Error::request_id`](crate::Error::request_id).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// # let fake = vonage_account::testing::FakeVonage::start().await;
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
    /// # let fake = vonage_account::testing::FakeVonage::start().await;
    /// # let client = fake.client();
    /// use vonage_account::{Operation, testing::Fault};
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

/// A value and the [`ResponseMeta`] of the answer that carried it, from [`Call::with_meta`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), vonage_account::Error> {
/// # let fake = vonage_account::testing::FakeVonage::start().await;
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
    /// # let fake = vonage_account::testing::FakeVonage::start().await;
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
    /// [`with_response_meta`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = vonage_account::testing::FakeVonage::start().await;
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

/// Runs one generated-client call and turns its outcome into the facade's: the value with its
/// [`ResponseMeta`], or one [`Error`]. A 2xx the spec does not list (a 200 where 201 is
/// documented, a 200 where 204 is) is accepted and decoded as the documented success.
pub(crate) async fn call<T, E, F>(fut: F) -> Result<Answer<T>, Error>
where
    T: serde::de::DeserializeOwned,
    E: serde::Serialize,
    F: Future<Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>>,
{
    let (outcome, record) = CALL
        .scope(RefCell::default(), async move {
            let out = fut.await;
            (out, CALL.with(|c| c.take()))
        })
        .await;
    if let Some(status) = record.status {
        // A copy only for a caller collecting with `with_response_meta`.
        let _ = ANSWERS.try_with(|a| {
            if let Some(meta) = record.meta(status) {
                a.borrow_mut().push(meta);
            }
        });
    }
    if let (Some(limit), Some(status)) = (record.too_large, record.status) {
        return Err(Error::ResponseTooLarge {
            status,
            request_id: record.request_id,
            limit,
        });
    }
    match outcome {
        Ok(value) => {
            let status = value.status();
            answered(value.into_inner(), status, record)
        }
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
                Ok(value) => answered(value, status, record),
                Err(e) => Err(Error::Decode {
                    status,
                    request_id: record.request_id,
                    reason: e.to_string(),
                    excerpt: excerpt(&body),
                }),
            }
        }
        Err(e) => Err(from_generated(e, &record).await),
    }
}

/// A decoded success with what its record says about it.
fn answered<T>(value: T, status: StatusCode, record: CallRecord) -> Result<Answer<T>, Error> {
    let attempts = record.attempts;
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

/// Turns the generated client's error into the facade's.
async fn from_generated<E: serde::Serialize>(
    error: progenitor_client::Error<E>,
    record: &CallRecord,
) -> Error {
    use progenitor_client::Error as G;
    let api = |status: StatusCode, body: ErrorBody| {
        Error::Api(Box::new(ApiError {
            status,
            request_id: record.request_id.clone(),
            body,
        }))
    };
    match error {
        G::ErrorResponse(value) => {
            let status = value.status();
            let body = serde_json::to_vec(value.as_ref()).unwrap_or_default();
            api(status, ErrorBody::parse(&body))
        }
        G::UnexpectedResponse(response) => {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            api(status, ErrorBody::parse(&body))
        }
        G::InvalidResponsePayload(body, e) => match record.status {
            Some(status) if !status.is_success() => api(status, ErrorBody::parse(&body)),
            status => Error::Decode {
                status: status.unwrap_or(StatusCode::OK),
                request_id: record.request_id.clone(),
                reason: e.to_string(),
                excerpt: excerpt(&body),
            },
        },
        G::CommunicationError(e) | G::ResponseBodyError(e) | G::InvalidUpgrade(e) => {
            if e.is_timeout() {
                Error::Timeout {
                    attempts: record.attempts.max(1),
                }
            } else {
                Error::Transport {
                    message: describe_reqwest(&e),
                    attempts: record.attempts.max(1),
                }
            }
        }
        G::InvalidRequest(message) | G::Custom(message) => Error::Transport {
            message: format!("the request could not be built: {message}"),
            attempts: record.attempts,
        },
    }
}
