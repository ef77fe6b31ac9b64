//! `subaccounts list | show | create | update | transfers | transfer | transfer-number`: the
//! Subaccounts API, as the primary account. One file per command, each with its clap arguments,
//! its `run` and its printing; what they share (how a sub-account is shown) is here.
//!
//! With `--json` every command prints the library's types as they serialize: the API's
//! snake_case names, money as JSON numbers with the digits the API sent, `null` for the balance
//! and credit limit of a sub-account that shares the primary's balance.

mod create;
mod list;
mod show;
mod transfer;
mod transfer_number;
mod transfers;
mod update;

use clap::{Subcommand, ValueEnum};
use vonage_account::{Amount, Subaccount, TransferKind};

use crate::{
    Context,
    output::{Failure, Output, shown},
};

/// The `subaccounts` commands.
#[derive(Debug, Subcommand)]
pub enum SubaccountsCommand {
    /// List the primary account, every sub-account and the totals
    List,

    /// Show one sub-account
    Show(show::ShowArgs),

    /// Create a sub-account; its secret comes from VONAGE_NEW_SECRET or --generate, else the API
    /// makes one, and the answer's secret is shown once (or written to a new 0600 file)
    Create(create::CreateArgs),

    /// Change a sub-account: exactly the fields given are sent
    Update(update::UpdateArgs),

    /// List the credit or balance transfers since a time
    Transfers(transfers::TransfersArgs),

    /// Move credit or balance between the primary account and a sub-account (never sent twice);
    /// prints the reference the transfer was made with
    Transfer(transfer::TransferArgs),

    /// Move a number from one account of the primary to another
    TransferNumber(transfer_number::TransferNumberArgs),
}

/// Credit or balance, as the commands take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Credit limit (`/credit-transfers`)
    Credit,
    /// Balance (`/balance-transfers`)
    Balance,
}

impl From<Kind> for TransferKind {
    fn from(kind: Kind) -> TransferKind {
        match kind {
            Kind::Credit => TransferKind::Credit,
            Kind::Balance => TransferKind::Balance,
        }
    }
}

/// Runs a `subaccounts` command.
pub async fn run(command: &SubaccountsCommand, ctx: &Context, out: Output) -> Result<(), Failure> {
    // Checked before the client: a usage error needs no credentials.
    if let SubaccountsCommand::Update(args) = command {
        args.check()?;
    }
    let client = ctx.client()?;
    let subaccounts = client.subaccounts();
    match command {
        SubaccountsCommand::List => list::run(&subaccounts, out).await,
        SubaccountsCommand::Show(args) => show::run(&subaccounts, args, out).await,
        SubaccountsCommand::Create(args) => create::run(&subaccounts, args, out).await,
        SubaccountsCommand::Update(args) => update::run(&subaccounts, args, out).await,
        SubaccountsCommand::Transfers(args) => transfers::run(&subaccounts, args, out).await,
        SubaccountsCommand::Transfer(args) => transfer::run(&client, args, out).await,
        SubaccountsCommand::TransferNumber(args) => {
            transfer_number::run(&subaccounts, args, out).await
        }
    }
}

/// Money as the text lines show it: the API's digits and `EUR`.
fn eur(amount: &Amount) -> String {
    format!("{amount} EUR")
}

/// A sub-account's money on one line: its own balance and credit limit, or that it shares the
/// primary's.
fn money(sub: &Subaccount) -> String {
    match (&sub.balance, &sub.credit_limit) {
        (Some(balance), Some(limit)) => {
            format!("balance {}, credit limit {}", eur(balance), eur(limit))
        }
        (Some(balance), None) => format!("balance {}", eur(balance)),
        _ => "shares the primary account's balance".to_owned(),
    }
}

/// One sub-account on one line: key, name, money, state, creation time.
fn line(sub: &Subaccount) -> String {
    format!(
        "{}  {:?}  {}  {}  created {}",
        shown(&sub.api_key),
        shown(&sub.name),
        money(sub),
        if sub.suspended { "suspended" } else { "active" },
        sub.created_at.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
    )
}

/// `show`, `update` and `create`: one sub-account, in text.
fn print_one(sub: &Subaccount, out: Output) {
    out.line(format_args!("Sub-account {}", shown(&sub.api_key)));
    out.line(format_args!("  name        {}", shown(&sub.name)));
    out.line(format_args!("  money       {}", money(sub)));
    out.line(format_args!(
        "  state       {}",
        if sub.suspended { "suspended" } else { "active" }
    ));
    out.line(format_args!(
        "  created     {}",
        sub.created_at.format("%Y-%m-%dT%H:%M:%S%.3fZ")
    ));
    if let Some(primary) = &sub.primary_account_api_key {
        out.line(format_args!("  primary     {}", shown(primary)));
    }
}
