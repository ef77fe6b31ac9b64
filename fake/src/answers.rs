//! The bodies the fake answers with (problems, the documented errors) and what it reads from a
//! request (its credentials): shared by every route's handler.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use serde_json::json;

use super::state::ErrorShape;
use vonage_account::Api;

/// An answer before the request id is added.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    /// Empty for none (a 204 has no `Content-Type`).
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// Headers beyond `Content-Type` (`Allow` on a 405).
    pub(crate) headers: Vec<(&'static str, String)>,
}

pub(crate) const JSON: &str = "application/json";
pub(crate) const PROBLEM: &str = "application/problem+json";
pub(crate) const SECRET_ERRORS: &str =
    "https://developer.nexmo.com/api-errors/account/secret-management";
/// The problem type of the fake's own Account API validation answers. Vonage documents none
/// (the real failure of a settings change is undocumented), so this one is the fake's choice:
/// under the Account API's error pages, fragment `validation` as the secrets API's.
pub(crate) const ACCOUNT_VALIDATION: &str =
    "https://developer.vonage.com/api-errors/account#validation";

pub(crate) fn answer(
    status: StatusCode,
    content_type: &'static str,
    body: serde_json::Value,
) -> Answer {
    Answer {
        status,
        content_type,
        body: body.to_string(),
        headers: Vec::new(),
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

/// The 401 for wrong or missing credentials, in the shape of the API asked.
///
/// - Secret Management: the problem of the GH spec 1.0.4 and the SDK fixtures.
/// - Account, [`ErrorShape::Problem`] (the default): the developer portal's description, type
///   `…/api-errors/#unathorized` (its spelling) and title "You did not provide correct
///   credentials."; the portal gives no `detail` text, so there is none.
/// - Account, [`ErrorShape::Legacy`]: the GH spec's
///   `{"error-code":"401","error-code-label":"authentication failed"}`.
pub(crate) fn unauthorized(api: Api, shape: ErrorShape) -> Answer {
    match (api, shape) {
        (Api::Secrets | Api::Subaccounts, _) => problem(
            StatusCode::UNAUTHORIZED,
            "https://developer.nexmo.com/api-errors#unauthorized",
            "Invalid credentials supplied",
            "You did not provide correct credentials.",
        ),
        (Api::Account, ErrorShape::Problem) => account_401_problem(),
        (Api::Account, ErrorShape::Legacy) => answer(
            StatusCode::UNAUTHORIZED,
            JSON,
            json!({"error-code": "401", "error-code-label": "authentication failed"}),
        ),
    }
}

/// The developer portal's 401 problem for the Account API (`ErrorResponse`: `type`, `title`,
/// `instance`; no documented `detail`).
pub(crate) fn account_401_problem() -> Answer {
    answer(
        StatusCode::UNAUTHORIZED,
        PROBLEM,
        json!({
            "type": "https://developer.vonage.com/api-errors/#unathorized",
            "title": "You did not provide correct credentials.",
            "instance": uuid::Uuid::new_v4().to_string(),
        }),
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

/// A 400 naming one invalid parameter, with the validation problem type of `api`.
pub(crate) fn validation(api: Api, detail: &str, name: &str, reason: &str) -> Answer {
    invalid_parameters(api, detail, &[(name.to_owned(), reason.to_owned())])
}

/// A 400 naming each invalid parameter, with the validation problem type of `api`: the
/// documented one for the Secret Management API, [`ACCOUNT_VALIDATION`] for the Account API.
pub(crate) fn invalid_parameters(api: Api, detail: &str, params: &[(String, String)]) -> Answer {
    let type_uri = match api {
        Api::Account => ACCOUNT_VALIDATION.to_owned(),
        Api::Secrets => format!("{SECRET_ERRORS}#validation"),
        // The Subaccounts API answers validation errors with 422.
        Api::Subaccounts => return super::subaccounts::invalid_parameters(params),
    };
    let params: Vec<_> = params
        .iter()
        .map(|(name, reason)| json!({"name": name, "reason": reason}))
        .collect();
    answer(
        StatusCode::BAD_REQUEST,
        PROBLEM,
        json!({
            "type": type_uri,
            "title": "Bad Request",
            "detail": detail,
            "instance": uuid::Uuid::new_v4().to_string(),
            "invalid_parameters": params,
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
