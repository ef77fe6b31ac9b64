//! The clients progenitor generates at build time from `openapi/*.yaml` (see `build.rs`).
//!
//! Private: the facade is the public surface. Never edit by hand; edit the spec instead.

#![allow(
    missing_docs,
    unused_imports,
    dead_code,
    private_interfaces,
    unused_mut,
    clippy::all,
    clippy::pedantic
)]

/// The Account API (`rest.nexmo.com`): balance, top-up, settings, and the Pricing lookups beside
/// them.
pub(crate) mod account {
    include!(concat!(env!("OUT_DIR"), "/account.rs"));
}

/// The Secret Management API (`api.nexmo.com`): list, get, create, revoke secrets.
pub(crate) mod secrets {
    include!(concat!(env!("OUT_DIR"), "/secrets.rs"));
}

/// The Subaccounts API (`api.nexmo.com`): sub-accounts, credit and balance transfers, number
/// transfers.
pub(crate) mod subaccounts {
    include!(concat!(env!("OUT_DIR"), "/subaccounts.rs"));
}
