//! `subaccounts transfer credit|balance --from KEY --to KEY --amount EUR [--reference TEXT]`:
//! `POST /accounts/{key}/credit-transfers` or `…/balance-transfers`, never sent twice.

use clap::Args;
use vonage_account::{Client, MoneyTransfer, Transfer, TransferKind};

use super::{Kind, eur};
use crate::output::{Failure, Output, shown};

/// `subaccounts transfer` arguments.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// What to move: credit (limit) or balance
    #[arg(value_enum)]
    pub kind: Kind,

    /// The account it leaves (the primary or one of its sub-accounts)
    #[arg(long, value_name = "KEY")]
    pub from: String,

    /// The account it goes to
    #[arg(long, value_name = "KEY")]
    pub to: String,

    /// The amount in EUR, above zero (`12.50`); sent as a JSON number with these digits
    #[arg(long, value_name = "EUR", allow_hyphen_values = true)]
    pub amount: String,

    /// The reference to record with it; without one, a unique one is made (it finds the
    /// transfer again in the ledger if the answer is lost)
    #[arg(long, value_name = "TEXT")]
    pub reference: Option<String>,
}

/// Sends the transfer once and prints it with the reference it was made with. With `--json`:
/// the transfer as the API answered (`id`, `amount`, `from`, `to`, `reference`, `created_at`).
pub async fn run(client: &Client, args: &TransferArgs, out: Output) -> Result<(), Failure> {
    let mut transfer = MoneyTransfer::new(&args.from, &args.to, args.amount.as_str());
    if let Some(reference) = &args.reference {
        transfer = transfer.reference(reference.clone());
    }
    let kind = TransferKind::from(args.kind);
    let subaccounts = client.subaccounts();
    let made = match kind {
        TransferKind::Credit => subaccounts.transfer_credit(&transfer).await?,
        _ => subaccounts.transfer_balance(&transfer).await?,
    };
    print(kind, &made, out)
}

fn print(kind: TransferKind, made: &Transfer, out: Output) -> Result<(), Failure> {
    if out.json {
        return out.print_json(made);
    }
    out.line(format_args!(
        "Transferred {} of {kind} from {} to {}: transfer {}",
        eur(&made.amount),
        shown(&made.from),
        shown(&made.to),
        shown(&made.id),
    ));
    match &made.reference {
        Some(reference) => out.line(format_args!("Reference: {}", shown(reference))),
        None => out.line("Reference: none in the answer"),
    }
    Ok(())
}
