//! Calls that must never be sent twice, when their answer is lost: the error that says so, and
//! how to find out what happened.
//!
//! The Subaccounts API has no idempotency key. A create, a credit or balance transfer, or a
//! number transfer whose request may have reached Vonage but whose answer did not come back (the
//! connection broke, the time ran out, a gateway answered 5xx, the body could not be read) may
//! have been done. The crate never sends such a call again (their retry class is
//! `connect-only`), and turns the failure into [`Error::OutcomeUnknown`] holding an
//! [`UnknownOutcome`]: what was asked, when, and how to settle it.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use crate::{
    Amount, Error, ErrorKind, Operation, RetryClass,
    error::{LostAnswer, Nested, NestedError},
};

use super::types::TransferKind;

/// How far before the send time the ledger is searched, for the difference between this
/// machine's clock and Vonage's.
pub const SETTLE_CLOCK_MARGIN: Duration = Duration::minutes(2);

/// A call whose outcome is unknown (see [`Error::OutcomeUnknown`]): what it asked, when it was
/// sent, why its answer was lost, and how to find out whether it was done.
///
/// [`Subaccounts::settle`](crate::Subaccounts::settle) does the looking.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnknownOutcome {
    /// The operation.
    pub operation: Operation,
    /// When the request was about to be sent (this machine's clock).
    pub sent_at: DateTime<Utc>,
    /// What was asked, so that it can be found.
    pub asked: Asked,
    /// Why the answer was lost: the network, timeout, 5xx or decoding error.
    pub cause: Error,
}

/// What a call whose outcome is unknown asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Asked {
    /// A transfer of credit or balance, findable by its reference.
    Transfer {
        /// Credit or balance.
        kind: TransferKind,
        /// The reference it was sent with (given, or made for the call).
        reference: String,
        /// The account the amount was to leave.
        from: String,
        /// The account it was to go to.
        to: String,
        /// The amount.
        amount: Amount,
    },
    /// A new sub-account, findable by its name and creation time.
    Create {
        /// The name it was sent with.
        name: String,
    },
    /// A number transfer: whether it moved shows in who owns the number now.
    NumberTransfer {
        /// The number.
        number: String,
        /// Its country.
        country: String,
        /// The account it was to leave.
        from: String,
        /// The account it was to go to.
        to: String,
    },
}

impl UnknownOutcome {
    /// The time from which to search the ledger: the send time less
    /// [`SETTLE_CLOCK_MARGIN`].
    pub fn search_from(&self) -> DateTime<Utc> {
        self.sent_at - SETTLE_CLOCK_MARGIN
    }

    /// What to do, in a sentence.
    pub fn how_to_settle(&self) -> String {
        let since = super::request::wire_time(&self.search_from());
        match &self.asked {
            Asked::Transfer {
                kind, reference, ..
            } => format!(
                "look for reference {reference:?} among the {kind} transfers since {since} \
                 (Subaccounts::settle or find_transfer), and send it again only if it is not there"
            ),
            Asked::Create { name } => format!(
                "look for a sub-account named {name:?} created since {since} (Subaccounts::settle \
                 or find_created) before creating it again; its secret was in the lost answer, so \
                 give it a new one with secrets_for"
            ),
            Asked::NumberTransfer { number, from, .. } => format!(
                "check which account owns {number} now: if not {from}, it moved; sending the same \
                 transfer again cannot move it twice (mark it NumberMove::after_unknown_outcome)"
            ),
        }
    }
}

impl fmt::Display for UnknownOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the outcome of {} is unknown, it may have been done ({}); it was not sent again: {}",
            self.operation,
            self.cause,
            self.how_to_settle()
        )
    }
}

impl NestedError for UnknownOutcome {
    fn kind(&self) -> ErrorKind {
        ErrorKind::OutcomeUnknown
    }

    fn call_error(&self) -> Option<&Error> {
        Some(&self.cause)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn clone_box(&self) -> Box<dyn NestedError> {
        Box::new(self.clone())
    }
}

/// The sub-accounts' side of [`Error`]: an unknown outcome read back from the one error.
impl Error {
    /// What is known of a call whose outcome is unknown (see [`Error::OutcomeUnknown`]).
    pub fn outcome_unknown(&self) -> Option<&UnknownOutcome> {
        match self {
            Error::OutcomeUnknown(LostAnswer(nested)) => nested.as_any().downcast_ref(),
            _ => None,
        }
    }
}

impl std::error::Error for UnknownOutcome {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// What [`Subaccounts::settle`](crate::Subaccounts::settle) found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Settlement {
    /// The transfer is in the ledger: it was made (once: its reference was this call's).
    Transferred(super::Transfer),
    /// Sub-accounts with the name, created since the send time: the newest is most likely the
    /// one created (names are not unique, so check the others too). Its secret was in the lost
    /// answer: give it a new one.
    Created(Vec<super::Subaccount>),
    /// Nothing was found: as far as the ledger or the list shows now, it was not done.
    NotFound,
    /// A number transfer: who owns the number now says whether it moved (the Numbers API; this
    /// crate does not read it).
    CheckNumberOwner,
}

/// Whether an error of `operation` (a connect-only call sent at `sent_at`) leaves its outcome
/// unknown: the request may have reached Vonage and no answer says what happened.
pub(crate) fn is_unknown(error: &Error) -> bool {
    match error {
        // Sent, no complete answer.
        Error::Timeout { .. } => true,
        // The transport sends a connect-only call again only when no connection was made; when
        // none could be made at all, it never left. Any other failure may have reached Vonage.
        Error::Transport { message, .. } => !message.starts_with(NO_CONNECTION),
        // Vonage (or a gateway) answered 2xx, but the answer could not be read.
        Error::Decode { .. } | Error::ResponseTooLarge { .. } => true,
        // A gateway may answer 5xx after Vonage did the work.
        Error::Api(api) => api.status.is_server_error(),
        _ => false,
    }
}

/// How the transport describes a connection that could not be made (`describe_reqwest`).
pub(crate) const NO_CONNECTION: &str = "could not connect";

/// `error` as an unknown outcome, when it is one; otherwise as it is.
pub(crate) fn classify(
    error: Error,
    operation: Operation,
    sent_at: DateTime<Utc>,
    asked: impl FnOnce() -> Asked,
) -> Error {
    debug_assert_eq!(operation.retry_class(), RetryClass::ConnectOnly);
    if is_unknown(&error) {
        Error::OutcomeUnknown(LostAnswer(Nested::new(UnknownOutcome {
            operation,
            sent_at,
            asked: asked(),
            cause: without_excerpt(error, operation),
        })))
    } else {
        error
    }
}

/// A number transfer sent again after an unknown outcome, refused because the number is not
/// `from`'s or is `to`'s already: it may have moved on the first attempt.
pub(crate) fn number_refusal_after_unknown(
    error: Error,
    asked: Asked,
    sent_at: DateTime<Utc>,
) -> Error {
    let moved_maybe = matches!(
        error.kind(),
        ErrorKind::InvalidNumberTransfer | ErrorKind::TransferConflict
    );
    if moved_maybe {
        Error::OutcomeUnknown(LostAnswer(Nested::new(UnknownOutcome {
            operation: Operation::TransferNumber,
            sent_at,
            asked,
            cause: error,
        })))
    } else {
        error
    }
}

/// The cause kept in an [`UnknownOutcome`]: as it came, except that the start of an undecodable
/// create answer is withheld (it may hold the new sub-account's secret, which nothing else
/// could redact).
fn without_excerpt(error: Error, operation: Operation) -> Error {
    match error {
        Error::Decode {
            status, request_id, ..
        } if operation == Operation::CreateSubAccount => Error::Decode {
            status,
            request_id,
            reason: "the answer does not have the documented shape (its text is withheld: it \
                     may hold the new secret)"
                .into(),
            excerpt: String::new(),
        },
        other => other,
    }
}
