//! Retries only where repeating is safe; a top-up or a secret creation is never sent twice.

use crate::common;

use std::time::{Duration, Instant};

use common::*;
use vonage_account::{Client, Error, ErrorKind, Operation, RetryConfig, SettingsUpdate};
use vonage_account_fake::{Fault, FaultKind};

fn status_with(status: u16, headers: Vec<(String, String)>) -> Fault {
    Fault::new(FaultKind::Status {
        status,
        headers,
        body: String::new(),
        content_type: None,
    })
}

#[tokio::test]
async fn reads_retry_on_502_503_504_and_connection_drops() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 3);
    for fault in [
        Fault::status(502),
        Fault::status(503),
        Fault::status(504),
        Fault::drop_connection(),
    ] {
        fake.clear_requests();
        fake.inject(fault.clone().times(2));
        let balance = client
            .account()
            .balance()
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(balance.value.to_string(), "10.28000000");
        assert_eq!(
            fake.requests_to(Operation::GetAccountBalance).len(),
            3,
            "{fault:?}: two failures, then success"
        );
    }
    // The same for the other reads.
    fake.clear_requests();
    fake.inject(Fault::status(503).on(Operation::RetrieveApiSecrets));
    fake.inject(Fault::status(503).on(Operation::ChangeAccountSettings));
    client.secrets().list().await.unwrap();
    client.account().settings().await.unwrap();
    let id = fake.secret_ids(DOC_KEY).remove(0);
    fake.inject(Fault::status(504).on(Operation::RetrieveApiSecret));
    client.secrets().get(&id).await.unwrap();
    assert_eq!(fake.requests().len(), 6);
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_report_the_last_answer() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::status(503).times(10));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(fake.requests().len(), 3, "one attempt and two retries");

    fake.clear_faults();
    fake.clear_requests();
    fake.inject(Fault::drop_connection().times(10));
    let err = client.account().balance().await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn reads_do_not_retry_on_500_or_4xx() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 3);
    for fault in [
        Fault::html_500(),
        Fault::status(400),
        Fault::status(401),
        Fault::status(404),
    ] {
        fake.clear_requests();
        fake.inject(fault);
        client.account().balance().await.unwrap_err();
        assert_eq!(fake.requests().len(), 1);
    }
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::rate_limited(1));
    let started = Instant::now();
    client.account().balance().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    let when = (chrono::Utc::now() + chrono::Duration::seconds(2))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    fake.inject(status_with(429, vec![("Retry-After".into(), when)]));
    let started = Instant::now();
    client.account().balance().await.unwrap();
    // The date has one-second precision: at least one second is left of the two.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2); // max_delay is 2 s
    fake.inject(Fault::rate_limited(120));
    let started = Instant::now();
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn the_error_after_the_retries_says_when_to_come_back() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2); // max_delay is 2 s

    // The fake's 429 carries both Retry-After and X-RateLimit-Reset: Retry-After wins. With
    // `Retry-After: 0` the call is retried until its retries are spent.
    fake.inject(Fault::rate_limited(0).times(3));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(fake.requests().len(), 3, "one attempt and two retries");
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert!(err.to_string().contains("; retry after 0 s"), "{err}");

    // A wait longer than the client's own is returned at once, with the wait.
    fake.inject(Fault::rate_limited(30));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(err.to_string().contains("; retry after 30 s ("), "{err}");

    // X-RateLimit-Reset alone, in the portal's milliseconds since the epoch.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let reset = (now_ms + 45_000).to_string();
    fake.inject(status_with(429, vec![("X-RateLimit-Reset".into(), reset)]).times(3));
    let err = client.account().balance().await.unwrap_err();
    let wait = err.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(40) && wait <= Duration::from_secs(45),
        "{wait:?}"
    );

    // No hint, no wait: a 503 without the headers, a refused call.
    fake.inject(Fault::status(503).times(3));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.retry_after(), None);
    assert!(!err.to_string().contains("retry after"), "{err}");
    fake.inject(Fault::status(401));
    assert_eq!(
        client.account().balance().await.unwrap_err().retry_after(),
        None
    );
}

#[tokio::test]
async fn a_retry_after_date_from_a_server_becomes_the_errors_wait() {
    // A small server whose every answer is a 429 asking to come back in 40 s, as an HTTP date.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(|| async {
        let when = (chrono::Utc::now() + chrono::Duration::seconds(40))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, when)],
            "",
        )
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder()
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .base_url(&url)
        .build()
        .unwrap(); // the default retries wait at most 5 s: 40 s is returned at once
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    // The date has one-second precision.
    let wait = err.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(38) && wait <= Duration::from_secs(40),
        "{wait:?}"
    );
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    assert!(
        err.to_string().contains(&format!("; retry after {secs} s")),
        "{err}"
    );
}

#[tokio::test]
async fn settings_updates_retry_since_they_set_values() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::status(502).on(Operation::ChangeAccountSettings));
    let settings = client
        .account()
        .update_settings(&SettingsUpdate::new().mo_callback_url("https://example.com/mo"))
        .await
        .unwrap();
    assert_eq!(
        settings.mo_callback_url.as_deref(),
        Some("https://example.com/mo")
    );
    let sent = fake.requests_to(Operation::ChangeAccountSettings);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body, "the retry sends the same body");
    // The retry is the generated call run again, not a kept copy: the same request, byte for
    // byte (method, path, query, every header in order).
    assert_eq!(
        (
            &sent[0].method,
            &sent[0].path,
            &sent[0].query,
            &sent[0].headers
        ),
        (
            &sent[1].method,
            &sent[1].path,
            &sent[1].query,
            &sent[1].headers
        ),
    );
}

/// Faults after which the request may have reached the server.
fn may_have_arrived() -> Vec<Fault> {
    vec![
        Fault::html_500(),
        Fault::status(502),
        Fault::status(503),
        Fault::status(504),
        Fault::rate_limited(0),
        Fault::drop_connection(),
        Fault::truncated_body(),
    ]
}

#[tokio::test]
async fn a_top_up_is_sent_exactly_once_whatever_goes_wrong() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 3);
    for fault in may_have_arrived() {
        fake.clear_requests();
        fake.inject(fault.clone().on(Operation::TopUpAccountBalance).times(5));
        client
            .account()
            .top_up("once")
            .await
            .expect_err("the fault surfaces");
        assert_eq!(
            fake.requests_to(Operation::TopUpAccountBalance).len(),
            1,
            "{fault:?} caused a re-send"
        );
        fake.clear_faults();
    }
}

#[tokio::test]
async fn a_timed_out_top_up_is_not_sent_again_even_though_it_was_applied() {
    let fake = doc_fake().await;
    let client = fake
        .client_builder()
        .timeout(Duration::from_millis(200))
        .retry(
            RetryConfig::default()
                .max_retries(3)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    fake.inject(Fault::delay(Duration::from_millis(600)).on(Operation::TopUpAccountBalance));
    let err = client.account().top_up("slow").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(fake.requests_to(Operation::TopUpAccountBalance).len(), 1);
    assert_eq!(
        fake.top_ups(DOC_KEY),
        vec!["slow"],
        "the server applied it once"
    );
}

#[tokio::test]
async fn creates_and_revokes_are_not_re_sent() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 3);
    for fault in may_have_arrived() {
        fake.clear_requests();
        fake.inject(fault.clone().on(Operation::CreateApiSecret).times(5));
        client
            .secrets()
            .create("Created12345")
            .await
            .expect_err("the fault surfaces");
        assert_eq!(
            fake.requests_to(Operation::CreateApiSecret).len(),
            1,
            "create: {fault:?}"
        );
        fake.clear_faults();

        fake.inject(fault.clone().on(Operation::RevokeApiSecret).times(5));
        client
            .secrets()
            .revoke("01234567-aaaa-bbbb-cccc-defdefdefdef")
            .await
            .expect_err("the fault surfaces");
        assert_eq!(
            fake.requests_to(Operation::RevokeApiSecret).len(),
            1,
            "revoke: {fault:?}"
        );
        fake.clear_faults();
    }
}

#[tokio::test]
async fn a_failure_to_connect_is_retried_even_for_a_top_up() {
    // Nothing listens on the port, so the server never saw the request: retrying is safe.
    let fake = doc_fake().await;
    let url = fake.url();
    fake.shutdown().await;
    let client = Client::builder()
        .base_url(url)
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .retry(
            RetryConfig::default()
                .max_retries(2)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let err = client.account().top_up("t").await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "{err:?}"
    );
    let err = client.secrets().create("Abcdefgh1234").await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    fake.inject(Fault::status(503).times(3));
    client.account().balance().await.unwrap_err();
    assert_eq!(fake.requests().len(), 1);
}
