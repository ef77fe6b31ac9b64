//! The crate's events, their levels and fields, as the crate docs list them ("Logging"): a retry
//! and a failed call are visible at INFO or WARN, fields say what they mean, and no field holds
//! a credential.

use std::time::Duration;

use vonage_account::ErrorKind;
use vonage_account_fake::Fault;

use crate::{
    capture::{Event, Level, Log, capture},
    common::*,
};

/// The names of the crate's own events (not the fake's), in order.
fn crate_events(log: &Log) -> Vec<Event> {
    log.events()
        .into_iter()
        .filter(|e| e.target.starts_with("vonage_account::"))
        .collect()
}

fn names(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.name.as_str()).collect()
}

/// No credential in anything logged.
fn assert_no_credentials(log: &Log) {
    let text = log.text();
    let basic = DOC_AUTH.trim_start_matches("Basic ");
    assert!(
        !text.contains(DOC_SECRET) && !text.contains(basic),
        "{text}"
    );
    for event in log.events() {
        for value in event.fields.values() {
            assert!(
                !value.contains(DOC_SECRET) && !value.contains(basic),
                "{event:?}"
            );
        }
    }
}

#[tokio::test]
async fn at_info_each_retry_and_the_failure_of_the_call_are_logged() {
    let log = capture(Level::INFO);
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::status(503).times(3));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ServerError);

    let events = crate_events(&log);
    assert_eq!(
        names(&events),
        [
            "vonage_account.retry",
            "vonage_account.retry",
            "vonage_account.call_failed"
        ],
        "{events:#?}"
    );
    for (retry, attempt) in events[..2].iter().zip(["1", "2"]) {
        assert_eq!(retry.level, Level::INFO);
        assert_eq!(retry.field("operation"), Some("getAccountBalance"));
        assert_eq!(retry.field("attempt"), Some(attempt));
        assert_eq!(retry.field("status"), Some("503"));
        assert_eq!(retry.field("error"), None);
        let wait: u64 = retry.field("wait_ms").unwrap().parse().unwrap();
        assert!(wait <= 2_000, "{retry:?}");
        // At INFO the attempt's span is off: the event carries what it needs itself.
        assert_eq!(retry.span, None);
    }
    let failed = &events[2];
    assert_eq!(failed.level, Level::WARN, "Vonage failed: {failed:?}");
    assert_eq!(failed.field("operation"), Some("getAccountBalance"));
    assert_eq!(failed.field("kind"), Some("server-error"));
    assert_eq!(failed.field("status"), Some("503"));
    assert_eq!(failed.field("attempts"), Some("3"));
    assert_eq!(failed.field("request_id"), err.request_id());
    assert!(err.request_id().is_some());
    assert_eq!(failed.field("error"), Some(err.to_string().as_str()));
    assert_no_credentials(&log);
}

#[tokio::test]
async fn a_refused_call_is_info_and_its_answer_is_logged_with_its_status() {
    let log = capture(Level::DEBUG);
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::status(401));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);

    let events = crate_events(&log);
    assert_eq!(
        names(&events),
        ["vonage_account.response", "vonage_account.call_failed"],
        "{events:#?}"
    );
    let response = &events[0];
    assert_eq!(response.level, Level::DEBUG);
    assert_eq!(response.field("status"), Some("401"));
    assert!(response.field("elapsed_ms").unwrap().parse::<u64>().is_ok());
    // Nothing that could read as a success.
    assert_eq!(response.field("ok"), None, "{response:?}");
    assert_eq!(response.span.as_deref(), Some("vonage_account.request"));
    let failed = &events[1];
    assert_eq!(failed.level, Level::INFO, "Vonage refused it: {failed:?}");
    assert_eq!(failed.field("kind"), Some("unauthorized"));
    assert_eq!(failed.field("status"), Some("401"));
    assert_eq!(failed.field("attempts"), Some("1"));
    assert_no_credentials(&log);
}

#[tokio::test]
async fn a_broken_connection_is_retried_with_its_error_and_a_success_logs_no_failure() {
    let log = capture(Level::DEBUG);
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::drop_connection());
    client.account().balance().await.unwrap();

    let events = crate_events(&log);
    assert_eq!(
        names(&events),
        [
            "vonage_account.transport_error",
            "vonage_account.retry",
            "vonage_account.response"
        ],
        "{events:#?}"
    );
    let error = events[0].field("error").unwrap();
    assert!(!error.is_empty());
    assert_eq!(events[0].level, Level::DEBUG);
    let retry = &events[1];
    assert_eq!(retry.level, Level::INFO);
    assert_eq!(retry.field("attempt"), Some("1"));
    assert_eq!(retry.field("status"), None, "no answer: {retry:?}");
    assert_eq!(retry.field("error"), Some(error));
    assert_eq!(events[2].field("status"), Some("200"));
    assert_no_credentials(&log);
}

#[tokio::test]
async fn a_rate_limited_call_warns_with_the_wait_and_a_failed_top_up_is_not_retried() {
    let log = capture(Level::INFO);
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::rate_limited(30)); // longer than the 2 s the client waits by itself
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    fake.inject(Fault::drop_connection());
    let top_up = client.account().top_up("trx-1").await.unwrap_err();
    assert_eq!(top_up.kind(), ErrorKind::Transport);

    let events = crate_events(&log);
    assert_eq!(
        names(&events),
        ["vonage_account.call_failed", "vonage_account.call_failed"],
        "{events:#?}"
    );
    let limited = &events[0];
    assert_eq!(limited.level, Level::WARN);
    assert_eq!(limited.field("kind"), Some("rate-limited"));
    assert!(
        limited.field("error").unwrap().contains("retry after 30 s"),
        "{limited:?}"
    );
    let broken = &events[1];
    assert_eq!(broken.level, Level::WARN);
    assert_eq!(broken.field("operation"), Some("topUpAccountBalance"));
    assert_eq!(broken.field("kind"), Some("transport"));
    assert_eq!(broken.field("status"), None);
    assert_eq!(broken.field("attempts"), Some("1"));
    assert_no_credentials(&log);
}
