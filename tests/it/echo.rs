//! A server that echoes what it received, the way proxies, WAFs and debug gateways reflect
//! requests in their error pages, and a check for every spelling of a credential.
//!
//! Each [`Reflect`] answers every request the same way, quoting the request's method, URL,
//! headers and body in one body shape, so that the credentials it carried (the Basic value, the
//! decoded `key:secret`, legacy query parameters, a new secret in a create's body) come back.
#![allow(dead_code)]

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use base64::Engine as _;
use serde_json::json;

/// The API key of the echo tests (not a credential: it is printed by `--verbose`).
pub const ECHO_KEY: &str = "echokey1";
/// An API secret with characters that every encoding changes (`&`, `"`, `/`, `+`, `<`, `%`).
pub const ECHO_SECRET: &str = "Ech0&Sec\"r/+<t%9";
/// A new secret for a create, with the same kind of characters, that passes the rules.
pub const ECHO_NEW_SECRET: &str = "N3w&Scrt\"/+<x";

/// How the echo server answers: every shape an error page comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reflect {
    /// 400 `application/problem+json` quoting the body and the Authorization in `detail` and
    /// `invalid_parameters` (a list), and the request in an extension member.
    Problem,
    /// 422 JSON, the `error_title` form, with `invalid_parameters` as an object whose key is
    /// the secret.
    ErrorTitle,
    /// 401 legacy JSON whose `error-code-label` quotes the decoded `key:secret` and the URL.
    Legacy,
    /// 400 HTML reflecting the request body (HTML-escaped).
    HtmlBody,
    /// 403 HTML reflecting the request headers (HTML-escaped); `X-Request-Id` echoes the
    /// Authorization value.
    HtmlHeaders,
    /// 401 text naming the key and the secret, decoded; `X-Request-Id` is the secret.
    Text,
    /// 404 problem JSON escaped the way Go's encoding/json does (`<`, `>`, `&` as `\u003c`...).
    GoJson,
    /// 500 JSON with none of the known fields (a gateway's own), echoing everything.
    GatewayJson,
    /// 400 text with the URL percent-encoded again (a login redirect) and the Basic value in the
    /// URL-safe alphabet.
    Reencoded,
    /// 200 HTML reflecting headers and body (a captive portal or debug page).
    OkHtml,
    /// 200 legacy JSON with a failure code and a label quoting the credentials.
    OkLegacy,
    /// 200 JSON without any known field, echoing everything (a debug gateway).
    OkJson,
}

impl Reflect {
    pub const ALL: [Reflect; 12] = [
        Reflect::Problem,
        Reflect::ErrorTitle,
        Reflect::Legacy,
        Reflect::HtmlBody,
        Reflect::HtmlHeaders,
        Reflect::Text,
        Reflect::GoJson,
        Reflect::GatewayJson,
        Reflect::Reencoded,
        Reflect::OkHtml,
        Reflect::OkLegacy,
        Reflect::OkJson,
    ];
}

/// An echo server on 127.0.0.1 answering in one [`Reflect`] shape; its task ends with the
/// runtime.
pub async fn start(reflect: Reflect) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(Arc::new(reflect));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// What the request carried, as the reflecting side reads it.
struct Seen {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: String,
    authorization: String,
    /// The Basic value decoded: `key:secret`.
    decoded: String,
    /// The secret, from the Basic value or the query.
    secret: String,
    /// The body's `secret`, for a create.
    new_secret: String,
}

fn seen(request: &axum::http::request::Parts, body: &[u8]) -> Seen {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let authorization = header("authorization");
    let decoded = authorization
        .strip_prefix("Basic ")
        .and_then(|t| base64::engine::general_purpose::STANDARD.decode(t).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(request.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let from_query = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let secret = decoded
        .split_once(':')
        .map(|(_, s)| s.to_owned())
        .or_else(|| from_query("api_secret"))
        .unwrap_or_default();
    let body = String::from_utf8_lossy(body).into_owned();
    let new_secret = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("secret")?.as_str().map(str::to_owned))
        .unwrap_or_default();
    Seen {
        method: request.method.to_string(),
        uri: request.uri.to_string(),
        headers: request
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        authorization,
        decoded,
        secret,
        new_secret,
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn answer(State(reflect): State<Arc<Reflect>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let s = seen(&parts, &body);
    let mut request_id = "echo-request-1".to_owned();
    let (status, content_type, text) = match *reflect {
        Reflect::Problem => (
            400,
            "application/problem+json",
            json!({
                "type": "https://developer.nexmo.com/api-errors/account/secret-management#validation",
                "title": "Bad Request",
                "detail": format!("Secret '{}' rejected for {} {} (Authorization: {}; secret {})",
                    s.new_secret, s.method, s.uri, s.authorization, s.secret),
                "instance": "797a8f199c45014ab7b08bfe9cc1c12c",
                "invalid_parameters": [
                    {"name": "secret", "reason": format!("'{}' does not meet complexity requirements", s.new_secret)},
                    {"name": s.decoded, "reason": s.body},
                ],
                "request": {"headers": s.headers.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(), "body": s.body},
            })
            .to_string(),
        ),
        Reflect::ErrorTitle => (
            422,
            "application/json",
            json!({
                "type": "BAD_REQUEST",
                "error_title": format!("Bad Request from {}", s.authorization),
                "invalid_parameters": {s.secret.clone(): "Is wrong", "body": s.body, "new": s.new_secret},
            })
            .to_string(),
        ),
        Reflect::Legacy => (
            401,
            "application/json",
            json!({
                "error-code": "401",
                "error-code-label": format!("authentication failed for {} via {} ({})", s.decoded, s.uri, s.body),
            })
            .to_string(),
        ),
        Reflect::HtmlBody => (
            400,
            "text/html",
            format!(
                "<html><body><h1>400 Bad Request</h1><pre>{} {}\n{}</pre></body></html>",
                s.method,
                html_escape(&s.uri),
                html_escape(&s.body)
            ),
        ),
        Reflect::HtmlHeaders => {
            request_id = s.authorization.clone();
            let rows: String = s
                .headers
                .iter()
                .map(|(k, v)| format!("<tr><td>{k}</td><td>{}</td></tr>", html_escape(v)))
                .collect();
            (
                403,
                "text/html",
                format!(
                    "<html><body><h1>403 Forbidden</h1><table>{rows}</table><p>{}</p></body></html>",
                    html_escape(&s.uri)
                ),
            )
        }
        Reflect::Text => {
            request_id = s.secret.clone();
            (
                401,
                "text/plain",
                format!(
                    "Unauthorized: API key {ECHO_KEY} with secret {} is not valid (decoded {}; url {}; new {})",
                    s.secret, s.decoded, s.uri, s.new_secret
                ),
            )
        }
        Reflect::GoJson => (
            404,
            "application/problem+json",
            json!({
                "title": "Not Found",
                "detail": format!("no route for {}; sent {} with {}", s.uri, s.authorization, s.body),
                "secret": s.secret,
            })
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026"),
        ),
        Reflect::GatewayJson => (
            500,
            "application/json",
            json!({
                "message": format!("upstream rejected {}", s.authorization),
                "echo": {"uri": s.uri, "body": s.body, "decoded": s.decoded, "headers": s.headers},
            })
            .to_string(),
        ),
        Reflect::Reencoded => {
            let next: String = url::form_urlencoded::byte_serialize(s.uri.as_bytes()).collect();
            let token = s.authorization.strip_prefix("Basic ").unwrap_or_default();
            let url_safe = token.replace('+', "-").replace('/', "_").replace('=', "");
            let secret: String = url::form_urlencoded::byte_serialize(s.secret.as_bytes()).collect();
            let new: String = url::form_urlencoded::byte_serialize(s.new_secret.as_bytes()).collect();
            (
                400,
                "text/plain",
                format!("login required: /login?next={next}&token={url_safe}&s={secret}&n={new}"),
            )
        }
        Reflect::OkHtml => (
            200,
            "text/html",
            format!(
                "<html><body><p>{}</p><p>{}</p><p>{}</p></body></html>",
                html_escape(&s.authorization),
                html_escape(&s.body),
                html_escape(&s.uri)
            ),
        ),
        Reflect::OkLegacy => (
            200,
            "application/json",
            json!({
                "error-code": "420",
                "error-code-label": format!("topup failed for {} ({})", s.decoded, s.uri),
            })
            .to_string(),
        ),
        Reflect::OkJson => (
            200,
            "application/json",
            json!({"echo": {"authorization": s.authorization, "uri": s.uri, "body": s.body, "decoded": s.decoded}})
                .to_string(),
        ),
    };
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// `text` with one layer of escapes undone: `%HH`, `\uHHHH`, `\xHH`, a backslash before
/// punctuation, and HTML character references (named, decimal, hex).
fn unescape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let hex = |s: &[char]| -> Option<char> {
        let s: String = s.iter().collect();
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(&s, 16).ok()?)
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let (c, len) = match rest[0] {
            '%' if rest.len() >= 3 => hex(&rest[1..3]).map_or(('%', 1), |c| (c, 3)),
            '\\' if rest.len() >= 6 && rest[1] == 'u' => {
                hex(&rest[2..6]).map_or(('\\', 1), |c| (c, 6))
            }
            '\\' if rest.len() >= 4 && rest[1] == 'x' => {
                hex(&rest[2..4]).map_or(('\\', 1), |c| (c, 4))
            }
            '\\' if rest.len() >= 2 && rest[1].is_ascii_punctuation() => (rest[1], 2),
            '&' => {
                let upto: String = rest.iter().take(10).collect();
                let named = [
                    ("&amp;", '&'),
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&quot;", '"'),
                    ("&apos;", '\''),
                ]
                .into_iter()
                .find(|(n, _)| upto.starts_with(n));
                if let Some((n, c)) = named {
                    (c, n.len())
                } else if let Some(num) = upto.strip_prefix("&#") {
                    let (radix, digits) = match num.strip_prefix(['x', 'X']) {
                        Some(h) => (16, h),
                        None => (10, num),
                    };
                    let d: String = digits.chars().take_while(|c| c.is_digit(radix)).collect();
                    let value = u32::from_str_radix(&d, radix).ok().and_then(char::from_u32);
                    let prefix = upto.len() - num.len() + (num.len() - digits.len());
                    let semi = usize::from(digits[d.len()..].starts_with(';'));
                    value.map_or(('&', 1), |c| (c, prefix + d.len() + semi))
                } else {
                    ('&', 1)
                }
            }
            c => (c, 1),
        };
        out.push(c);
        i += len;
    }
    out
}

/// The first spelling of a credential `text` holds, if any: the API secret, the new secret
/// (any five characters of them in a row, so a credential cut at an excerpt's end counts) and
/// the Basic value of `key` (standard or URL-safe), in the text as it is or with its escapes
/// undone once or twice, `+` read as a space too.
pub fn leak(text: &str, key: &str, secrets: &[&str]) -> Option<String> {
    let api_secret = secrets.first().copied().unwrap_or_default();
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{api_secret}"));
    let url_safe =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{key}:{api_secret}"));
    let mut needles: Vec<String> = Vec::new();
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        needles.extend(chars.windows(5).map(|w| w.iter().collect::<String>()));
    }
    // From the 13th character on, the base64 encodes the secret (12 characters are `key:`).
    for token in [&token, &url_safe] {
        let chars: Vec<char> = token.chars().skip(12).collect();
        needles.extend(chars.windows(8).map(|w| w.iter().collect::<String>()));
    }
    let mut layers = vec![text.to_owned()];
    for _ in 0..2 {
        let next = unescape(layers.last().unwrap());
        layers.push(next);
    }
    for layer in &layers {
        for candidate in [layer.clone(), layer.replace(' ', "+")] {
            if let Some(needle) = needles.iter().find(|n| candidate.contains(n.as_str())) {
                return Some(needle.clone());
            }
        }
    }
    None
}
