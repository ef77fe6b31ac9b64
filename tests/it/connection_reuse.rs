//! One `Client` keeps its connections: 1,000 sequential calls, alternating between the Account
//! host and the Secrets host and spread over clones of one client (some called from other
//! tasks, so possibly other worker threads), open one connection per host. The servers count
//! the connections they accept.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    response::Response,
    serve::ListenerExt as _,
};
use vonage_account::{Client, RetryConfig, SettingsUpdate};

const CALLS: usize = 1_000;
/// "A handful": one per host is expected; allow one more each for an unlucky race with a
/// connection the pool has not yet taken back.
const MAX_CONNECTIONS_PER_HOST: usize = 2;

/// A server with fixed answers that counts the TCP connections it accepts.
async fn counting_server() -> (String, Arc<AtomicUsize>) {
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let listener = listener.tap_io(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let app = axum::Router::new().fallback(answer);
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, accepted)
}

async fn answer(request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // Read the whole request, as a real server does, so the connection stays usable.
    let _ = axum::body::to_bytes(body, 64 * 1024).await;
    let (status, body) = match (&parts.method, parts.uri.path()) {
        (&Method::GET, "/account/get-balance") => {
            (StatusCode::OK, r#"{"value":10.28,"autoReload":false}"#)
        }
        (&Method::POST, "/account/settings") => (
            StatusCode::OK,
            r#"{"mo-callback-url":"https://example.com/inbound","dr-callback-url":""}"#,
        ),
        (&Method::GET, "/accounts/abcd1234/secrets") => (
            StatusCode::OK,
            r#"{"_embedded":{"secrets":[{"id":"ad6dc56f-07b5-46e1-a527-85530e625800","created_at":"2017-03-02T16:34:49Z"}]}}"#,
        ),
        (&Method::POST, "/accounts/abcd1234/secrets") => (
            StatusCode::CREATED,
            r#"{"id":"ad6dc56f-07b5-46e1-a527-85530e625801","created_at":"2017-03-02T16:34:49Z"}"#,
        ),
        _ => (StatusCode::NOT_FOUND, "{}"),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// One call of four kinds, two per host.
async fn call(client: &Client, i: usize) {
    match i % 4 {
        0 => {
            client.account().balance().await.expect("balance");
        }
        1 => {
            client.secrets().list().await.expect("list");
        }
        2 => {
            let update = SettingsUpdate::new().mo_callback_url("https://example.com/inbound");
            client
                .account()
                .update_settings(&update)
                .await
                .expect("update_settings");
        }
        _ => {
            client
                .secrets()
                .create("Abcdef123456x")
                .await
                .expect("create");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_reuses_connections_across_hosts_and_clones() {
    let (rest_url, rest_accepted) = counting_server().await;
    let (api_url, api_accepted) = counting_server().await;
    let client = Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .rest_base_url(rest_url)
        .api_base_url(api_url)
        .retry(RetryConfig::NONE)
        .build()
        .expect("client");
    let clones: Vec<Client> = (0..4).map(|_| client.clone()).collect();

    for i in 0..CALLS {
        let clone = clones[(i / 4) % clones.len()].clone();
        if i % 2 == 0 {
            call(&clone, i).await;
        } else {
            // From another task, which the runtime may run on its other worker thread.
            tokio::spawn(async move { call(&clone, i).await })
                .await
                .expect("the call's task");
        }
    }

    let rest = rest_accepted.load(Ordering::SeqCst);
    let api = api_accepted.load(Ordering::SeqCst);
    eprintln!(
        "{CALLS} calls opened {rest} connection(s) to the Account host and {api} to the Secrets host"
    );
    assert!(
        (1..=MAX_CONNECTIONS_PER_HOST).contains(&rest),
        "the Account host accepted {rest} connections for {CALLS} sequential calls"
    );
    assert!(
        (1..=MAX_CONNECTIONS_PER_HOST).contains(&api),
        "the Secrets host accepted {api} connections for {CALLS} sequential calls"
    );
}

/// The counter itself works: separate clients (separate pools) do open separate connections.
#[tokio::test]
async fn separate_clients_open_separate_connections() {
    let (url, accepted) = counting_server().await;
    for _ in 0..3 {
        let client = Client::builder()
            .api_key("abcd1234")
            .api_secret("Abcdef123456")
            .base_url(url.clone())
            .retry(RetryConfig::NONE)
            .build()
            .expect("client");
        client.account().balance().await.expect("balance");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}
