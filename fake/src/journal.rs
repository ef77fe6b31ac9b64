//! The request log, bounded so the fake holds up under days of traffic: it keeps the newest
//! requests only (counting the ones it let go, as WireMock's request journal limit does), and
//! what it keeps of one request is bounded too, with a mark where something was cut.

use std::collections::VecDeque;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use vonage_account::Operation;

use crate::RecordedRequest;

/// How many requests the log keeps by default: the newest 10,000 (about 7 MB of typical
/// requests; at most about 250 MB for requests that each reach every bound below).
pub const DEFAULT_REQUEST_LOG_LIMIT: usize = 10_000;

/// The most bytes of a request's body the log keeps.
pub const MAX_KEPT_BODY: usize = 4 * 1024;
/// The most bytes of a path, and of a query string, the log keeps.
const MAX_KEPT_TARGET: usize = 2 * 1024;
/// The most bytes of header names and values together the log keeps of one request.
const MAX_KEPT_HEADERS: usize = 8 * 1024;
/// The most bytes of one header value the log keeps.
const MAX_KEPT_HEADER_VALUE: usize = 1024;
/// The most warnings the log keeps of one request, besides a last one counting the rest.
const MAX_KEPT_WARNINGS: usize = 16;
/// The most bytes of one warning the log keeps.
const MAX_KEPT_WARNING: usize = 512;

/// What a request asked of the account: to read it, or to change it.
///
/// A `GET` reads; `POST`, `PUT`, `PATCH` and `DELETE` write, except a settings `POST` that
/// carries no field (`ChangeAccountSettings` with an empty body): the API has no `GET` for the
/// settings, and that request only reads them, as the client's `settings()` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RequestIntent {
    /// It reads and changes nothing.
    Read,
    /// It asks for a change (which may have been refused: see the request's status).
    Write,
}

impl RequestIntent {
    /// The intent of a request for `operation` with this method and body.
    pub(crate) fn of(operation: Option<Operation>, method: &str, body: &[u8]) -> RequestIntent {
        let read = match method {
            "GET" | "HEAD" | "OPTIONS" => true,
            _ => operation == Some(Operation::ChangeAccountSettings) && !has_fields(body),
        };
        if read {
            RequestIntent::Read
        } else {
            RequestIntent::Write
        }
    }
}

/// Whether a body carries at least one field: a form pair, a member of a JSON object, or
/// anything else that is not white space (it tried to send something).
fn has_fields(body: &[u8]) -> bool {
    let text = body.trim_ascii();
    if text.is_empty() {
        return false;
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(text) {
        return !map.is_empty();
    }
    match serde_urlencoded::from_bytes::<Vec<(String, String)>>(text) {
        Ok(pairs) => !pairs.is_empty(),
        Err(_) => true,
    }
}

/// The newest requests, at most `limit`, and how many older ones were let go.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    limit: usize,
    dropped: u64,
}

impl RequestLog {
    pub(crate) fn new(limit: usize) -> RequestLog {
        RequestLog {
            entries: VecDeque::new(),
            limit,
            dropped: 0,
        }
    }

    /// Adds a request, letting the oldest go when the log is full.
    pub(crate) fn push(&mut self, entry: RecordedRequest) {
        if self.limit == 0 {
            self.dropped += 1;
            return;
        }
        while self.entries.len() >= self.limit {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(entry);
    }

    /// Forgets every request, and the count of those let go.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.dropped = 0;
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &RecordedRequest> {
        self.entries.iter()
    }

    pub(crate) fn to_vec(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    /// The entry of the request answered with `request_id`, if it is still kept.
    pub(crate) fn find_mut(&mut self, request_id: &str) -> Option<&mut RecordedRequest> {
        self.entries
            .iter_mut()
            .rev()
            .find(|r| r.request_id == request_id)
    }

    /// How many requests were let go since the fake started or the log was last cleared.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }
}

/// `text` cut to at most `max` bytes at a character boundary; whether it was cut.
fn cut(mut text: String, max: usize) -> (String, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    (text, true)
}

/// What the log keeps of a request as it arrived: its body, path and query cut to their bounds,
/// its headers in order until their bound (the one crossing it cut), `truncated` set when
/// anything was cut. Its status and warnings come later ([`with_outcome`]).
pub(crate) struct Arrival<'a> {
    pub(crate) request_id: &'a str,
    pub(crate) received_ms: u64,
    pub(crate) route: Option<Operation>,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

impl Arrival<'_> {
    pub(crate) fn record(&self) -> RecordedRequest {
        let mut truncated = self.body.len() > MAX_KEPT_BODY;
        let mut keep = |text: String, max: usize| {
            let (text, was_cut) = cut(text, max);
            truncated |= was_cut;
            text
        };
        let body_head = &self.body[..self.body.len().min(MAX_KEPT_BODY)];
        let body = keep(
            String::from_utf8_lossy(body_head).into_owned(),
            MAX_KEPT_BODY,
        );
        let path = keep(self.path.to_owned(), MAX_KEPT_TARGET);
        let query = self.query.map(|q| keep(q.to_owned(), MAX_KEPT_TARGET));
        let (headers, headers_cut) = kept_headers(self.headers);
        truncated |= headers_cut;
        RecordedRequest {
            request_id: self.request_id.to_owned(),
            received_ms: self.received_ms,
            route: self.route,
            intent: RequestIntent::of(self.route, self.method, self.body),
            method: self.method.to_owned(),
            path,
            query,
            headers,
            body,
            body_bytes: self.body.len(),
            truncated,
            status: None,
            warnings: Vec::new(),
        }
    }
}

/// The headers in the order received, each value cut to [`MAX_KEPT_HEADER_VALUE`] bytes, names
/// and values together at most [`MAX_KEPT_HEADERS`] bytes (the rest left out); whether any was
/// cut or left out.
fn kept_headers(headers: &HeaderMap) -> (Vec<(String, String)>, bool) {
    let mut budget = MAX_KEPT_HEADERS;
    let mut kept = Vec::with_capacity(headers.len());
    let mut truncated = false;
    for (name, value) in headers {
        let name = name.as_str();
        if budget <= name.len() {
            return (kept, true);
        }
        budget -= name.len();
        let max = MAX_KEPT_HEADER_VALUE.min(budget);
        let (value, was_cut) = cut(String::from_utf8_lossy(value.as_bytes()).into_owned(), max);
        truncated |= was_cut;
        budget -= value.len();
        kept.push((name.to_owned(), value));
    }
    (kept, truncated)
}

/// Sets the status and the warnings of a recorded request, keeping at most
/// [`MAX_KEPT_WARNINGS`] warnings (each cut to its bound) and a last one counting the rest.
pub(crate) fn with_outcome(
    entry: &mut RecordedRequest,
    status: Option<u16>,
    mut warnings: Vec<String>,
) {
    entry.status = status;
    if warnings.len() > MAX_KEPT_WARNINGS {
        let more = warnings.len() - MAX_KEPT_WARNINGS;
        warnings.truncate(MAX_KEPT_WARNINGS);
        warnings.push(format!("… and {more} more warnings, not kept"));
        entry.truncated = true;
    }
    entry.warnings = warnings
        .into_iter()
        .map(|w| {
            let (w, was_cut) = cut(w, MAX_KEPT_WARNING);
            entry.truncated |= was_cut;
            w
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> RecordedRequest {
        Arrival {
            request_id: id,
            received_ms: 0,
            route: None,
            method: "GET",
            path: "/",
            query: None,
            headers: &HeaderMap::new(),
            body: b"",
        }
        .record()
    }

    #[test]
    fn the_log_keeps_the_newest_and_counts_the_rest() {
        let mut log = RequestLog::new(3);
        for i in 0..5 {
            log.push(entry(&i.to_string()));
        }
        let ids: Vec<_> = log.iter().map(|r| r.request_id.as_str()).collect();
        assert_eq!(ids, ["2", "3", "4"]);
        assert_eq!(log.dropped(), 2);
        assert!(log.find_mut("1").is_none() && log.find_mut("4").is_some());
        log.clear();
        assert_eq!((log.iter().count(), log.dropped()), (0, 0));
        let mut none = RequestLog::new(0);
        none.push(entry("a"));
        assert_eq!((none.iter().count(), none.dropped()), (0, 1));
    }

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        assert_eq!(cut("héllo".into(), 2), ("h".to_owned(), true));
        assert_eq!(cut("héllo".into(), 3), ("hé".to_owned(), true));
        assert_eq!(cut("abc".into(), 3), ("abc".to_owned(), false));
    }

    #[test]
    fn intents() {
        use RequestIntent::*;
        let settings = Some(Operation::ChangeAccountSettings);
        assert_eq!(RequestIntent::of(settings, "POST", b""), Read);
        assert_eq!(RequestIntent::of(settings, "POST", b" \n"), Read);
        assert_eq!(RequestIntent::of(settings, "POST", b"{}"), Read);
        assert_eq!(
            RequestIntent::of(settings, "POST", b"moCallBackUrl="),
            Write
        );
        assert_eq!(RequestIntent::of(settings, "POST", br#"{"a":1}"#), Write);
        let balance = Some(Operation::GetAccountBalance);
        assert_eq!(RequestIntent::of(balance, "GET", b""), Read);
        let top_up = Some(Operation::TopUpAccountBalance);
        assert_eq!(RequestIntent::of(top_up, "POST", b""), Write);
        assert_eq!(RequestIntent::of(None, "DELETE", b""), Write);
    }
}
