//! The retry policy: which calls may be sent again, after which failures, and how long to wait.
//!
//! Pure decisions, no I/O: after each attempt the transport asks [`RetryConfig::after_status`]
//! or [`RetryConfig::after_failure`]; when they give a wait, the call waits and runs the
//! generated call again, otherwise it returns what it has. Which
//! class an operation is in comes from the operation table ([`Operation::retry_class`], the
//! spec's `x-retry`).
//!
//! [`Operation::retry_class`]: crate::Operation::retry_class

use std::time::Duration;

use reqwest::{StatusCode, header::HeaderMap};

/// Whether an operation may be sent again once the request may have reached Vonage (the spec's
/// `x-retry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// Reads, and writes that set values (`x-retry: repeatable`): sent again on 429, 502, 503,
    /// 504 and on transport errors other than timeouts.
    Repeatable,
    /// Calls that charge money or change state each time (top-up, create, revoke;
    /// `x-retry: connect-only`): sent again only when no connection could be made at all, so the
    /// server never saw the request.
    ConnectOnly,
}

/// When and how often a failed call is sent again.
///
/// Only calls that are safe to repeat ([`RetryClass::Repeatable`]) are retried on an answer or a
/// broken connection: on 429, 502, 503, 504 and transport errors other than timeouts. The
/// others ([`RetryClass::ConnectOnly`]) are sent again only when no connection could be made at
/// all. [`Operation::retry_class`](crate::Operation::retry_class) says which class each call is in.
///
/// The wait before retry `n` is a random duration between half and all of
/// `min(base_delay * 2^(n-1), max_delay)`. A 429 answer's `Retry-After` (seconds or an HTTP date)
/// replaces that wait; if it asks for longer than `max_delay`, the 429 is returned instead.
///
/// ```
/// use std::time::Duration;
/// use vonage_account::RetryConfig;
/// let retry = RetryConfig::default()
///     .max_retries(4)
///     .base_delay(Duration::from_millis(50))
///     .max_delay(Duration::from_secs(2));
/// assert_eq!(retry.get_max_retries(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryConfig {
    /// Two retries, starting at 200 ms, waiting at most 5 s.
    fn default() -> Self {
        RetryConfig {
            max_retries: 2,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// How a request failed without an answer, as far as retrying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection was never made: the server never saw the request.
    Connect,
    /// The attempt used up its time budget.
    Timeout,
    /// The request could not even be built.
    Builder,
    /// The connection broke after it was made: the server may have seen the request.
    Other,
}

impl Failure {
    pub(crate) fn of(error: &reqwest::Error) -> Failure {
        if error.is_connect() {
            Failure::Connect
        } else if error.is_timeout() {
            Failure::Timeout
        } else if error.is_builder() {
            Failure::Builder
        } else {
            Failure::Other
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub const NONE: RetryConfig = RetryConfig {
        max_retries: 0,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    };

    /// How many times a call may be sent again after the first attempt (0 disables retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The wait before the first retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait before any retry, and the longest `Retry-After` honoured.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How many times a call may be sent again after the first attempt.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before the first retry.
    pub fn get_base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest wait before any retry.
    pub fn get_max_delay(&self) -> Duration {
        self.max_delay
    }

    /// Whether attempt number `attempt` (1-based) may be followed by another.
    pub(crate) fn may_resend(&self, attempt: u32) -> bool {
        attempt <= self.max_retries
    }

    /// After attempt `attempt` was answered with `status`: the wait before sending it again, or
    /// `None` to return the answer.
    pub(crate) fn after_status(
        &self,
        class: RetryClass,
        attempt: u32,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Option<Duration> {
        if class != RetryClass::Repeatable || !self.may_resend(attempt) || !retryable_status(status)
        {
            return None;
        }
        match retry_after(headers) {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }

    /// After attempt `attempt` failed without a (complete) answer: the wait before sending it
    /// again, or `None` to return the failure.
    pub(crate) fn after_failure(
        &self,
        class: RetryClass,
        attempt: u32,
        failure: Failure,
    ) -> Option<Duration> {
        if !self.may_resend(attempt) {
            return None;
        }
        let again = match (failure, class) {
            // The connection was never made, so the server never saw the request.
            (Failure::Connect, _) => true,
            // A timeout used up the caller's time budget for this attempt; another attempt would
            // double the wait the caller asked for.
            (Failure::Timeout | Failure::Builder, _) => false,
            (Failure::Other, RetryClass::Repeatable) => true,
            (Failure::Other, RetryClass::ConnectOnly) => false,
        };
        again.then(|| self.backoff(attempt))
    }

    /// The jittered exponential wait before retry number `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }
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

/// How long an error answer asks the client to wait before its next request, from when it
/// arrived: its `Retry-After` (seconds or an HTTP date), or for a 429 without one, its
/// `X-RateLimit-Reset` (see [`rate_limit_reset`]). What [`Error::retry_after`] gives.
///
/// [`Error::retry_after`]: crate::Error::retry_after
pub(crate) fn retry_hint(status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
    retry_after(headers).or_else(|| {
        (status == StatusCode::TOO_MANY_REQUESTS)
            .then(|| rate_limit_reset(headers))
            .flatten()
    })
}

/// `X-RateLimit-Reset`, when the rate limit resets, as a wait from now. Vonage documents it as
/// a Unix timestamp and its example (`1769182705723`) is in milliseconds; a value too small to
/// be milliseconds since 2001 is read as seconds since the epoch, and one too small for that
/// (before 2001) as seconds from now, as some gateways send it. A time already past is no wait.
fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let value: u64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let at = match value {
        1_000_000_000_000.. => Duration::from_millis(value),
        1_000_000_000.. => Duration::from_secs(value),
        _ => return Some(Duration::from_secs(value)),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(at.saturating_sub(now))
}

/// Reads `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = chrono::Utc::now();
    Some(
        (when.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use RetryClass::*;

    fn config() -> RetryConfig {
        RetryConfig::default()
            .max_retries(2)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1))
    }

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, retry_after.parse().unwrap());
        h
    }

    #[test]
    fn repeatable_calls_retry_the_transient_statuses_only() {
        let none = HeaderMap::new();
        for status in [429, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(
                config()
                    .after_status(Repeatable, 1, status, &none)
                    .is_some()
            );
            assert_eq!(config().after_status(ConnectOnly, 1, status, &none), None);
        }
        for status in [200, 201, 204, 400, 401, 403, 404, 500, 501, 505] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(config().after_status(Repeatable, 1, status, &none), None);
        }
    }

    #[test]
    fn the_last_attempt_is_never_followed_by_another() {
        let none = HeaderMap::new();
        let busy = StatusCode::SERVICE_UNAVAILABLE;
        assert!(config().after_status(Repeatable, 2, busy, &none).is_some());
        assert_eq!(config().after_status(Repeatable, 3, busy, &none), None);
        assert_eq!(
            config().after_failure(Repeatable, 3, Failure::Connect),
            None
        );
        assert_eq!(
            RetryConfig::NONE.after_failure(Repeatable, 1, Failure::Connect),
            None
        );
    }

    #[test]
    fn failures_retry_by_class() {
        let c = config();
        assert!(c.after_failure(ConnectOnly, 1, Failure::Connect).is_some());
        assert!(c.after_failure(Repeatable, 1, Failure::Connect).is_some());
        assert!(c.after_failure(Repeatable, 1, Failure::Other).is_some());
        assert_eq!(c.after_failure(ConnectOnly, 1, Failure::Other), None);
        assert_eq!(c.after_failure(Repeatable, 1, Failure::Timeout), None);
        assert_eq!(c.after_failure(ConnectOnly, 1, Failure::Timeout), None);
        assert_eq!(c.after_failure(Repeatable, 1, Failure::Builder), None);
    }

    #[test]
    fn retry_after_replaces_the_backoff_unless_too_long() {
        let c = config();
        let limited = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(
            c.after_status(Repeatable, 1, limited, &headers("0")),
            Some(Duration::ZERO)
        );
        assert_eq!(
            c.after_status(Repeatable, 1, limited, &headers("1")),
            Some(Duration::from_secs(1))
        );
        assert_eq!(c.after_status(Repeatable, 1, limited, &headers("2")), None);
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(
            c.after_status(Repeatable, 1, limited, &headers(past)),
            Some(Duration::ZERO)
        );
        // Garbage is ignored: the usual backoff applies.
        let wait = c
            .after_status(Repeatable, 1, limited, &headers("soon"))
            .unwrap();
        assert!(wait >= Duration::from_millis(50) && wait <= Duration::from_millis(100));
    }

    #[test]
    fn the_hint_is_retry_after_or_on_a_429_the_rate_limit_reset() {
        let limited = StatusCode::TOO_MANY_REQUESTS;
        let busy = StatusCode::SERVICE_UNAVAILABLE;
        assert_eq!(
            retry_hint(busy, &headers("7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_hint(busy, &HeaderMap::new()), None);
        let reset = |value: String| {
            let mut h = HeaderMap::new();
            h.insert("x-ratelimit-reset", value.parse().unwrap());
            h
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        let in_a_minute_ms = reset((now.as_millis() + 60_000).to_string());
        let wait = retry_hint(limited, &in_a_minute_ms).unwrap();
        assert!(
            wait > Duration::from_secs(58) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        // Only a 429 says the rate limit is what stopped the call.
        assert_eq!(retry_hint(busy, &in_a_minute_ms), None);
        let in_a_minute_s = reset((now.as_secs() + 60).to_string());
        let wait = retry_hint(limited, &in_a_minute_s).unwrap();
        assert!(
            wait > Duration::from_secs(58) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_eq!(
            retry_hint(limited, &reset("30".into())),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_hint(limited, &reset("1000000000000".into())),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_hint(limited, &reset("soon".into())), None);
        // Retry-After first.
        let mut both = in_a_minute_ms.clone();
        both.insert(reqwest::header::RETRY_AFTER, "5".parse().unwrap());
        assert_eq!(retry_hint(limited, &both), Some(Duration::from_secs(5)));
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let c = config();
        for _ in 0..100 {
            let first = c.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = c.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let late = c.backoff(30);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_secs(1));
        }
    }
}
