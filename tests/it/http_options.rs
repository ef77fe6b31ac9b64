//! The User-Agent suffix, and the application's own `reqwest::Client`: what the crate still
//! guarantees with it (credentials placed, only on the configured hosts; body limit; the
//! per-attempt timeout) and the settings it refuses next to it. Against the fake on 127.0.0.1.

use std::time::Duration;

use vonage_account::{AccountAuth, ErrorKind, RetryConfig};
use vonage_account_fake::{FakeVonage, Fault};

const USER_AGENT: &str = concat!("vonage-account-rust/", env!("CARGO_PKG_VERSION"));

/// A client builder for the fake, without retries.
/// A builder for the fake without its own HTTP settings (fake.client_builder() sets no_proxy,
/// which an application's own reqwest client must bring itself).
fn builder(fake: &FakeVonage) -> vonage_account::ClientBuilder {
    vonage_account::Client::builder()
        .base_url(fake.url())
        .api_key(fake.api_key())
        .api_secret(fake.api_secret().to_owned())
        .retry(RetryConfig::NONE)
}

#[tokio::test]
async fn the_user_agent_names_the_crate_and_then_the_service() {
    let fake = FakeVonage::start().await;
    builder(&fake)
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap();
    builder(&fake)
        .user_agent_suffix("billing-service/2.3 (ops@example.com)")
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap();
    let agents: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.header("user-agent").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        agents,
        [
            USER_AGENT.to_owned(),
            format!("{USER_AGENT} billing-service/2.3 (ops@example.com)")
        ]
    );
}

#[test]
fn a_user_agent_suffix_that_is_not_visible_ascii_is_a_config_error() {
    for suffix in [
        "",
        "   ",
        "bad\r\nX-Injected: 1",
        "caf\u{e9}/1",
        "tab\there",
    ] {
        let err = vonage_account::Client::builder()
            .api_key("abcd1234")
            .api_secret("Abcdef123456")
            .user_agent_suffix(suffix)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{suffix:?}: {err}");
        assert!(err.to_string().contains("user agent"), "{err}");
    }
}

#[tokio::test]
async fn the_applications_client_carries_the_calls_with_the_credentials() {
    let fake = FakeVonage::start().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-app", "billing".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .user_agent("billing-service/2.3")
        .build()
        .unwrap();
    let client = builder(&fake).reqwest_client(http).build().unwrap();
    client.account().balance().await.unwrap();
    client.secrets().list().await.unwrap();
    for request in fake.requests() {
        assert_eq!(request.header("x-app"), Some("billing"), "{request:?}");
        assert_eq!(request.header("user-agent"), Some("billing-service/2.3"));
        assert!(
            request
                .header("authorization")
                .is_some_and(|a| a.starts_with("Basic ")),
            "{request:?}"
        );
    }
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn with_the_applications_client_the_body_limit_and_timeout_still_hold() {
    let fake = FakeVonage::start().await;
    // A client with no timeout at all.
    let http = reqwest::Client::new();

    let err = builder(&fake)
        .reqwest_client(http.clone())
        .max_response_bytes(16)
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");

    fake.inject(Fault::delay(Duration::from_secs(3)));
    let started = std::time::Instant::now();
    let err = builder(&fake)
        .reqwest_client(http)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_redirect_followed_by_the_applications_client_never_carries_the_credentials() {
    let fake = FakeVonage::start().await;
    let elsewhere = FakeVonage::start().await;
    // A client that follows redirects, against the crate's advice.
    let http = reqwest::Client::new();
    fake.inject(Fault::redirect(format!(
        "{}/account/get-balance",
        elsewhere.url()
    )));
    let _ = builder(&fake)
        .reqwest_client(http)
        .build()
        .unwrap()
        .account()
        .balance()
        .await;
    let followed = elsewhere.requests();
    assert_eq!(followed.len(), 1, "the redirect was followed");
    assert_eq!(followed[0].header("authorization"), None, "{followed:?}");
    assert_eq!(followed[0].query, None);
}

#[test]
fn settings_for_the_crates_own_client_are_refused_next_to_the_applications() {
    let http = reqwest::Client::new();
    let base = || {
        vonage_account::Client::builder()
            .api_key("abcd1234")
            .api_secret("Abcdef123456")
            .reqwest_client(http.clone())
    };
    assert!(base().build().is_ok());
    let cases = [
        ("proxy", base().proxy("http://127.0.0.1:3128")),
        ("no_proxy", base().no_proxy()),
        ("user_agent_suffix", base().user_agent_suffix("svc/1")),
        ("add_root_certificate", base().add_root_certificate("pem")),
        (
            "QueryParameters",
            base().account_auth(AccountAuth::QueryParameters),
        ),
    ];
    for (setting, builder) in cases {
        let err = builder.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{setting}: {err}");
        assert!(err.to_string().contains(setting), "{setting}: {err}");
    }
}

#[tokio::test]
async fn the_request_hook_adds_headers_but_never_sees_or_replaces_the_credentials() {
    use std::sync::{Arc, Mutex};
    let fake = FakeVonage::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let hook_seen = seen.clone();
    let client = fake
        .client_builder()
        .retry(
            RetryConfig::default()
                .max_retries(1)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(10)),
        )
        .on_request(move |headers| {
            hook_seen
                .lock()
                .unwrap()
                .push(headers.contains_key("authorization"));
            headers.insert(
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
                    .parse()
                    .unwrap(),
            );
            headers.insert("authorization", "Bearer not-the-crates".parse().unwrap());
        })
        .build()
        .unwrap();
    fake.inject(Fault::status(503));
    client.account().balance().await.unwrap();
    client.secrets().list().await.unwrap();

    assert_eq!(
        *seen.lock().unwrap(),
        [false, false],
        "once per call, before the credentials"
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "the balance call was retried once");
    for request in requests {
        assert_eq!(
            request.header("traceparent"),
            Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            "every attempt carries it"
        );
        assert!(
            request
                .header("authorization")
                .is_some_and(|a| a.starts_with("Basic ")),
            "{request:?}"
        );
    }
}
