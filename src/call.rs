//! One facade call: what it saw on the wire across its attempts, and its outcome turned into the
//! facade's `Result`.
//!
//! The generated clients' error type has no room for the attempts, the request id of the answer
//! or a body refused for its size, so the transport writes them into a task-local
//! [`CallRecord`] that [`call`] sets up around each generated call and reads afterwards. (Which
//! retry class a call has does not travel this way: the transport reads it from the operation
//! table.)

use std::cell::RefCell;

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
    pub(crate) status: Option<StatusCode>,
    pub(crate) request_id: Option<String>,
    /// The last response's body was larger than this limit (and was not read).
    pub(crate) too_large: Option<usize>,
}

impl CallRecord {
    /// What callers may see of this record, for an answer with `status`.
    fn meta(&self, status: StatusCode) -> Option<ResponseMeta> {
        Some(ResponseMeta {
            operation: self.operation?,
            status,
            request_id: self.request_id.clone(),
            attempts: self.attempts,
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
/// This is how a caller reaches the `X-Request-Id` of a successful call, for logs or Vonage
/// support; errors carry theirs in [`Error::request_id`](crate::Error::request_id).
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
}

/// A value and what the answer that carried it said about itself.
#[derive(Debug, Clone)]
pub(crate) struct Answered<T> {
    pub(crate) value: T,
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<String>,
}

/// Runs one generated-client call and turns its outcome into the facade's: the value, or one
/// [`Error`]. A 2xx the spec does not list (a 200 where 201 is documented, a 200 where 204 is) is
/// accepted and decoded as the documented success.
pub(crate) async fn call<T, E, F>(fut: F) -> Result<Answered<T>, Error>
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
    if let Some(meta) = record.status.and_then(|status| record.meta(status)) {
        let _ = ANSWERS.try_with(|a| a.borrow_mut().push(meta));
    }
    if let (Some(limit), Some(status)) = (record.too_large, record.status) {
        return Err(Error::ResponseTooLarge {
            status,
            request_id: record.request_id,
            limit,
        });
    }
    match outcome {
        Ok(value) => Ok(Answered {
            status: value.status(),
            request_id: record.request_id,
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
                    status,
                    request_id: record.request_id,
                }),
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
