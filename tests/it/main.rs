//! The integration tests, one binary: each module holds the tests of one property, all against
//! real HTTP on 127.0.0.1 (the crate's fake server, or a small server the test starts).
//!
//! The tests that depend on process-wide state (the environment, tracing's callsite cache, the
//! trust store) are binaries of their own: `tests/from_env.rs`, `tests/tracing_spans.rs`,
//! `tests/credentials.rs` (it reads every log line), `tests/tls_verify.rs`.

mod common;

/// The build script itself, for the tests of code generation and of the operation table.
#[allow(dead_code)]
#[path = "../../build.rs"]
mod build_script;

mod answers;
mod body_limit;
mod codegen;
mod connection_reuse;
mod decoders;
mod echo;
mod errors;
mod examples;
mod fleet_rotation;
mod generate_secret;
mod load;
mod money;
mod observability;
mod operations;
mod pricing;
mod redaction;
mod reliability;
mod request_ids;
mod rotate_all;
mod rotation;
mod service;
mod subaccounts_errors;
mod subaccounts_fleet;
mod subaccounts_never_twice;
mod subaccounts_validation;
mod subaccounts_wire;
mod tls;
mod validation;
mod wire;
