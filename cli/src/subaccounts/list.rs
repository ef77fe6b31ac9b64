//! `subaccounts list`: `GET /accounts/{key}/subaccounts`.

use vonage_account::Subaccounts;

use super::{eur, line};
use crate::output::{Failure, Output, shown};

/// Lists the primary account, every sub-account and the totals. With `--json`: the
/// `primary_account`, `subaccounts`, `total_balance` and `total_credit_limit` of the answer.
pub async fn run(subaccounts: &Subaccounts, out: Output) -> Result<(), Failure> {
    let list = subaccounts.list().await?;
    if out.json {
        return out.print_json(&list);
    }
    let primary = &list.primary_account;
    let money = |a: &Option<vonage_account::Amount>| a.as_ref().map_or("-".to_owned(), eur);
    out.line(format_args!(
        "Primary account {}{}: balance {}, credit limit {}",
        shown(&primary.api_key),
        primary
            .name
            .as_deref()
            .map(|n| format!(" {:?}", shown(n)))
            .unwrap_or_default(),
        money(&primary.balance),
        money(&primary.credit_limit),
    ));
    out.line(format_args!(
        "Totals: balance {}, credit limit {}",
        money(&list.total_balance),
        money(&list.total_credit_limit),
    ));
    out.line(format_args!("Sub-accounts: {}", list.subaccounts.len()));
    for sub in &list.subaccounts {
        out.line(format_args!("  {}", line(sub)));
    }
    Ok(())
}
