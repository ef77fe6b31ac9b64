//! `fake-server --tls` from a CLI built without `rustls` and `rustls-ring`: exit 2 with the
//! fake's message naming the features, nothing on stdout, no certificate written.
//!
//! Only compiled without both features; `.ci/run` runs it with `cargo test -p vonage-account-cli
//! --no-default-features --test fake_server_without_tls`.

#![cfg(not(any(feature = "rustls", feature = "rustls-ring")))]

/// What the fake's `FakeError::TlsUnavailable` says.
const MESSAGE: &str =
    "cannot set up HTTPS: the fake's HTTPS needs the crate's `rustls` or `rustls-ring` feature";

#[test]
fn fake_server_with_tls_exits_with_the_message() {
    let cert = std::env::temp_dir().join(format!("vonage-no-tls-{}.pem", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vonage-account"))
        .args(["fake-server", "--tls", "--cert-out"])
        .arg(&cert)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr.contains(MESSAGE), "{stderr}");
    assert!(out.stdout.is_empty(), "no `listening on` line: {out:?}");
    assert!(!cert.exists(), "no certificate written");
}
