//! The secret never appears in the Debug output of a builder or in a configuration error;
//! missing credentials and plain http to a remote host are refused when the client is built.
//! (That no error, log line or URL of a call holds it is `tests/logs/credentials.rs`.)

use base64::Engine as _;
use vonage_account::{Client, ErrorKind};

const SECRET: &str = "Sup3rSecretValue";

/// Everything that could leak the secret: itself, and its Basic header form.
fn leaks(text: &str) -> bool {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("leakkey1:{SECRET}"));
    text.contains(SECRET) || text.contains(&basic) || text.contains("Sup3r")
}

#[test]
fn builder_and_config_errors_do_not_echo_the_secret() {
    let err = Client::builder()
        .api_key("k1")
        .api_secret(format!("{SECRET} with space"))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(!leaks(&format!("{err} {err:?}")));
    let builder = Client::builder().api_key("k1").api_secret(SECRET);
    assert!(!leaks(&format!("{builder:?}")));
    assert!(format!("{builder:?}").contains("[REDACTED]"));
}

#[test]
fn missing_or_empty_credentials_fail_at_build() {
    for (builder, needle) in [
        (Client::builder().api_secret(SECRET), "API key is missing"),
        (Client::builder().api_key("k1"), "API secret is missing"),
        (
            Client::builder().api_key("k1").api_secret(""),
            "API secret is empty",
        ),
        (Client::builder().api_key("").api_secret(SECRET), "api_key"),
        (
            Client::builder().api_key("a/b").api_secret(SECRET),
            "api_key",
        ),
    ] {
        let err = builder.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(needle), "{err}");
    }
}

#[test]
fn plain_http_is_refused_except_to_loopback_or_when_allowed() {
    let base = || Client::builder().api_key("k1").api_secret(SECRET);
    for url in [
        "http://rest.nexmo.com",
        "http://10.0.0.1:8080",
        "http://example.com/proxy",
    ] {
        let err = base().base_url(url).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("unencrypted"), "{err}");
        base()
            .base_url(url)
            .allow_insecure_http(true)
            .build()
            .unwrap();
    }
    for url in [
        "http://127.0.0.1:1234",
        "http://localhost:8080",
        "http://[::1]:80",
        "https://rest.nexmo.com",
    ] {
        base()
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    for url in [
        "ftp://rest.nexmo.com",
        "not a url",
        "https://user:pw@rest.nexmo.com",
        "https://rest.nexmo.com/?api_secret=x",
    ] {
        assert_eq!(
            base().base_url(url).build().unwrap_err().kind(),
            ErrorKind::Config,
            "{url}"
        );
    }
}

#[test]
fn client_is_cheap_to_clone_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    fn assert_clone<T: Clone>() {}
    assert_send_sync::<Client>();
    assert_clone::<Client>();
    assert_send_sync::<vonage_account::Error>();
    // Cloning shares one pool: the size of a clone is one pointer.
    assert_eq!(std::mem::size_of::<Client>(), std::mem::size_of::<usize>());
}
