//! `subaccounts transfer-number --from KEY --to KEY --number DIGITS --country CC`:
//! `POST /accounts/{key}/transfer-number`, never sent twice.

use clap::Args;
use vonage_account::{NumberMove, Subaccounts};

use crate::output::{Failure, Output, shown};

/// `subaccounts transfer-number` arguments.
#[derive(Debug, Args)]
pub struct TransferNumberArgs {
    /// The account that owns the number
    #[arg(long, value_name = "KEY")]
    pub from: String,

    /// The account it goes to
    #[arg(long, value_name = "KEY")]
    pub to: String,

    /// The number: its E.164 digits without `+` (`447700900000`)
    #[arg(long, value_name = "DIGITS")]
    pub number: String,

    /// Its country, two letters (`GB`)
    #[arg(long, value_name = "CC")]
    pub country: String,
}

/// Moves the number. With `--json`: the answer's `number`, `country`, `from`, `to`.
pub async fn run(
    subaccounts: &Subaccounts,
    args: &TransferNumberArgs,
    out: Output,
) -> Result<(), Failure> {
    let moved = subaccounts
        .transfer_number(&NumberMove::new(
            &args.from,
            &args.to,
            &args.number,
            &args.country,
        ))
        .await?;
    if out.json {
        return out.print_json(&moved);
    }
    out.line(format_args!(
        "Moved number {} ({}) from {} to {}.",
        shown(&moved.number),
        shown(&moved.country),
        shown(&moved.from),
        shown(&moved.to),
    ));
    Ok(())
}
