//! The fake built without `rustls` and `rustls-ring` (no TLS feature, or `native-tls` alone):
//! plain HTTP works, and asking for HTTPS is a typed error naming the features, never a panic.
//!
//! Only compiled when the crate lacks both features, so `cargo test --all-features` does not run
//! it; `.ci/run` does, with `cargo test -p vonage-account-fake --no-default-features --test
//! fake_without_tls`. (tests/it/fake_tls.rs tests the fake's HTTPS with them.)

#![cfg(not(any(feature = "rustls", feature = "rustls-ring")))]

use vonage_account_fake::{FakeError, FakeVonage};

/// What `FakeBuilder::tls` and Cargo.toml promise.
const MESSAGE: &str =
    "cannot set up HTTPS: the fake's HTTPS needs the crate's `rustls` or `rustls-ring` feature";

#[tokio::test]
async fn https_is_a_typed_error_and_plain_http_still_works() {
    let err = FakeVonage::builder().tls(true).start().await.unwrap_err();
    assert!(matches!(err, FakeError::TlsUnavailable), "{err:?}");
    assert_eq!(err.to_string(), MESSAGE);

    let err = FakeVonage::builder()
        .tls(true)
        .start_on_own_runtime()
        .unwrap_err();
    assert!(matches!(err, FakeError::TlsUnavailable), "{err:?}");

    let fake = FakeVonage::start().await;
    assert!(
        fake.url().starts_with("http://127.0.0.1:"),
        "{}",
        fake.url()
    );
    assert!(fake.certificate_pem().is_none());
    let balance = fake.client().account().balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "10.28000000");
}
