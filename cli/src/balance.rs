//! `balance`: the balance in EUR and whether auto-reload is on.

use clap::Args;
use vonage_account::Balance;

use crate::{
    output::{Failure, Output},
    profiles::Context,
};

/// `balance` takes no arguments of its own.
#[derive(Debug, Args)]
pub struct BalanceArgs {}

/// Reads the balance and prints it.
pub async fn run(_: &BalanceArgs, ctx: &Context, out: Output) -> Result<(), Failure> {
    let balance = ctx.client()?.account().balance().await?;
    print(&balance, out)
}

/// `Balance: 10.28000000 EUR (auto-reload on)`, every digit as sent; or the JSON object.
fn print(balance: &Balance, out: Output) -> Result<(), Failure> {
    if out.json {
        return out.print_json(balance);
    }
    out.line(format_args!(
        "Balance: {} EUR (auto-reload {})",
        balance.value,
        if balance.auto_reload { "on" } else { "off" }
    ));
    Ok(())
}
