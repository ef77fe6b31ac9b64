//! `subaccounts show SUBKEY`: `GET /accounts/{key}/subaccounts/{SUBKEY}`.

use clap::Args;
use vonage_account::Subaccounts;

use super::print_one;
use crate::output::{Failure, Output};

/// `subaccounts show` arguments.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The sub-account's API key
    pub subkey: String,
}

/// Shows one sub-account. With `--json`: the sub-account as the API answered it.
pub async fn run(subaccounts: &Subaccounts, args: &ShowArgs, out: Output) -> Result<(), Failure> {
    let sub = subaccounts.get(&args.subkey).await?;
    if out.json {
        return out.print_json(&sub);
    }
    print_one(&sub, out);
    Ok(())
}
