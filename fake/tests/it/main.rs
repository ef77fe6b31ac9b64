//! The fake server's tests, one binary: its state, contract, documented answers, faults and HTTPS,
//! all over real HTTP on 127.0.0.1 through the library's client or plain reqwest.

/// The helpers the library's tests use (a fake with the documented account, clients with and
/// without retries, the one recorded request, a reqwest client trusting a certificate).
#[path = "../../../tests/it/common.rs"]
mod common;

mod fake;
mod fake_answers;
mod fake_contract;
mod fake_faults;
mod fake_log;
mod fake_state;
mod fake_subaccounts;
mod fake_tls;
