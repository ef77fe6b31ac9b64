//! The Account API's handlers, one per operation, mirroring `src/account.rs`.

use axum::http::StatusCode;
use serde_json::json;

use super::{
    answers::{Answer, JSON, account_401_problem, answer, invalid_parameters, validation},
    state::{AccountState, ErrorShape, format_eur},
};
use vonage_account::Api;

/// `GET /account/get-balance`.
pub(crate) fn balance(account: &mut AccountState) -> Answer {
    Answer {
        status: StatusCode::OK,
        content_type: JSON,
        // Written by hand so the number keeps its eight decimals.
        body: format!(
            r#"{{"value":{},"autoReload":{}}}"#,
            format_eur(account.balance),
            account.auto_reload
        ),
        headers: Vec::new(),
    }
}

/// `POST /account/top-up`: needs auto-reload; adds the top-up amount.
///
/// Refused because auto-reload is off, it answers 401 in the `refusal` shape: the GH spec's
/// legacy `{"error-code":"401","error-code-label":"not auto-reload enabled"}`, or the developer
/// portal's, which documents only its generic 401 problem for this operation.
pub(crate) fn top_up(account: &mut AccountState, body: &[u8], refusal: ErrorShape) -> Answer {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
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
        Some(_) if !account.auto_reload => match refusal {
            ErrorShape::Legacy => answer(
                StatusCode::UNAUTHORIZED,
                JSON,
                json!({"error-code": "401", "error-code-label": "not auto-reload enabled"}),
            ),
            ErrorShape::Problem => account_401_problem(),
        },
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

/// `POST /account/settings`: changes the fields sent (an empty URL unsets it) and answers with
/// the settings. `webhook_refusals` are the URLs that failed the check Vonage makes before
/// saving (see `webhooks.rs`): any refuses the whole change.
pub(crate) fn change_settings(
    account: &mut AccountState,
    body: &[u8],
    webhook_refusals: &[(String, String)],
) -> Answer {
    let form: Vec<(String, String)> = match serde_urlencoded::from_bytes(body) {
        Ok(form) => form,
        Err(_) => {
            return validation(
                Api::Account,
                "The request body is not a form",
                "body",
                "Malformed",
            );
        }
    };
    let mut mo = None;
    let mut dr = None;
    let mut method = None;
    for (name, value) in form {
        match name.as_str() {
            "moCallBackUrl" | "drCallBackUrl" => {
                if !is_webhook_url(&value) {
                    return validation(
                        Api::Account,
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
                        Api::Account,
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
    if !webhook_refusals.is_empty() {
        return invalid_parameters(
            Api::Account,
            "The webhook URLs must answer 200 OK before they are saved",
            webhook_refusals,
        );
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
    let limits = &account.rate_limits;
    answer(
        StatusCode::OK,
        JSON,
        json!({
            "mo-callback-url": account.mo_callback_url,
            "dr-callback-url": account.dr_callback_url,
            "max-outbound-request": limits.max_outbound_request,
            "max-inbound-request": limits.max_inbound_request,
            "max-calls-per-second": limits.max_calls_per_second,
        }),
    )
}

/// Empty (unset), or an absolute http(s) URL with a host.
fn is_webhook_url(value: &str) -> bool {
    value.is_empty()
        || url::Url::parse(value)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}
