//! What the Subaccounts API answers with, in the domain's words: the primary account, its
//! sub-accounts, transfers of credit and balance, and moved numbers.

use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::{Amount, generated::subaccounts::types};

/// The primary account, as the sub-account list shows it.
///
/// Live answers give it no `name` (`null`); the balance and credit limit are those of the
/// primary's own balance, which every sub-account that shares it draws on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct PrimaryAccount {
    /// Its API key.
    pub api_key: String,
    /// Its name; `None` when the API gives none (`null`, as live answers do).
    pub name: Option<String>,
    /// Its balance in EUR, with every decimal sent.
    pub balance: Option<Amount>,
    /// Its credit limit in EUR (negative or zero: `-100` is 100 EUR of credit).
    pub credit_limit: Option<Amount>,
    /// Whether it is suspended.
    pub suspended: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// One sub-account.
///
/// `balance` and `credit_limit` are `None` (`null` in JSON) when it shares the primary
/// account's balance ([`use_primary_account_balance`](Self::use_primary_account_balance)).
///
/// ```
/// use vonage_account::Subaccount;
/// let sub: Subaccount = serde_json::from_str(r#"{"api_key": "bbe6222f", "name": "Acme",
///     "primary_account_api_key": "abcd1234", "use_primary_account_balance": false,
///     "balance": 0.0000, "credit_limit": -20.5, "suspended": false,
///     "created_at": "2023-06-09T02:23:21.327Z"}"#)?;
/// assert_eq!(sub.balance.as_ref().unwrap().to_string(), "0.0000"); // every digit
/// assert!(sub.has_own_balance());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Subaccount {
    /// Its API key: manage its secrets with [`Client::secrets_for`](crate::Client::secrets_for).
    pub api_key: String,
    /// Its name.
    pub name: String,
    /// The primary account's API key, when the answer names it.
    pub primary_account_api_key: Option<String>,
    /// Whether it shares the primary account's balance (the default for a new sub-account).
    pub use_primary_account_balance: bool,
    /// Its own balance in EUR; `None` when it shares the primary's.
    pub balance: Option<Amount>,
    /// Its own credit limit in EUR (negative or zero); `None` when it shares the primary's
    /// balance.
    pub credit_limit: Option<Amount>,
    /// Whether it is suspended.
    pub suspended: bool,
    /// When it was created (milliseconds, as live answers have them).
    pub created_at: DateTime<Utc>,
}

impl Subaccount {
    /// Whether it has a balance of its own (it does not share the primary's).
    pub fn has_own_balance(&self) -> bool {
        !self.use_primary_account_balance
    }
}

/// The primary account, its sub-accounts and the totals, from
/// [`Subaccounts::list`](crate::Subaccounts::list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct SubaccountList {
    /// The primary account.
    pub primary_account: PrimaryAccount,
    /// Every sub-account, in the API's order.
    pub subaccounts: Vec<Subaccount>,
    /// The balance left across the primary and the sub-accounts with balances of their own
    /// (live answers carry it; the published spec does not, so it may be `None`).
    pub total_balance: Option<Amount>,
    /// The credit limit across them, likewise.
    pub total_credit_limit: Option<Amount>,
}

impl SubaccountList {
    /// The sub-account with this API key, if listed.
    pub fn get(&self, api_key: &str) -> Option<&Subaccount> {
        self.subaccounts.iter().find(|s| s.api_key == api_key)
    }
}

/// A sub-account just created, with its secret: the only time the API ever returns it (Secret
/// Management never shows a secret's value). Keep it now or it is lost.
///
/// `Debug` shows the secret as `[REDACTED]`; read it with
/// [`ExposeSecret`](crate::ExposeSecret).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreatedSubaccount {
    /// The new sub-account.
    pub subaccount: Subaccount,
    /// Its API secret.
    pub secret: SecretString,
}

impl CreatedSubaccount {
    /// The new sub-account's API key.
    pub fn api_key(&self) -> &str {
        &self.subaccount.api_key
    }
}

/// Which money a transfer moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransferKind {
    /// Credit limit (`/credit-transfers`).
    Credit,
    /// Balance (`/balance-transfers`).
    Balance,
}

impl TransferKind {
    /// `credit` or `balance`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TransferKind::Credit => "credit",
            TransferKind::Balance => "balance",
        }
    }
}

impl fmt::Display for TransferKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A transfer of credit or balance between the primary account and a sub-account.
///
/// ```
/// use vonage_account::Transfer;
/// let t: Transfer = serde_json::from_str(r#"{"id": "7380eecb-b82c-46e8-9478-af6b5793af1b",
///     "amount": 0.50, "from": "abcd1234", "to": "bbe6222f", "reference": "invoice 42",
///     "created_at": "2023-06-12T17:31:48Z", "primary_account_api_key": null}"#)?;
/// assert_eq!(serde_json::to_string(&t.amount)?, "0.50");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Transfer {
    /// Its id (`id` live; `credit_transfer_id` / `balance_transfer_id` in the published spec).
    pub id: String,
    /// The amount in EUR, with every decimal sent.
    pub amount: Amount,
    /// The API key the amount left.
    pub from: String,
    /// The API key it went to.
    pub to: String,
    /// The reference it was made with; `None` when it has none (the API sends `""`).
    pub reference: Option<String>,
    /// When it was made, when the answer says.
    pub created_at: Option<DateTime<Utc>>,
    /// The primary account's API key (`masterAccountId` in live answers), when sent.
    pub primary_account_api_key: Option<String>,
}

/// A number moved from one account to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct NumberTransfer {
    /// The number (E.164 without `+`).
    pub number: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: String,
    /// The account it left.
    pub from: String,
    /// The account it went to.
    pub to: String,
    /// The primary account's API key (`masterAccountId` in live answers), when sent.
    pub primary_account_api_key: Option<String>,
}

impl From<types::PrimaryAccount> for PrimaryAccount {
    fn from(p: types::PrimaryAccount) -> Self {
        PrimaryAccount {
            api_key: p.api_key,
            name: p.name,
            balance: p.balance,
            credit_limit: p.credit_limit,
            suspended: p.suspended,
            created_at: p.created_at,
        }
    }
}

impl From<types::Subaccount> for Subaccount {
    fn from(s: types::Subaccount) -> Self {
        Subaccount {
            api_key: s.api_key,
            name: s.name,
            primary_account_api_key: s.primary_account_api_key,
            use_primary_account_balance: s.use_primary_account_balance,
            balance: s.balance,
            credit_limit: s.credit_limit,
            suspended: s.suspended,
            created_at: s.created_at,
        }
    }
}

impl From<types::SubaccountList> for SubaccountList {
    fn from(list: types::SubaccountList) -> Self {
        SubaccountList {
            primary_account: list.embedded.primary_account.into(),
            subaccounts: list
                .embedded
                .subaccounts
                .into_iter()
                .map(Subaccount::from)
                .collect(),
            total_balance: list.total_balance,
            total_credit_limit: list.total_credit_limit,
        }
    }
}

impl From<types::NumberTransfer> for NumberTransfer {
    fn from(n: types::NumberTransfer) -> Self {
        NumberTransfer {
            number: n.number,
            country: n.country,
            from: n.from,
            to: n.to,
            primary_account_api_key: n.master_account_id,
        }
    }
}

impl Transfer {
    /// The domain's transfer, or `None` when the answer names no id in any of its spellings.
    pub(crate) fn from_wire(t: types::Transfer) -> Option<Transfer> {
        let id = t.id.or(t.credit_transfer_id).or(t.balance_transfer_id)?;
        Some(Transfer {
            id,
            amount: t.amount,
            from: t.from,
            to: t.to,
            reference: t.reference.filter(|r| !r.is_empty()),
            created_at: t.created_at,
            primary_account_api_key: t.master_account_id,
        })
    }
}

/// The wire types the generated client uses in place of its own, where the live API and the
/// published spec spell a field differently.
pub(crate) mod wire {
    use serde::{Deserialize, Serialize};

    use crate::generated::subaccounts::types::Transfer;

    /// `_embedded` of the credit-transfer list: `credit_transfers` live and in every SDK,
    /// `credit-transfers` in the published spec; either is read.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub(crate) struct EmbeddedCreditTransfers {
        #[serde(
            default,
            alias = "credit-transfers",
            skip_serializing_if = "Option::is_none"
        )]
        pub(crate) credit_transfers: Option<Vec<Transfer>>,
    }
}
