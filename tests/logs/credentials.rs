//! The secret never appears in an error's Display or Debug, or in a log line, whatever the
//! answer: every failure path, with both placements of the credentials.

use std::time::Duration;

use base64::Engine as _;
use vonage_account::{AccountAuth, Client, ErrorKind, RetryConfig, SettingsUpdate};
use vonage_account_fake::{FakeVonage, Fault, Seed};

use crate::capture::{Level, capture};

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
    let log = capture(Level::TRACE);

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

    let logs = log.text();
    assert!(
        logs.contains("vonage_account.request"),
        "tracing spans were emitted: {logs}"
    );
    assert!(!leaks(&logs), "the secret is in the logs");
}
