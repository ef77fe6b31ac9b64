//! The environment's proxy variables (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`), read when a
//! client is built, and the builder settings that override them. Its own test binary with one
//! test, because it sets environment variables.

#[path = "support/proxy.rs"]
mod proxy;

use proxy::Proxy;
use vonage_account::{Client, RetryConfig};
use vonage_account_fake::FakeVonage;

/// Sets (or with `None` removes) one variable in both spellings.
fn set(name: &str, value: Option<&str>) {
    for name in [name.to_owned(), name.to_lowercase()] {
        // SAFETY: this binary has one test, and it sets variables only between client builds,
        // with no other thread reading the environment.
        unsafe {
            match value {
                Some(value) => std::env::set_var(&name, value),
                None => std::env::remove_var(&name),
            }
        }
    }
}

#[tokio::test]
async fn the_environment_proxy_is_used_unless_the_builder_says_otherwise() {
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"] {
        set(name, None);
    }
    let fake = FakeVonage::start().await;
    let from_env = Proxy::start().await;
    let explicit = Proxy::start().await;
    let balance_line = format!("GET http://{}/account/get-balance HTTP/1.1", fake.addr());

    // A client of the crate's own, pointed at the fake (fake.client() never uses a proxy).
    let from_env_client = || {
        Client::builder()
            .api_key(fake.api_key())
            .api_secret(fake.api_secret().to_owned())
            .base_url(fake.url())
            .retry(RetryConfig::NONE)
            .build()
            .unwrap()
    };

    // HTTP_PROXY for an http:// host.
    set("HTTP_PROXY", Some(&from_env.url()));
    from_env_client().account().balance().await.unwrap();
    assert_eq!(from_env.request_lines(), [balance_line.as_str()]);

    // The fake's own client goes straight to it, whatever the environment says: a proxy set on
    // a CI runner would otherwise receive the loopback requests, credentials included.
    fake.client().account().balance().await.unwrap();
    assert_eq!(from_env.request_lines().len(), 1, "no new request");

    // no_proxy() ignores it.
    fake.client_builder()
        .no_proxy()
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap();
    assert_eq!(from_env.request_lines().len(), 1, "no new request");

    // An explicit proxy replaces it.
    fake.client_builder()
        .proxy(explicit.url())
        .build()
        .unwrap()
        .account()
        .balance()
        .await
        .unwrap();
    assert_eq!(from_env.request_lines().len(), 1, "no new request");
    assert_eq!(explicit.request_lines(), [balance_line.as_str()]);

    // NO_PROXY lets the listed hosts bypass it.
    set("NO_PROXY", Some("127.0.0.1"));
    from_env_client().account().balance().await.unwrap();
    assert_eq!(from_env.request_lines().len(), 1, "no new request");
    set("NO_PROXY", None);

    // HTTPS_PROXY for an https:// host, through a CONNECT tunnel.
    set("HTTP_PROXY", None);
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    https_proxy_from_env(&from_env).await;

    assert_eq!(fake.requests().len(), 5, "the fake got every plain request");
}

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
async fn https_proxy_from_env(from_env: &Proxy) {
    set("HTTPS_PROXY", Some(&from_env.url()));
    let err = Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .base_url("https://api.example.invalid")
        .retry(RetryConfig::NONE)
        .build()
        .unwrap()
        .secrets()
        .list()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), vonage_account::ErrorKind::Transport, "{err}");
    assert_eq!(
        from_env.request_lines().last().map(String::as_str),
        Some("CONNECT api.example.invalid:443 HTTP/1.1")
    );
    // An HTTPS fake's own client does not go through it either. (The fake's HTTPS needs a
    // rustls feature.)
    #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
    {
        let seen = from_env.request_lines().len();
        let fake = FakeVonage::builder().tls(true).start().await.unwrap();
        fake.client().account().balance().await.unwrap();
        assert_eq!(from_env.request_lines().len(), seen, "no new request");
        assert_eq!(fake.requests().len(), 1);
    }
    set("HTTPS_PROXY", None);
}
