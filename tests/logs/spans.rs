//! Each attempt is a tracing span with operation, host, attempt, status and request id.
//!
//! Alone in its test binary: tracing caches callsite interest process-wide, so a test running
//! on another thread without a subscriber could hide these events from this test's subscriber.

mod common;

use common::*;
use vonage_account::{Operation, with_response_meta};
use vonage_account_fake::Fault;

#[tokio::test]
async fn each_attempt_is_a_span_with_operation_host_attempt_status_and_request_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::status(502).on(Operation::GetAccountBalance));
    let (_, answers) = with_response_meta(client.account().balance()).await;
    let logs = captured.text();
    let id = answers[0].request_id.clone().unwrap();
    assert!(logs.contains("operation=\"getAccountBalance\""), "{logs}");
    assert!(logs.contains("host=\"127.0.0.1\""), "{logs}");
    assert!(
        logs.contains("attempt=1") && logs.contains("attempt=2"),
        "{logs}"
    );
    assert!(
        logs.contains("status=502") && logs.contains("status=200"),
        "{logs}"
    );
    assert!(logs.contains(&format!("request_id=\"{id}\"")), "{logs}");
    assert!(logs.contains("elapsed_ms="), "{logs}");
    assert!(logs.contains("vonage_account.retry"), "{logs}");
    assert!(!logs.contains(DOC_SECRET) && !logs.contains(DOC_AUTH));
}
