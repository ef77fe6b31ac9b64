//! The Subaccounts API in the fake, over HTTP: seeded from JSON and changed at run time (library
//! and control path), linked to Secret Management, the documented refusals, the limit, the
//! not-provisioned switch, and a ledger in which random transfers through the client conserve
//! money.

use proptest::prelude::*;
use serde_json::{Value, json};
use vonage_account::{
    ErrorKind, MoneyTransfer, NewSubaccount, NumberMove, Operation, SubaccountUpdate,
    TransferFilter,
};
use vonage_account_fake::{FakeVonage, Seed, SeedNumber, SubaccountPatch, SubaccountsPatch};

const SEED: &str = r#"{
    "api_key": "prim0001",
    "secrets": ["Abcdef123456"],
    "balance": "50.00",
    "sub_accounts": [
        {"api_key": "own00001", "secrets": ["Subsecret123"]},
        {"api_key": "shared01", "secrets": ["Subsecret456"]}
    ],
    "subaccounts": {
        "primary_name": "Reseller",
        "credit_limit": "-80",
        "max_subaccounts": 3,
        "accounts": {
            "own00001": {"name": "Acme", "own_balance": "5.5", "credit_limit": "-1.25",
                         "created_at": "2024-01-02T03:04:05.678Z"}
        },
        "numbers": [
            {"number": "447700900001", "country": "GB"},
            {"number": "14155550100", "country": "US", "owner": "own00001"}
        ]
    }
}"#;

async fn seeded() -> FakeVonage {
    let seed: Seed = serde_json::from_str(SEED).unwrap();
    FakeVonage::start_with(seed).await.unwrap()
}

/// The raw answer to a Subaccounts request with the primary's credentials.
async fn raw(fake: &FakeVonage, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", fake.url());
    let request = match method {
        "GET" => http.get(url),
        "POST" => http.post(url),
        "PATCH" => http.patch(url),
        other => panic!("{other}"),
    }
    .basic_auth(fake.api_key(), Some(fake.api_secret()));
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(body.to_string()),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_seed_shapes_the_list_with_every_digit() {
    let fake = seeded().await;
    let (status, body) = raw(&fake, "GET", "/accounts/prim0001/subaccounts", None).await;
    assert_eq!(status, 200);
    let list = fake.client().subaccounts().list().await.unwrap();
    assert_eq!(list.primary_account.name.as_deref(), Some("Reseller"));
    let acme = list.get("own00001").unwrap();
    assert_eq!(acme.name, "Acme");
    assert_eq!(acme.balance.as_ref().unwrap().to_string(), "5.50000000");
    assert_eq!(
        acme.credit_limit.as_ref().unwrap().to_string(),
        "-1.25000000"
    );
    assert_eq!(
        acme.created_at.to_rfc3339(),
        "2024-01-02T03:04:05.678+00:00"
    );
    let shared = list.get("shared01").unwrap();
    assert_eq!((&shared.balance, &shared.credit_limit), (&None, &None));
    assert_eq!(body["_embedded"]["subaccounts"][1]["balance"], Value::Null);
    // The totals: the sums of what is not null.
    assert_eq!(list.total_balance.unwrap().to_string(), "55.50000000");
    assert_eq!(list.total_credit_limit.unwrap().to_string(), "-81.25000000");
    // The primary as live answers show it.
    let primary = &body["_embedded"]["primary_account"];
    assert!(primary.get("primary_account_api_key").is_none());
    assert!(primary.get("use_primary_account_balance").is_none());
    assert_eq!(
        fake.number_owner("14155550100").as_deref(),
        Some("own00001")
    );
}

#[tokio::test]
async fn a_bad_seed_is_refused_at_start() {
    for (broken, why) in [
        (
            r#"{"subaccounts": {"accounts": {"nobody01": {}}}}"#,
            "not one of sub_accounts",
        ),
        (
            r#"{"subaccounts": {"credit_limit": "5"}}"#,
            "zero or negative",
        ),
        (
            r#"{"subaccounts": {"accounts": {"sub12345": {"credit_limit": "-1"}}}}"#,
            "needs an own_balance",
        ),
        (
            r#"{"subaccounts": {"numbers": [{"number": "+4477", "country": "GB"}]}}"#,
            "E.164 digits",
        ),
        (
            r#"{"subaccounts": {"accounts": {"sub12345": {"own_balance": "-2", "credit_limit": "-1"}}}}"#,
            "below the credit limit",
        ),
    ] {
        let seed: Seed = serde_json::from_str(broken).unwrap();
        let err = FakeVonage::start_with(seed).await.unwrap_err();
        assert!(err.to_string().contains(why), "{broken}: {err}");
    }
}

#[tokio::test]
async fn a_created_sub_account_has_its_secret_in_secret_management() {
    let fake = seeded().await;
    let client = fake.client();
    let created = client
        .subaccounts()
        .create(&NewSubaccount::new("Globex").secret("Globex-Secret-1"))
        .await
        .unwrap();
    let key = created.api_key().to_owned();
    assert_eq!(key.len(), 8);
    // The primary manages its secrets...
    let secrets = client.secrets_for(&key).list().await.unwrap();
    assert_eq!(secrets.len(), 1);
    // ...and the sub-account's own credentials work, for its own calls.
    let own = vonage_account::Client::builder()
        .base_url(fake.url())
        .api_key(&key)
        .api_secret("Globex-Secret-1")
        .build()
        .unwrap();
    own.verify_credentials().await.unwrap();
    // A sub-account's credentials cannot use the Subaccounts API (403, the fake's choice).
    let err = own.subaccounts().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unprovisioned);
    // A secret already used elsewhere is refused, and so is a weak one the client would not send.
    let (status, body) = raw(
        &fake,
        "POST",
        "/accounts/prim0001/subaccounts",
        Some(json!({"name": "Again", "secret": "Globex-Secret-1"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["invalid_parameters"][0]["name"], "secret");
    let (status, body) = raw(
        &fake,
        "POST",
        "/accounts/prim0001/subaccounts",
        Some(json!({"name": "  ", "secret": "weak"})),
    )
    .await;
    assert_eq!(status, 422);
    let names: Vec<&str> = body["invalid_parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["name", "secret"]);
    assert!(body["type"].as_str().unwrap().ends_with("#validation"));
}

#[tokio::test]
async fn the_limit_and_the_provisioning_switch() {
    let fake = seeded().await;
    let subs = fake.client().subaccounts();
    subs.create(&NewSubaccount::new("Third")).await.unwrap();
    let err = subs
        .create(&NewSubaccount::new("Fourth"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SubaccountLimit, "{err}");
    assert!(
        err.to_string().contains("Maximum number of sub-accounts"),
        "{err}"
    );
    // Raised at run time through the control path.
    let http = reqwest::Client::new();
    let view: Value = http
        .patch(format!("{}/_fake/subaccounts", fake.url()))
        .body(r#"{"max_subaccounts": 4}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["max_subaccounts"], 4);
    subs.create(&NewSubaccount::new("Fourth")).await.unwrap();
    // Not provisioned: every operation is 403 `#unprovisioned`.
    fake.update_subaccounts(&SubaccountsPatch {
        provisioned: Some(false),
        ..SubaccountsPatch::default()
    })
    .unwrap();
    let err = subs.get("own00001").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unprovisioned);
    assert!(err.to_string().contains("not provisioned"), "{err}");
    let (status, body) = raw(&fake, "GET", "/accounts/prim0001/subaccounts", None).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["type"],
        "https://developer.nexmo.com/api-errors#unprovisioned"
    );
    // The Secret Management API does not depend on it.
    fake.client().secrets_for("own00001").list().await.unwrap();
    // reset restores the seed.
    fake.reset();
    assert!(fake.subaccounts().provisioned);
    assert_eq!(fake.subaccounts().subaccounts.len(), 2);
}

#[tokio::test]
async fn another_primary_key_in_the_path_is_not_found() {
    let fake = seeded().await;
    let (status, body) = raw(&fake, "GET", "/accounts/own00001/subaccounts", None).await;
    assert_eq!(status, 404);
    assert!(body["type"].as_str().unwrap().ends_with("#invalid-api-key"));
    let err = fake
        .client()
        .subaccounts()
        .get("nobody01")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidApiKey);
}

#[tokio::test]
async fn modify_follows_the_one_way_balance_rule() {
    let fake = seeded().await;
    let subs = fake.client().subaccounts();
    let shared = subs
        .update(
            "shared01",
            &SubaccountUpdate::new().own_balance().name("Now own"),
        )
        .await
        .unwrap();
    assert!(shared.has_own_balance());
    assert_eq!(shared.balance.unwrap().to_string(), "0.00000000");
    // Back to the primary's balance: the live refusal (sent raw: the client cannot ask).
    let (status, body) = raw(
        &fake,
        "PATCH",
        "/accounts/prim0001/subaccounts/shared01",
        Some(json!({"use_primary_account_balance": true})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["invalid_parameters"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Transitioning from 'use_primary_account_balance = false'"),
        "{body}"
    );
    let (status, _) = raw(
        &fake,
        "PATCH",
        "/accounts/prim0001/subaccounts/shared01",
        Some(json!({"suspended": "yes"})),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn transfers_follow_the_documented_rules() {
    let fake = seeded().await;
    let subs = fake.client().subaccounts();
    // Balance: the source gives |balance - credit_limit|: 5.5 + 1.25 from the sub-account.
    let back = MoneyTransfer::new("own00001", "prim0001", "6.75000001");
    let err = subs.transfer_balance(&back).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransfer);
    assert!(err.to_string().contains("Insufficient"), "{err}");
    subs.transfer_balance(&MoneyTransfer::new("own00001", "prim0001", "6.75"))
        .await
        .unwrap();
    assert_eq!(
        fake.subaccounts()
            .get("own00001")
            .unwrap()
            .balance
            .as_deref(),
        Some("-1.25000000")
    );
    // Credit: with a negative balance, |credit_limit| - |balance| is left: nothing here.
    let err = subs
        .transfer_credit(&MoneyTransfer::new("own00001", "prim0001", "0.01"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransfer);
    // The primary (balance 56.75 > 0) allocates up to |credit_limit| = 80.
    subs.transfer_credit(&MoneyTransfer::new("prim0001", "own00001", "80"))
        .await
        .unwrap();
    let err = subs
        .transfer_credit(&MoneyTransfer::new("prim0001", "own00001", "0.00000001"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransfer);
    // A sub-account sharing the primary's balance has none to move.
    let err = subs
        .transfer_balance(&MoneyTransfer::new("prim0001", "shared01", "1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransfer);
    // A prepaid primary transfers no credit.
    fake.update_subaccounts(&SubaccountsPatch {
        postpaid: Some(false),
        ..SubaccountsPatch::default()
    })
    .unwrap();
    let err = subs
        .transfer_credit(&MoneyTransfer::new("own00001", "prim0001", "1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransfer);
    // Between two sub-accounts: the live refusal (sent raw: the client refuses it itself).
    let (status, body) = raw(
        &fake,
        "POST",
        "/accounts/prim0001/balance-transfers",
        Some(json!({"from": "own00001", "to": "shared01", "amount": 1})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body["detail"],
        "Transfers are only allowed between a primary account and its subaccount"
    );
    // The ledger lists what was made, newest first, by filter.
    let listed = subs
        .balance_transfers(&TransferFilter::since("2000-01-01T00:00:00Z").subaccount("own00001"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].amount.to_string(), "6.75");
    let none = subs
        .balance_transfers(&TransferFilter::since("2000-01-01T00:00:00Z").subaccount("shared01"))
        .await
        .unwrap();
    assert!(none.is_empty());
    let credit = subs
        .credit_transfers(&TransferFilter::since(
            chrono::Utc::now() - chrono::Duration::minutes(1),
        ))
        .await
        .unwrap();
    assert_eq!(credit.len(), 1);
    let future = subs
        .credit_transfers(&TransferFilter::since(
            chrono::Utc::now() + chrono::Duration::hours(1),
        ))
        .await
        .unwrap();
    assert!(future.is_empty());
}

#[tokio::test]
async fn transfer_lists_refuse_what_live_refuses() {
    let fake = seeded().await;
    for query in [
        "",
        "?start_date=2024-01-01T00:00:00.000Z",
        "?start_date=2024-01-01",
        "?start_date=2024-01-01T00:00:00%2B01:00",
        "?start_date=2024-01-01T00:00:00Z&end_date=tomorrow",
    ] {
        let (status, body) = raw(
            &fake,
            "GET",
            &format!("/accounts/prim0001/credit-transfers{query}"),
            None,
        )
        .await;
        assert_eq!(status, 422, "{query}: {body}");
        let name = body["invalid_parameters"][0]["name"].as_str().unwrap();
        assert!(name == "start_date" || name == "end_date", "{body}");
    }
    // An amount as a string: the live 422.
    let (status, body) = raw(
        &fake,
        "POST",
        "/accounts/prim0001/credit-transfers",
        Some(json!({"from": "prim0001", "to": "own00001", "amount": "1.00"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["invalid_parameters"][0]["reason"],
        "Only positive values of data type JSON number are allowed"
    );
}

#[tokio::test]
async fn number_transfers_have_the_documented_refusals() {
    let fake = seeded().await;
    let subs = fake.client().subaccounts();
    let moved = NumberMove::new("prim0001", "own00001", "447700900001", "GB");
    subs.transfer_number(&moved).await.unwrap();
    assert_eq!(
        fake.number_owner("447700900001").as_deref(),
        Some("own00001")
    );
    // Sent again: the target owns it already (409).
    let err = subs.transfer_number(&moved).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TransferConflict, "{err}");
    assert!(err.to_string().contains("already owned"), "{err}");
    // From an account that does not own it (403).
    let err = subs
        .transfer_number(&NumberMove::new(
            "shared01",
            "prim0001",
            "447700900001",
            "GB",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidNumberTransfer);
    assert!(
        err.to_string().contains("is not owned by from account"),
        "{err}"
    );
    // Unknown number, or another country.
    for (number, country) in [("447700900999", "GB"), ("447700900001", "US")] {
        let err = subs
            .transfer_number(&NumberMove::new("own00001", "prim0001", number, country))
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::MissingNumberTransfer,
            "{number} {country}"
        );
    }
    // A suspended account.
    subs.suspend("own00001").await.unwrap();
    let err = subs
        .transfer_number(&NumberMove::new(
            "own00001",
            "prim0001",
            "447700900001",
            "GB",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidNumberTransfer);
    assert!(err.to_string().contains("banned"), "{err}");
    // Registered at run time.
    fake.update_subaccounts(&SubaccountsPatch {
        numbers: Some(vec![SeedNumber {
            number: "33612345678".into(),
            country: "FR".into(),
            owner: Some("shared01".into()),
        }]),
        ..SubaccountsPatch::default()
    })
    .unwrap();
    subs.transfer_number(&NumberMove::new(
        "shared01",
        "prim0001",
        "33612345678",
        "fr",
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn commit_then_drop_commits_and_loses_the_answer() {
    let fake = seeded().await;
    let http = reqwest::Client::new();
    let queued: Value = http
        .post(format!("{}/_fake/faults", fake.url()))
        .body(r#"{"kind": "commit-then-drop", "route": "transferBalance"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queued["queued"], 1);
    let sent = http
        .post(format!(
            "{}/accounts/prim0001/balance-transfers",
            fake.url()
        ))
        .basic_auth("prim0001", Some("Abcdef123456"))
        .header("content-type", "application/json")
        .body(r#"{"from":"prim0001","to":"own00001","amount":1}"#)
        .send()
        .await;
    let answered = match sent {
        Ok(response) => response.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!answered, "no complete answer");
    assert_eq!(
        fake.subaccounts().transfers.len(),
        1,
        "but the transfer was made"
    );
    let log = fake.requests_to(Operation::TransferBalance);
    assert_eq!(log[0].status, None, "the log says no answer was sent");
    // Through the control path: the state and a sub-account patch.
    let view: Value = http
        .patch(format!("{}/_fake/subaccounts/shared01", fake.url()))
        .body(r#"{"own_balance": "3", "suspended": true}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shared = view["subaccounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["api_key"] == "shared01")
        .unwrap();
    assert_eq!(shared["balance"], "3.00000000");
    assert_eq!(shared["suspended"], true);
    let bad = http
        .patch(format!("{}/_fake/subaccounts/shared01", fake.url()))
        .body(r#"{"credit_limit": "7"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    fake.update_subaccount(
        "own00001",
        &SubaccountPatch {
            name: Some("Renamed".into()),
            ..SubaccountPatch::default()
        },
    )
    .unwrap();
    assert_eq!(fake.subaccounts().get("own00001").unwrap().name, "Renamed");
}

fn transfer_op() -> impl Strategy<Value = (bool, bool, u32)> {
    // credit or balance, towards the sub-account or back, an amount in cents.
    (any::<bool>(), any::<bool>(), 1u32..3_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random transfers through the client, over HTTP: money is conserved in the fake's ledger
    /// and every answer is a transfer or a documented refusal.
    #[test]
    fn random_transfers_through_the_client_conserve_money(
        ops in proptest::collection::vec(transfer_op(), 1..12)
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let fake = seeded().await;
            let subs = fake.client().subaccounts();
            let start = fake.subaccounts();
            let mut made = 0;
            for (credit, outward, cents) in ops {
                let amount = format!("{}.{:02}", cents / 100, cents % 100);
                let (from, to) = if outward { ("prim0001", "own00001") } else { ("own00001", "prim0001") };
                let transfer = MoneyTransfer::new(from, to, amount.as_str());
                let outcome = if credit {
                    subs.transfer_credit(&transfer).await
                } else {
                    subs.transfer_balance(&transfer).await
                };
                match outcome {
                    Ok(t) => {
                        made += 1;
                        prop_assert_eq!(t.amount.to_string(), amount);
                    }
                    Err(e) => prop_assert_eq!(e.kind(), ErrorKind::InvalidTransfer, "{}", e),
                }
                let now = fake.subaccounts();
                prop_assert_eq!(now.total_balance_units(), start.total_balance_units());
                prop_assert_eq!(now.total_credit_limit_units(), start.total_credit_limit_units());
                prop_assert_eq!(now.transfers.len(), made);
            }
            Ok(())
        })?;
    }
}
