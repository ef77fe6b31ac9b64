//! `Subaccounts::list` with 1,000 sub-accounts: the facade (HTTP, then the typed decode that
//! keeps every digit of money) against raw reqwest decoding the same bytes into a
//! `serde_json::Value`, on the same in-process server; then the two decodes alone, without HTTP.
//!
//! ```sh
//! cargo bench --bench subaccounts
//! ```

use std::{hint::black_box, time::Duration};

use axum::{Router, routing::get};
use criterion::{Criterion, Throughput};
use vonage_account::Client;

const KEY: &str = "abcd1234";
const SECRET: &str = "Abcdef123456";
const SUBACCOUNTS: usize = 1_000;

/// A live-shaped list answer (reference §3.1): the primary, `SUBACCOUNTS` sub-accounts (every
/// other one with a balance of its own, four decimals), the totals.
fn list_body() -> String {
    let subs: Vec<String> = (0..SUBACCOUNTS)
        .map(|i| {
            let (shared, balance, limit) = if i % 2 == 0 {
                ("true", "null".to_owned(), "null".to_owned())
            } else {
                ("false", format!("{}.{:04}", i % 97, i % 10_000), "-20.0000".into())
            };
            format!(
                r#"{{"api_key":"s{i:07}","primary_account_api_key":"{KEY}","use_primary_account_balance":{shared},"name":"Customer {i}","balance":{balance},"credit_limit":{limit},"suspended":false,"created_at":"2023-06-07T10:50:44.123Z"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"_links":{{"self":{{"href":"/accounts/{KEY}/subaccounts"}}}},"total_balance":24112.5000,"total_credit_limit":-10000.0000,"_embedded":{{"primary_account":{{"api_key":"{KEY}","name":null,"balance":9.9999,"credit_limit":0.0,"suspended":false,"created_at":"2022-03-28T14:16:56.000Z"}},"subaccounts":[{}]}}}}"#,
        subs.join(",")
    )
}

fn main() {
    let body = list_body();
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let listener = server_rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let served = body.clone();
    let app = Router::new().route(
        "/accounts/{key}/subaccounts",
        get(move || {
            let body = served.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    server_rt.spawn(async move { axum::serve(listener, app).await });

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let client = Client::builder()
        .api_key(KEY)
        .api_secret(SECRET)
        .base_url(&url)
        .build()
        .expect("client");
    let raw = reqwest::Client::new();
    let raw_url = format!("{url}/accounts/{KEY}/subaccounts");
    // The same answer both ways, and every digit kept by the facade.
    let list = rt.block_on(client.subaccounts().list()).expect("list");
    assert_eq!(list.subaccounts.len(), SUBACCOUNTS);
    assert_eq!(
        list.subaccounts[1]
            .balance
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("1.0001")
    );
    println!(
        "list answer: {} sub-accounts, {} bytes",
        SUBACCOUNTS,
        body.len()
    );

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .configure_from_args();
    let mut group = criterion.benchmark_group("subaccounts_list_1000/http");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("facade", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(client.subaccounts().list().await.expect("list")) })
    });
    group.bench_function("raw_reqwest_value", |b| {
        b.to_async(&rt).iter(|| async {
            let bytes = raw
                .get(&raw_url)
                .basic_auth(KEY, Some(SECRET))
                .header("accept", "application/json")
                .send()
                .await
                .expect("answer")
                .bytes()
                .await
                .expect("body");
            black_box(serde_json::from_slice::<serde_json::Value>(&bytes).expect("JSON"))
        })
    });
    group.finish();

    // The decodes alone: the crate's public list type from its own serialization (the same
    // members and digits) against a `Value` of the wire bytes.
    let domain = serde_json::to_string(&list).expect("serializes");
    let mut group = criterion.benchmark_group("subaccounts_list_1000/decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(&body).expect("JSON")))
    });
    group.bench_function("typed_subaccount_list", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_str::<vonage_account::SubaccountList>(&domain).expect("list"),
            )
        })
    });
    group.finish();
    criterion.final_summary();
}
