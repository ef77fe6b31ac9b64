//! Certificates are verified against the system's trust store, with every TLS backend compiled
//! in: a server whose CA is not trusted is refused, and the same server is accepted once its CA
//! is the trust store (`SSL_CERT_FILE`, which rustls-platform-verifier on Linux and OpenSSL both
//! read).
//!
//! The server is `openssl s_server -WWW` (`tests/support/openssl.rs`), answering the balance
//! call. Skipped (with a message) where the `openssl` command is missing. Its own test binary,
//! because it sets an environment variable.

#![cfg(all(
    target_os = "linux",
    any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")
))]

#[path = "support/openssl.rs"]
mod openssl;

use vonage_account::{Client, ErrorKind, RetryConfig, TlsBackend};

fn client(backend: TlsBackend, url: &str) -> Client {
    Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .base_url(url)
        .retry(RetryConfig::NONE)
        .tls_backend(backend)
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_server_certificate_is_checked_against_the_trust_store() {
    if !openssl::available() {
        eprintln!("skipped: no openssl command to make certificates and serve TLS");
        return;
    }
    let server = openssl::TlsServer::start();

    // The system's roots do not include the test CA.
    for &backend in TlsBackend::AVAILABLE {
        let err = client(backend, &server.url())
            .account()
            .balance()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{backend:?}: {err}");
    }

    // With the test CA as the trust store, the call succeeds. The trust store is read when a
    // client is built or makes its first connection, so a new client picks it up.
    // SAFETY: this test binary has this one test, and nothing else reads the environment
    // concurrently.
    unsafe { std::env::set_var("SSL_CERT_FILE", server.ca_path()) };
    for &backend in TlsBackend::AVAILABLE {
        let balance = client(backend, &server.url())
            .account()
            .balance()
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        assert_eq!(balance.value.to_string(), "10.28000000", "{backend:?}");
    }
}
