//! `subaccounts update SUBKEY [--name NAME] [--suspend | --reactivate] [--own-balance]`:
//! `PATCH /accounts/{key}/subaccounts/{SUBKEY}` with exactly the fields given.

use clap::Args;
use vonage_account::{SubaccountUpdate, Subaccounts};

use super::print_one;
use crate::output::{Failure, Output};

/// `subaccounts update` arguments.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The sub-account's API key
    pub subkey: String,

    /// Its new name (1 to 80 characters)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Suspend it
    #[arg(long, conflicts_with = "reactivate")]
    pub suspend: bool,

    /// Reactivate it
    #[arg(long)]
    pub reactivate: bool,

    /// Give it a balance of its own, starting at zero. Irreversible: the API cannot make it
    /// share the primary account's balance again
    #[arg(long)]
    pub own_balance: bool,
}

impl UpdateArgs {
    /// Refuses an update that changes nothing (nothing is sent).
    pub fn check(&self) -> Result<(), Failure> {
        if self.name.is_none() && !self.suspend && !self.reactivate && !self.own_balance {
            return Err(Failure::Usage(
                "nothing to update: give --name, --suspend, --reactivate or --own-balance \
                 (nothing was sent)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The update, with exactly the fields given.
    fn update(&self) -> SubaccountUpdate {
        let mut update = SubaccountUpdate::new();
        if let Some(name) = &self.name {
            update = update.name(name.clone());
        }
        if self.suspend {
            update = update.suspend();
        }
        if self.reactivate {
            update = update.reactivate();
        }
        if self.own_balance {
            update = update.own_balance();
        }
        update
    }
}

/// Sends the update and shows the sub-account as it now is (with `--json`, as the API answered).
pub async fn run(subaccounts: &Subaccounts, args: &UpdateArgs, out: Output) -> Result<(), Failure> {
    args.check()?;
    let sub = subaccounts.update(&args.subkey, &args.update()).await?;
    if out.json {
        return out.print_json(&sub);
    }
    print_one(&sub, out);
    Ok(())
}
