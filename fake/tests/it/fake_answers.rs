//! The fake's answers as Vonage documents them, and the shapes selectable where its sources
//! disagree (see `/work/shared/reference/vonage-account-api.md`, or the README's table).

use crate::common::*;
use vonage_account::{ErrorBody, ErrorKind, Operation, SettingsUpdate};
use vonage_account_fake::{ErrorShape, FakeVonage, Fault, Seed};

#[tokio::test]
async fn the_account_401_is_the_portal_problem_or_the_legacy_body() {
    // Default: the developer portal's problem (checked byte by byte in fake.rs).
    let fake = FakeVonage::start().await;
    let wrong = fake
        .client_builder()
        .api_secret("Wrong-Secret-1")
        .build()
        .unwrap();
    let err = wrong.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.api().unwrap().problem_fragment(), Some("unathorized"));

    // The GH description's legacy body, when the seed asks for it; secrets keep their problem.
    let fake = FakeVonage::start_with(Seed {
        account_401: ErrorShape::Legacy,
        ..Seed::default()
    })
    .await
    .unwrap();
    let wrong = fake
        .client_builder()
        .api_secret("Wrong-Secret-1")
        .build()
        .unwrap();
    let err = wrong.account().settings().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        err.api().unwrap().body,
        ErrorBody::Legacy {
            code: "401".into(),
            label: Some("authentication failed".into())
        }
    );
    let err = wrong.secrets().list().await.unwrap_err();
    assert_eq!(err.api().unwrap().problem_fragment(), Some("unauthorized"));
}

#[tokio::test]
async fn a_top_up_without_auto_reload_in_both_documented_shapes() {
    let legacy = FakeVonage::start_with(Seed {
        auto_reload: false,
        ..Seed::default()
    })
    .await
    .unwrap();
    let err = legacy.client().account().top_up("t1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AutoReloadDisabled, "{err}");
    assert!(matches!(err.api().unwrap().body, ErrorBody::Legacy { .. }));

    let problem = FakeVonage::start_with(Seed {
        auto_reload: false,
        top_up_refusal: ErrorShape::Problem,
        ..Seed::default()
    })
    .await
    .unwrap();
    let err = problem.client().account().top_up("t1").await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 401);
    // The portal's generic 401: its content cannot be told from wrong credentials.
    assert_eq!(err.kind(), ErrorKind::Unauthorized, "{err}");
    assert_eq!(err.api().unwrap().problem_fragment(), Some("unathorized"));
    // What tells them apart: the credentials work, and the balance says auto-reload is off.
    let balance = problem.client().account().balance().await.unwrap();
    assert!(!balance.auto_reload);
    assert!(problem.top_ups(problem.api_key()).is_empty());

    // A problem whose text names auto-reload is classified as such.
    problem.inject(
        Fault::new(vonage_account_fake::FaultKind::Status {
            status: 401,
            headers: Vec::new(),
            body: r#"{"type":"https://developer.vonage.com/api-errors/#unathorized","title":"Top-up refused","detail":"Auto-reload is not enabled on this account","instance":"x"}"#.into(),
            content_type: Some("application/problem+json".into()),
        })
        .on(Operation::TopUpAccountBalance),
    );
    let err = problem.client().account().top_up("t1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AutoReloadDisabled);
}

#[tokio::test]
async fn a_204_has_no_content_type() {
    let fake = FakeVonage::start().await;
    let created = fake
        .client()
        .secrets()
        .create("Second-Secret-1")
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .delete(format!(
            "{}/accounts/{}/secrets/{}",
            fake.url(),
            fake.api_key(),
            created.id
        ))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(
        response.headers().get("content-type").is_none(),
        "{:?}",
        response.headers()
    );
    assert!(response.headers().contains_key("x-request-id"));
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_429_carries_retry_after_and_the_rate_limit_headers() {
    let fake = FakeVonage::start().await;
    fake.inject(Fault::rate_limited(7));
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let response = reqwest::Client::new()
        .get(format!("{}/account/get-balance", fake.url()))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "application/problem+json");
    assert_eq!(header("retry-after"), "7");
    assert_eq!(header("x-ratelimit-limit"), "30");
    assert_eq!(header("x-ratelimit-remaining"), "0");
    // Unix time in milliseconds, as the portal's example `1769182705723`, when the wait ends.
    let reset: u128 = header("x-ratelimit-reset").parse().unwrap();
    assert!(
        (before + 7_000..before + 17_000).contains(&reset),
        "{reset} vs {before}"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["title"], "Rate Limit Hit");
    // The same from the control path, with another limit.
    let queued = send_json(
        reqwest::Client::new()
            .post(format!("{}/_fake/faults", fake.url()))
            .json(
                &serde_json::json!({"kind": "rate-limited", "retry_after_secs": 1, "limit": 100}),
            ),
    )
    .await;
    assert_eq!(queued["queued"], 1);
    let err = no_retry(&fake).account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
}

#[tokio::test]
async fn invalid_settings_answer_an_account_api_problem() {
    let fake = FakeVonage::start().await;
    let response = reqwest::Client::new()
        .post(format!("{}/account/settings", fake.url()))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
        .form(&[("moCallBackUrl", "not a url")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    // The fake's own choice: Vonage documents no body for a refused settings change.
    assert_eq!(
        body["type"],
        "https://developer.vonage.com/api-errors/account#validation"
    );
    assert_eq!(body["invalid_parameters"][0]["name"], "moCallBackUrl");
    // The crate refuses a bad URL before sending; an allowed value the fake refuses comes back
    // as InvalidParameters naming the field.
    fake.inject(Fault::new(vonage_account_fake::FaultKind::Status {
        status: 400,
        headers: Vec::new(),
        body: body.to_string(),
        content_type: Some("application/problem+json".into()),
    }));
    let update = SettingsUpdate::new().mo_callback_url("https://example.com/in");
    let err = fake
        .client()
        .account()
        .update_settings(&update)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameters);
    assert_eq!(
        err.api().unwrap().invalid_parameters()[0].name,
        "moCallBackUrl"
    );
}

#[tokio::test]
async fn with_check_webhooks_a_url_that_does_not_answer_200_is_refused() {
    use axum::{Router, http::StatusCode, routing::get};
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    let app = Router::new()
        .route(
            "/ok",
            get(move || {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async { "ok" }
            }),
        )
        .route("/gone", get(|| async { StatusCode::GONE }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hooks = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let fake = FakeVonage::start_with(Seed {
        check_webhooks: true,
        ..Seed::default()
    })
    .await
    .unwrap();
    let account = fake.client().account();
    let bad = SettingsUpdate::new()
        .mo_callback_url(format!("{hooks}/ok"))
        .dr_callback_url(format!("{hooks}/gone"));
    let err = account.update_settings(&bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameters, "{err}");
    let params = err.api().unwrap().invalid_parameters();
    assert_eq!(params.len(), 1);
    assert_eq!(params[0].name, "drCallBackUrl");
    assert!(params[0].reason.contains("410"), "{params:?}");
    assert_eq!(
        fake.account(fake.api_key())
            .unwrap()
            .settings
            .mo_callback_url,
        None
    );

    let good = SettingsUpdate::new().mo_callback_url(format!("{hooks}/ok"));
    let settings = account.update_settings(&good).await.unwrap();
    assert_eq!(settings.mo_callback_url, Some(format!("{hooks}/ok")));
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
    // Unreachable, and unset (an empty URL is not called).
    let closed = SettingsUpdate::new().mo_callback_url("http://127.0.0.1:9/hook");
    let err = account.update_settings(&closed).await.unwrap_err();
    assert!(
        err.api().unwrap().invalid_parameters()[0]
            .reason
            .contains("reached")
    );
    account
        .update_settings(&SettingsUpdate::new().unset_mo_callback_url())
        .await
        .unwrap();
    // Wrong credentials: nothing is called.
    let wrong = fake
        .client_builder()
        .api_secret("Wrong-Secret-1")
        .build()
        .unwrap();
    wrong.account().update_settings(&good).await.unwrap_err();
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
}
