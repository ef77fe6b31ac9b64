//! The Subaccounts API's errors, classified by the problem `type` fragment whatever its host or
//! path (`/api-errors/subaccounts#…` in the spec, `/api-errors/account/subaccounts#…` live, and
//! developer.vonage.com should the host move), sent as `application/json` or
//! `application/problem+json` alike, with every `invalid_parameters` name and reason kept.

use crate::common;

use common::*;
use serde_json::json;
use vonage_account::{
    Client, Error, ErrorKind, MoneyTransfer, NewSubaccount, NumberMove, Operation,
    SubaccountUpdate, TransferFilter,
};
use vonage_account_fake::{Fault, FaultKind};

fn answer(status: u16, content_type: &str, body: &str) -> Fault {
    Fault::new(FaultKind::Status {
        status,
        headers: vec![],
        body: body.into(),
        content_type: Some(content_type.into()),
    })
}

async fn call(client: &Client, op: Operation) -> Error {
    let subs = client.subaccounts();
    let since = TransferFilter::since("2026-01-01T00:00:00Z");
    let transfer = MoneyTransfer::new(DOC_KEY, "sub12345", "1");
    let outcome = match op {
        Operation::RetrieveSubaccountsList => subs.list().await.map(drop),
        Operation::CreateSubAccount => subs.create(&NewSubaccount::new("n")).await.map(drop),
        Operation::RetrieveSubaccount => subs.get("sub12345").await.map(drop),
        Operation::ModifySubaccount => subs
            .update("sub12345", &SubaccountUpdate::new().own_balance())
            .await
            .map(drop),
        Operation::RetrieveCreditTransfers => subs.credit_transfers(&since).await.map(drop),
        Operation::TransferCredit => subs.transfer_credit(&transfer).await.map(drop),
        Operation::RetrieveBalanceTransfers => subs.balance_transfers(&since).await.map(drop),
        Operation::TransferBalance => subs.transfer_balance(&transfer).await.map(drop),
        Operation::TransferNumber => subs
            .transfer_number(&NumberMove::new(DOC_KEY, "sub12345", "447700900000", "GB"))
            .await
            .map(drop),
        other => panic!("{other} is not a Subaccounts operation"),
    };
    outcome.expect_err("an error")
}

/// The documented bodies (reference §4), each with the operation that sends it and its kind.
fn documented() -> Vec<(Operation, u16, serde_json::Value, ErrorKind)> {
    let nexmo = "https://developer.nexmo.com/api-errors";
    vec![
        (
            Operation::RetrieveSubaccountsList,
            401,
            json!({"type": format!("{nexmo}#unauthorized"), "title": "Invalid credentials supplied",
                   "detail": "You did not provide correct credentials", "instance": "798b8f199c45014ab7b08bfe9cc1c12c"}),
            ErrorKind::Unauthorized,
        ),
        (
            Operation::RetrieveSubaccountsList,
            403,
            json!({"type": format!("{nexmo}#unprovisioned"), "title": "Authorisation error",
                   "detail": "Account acc6111f is not provisioned to access Subaccount Provisioning API",
                   "instance": "158b8f199c45014ab7b08bfe9cc1c12c"}),
            ErrorKind::Unprovisioned,
        ),
        (
            Operation::RetrieveSubaccount,
            404,
            json!({"type": format!("{nexmo}#invalid-api-key"), "title": "Invalid API Key",
                   "detail": "API key 'acc6111f' does not exist, or you do not have access",
                   "instance": "158b8f199c45014ab7b08bfe9cc1c12c"}),
            ErrorKind::InvalidApiKey,
        ),
        (
            Operation::TransferBalance,
            403,
            json!({"type": format!("{nexmo}/account/subaccounts#valid-transfers"), "title": "Invalid Transfer",
                   "detail": "Transfers are only allowed between a primary account and its subaccount",
                   "instance": "158b8f19-9c45-014a-b7b0-8bfe9cc1c12c"}),
            ErrorKind::InvalidTransfer,
        ),
        (
            Operation::TransferCredit,
            403,
            json!({"type": format!("{nexmo}/account/subaccounts#valid-transfers"), "title": "Transfer amount is invalid",
                   "detail": "Insufficient Credit", "instance": "0d2f7e7c-4a5e-4a43-a5b7-8e2e6f1c6f2a"}),
            ErrorKind::InvalidTransfer,
        ),
        (
            Operation::TransferCredit,
            403,
            json!({"type": "https://developer.vonage.com/api-errors/subaccounts#invalid-transfers",
                   "title": "Invalid Transfer", "detail": "x-errors spelling", "instance": "i"}),
            ErrorKind::InvalidTransfer,
        ),
        (
            Operation::TransferNumber,
            403,
            json!({"type": format!("{nexmo}/account/subaccounts#invalid-number-transfer"), "title": "Invalid Number Transfer",
                   "detail": "Could not transfer number 12345678901 from account 1234asdf to asdfzxcv - ShortCode is not owned by from account",
                   "instance": "i"}),
            ErrorKind::InvalidNumberTransfer,
        ),
        (
            Operation::TransferNumber,
            403,
            json!({"type": format!("{nexmo}/subaccounts#invalid-number-transfer"), "title": "Invalid Number Transfer",
                   "detail": "One of the accounts involved in the transfer is banned", "instance": "i"}),
            ErrorKind::InvalidNumberTransfer,
        ),
        (
            Operation::TransferNumber,
            404,
            json!({"type": format!("{nexmo}/account/subaccounts#missing-number-transfer"), "title": "Invalid Number Transfer",
                   "detail": "Could not transfer number 12345678901 from account 1234asdf to asdfzxcv - ShortCode not found",
                   "instance": "i"}),
            ErrorKind::MissingNumberTransfer,
        ),
        (
            Operation::TransferNumber,
            409,
            json!({"type": format!("{nexmo}/subaccounts#transfer-conflict"), "title": "Transfer Conflict",
                   "detail": "Could not transfer number 23507703696 from account 7c9738e6 to ad6dc56f - ShortCode is already owned by requesting account",
                   "instance": "i"}),
            ErrorKind::TransferConflict,
        ),
        (
            Operation::CreateSubAccount,
            403,
            json!({"type": format!("{nexmo}/account/subaccounts#provisioning"), "title": "Forbidden",
                   "detail": "Maximum number of sub-accounts reached", "instance": "i"}),
            ErrorKind::SubaccountLimit,
        ),
        (
            Operation::TransferBalance,
            422,
            json!({"type": format!("{nexmo}/account/subaccounts#validation"), "title": "Bad Request",
                   "detail": "The request failed due to validation errors",
                   "invalid_parameters": [
                       {"name": "amount", "reason": "Only positive values of data type JSON number are allowed"},
                       {"name": "from", "reason": "Invalid accounts. From and To accounts should be different"}],
                   "instance": "i"}),
            ErrorKind::InvalidParameters,
        ),
        (
            Operation::RetrieveBalanceTransfers,
            422,
            json!({"type": format!("{nexmo}/account/subaccounts#validation"), "title": "Bad Request",
                   "detail": "The request failed due to validation errors",
                   "invalid_parameters": [{"name": "start_date", "reason": "Malformed"}], "instance": "i"}),
            ErrorKind::InvalidParameters,
        ),
        (
            Operation::ModifySubaccount,
            422,
            json!({"type": format!("{nexmo}/subaccounts#validation"), "title": "Bad Request",
                   "detail": "The request failed due to validation errors",
                   "invalid_parameters": [{"name": "use_primary_account_balance",
                       "reason": "Transitioning from 'use_primary_account_balance = false' to 'use_primary_account_balance = true' is not supported"}],
                   "instance": "i"}),
            ErrorKind::InvalidParameters,
        ),
    ]
}

/// The same fragment under another host and path.
fn moved(body: &serde_json::Value) -> serde_json::Value {
    let mut body = body.clone();
    let type_uri = body["type"].as_str().unwrap();
    let fragment = type_uri.rsplit_once('#').unwrap().1;
    body["type"] = json!(format!(
        "https://developer.vonage.com/en/api-errors/somewhere/else#{fragment}"
    ));
    body
}

#[tokio::test]
async fn every_documented_error_is_classified_by_its_fragment() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    for (op, status, body, kind) in documented() {
        for content_type in ["application/json", "application/problem+json"] {
            for body in [body.clone(), moved(&body)] {
                let case = format!("{op} {status} {content_type} {body}");
                fake.inject(answer(status, content_type, &body.to_string()).on(op));
                let err = call(&client, op).await;
                assert_eq!(err.kind(), kind, "{case}");
                let api = err.api().unwrap_or_else(|| panic!("{case}: {err:?}"));
                assert_eq!(api.json.as_ref(), Some(&body), "{case}");
                let message = err.to_string();
                assert!(
                    message.contains(body["detail"].as_str().unwrap()),
                    "{case}: {message}"
                );
                // Every invalid parameter, name and reason, in the error and its message.
                let params = body["invalid_parameters"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                assert_eq!(api.invalid_parameters().len(), params.len(), "{case}");
                for (got, sent) in api.invalid_parameters().iter().zip(&params) {
                    assert_eq!(got.name, sent["name"].as_str().unwrap());
                    assert_eq!(got.reason, sent["reason"].as_str().unwrap());
                    assert!(
                        message.contains(&format!("{}: {}", got.name, got.reason)),
                        "{case}: {message}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_new_kinds_have_stable_names() {
    for (kind, name) in [
        (ErrorKind::Unprovisioned, "unprovisioned"),
        (ErrorKind::InvalidTransfer, "invalid-transfer"),
        (ErrorKind::InvalidNumberTransfer, "invalid-number-transfer"),
        (ErrorKind::MissingNumberTransfer, "missing-number-transfer"),
        (ErrorKind::TransferConflict, "transfer-conflict"),
        (ErrorKind::SubaccountLimit, "subaccount-limit"),
        (ErrorKind::OutcomeUnknown, "outcome-unknown"),
    ] {
        assert_eq!(kind.as_str(), name);
    }
}

#[tokio::test]
async fn the_fakes_own_errors_are_classified_the_same() {
    // The fake's answers (not injected): the kinds a caller sees from it are those above.
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let subs = client.subaccounts();
    let err = subs.get("nobody01").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidApiKey);
    let err = subs
        .transfer_balance(&MoneyTransfer::new(DOC_KEY, "sub12345", "1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransfer, "{err}");
    let err = subs
        .transfer_number(&NumberMove::new(DOC_KEY, "sub12345", "999", "GB"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingNumberTransfer);
}
