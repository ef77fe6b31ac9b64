//! Shared by the benchmarks: a minimal in-process server that answers fixed bodies, the raw
//! reqwest baseline that sends the same requests as the facade, and CPU/RSS readings.
//!
//! The server does no bookkeeping (unlike `vonage_account_fake::FakeVonage`), so the numbers measure the
//! clients, not the server.

#![allow(dead_code)]

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    response::Response,
};
use base64::Engine as _;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use vonage_account::{Client, SettingsUpdate};

pub const API_KEY: &str = "abcd1234";
pub const API_SECRET: &str = "Abcdef123456";
pub const NEW_SECRET: &str = "Th1s-I5-my_n3w";
pub const CALLBACK: &str = "https://example.com/inbound";
const USER_AGENT: &str = concat!("vonage-account-rust/", env!("CARGO_PKG_VERSION"));

/// The four benchmarked calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `GET /account/get-balance`, a 40-byte JSON answer.
    Balance,
    /// `GET /accounts/{key}/secrets`, a HAL list of 20 secrets (about 3 KB).
    List,
    /// `POST /account/settings`, a form body.
    UpdateSettings,
    /// `POST /accounts/{key}/secrets`, a JSON body, answered 201.
    Create,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Balance, Op::List, Op::UpdateSettings, Op::Create];

    pub fn name(self) -> &'static str {
        match self {
            Op::Balance => "balance",
            Op::List => "list",
            Op::UpdateSettings => "update_settings",
            Op::Create => "create",
        }
    }

    /// One call through the facade; panics on failure (a benchmark must not time errors).
    pub async fn facade(self, client: &Client) {
        match self {
            Op::Balance => {
                std::hint::black_box(client.account().balance().await.expect("balance"));
            }
            Op::List => {
                let list = client.secrets().list().await.expect("list");
                assert_eq!(list.len(), LIST_LEN);
                std::hint::black_box(list);
            }
            Op::UpdateSettings => {
                let update = SettingsUpdate::new().mo_callback_url(CALLBACK);
                let settings = client.account().update_settings(&update).await;
                std::hint::black_box(settings.expect("update_settings"));
            }
            Op::Create => {
                std::hint::black_box(client.secrets().create(NEW_SECRET).await.expect("create"));
            }
        }
    }

    /// The same call with plain reqwest, decoded into `serde_json::Value`.
    pub async fn raw(self, raw: &Raw) {
        let value = match self {
            Op::Balance => raw.get(format!("{}/account/get-balance", raw.base)).await,
            Op::List => {
                let url = format!("{}/accounts/{}/secrets", raw.base, raw.api_key);
                let value = raw.get(url).await;
                assert_eq!(
                    value["_embedded"]["secrets"].as_array().map(Vec::len),
                    Some(LIST_LEN)
                );
                value
            }
            Op::UpdateSettings => {
                let request = raw
                    .http
                    .post(format!("{}/account/settings", raw.base))
                    .form(&[("moCallBackUrl", CALLBACK)]);
                raw.send(request).await
            }
            Op::Create => {
                let request = raw
                    .http
                    .post(format!("{}/accounts/{}/secrets", raw.base, raw.api_key))
                    .json(&serde_json::json!({ "secret": NEW_SECRET }));
                raw.send(request).await
            }
        };
        std::hint::black_box(value);
    }
}

/// The baseline: a reqwest client set up like the facade's (timeouts, no redirects, the same
/// User-Agent), sending the same headers and bodies. The Basic header is encoded once, which is
/// the cheapest a hand-written client could do.
pub struct Raw {
    pub http: reqwest::Client,
    pub base: String,
    pub api_key: String,
    auth: HeaderValue,
}

impl Raw {
    pub fn new(base: &str) -> Raw {
        // With `rustls-ring` as the only TLS feature, reqwest has `rustls-no-provider`, so a plain
        // reqwest client needs a process-wide provider (the README's one line); the facade
        // passes its own config instead.
        #[cfg(all(
            feature = "rustls-ring",
            not(feature = "rustls"),
            not(feature = "native-tls")
        ))]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .build()
            .expect("reqwest client");
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{API_KEY}:{API_SECRET}"));
        let mut auth = HeaderValue::from_str(&format!("Basic {encoded}")).expect("header");
        auth.set_sensitive(true);
        Raw {
            http,
            base: base.to_owned(),
            api_key: API_KEY.to_owned(),
            auth,
        }
    }

    async fn get(&self, url: String) -> serde_json::Value {
        self.send(self.http.get(url)).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> serde_json::Value {
        let response = request
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, self.auth.clone())
            .send()
            .await
            .expect("raw send");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.expect("raw body");
        serde_json::from_slice(&body).expect("raw decode")
    }
}

/// The facade client the benchmarks use: default settings (including the default retry policy,
/// which keeps a copy of each request), pointed at the server.
pub fn facade(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .api_secret(API_SECRET)
        .base_url(base)
        .build()
        .expect("facade client")
}

pub const LIST_LEN: usize = 20;

const BALANCE: &str = r#"{"value":10.28000000,"autoReload":false}"#;
const SETTINGS: &str = r#"{"mo-callback-url":"https://example.com/inbound","dr-callback-url":"","max-outbound-request":30,"max-inbound-request":30,"max-calls-per-second":30}"#;

fn secret_json(i: usize) -> String {
    format!(
        r#"{{"_links":{{"self":{{"href":"/accounts/{API_KEY}/secrets/ad6dc56f-07b5-46e1-a527-85530e625{i:03}"}}}},"id":"ad6dc56f-07b5-46e1-a527-85530e625{i:03}","created_at":"2017-03-02T16:34:49Z"}}"#
    )
}

/// A request as the server saw it, for checking that both clients send the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Sorted `name: value` lines.
    pub headers: Vec<String>,
    pub body: Vec<u8>,
}

struct Fixed {
    list: Bytes,
    created: Bytes,
    capture: AtomicBool,
    seen: Mutex<Option<Seen>>,
}

/// The running server.
pub struct Server {
    pub addr: SocketAddr,
    fixed: Arc<Fixed>,
}

impl Server {
    /// Starts the server on `runtime` (a runtime of its own, so that a client on another thread
    /// can be measured alone).
    pub fn start(runtime: &tokio::runtime::Runtime) -> Server {
        let list = format!(
            r#"{{"_links":{{"self":{{"href":"/accounts/{API_KEY}/secrets"}}}},"_embedded":{{"secrets":[{}]}}}}"#,
            (0..LIST_LEN).map(secret_json).collect::<Vec<_>>().join(",")
        );
        let fixed = Arc::new(Fixed {
            list: Bytes::from(list),
            created: Bytes::from(secret_json(999)),
            capture: AtomicBool::new(false),
            seen: Mutex::new(None),
        });
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(fixed.clone());
        runtime.spawn(async move { axum::serve(listener, app).await });
        Server { addr, fixed }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Records the next request(s); [`take_seen`](Self::take_seen) returns the last one.
    pub fn capture(&self, on: bool) {
        self.fixed.capture.store(on, Ordering::SeqCst);
    }

    pub fn take_seen(&self) -> Option<Seen> {
        self.fixed.seen.lock().unwrap().take()
    }

    /// The size of the list answer.
    pub fn list_bytes(&self) -> usize {
        self.fixed.list.len()
    }
}

async fn answer(State(fixed): State<Arc<Fixed>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if fixed.capture.load(Ordering::Relaxed) {
        let mut headers: Vec<String> = parts
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v.as_bytes())))
            .collect();
        headers.sort();
        *fixed.seen.lock().unwrap() = Some(Seen {
            method: parts.method.to_string(),
            path: parts.uri.to_string(),
            headers,
            body: body.to_vec(),
        });
    }
    let path = parts.uri.path();
    let secrets = format!("/accounts/{API_KEY}/secrets");
    let (status, body) = match (&parts.method, path) {
        (&Method::GET, "/account/get-balance") => {
            (StatusCode::OK, Bytes::from_static(BALANCE.as_bytes()))
        }
        (&Method::POST, "/account/settings") => {
            (StatusCode::OK, Bytes::from_static(SETTINGS.as_bytes()))
        }
        (&Method::GET, p) if p == secrets => (StatusCode::OK, fixed.list.clone()),
        (&Method::POST, p) if p == secrets => (StatusCode::CREATED, fixed.created.clone()),
        _ => (StatusCode::NOT_FOUND, Bytes::from_static(b"{}")),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "x-request-id",
        HeaderValue::from_static("3f1c1f9e-1f0b-4d7e-9a55-7d8a5a0c2b11"),
    );
    response
}

/// User and system CPU time of the calling thread, in seconds.
pub fn thread_cpu() -> f64 {
    rusage(libc::RUSAGE_THREAD)
}

/// User and system CPU time of the whole process, in seconds.
pub fn process_cpu() -> f64 {
    rusage(libc::RUSAGE_SELF)
}

fn rusage(who: libc::c_int) -> f64 {
    // SAFETY: getrusage only writes into the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(who, &mut usage) };
    assert_eq!(rc, 0, "getrusage");
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// A line of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
