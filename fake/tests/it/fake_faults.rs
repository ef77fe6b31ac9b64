//! How a fault's `times` meets the client's retries (issue 26, item 4): a fault absorbed by a
//! retry, one that outlasts the call, and none left over for the next call.

use crate::common;

use common::*;
use vonage_account::{ErrorKind, Operation};
use vonage_account_fake::{FakeVonage, Fault};

const BALANCE: Operation = Operation::GetAccountBalance;

/// The statuses the fake answered each request for `operation` with, in order.
fn statuses(fake: &FakeVonage, operation: Operation) -> Vec<u16> {
    fake.requests_to(operation)
        .iter()
        .map(|r| r.status.unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn a_single_503_is_absorbed_by_a_retry() {
    let fake = FakeVonage::start().await;
    // The fake's own client: two retries.
    let client = fake.client();
    fake.inject(Fault::status(503).on(BALANCE));
    assert!(
        client.account().balance().await.is_ok(),
        "the retry succeeds"
    );
    assert_eq!(statuses(&fake, BALANCE), [503, 200]);
    assert!(fake.faults().is_empty());
}

#[tokio::test]
async fn counted_faults_are_attempts_and_leftovers_reach_the_next_call() {
    let fake = FakeVonage::start().await;
    let client = fake.client();
    fake.inject(Fault::status(503).on(BALANCE).times(5));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert_eq!(statuses(&fake, BALANCE), [503, 503, 503]);
    // As the docs of `Fault` say: two are left, and the next call uses them up.
    assert_eq!(fake.faults().len(), 1);
    assert_eq!(fake.faults()[0].times, 2);
    assert!(client.account().balance().await.is_ok());
    assert_eq!(statuses(&fake, BALANCE), [503, 503, 503, 503, 503, 200]);
}

#[tokio::test]
async fn a_fault_for_whole_calls_outlasts_any_retry_policy() {
    let fake = FakeVonage::start().await;
    let down = || Fault::status(503).on(BALANCE);
    for (retries, attempts) in [(0, 1), (2, 3), (5, 6)] {
        fake.clear_requests();
        let client = fast_retry(&fake, retries);
        let err = fake
            .with_fault(down(), client.account().balance())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ServerError, "{retries} retries");
        assert_eq!(statuses(&fake, BALANCE), vec![503; attempts]);
        // Nothing left over for the next call.
        assert!(fake.faults().is_empty());
        client.account().balance().await.unwrap();
        assert_eq!(statuses(&fake, BALANCE).last(), Some(&200));
        assert_eq!(statuses(&fake, BALANCE).len(), attempts + 1);
    }
}

#[tokio::test]
async fn a_fault_for_whole_calls_covers_several_calls_and_only_its_route() {
    let fake = FakeVonage::start().await;
    let client = fake.client();
    let both = fake
        .with_fault(Fault::status(502).on(BALANCE), async {
            let first = client.account().balance().await;
            let other = client.secrets().list().await;
            let second = client.account().balance().await;
            (first, other, second)
        })
        .await;
    assert_eq!(both.0.unwrap_err().kind(), ErrorKind::ServerError);
    assert!(both.1.is_ok(), "another route is left alone");
    assert_eq!(both.2.unwrap_err().kind(), ErrorKind::ServerError);
    assert_eq!(statuses(&fake, BALANCE), [502; 6]);
    assert!(client.account().balance().await.is_ok());
}

#[tokio::test]
async fn a_call_dropped_half_way_leaves_no_fault_behind() {
    let fake = FakeVonage::start().await;
    let client = fake.client();
    let slow = Fault::delay(std::time::Duration::from_secs(30)).on(BALANCE);
    let cut_short = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        fake.with_fault(slow, client.account().balance()),
    )
    .await;
    assert!(cut_short.is_err(), "the call was still waiting");
    assert!(fake.faults().is_empty());
}

#[tokio::test]
async fn a_fault_until_cleared_answers_every_request_until_cleared() {
    let fake = FakeVonage::start().await;
    let client = fake.client();
    fake.inject(Fault::html_500().on(BALANCE).until_cleared());
    for _ in 0..3 {
        assert_eq!(
            client.account().balance().await.unwrap_err().kind(),
            ErrorKind::ServerError
        );
    }
    assert_eq!(statuses(&fake, BALANCE), [500, 500, 500]);
    fake.clear_faults();
    assert!(client.account().balance().await.is_ok());

    // Over the control path too.
    let http = reqwest::Client::new();
    let queued = http
        .post(format!("{}/_fake/faults", fake.url()))
        .json(&serde_json::json!({"kind": "status", "status": 503,
                                  "route": "getAccountBalance", "until_cleared": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), 200);
    assert_eq!(
        client.account().balance().await.unwrap_err().kind(),
        ErrorKind::ServerError
    );
    http.delete(format!("{}/_fake/faults", fake.url()))
        .send()
        .await
        .unwrap();
    assert!(client.account().balance().await.is_ok());
}

#[tokio::test]
async fn a_connect_only_operation_meets_one_fault_per_call() {
    let fake = FakeVonage::start().await;
    let client = fake.client();
    fake.inject(
        Fault::status(503)
            .on(Operation::TopUpAccountBalance)
            .times(2),
    );
    for _ in 0..2 {
        assert_eq!(
            client.account().top_up("t").await.unwrap_err().kind(),
            ErrorKind::ServerError
        );
    }
    assert!(client.account().top_up("t").await.is_ok());
    assert_eq!(
        statuses(&fake, Operation::TopUpAccountBalance),
        [503, 503, 200]
    );
}
