//! The fake's contract: what the published API does not define is refused, naming it (unknown
//! fields 400, another media type 415, another method 405 with `Allow`), or in lenient mode
//! accepted with a warning; the request log shows how each request was judged.

use crate::common::*;
use vonage_account::{ErrorKind, Operation, ServiceType};
use vonage_account_fake::{FakeVonage, Fault, Seed};

const FORM: &str = "application/x-www-form-urlencoded";

/// A plain request to the fake as the primary account.
fn send(fake: &FakeVonage, method: &str, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", fake.url()))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
}

async fn status_and_json(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn an_unknown_form_field_is_refused_by_name_with_the_documented_spelling() {
    let fake = FakeVonage::start().await;
    // What the official Python SDK sends for update_default_sms_webhook().
    let (status, body) = status_and_json(
        send(&fake, "POST", "/account/settings")
            .header("content-type", FORM)
            .body("moCallbackUrl=https%3A%2F%2Fexample.com%2Fin&drCallbackUrl=https%3A%2F%2Fexample.com%2Fdr"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["type"],
        "https://developer.vonage.com/api-errors/account#validation"
    );
    let params = body["invalid_parameters"].as_array().unwrap();
    assert_eq!(params.len(), 2, "{body}");
    assert_eq!(params[0]["name"], "moCallbackUrl");
    assert!(
        params[0]["reason"]
            .as_str()
            .unwrap()
            .contains("did you mean moCallBackUrl?"),
        "{body}"
    );
    assert_eq!(params[1]["name"], "drCallbackUrl");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("moCallbackUrl, drCallbackUrl")
    );
    // Nothing changed, and the log says how it was judged.
    assert_eq!(
        fake.account(fake.api_key())
            .unwrap()
            .settings
            .mo_callback_url,
        None
    );
    let logged = only_request(&fake);
    assert_eq!(logged.status, Some(400));
    assert!(logged.warnings.is_empty());
}

#[tokio::test]
async fn an_unknown_json_field_is_refused_and_the_crate_names_it() {
    let fake = FakeVonage::start().await;
    let (status, body) = status_and_json(
        send(
            &fake,
            "POST",
            &format!("/accounts/{}/secrets", fake.api_key()),
        )
        .json(&serde_json::json!({"secret": "Second-Secret-1", "label": "ci"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["type"],
        "https://developer.nexmo.com/api-errors/account/secret-management#validation"
    );
    assert_eq!(body["invalid_parameters"][0]["name"], "label");
    assert!(
        body["invalid_parameters"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("it takes secret"),
        "{body}"
    );
    assert_eq!(fake.secret_ids(fake.api_key()).len(), 1, "nothing created");
    // Not JSON at all, or not an object.
    for bad in ["{not json", "[1, 2]"] {
        let (status, body) = status_and_json(
            send(
                &fake,
                "POST",
                &format!("/accounts/{}/secrets", fake.api_key()),
            )
            .header("content-type", "application/json")
            .body(bad),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["invalid_parameters"][0]["name"], "body");
    }
}

#[tokio::test]
async fn a_body_of_another_media_type_is_415_but_bodiless_requests_are_not_judged() {
    let fake = FakeVonage::start().await;
    // A form body labelled JSON (the Python SDK does this after its first JSON call).
    let (status, body) = status_and_json(
        send(&fake, "POST", "/account/top-up")
            .header("content-type", "application/json")
            .body("trx=abc"),
    )
    .await;
    assert_eq!(status, 415);
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains(FORM) && detail.contains("application/json"),
        "{detail}"
    );
    // JSON sent as a form, and a body without any Content-Type.
    let secrets = format!("/accounts/{}/secrets", fake.api_key());
    for request in [
        send(&fake, "POST", &secrets)
            .header("content-type", FORM)
            .body("secret=Second-Secret-1"),
        send(&fake, "POST", &secrets).body(r#"{"secret":"Second-Secret-1"}"#),
    ] {
        assert_eq!(status_and_json(request).await.0, 415);
    }
    // A body where the operation takes none.
    let (status, body) = status_and_json(
        send(&fake, "GET", "/account/get-balance")
            .header("content-type", "application/json")
            .body("{}"),
    )
    .await;
    assert_eq!(status, 415);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("takes no request body")
    );
    assert!(fake.top_ups(fake.api_key()).is_empty());

    // A bodiless GET or DELETE labelled JSON is fine, as is a charset parameter.
    fake.clear_requests();
    let id = fake.secret_ids(fake.api_key())[0].clone();
    for request in [
        send(&fake, "GET", "/account/get-balance").header("content-type", "application/json"),
        send(&fake, "GET", &format!("{secrets}/{id}")).header("content-type", "application/json"),
        send(&fake, "DELETE", &format!("{secrets}/nosuchid"))
            .header("content-type", "application/json"),
        send(&fake, "POST", "/account/top-up")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body("trx=abc"),
    ] {
        let status = request.send().await.unwrap().status().as_u16();
        assert!(status == 200 || status == 404, "{status}");
    }
    let statuses: Vec<_> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(404), Some(200)]);
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let fake = FakeVonage::start().await;
    let key = fake.api_key().to_owned();
    for (method, path, allow) in [
        ("GET", "/account/settings".to_owned(), "POST"),
        ("POST", "/account/get-balance".to_owned(), "GET"),
        ("PUT", format!("/accounts/{key}/secrets"), "GET, POST"),
        (
            "PATCH",
            format!("/accounts/{key}/secrets/some-id"),
            "DELETE, GET",
        ),
    ] {
        let response = send(&fake, method, &path).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    // Before authentication, as a router answers.
    let response = reqwest::Client::new()
        .get(format!("{}/account/top-up", fake.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    // A path no operation serves is still 404.
    let (status, _) = status_and_json(send(&fake, "GET", "/account/nothing-here")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn lenient_mode_accepts_with_a_warning_in_the_log() {
    let fake = FakeVonage::start_with(Seed {
        lenient: true,
        ..Seed::default()
    })
    .await
    .unwrap();
    // The Python SDK's settings call: accepted, the unknown fields ignored (as they are by a
    // forgiving server), and the log says so.
    let (status, body) = status_and_json(
        send(&fake, "POST", "/account/settings")
            .header("content-type", FORM)
            .body("moCallbackUrl=https%3A%2F%2Fexample.com%2Fin"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["mo-callback-url"], "");
    let logged = only_request(&fake);
    assert_eq!(logged.status, Some(200));
    assert_eq!(logged.warnings.len(), 1);
    assert!(
        logged.warnings[0].contains("moCallbackUrl")
            && logged.warnings[0].contains("moCallBackUrl"),
        "{:?}",
        logged.warnings
    );

    // A top-up sent as JSON is read as what it says it is.
    fake.clear_requests();
    let (status, _) = status_and_json(
        send(&fake, "POST", "/account/top-up").json(&serde_json::json!({"trx": "t-json"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(fake.top_ups(fake.api_key()), ["t-json"]);
    let warnings = only_request(&fake).warnings;
    assert!(
        warnings[0].contains("read as application/json"),
        "{warnings:?}"
    );

    // A wrong method still has no operation to run.
    let (status, _) = status_and_json(send(&fake, "GET", "/account/top-up")).await;
    assert_eq!(status, 405);

    // Lenient mode can be turned off at run time; reset restores the seed's.
    fake.set_lenient(false);
    let (status, _) = status_and_json(
        send(&fake, "POST", "/account/top-up").json(&serde_json::json!({"trx": "t2"})),
    )
    .await;
    assert_eq!(status, 415);
    fake.reset();
    let (status, _) = status_and_json(
        send(&fake, "POST", "/account/top-up").json(&serde_json::json!({"trx": "t3"})),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_crate_itself_keeps_the_contract() {
    // Every operation the crate sends is accepted by the strict fake without a warning.
    let fake = FakeVonage::start().await;
    let client = fake
        .client_builder()
        .rate_limit_pacing(false)
        .build()
        .unwrap();
    client.account().balance().await.unwrap();
    client.account().top_up("t1").await.unwrap();
    let pricing = client.pricing();
    pricing.country(ServiceType::Sms, "DE").await.unwrap();
    pricing.prefix(ServiceType::Voice, "44").await.unwrap();
    pricing
        .all_countries(ServiceType::SmsTransit)
        .await
        .unwrap();
    client.account().settings().await.unwrap();
    let update = vonage_account::SettingsUpdate::new()
        .mo_callback_url("https://example.com/in")
        .unset_dr_callback_url()
        .http_forward_method(vonage_account::HttpForwardMethod::PostJson);
    client.account().update_settings(&update).await.unwrap();
    let created = client.secrets().create("Second-Secret-1").await.unwrap();
    client.secrets().get(&created.id).await.unwrap();
    client.secrets().list().await.unwrap();
    client.secrets().revoke(&created.id).await.unwrap();
    let subs = client.subaccounts();
    let new = vonage_account::NewSubaccount::new("Contract")
        .own_balance()
        .secret("Contract-Secret-1");
    let sub = subs.create(&new).await.unwrap().subaccount.api_key;
    subs.get(&sub).await.unwrap();
    subs.update(
        &sub,
        &vonage_account::SubaccountUpdate::new().name("Renamed"),
    )
    .await
    .unwrap();
    let primary = fake.api_key();
    let transfer = vonage_account::MoneyTransfer::new(primary, &sub, "1.25").reference("c");
    subs.transfer_balance(&transfer).await.unwrap();
    subs.transfer_credit(&transfer).await.unwrap();
    let since = vonage_account::TransferFilter::since("2020-01-01T00:00:00Z").subaccount(&sub);
    subs.balance_transfers(&since).await.unwrap();
    subs.credit_transfers(&since).await.unwrap();
    subs.transfer_number(&vonage_account::NumberMove::new(
        primary,
        &sub,
        "447700900000",
        "GB",
    ))
    .await
    .unwrap();
    subs.list().await.unwrap();
    let log = fake.requests();
    let mut seen: Vec<_> = log.iter().filter_map(|r| r.route).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), Operation::ALL.len(), "every operation was sent");
    for request in &log {
        assert!(request.warnings.is_empty(), "{request:?}");
        let status = request.status.unwrap();
        assert!((200..300).contains(&status), "{request:?}");
    }
}

#[tokio::test]
async fn the_log_records_faults_and_dropped_connections() {
    let fake = FakeVonage::start().await;
    let client = no_retry(&fake);
    fake.inject(Fault::rate_limited(0).on(Operation::GetAccountBalance));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    fake.inject(Fault::drop_connection());
    client.account().balance().await.unwrap_err();
    let log = fake.requests();
    assert_eq!(log[0].status, Some(429));
    assert_eq!(Some(log[0].request_id.as_str()), err.request_id());
    assert_eq!(log[1].status, None, "no answer was sent");
}
