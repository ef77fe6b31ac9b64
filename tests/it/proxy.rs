//! `ClientBuilder::proxy` and `no_proxy`, through a recording proxy on 127.0.0.1
//! (`tests/support/proxy.rs`): plain `http://` hosts (the fake) are reached with absolute-form
//! requests, `https://` hosts through a `CONNECT` tunnel that the proxy cannot read; proxy
//! credentials never show. Every client here sets its proxy explicitly, so the environment's
//! proxy variables play no part (they are tested in `tests/proxy_env.rs`).

use crate::recording_proxy::Proxy;
use vonage_account::{ErrorKind, RetryConfig};
use vonage_account_fake::FakeVonage;

#[tokio::test]
async fn requests_go_through_the_configured_proxy() {
    let fake = FakeVonage::start().await;
    let proxy = Proxy::start().await;
    let client = fake.client_builder().proxy(proxy.url()).build().unwrap();
    client.account().balance().await.unwrap();
    assert_eq!(
        proxy.request_lines(),
        [format!(
            "GET http://{}/account/get-balance HTTP/1.1",
            fake.addr()
        )]
    );
    assert_eq!(fake.requests().len(), 1, "the fake got the request");
}

#[tokio::test]
async fn no_proxy_connects_directly() {
    let fake = FakeVonage::start().await;
    let proxy = Proxy::start().await;
    let client = fake
        .client_builder()
        .proxy(proxy.url())
        .no_proxy() // the last word wins
        .build()
        .unwrap();
    client.account().balance().await.unwrap();
    assert!(proxy.heads().is_empty(), "{:?}", proxy.heads());
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn proxy_credentials_are_sent_to_the_proxy_and_never_shown() {
    let fake = FakeVonage::start().await;
    let proxy = Proxy::start().await;
    let url = format!("http://proxyuser:Pr0xy-Pa55@{}", proxy.addr);
    let builder = fake.client_builder().proxy(url);
    let shown = format!("{builder:?}");
    assert!(!shown.contains("Pr0xy-Pa55"), "{shown}");
    assert!(!shown.contains("proxyuser"), "{shown}");
    assert!(shown.contains(&proxy.addr.to_string()), "{shown}");
    let client = builder.build().unwrap();
    client.account().balance().await.unwrap();
    let head = proxy.heads().concat().to_lowercase();
    // base64("proxyuser:Pr0xy-Pa55")
    assert!(
        head.contains("proxy-authorization: basic chjvehl1c2vyolbymhh5lvbhntu="),
        "{head}"
    );

    // A proxy that is not there: the error does not repeat the proxy URL's credentials.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = fake
        .client_builder()
        .retry(RetryConfig::NONE)
        .proxy(format!("http://proxyuser:Pr0xy-Pa55@{closed}"))
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("Pr0xy-Pa55"), "{shown}");
        assert!(!shown.contains("proxyuser"), "{shown}");
    }
}

#[tokio::test]
async fn https_hosts_are_tunnelled_so_the_proxy_never_sees_the_credentials() {
    let proxy = Proxy::start().await;
    let err = vonage_account::Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .base_url("https://rest.example.invalid")
        .retry(RetryConfig::NONE)
        .proxy(proxy.url())
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap_err();
    // The proxy could not reach the host (there is none), so the call fails.
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("CONNECT rest.example.invalid:443 HTTP/1.1\r\n"),
        "{heads:?}"
    );
    let head = heads[0].to_lowercase();
    assert!(!head.contains("authorization: basic"), "{head}");
    assert!(!head.contains("/account/"), "{head}");
}

#[cfg(all(
    target_os = "linux",
    any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")
))]
use crate::openssl;

/// A whole call to a TLS server through the tunnel, with every backend.
#[cfg(all(
    target_os = "linux",
    any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")
))]
#[tokio::test]
async fn a_tls_call_through_the_tunnel_succeeds_with_every_backend() {
    if !openssl::available() {
        eprintln!("skipped: no openssl command to make certificates and serve TLS");
        return;
    }
    let server = openssl::TlsServer::start();
    for &backend in vonage_account::TlsBackend::AVAILABLE {
        let proxy = Proxy::start().await;
        let balance = vonage_account::Client::builder()
            .api_key("abcd1234")
            .api_secret("Abcdef123456")
            .base_url(server.url())
            .retry(RetryConfig::NONE)
            .tls_backend(backend)
            .add_root_certificate(server.ca_pem())
            .proxy(proxy.url())
            .build()
            .unwrap()
            .account()
            .balance()
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        assert_eq!(balance.value.to_string(), "10.28000000");
        assert_eq!(
            proxy.request_lines(),
            [format!("CONNECT localhost:{} HTTP/1.1", server.port)],
            "{backend:?}"
        );
    }
}

#[test]
fn a_proxy_url_that_cannot_be_used_is_a_config_error_that_hides_its_credentials() {
    for url in [
        "not a url",
        "ftp://user:S3cret-Pw@proxy.example:21",
        "socks5://user:S3cret-Pw@proxy.example:1080",
        "http://user:S3cret-Pw@",
    ] {
        let err = vonage_account::Client::builder()
            .api_key("abcd1234")
            .api_secret("Abcdef123456")
            .proxy(url)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}: {err}");
        assert!(err.to_string().contains("proxy"), "{url}: {err}");
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("S3cret-Pw"), "{shown}");
        }
    }
}
