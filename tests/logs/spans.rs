//! Each attempt is a tracing span with operation, host, attempt, status and request id; its
//! events have it as parent.

use vonage_account::{Operation, with_response_meta};
use vonage_account_fake::Fault;

use crate::{
    capture::{Level, capture},
    common::*,
};

#[tokio::test]
async fn each_attempt_is_a_span_with_operation_host_attempt_status_and_request_id() {
    let log = capture(Level::DEBUG);
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::status(502).on(Operation::GetAccountBalance));
    let (_, answers) = with_response_meta(client.account().balance()).await;
    let logs = log.text();
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
    // One answer event per attempt, each inside its attempt's span.
    let responses = log.named("vonage_account.response");
    assert_eq!(responses.len(), 2, "{:#?}", log.events());
    for response in &responses {
        assert_eq!(response.level, Level::DEBUG);
        assert_eq!(response.span.as_deref(), Some("vonage_account.request"));
    }
}
