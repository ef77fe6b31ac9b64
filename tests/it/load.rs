//! 1,000 concurrent calls through one Client, with a share of injected faults: every call ends
//! in its result or a typed error, and no non-idempotent request is sent twice.

use crate::common;

use std::time::Duration;

use common::*;
use vonage_account::{ErrorKind, Operation, RetryConfig};
use vonage_account_fake::Fault;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_with_faults() {
    let fake = doc_fake().await;
    let client = fake
        .client_builder()
        .timeout(Duration::from_secs(20))
        .retry(
            RetryConfig::default()
                .max_retries(2)
                .base_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(50)),
        )
        .build()
        .unwrap();
    fake.inject(Fault::status(503).times(60));
    fake.inject(
        Fault::drop_connection()
            .on(Operation::TopUpAccountBalance)
            .times(25),
    );
    fake.inject(
        Fault::html_500()
            .on(Operation::TopUpAccountBalance)
            .times(25),
    );
    fake.inject(
        Fault::drop_connection()
            .on(Operation::GetAccountBalance)
            .times(25),
    );

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1000u32 {
        let client = client.clone();
        tasks.spawn(async move {
            match i % 4 {
                0 => (
                    "top-up",
                    client.account().top_up(&format!("trx{i}")).await.map(drop),
                ),
                1 => ("list", client.secrets().list().await.map(drop)),
                2 => ("settings", client.account().settings().await.map(drop)),
                _ => ("balance", client.account().balance().await.map(drop)),
            }
        });
    }
    let mut ok_top_ups = 0;
    let mut failures = 0;
    let mut calls = 0;
    while let Some(joined) = tasks.join_next().await {
        let (op, result) = joined.expect("no call panicked");
        calls += 1;
        match result {
            Ok(()) if op == "top-up" => ok_top_ups += 1,
            Ok(()) => {}
            Err(e) => {
                failures += 1;
                assert!(
                    matches!(e.kind(), ErrorKind::ServerError | ErrorKind::Transport),
                    "{op}: an unexpected error {e:?}"
                );
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert_eq!(calls, 1000);
    // Every top-up reached the server exactly once, faults or not.
    assert_eq!(fake.requests_to(Operation::TopUpAccountBalance).len(), 250);
    // Those that succeeded are exactly those the server applied.
    assert_eq!(fake.top_ups(DOC_KEY).len(), ok_top_ups);
    let mut applied = fake.top_ups(DOC_KEY);
    applied.sort();
    applied.dedup();
    assert_eq!(applied.len(), ok_top_ups, "no trx applied twice");
    assert!(ok_top_ups < 250, "some top-ups met faults");
    assert!(failures > 0, "the faults were hit");
    // Reads retried: more requests than calls for them.
    let reads = fake.requests().len() - 250;
    assert!(
        reads > 750,
        "reads were retried ({reads} requests for 750 calls)"
    );
}
