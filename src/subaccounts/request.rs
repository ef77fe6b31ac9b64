//! What a caller asks of the Subaccounts API, and the documented rules each part is checked
//! against before anything is sent.

use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, SubsecRound, TimeZone, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    Amount,
    validate::{self, Rule, ValidationError},
};

/// The longest sub-account name the API takes (`maxLength: 80` in its spec).
pub const SUBACCOUNT_NAME_MAX_LEN: usize = 80;

/// A sub-account to create, for [`Subaccounts::create`](crate::Subaccounts::create).
///
/// By default it shares the primary account's balance and the API makes its secret.
///
/// ```
/// use vonage_account::NewSubaccount;
/// let customer = NewSubaccount::new("Acme Ltd").own_balance();
/// let with_secret = NewSubaccount::new("Globex").secret("Globex-Secret-1");
/// # let _ = (customer, with_secret);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct NewSubaccount {
    pub(crate) name: String,
    pub(crate) secret: Option<SecretString>,
    pub(crate) own_balance: bool,
}

impl NewSubaccount {
    /// A sub-account named `name` (1 to 80 characters, not blank).
    pub fn new(name: impl Into<String>) -> NewSubaccount {
        NewSubaccount {
            name: name.into(),
            secret: None,
            own_balance: false,
        }
    }

    /// Its API secret, checked by the rules of [`validate_secret`](crate::validate_secret)
    /// (the API documents the same rules for a sub-account's secret). Without one the API makes
    /// one; either way the answer carries it.
    pub fn secret(mut self, secret: impl Into<SecretString>) -> NewSubaccount {
        self.secret = Some(secret.into());
        self
    }

    /// A balance of its own (`use_primary_account_balance: false`), starting at zero, instead
    /// of sharing the primary account's. **Irreversible**: the API cannot make it share the
    /// primary's balance again, so this crate offers no way to ask.
    pub fn own_balance(mut self) -> NewSubaccount {
        self.own_balance = true;
        self
    }

    /// The name, checked.
    pub(crate) fn checked_name(&self) -> Result<&str, ValidationError> {
        name(&self.name)
    }

    /// The secret, checked, if one was given.
    pub(crate) fn checked_secret(&self) -> Result<Option<&SecretString>, ValidationError> {
        if let Some(secret) = &self.secret {
            validate::validate_secret(secret.expose_secret())?;
        }
        Ok(self.secret.as_ref())
    }
}

/// A change to a sub-account, for [`Subaccounts::update`](crate::Subaccounts::update): only the
/// fields set are sent. An update that sets nothing is refused before sending.
///
/// There is no way back from [`own_balance`](Self::own_balance): the API refuses to make a
/// sub-account share the primary's balance again (422), so this type cannot ask for it.
///
/// ```
/// use vonage_account::SubaccountUpdate;
/// let rename_and_suspend = SubaccountUpdate::new().name("Acme (closed)").suspend();
/// # let _ = rename_and_suspend;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct SubaccountUpdate {
    pub(crate) name: Option<String>,
    pub(crate) suspended: Option<bool>,
    pub(crate) own_balance: bool,
}

impl SubaccountUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> SubaccountUpdate {
        SubaccountUpdate::default()
    }

    /// A new name (1 to 80 characters, not blank).
    pub fn name(mut self, name: impl Into<String>) -> SubaccountUpdate {
        self.name = Some(name.into());
        self
    }

    /// Suspend it (`suspended: true`).
    pub fn suspend(mut self) -> SubaccountUpdate {
        self.suspended = Some(true);
        self
    }

    /// Reactivate it (`suspended: false`).
    pub fn reactivate(mut self) -> SubaccountUpdate {
        self.suspended = Some(false);
        self
    }

    /// Give it a balance of its own (`use_primary_account_balance: false`). **Irreversible**
    /// (see the type's documentation). Harmless on a sub-account that already has one.
    pub fn own_balance(mut self) -> SubaccountUpdate {
        self.own_balance = true;
        self
    }

    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.suspended.is_none() && !self.own_balance
    }

    pub(crate) fn check(&self) -> Result<(), ValidationError> {
        if self.is_empty() {
            return Err(ValidationError::new("update", vec![Rule::NothingToUpdate]));
        }
        if let Some(n) = &self.name {
            name(n)?;
        }
        Ok(())
    }
}

/// An amount as given to a [`MoneyTransfer`]: an [`Amount`], or its decimal text.
///
/// Text goes through [`Amount`]'s grammar (`12.50`; no exponent, no `+`, no white space); what it
/// refuses is refused before anything is sent, as is an amount that is not above zero.
pub trait IntoTransferAmount {
    /// The amount, or the rule it breaks.
    fn into_transfer_amount(self) -> Result<Amount, Rule>;
}

impl IntoTransferAmount for Amount {
    fn into_transfer_amount(self) -> Result<Amount, Rule> {
        Ok(self)
    }
}

impl IntoTransferAmount for &Amount {
    fn into_transfer_amount(self) -> Result<Amount, Rule> {
        Ok(self.clone())
    }
}

impl IntoTransferAmount for &str {
    fn into_transfer_amount(self) -> Result<Amount, Rule> {
        if self.is_empty() {
            return Err(Rule::Empty);
        }
        self.parse::<Amount>()
            .map_err(|e| Rule::NotAnAmount { kind: e.kind() })
    }
}

impl IntoTransferAmount for String {
    fn into_transfer_amount(self) -> Result<Amount, Rule> {
        self.as_str().into_transfer_amount()
    }
}

impl IntoTransferAmount for &String {
    fn into_transfer_amount(self) -> Result<Amount, Rule> {
        self.as_str().into_transfer_amount()
    }
}

/// A transfer of credit or balance, for [`Subaccounts::transfer_credit`] and
/// [`Subaccounts::transfer_balance`].
///
/// One side is the primary account (this client's key), the other one of its sub-accounts: the
/// API moves money only between those two. The amount must be above zero; it is sent as a JSON
/// number with the digits it was given (`0.50` stays `0.50`).
///
/// Every transfer carries a `reference`, the one thing that finds it again in the ledger: give
/// one, or one is made for the call (`va-` and 24 random hex digits). The transfer's answer, and
/// the error when its outcome is unknown, say which reference was used.
///
/// [`Subaccounts::transfer_credit`]: crate::Subaccounts::transfer_credit
/// [`Subaccounts::transfer_balance`]: crate::Subaccounts::transfer_balance
///
/// ```
/// use vonage_account::{Amount, MoneyTransfer};
/// let top_up = MoneyTransfer::new("abcd1234", "bbe6222f", "25.00").reference("invoice 42");
/// let back = MoneyTransfer::new("bbe6222f", "abcd1234", Amount::from(5));
/// # let _ = (top_up, back);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct MoneyTransfer {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) amount: Result<Amount, Rule>,
    pub(crate) reference: Option<String>,
}

impl MoneyTransfer {
    /// `amount` EUR from the account `from` to the account `to`.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        amount: impl IntoTransferAmount,
    ) -> MoneyTransfer {
        MoneyTransfer {
            from: from.into(),
            to: to.into(),
            amount: amount.into_transfer_amount(),
            reference: None,
        }
    }

    /// The reference to record with it (free text, no control characters). Without one, one is
    /// made for the call.
    pub fn reference(mut self, reference: impl Into<String>) -> MoneyTransfer {
        self.reference = Some(reference.into());
        self
    }

    /// Checks every part against the rules, for a primary account `primary`; the amount.
    pub(crate) fn check(&self, primary: &str) -> Result<Amount, ValidationError> {
        let amount = match &self.amount {
            Ok(a) if *a > 0 => a.clone(),
            Ok(_) => return Err(ValidationError::new("amount", vec![Rule::NotPositive])),
            Err(rule) => return Err(ValidationError::new("amount", vec![rule.clone()])),
        };
        pair(&self.from, &self.to)?;
        if self.from != primary && self.to != primary {
            return Err(ValidationError::new(
                "to",
                vec![Rule::NotPrimaryPair {
                    primary: primary.to_owned(),
                }],
            ));
        }
        if let Some(reference) = &self.reference {
            let mut rules = Vec::new();
            if reference.trim().is_empty() {
                rules.push(Rule::Empty);
            }
            if reference.chars().any(char::is_control) {
                rules.push(Rule::ControlCharacter);
            }
            if !rules.is_empty() {
                return Err(ValidationError::new("reference", rules));
            }
        }
        Ok(amount)
    }
}

/// A time as given to a [`TransferFilter`]: a [`DateTime`] in any zone, a [`SystemTime`], or
/// RFC 3339 text (`2026-01-31T09:00:00Z`, `2026-01-31T10:00:00+01:00`).
pub trait IntoUtcTime {
    /// The time in UTC, or the rule it breaks.
    fn into_utc_time(self) -> Result<DateTime<Utc>, Rule>;
}

impl<Tz: TimeZone> IntoUtcTime for DateTime<Tz> {
    fn into_utc_time(self) -> Result<DateTime<Utc>, Rule> {
        Ok(self.with_timezone(&Utc))
    }
}

impl IntoUtcTime for SystemTime {
    fn into_utc_time(self) -> Result<DateTime<Utc>, Rule> {
        Ok(DateTime::<Utc>::from(self))
    }
}

impl IntoUtcTime for &str {
    fn into_utc_time(self) -> Result<DateTime<Utc>, Rule> {
        if self.trim().is_empty() {
            return Err(Rule::Empty);
        }
        DateTime::parse_from_rfc3339(self)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| Rule::NotRfc3339Time)
    }
}

impl IntoUtcTime for String {
    fn into_utc_time(self) -> Result<DateTime<Utc>, Rule> {
        self.as_str().into_utc_time()
    }
}

impl IntoUtcTime for &String {
    fn into_utc_time(self) -> Result<DateTime<Utc>, Rule> {
        self.as_str().into_utc_time()
    }
}

/// Which transfers to list, for [`Subaccounts::credit_transfers`] and
/// [`Subaccounts::balance_transfers`]: those since a time (required by the API), until another
/// (optional), of some sub-accounts (optional, any number).
///
/// Times go out in UTC, in whole seconds, with `Z` (`2026-01-31T09:00:00Z`): the API refuses
/// milliseconds, and an offset is converted rather than dropped. A time with a fraction of a
/// second is cut to the second before it (so a transfer made within that second is still
/// listed).
///
/// [`Subaccounts::credit_transfers`]: crate::Subaccounts::credit_transfers
/// [`Subaccounts::balance_transfers`]: crate::Subaccounts::balance_transfers
///
/// ```
/// use vonage_account::TransferFilter;
/// let march = TransferFilter::since("2026-03-01T00:00:00+01:00")
///     .until("2026-04-01T00:00:00Z")
///     .subaccount("bbe6222f")
///     .subaccount("c0ffee12");
/// # let _ = march;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct TransferFilter {
    pub(crate) since: Result<DateTime<Utc>, Rule>,
    pub(crate) until: Option<Result<DateTime<Utc>, Rule>>,
    pub(crate) subaccounts: Vec<String>,
}

impl TransferFilter {
    /// The transfers made at `start` or later.
    pub fn since(start: impl IntoUtcTime) -> TransferFilter {
        TransferFilter {
            since: start.into_utc_time(),
            until: None,
            subaccounts: Vec::new(),
        }
    }

    /// Only those made up to `end`.
    pub fn until(mut self, end: impl IntoUtcTime) -> TransferFilter {
        self.until = Some(end.into_utc_time());
        self
    }

    /// Only those of this sub-account (repeatable: those of any sub-account named).
    pub fn subaccount(mut self, api_key: impl Into<String>) -> TransferFilter {
        self.subaccounts.push(api_key.into());
        self
    }

    /// The query as sent: `start_date`, `end_date` (whole seconds, `Z`), the sub-account keys.
    pub(crate) fn check(&self) -> Result<(String, Option<String>, Vec<String>), ValidationError> {
        let since = self
            .since
            .clone()
            .map_err(|rule| ValidationError::new("start_date", vec![rule]))?;
        let until = self
            .until
            .clone()
            .transpose()
            .map_err(|rule| ValidationError::new("end_date", vec![rule]))?;
        if let Some(until) = until
            && until < since.trunc_subsecs(0)
        {
            return Err(ValidationError::new("end_date", vec![Rule::EndBeforeStart]));
        }
        for key in &self.subaccounts {
            validate::path_segment("subaccount", key)?;
        }
        Ok((
            wire_time(&since),
            until.as_ref().map(wire_time),
            self.subaccounts.clone(),
        ))
    }
}

/// A time as the transfer lists take it: UTC, whole seconds (cut, not rounded), `Z`.
pub(crate) fn wire_time(at: &DateTime<Utc>) -> String {
    at.trunc_subsecs(0)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A number to move between two accounts of the primary, for
/// [`Subaccounts::transfer_number`](crate::Subaccounts::transfer_number).
///
/// The number is its E.164 digits without `+` (`447700900000`), sent as a JSON string; the
/// country is two letters (sent upper case).
///
/// Unlike money, a number cannot move twice: sent again after it moved, the API refuses (403
/// `invalid-number-transfer`, or 409 `transfer-conflict`). So a transfer whose outcome was
/// unknown may be sent again, marked with [`after_unknown_outcome`](Self::after_unknown_outcome):
/// such a refusal then comes back as [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown)
/// ("check who owns the number"), never as a plain refusal that would read as "not moved".
///
/// ```
/// use vonage_account::NumberMove;
/// let to_customer = NumberMove::new("abcd1234", "bbe6222f", "447700900000", "GB");
/// # let _ = to_customer;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct NumberMove {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) number: String,
    pub(crate) country: String,
    pub(crate) after_unknown_outcome: bool,
}

impl NumberMove {
    /// `number` (of `country`) from the account `from` to the account `to`.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        number: impl Into<String>,
        country: impl Into<String>,
    ) -> NumberMove {
        NumberMove {
            from: from.into(),
            to: to.into(),
            number: number.into(),
            country: country.into(),
            after_unknown_outcome: false,
        }
    }

    /// Marks this as a second attempt after one whose outcome was unknown: a refusal because
    /// the number is not `from`'s, or already `to`'s, then means "check who owns it".
    pub fn after_unknown_outcome(mut self) -> NumberMove {
        self.after_unknown_outcome = true;
        self
    }

    /// The checked number and country (upper case).
    pub(crate) fn check(&self) -> Result<(String, String), ValidationError> {
        pair(&self.from, &self.to)?;
        let number = &self.number;
        let rules = if number.is_empty() {
            vec![Rule::Empty]
        } else if number.len() > 15 || !number.bytes().all(|b| b.is_ascii_digit()) {
            vec![Rule::NotNumberDigits]
        } else {
            Vec::new()
        };
        if !rules.is_empty() {
            return Err(ValidationError::new("number", rules));
        }
        let country = validate::country_code(&self.country)?;
        Ok((number.clone(), country))
    }
}

/// A sub-account name: 1 to 80 characters, not blank, no control characters.
pub(crate) fn name(name: &str) -> Result<&str, ValidationError> {
    let mut rules = Vec::new();
    let len = name.chars().count();
    if name.trim().is_empty() {
        rules.push(Rule::Empty);
    } else if len > SUBACCOUNT_NAME_MAX_LEN {
        rules.push(Rule::TooLong {
            max: SUBACCOUNT_NAME_MAX_LEN,
            actual: len,
        });
    }
    if name.chars().any(char::is_control) {
        rules.push(Rule::ControlCharacter);
    }
    if rules.is_empty() {
        Ok(name)
    } else {
        Err(ValidationError::new("name", rules))
    }
}

/// Two account keys of a transfer: each a key, and not the same.
fn pair(from: &str, to: &str) -> Result<(), ValidationError> {
    validate::path_segment("from", from)?;
    validate::path_segment("to", to)?;
    if from == to {
        return Err(ValidationError::new("to", vec![Rule::SameAccount]));
    }
    Ok(())
}

/// A reference for a transfer the caller gave none: `va-` and 24 random hex digits (96 bits
/// from the OS), so that the transfer can be found again in the ledger.
pub(crate) fn new_reference() -> String {
    let mut bytes = [0u8; 12];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: the time in nanoseconds and the process id still make it unique
        // enough to find one transfer.
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes[..8].copy_from_slice(&(nanos as u64).to_be_bytes());
        bytes[8..].copy_from_slice(&std::process::id().to_be_bytes());
    }
    let mut reference = String::with_capacity(27);
    reference.push_str("va-");
    for b in bytes {
        reference.push_str(&format!("{b:02x}"));
    }
    reference
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_go_out_in_whole_utc_seconds() {
        let t = DateTime::parse_from_rfc3339("2026-03-01T01:02:03.999+01:00").unwrap();
        assert_eq!(wire_time(&t.with_timezone(&Utc)), "2026-03-01T00:02:03Z");
    }

    #[test]
    fn references_are_fresh() {
        let a = new_reference();
        assert_eq!(a.len(), 27);
        assert!(a.starts_with("va-"));
        assert_ne!(a, new_reference());
    }
}
