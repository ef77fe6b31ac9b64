//! The Subaccounts API on the wire: each of the 9 operations' exact request (method, path,
//! query, headers, body bytes), compared with what the official SDKs send for the same inputs,
//! and the decoded answer, against the fake.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use serde_json::{Value, json};
use vonage_account::{
    Amount, ExposeSecret, MoneyTransfer, NewSubaccount, NumberMove, Operation, SubaccountUpdate,
    TransferFilter,
};
use vonage_account_fake::{SubaccountPatch, SubaccountsPatch};

const SUB: &str = "sub12345";

/// Headers every request carries, and none it must not.
fn assert_common_headers(r: &vonage_account_fake::RecordedRequest) {
    assert_eq!(r.header("authorization"), Some(DOC_AUTH));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(r.header("api-version").is_none());
    assert!(
        r.header("user-agent")
            .unwrap()
            .starts_with("vonage-account-rust/")
    );
}

fn assert_json_body(r: &vonage_account_fake::RecordedRequest, sdk: Value) {
    assert_eq!(r.header("content-type"), Some("application/json"));
    let sent: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(sent, sdk, "the same JSON as the official SDKs send");
}

/// A sub-account with a balance of its own, so that balance moves.
fn own_balance(fake: &vonage_account_fake::FakeVonage, balance: &str) {
    fake.update_subaccount(
        SUB,
        &SubaccountPatch {
            own_balance: Some(balance.into()),
            ..SubaccountPatch::default()
        },
    )
    .unwrap();
}

#[tokio::test]
async fn list_is_a_get_of_the_primary_path_and_keeps_every_digit() {
    let fake = doc_fake().await;
    own_balance(&fake, "2.5");
    let list = no_retry(&fake).subaccounts().list().await.unwrap();
    let r = only_request(&fake);
    // Node `listSubAccounts()`, Python `list_subaccounts()`: no query, no body.
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
        ("GET", &*format!("/accounts/{DOC_KEY}/subaccounts"), None)
    );
    assert_common_headers(&r);
    assert_eq!(r.body, "");
    assert_eq!(list.primary_account.api_key, DOC_KEY);
    assert_eq!(list.primary_account.name, None, "null, as live");
    assert_eq!(
        list.primary_account.balance.as_ref().unwrap().to_string(),
        "10.28000000"
    );
    let sub = list.get(SUB).unwrap();
    assert_eq!(sub.balance.as_ref().unwrap().to_string(), "2.50000000");
    assert_eq!(
        list.total_balance.as_ref().unwrap().to_string(),
        "12.78000000"
    );
    assert_eq!(
        list.total_credit_limit.as_ref().unwrap().to_string(),
        "-100.00000000"
    );
}

#[tokio::test]
async fn get_names_the_sub_account_in_the_path() {
    let fake = doc_fake().await;
    let sub = no_retry(&fake).subaccounts().get(SUB).await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
        (
            "GET",
            &*format!("/accounts/{DOC_KEY}/subaccounts/{SUB}"),
            None
        )
    );
    assert_common_headers(&r);
    assert_eq!(sub.api_key, SUB);
    assert!(sub.use_primary_account_balance);
    assert_eq!(
        (sub.balance, sub.credit_limit),
        (None, None),
        "shared: null"
    );
}

#[tokio::test]
async fn create_sends_only_what_was_given_and_hands_back_the_secret() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    // curl's create-subaccount.sh: name only (the API makes the secret).
    let created = client
        .subaccounts()
        .create(&NewSubaccount::new("My SubAccount"))
        .await
        .unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", &*format!("/accounts/{DOC_KEY}/subaccounts"))
    );
    assert_common_headers(&r);
    assert_eq!(r.body, r#"{"name":"My SubAccount"}"#);
    assert_json_body(&r, json!({"name": "My SubAccount"}));
    let secret = created.secret.expose_secret().to_owned();
    assert!(vonage_account::validate_secret(&secret).is_ok());
    assert!(
        !format!("{created:?}").contains(&secret),
        "Debug redacts it"
    );
    // It is an account of the Secret Management state at once, with that secret.
    let secrets = client.secrets_for(created.api_key()).list().await.unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(
        fake.secret_id_of(created.api_key(), &secret),
        Some(secrets[0].id.clone())
    );

    // .NET's ShouldSerialize-request.json: name, own balance, secret.
    fake.clear_requests();
    let created = client
        .subaccounts()
        .create(
            &NewSubaccount::new("My SubAccount")
                .own_balance()
                .secret("123456789AbcDef"),
        )
        .await
        .unwrap();
    let r = only_request(&fake);
    assert_json_body(
        &r,
        json!({"name": "My SubAccount", "use_primary_account_balance": false, "secret": "123456789AbcDef"}),
    );
    assert_eq!(created.secret.expose_secret(), "123456789AbcDef");
    assert!(created.subaccount.has_own_balance());
    assert_eq!(
        created.subaccount.balance.as_ref().unwrap().to_string(),
        "0.00000000"
    );
}

#[tokio::test]
async fn update_sends_exactly_the_fields_set() {
    let fake = doc_fake().await;
    let subs = no_retry(&fake).subaccounts();
    let path = format!("/accounts/{DOC_KEY}/subaccounts/{SUB}");
    // curl's suspend-subaccount.sh and reactivate-subaccount.sh.
    for suspend in [true, false] {
        let call = if suspend {
            subs.suspend(SUB).await.unwrap()
        } else {
            subs.reactivate(SUB).await.unwrap()
        };
        let body = json!({ "suspended": suspend });
        let r = only_request(&fake);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("PATCH", path.as_str())
        );
        assert_common_headers(&r);
        assert_json_body(&r, body.clone());
        assert_eq!(call.suspended, body["suspended"].as_bool().unwrap());
        fake.clear_requests();
    }
    // .NET's ShouldSerialize-request.json for an update.
    let sub = subs
        .update(
            SUB,
            &SubaccountUpdate::new()
                .name("Subaccount department B")
                .own_balance()
                .suspend(),
        )
        .await
        .unwrap();
    assert_json_body(
        &only_request(&fake),
        json!({"name": "Subaccount department B", "use_primary_account_balance": false, "suspended": true}),
    );
    assert_eq!(sub.name, "Subaccount department B");
    assert!(sub.has_own_balance() && sub.suspended);
}

#[tokio::test]
async fn transfers_send_the_amount_as_a_json_number_with_its_digits() {
    let fake = doc_fake().await;
    own_balance(&fake, "0");
    let subs = no_retry(&fake).subaccounts();
    for (op, path) in [
        (Operation::TransferBalance, "balance-transfers"),
        (Operation::TransferCredit, "credit-transfers"),
    ] {
        fake.clear_requests();
        // .NET's TransferAmount request: from, to, 123.45 as a number, a reference.
        let transfer =
            MoneyTransfer::new(DOC_KEY, SUB, "1.50").reference("This gets added to the audit log");
        let made = match op {
            Operation::TransferBalance => subs.transfer_balance(&transfer).await,
            _ => subs.transfer_credit(&transfer).await,
        }
        .unwrap();
        let r = only_request(&fake);
        assert_eq!(
            (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
            ("POST", &*format!("/accounts/{DOC_KEY}/{path}"), None)
        );
        assert_common_headers(&r);
        assert!(
            r.body.contains(r#""amount":1.50"#),
            "digits as given: {}",
            r.body
        );
        assert_json_body(
            &r,
            json!({"from": DOC_KEY, "to": SUB, "amount": 1.50, "reference": "This gets added to the audit log"}),
        );
        assert_eq!(made.amount.to_string(), "1.50");
        assert_eq!((made.from.as_str(), made.to.as_str()), (DOC_KEY, SUB));
        assert_eq!(
            made.reference.as_deref(),
            Some("This gets added to the audit log")
        );
        assert_eq!(made.primary_account_api_key.as_deref(), Some(DOC_KEY));
        assert!(made.created_at.is_some());
    }
    let view = fake.subaccounts();
    assert_eq!(
        view.get(SUB).unwrap().balance.as_deref(),
        Some("1.50000000")
    );
    assert_eq!(
        view.get(SUB).unwrap().credit_limit.as_deref(),
        Some("-1.50000000")
    );
}

#[tokio::test]
async fn a_transfer_without_a_reference_gets_one_per_call() {
    let fake = doc_fake().await;
    own_balance(&fake, "0");
    let subs = no_retry(&fake).subaccounts();
    let transfer = MoneyTransfer::new(DOC_KEY, SUB, Amount::from(1));
    let first = subs.transfer_balance(&transfer).await.unwrap();
    let second = subs.transfer_balance(&transfer).await.unwrap();
    let (a, b) = (first.reference.unwrap(), second.reference.unwrap());
    assert!(a.starts_with("va-") && b.starts_with("va-"));
    assert_ne!(a, b, "one per call");
    let bodies: Vec<Value> = fake
        .requests_to(Operation::TransferBalance)
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(bodies[0]["reference"], a.as_str());
    assert_eq!(bodies[1]["reference"], b.as_str());
    assert_eq!(bodies[0]["amount"], json!(1));
}

#[tokio::test]
async fn transfer_lists_send_utc_seconds_and_repeat_the_sub_account_filter() {
    let fake = doc_fake().await;
    own_balance(&fake, "0");
    let subs = no_retry(&fake).subaccounts();
    let made = subs
        .transfer_balance(&MoneyTransfer::new(DOC_KEY, SUB, "0.5").reference("test transfer"))
        .await
        .unwrap();
    fake.clear_requests();
    let since = DateTime::parse_from_rfc3339("2020-01-01T01:00:00.750+01:00").unwrap();
    let until = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    let filter = TransferFilter::since(since)
        .until(until)
        .subaccount(SUB)
        .subaccount("sub67890");
    let listed = subs.balance_transfers(&filter).await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", &*format!("/accounts/{DOC_KEY}/balance-transfers"))
    );
    assert_common_headers(&r);
    // Converted to UTC, cut to the second, `Z`; the filter once per key (no SDK repeats it;
    // Python and Java send `subaccount=` once, Node's credit list sends `sub=`, a known bug).
    let mut query: Vec<&str> = r.query.as_deref().unwrap().split('&').collect();
    query.sort_unstable();
    assert_eq!(
        query,
        [
            "end_date=2099-01-01T00%3A00%3A00Z",
            "start_date=2020-01-01T00%3A00%3A00Z",
            "subaccount=sub12345",
            "subaccount=sub67890",
        ]
    );
    // Listed as made, without the answer's masterAccountId (live lists carry none).
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            &listed[0].id,
            &listed[0].amount,
            &listed[0].reference,
            listed[0].created_at
        ),
        (&made.id, &made.amount, &made.reference, made.created_at)
    );

    fake.clear_requests();
    let credit = subs
        .credit_transfers(&TransferFilter::since("2020-01-01T00:00:00Z"))
        .await
        .unwrap();
    let r = only_request(&fake);
    assert_eq!(r.path, format!("/accounts/{DOC_KEY}/credit-transfers"));
    assert_eq!(
        r.query.as_deref(),
        Some("start_date=2020-01-01T00%3A00%3A00Z")
    );
    assert!(credit.is_empty());
}

#[tokio::test]
async fn number_transfer_sends_the_number_as_a_string() {
    let fake = doc_fake().await;
    let moved = no_retry(&fake)
        .subaccounts()
        .transfer_number(&NumberMove::new(DOC_KEY, SUB, "447700900000", "gb"))
        .await
        .unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
        (
            "POST",
            &*format!("/accounts/{DOC_KEY}/transfer-number"),
            None
        )
    );
    assert_common_headers(&r);
    // curl's transfer-number.sh (every SDK but Ruby's test sends the number as a string).
    assert_json_body(
        &r,
        json!({"from": DOC_KEY, "to": SUB, "number": "447700900000", "country": "GB"}),
    );
    assert_eq!(moved.number, "447700900000");
    assert_eq!(moved.country, "GB");
    assert_eq!(moved.primary_account_api_key.as_deref(), Some(DOC_KEY));
    assert_eq!(fake.number_owner("447700900000").as_deref(), Some(SUB));
}

#[tokio::test]
async fn a_sub_account_key_leads_to_its_secrets() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let sub = client.subaccounts().get(SUB).await.unwrap();
    let secrets = client
        .subaccounts()
        .secrets(&sub.api_key)
        .list()
        .await
        .unwrap();
    assert_eq!(secrets.len(), 1);
    let r = fake.requests().pop().unwrap();
    assert_eq!(r.path, format!("/accounts/{SUB}/secrets"));
    assert_eq!(
        r.header("authorization"),
        Some(DOC_AUTH),
        "the primary's credentials"
    );
}

#[tokio::test]
async fn an_unprovisioned_primary_gets_a_typed_error() {
    let fake = doc_fake().await;
    fake.update_subaccounts(&SubaccountsPatch {
        provisioned: Some(false),
        ..SubaccountsPatch::default()
    })
    .unwrap();
    let err = no_retry(&fake).subaccounts().list().await.unwrap_err();
    assert_eq!(err.kind(), vonage_account::ErrorKind::Unprovisioned);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
}
