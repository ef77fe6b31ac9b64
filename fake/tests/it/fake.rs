//! The fake server itself: each documented rule, checked with the crate's client and plain HTTP.

use crate::common;

use common::*;
use vonage_account::{Client, ErrorKind, Operation, SettingsUpdate};
use vonage_account_fake::{FakeVonage, Fault, Seed, SubAccountSeed};

fn client_as(fake: &FakeVonage, key: &str, secret: &str) -> Client {
    fake.client_builder()
        .api_key(key)
        .api_secret(secret.to_owned())
        .build()
        .unwrap()
}

#[tokio::test]
async fn wrong_or_missing_credentials_get_401_with_a_problem() {
    let fake = doc_fake().await;
    let wrong = client_as(&fake, DOC_KEY, "Wrong1234567");
    // Each API answers with its own documented problem: the developer portal's (spelled
    // `unathorized`) on /account/*, the GH spec's and the SDK fixtures' on secrets.
    for (err, fragment) in [
        (
            wrong.account().balance().await.map(drop).unwrap_err(),
            "unathorized",
        ),
        (
            wrong.secrets().list().await.map(drop).unwrap_err(),
            "unauthorized",
        ),
        (
            client_as(&fake, "nosuchkey", DOC_SECRET)
                .account()
                .settings()
                .await
                .map(drop)
                .unwrap_err(),
            "unathorized",
        ),
    ] {
        assert_eq!(err.kind(), ErrorKind::Unauthorized, "{err:?}");
        assert_eq!(err.api().unwrap().problem_fragment(), Some(fragment));
    }
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/account/get-balance", fake.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["type"],
        "https://developer.vonage.com/api-errors/#unathorized"
    );
    assert_eq!(body["title"], "You did not provide correct credentials.");
    assert!(body["instance"].is_string());
    let response = http
        .get(format!("{}/accounts/{DOC_KEY}/secrets", fake.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["title"], "Invalid credentials supplied");
    // Query credentials are for /account/* only.
    let response = http
        .get(format!(
            "{}/accounts/{DOC_KEY}/secrets?api_key={DOC_KEY}&api_secret={DOC_SECRET}",
            fake.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn unknown_and_foreign_keys_get_the_same_404() {
    let fake = FakeVonage::start_with(Seed {
        sub_accounts: vec![SubAccountSeed {
            api_key: "sub12345".into(),
            secrets: vec!["Subsecret123".into()],
        }],
        ..Seed::default()
    })
    .await
    .unwrap();
    let primary = fake.client();
    let err = primary.secrets_for("nosuchkey").list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidApiKey);
    // The sub-account may not manage its owner's secrets: same answer as an unknown key.
    let sub = client_as(&fake, "sub12345", "Subsecret123");
    let err = sub.secrets_for(fake.api_key()).list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidApiKey);
    assert!(
        err.to_string()
            .contains("does not exist, or you do not have access")
    );
    // But it may manage its own, and the primary may manage the sub's.
    assert_eq!(sub.secrets().list().await.unwrap().len(), 1);
    assert_eq!(
        primary.secrets_for("sub12345").list().await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn top_up_needs_auto_reload_and_records_every_trx() {
    let fake = doc_fake().await;
    let client = fake.client();
    fake.set_auto_reload(DOC_KEY, false);
    let err = client.account().top_up("t1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AutoReloadDisabled);
    assert_eq!(err.status().unwrap().as_u16(), 401);
    assert_eq!(fake.balance(DOC_KEY).unwrap().to_string(), "10.28000000");
    assert!(fake.top_ups(DOC_KEY).is_empty());

    fake.set_auto_reload(DOC_KEY, true);
    client.account().top_up("t1").await.unwrap();
    client.account().top_up("t1").await.unwrap();
    assert_eq!(
        fake.top_ups(DOC_KEY),
        vec!["t1", "t1"],
        "a repeated trx is visible"
    );
    assert_eq!(fake.balance(DOC_KEY).unwrap().to_string(), "50.28000000");
    let balance = client.account().balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "50.28000000");
}

#[tokio::test]
async fn settings_set_unset_and_read_back() {
    let fake = doc_fake().await;
    let account = fake.client();
    let account = account.account();
    let set = SettingsUpdate::new()
        .mo_callback_url("https://a.example/mo")
        .dr_callback_url("http://b.example/dr");
    account.update_settings(&set).await.unwrap();
    let read = account.settings().await.unwrap();
    assert_eq!(
        read.mo_callback_url.as_deref(),
        Some("https://a.example/mo")
    );
    assert_eq!(read.dr_callback_url.as_deref(), Some("http://b.example/dr"));
    account
        .update_settings(
            &SettingsUpdate::new()
                .unset_mo_callback_url()
                .unset_dr_callback_url(),
        )
        .await
        .unwrap();
    let read = account.settings().await.unwrap();
    assert_eq!((read.mo_callback_url, read.dr_callback_url), (None, None));
    // Raw: the answer uses the kebab-case keys.
    let body: serde_json::Value = send_json(
        reqwest::Client::new()
            .post(format!("{}/account/settings", fake.url()))
            .basic_auth(DOC_KEY, Some(DOC_SECRET)),
    )
    .await;
    assert_eq!(
        body,
        serde_json::json!({"mo-callback-url": "", "dr-callback-url": "", "max-outbound-request": 30, "max-inbound-request": 30, "max-calls-per-second": 30})
    );
}

#[tokio::test]
async fn secret_rules_complexity_limit_last_and_unknown_id() {
    let fake = doc_fake().await;
    let http = reqwest::Client::new();
    let url = format!("{}/accounts/{DOC_KEY}/secrets", fake.url());
    // Complexity: the fake checks it itself (the client would refuse before sending).
    let response = http
        .post(&url)
        .basic_auth(DOC_KEY, Some(DOC_SECRET))
        .json(&serde_json::json!({"secret": "weakweak"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["invalid_parameters"][0]["name"], "secret");
    assert!(body["type"].as_str().unwrap().ends_with("#validation"));

    let client = fake.client();
    let secrets = client.secrets();
    let second = secrets.create("Second123456").await.unwrap();
    let err = secrets.create("Third1234567").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SecretLimitReached);
    assert_eq!(err.status().unwrap().as_u16(), 403);

    let err = secrets
        .get("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SecretNotFound);
    let err = secrets
        .revoke("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SecretNotFound);

    secrets.revoke(&second.id).await.unwrap();
    let only = fake.secret_ids(DOC_KEY).remove(0);
    let err = secrets.revoke(&only).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LastSecret);
    assert_eq!(fake.secret_ids(DOC_KEY), vec![only]);
}

#[tokio::test]
async fn a_revoked_secret_stops_authenticating_at_once() {
    let fake = doc_fake().await;
    let old = fake.client();
    let created = old.secrets().create("Newsecret123").await.unwrap();
    let new = client_as(&fake, DOC_KEY, "Newsecret123");
    assert!(
        new.account().balance().await.is_ok(),
        "any active secret works"
    );
    let old_id = fake.secret_id_of(DOC_KEY, DOC_SECRET).unwrap();
    new.secrets().revoke(&old_id).await.unwrap();
    assert_eq!(
        old.account().balance().await.unwrap_err().kind(),
        ErrorKind::Unauthorized
    );
    assert_eq!(new.secrets().list().await.unwrap()[0].id, created.id);
}

#[tokio::test]
async fn ids_are_uuids_and_times_rfc3339_utc() {
    let fake = doc_fake().await;
    let body: serde_json::Value = send_json(
        reqwest::Client::new()
            .get(format!("{}/accounts/{DOC_KEY}/secrets", fake.url()))
            .basic_auth(DOC_KEY, Some(DOC_SECRET)),
    )
    .await;
    let secret = &body["_embedded"]["secrets"][0];
    let id = secret["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    let created = secret["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    assert!(chrono::DateTime::parse_from_rfc3339(created).is_ok());
    assert_eq!(
        body["_links"]["self"]["href"],
        format!("/accounts/{DOC_KEY}/secrets")
    );
    assert_eq!(
        secret["_links"]["self"]["href"],
        format!("/accounts/{DOC_KEY}/secrets/{id}")
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let fake = doc_fake().await;
    let http = reqwest::Client::new();
    fake.inject(Fault::empty_502().on(Operation::GetAccountBalance));
    let mut ids = std::collections::HashSet::new();
    for path in [
        "/account/get-balance",
        "/account/get-balance",
        "/nope",
        "/accounts/x/secrets",
    ] {
        let response = http
            .get(format!("{}{path}", fake.url()))
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(ids.insert(id), "request ids are unique");
    }
}

#[tokio::test]
async fn faults_are_counted_and_routed_and_the_log_is_exact() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    fake.inject(Fault::html_500().on(Operation::RetrieveApiSecrets).times(2));
    assert!(
        client.account().balance().await.is_ok(),
        "a routed fault leaves other routes alone"
    );
    assert_eq!(
        client.secrets().list().await.unwrap_err().kind(),
        ErrorKind::ServerError
    );
    assert_eq!(
        client.secrets().list().await.unwrap_err().kind(),
        ErrorKind::ServerError
    );
    assert!(client.secrets().list().await.is_ok(), "the fault ran out");
    let routes: Vec<Operation> = fake.requests().iter().filter_map(|r| r.route).collect();
    assert_eq!(
        routes,
        [
            Operation::GetAccountBalance,
            Operation::RetrieveApiSecrets,
            Operation::RetrieveApiSecrets,
            Operation::RetrieveApiSecrets
        ]
    );

    fake.inject(Fault::html_500());
    fake.clear_faults();
    assert!(client.account().balance().await.is_ok());

    fake.reset();
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn the_control_path_works_over_http() {
    let fake = doc_fake().await;
    let http = reqwest::Client::new();
    let queued: serde_json::Value = send_json(
http
        .post(format!("{}/_fake/faults", fake.url()))
        .json(&serde_json::json!({"kind": "status", "status": 503, "route": "getAccountBalance", "times": 1})),
)
.await;
    assert_eq!(queued["queued"], 1);
    let client = no_retry(&fake);
    assert_eq!(
        client
            .account()
            .balance()
            .await
            .unwrap_err()
            .status()
            .unwrap()
            .as_u16(),
        503
    );
    let log: serde_json::Value =
        send_json(http.get(format!("{}/_fake/requests", fake.url()))).await;
    assert_eq!(
        log.as_array().unwrap().len(),
        1,
        "control requests are not logged"
    );
    assert_eq!(log[0]["path"], "/account/get-balance");
    assert_eq!(log[0]["route"], "getAccountBalance");
    client.account().top_up("x").await.unwrap();
    http.post(format!("{}/_fake/reset", fake.url()))
        .send()
        .await
        .unwrap();
    assert!(fake.top_ups(DOC_KEY).is_empty());
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn the_fake_stops_when_dropped() {
    let fake = doc_fake().await;
    let url = fake.url();
    drop(fake);
    let mut refused = false;
    for _ in 0..50 {
        if reqwest::Client::new()
            .get(format!("{url}/account/get-balance"))
            .send()
            .await
            .is_err()
        {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "the port still answers after drop");
}

#[tokio::test]
async fn bad_seeds_are_refused() {
    let err = FakeVonage::start_with(Seed {
        secrets: vec![],
        ..Seed::default()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("one or two secrets"));
    let err = FakeVonage::start_with(Seed {
        balance: "ten".into(),
        ..Seed::default()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("balance"));
}
