//! `subaccounts transfers credit|balance --since TIME [--until TIME] [--subaccount SUBKEY]…`:
//! `GET /accounts/{key}/credit-transfers` or `…/balance-transfers`.

use clap::Args;
use vonage_account::{Subaccounts, TransferFilter, TransferKind};

use super::{Kind, eur};
use crate::output::{Failure, Output, shown};

/// `subaccounts transfers` arguments.
#[derive(Debug, Args)]
pub struct TransfersArgs {
    /// Which transfers: credit or balance
    #[arg(value_enum)]
    pub kind: Kind,

    /// Those made at this time or later: RFC 3339 (`2026-01-31T09:00:00Z`; an offset is
    /// converted to UTC, a fraction of a second cut), or a date (`2026-01-31`: its start, UTC)
    #[arg(long, value_name = "TIME", value_parser = day_or_time)]
    pub since: String,

    /// Only those made up to this time (the same forms; a date is its start)
    #[arg(long, value_name = "TIME", value_parser = day_or_time)]
    pub until: Option<String>,

    /// Only those of this sub-account (repeat for several)
    #[arg(long, value_name = "SUBKEY")]
    pub subaccount: Vec<String>,
}

/// A date alone (`2026-01-31`) as the start of that day in UTC (`2026-01-31T00:00:00Z`); any
/// other text as it is, for the library to check as RFC 3339.
fn day_or_time(text: &str) -> Result<String, std::convert::Infallible> {
    Ok(match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        // Ten characters: the date exactly as written (chrono also takes `2026-1-31`).
        Ok(_) if text.len() == 10 => format!("{text}T00:00:00Z"),
        _ => text.to_owned(),
    })
}

/// Lists the transfers, newest first as the API lists them. With `--json`: an array of
/// transfers as the API answered them.
pub async fn run(
    subaccounts: &Subaccounts,
    args: &TransfersArgs,
    out: Output,
) -> Result<(), Failure> {
    let mut filter = TransferFilter::since(args.since.as_str());
    if let Some(until) = &args.until {
        filter = filter.until(until.as_str());
    }
    for key in &args.subaccount {
        filter = filter.subaccount(key.clone());
    }
    let kind = TransferKind::from(args.kind);
    let transfers = match kind {
        TransferKind::Credit => subaccounts.credit_transfers(&filter).await?,
        _ => subaccounts.balance_transfers(&filter).await?,
    };
    if out.json {
        return out.print_json(&transfers);
    }
    out.line(format_args!("{} {kind} transfers", transfers.len()));
    for t in &transfers {
        out.line(format_args!(
            "  {}  {}  {} -> {}  {}  reference {}",
            shown(&t.id),
            t.created_at.map_or("-".to_owned(), |at| at
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()),
            shown(&t.from),
            shown(&t.to),
            eur(&t.amount),
            t.reference.as_deref().map_or("-".into(), shown),
        ));
    }
    Ok(())
}
