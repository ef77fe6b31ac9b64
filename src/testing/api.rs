//! The fake's answers to the API routes, following the documented rules.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use serde_json::json;

use super::{
    faults::Route,
    state::{Accounts, add_secret, format_eur, secret_is_complex},
};

/// An answer before the request id is added.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
}

const JSON: &str = "application/json";
const PROBLEM: &str = "application/problem+json";
const SECRET_ERRORS: &str = "https://developer.nexmo.com/api-errors/account/secret-management";

fn answer(status: StatusCode, content_type: &'static str, body: serde_json::Value) -> Answer {
    Answer {
        status,
        content_type,
        body: body.to_string(),
    }
}

fn problem(status: StatusCode, type_uri: &str, title: &str, detail: &str) -> Answer {
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

fn unauthorized() -> Answer {
    problem(
        StatusCode::UNAUTHORIZED,
        "https://developer.nexmo.com/api-errors#unauthorized",
        "Invalid credentials supplied",
        "You did not provide correct credentials.",
    )
}

fn key_not_found(key: &str) -> Answer {
    problem(
        StatusCode::NOT_FOUND,
        "https://developer.nexmo.com/api-errors#invalid-api-key",
        "Invalid API Key",
        &format!("API key '{key}' does not exist, or you do not have access"),
    )
}

fn validation(detail: &str, name: &str, reason: &str) -> Answer {
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

/// The API key and secret of a request: HTTP Basic, or (for `/account/*` only) the legacy
/// query parameters.
fn credentials(
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

fn secret_info(
    key: &str,
    id: &str,
    created_at: &chrono::DateTime<chrono::Utc>,
) -> serde_json::Value {
    json!({
        "_links": {"self": {"href": format!("/accounts/{key}/secrets/{id}")}},
        "id": id,
        "created_at": created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

/// Handles one API request against the accounts.
pub(crate) fn handle(
    accounts: &mut Accounts,
    route: Route,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let is_account_route = matches!(route, Route::GetBalance | Route::TopUp | Route::Settings);
    if route == Route::Other {
        return problem(
            StatusCode::NOT_FOUND,
            "https://developer.nexmo.com/api-errors#not-found",
            "Not Found",
            "The requested resource does not exist",
        );
    }
    let Some((caller, secret)) = credentials(headers, query, is_account_route) else {
        return unauthorized();
    };
    if !accounts.authenticate(&caller, &secret) {
        return unauthorized();
    }
    if is_account_route {
        let Some(account) = accounts.by_key.get_mut(&caller) else {
            return unauthorized();
        };
        return match route {
            Route::GetBalance => Answer {
                status: StatusCode::OK,
                content_type: JSON,
                // Written by hand so the number keeps its eight decimals.
                body: format!(
                    r#"{{"value":{},"autoReload":{}}}"#,
                    format_eur(account.balance),
                    account.auto_reload
                ),
            },
            Route::TopUp => {
                let form: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(body).unwrap_or_default();
                let trx = form
                    .iter()
                    .find(|(k, _)| k == "trx")
                    .map(|(_, v)| v.trim().to_owned());
                match trx.filter(|t| !t.is_empty()) {
                    None => answer(
                        StatusCode::BAD_REQUEST,
                        JSON,
                        json!({"type": "BAD_REQUEST", "error_title": "Bad Request", "invalid_parameters": {"trx": "Is required."}}),
                    ),
                    Some(_) if !account.auto_reload => answer(
                        StatusCode::UNAUTHORIZED,
                        JSON,
                        json!({"error-code": "401", "error-code-label": "not auto-reload enabled"}),
                    ),
                    Some(trx) => {
                        account.balance += account.top_up_amount;
                        account.top_ups.push(trx);
                        answer(
                            StatusCode::OK,
                            JSON,
                            json!({"error-code": "200", "error-code-label": "success"}),
                        )
                    }
                }
            }
            _ => {
                let form: Vec<(String, String)> = match serde_urlencoded::from_bytes(body) {
                    Ok(form) => form,
                    Err(_) => {
                        return validation("The request body is not a form", "body", "Malformed");
                    }
                };
                let mut mo = None;
                let mut dr = None;
                let mut method = None;
                for (name, value) in form {
                    match name.as_str() {
                        "moCallBackUrl" | "drCallBackUrl" => {
                            let valid = value.is_empty()
                                || url::Url::parse(&value).is_ok_and(|u| {
                                    matches!(u.scheme(), "http" | "https") && u.host().is_some()
                                });
                            if !valid {
                                return validation(
                                    "The request failed due to validation errors",
                                    &name,
                                    "Is not a valid URL",
                                );
                            }
                            if name == "moCallBackUrl" {
                                mo = Some(value)
                            } else {
                                dr = Some(value)
                            }
                        }
                        "httpForwardMethod" => {
                            if !matches!(
                                value.as_str(),
                                "GET_QUERY_PARAMS" | "POST_QUERY_PARAMS" | "POST_JSON"
                            ) {
                                return validation(
                                    "The request failed due to validation errors",
                                    &name,
                                    "Is not an allowed value",
                                );
                            }
                            method = Some(value);
                        }
                        _ => {}
                    }
                }
                if let Some(mo) = mo {
                    account.mo_callback_url = mo;
                }
                if let Some(dr) = dr {
                    account.dr_callback_url = dr;
                }
                if method.is_some() {
                    account.http_forward_method = method;
                }
                answer(
                    StatusCode::OK,
                    JSON,
                    json!({
                        "mo-callback-url": account.mo_callback_url,
                        "dr-callback-url": account.dr_callback_url,
                        "max-outbound-request": account.max[0],
                        "max-inbound-request": account.max[1],
                        "max-calls-per-second": account.max[2],
                    }),
                )
            }
        };
    }

    // Secret management: /accounts/{key}/secrets[/{id}], HTTP Basic only.
    let target = segments.get(1).copied().unwrap_or_default();
    if !accounts.by_key.contains_key(target) || !accounts.may_manage(&caller, target) {
        // The same answer for a key that does not exist and one that is not the caller's.
        return key_not_found(target);
    }
    let Some(account) = accounts.by_key.get_mut(target) else {
        return key_not_found(target);
    };
    let id = segments.get(3).copied();
    let id_not_found = |id: &str| {
        problem(
            StatusCode::NOT_FOUND,
            "https://developer.nexmo.com/api-errors#invalid-id",
            "Invalid ID",
            &format!("ID '{id}' could not be found"),
        )
    };
    match (route, id) {
        (Route::ListSecrets, _) => {
            let secrets: Vec<_> = account
                .secrets
                .iter()
                .map(|s| secret_info(target, &s.id, &s.created_at))
                .collect();
            answer(
                StatusCode::OK,
                JSON,
                json!({
                    "_links": {"self": {"href": format!("/accounts/{target}/secrets")}},
                    "_embedded": {"secrets": secrets},
                }),
            )
        }
        (Route::GetSecret, Some(id)) => match account.secrets.iter().find(|s| s.id == id) {
            Some(s) => answer(
                StatusCode::OK,
                JSON,
                secret_info(target, &s.id, &s.created_at),
            ),
            None => id_not_found(id),
        },
        (Route::CreateSecret, _) => {
            let secret = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("secret")?.as_str().map(str::to_owned));
            let Some(secret) = secret else {
                return validation(
                    "The request failed due to validation errors",
                    "secret",
                    "Is required",
                );
            };
            if !secret_is_complex(&secret) {
                return validation(
                    "The request failed due to secret validation errors",
                    "secret",
                    "Does not meet complexity requirements",
                );
            }
            if account.secrets.len() >= 2 {
                return problem(
                    StatusCode::FORBIDDEN,
                    &format!("{SECRET_ERRORS}#add-excess-secret"),
                    "Secret Addition Forbidden",
                    "Account reached maximum number [2] of allowed secrets",
                );
            }
            let created = add_secret(account, &secret);
            answer(
                StatusCode::CREATED,
                JSON,
                secret_info(target, &created.id, &created.created_at),
            )
        }
        (Route::RevokeSecret, Some(id)) => {
            let Some(index) = account.secrets.iter().position(|s| s.id == id) else {
                return id_not_found(id);
            };
            if account.secrets.len() == 1 {
                let mut forbidden = problem(
                    StatusCode::FORBIDDEN,
                    &format!("{SECRET_ERRORS}#delete-last-secret"),
                    "Secret Deletion Forbidden",
                    "Can not delete the last secret. The account must always have at least 1 secret active at any time",
                );
                forbidden.content_type = JSON;
                return forbidden;
            }
            account.secrets.remove(index);
            Answer {
                status: StatusCode::NO_CONTENT,
                content_type: "",
                body: String::new(),
            }
        }
        _ => key_not_found(target),
    }
}
