//! The integration tests, one binary: each module holds the tests of one property, all against
//! real HTTP on 127.0.0.1 (the crate's fake server, or a small server the test starts).
//!
//! # Where a new test goes
//!
//! Here, as a module, unless it changes or depends on state the whole process shares; then the
//! tests run in parallel threads of one process would disturb each other. Only these have a
//! binary of their own, and a new test joins one of them rather than adding another:
//!
//! | binary | the process-wide state |
//! |---|---|
//! | `tests/logs/` | tracing's subscriber and callsite cache: every test that reads the crate's log, each through the one helper `tests/logs/capture.rs` |
//! | `tests/from_env.rs` | the environment (`VONAGE_*` variables) |
//! | `tests/proxy_env.rs` | the environment (`HTTP_PROXY` and its kin) |
//! | `tests/tls_verify.rs` | the trust store (`SSL_CERT_FILE`) |
//!
//! A test that only starts servers, clients or `openssl` and `cargo` commands (as `proxy`,
//! `tls_backends`, `http_options` and `msrv` do) touches no such state and belongs here.

mod common;

/// A recording HTTP proxy on 127.0.0.1 (`tests/support/proxy.rs`), for `proxy`.
#[path = "../support/proxy.rs"]
mod recording_proxy;

/// A real TLS server (`openssl s_server`, `tests/support/openssl.rs`), for `tls_backends` and
/// `proxy`.
#[cfg(all(
    target_os = "linux",
    any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")
))]
#[path = "../support/openssl.rs"]
mod openssl;

/// The build script itself, for the tests of code generation and of the operation table.
#[allow(dead_code)]
#[path = "../../build.rs"]
mod build_script;

mod account_health;
mod answers;
mod body_limit;
mod codegen;
mod connection_reuse;
mod credentials;
mod decoders;
mod echo;
mod errors;
mod examples;
mod fleet_rotation;
mod generate_secret;
mod http_options;
mod load;
mod money;
mod msrv;
mod observability;
mod operations;
mod pricing;
mod proxy;
mod redaction;
mod reliability;
mod request_ids;
mod rotate_all;
mod rotation;
mod service;
mod subaccounts_errors;
mod subaccounts_never_twice;
mod subaccounts_validation;
mod subaccounts_wire;
mod tls;
mod tls_backends;
mod validation;
mod wire;
