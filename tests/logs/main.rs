//! The tests that read the crate's log, one binary. A binary of their own because tracing's
//! state is process-wide: its callsite cache and the default subscriber. Every test here
//! captures through the one helper, [`capture::capture`], so every thread that logs has a
//! subscriber; a test that reads no log belongs in `tests/it` (the rule is in
//! `tests/it/main.rs`).

#[path = "../it/common.rs"]
mod common;

/// The echo servers of `tests/it/echo.rs`: answers that repeat the request's credentials.
#[path = "../it/echo.rs"]
mod echo;

mod capture;
mod credentials;
mod events;
mod redaction;
mod spans;
