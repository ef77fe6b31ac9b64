//! A real TLS server on 127.0.0.1 for the TLS tests and the host applications: a CA and a
//! `localhost` certificate it signed, made with the `openssl` command, served by
//! `openssl s_server -WWW` from a directory that holds the Account API's balance answer, so a
//! `balance()` call over TLS succeeds end to end. Standard library only, so that the host
//! applications in `tests/host-app/` can include it too.

#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

/// What `GET /account/get-balance` answers.
pub const BALANCE_JSON: &str = r#"{"value": 10.28000000, "autoReload": false}"#;

/// Whether the `openssl` command is there.
pub fn available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// A running `openssl s_server`, stopped and its directory removed on drop.
pub struct TlsServer {
    child: Child,
    /// Holds `ca.pem` (the CA), `srv.pem`/`srv.key` (the `localhost` certificate) and the
    /// files served.
    pub dir: PathBuf,
    /// The port on 127.0.0.1.
    pub port: u16,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl TlsServer {
    /// Makes fresh certificates and starts the server.
    pub fn start() -> TlsServer {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vonage-account-tls-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("account")).expect("temp dir");
        make_certs(&dir, &dir.file_name().unwrap_or_default().to_string_lossy());
        std::fs::write(dir.join("account/get-balance"), BALANCE_JSON).expect("answer file");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("openssl")
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}")])
            .args(["-cert", "srv.pem", "-key", "srv.key", "-WWW", "-quiet"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start openssl s_server");
        let server = TlsServer { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "openssl s_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `https://localhost:PORT`, the name the certificate is for.
    pub fn url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.ca_path()).expect("ca.pem")
    }

    /// The CA certificate's file.
    pub fn ca_path(&self) -> PathBuf {
        self.dir.join("ca.pem")
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

/// A CA named `name` (`ca.pem`) and a `localhost` certificate it signed (`srv.pem`,
/// `srv.key`) in `dir`.
fn make_certs(dir: &Path, name: &str) {
    let subject = format!("/CN={name}");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &["-keyout", "ca.key", "-out", "ca.pem", "-days", "1"],
            &["-subj", &subject],
            &["-addext", "basicConstraints=critical,CA:TRUE"],
            &["-addext", "keyUsage=critical,keyCertSign"],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "srv.key",
                "-out",
                "srv.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext.cnf");
    openssl(
        dir,
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
}
