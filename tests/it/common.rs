//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;

use vonage_account::{Client, RetryConfig};
use vonage_account_fake::{FakeVonage, RecordedRequest, Seed};

/// The documented Basic example: key `aaa012`, secret `abc123456789`.
pub const DOC_KEY: &str = "aaa012";
pub const DOC_SECRET: &str = "abc123456789";
pub const DOC_AUTH: &str = "Basic YWFhMDEyOmFiYzEyMzQ1Njc4OQ==";

/// A fake whose primary key is the documented Basic example.
pub async fn doc_fake() -> FakeVonage {
    FakeVonage::start_with(Seed {
        api_key: DOC_KEY.into(),
        secrets: vec![DOC_SECRET.into()],
        ..Seed::default()
    })
    .await
    .expect("fake starts")
}

/// A client of `fake` with no retries.
pub fn no_retry(fake: &FakeVonage) -> Client {
    fake.client_builder()
        .retry(RetryConfig::NONE)
        .build()
        .unwrap()
}

/// A client of `fake` with fast retries.
pub fn fast_retry(fake: &FakeVonage, max_retries: u32) -> Client {
    fake.client_builder()
        .retry(
            RetryConfig::default()
                .max_retries(max_retries)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_secs(2)),
        )
        .build()
        .unwrap()
}

/// The only request the fake saw.
pub fn only_request(fake: &FakeVonage) -> RecordedRequest {
    let requests = fake.requests();
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, saw {requests:#?}"
    );
    requests.into_iter().next().unwrap()
}

/// Sends a plain-HTTP request and decodes its JSON answer.
pub async fn send_json(request: reqwest::RequestBuilder) -> serde_json::Value {
    let response = request.send().await.expect("the fake answers");
    response.json().await.expect("a JSON answer")
}

/// A plain reqwest client that trusts only `pem` (an HTTPS fake's CA) and uses no proxy, as an
/// SDK given the fake's certificate does.
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
pub fn trusting(pem: &str) -> reqwest::Client {
    // With `rustls-ring` as the only TLS feature, reqwest has rustls without a provider: a test,
    // like an application (README, "TLS"), installs one for its own plain reqwest clients.
    #[cfg(all(
        feature = "rustls-ring",
        not(feature = "rustls"),
        not(feature = "native-tls")
    ))]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
        .no_proxy()
        .build()
        .unwrap()
}
