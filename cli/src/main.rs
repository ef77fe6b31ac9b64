//! The `vonage-account` binary: parsing, the commands and their output are in the library target
//! (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    vonage_account_cli::main()
}
