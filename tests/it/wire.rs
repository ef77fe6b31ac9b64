//! Every operation over real HTTP on 127.0.0.1: the exact request on the wire and the decoded result.

use crate::common;

use common::*;
use vonage_account::{AccountAuth, HttpForwardMethod, Operation, SettingsUpdate};
use vonage_account_fake::{Fault, FaultKind};

/// Headers every request carries, and none it must not.
fn assert_common_headers(r: &vonage_account_fake::RecordedRequest) {
    assert_eq!(r.header("authorization"), Some(DOC_AUTH));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(
        r.header("api-version").is_none(),
        "progenitor's api-version header must be dropped"
    );
    assert!(
        r.header("user-agent")
            .unwrap()
            .starts_with("vonage-account-rust/")
    );
}

#[tokio::test]
async fn balance_is_a_get_with_basic_auth_and_keeps_every_decimal() {
    let fake = doc_fake().await;
    let balance = no_retry(&fake).account().balance().await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
        ("GET", "/account/get-balance", None)
    );
    assert_common_headers(&r);
    assert_eq!(r.body, "");
    assert_eq!(balance.value.to_string(), "10.28000000");
    assert!(balance.auto_reload);
    assert_eq!(
        serde_json::to_string(&balance).unwrap(),
        r#"{"value":10.28000000,"auto_reload":true}"#,
        "serializes in the crate's style, every decimal kept"
    );
}

#[tokio::test]
async fn top_up_is_a_form_post_of_trx() {
    let fake = doc_fake().await;
    no_retry(&fake)
        .account()
        .top_up("8ef2447e69604f642ae59363aa5f781b")
        .await
        .unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
        ("POST", "/account/top-up", None)
    );
    assert_common_headers(&r);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.body, "trx=8ef2447e69604f642ae59363aa5f781b");
    assert_eq!(
        fake.top_ups(DOC_KEY),
        vec!["8ef2447e69604f642ae59363aa5f781b"]
    );
    assert_eq!(fake.balance(DOC_KEY).unwrap().to_string(), "30.28000000");
}

#[tokio::test]
async fn top_up_form_encodes_special_characters() {
    let fake = doc_fake().await;
    no_retry(&fake).account().top_up("a b&c=d/é").await.unwrap();
    assert_eq!(only_request(&fake).body, "trx=a+b%26c%3Dd%2F%C3%A9");
}

#[tokio::test]
async fn settings_read_is_a_post_with_no_fields() {
    let fake = doc_fake().await;
    let settings = no_retry(&fake).account().settings().await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/account/settings")
    );
    assert_common_headers(&r);
    assert_eq!(r.body, "");
    assert_eq!(settings.mo_callback_url, None);
    assert_eq!(settings.dr_callback_url, None);
    assert_eq!(settings.max_outbound_request, Some(30));
    assert_eq!(settings.max_inbound_request, Some(30));
    assert_eq!(settings.max_calls_per_second, Some(30));
}

#[tokio::test]
async fn settings_update_sends_set_unset_and_method_with_capital_b() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let update = SettingsUpdate::new()
        .mo_callback_url("https://example.com/webhooks/inbound-sms")
        .dr_callback_url("https://example.com/dr?x=1")
        .http_forward_method(HttpForwardMethod::PostJson);
    let settings = client.account().update_settings(&update).await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        r.body,
        // Fields go in the generated struct's (alphabetical) order.
        "drCallBackUrl=https%3A%2F%2Fexample.com%2Fdr%3Fx%3D1&httpForwardMethod=POST_JSON&moCallBackUrl=https%3A%2F%2Fexample.com%2Fwebhooks%2Finbound-sms"
    );
    assert_eq!(
        settings.mo_callback_url.as_deref(),
        Some("https://example.com/webhooks/inbound-sms")
    );
    assert_eq!(
        settings.dr_callback_url.as_deref(),
        Some("https://example.com/dr?x=1")
    );
    assert_eq!(
        fake.http_forward_method(DOC_KEY).as_deref(),
        Some("POST_JSON")
    );

    fake.clear_requests();
    // Unset sends an empty string; an untouched field is not sent at all.
    let settings = client
        .account()
        .update_settings(&SettingsUpdate::new().unset_mo_callback_url())
        .await
        .unwrap();
    assert_eq!(only_request(&fake).body, "moCallBackUrl=");
    assert_eq!(settings.mo_callback_url, None);
    assert_eq!(
        settings.dr_callback_url.as_deref(),
        Some("https://example.com/dr?x=1")
    );
    assert_eq!(
        serde_json::to_value(&settings).unwrap(),
        serde_json::json!({
            "mo_callback_url": null, "dr_callback_url": "https://example.com/dr?x=1",
            "max_outbound_request": 30, "max_inbound_request": 30, "max_calls_per_second": 30
        }),
        "the crate's serde style: snake_case, an unset URL is null"
    );
}

#[tokio::test]
async fn legacy_query_auth_applies_to_account_calls_only() {
    let fake = doc_fake().await;
    let client = fake
        .client_builder()
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .account_auth(AccountAuth::QueryParameters)
        .build()
        .unwrap();
    client.account().balance().await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        r.query.as_deref(),
        Some("api_key=aaa012&api_secret=abc123456789")
    );
    assert!(r.header("authorization").is_none());

    fake.clear_requests();
    client.secrets().list().await.unwrap();
    let r = only_request(&fake);
    assert_eq!(r.query, None, "secrets never take query credentials");
    assert_eq!(r.header("authorization"), Some(DOC_AUTH));
}

#[tokio::test]
async fn list_get_create_revoke_secrets() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let secrets = client.secrets();

    let list = secrets.list().await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
        ("GET", "/accounts/aaa012/secrets", None)
    );
    assert_common_headers(&r);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, fake.secret_ids(DOC_KEY)[0]);

    fake.clear_requests();
    let created = secrets.create("Th1s-I5-my_n3w").await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/accounts/aaa012/secrets")
    );
    assert_common_headers(&r);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body, r#"{"secret":"Th1s-I5-my_n3w"}"#);
    assert_eq!(
        fake.secret_id_of(DOC_KEY, "Th1s-I5-my_n3w").as_deref(),
        Some(created.id.as_str())
    );
    assert!(uuid_like(&created.id));

    fake.clear_requests();
    let fetched = secrets.get(&created.id).await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        (
            "GET",
            format!("/accounts/aaa012/secrets/{}", created.id).as_str()
        )
    );
    assert_eq!(fetched, created);
    assert_eq!(
        serde_json::to_value(&fetched).unwrap()["created_at"],
        serde_json::json!(created.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    );

    fake.clear_requests();
    secrets.revoke(&created.id).await.unwrap();
    let r = only_request(&fake);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.body.as_str()),
        (
            "DELETE",
            format!("/accounts/aaa012/secrets/{}", created.id).as_str(),
            ""
        )
    );
    assert_common_headers(&r);
    assert_eq!(fake.secret_ids(DOC_KEY).len(), 1);
}

#[tokio::test]
async fn sub_account_secrets_use_the_primary_credentials_and_the_sub_key_in_the_path() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let list = client.secrets_for("sub12345").list().await.unwrap();
    let r = only_request(&fake);
    assert_eq!(r.path, "/accounts/sub12345/secrets");
    assert_eq!(r.header("authorization"), Some(DOC_AUTH));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, fake.secret_ids("sub12345")[0]);
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn undocumented_success_statuses_are_accepted() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    // Create answered 200 instead of 201 (as the Node SDK's tests stub it).
    fake.inject(
        Fault::new(FaultKind::Status {
            status: 200,
            headers: vec![],
            body: r#"{"id":"01234567-aaaa-bbbb-cccc-defdefdefdef","created_at":"2018-12-03T10:07:23Z"}"#.into(),
            content_type: Some("application/json".into()),
        })
        .on(Operation::CreateApiSecret),
    );
    let created = client.secrets().create("Abcdefgh1234").await.unwrap();
    assert_eq!(created.id, "01234567-aaaa-bbbb-cccc-defdefdefdef");
    assert_eq!(created.created_at.to_rfc3339(), "2018-12-03T10:07:23+00:00");

    // Revoke answered 200 with an empty body (as the .NET SDK's tests stub it).
    fake.inject(Fault::status(200).on(Operation::RevokeApiSecret));
    client
        .secrets()
        .revoke("01234567-aaaa-bbbb-cccc-defdefdefdef")
        .await
        .unwrap();
}

#[tokio::test]
async fn balance_accepts_the_documented_fixture_values() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    for (body, text) in [
        (
            r#"{"value": 10.17127500, "autoReload": false}"#,
            "10.17127500",
        ),
        (r#"{"value":29.18202293,"autoReload":true}"#, "29.18202293"),
        (r#"{"value":3.14159,"autoReload":true}"#, "3.14159"),
        (r#"{"value":"24.428075","autoReload":true}"#, "24.428075"),
    ] {
        fake.inject(
            Fault::new(FaultKind::Status {
                status: 200,
                headers: vec![],
                body: body.into(),
                content_type: Some("application/json".into()),
            })
            .on(Operation::GetAccountBalance),
        );
        let balance = client.account().balance().await.unwrap();
        assert_eq!(balance.value.to_string(), text);
    }
}
