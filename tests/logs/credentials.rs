//! The secret never appears in Debug, Display, errors, logs or URLs; plain http to a remote host is refused.

mod common;

use std::time::Duration;

use base64::Engine as _;
use common::Captured;
use vonage_account::{AccountAuth, Client, ErrorKind, RetryConfig, SettingsUpdate};
use vonage_account_fake::{FakeVonage, Fault, Seed};

const SECRET: &str = "Sup3rSecretValue";

/// Everything that could leak the secret: itself, and its Basic header form.
fn leaks(text: &str) -> bool {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("leakkey1:{SECRET}"));
    text.contains(SECRET) || text.contains(&basic) || text.contains("Sup3r")
}

async fn every_failure(client: &Client, fake: &FakeVonage) -> Vec<vonage_account::Error> {
    let mut errors = Vec::new();
    let faults = [
        Fault::html_500(),
        Fault::status(401),
        Fault::rate_limited(100),
        Fault::empty_502(),
        Fault::truncated_body(),
        Fault::not_json(),
        Fault::drop_connection(),
        Fault::huge_body(2 << 20),
        Fault::redirect("https://evil.example/"),
        Fault::delay(Duration::from_millis(500)),
    ];
    for fault in faults {
        // Twice, so a retried read meets it again.
        fake.inject(fault.clone().times(2));
        errors.push(client.account().balance().await.unwrap_err());
        fake.clear_faults();
        fake.inject(fault.clone().times(2));
        errors.push(client.account().top_up("t").await.unwrap_err());
        fake.clear_faults();
        fake.inject(fault.times(2));
        errors.push(client.secrets().list().await.unwrap_err());
        fake.clear_faults();
    }
    errors.push(client.secrets().create("weak").await.unwrap_err());
    errors.push(client.secrets().create(SECRET).await.unwrap_err()); // a third secret: limit
    errors.push(client.secrets().revoke("nosuchid").await.unwrap_err());
    errors.push(client.secrets_for("a/b").list().await.unwrap_err());
    errors.push(client.account().top_up(" ").await.unwrap_err());
    errors.push(
        client
            .account()
            .update_settings(&SettingsUpdate::new().mo_callback_url(SECRET))
            .await
            .unwrap_err(),
    );
    errors
}

#[tokio::test]
async fn the_secret_appears_in_no_error_log_or_debug_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = FakeVonage::start_with(Seed {
        api_key: "leakkey1".into(),
        secrets: vec![SECRET.into(), "Other1234567".into()],
        ..Seed::default()
    })
    .await
    .unwrap();
    for auth in [AccountAuth::Basic, AccountAuth::QueryParameters] {
        let client = fake
            .client_builder()
            .account_auth(auth)
            .timeout(Duration::from_millis(200))
            .retry(
                RetryConfig::default()
                    .max_retries(1)
                    .base_delay(Duration::from_millis(1))
                    .max_delay(Duration::from_millis(5)),
            )
            .build()
            .unwrap();
        assert!(!leaks(&format!("{client:?}")), "{client:?}");
        assert!(!leaks(&format!("{:?}", client.to_builder())));
        let errors = every_failure(&client, &fake).await;
        assert!(errors.len() > 30);
        for err in &errors {
            for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
                assert!(!leaks(&text), "{auth:?}: {text}");
            }
        }
        let kinds: std::collections::HashSet<ErrorKind> = errors.iter().map(|e| e.kind()).collect();
        assert!(
            kinds.len() >= 9,
            "the failure paths were really exercised: {kinds:?}"
        );
    }

    // A connection error in query mode: reqwest would print the URL (with the secret) by default.
    let url = fake.url();
    fake.shutdown().await;
    let client = Client::builder()
        .base_url(url)
        .api_key("leakkey1")
        .api_secret(SECRET)
        .account_auth(AccountAuth::QueryParameters)
        .retry(RetryConfig::NONE)
        .build()
        .unwrap();
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(!leaks(&format!("{err} {err:?}")), "{err:?}");

    let logs = captured.text();
    assert!(
        logs.contains("vonage_account.request"),
        "tracing spans were emitted: {logs}"
    );
    assert!(!leaks(&logs), "the secret is in the logs");
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
