//! Certificates are verified against the system's trust store: a server whose CA is not trusted is
//! refused, and the same server is accepted once its CA is the trust store (`SSL_CERT_FILE`, which
//! both rustls-platform-verifier on Linux and OpenSSL read).
//!
//! The server is `openssl s_server -www`, which answers any request with an HTML page: a call that
//! gets that far has completed the handshake, and fails only at decoding. Skipped (with a message)
//! where the `openssl` command is missing. Its own test binary, because it sets an environment
//! variable.

#![cfg(all(target_os = "linux", any(feature = "rustls", feature = "native-tls")))]

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use vonage_account::{Client, ErrorKind, RetryConfig};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a `localhost` certificate it signed, in a fresh directory.
fn make_certs() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vonage-account-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "1",
            "-subj",
            "/CN=vonage-account test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "srv.key",
            "-out",
            "srv.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext.cnf");
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "srv.pem",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
        ],
    );
    dir
}

fn start_server(dir: &Path) -> (Server, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            "srv.pem",
        ])
        .args(["-key", "srv.key", "-www", "-quiet"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start openssl s_server");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "openssl s_server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

fn client(port: u16) -> Client {
    Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .base_url(format!("https://localhost:{port}"))
        .retry(RetryConfig::NONE)
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_server_certificate_is_checked_against_the_trust_store() {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("skipped: no openssl command to make certificates and serve TLS");
        return;
    }
    let dir = make_certs();
    let (_server, port) = start_server(&dir);

    // The system's roots do not include the test CA.
    let err = client(port).account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");

    // With the test CA as the trust store, the handshake succeeds and the HTML answer is what
    // fails. The verifier reads the store when a client makes its first connection, so a new
    // client picks it up.
    // SAFETY: this test binary has this one test, and nothing else reads the environment
    // concurrently.
    unsafe { std::env::set_var("SSL_CERT_FILE", dir.join("ca.pem")) };
    let err = client(port).account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");

    let _ = std::fs::remove_dir_all(&dir);
}
