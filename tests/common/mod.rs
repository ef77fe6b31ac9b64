//! The shared helpers, for the test binaries that need a process of their own.
#![allow(dead_code, unused_imports)]

#[path = "../it/common.rs"]
mod shared;

pub use shared::*;
