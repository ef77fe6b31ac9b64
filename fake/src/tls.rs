//! HTTPS for the fake: a certificate authority and a server certificate for `127.0.0.1` and
//! `localhost`, made at start, and a listener that does the TLS handshake before axum sees a
//! connection.
//!
//! rustls is used with the provider the library's client is built with, chosen at compile time as
//! the client chooses its default backend: aws-lc-rs with the `rustls` feature, else ring with
//! `rustls-ring` (each turns on the library's feature of the same name); rcgen makes the
//! certificates with the same one. The provider is passed explicitly: nothing here installs a
//! process-wide default provider. Built without either feature, the fake has `no_tls.rs` instead
//! (it turns on no provider of its own, so that adding it rebuilds none of the client's crates).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use tokio::{net::TcpStream, sync::mpsc, task::JoinHandle};
use tokio_rustls::{TlsAcceptor, server::TlsStream};

use super::FakeError;

/// How long a client may take to finish its handshake before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The fake's TLS identity: the certificate authority clients trust, and the server config
/// holding the server certificate it signed.
pub(crate) struct Identity {
    /// The PEM of the certificate authority: what a client adds to its trusted roots.
    ca_pem: String,
    config: Arc<rustls::ServerConfig>,
}

impl Identity {
    /// The PEM of the certificate authority.
    pub(crate) fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A listener on `tcp` (bound to `addr`) that serves with this identity. Must be called
    /// inside a tokio runtime.
    pub(crate) fn listener(self, tcp: tokio::net::TcpListener, addr: SocketAddr) -> TlsListener {
        TlsListener::new(tcp, addr, self.config)
    }
}

/// The provider of the fake's rustls: the one the crate's default TLS backend uses, aws-lc-rs
/// with the `rustls` feature (reqwest's), else ring (`rustls-ring`).
fn provider() -> rustls::crypto::CryptoProvider {
    #[cfg(feature = "rustls")]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(not(feature = "rustls"))]
    let provider = rustls::crypto::ring::default_provider();
    provider
}

/// Makes the fake's identity, or says why not ([`FakeError::Tls`]).
pub(crate) fn identity() -> Result<Identity, FakeError> {
    make().map_err(FakeError::Tls)
}

/// Makes a fresh certificate authority and a server certificate for `127.0.0.1`, `::1` and
/// `localhost` signed by it, or says why not.
///
/// A separate authority, rather than one self-signed server certificate, is what strict
/// verifiers accept: Python 3.13's `VERIFY_X509_STRICT` wants a CA with key usage, and webpki
/// refuses a CA certificate used as the server's own.
fn make() -> Result<Identity, String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let fail = |what: &str, e: rcgen::Error| format!("cannot make the {what}: {e}");
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| fail("CA", e))?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.distinguished_name
        .push(DnType::CommonName, "vonage-account fake server CA");
    let ca_key = KeyPair::generate().map_err(|e| fail("CA key", e))?;
    let ca_cert = ca.self_signed(&ca_key).map_err(|e| fail("CA", e))?;
    let issuer = Issuer::new(ca, ca_key);

    let mut server = CertificateParams::new(vec![
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
        "localhost".to_owned(),
    ])
    .map_err(|e| fail("server certificate", e))?;
    server
        .distinguished_name
        .push(DnType::CommonName, "vonage-account fake server");
    server.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    // Strict verifiers (Python 3.13's `VERIFY_X509_STRICT`, the default there) refuse a
    // certificate without it.
    server.use_authority_key_identifier_extension = true;
    let server_key = KeyPair::generate().map_err(|e| fail("server key", e))?;
    let server_cert = server
        .signed_by(&server_key, &issuer)
        .map_err(|e| fail("server certificate", e))?;

    let key = rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der())
        .map_err(|e| format!("cannot read the server key: {e}"))?;
    let provider = Arc::new(provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.der().clone(), ca_cert.der().clone()], key)
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    // The fake speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Identity {
        ca_pem: ca_cert.pem(),
        config: Arc::new(config),
    })
}

/// A listener for `axum::serve` whose connections have finished their TLS handshake.
///
/// A task of its own accepts TCP connections and runs each handshake in a task of its own, so a
/// slow or broken client never holds up the others; finished streams come through a channel.
pub(crate) struct TlsListener {
    addr: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    acceptor: JoinHandle<()>,
}

impl TlsListener {
    /// Starts accepting on `tcp` with `config`. Must be called inside a tokio runtime.
    fn new(
        tcp: tokio::net::TcpListener,
        addr: SocketAddr,
        config: Arc<rustls::ServerConfig>,
    ) -> TlsListener {
        let (sender, ready) = mpsc::channel(64);
        let tls = TlsAcceptor::from(config);
        let acceptor = tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    // Out of file descriptors, say: wait a little, as axum does.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let tls = tls.clone();
                let sender = sender.clone();
                tokio::spawn(async move {
                    // A failed or slow handshake only loses that connection.
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await
                    {
                        let _ = sender.send((stream, peer)).await;
                    }
                });
            }
        });
        TlsListener {
            addr,
            ready,
            acceptor,
        }
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        // The server is done with it: stop accepting (and free the port).
        self.acceptor.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accepting task is gone (only when this listener is dropped): no more
            // connections will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
