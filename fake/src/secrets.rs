//! The Secret Management API's handlers, one per operation, mirroring `src/secrets.rs`. The
//! caller was authenticated and allowed to manage the key before they run.

use axum::http::StatusCode;
use serde_json::json;

use super::{
    answers::{Answer, JSON, SECRET_ERRORS, answer, problem, validation},
    state::{AccountState, SECRETS_PER_KEY, add_secret, format_time, secret_is_complex},
};
use vonage_account::Api;

/// `GET /accounts/{api_key}/secrets`.
pub(crate) fn list(key: &str, account: &mut AccountState) -> Answer {
    let secrets: Vec<_> = account
        .secrets
        .iter()
        .map(|s| secret_info(key, &s.id, &s.created_at))
        .collect();
    answer(
        StatusCode::OK,
        JSON,
        json!({
            "_links": {"self": {"href": format!("/accounts/{key}/secrets")}},
            "_embedded": {"secrets": secrets},
        }),
    )
}

/// `GET /accounts/{api_key}/secrets/{secret_id}`.
pub(crate) fn get(key: &str, account: &mut AccountState, id: &str) -> Answer {
    match account.secrets.iter().find(|s| s.id == id) {
        Some(s) => answer(StatusCode::OK, JSON, secret_info(key, &s.id, &s.created_at)),
        None => id_not_found(id),
    }
}

/// `POST /accounts/{api_key}/secrets`: the complexity rule, then the per-key limit.
pub(crate) fn create(key: &str, account: &mut AccountState, body: &[u8]) -> Answer {
    let secret = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("secret")?.as_str().map(str::to_owned));
    let Some(secret) = secret else {
        return validation(
            Api::Secrets,
            "The request failed due to validation errors",
            "secret",
            "Is required",
        );
    };
    if !secret_is_complex(&secret) {
        return validation(
            Api::Secrets,
            "The request failed due to secret validation errors",
            "secret",
            "Does not meet complexity requirements",
        );
    }
    if account.secrets.len() >= SECRETS_PER_KEY {
        return problem(
            StatusCode::FORBIDDEN,
            &format!("{SECRET_ERRORS}#add-excess-secret"),
            "Secret Addition Forbidden",
            &format!("Account reached maximum number [{SECRETS_PER_KEY}] of allowed secrets"),
        );
    }
    let created = add_secret(account, &secret);
    answer(
        StatusCode::CREATED,
        JSON,
        secret_info(key, &created.id, &created.created_at),
    )
}

/// `DELETE /accounts/{api_key}/secrets/{secret_id}`: never the last one.
pub(crate) fn revoke(account: &mut AccountState, id: &str) -> Answer {
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
        headers: Vec::new(),
    }
}

fn id_not_found(id: &str) -> Answer {
    problem(
        StatusCode::NOT_FOUND,
        "https://developer.nexmo.com/api-errors#invalid-id",
        "Invalid ID",
        &format!("ID '{id}' could not be found"),
    )
}

fn secret_info(
    key: &str,
    id: &str,
    created_at: &chrono::DateTime<chrono::Utc>,
) -> serde_json::Value {
    json!({
        "_links": {"self": {"href": format!("/accounts/{key}/secrets/{id}")}},
        "id": id,
        "created_at": format_time(created_at),
    })
}
