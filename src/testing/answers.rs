//! The bodies the fake answers with (problems, the documented errors) and what it reads from a
//! request (its credentials): shared by every route's handler.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use serde_json::json;

/// An answer before the request id is added.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
}

pub(crate) const JSON: &str = "application/json";
pub(crate) const PROBLEM: &str = "application/problem+json";
pub(crate) const SECRET_ERRORS: &str =
    "https://developer.nexmo.com/api-errors/account/secret-management";

pub(crate) fn answer(
    status: StatusCode,
    content_type: &'static str,
    body: serde_json::Value,
) -> Answer {
    Answer {
        status,
        content_type,
        body: body.to_string(),
    }
}

pub(crate) fn problem(status: StatusCode, type_uri: &str, title: &str, detail: &str) -> Answer {
    answer(
        status,
        PROBLEM,
        json!({
            "type": type_uri,
            "title": title,
            "detail": detail,
            "instance": uuid::Uuid::new_v4().to_string(),
        }),
    )
}

pub(crate) fn unauthorized() -> Answer {
    problem(
        StatusCode::UNAUTHORIZED,
        "https://developer.nexmo.com/api-errors#unauthorized",
        "Invalid credentials supplied",
        "You did not provide correct credentials.",
    )
}

pub(crate) fn key_not_found(key: &str) -> Answer {
    problem(
        StatusCode::NOT_FOUND,
        "https://developer.nexmo.com/api-errors#invalid-api-key",
        "Invalid API Key",
        &format!("API key '{key}' does not exist, or you do not have access"),
    )
}

pub(crate) fn validation(detail: &str, name: &str, reason: &str) -> Answer {
    answer(
        StatusCode::BAD_REQUEST,
        PROBLEM,
        json!({
            "type": format!("{SECRET_ERRORS}#validation"),
            "title": "Bad Request",
            "detail": detail,
            "instance": uuid::Uuid::new_v4().to_string(),
            "invalid_parameters": [{"name": name, "reason": reason}],
        }),
    )
}

/// The API key and secret of a request: HTTP Basic, or (where `allow_query`: the Account API)
/// the legacy query parameters.
pub(crate) fn credentials(
    headers: &HeaderMap,
    query: Option<&str>,
    allow_query: bool,
) -> Option<(String, String)> {
    if let Some(value) = headers.get(axum::http::header::AUTHORIZATION) {
        let encoded = value.to_str().ok()?.strip_prefix("Basic ")?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (key, secret) = text.split_once(':')?;
        return Some((key.to_owned(), secret.to_owned()));
    }
    if !allow_query {
        return None;
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).ok()?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    Some((get("api_key")?, get("api_secret")?))
}

/// 404 for a path no operation serves.
pub(crate) fn not_found() -> Answer {
    problem(
        StatusCode::NOT_FOUND,
        "https://developer.nexmo.com/api-errors#not-found",
        "Not Found",
        "The requested resource does not exist",
    )
}
