//! The body of the host applications in `tests/host-app/*/`: a program that uses reqwest for
//! plain HTTP of its own (`default-features = false, features = ["json"]`) and then adds
//! `vonage-account`. Both its own clients and the crate's must work: the program fails (panics,
//! exit 101) if building or using either fails.
//!
//! - The application's own `reqwest::Client::new()` and `Client::builder().build()` fetch a
//!   plain-HTTP page from 127.0.0.1.
//! - The crate's client, with the TLS backend the features chose, makes a real TLS handshake
//!   with `openssl s_server` on 127.0.0.1 (`tests/support/openssl.rs`): refused while the
//!   server's CA is unknown, a successful `balance()` call once it is given to
//!   `add_root_certificate`.

#[path = "../support/openssl.rs"]
mod openssl;

use std::io::{Read as _, Write as _};

/// Runs the checks; `expected` is the `TlsBackend` the features should select, by name.
pub fn run(name: &str, expected: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(check(expected));
    println!("{name}: the application's own reqwest clients and vonage-account's ({expected}) work");
}

async fn check(expected: &str) {
    // The application's own clients, as it built them before adding the crate.
    for own in [
        reqwest::Client::new(),
        reqwest::Client::builder().build().expect("the application's own client"),
    ] {
        let page = own
            .get(serve_one_page())
            .send()
            .await
            .expect("the application's own request")
            .text()
            .await
            .expect("the page");
        assert_eq!(page, "ok");
    }

    // The crate's client.
    let backend = vonage_account::TlsBackend::default_backend();
    assert_eq!(format!("{backend:?}"), format!("Some({expected})"));
    assert!(
        openssl::available(),
        "the openssl command is needed to serve TLS (apt-get install openssl)"
    );
    let server = openssl::TlsServer::start();
    let builder = || {
        vonage_account::Client::builder()
            .api_key("abcd1234")
            .api_secret("Abcdef123456")
            .base_url(server.url())
            .retry(vonage_account::RetryConfig::NONE)
    };
    let err = builder()
        .build()
        .expect("the crate's client")
        .account()
        .balance()
        .await
        .expect_err("a server whose CA is not trusted is refused");
    assert_eq!(err.kind(), vonage_account::ErrorKind::Transport, "{err}");
    let balance = builder()
        .add_root_certificate(server.ca_pem())
        .build()
        .expect("the crate's client")
        .account()
        .balance()
        .await
        .expect("a balance call over TLS");
    assert_eq!(balance.value.to_string(), "10.28000000");
}

/// `http://127.0.0.1:PORT/`, answered once with `ok` by a thread.
fn serve_one_page() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().expect("accept");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).is_ok_and(|n| n == 1) {
            head.push(byte[0]);
        }
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    });
    url
}
