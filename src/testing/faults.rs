//! Fault injection and the request log.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// An API operation of the fake, for routing faults and filtering the request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Route {
    /// `GET /account/get-balance`
    GetBalance,
    /// `POST /account/top-up`
    TopUp,
    /// `POST /account/settings`
    Settings,
    /// `GET /accounts/{key}/secrets`
    ListSecrets,
    /// `GET /accounts/{key}/secrets/{id}`
    GetSecret,
    /// `POST /accounts/{key}/secrets`
    CreateSecret,
    /// `DELETE /accounts/{key}/secrets/{id}`
    RevokeSecret,
    /// Anything else.
    Other,
}

impl Route {
    /// The route a request's method and path belong to.
    pub fn of(method: &str, path: &str) -> Route {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("GET", ["account", "get-balance"]) => Route::GetBalance,
            ("POST", ["account", "top-up"]) => Route::TopUp,
            ("POST", ["account", "settings"]) => Route::Settings,
            ("GET", ["accounts", _, "secrets"]) => Route::ListSecrets,
            ("POST", ["accounts", _, "secrets"]) => Route::CreateSecret,
            ("GET", ["accounts", _, "secrets", _]) => Route::GetSecret,
            ("DELETE", ["accounts", _, "secrets", _]) => Route::RevokeSecret,
            _ => Route::Other,
        }
    }
}

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status, headers and body instead of handling the request.
    Status {
        /// The HTTP status.
        status: u16,
        /// Extra headers, e.g. `Retry-After`.
        #[serde(default)]
        headers: Vec<(String, String)>,
        /// The body (may be empty).
        #[serde(default)]
        body: String,
        /// The `Content-Type`, if any.
        #[serde(default)]
        content_type: Option<String>,
    },
    /// Handle the request as usual, then wait this long before answering: its effects happen
    /// even when the client gives up waiting.
    Delay {
        /// How long to wait, in milliseconds.
        millis: u64,
    },
    /// Handle the request, then send only the first half of the body (with a matching
    /// `Content-Length`), so the JSON is cut off.
    TruncatedBody,
    /// Answer 200 with `Content-Type: application/json` and a body that is not JSON.
    NotJson,
    /// Close the connection without answering (the request is not handled).
    DropConnection,
    /// Answer 200 with a JSON body of this many bytes.
    HugeBody {
        /// The body size.
        bytes: usize,
    },
    /// Answer 302 with this `Location`.
    Redirect {
        /// Where to.
        location: String,
    },
}

/// A fault for the next `times` requests (to one route, or to any).
///
/// ```
/// use vonage_account::testing::{Fault, Route};
/// let fault = Fault::rate_limited(1).on(Route::GetBalance).times(2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What it does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests to this route; any route when `None`.
    #[serde(default)]
    pub route: Option<Route>,
    /// How many requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// How many matching requests to let through untouched before it applies.
    #[serde(default)]
    pub skip: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A fault of this kind for the next request to any route.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            route: None,
            times: 1,
            skip: 0,
        }
    }

    /// Only for requests to `route`.
    pub fn on(mut self, route: Route) -> Fault {
        self.route = Some(route);
        self
    }

    /// Lets the first `skip` matching requests through before applying.
    pub fn after(mut self, skip: u32) -> Fault {
        self.skip = skip;
        self
    }

    /// For the next `times` matching requests.
    pub fn times(mut self, times: u32) -> Fault {
        self.times = times;
        self
    }

    /// An answer with this status and an empty body.
    pub fn status(status: u16) -> Fault {
        Fault::new(FaultKind::Status {
            status,
            headers: Vec::new(),
            body: String::new(),
            content_type: None,
        })
    }

    /// 429 with `Retry-After: seconds` and a problem body.
    pub fn rate_limited(retry_after_secs: u64) -> Fault {
        Fault::new(FaultKind::Status {
            status: 429,
            headers: vec![("Retry-After".into(), retry_after_secs.to_string())],
            body: r#"{"type":"https://developer.vonage.com/api-errors#throttled","title":"Rate Limit Hit","detail":"Please wait, then retry your request","instance":"bf0ca0bf927b3b52e3cb03217e1a1ddf"}"#.into(),
            content_type: Some("application/problem+json".into()),
        })
    }

    /// 500 with an HTML page, as a gateway sends.
    pub fn html_500() -> Fault {
        Fault::new(FaultKind::Status {
            status: 500,
            headers: Vec::new(),
            body: "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>".into(),
            content_type: Some("text/html".into()),
        })
    }

    /// 502 with no body.
    pub fn empty_502() -> Fault {
        Fault::status(502)
    }

    /// The request is handled at once, its answer sent after `delay`.
    pub fn delay(delay: Duration) -> Fault {
        Fault::new(FaultKind::Delay {
            millis: delay.as_millis() as u64,
        })
    }

    /// The answer's JSON cut off half way.
    pub fn truncated_body() -> Fault {
        Fault::new(FaultKind::TruncatedBody)
    }

    /// A 200 whose JSON content type has a non-JSON body.
    pub fn not_json() -> Fault {
        Fault::new(FaultKind::NotJson)
    }

    /// The connection closed without an answer.
    pub fn drop_connection() -> Fault {
        Fault::new(FaultKind::DropConnection)
    }

    /// A 200 with a body of `bytes` bytes.
    pub fn huge_body(bytes: usize) -> Fault {
        Fault::new(FaultKind::HugeBody { bytes })
    }

    /// A 302 redirect to `location`.
    pub fn redirect(location: impl Into<String>) -> Fault {
        Fault::new(FaultKind::Redirect {
            location: location.into(),
        })
    }
}

/// A request the fake received, as it crossed the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// The route it belongs to.
    pub route: Route,
    /// The method (`GET`, `POST`, `DELETE`).
    pub method: String,
    /// The path, still percent-encoded as sent.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, as text (lossy for non-UTF-8 bytes).
    pub body: String,
}

impl RecordedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Takes the first queued fault that matches `route`, counting it down.
pub(crate) fn take_fault(queue: &mut Vec<Fault>, route: Route) -> Option<FaultKind> {
    let index = queue
        .iter()
        .position(|f| f.times > 0 && f.route.is_none_or(|r| r == route))?;
    let fault = &mut queue[index];
    if fault.skip > 0 {
        fault.skip -= 1;
        return None;
    }
    fault.times -= 1;
    let kind = fault.kind.clone();
    if fault.times == 0 {
        queue.remove(index);
    }
    Some(kind)
}
