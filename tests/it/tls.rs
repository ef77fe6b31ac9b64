//! The TLS setup: a client for `https://` builds, and a call opens with a TLS ClientHello that
//! offers HTTP/1.1. (No certificate is served: the call then fails, as it must.)

#![cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]

use tokio::io::AsyncReadExt as _;
use vonage_account::{Client, RetryConfig};

#[test]
fn a_client_for_the_real_hosts_builds() {
    // Fails with "unknown TLS backend" if the rustls config handed to reqwest is not the type
    // reqwest's rustls expects (for example after a version split).
    Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .build()
        .expect("a client with the default https hosts");
}

#[tokio::test]
async fn a_call_starts_a_tls_handshake() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut hello = vec![0u8; 4096];
        let mut read = 0;
        // The ClientHello is a few hundred bytes; read until the record is complete.
        while read < 5 || read < 5 + u16::from_be_bytes([hello[3], hello[4]]) as usize {
            let n = socket.read(&mut hello[read..]).await.expect("read");
            assert!(n > 0, "the client closed before sending a ClientHello");
            read += n;
        }
        hello.truncate(read);
        hello
    });
    let client = Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .base_url(url)
        .retry(RetryConfig::NONE)
        .build()
        .expect("client");
    let account = client.account();
    let (result, hello) = tokio::join!(account.balance(), server);
    let hello = hello.expect("the server task");
    assert!(result.is_err(), "no TLS server answered, so the call fails");
    assert_eq!(hello[0], 0x16, "a TLS handshake record");
    assert_eq!(hello[5], 0x01, "a ClientHello");
    let offers_http11 = hello.windows(8).any(|w| w == b"http/1.1");
    assert!(offers_http11, "ALPN offers http/1.1");
}
