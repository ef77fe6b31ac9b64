//! The fake over HTTPS: a certificate made at start for 127.0.0.1 and localhost, trusted by the
//! fake's own client and by any client given its CA. The fake's HTTPS uses the crate's rustls
//! and its provider, so it needs `rustls` or `rustls-ring`; without them starting it fails
//! (tests/fake_without_tls.rs).

#![cfg(any(feature = "rustls", feature = "rustls-ring"))]

use vonage_account::{Client, ErrorKind, RetryConfig};
use vonage_account_fake::{FakeVonage, Seed};

async fn https_fake() -> FakeVonage {
    FakeVonage::builder()
        .tls(true)
        .start()
        .await
        .expect("the HTTPS fake starts")
}

#[tokio::test]
async fn an_https_fake_serves_its_own_client_and_shows_its_ca() {
    let fake = https_fake().await;
    assert!(
        fake.url().starts_with("https://127.0.0.1:"),
        "{}",
        fake.url()
    );
    let pem = fake.certificate_pem().expect("a CA with TLS");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 1);

    let client = fake.client();
    assert_eq!(
        client.account().balance().await.unwrap().value.to_string(),
        "10.28000000"
    );
    let created = client.secrets().create("Second-Secret-1").await.unwrap();
    client.secrets().revoke(&created.id).await.unwrap();
    assert_eq!(fake.requests().len(), 3);
    assert!(FakeVonage::start().await.certificate_pem().is_none());
}

#[tokio::test]
async fn the_certificate_is_for_localhost_too_and_only_trusted_when_given() {
    let fake = https_fake().await;
    let localhost = fake.url().replace("127.0.0.1", "localhost");
    fake.client_builder()
        .base_url(&localhost)
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap();

    // A client without the fake's CA refuses the connection: the certificate is a real one.
    let err = Client::builder()
        .api_key(fake.api_key())
        .api_secret(fake.api_secret().to_owned())
        .base_url(fake.url())
        .retry(RetryConfig::NONE)
        .no_proxy()
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(
        fake.requests().len() == 1,
        "only the trusted request arrived"
    );

    // Any client trusts it with the PEM, here reqwest's own (as the SDKs' REQUESTS_CA_BUNDLE or
    // NODE_EXTRA_CA_CERTS do).
    let http = crate::common::trusting(fake.certificate_pem().unwrap());
    let status = http
        .get(format!("{}/account/get-balance", fake.url()))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_control_path_is_served_over_https_as_well() {
    let fake = FakeVonage::builder()
        .seed(Seed {
            balance: "1.00".into(),
            ..Seed::default()
        })
        .tls(true)
        .start()
        .await
        .unwrap();
    let http = crate::common::trusting(fake.certificate_pem().unwrap());
    let account: serde_json::Value = http
        .get(format!("{}/_fake/accounts/{}", fake.url(), fake.api_key()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(account["balance"], "1.00000000");
}

#[tokio::test]
async fn a_broken_handshake_does_not_stop_the_https_fake() {
    use tokio::io::AsyncWriteExt as _;
    let fake = https_fake().await;
    // Plain HTTP to the TLS port, and a connection that never says anything.
    let mut plain = tokio::net::TcpStream::connect(fake.addr()).await.unwrap();
    plain
        .write_all(b"GET /account/get-balance HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let _silent = tokio::net::TcpStream::connect(fake.addr()).await.unwrap();
    fake.client().account().balance().await.unwrap();
}

#[tokio::test]
async fn every_tls_backend_trusts_the_fake_through_its_client_builder() {
    let fake = https_fake().await;
    for &backend in vonage_account::TlsBackend::AVAILABLE {
        let client = fake.client_builder().tls_backend(backend).build().unwrap();
        let balance = client.account().balance().await;
        assert!(balance.is_ok(), "{backend:?}: {balance:?}");
    }
    assert_eq!(
        fake.requests().len(),
        vonage_account::TlsBackend::AVAILABLE.len()
    );
}
