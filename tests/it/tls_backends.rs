//! Every TLS backend compiled in makes a real handshake with a TLS server on 127.0.0.1 (an
//! `openssl s_server` with a certificate from a CA of its own): it refuses the server while the
//! CA is not trusted, refuses a certificate for another name, and completes a `balance()` call
//! once the CA is given to `add_root_certificate`. With `--all-features` that is rustls
//! (reqwest's default provider), rustls with ring, and native-tls (OpenSSL), in one binary.
//!
//! Skipped (with a message) where the `openssl` command is missing.

#![cfg(all(
    target_os = "linux",
    any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")
))]

use crate::openssl::{self, TlsServer};
use vonage_account::{Client, ClientBuilder, ErrorKind, RetryConfig, TlsBackend};

fn builder(backend: TlsBackend, url: &str) -> ClientBuilder {
    Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .base_url(url)
        .retry(RetryConfig::NONE)
        .tls_backend(backend)
}

fn skip() -> bool {
    if openssl::available() {
        return false;
    }
    eprintln!("skipped: no openssl command to make certificates and serve TLS");
    true
}

#[test]
fn every_feature_has_its_backend() {
    let expected = [
        #[cfg(feature = "rustls")]
        TlsBackend::Rustls,
        #[cfg(feature = "rustls-ring")]
        TlsBackend::RustlsRing,
        #[cfg(feature = "native-tls")]
        TlsBackend::NativeTls,
    ];
    assert_eq!(TlsBackend::AVAILABLE, expected);
    assert_eq!(TlsBackend::default_backend(), expected.first().copied());
}

#[tokio::test]
async fn a_trusted_root_certificate_is_accepted_by_every_backend() {
    if skip() {
        return;
    }
    let server = TlsServer::start();
    for &backend in TlsBackend::AVAILABLE {
        let client = builder(backend, &server.url())
            .add_root_certificate(server.ca_pem())
            .build()
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        let balance = client
            .account()
            .balance()
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        assert_eq!(balance.value.to_string(), "10.28000000", "{backend:?}");
        assert!(!balance.auto_reload, "{backend:?}");
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_by_every_backend() {
    if skip() {
        return;
    }
    let server = TlsServer::start();
    let other = TlsServer::start();
    for &backend in TlsBackend::AVAILABLE {
        // The platform's roots only, then another CA: neither signed the server's certificate.
        let cases = [
            ("system roots", builder(backend, &server.url())),
            (
                "another CA",
                builder(backend, &server.url()).add_root_certificate(other.ca_pem()),
            ),
        ];
        for (case, builder) in cases {
            let err = builder
                .build()
                .unwrap()
                .account()
                .balance()
                .await
                .unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::Transport,
                "{backend:?}, {case}: {err}"
            );
            assert!(
                err.to_string().to_lowercase().contains("certificate"),
                "{backend:?}, {case}: the error says why: {err}"
            );
        }
    }
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused_by_every_backend() {
    if skip() {
        return;
    }
    let server = TlsServer::start();
    // The certificate is for `localhost`, not for the address.
    let url = format!("https://127.0.0.1:{}", server.port);
    for &backend in TlsBackend::AVAILABLE {
        let err = builder(backend, &url)
            .add_root_certificate(server.ca_pem())
            .build()
            .unwrap()
            .account()
            .balance()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{backend:?}: {err}");
    }
}

#[test]
fn a_root_certificate_that_is_not_pem_is_a_config_error() {
    let not_a_certificate =
        b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
    let only_a_key = b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
    let cases: [(&str, &[u8]); 4] = [
        ("empty", b""),
        ("text", b"hello"),
        ("a key, no certificate", only_a_key),
        (
            "a certificate block that is not a certificate",
            not_a_certificate,
        ),
    ];
    for &backend in TlsBackend::AVAILABLE {
        for (case, pem) in cases {
            let err = builder(backend, "https://localhost:1")
                .add_root_certificate(pem)
                .build()
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config, "{backend:?}, {case}: {err}");
            assert!(
                err.to_string().contains("add_root_certificate"),
                "{backend:?}, {case}: the error names the setting: {err}"
            );
        }
    }
}
