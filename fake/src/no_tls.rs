//! The fake's HTTPS when the crate has neither `rustls` nor `rustls-ring` (no TLS feature, or
//! `native-tls` alone): there is no rustls provider to serve it with (the fake turns on none of
//! its own; see `tls.rs`), so asking for it fails with [`FakeError::TlsUnavailable`] and no
//! identity ever exists. Plain HTTP does not come here.

use std::net::SocketAddr;

use tokio::net::TcpListener;

use super::FakeError;

/// No value: HTTPS cannot be set up without a rustls feature.
pub(crate) enum Identity {}

impl Identity {
    pub(crate) fn ca_pem(&self) -> &str {
        match *self {}
    }

    pub(crate) fn listener(self, _tcp: TcpListener, _addr: SocketAddr) -> TcpListener {
        match self {}
    }
}

/// Always [`FakeError::TlsUnavailable`].
pub(crate) fn identity() -> Result<Identity, FakeError> {
    Err(FakeError::TlsUnavailable)
}
