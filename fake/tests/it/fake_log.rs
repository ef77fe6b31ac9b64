//! The request log: bounded for days of traffic (the newest requests only, the rest counted;
//! what one request can make it hold is bounded too), and telling a settings read from a
//! settings write.

use crate::common;

use common::*;
use vonage_account::{Operation, SettingsUpdate};
use vonage_account_fake::{
    DEFAULT_REQUEST_LOG_LIMIT, FakeVonage, MAX_KEPT_BODY, RecordedRequest, RequestIntent, Seed,
};

/// `n` balance reads over plain HTTP, each with its number in the query (`?n=0`, `?n=1`…).
async fn numbered_reads(fake: &FakeVonage, n: usize) {
    let http = reqwest::Client::new();
    for i in 0..n {
        let answer = http
            .get(format!("{}/account/get-balance?n={i}", fake.url()))
            .basic_auth(fake.api_key(), Some(fake.api_secret()))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
}

fn queries(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn the_log_keeps_the_newest_requests_and_counts_the_rest() {
    let fake = FakeVonage::builder()
        .request_log_limit(5)
        .start()
        .await
        .unwrap();
    assert_eq!(fake.request_log_limit(), 5);
    numbered_reads(&fake, 12).await;
    assert_eq!(
        queries(&fake.requests()),
        ["n=7", "n=8", "n=9", "n=10", "n=11"]
    );
    assert_eq!(fake.dropped_requests(), 7);
    assert_eq!(fake.requests_to(Operation::GetAccountBalance).len(), 5);

    // The control path says the same, the count and the bound in headers.
    let answer = reqwest::get(format!("{}/_fake/requests", fake.url()))
        .await
        .unwrap();
    assert_eq!(answer.headers()["x-fake-requests-dropped"], "7");
    assert_eq!(answer.headers()["x-fake-request-log-limit"], "5");
    let log: Vec<RecordedRequest> = answer.json().await.unwrap();
    assert_eq!(queries(&log), queries(&fake.requests()));

    fake.clear_requests();
    assert_eq!((fake.requests().len(), fake.dropped_requests()), (0, 0));
    numbered_reads(&fake, 1).await;
    fake.reset();
    assert_eq!((fake.requests().len(), fake.dropped_requests()), (0, 0));
}

#[tokio::test]
async fn the_limit_defaults_to_ten_thousand_and_comes_from_the_seed_or_the_builder() {
    assert_eq!(DEFAULT_REQUEST_LOG_LIMIT, 10_000);
    assert_eq!(FakeVonage::start().await.request_log_limit(), 10_000);

    let seed: Seed = serde_json::from_str(r#"{"request_log_limit": 3}"#).unwrap();
    let fake = FakeVonage::start_with(seed.clone()).await.unwrap();
    assert_eq!(fake.request_log_limit(), 3);
    numbered_reads(&fake, 4).await;
    assert_eq!(queries(&fake.requests()), ["n=1", "n=2", "n=3"]);
    assert_eq!(fake.dropped_requests(), 1);

    // The builder's wins over the seed's; 0 keeps nothing and counts everything.
    let fake = FakeVonage::builder()
        .seed(seed)
        .request_log_limit(0)
        .start()
        .await
        .unwrap();
    numbered_reads(&fake, 2).await;
    assert!(fake.requests().is_empty());
    assert_eq!(fake.dropped_requests(), 2);
}

#[tokio::test]
async fn a_day_of_reads_leaves_a_log_of_bounded_size() {
    let fake = FakeVonage::builder()
        .request_log_limit(100)
        .start()
        .await
        .unwrap();
    let client = fake.client();
    for _ in 0..2_000 {
        client.account().balance().await.unwrap();
    }
    assert_eq!(fake.requests().len(), 100);
    assert_eq!(fake.dropped_requests(), 1_900);
    let answer = reqwest::get(format!("{}/_fake/requests", fake.url()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // About 0.5 KB a balance read: the answer grows with the limit, not with the traffic.
    assert!(answer.len() < 100 * 1_000, "{} bytes", answer.len());
}

/// A form of 100,000 unknown fields (0.9 MB), as one request.
fn huge_form() -> String {
    (0..100_000)
        .map(|i| format!("f{i}=x"))
        .collect::<Vec<_>>()
        .join("&")
}

async fn post_settings(fake: &FakeVonage, body: String) -> (u16, String) {
    let answer = reqwest::Client::new()
        .post(format!("{}/account/settings", fake.url()))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test]
async fn one_huge_request_is_kept_cut_to_size_with_a_mark() {
    let fake = FakeVonage::start().await;
    let form = huge_form();
    assert!(form.len() > 880_000);

    // Refused (strict): the answer names 20 fields and counts the rest.
    let (status, answer) = post_settings(&fake, form.clone()).await;
    assert_eq!(status, 400);
    assert!(answer.len() < 10_000, "{} bytes", answer.len());
    let problem: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .ends_with("f19 (and 99980 more)"),
        "{problem}"
    );
    assert_eq!(problem["invalid_parameters"].as_array().unwrap().len(), 20);

    let entry = only_request(&fake);
    assert_eq!(entry.body_bytes, form.len());
    assert_eq!(entry.body.len(), MAX_KEPT_BODY);
    assert!(form.starts_with(&entry.body));
    assert!(entry.truncated);
    assert_eq!(entry.status, Some(400));
    assert!(serde_json::to_string(&entry).unwrap().len() < 16 * 1024);

    // Accepted (lenient): at most 17 warnings, the last counting the rest.
    fake.clear_requests();
    fake.set_lenient(true);
    let (status, _) = post_settings(&fake, form).await;
    assert_eq!(status, 200);
    let entry = only_request(&fake);
    assert_eq!(entry.warnings.len(), 17, "{:?}", entry.warnings);
    assert!(
        entry.warnings[16].contains("more"),
        "{:?}",
        entry.warnings[16]
    );
    assert!(serde_json::to_string(&entry).unwrap().len() < 32 * 1024);

    // A small request is kept whole, unmarked.
    fake.clear_requests();
    let (status, _) = post_settings(&fake, "moCallBackUrl=https%3A%2F%2Fa.example%2F".into()).await;
    assert_eq!(status, 200);
    let entry = only_request(&fake);
    assert_eq!(entry.body, "moCallBackUrl=https%3A%2F%2Fa.example%2F");
    assert_eq!(entry.body_bytes, entry.body.len());
    assert!(!entry.truncated);
}

#[tokio::test]
async fn long_headers_and_queries_are_cut_too() {
    let fake = FakeVonage::start().await;
    let long = "v".repeat(20_000);
    let answer = reqwest::Client::new()
        .get(format!("{}/account/get-balance?q={long}", fake.url()))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
        .header("x-long", &long)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let entry = only_request(&fake);
    assert!(entry.truncated);
    assert!(entry.query.as_deref().unwrap().len() <= 2 * 1024);
    let kept: usize = entry.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    assert!(kept <= 8 * 1024, "{kept}");
    // The credentials came first, whole.
    assert!(entry.header("authorization").is_some());
}

#[tokio::test]
async fn a_settings_read_is_told_from_a_write() {
    let fake = FakeVonage::start().await;
    let account = fake.client().account();
    account.settings().await.unwrap();
    let update = SettingsUpdate::new().dr_callback_url("https://example.com/dr");
    account.update_settings(&update).await.unwrap();
    // A write the fake refuses, sent as a raw form.
    let (status, _) = post_settings(&fake, "moCallBackUrl=not%20a%20url".into()).await;
    assert_eq!(status, 400);
    account.settings().await.unwrap();

    let settings = Operation::ChangeAccountSettings;
    assert_eq!(fake.requests_to(settings).len(), 4);
    let writes = fake.writes_to(settings);
    let statuses: Vec<_> = writes.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [Some(200), Some(400)],
        "the update and the refusal"
    );
    assert!(writes[1].body.starts_with("moCallBackUrl="));
    let reads = fake.reads_of(settings);
    assert_eq!(reads.len(), 2);
    assert!(reads.iter().all(|r| r.body.is_empty()));
    assert_eq!(
        fake.requests().iter().map(|r| r.intent).collect::<Vec<_>>(),
        [
            RequestIntent::Read,
            RequestIntent::Write,
            RequestIntent::Write,
            RequestIntent::Read
        ]
    );

    // Other operations: reads are GETs, writes the rest.
    account.balance().await.unwrap();
    account.top_up("trx").await.unwrap();
    assert_eq!(fake.reads_of(Operation::GetAccountBalance).len(), 1);
    assert_eq!(fake.writes_to(Operation::TopUpAccountBalance).len(), 1);

    // The control path's log says it in JSON.
    let log: serde_json::Value =
        send_json(reqwest::Client::new().get(format!("{}/_fake/requests", fake.url()))).await;
    assert_eq!(log[0]["intent"], "read");
    assert_eq!(log[1]["intent"], "write");
}
