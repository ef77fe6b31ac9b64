//! The command-line tool's tests, one binary: each runs the built `vonage-account` against the
//! fake server (embedded in the test, or the CLI's own `fake-server` process) over 127.0.0.1 and
//! checks its exit codes, stdout, stderr and what reached the server.

/// The helpers the library's tests use.
#[path = "../../../tests/it/common.rs"]
mod common;
/// The server that echoes credentials back, shared with the library's redaction tests.
#[path = "../../../tests/it/echo.rs"]
mod echo;

mod cli;
mod cli_answers;
mod cli_generate;
mod cli_operations;
mod cli_pricing;
mod cli_rotate;
mod cli_rotate_all;
mod cli_subaccounts;
