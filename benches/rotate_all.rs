//! `--all-subaccounts --stage` over 200 sub-accounts on the fake: the wall time, the requests,
//! and the most requests in flight, counted by a pass-through proxy between the client and the
//! fake. The library's `RotateAll` at several concurrency limits; with `VONAGE_ACCOUNT_BIN`
//! set to a built `vonage-account`, the CLI too (its default limit, then 32).
//!
//! ```sh
//! cargo build --release -p vonage-account-cli
//! VONAGE_ACCOUNT_BIN=target/release/vonage-account cargo bench --bench rotate_all
//! ```

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{body::Body, extract::State, response::Response};
use vonage_account::{StagedSubaccount, generate_secret};
use vonage_account_fake::{FakeVonage, Seed, SubAccountSeed};

const SUBACCOUNTS: usize = 200;

/// Forwards every request to the fake and counts those in flight.
struct Proxy {
    upstream: String,
    client: reqwest::Client,
    in_flight: AtomicUsize,
    most: AtomicUsize,
    total: AtomicUsize,
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: axum::extract::Request) -> Response {
    let now = proxy.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    proxy.most.fetch_max(now, Ordering::SeqCst);
    proxy.total.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let url = format!(
        "{}{}",
        proxy.upstream,
        parts.uri.path_and_query().map_or("/", |pq| pq.as_str())
    );
    let mut upstream = proxy.client.request(parts.method, url).body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let response = match upstream.send().await {
        Ok(answer) => {
            let status = answer.status();
            let mut headers = answer.headers().clone();
            headers.remove("transfer-encoding");
            headers.remove("content-length");
            let bytes = answer.bytes().await.unwrap_or_default();
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        Err(_) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = axum::http::StatusCode::BAD_GATEWAY;
            response
        }
    };
    proxy.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

/// A fake with `SUBACCOUNTS` sub-accounts, one secret each, and a proxy in front of it.
async fn start() -> (FakeVonage, Arc<Proxy>, String) {
    let seed = Seed {
        sub_accounts: (0..SUBACCOUNTS)
            .map(|i| SubAccountSeed {
                api_key: format!("s{i:07}"),
                secrets: vec!["Subsecret123".into()],
            })
            .collect(),
        ..Seed::default()
    };
    let fake = FakeVonage::start_with(seed).await.expect("the fake starts");
    let proxy = Arc::new(Proxy {
        upstream: fake.url(),
        client: reqwest::Client::new(),
        in_flight: AtomicUsize::new(0),
        most: AtomicUsize::new(0),
        total: AtomicUsize::new(0),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (fake, proxy, url)
}

fn row(what: &str, wall: Duration, proxy: &Proxy, staged: usize) {
    println!(
        "| {what} | {:.0} ms | {} | {} | {staged} |",
        wall.as_secs_f64() * 1000.0,
        proxy.total.load(Ordering::SeqCst),
        proxy.most.load(Ordering::SeqCst),
    );
}

#[tokio::main]
async fn main() {
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with("--"))
        && !"rotate_all".contains(filter.as_str())
    {
        return;
    }
    println!("{SUBACCOUNTS} sub-accounts, one secret each; the fake behind a counting proxy\n");
    println!("| run | wall time | requests | most in flight | staged |");
    println!("|---|---|---|---|---|");
    for limit in [1, 8, 32] {
        let (fake, proxy, url) = start().await;
        let client = fake.client_builder().base_url(url).build().expect("client");
        let started = Instant::now();
        let results = client
            .subaccounts()
            .rotate_all()
            .concurrency(limit)
            .stage(|_| generate_secret().ok())
            .await
            .expect("listed");
        let wall = started.elapsed();
        let staged = results
            .iter()
            .filter(|r| matches!(r.outcome, Ok(StagedSubaccount::Staged(_))))
            .count();
        row(
            &format!("library, concurrency({limit})"),
            wall,
            &proxy,
            staged,
        );
    }
    let Some(bin) = std::env::var_os("VONAGE_ACCOUNT_BIN") else {
        println!("\n(set VONAGE_ACCOUNT_BIN to a built vonage-account for the CLI rows)");
        return;
    };
    for limit in [None, Some("32")] {
        let (fake, proxy, url) = start().await;
        let dir = std::env::temp_dir().join(format!(
            "va-bench-rotate-all-{}-{}",
            std::process::id(),
            limit.unwrap_or("default")
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let mut command = tokio::process::Command::new(&bin);
        command
            .args([
                "--json",
                "secrets",
                "rotate",
                "--all-subaccounts",
                "--stage",
                "--generate",
            ])
            .arg("--secret-dir")
            .arg(&dir)
            .env("VONAGE_API_KEY", fake.api_key())
            .env("VONAGE_API_SECRET", fake.api_secret())
            .env("VONAGE_REST_URL", &url)
            .env("VONAGE_API_URL", &url)
            .env_remove("VONAGE_NEW_SECRET")
            .env_remove("VONAGE_PROFILE");
        if let Some(limit) = limit {
            command.args(["--concurrency", limit]);
        }
        let started = Instant::now();
        let output = command.output().await.expect("vonage-account runs");
        let wall = started.elapsed();
        let json: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("one JSON document");
        let staged = json["counts"]["staged"].as_u64().unwrap_or(0) as usize;
        assert_eq!(output.status.code(), Some(0), "{json}");
        row(
            &format!(
                "CLI `--all-subaccounts --stage --generate`, --concurrency {}",
                limit.unwrap_or("8 (default)")
            ),
            wall,
            &proxy,
            staged,
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
