//! The Subaccounts API in the fake: the primary account's sub-accounts (linked to the Secret
//! Management state: a created sub-account is an account with its secret, which
//! `/accounts/{sub}/secrets` serves), the credit and balance rules Vonage documents, a ledger of
//! transfers in which money is conserved, a registry of numbers with the documented refusals, a
//! limit on sub-accounts, and a switch for a primary that is not provisioned for the API.
//!
//! Where Vonage documents no answer the fake makes its own choice, named as such below; the
//! sources are in `/work/shared/reference/vonage-subaccounts-api.md`.
//!
//! Money is counted in units of 10⁻⁸ EUR, as the rest of the fake. A balance transfer moves
//! balance (the sum of the primary's and the own-balance sub-accounts' balances never changes);
//! a credit transfer moves credit limit (the sum of the credit limits never changes). Every
//! account keeps `balance >= credit_limit` (credit limits are zero or negative).

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use vonage_account::{Amount, Operation};

use super::{
    FakeError, FakeVonage,
    answers::{Answer, JSON, answer},
    server::Shared,
    state::{
        AccountState, Accounts, Seed, TenNanoEur, add_secret, format_eur, parse_eur,
        secret_is_complex,
    },
};

/// The problem types of the Subaccounts API's own errors. Live answers of 2023 use this path;
/// the published spec has `…/api-errors/subaccounts#…`. Clients classify by the fragment.
pub(crate) const SUBACCOUNT_ERRORS: &str =
    "https://developer.nexmo.com/api-errors/account/subaccounts";

/// The most sub-accounts by default (Vonage documents a limit but not its number).
pub const DEFAULT_MAX_SUBACCOUNTS: usize = 100;

/// The Subaccounts API part of a [`Seed`](super::Seed): whether the primary may use it, its
/// limits, the primary's credit, details of the seeded sub-accounts, and the numbers each
/// account owns.
///
/// ```
/// let seed: vonage_account_fake::Seed = serde_json::from_str(r#"{
///     "sub_accounts": [{"api_key": "sub12345", "secrets": ["Subsecret123"]}],
///     "subaccounts": {
///         "credit_limit": "-50.00",
///         "max_subaccounts": 3,
///         "accounts": {"sub12345": {"name": "Acme", "own_balance": "2.50", "credit_limit": "-5"}},
///         "numbers": [{"number": "447700900001", "country": "GB", "owner": "sub12345"}]
///     }
/// }"#).unwrap();
/// assert_eq!(seed.subaccounts.max_subaccounts, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedSubaccounts {
    /// Whether the primary account is provisioned for the Subaccounts API (default true). When
    /// not, every Subaccounts call is a 403 `#unprovisioned`, as Vonage answers an account that
    /// has not asked for the API.
    pub provisioned: bool,
    /// The most sub-accounts the primary may have (default [`DEFAULT_MAX_SUBACCOUNTS`]); a
    /// create beyond it is refused (`#provisioning`, "Maximum number of sub-accounts reached").
    pub max_subaccounts: usize,
    /// The primary account's name; `None` (the default) answers `null`, as live answers do.
    pub primary_name: Option<String>,
    /// The primary account's credit limit in EUR, zero or negative (default `-100.00`: 100 EUR
    /// of credit to allocate).
    pub credit_limit: String,
    /// Whether the primary account is postpaid (default true). Credit can only be transferred by
    /// a postpaid account.
    pub postpaid: bool,
    /// Details of the seeded sub-accounts (`Seed::sub_accounts`), by API key. One not named here
    /// is called by its key and shares the primary's balance.
    pub accounts: BTreeMap<String, SeedSubaccount>,
    /// The numbers each account owns, for number transfers (default: `447700900000` (GB) owned
    /// by the primary).
    pub numbers: Vec<SeedNumber>,
}

impl Default for SeedSubaccounts {
    fn default() -> Self {
        SeedSubaccounts {
            provisioned: true,
            max_subaccounts: DEFAULT_MAX_SUBACCOUNTS,
            primary_name: None,
            credit_limit: "-100.00".into(),
            postpaid: true,
            accounts: BTreeMap::new(),
            numbers: vec![SeedNumber {
                number: "447700900000".into(),
                country: "GB".into(),
                owner: None,
            }],
        }
    }
}

/// A seeded sub-account's details.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedSubaccount {
    /// Its name (default: its API key).
    pub name: Option<String>,
    /// A balance of its own in EUR; `None` (the default) shares the primary's balance.
    pub own_balance: Option<String>,
    /// Its credit limit in EUR, zero or negative (only with a balance of its own; default 0).
    pub credit_limit: Option<String>,
    /// Whether it is suspended.
    pub suspended: bool,
    /// When it was created, RFC 3339 (default: when the fake starts).
    pub created_at: Option<String>,
}

/// A number an account owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedNumber {
    /// The number, E.164 digits without `+`.
    pub number: String,
    /// Its country, two letters.
    pub country: String,
    /// The API key that owns it; `None` for the primary account.
    #[serde(default)]
    pub owner: Option<String>,
}

/// Which money a transfer moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Credit,
    Balance,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Credit => "credit",
            Kind::Balance => "balance",
        }
    }
}

/// One sub-account's details (its balance and secrets are its `AccountState`'s).
#[derive(Debug, Clone)]
struct SubInfo {
    name: String,
    created_at: DateTime<Utc>,
    shared: bool,
    suspended: bool,
    credit_limit: TenNanoEur,
}

#[derive(Debug, Clone)]
struct LedgerEntry {
    kind: Kind,
    id: String,
    /// The amount as the request wrote it (its digits are echoed).
    amount_text: String,
    from: String,
    to: String,
    reference: String,
    created_at: DateTime<Utc>,
}

/// The Subaccounts API's state: the primary's details, its sub-accounts' details, the ledger,
/// the numbers.
#[derive(Debug, Clone)]
pub(crate) struct Registry {
    provisioned: bool,
    max_subaccounts: usize,
    postpaid: bool,
    primary: String,
    primary_name: Option<String>,
    primary_created_at: DateTime<Utc>,
    primary_credit_limit: TenNanoEur,
    subs: BTreeMap<String, SubInfo>,
    ledger: Vec<LedgerEntry>,
    /// Number -> (country, owner).
    numbers: BTreeMap<String, (String, String)>,
}

fn money(what: &str, text: &str) -> Result<TenNanoEur, String> {
    parse_eur(text)
        .ok_or_else(|| format!("{what} {text:?} is not a decimal with at most 8 decimals"))
}

fn credit_limit(what: &str, text: &str) -> Result<TenNanoEur, String> {
    let limit = money(what, text)?;
    if limit > 0 {
        return Err(format!("{what} {text:?} must be zero or negative"));
    }
    Ok(limit)
}

fn now_ms() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// `created_at` as live answers write it: milliseconds and `Z`.
fn format_ms(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

impl Registry {
    /// The state the seed describes; the own balances of seeded sub-accounts go into their
    /// accounts in `by_key`.
    pub(crate) fn from_seed(
        seed: &Seed,
        by_key: &mut BTreeMap<String, AccountState>,
    ) -> Result<Registry, String> {
        let s = &seed.subaccounts;
        let started = now_ms();
        let mut subs = BTreeMap::new();
        for sub in &seed.sub_accounts {
            let details = s.accounts.get(&sub.api_key).cloned().unwrap_or_default();
            let what = format!("subaccounts.accounts.{}", sub.api_key);
            let shared = details.own_balance.is_none();
            let limit = match (&details.credit_limit, shared) {
                (Some(_), true) => {
                    return Err(format!("{what}: a credit limit needs an own_balance"));
                }
                (Some(text), false) => credit_limit(&format!("{what}.credit_limit"), text)?,
                (None, _) => 0,
            };
            if let (Some(text), Some(account)) =
                (&details.own_balance, by_key.get_mut(&sub.api_key))
            {
                account.balance = money(&format!("{what}.own_balance"), text)?;
                if account.balance < limit {
                    return Err(format!("{what}: the balance is below the credit limit"));
                }
            }
            let created_at = match &details.created_at {
                Some(at) => DateTime::parse_from_rfc3339(at.trim())
                    .map(|t| t.with_timezone(&Utc).trunc_subsecs(3))
                    .map_err(|e| {
                        format!("{what}.created_at {at:?} is not an RFC 3339 time: {e}")
                    })?,
                None => started,
            };
            let name = details.name.clone().unwrap_or_else(|| sub.api_key.clone());
            if name.trim().is_empty() || name.chars().count() > 80 {
                return Err(format!("{what}.name must be 1 to 80 characters"));
            }
            subs.insert(
                sub.api_key.clone(),
                SubInfo {
                    name,
                    created_at,
                    shared,
                    suspended: details.suspended,
                    credit_limit: limit,
                },
            );
        }
        if let Some(unknown) = s.accounts.keys().find(|k| !subs.contains_key(*k)) {
            return Err(format!(
                "subaccounts.accounts names {unknown:?}, which is not one of sub_accounts"
            ));
        }
        let mut registry = Registry {
            provisioned: s.provisioned,
            max_subaccounts: s.max_subaccounts,
            postpaid: s.postpaid,
            primary: seed.api_key.clone(),
            primary_name: s.primary_name.clone(),
            primary_created_at: started,
            primary_credit_limit: credit_limit("subaccounts.credit_limit", &s.credit_limit)?,
            subs,
            ledger: Vec::new(),
            numbers: BTreeMap::new(),
        };
        for number in &s.numbers {
            registry.add_number(number)?;
        }
        if let Some(primary) = by_key.get(&registry.primary)
            && primary.balance < registry.primary_credit_limit
        {
            return Err("the primary's balance is below its credit limit".into());
        }
        Ok(registry)
    }

    /// Registers (or re-registers) a number, or says why not.
    fn add_number(&mut self, number: &SeedNumber) -> Result<(), String> {
        if number.number.is_empty()
            || number.number.len() > 15
            || !number.number.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(format!("number {:?} must be E.164 digits", number.number));
        }
        if number.country.len() != 2 || !number.country.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(format!("country {:?} must be two letters", number.country));
        }
        let owner = number.owner.clone().unwrap_or_else(|| self.primary.clone());
        if owner != self.primary && !self.subs.contains_key(&owner) {
            return Err(format!(
                "the owner {owner:?} of {} is not an account of the primary",
                number.number
            ));
        }
        self.numbers.insert(
            number.number.clone(),
            (number.country.to_ascii_uppercase(), owner),
        );
        Ok(())
    }

    fn in_family(&self, key: &str) -> bool {
        key == self.primary || self.subs.contains_key(key)
    }

    fn credit_limit_of(&self, key: &str) -> Option<TenNanoEur> {
        if key == self.primary {
            Some(self.primary_credit_limit)
        } else {
            self.subs
                .get(key)
                .filter(|s| !s.shared)
                .map(|s| s.credit_limit)
        }
    }

    fn set_credit_limit(&mut self, key: &str, limit: TenNanoEur) {
        if key == self.primary {
            self.primary_credit_limit = limit;
        } else if let Some(sub) = self.subs.get_mut(key) {
            sub.credit_limit = limit;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answers

fn problem(status: StatusCode, fragment: &str, title: &str, detail: &str) -> Answer {
    let base = match fragment {
        "unprovisioned" | "invalid-api-key" | "unauthorized" => {
            "https://developer.nexmo.com/api-errors".to_owned()
        }
        _ => SUBACCOUNT_ERRORS.to_owned(),
    };
    answer(
        status,
        JSON,
        json!({
            "type": format!("{base}#{fragment}"),
            "title": title,
            "detail": detail,
            "instance": uuid::Uuid::new_v4().to_string(),
        }),
    )
}

/// 422 `#validation` naming each invalid parameter, as the API answers (live reasons where
/// known).
pub(crate) fn invalid(params: &[(&str, &str)]) -> Answer {
    let params: Vec<Value> = params
        .iter()
        .map(|(name, reason)| json!({"name": name, "reason": reason}))
        .collect();
    answer(
        StatusCode::UNPROCESSABLE_ENTITY,
        JSON,
        json!({
            "type": format!("{SUBACCOUNT_ERRORS}#validation"),
            "title": "Bad Request",
            "detail": "The request failed due to validation errors",
            "instance": uuid::Uuid::new_v4().to_string(),
            "invalid_parameters": params,
        }),
    )
}

fn unprovisioned(key: &str) -> Answer {
    problem(
        StatusCode::FORBIDDEN,
        "unprovisioned",
        "Authorisation error",
        &format!("Account {key} is not provisioned to access Subaccount Provisioning API"),
    )
}

fn key_not_found(key: &str) -> Answer {
    problem(
        StatusCode::NOT_FOUND,
        "invalid-api-key",
        "Invalid API Key",
        &format!("API key '{key}' does not exist, or you do not have access"),
    )
}

fn invalid_transfer(title: &str, detail: &str) -> Answer {
    problem(StatusCode::FORBIDDEN, "valid-transfers", title, detail)
}

const POSITIVE_NUMBER: &str = "Only positive values of data type JSON number are allowed";
const SAME_ACCOUNTS: &str = "Invalid accounts. From and To accounts should be different";
const REQUIRED: &str = "Is required";

/// [`invalid`] for parameters named by the contract check (`contract.rs`).
pub(crate) fn invalid_parameters(params: &[(String, String)]) -> Answer {
    let params: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, r)| (n.as_str(), r.as_str()))
        .collect();
    invalid(&params)
}

/// Runs `handler` when the caller may use the Subaccounts API as the primary named by the
/// path (see [`admit`]).
pub(crate) fn as_primary(
    accounts: &mut Accounts,
    caller: &str,
    operation: Operation,
    path: &str,
    handler: impl FnOnce(&mut Accounts) -> Answer,
) -> Answer {
    let key = operation.path_param(path, "api_key").unwrap_or_default();
    match admit(accounts, caller, key) {
        Ok(()) => handler(accounts),
        Err(refused) => refused,
    }
}

/// Who may call: the primary account itself, provisioned, naming its own key in the path. A
/// sub-account's own credentials get 403 `#unprovisioned` (the fake's choice: Vonage does not
/// document what they get).
pub(crate) fn admit(accounts: &Accounts, caller: &str, path_key: &str) -> Result<(), Answer> {
    let registry = &accounts.subaccounts;
    let caller_is_sub = accounts
        .by_key
        .get(caller)
        .is_some_and(|a| a.owner.is_some());
    if caller_is_sub || (caller == registry.primary && !registry.provisioned) {
        return Err(unprovisioned(caller));
    }
    if caller != path_key || caller != registry.primary {
        return Err(key_not_found(path_key));
    }
    Ok(())
}

/// An answer with a JSON body written by serde, so that every [`Amount`] keeps its digits (a
/// `serde_json::Value` would turn `10.28000000` into `10.28`).
fn json_answer<T: Serialize>(status: StatusCode, body: &T) -> Answer {
    Answer {
        status,
        content_type: JSON,
        body: serde_json::to_string(body).unwrap_or_default(),
        headers: Vec::new(),
    }
}

/// Money as the API writes it: a JSON number, here with eight decimals.
fn amount(value: TenNanoEur) -> Amount {
    format_eur(value)
        .parse()
        .unwrap_or_else(|_| Amount::from(0))
}

#[derive(Serialize)]
struct Link {
    href: String,
}

#[derive(Serialize)]
struct SelfLink {
    #[serde(rename = "self")]
    self_: Link,
}

impl SelfLink {
    fn to(href: String) -> SelfLink {
        SelfLink {
            self_: Link { href },
        }
    }
}

/// The primary account as live answers show it: no `primary_account_api_key` or
/// `use_primary_account_balance`, a `null` name unless seeded.
#[derive(Serialize)]
struct PrimaryJson<'a> {
    api_key: &'a str,
    name: Option<&'a str>,
    balance: Amount,
    credit_limit: Amount,
    suspended: bool,
    created_at: String,
}

/// A sub-account as live answers show it (with `secret` after a create).
#[derive(Serialize)]
struct SubJson<'a> {
    api_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    primary_account_api_key: &'a str,
    use_primary_account_balance: bool,
    name: &'a str,
    balance: Option<Amount>,
    credit_limit: Option<Amount>,
    suspended: bool,
    created_at: String,
}

fn primary_json(accounts: &Accounts) -> PrimaryJson<'_> {
    let r = &accounts.subaccounts;
    let balance = accounts.by_key.get(&r.primary).map_or(0, |a| a.balance);
    PrimaryJson {
        api_key: &r.primary,
        name: r.primary_name.as_deref(),
        balance: amount(balance),
        credit_limit: amount(r.primary_credit_limit),
        suspended: false,
        created_at: format_ms(&r.primary_created_at),
    }
}

fn sub_json<'a>(accounts: &'a Accounts, key: &'a str) -> Option<SubJson<'a>> {
    let r = &accounts.subaccounts;
    let info = r.subs.get(key)?;
    let balance = accounts.by_key.get(key).map_or(0, |a| a.balance);
    Some(SubJson {
        api_key: key,
        secret: None,
        primary_account_api_key: &r.primary,
        use_primary_account_balance: info.shared,
        name: &info.name,
        balance: (!info.shared).then(|| amount(balance)),
        credit_limit: (!info.shared).then(|| amount(info.credit_limit)),
        suspended: info.suspended,
        created_at: format_ms(&info.created_at),
    })
}

/// `GET /accounts/{api_key}/subaccounts`: the primary, the sub-accounts, and the totals (the
/// sums of the balances and credit limits that are not null).
pub(crate) fn list(accounts: &Accounts) -> Answer {
    #[derive(Serialize)]
    struct Embedded<'a> {
        primary_account: PrimaryJson<'a>,
        subaccounts: Vec<SubJson<'a>>,
    }
    #[derive(Serialize)]
    struct List<'a> {
        _links: SelfLink,
        total_balance: Amount,
        total_credit_limit: Amount,
        _embedded: Embedded<'a>,
    }
    let r = &accounts.subaccounts;
    let mut total_balance = accounts.by_key.get(&r.primary).map_or(0, |a| a.balance);
    let mut total_credit = r.primary_credit_limit;
    let mut subaccounts = Vec::new();
    for (key, info) in &r.subs {
        if !info.shared {
            total_balance += accounts.by_key.get(key).map_or(0, |a| a.balance);
            total_credit += info.credit_limit;
        }
        subaccounts.extend(sub_json(accounts, key));
    }
    json_answer(
        StatusCode::OK,
        &List {
            _links: SelfLink::to(format!("/accounts/{}/subaccounts", r.primary)),
            total_balance: amount(total_balance),
            total_credit_limit: amount(total_credit),
            _embedded: Embedded {
                primary_account: primary_json(accounts),
                subaccounts,
            },
        },
    )
}

/// `GET /accounts/{api_key}/subaccounts/{subaccount_key}`.
pub(crate) fn get(accounts: &Accounts, sub: &str) -> Answer {
    match sub_json(accounts, sub) {
        Some(body) => json_answer(StatusCode::OK, &body),
        None => key_not_found(sub),
    }
}

fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, Answer> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(invalid(&[("body", "Must be a JSON object")])),
    }
}

/// A name: 1 to 80 characters, not blank.
fn name_problem(value: &Value) -> Option<&'static str> {
    match value.as_str() {
        None => Some("Must be a string"),
        Some(n) if n.trim().is_empty() => Some("Must not be blank"),
        Some(n) if n.chars().count() > 80 => Some("Must be at most 80 characters"),
        Some(_) => None,
    }
}

/// `POST /accounts/{api_key}/subaccounts`: the name, the secret's rules, then the limit. The
/// new sub-account is an account of the Secret Management state with its secret (given, or
/// made here), so `/accounts/{sub}/secrets` serves it at once.
pub(crate) fn create(accounts: &mut Accounts, body: &[u8]) -> Answer {
    let map = match object(body) {
        Ok(map) => map,
        Err(answer) => return answer,
    };
    let mut problems: Vec<(&str, &str)> = Vec::new();
    match map.get("name") {
        None | Some(Value::Null) => problems.push(("name", REQUIRED)),
        Some(v) => problems.extend(name_problem(v).map(|p| ("name", p))),
    }
    let secret = match map.get("secret") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if secret_is_complex(s) => Some(s.clone()),
        Some(_) => {
            problems.push(("secret", "Does not meet complexity requirements"));
            None
        }
    };
    let shared = match map.get("use_primary_account_balance") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            problems.push((
                "use_primary_account_balance",
                "Should be either 'true' or 'false'",
            ));
            true
        }
    };
    if let Some(s) = &secret
        && accounts
            .by_key
            .values()
            .any(|a| a.secrets.iter().any(|x| &x.value == s))
    {
        problems.push(("secret", "Must be unique"));
    }
    if !problems.is_empty() {
        return invalid(&problems);
    }
    let registry = &mut accounts.subaccounts;
    if registry.subs.len() >= registry.max_subaccounts {
        return problem(
            StatusCode::FORBIDDEN,
            "provisioning",
            "Forbidden",
            "Maximum number of sub-accounts reached",
        );
    }
    let key = loop {
        let key = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
        if !accounts.by_key.contains_key(&key) {
            break key;
        }
    };
    let secret = secret.unwrap_or_else(made_secret);
    let mut account = AccountState::sub_account(&registry.primary);
    add_secret(&mut account, &secret);
    accounts.by_key.insert(key.clone(), account);
    let name = map.get("name").and_then(Value::as_str).unwrap_or_default();
    accounts.subaccounts.subs.insert(
        key.clone(),
        SubInfo {
            name: name.to_owned(),
            created_at: now_ms(),
            shared,
            suspended: false,
            credit_limit: 0,
        },
    );
    match sub_json(accounts, &key) {
        Some(mut body) => {
            body.secret = Some(&secret);
            json_answer(StatusCode::OK, &body)
        }
        None => key_not_found(&key),
    }
}

/// A secret the API makes: 19 characters with the three kinds the rules ask for.
fn made_secret() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("Va{}7", &hex[..16])
}

impl AccountState {
    /// A new sub-account of `owner`, without secrets yet.
    fn sub_account(owner: &str) -> AccountState {
        AccountState {
            owner: Some(owner.to_owned()),
            secrets: Vec::new(),
            balance: 0,
            auto_reload: false,
            top_up_amount: 0,
            mo_callback_url: String::new(),
            dr_callback_url: String::new(),
            http_forward_method: None,
            rate_limits: super::state::RateLimits::from(&super::state::SeedSettings::default()),
            top_ups: Vec::new(),
        }
    }
}

/// `PATCH /accounts/{api_key}/subaccounts/{subaccount_key}`: sets the fields sent. Going back
/// to the primary's balance is refused with the live reason. An empty object changes nothing
/// and answers the sub-account (the fake's choice: the API's answer is undocumented).
pub(crate) fn modify(accounts: &mut Accounts, sub: &str, body: &[u8]) -> Answer {
    let map = match object(body) {
        Ok(map) => map,
        Err(answer) => return answer,
    };
    let Some(info) = accounts.subaccounts.subs.get(sub).cloned() else {
        return key_not_found(sub);
    };
    let mut problems: Vec<(&str, &str)> = Vec::new();
    let name = match map.get("name") {
        None => None,
        Some(v) => match name_problem(v) {
            Some(p) => {
                problems.push(("name", p));
                None
            }
            None => v.as_str().map(str::to_owned),
        },
    };
    let mut flag = |field: &'static str| match map.get(field) {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            problems.push((field, "Should be either 'true' or 'false'"));
            None
        }
    };
    let suspended = flag("suspended");
    let shared = flag("use_primary_account_balance");
    if shared == Some(true) && !info.shared {
        problems.push((
            "use_primary_account_balance",
            "Transitioning from 'use_primary_account_balance = false' to 'use_primary_account_balance = true' is not supported",
        ));
    }
    if !problems.is_empty() {
        return invalid(&problems);
    }
    let Some(info) = accounts.subaccounts.subs.get_mut(sub) else {
        return key_not_found(sub);
    };
    if let Some(name) = name {
        info.name = name;
    }
    if let Some(suspended) = suspended {
        info.suspended = suspended;
    }
    if shared == Some(false) && info.shared {
        // A balance of its own starts at zero, without credit.
        info.shared = false;
        info.credit_limit = 0;
        if let Some(account) = accounts.by_key.get_mut(sub) {
            account.balance = 0;
        }
    }
    get(accounts, sub)
}

/// A strict time of a transfer list: `YYYY-MM-DDTHH:MM:SSZ`, no fraction, no offset.
fn strict_time(text: &str) -> Option<DateTime<Utc>> {
    if text.len() != 20 || !text.ends_with('Z') {
        return None;
    }
    chrono::NaiveDateTime::parse_from_str(&text[..19], "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

/// `GET /accounts/{api_key}/{credit|balance}-transfers`: `start_date` required and strict
/// (422 "Malformed" otherwise, as live), `end_date` optional, `subaccount` repeatable; newest
/// first.
pub(crate) fn transfers(accounts: &Accounts, kind: Kind, query: Option<&str>) -> Answer {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let start = match get("start_date") {
        None => return invalid(&[("start_date", REQUIRED)]),
        Some(text) => match strict_time(text) {
            Some(t) => t,
            None => return invalid(&[("start_date", "Malformed")]),
        },
    };
    let end = match get("end_date") {
        None => None,
        Some(text) => match strict_time(text) {
            Some(t) => Some(t),
            None => return invalid(&[("end_date", "Malformed")]),
        },
    };
    let only: BTreeSet<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "subaccount")
        .map(|(_, v)| v.as_str())
        .collect();
    let r = &accounts.subaccounts;
    let items: Vec<TransferJson<'_>> = r
        .ledger
        .iter()
        .rev()
        .filter(|t| t.kind == kind)
        .filter(|t| t.created_at >= start && end.is_none_or(|end| t.created_at <= end))
        .filter(|t| {
            only.is_empty() || only.contains(t.from.as_str()) || only.contains(t.to.as_str())
        })
        .map(|t| transfer_json(t, None))
        .collect();
    #[derive(Serialize)]
    struct List<'a> {
        _links: SelfLink,
        _embedded: BTreeMap<String, Vec<TransferJson<'a>>>,
    }
    let list = format!("{}_transfers", kind.name());
    json_answer(
        StatusCode::OK,
        &List {
            _links: SelfLink::to(format!("/accounts/{}/{}-transfers", r.primary, kind.name())),
            _embedded: BTreeMap::from([(list, items)]),
        },
    )
}

/// A transfer as live answers show it: `id`, the amount as the request wrote it, and (in the
/// answer to the transfer itself) `masterAccountId` and `_links`.
#[derive(Serialize)]
struct TransferJson<'a> {
    #[serde(rename = "masterAccountId", skip_serializing_if = "Option::is_none")]
    master_account_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    _links: Option<SelfLink>,
    from: &'a str,
    to: &'a str,
    amount: Amount,
    reference: &'a str,
    id: &'a str,
    created_at: String,
}

fn transfer_json<'a>(t: &'a LedgerEntry, primary: Option<&'a str>) -> TransferJson<'a> {
    TransferJson {
        master_account_id: primary,
        _links: primary.map(|primary| {
            SelfLink::to(format!(
                "/accounts/{primary}/{}-transfers/{}",
                t.kind.name(),
                t.id
            ))
        }),
        from: &t.from,
        to: &t.to,
        amount: t.amount_text.parse().unwrap_or_else(|_| Amount::from(0)),
        reference: &t.reference,
        id: &t.id,
        created_at: format_ms(&t.created_at),
    }
}

/// The checked fields of a transfer request: `from`, `to`, the amount (as written, and in
/// units), the reference.
fn transfer_request(body: &[u8]) -> Result<(String, String, String, TenNanoEur, String), Answer> {
    let map = object(body)?;
    let mut problems: Vec<(&str, &str)> = Vec::new();
    let text = |name: &'static str, problems: &mut Vec<(&str, &str)>| match map.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        None | Some(Value::Null) => {
            problems.push((name, REQUIRED));
            None
        }
        Some(_) => {
            problems.push((name, "Must be a string"));
            None
        }
    };
    let from = text("from", &mut problems);
    let to = text("to", &mut problems);
    // The digits as written: a JSON number only (a string is refused, as live).
    let amount = match map.get("amount") {
        None | Some(Value::Null) => {
            problems.push(("amount", REQUIRED));
            None
        }
        Some(Value::Number(_)) => {
            #[derive(Deserialize)]
            struct Digits {
                amount: Amount,
            }
            serde_json::from_slice::<Digits>(body)
                .ok()
                .map(|d| d.amount.to_string())
                .filter(|text| !text.starts_with('-') && parse_eur(text).is_some_and(|v| v > 0))
                .or_else(|| {
                    problems.push(("amount", POSITIVE_NUMBER));
                    None
                })
        }
        Some(_) => {
            problems.push(("amount", POSITIVE_NUMBER));
            None
        }
    };
    let reference = match map.get("reference") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            problems.push(("reference", "Must be a string"));
            String::new()
        }
    };
    if let (Some(f), Some(t)) = (&from, &to)
        && f == t
    {
        problems.push(("from", SAME_ACCOUNTS));
    }
    match (from, to, amount) {
        (Some(from), Some(to), Some(amount)) if problems.is_empty() => {
            let units = parse_eur(&amount).unwrap_or_default();
            Ok((from, to, amount, units, reference))
        }
        _ => Err(invalid(&problems)),
    }
}

/// `POST /accounts/{api_key}/{credit|balance}-transfers`: between the primary and one of its
/// sub-accounts only; within what the source can give.
///
/// - balance: `|balance - credit_limit|` of the source (the documented rule);
/// - credit: `|credit_limit| - |balance|` when the source's balance is negative, else
///   `|credit_limit|` (the documented rule), and only for a postpaid primary.
///
/// A sub-account sharing the primary's balance has no balance or credit of its own to move
/// (the fake's choice of answer: the same 403 as an invalid pair).
pub(crate) fn transfer(accounts: &mut Accounts, kind: Kind, body: &[u8]) -> Answer {
    let (from, to, amount_text, amount, reference) = match transfer_request(body) {
        Ok(request) => request,
        Err(answer) => return answer,
    };
    let r = &accounts.subaccounts;
    let primary = r.primary.clone();
    let pair_ok = (from == primary && r.subs.contains_key(&to))
        || (to == primary && r.subs.contains_key(&from));
    if !pair_ok {
        return invalid_transfer(
            "Invalid Transfer",
            "Transfers are only allowed between a primary account and its subaccount",
        );
    }
    let (Some(from_limit), Some(to_limit)) = (r.credit_limit_of(&from), r.credit_limit_of(&to))
    else {
        return invalid_transfer(
            "Invalid Transfer",
            "Transfers are only allowed to and from a subaccount with its own balance",
        );
    };
    if kind == Kind::Credit && !r.postpaid {
        return invalid_transfer(
            "Invalid Transfer",
            "Credit can only be transferred by a postpaid account",
        );
    }
    let balance_of = |key: &str| accounts.by_key.get(key).map_or(0, |a| a.balance);
    let (from_balance, to_balance) = (balance_of(&from), balance_of(&to));
    let available = match kind {
        Kind::Balance => (from_balance - from_limit).abs(),
        Kind::Credit if from_balance < 0 => (from_limit.abs() - from_balance.abs()).max(0),
        Kind::Credit => from_limit.abs(),
    };
    if amount > available {
        let detail = match kind {
            Kind::Credit => "Insufficient Credit",
            Kind::Balance => "Insufficient Balance",
        };
        return invalid_transfer("Transfer amount is invalid", detail);
    }
    match kind {
        Kind::Balance => {
            if let Some(a) = accounts.by_key.get_mut(&from) {
                a.balance = from_balance - amount;
            }
            if let Some(a) = accounts.by_key.get_mut(&to) {
                a.balance = to_balance + amount;
            }
        }
        Kind::Credit => {
            let r = &mut accounts.subaccounts;
            r.set_credit_limit(&from, from_limit + amount);
            r.set_credit_limit(&to, to_limit - amount);
        }
    }
    let entry = LedgerEntry {
        kind,
        id: uuid::Uuid::new_v4().to_string(),
        amount_text,
        from,
        to,
        reference,
        created_at: now_ms(),
    };
    let answer = json_answer(StatusCode::OK, &transfer_json(&entry, Some(&primary)));
    accounts.subaccounts.ledger.push(entry);
    answer
}

/// `POST /accounts/{api_key}/transfer-number`, with the documented refusals: a number not
/// found (404 `#missing-number-transfer`), one the target owns already (409
/// `#transfer-conflict`), one the source does not own or an account suspended (403
/// `#invalid-number-transfer`).
pub(crate) fn transfer_number(accounts: &mut Accounts, body: &[u8]) -> Answer {
    let map = match object(body) {
        Ok(map) => map,
        Err(answer) => return answer,
    };
    let mut problems: Vec<(&str, &str)> = Vec::new();
    let mut text = |name: &'static str| match map.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        None | Some(Value::Null) => {
            problems.push((name, REQUIRED));
            None
        }
        Some(_) => {
            problems.push((name, "Must be a string"));
            None
        }
    };
    let (from, to, number, country) = (text("from"), text("to"), text("number"), text("country"));
    if let (Some(f), Some(t)) = (&from, &to)
        && f == t
    {
        problems.push(("from", SAME_ACCOUNTS));
    }
    let (Some(from), Some(to), Some(number), Some(country)) = (from, to, number, country) else {
        return invalid(&problems);
    };
    if !problems.is_empty() {
        return invalid(&problems);
    }
    let r = &accounts.subaccounts;
    let refused = |reason: &str| {
        format!("Could not transfer number {number} from account {from} to {to} - {reason}")
    };
    if !r.in_family(&from) || !r.in_family(&to) {
        return problem(
            StatusCode::FORBIDDEN,
            "invalid-number-transfer",
            "Invalid Number Transfer",
            &format!(
                "Failed to perform transfer number {number} from account {from} to {to} - The relationship between these two accounts does not allow for number transfer"
            ),
        );
    }
    let suspended = |key: &str| r.subs.get(key).is_some_and(|s| s.suspended);
    if suspended(&from) || suspended(&to) {
        return problem(
            StatusCode::FORBIDDEN,
            "invalid-number-transfer",
            "Invalid Number Transfer",
            "One of the accounts involved in the transfer is banned",
        );
    }
    let owner = match r.numbers.get(&number) {
        Some((c, owner)) if c.eq_ignore_ascii_case(&country) => owner.clone(),
        _ => {
            return problem(
                StatusCode::NOT_FOUND,
                "missing-number-transfer",
                "Invalid Number Transfer",
                &refused("ShortCode not found"),
            );
        }
    };
    if owner == to {
        return problem(
            StatusCode::CONFLICT,
            "transfer-conflict",
            "Transfer Conflict",
            &refused("ShortCode is already owned by requesting account"),
        );
    }
    if owner != from {
        return problem(
            StatusCode::FORBIDDEN,
            "invalid-number-transfer",
            "Invalid Number Transfer",
            &refused("ShortCode is not owned by from account"),
        );
    }
    let primary = r.primary.clone();
    if let Some(entry) = accounts.subaccounts.numbers.get_mut(&number) {
        entry.1 = to.clone();
    }
    answer(
        StatusCode::OK,
        JSON,
        json!({"from": from, "to": to, "number": number, "country": country.to_ascii_uppercase(), "masterAccountId": primary}),
    )
}

// ---------------------------------------------------------------------------------------------
// What tests see and change

/// The Subaccounts API's state as it is now, for tests (and `GET /_fake/subaccounts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubaccountsView {
    /// Whether the primary is provisioned for the API.
    pub provisioned: bool,
    /// The most sub-accounts it may have.
    pub max_subaccounts: usize,
    /// Whether the primary is postpaid.
    pub postpaid: bool,
    /// The primary's API key.
    pub primary: String,
    /// The primary's balance, eight decimals.
    pub primary_balance: String,
    /// The primary's credit limit, eight decimals.
    pub primary_credit_limit: String,
    /// Every sub-account.
    pub subaccounts: Vec<SubaccountView>,
    /// Every transfer, oldest first.
    pub transfers: Vec<TransferView>,
    /// Every number and its owner.
    pub numbers: Vec<SeedNumber>,
}

impl SubaccountsView {
    /// The sum of every balance that is not shared (the primary's and the own-balance
    /// sub-accounts'), which balance transfers never change, in units of 10⁻⁸ EUR.
    pub fn total_balance_units(&self) -> i128 {
        let subs = self.subaccounts.iter().filter_map(|s| s.balance.as_deref());
        std::iter::once(self.primary_balance.as_str())
            .chain(subs)
            .filter_map(parse_eur)
            .sum()
    }

    /// The sum of every credit limit, which credit transfers never change, in units of 10⁻⁸
    /// EUR.
    pub fn total_credit_limit_units(&self) -> i128 {
        let subs = self
            .subaccounts
            .iter()
            .filter_map(|s| s.credit_limit.as_deref());
        std::iter::once(self.primary_credit_limit.as_str())
            .chain(subs)
            .filter_map(parse_eur)
            .sum()
    }

    /// A sub-account by key.
    pub fn get(&self, api_key: &str) -> Option<&SubaccountView> {
        self.subaccounts.iter().find(|s| s.api_key == api_key)
    }
}

/// One sub-account in a [`SubaccountsView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubaccountView {
    /// Its API key.
    pub api_key: String,
    /// Its name.
    pub name: String,
    /// Its own balance, eight decimals; `None` when it shares the primary's.
    pub balance: Option<String>,
    /// Its credit limit, eight decimals; `None` when it shares the primary's balance.
    pub credit_limit: Option<String>,
    /// Whether it is suspended.
    pub suspended: bool,
    /// When it was created, RFC 3339 with milliseconds.
    pub created_at: String,
    /// How many secrets it has.
    pub secrets: usize,
}

/// One transfer in a [`SubaccountsView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransferView {
    /// `credit` or `balance`.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// The amount as the request wrote it.
    pub amount: String,
    /// The account it left.
    pub from: String,
    /// The account it went to.
    pub to: String,
    /// Its reference (`""` when none was given).
    pub reference: String,
    /// When it was made, RFC 3339 with milliseconds.
    pub created_at: String,
}

/// A change to the Subaccounts API's state at run time: every field that is `Some` is set.
/// Deserializes from JSON, as `PATCH /_fake/subaccounts` takes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubaccountsPatch {
    /// Whether the primary is provisioned for the API.
    pub provisioned: Option<bool>,
    /// The most sub-accounts.
    pub max_subaccounts: Option<usize>,
    /// Whether the primary is postpaid.
    pub postpaid: Option<bool>,
    /// The primary's name (`""` for none: `null`, as live answers have it).
    pub primary_name: Option<String>,
    /// The primary's credit limit in EUR (zero or negative).
    pub credit_limit: Option<String>,
    /// Numbers to register (or give to another owner).
    pub numbers: Option<Vec<SeedNumber>>,
}

/// A change to one sub-account at run time (`PATCH /_fake/subaccounts/{api_key}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubaccountPatch {
    /// Its name.
    pub name: Option<String>,
    /// Give it a balance of its own, set to this (EUR).
    pub own_balance: Option<String>,
    /// Its credit limit (EUR, zero or negative; it must have a balance of its own).
    pub credit_limit: Option<String>,
    /// Whether it is suspended.
    pub suspended: Option<bool>,
}

impl Accounts {
    /// The Subaccounts state as tests see it.
    pub(crate) fn subaccounts_view(&self) -> SubaccountsView {
        let r = &self.subaccounts;
        SubaccountsView {
            provisioned: r.provisioned,
            max_subaccounts: r.max_subaccounts,
            postpaid: r.postpaid,
            primary: r.primary.clone(),
            primary_balance: format_eur(self.by_key.get(&r.primary).map_or(0, |a| a.balance)),
            primary_credit_limit: format_eur(r.primary_credit_limit),
            subaccounts: r
                .subs
                .iter()
                .map(|(key, info)| {
                    let account = self.by_key.get(key);
                    SubaccountView {
                        api_key: key.clone(),
                        name: info.name.clone(),
                        balance: (!info.shared)
                            .then(|| format_eur(account.map_or(0, |a| a.balance))),
                        credit_limit: (!info.shared).then(|| format_eur(info.credit_limit)),
                        suspended: info.suspended,
                        created_at: format_ms(&info.created_at),
                        secrets: account.map_or(0, |a| a.secrets.len()),
                    }
                })
                .collect(),
            transfers: r
                .ledger
                .iter()
                .map(|t| TransferView {
                    kind: t.kind.name().to_owned(),
                    id: t.id.clone(),
                    amount: t.amount_text.clone(),
                    from: t.from.clone(),
                    to: t.to.clone(),
                    reference: t.reference.clone(),
                    created_at: format_ms(&t.created_at),
                })
                .collect(),
            numbers: r
                .numbers
                .iter()
                .map(|(number, (country, owner))| SeedNumber {
                    number: number.clone(),
                    country: country.clone(),
                    owner: Some(owner.clone()),
                })
                .collect(),
        }
    }

    /// Applies `patch` whole, or changes nothing and says why.
    pub(crate) fn patch_subaccounts(&mut self, patch: &SubaccountsPatch) -> Result<(), String> {
        let mut next = self.subaccounts.clone();
        if let Some(on) = patch.provisioned {
            next.provisioned = on;
        }
        if let Some(max) = patch.max_subaccounts {
            next.max_subaccounts = max;
        }
        if let Some(on) = patch.postpaid {
            next.postpaid = on;
        }
        if let Some(name) = &patch.primary_name {
            next.primary_name = Some(name.clone()).filter(|n| !n.is_empty());
        }
        if let Some(text) = &patch.credit_limit {
            next.primary_credit_limit = credit_limit("credit_limit", text)?;
        }
        for number in patch.numbers.iter().flatten() {
            next.add_number(number)?;
        }
        self.subaccounts = next;
        Ok(())
    }

    /// Applies `patch` to the sub-account `key` whole, or changes nothing and says why.
    pub(crate) fn patch_subaccount(
        &mut self,
        key: &str,
        patch: &SubaccountPatch,
    ) -> Result<(), String> {
        let mut info = self
            .subaccounts
            .subs
            .get(key)
            .cloned()
            .ok_or_else(|| format!("no sub-account {key:?}"))?;
        let mut balance = None;
        if let Some(name) = &patch.name {
            if name.trim().is_empty() || name.chars().count() > 80 {
                return Err("a name is 1 to 80 characters".into());
            }
            info.name = name.clone();
        }
        if let Some(text) = &patch.own_balance {
            balance = Some(money("own_balance", text)?);
            info.shared = false;
        }
        if let Some(text) = &patch.credit_limit {
            if info.shared {
                return Err("a credit limit needs a balance of its own".into());
            }
            info.credit_limit = credit_limit("credit_limit", text)?;
        }
        if let Some(on) = patch.suspended {
            info.suspended = on;
        }
        let current = self.by_key.get(key).map_or(0, |a| a.balance);
        if !info.shared && balance.unwrap_or(current) < info.credit_limit {
            return Err("the balance would be below the credit limit".into());
        }
        if let (Some(balance), Some(account)) = (balance, self.by_key.get_mut(key)) {
            account.balance = balance;
        }
        self.subaccounts.subs.insert(key.to_owned(), info);
        Ok(())
    }
}

impl FakeVonage {
    /// The Subaccounts API's state as it is now: the primary's balance and credit, each
    /// sub-account, every transfer, every number.
    pub fn subaccounts(&self) -> SubaccountsView {
        self.shared.lock().accounts.subaccounts_view()
    }

    /// Changes the Subaccounts API's state at run time (see [`SubaccountsPatch`]): all of it,
    /// or nothing when a part is invalid.
    ///
    /// ```
    /// use vonage_account::ErrorKind;
    /// use vonage_account_fake::{FakeVonage, SubaccountsPatch};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fake = FakeVonage::start().await;
    /// fake.update_subaccounts(&SubaccountsPatch { provisioned: Some(false), ..Default::default() })
    ///     .unwrap();
    /// let err = fake.client().subaccounts().list().await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Unprovisioned);
    /// # }
    /// ```
    pub fn update_subaccounts(
        &self,
        patch: &SubaccountsPatch,
    ) -> Result<SubaccountsView, FakeError> {
        let mut inner = self.shared.lock();
        inner
            .accounts
            .patch_subaccounts(patch)
            .map_err(FakeError::State)?;
        Ok(inner.accounts.subaccounts_view())
    }

    /// Changes one sub-account at run time (see [`SubaccountPatch`]).
    pub fn update_subaccount(
        &self,
        api_key: &str,
        patch: &SubaccountPatch,
    ) -> Result<SubaccountsView, FakeError> {
        let mut inner = self.shared.lock();
        inner
            .accounts
            .patch_subaccount(api_key, patch)
            .map_err(FakeError::State)?;
        Ok(inner.accounts.subaccounts_view())
    }

    /// Who owns `number` now, if the fake knows it.
    pub fn number_owner(&self, number: &str) -> Option<String> {
        let inner = self.shared.lock();
        inner
            .accounts
            .subaccounts
            .numbers
            .get(number)
            .map(|(_, owner)| owner.clone())
    }
}

/// `/_fake/subaccounts`: `GET` the state, `PATCH` it with a [`SubaccountsPatch`];
/// `/_fake/subaccounts/{api_key}`: `PATCH` a sub-account with a [`SubaccountPatch`].
pub(crate) fn control(
    shared: &Shared,
    method: &str,
    rest: &str,
    body: &[u8],
) -> (StatusCode, Value) {
    let mut inner = shared.lock();
    let accounts = &mut inner.accounts;
    let key = rest.trim_matches('/');
    let changed = match (method, key) {
        ("GET", "") => Ok(()),
        ("PATCH", "") => serde_json::from_slice::<SubaccountsPatch>(body)
            .map_err(|e| e.to_string())
            .and_then(|patch| accounts.patch_subaccounts(&patch)),
        ("PATCH", key) if !key.contains('/') => serde_json::from_slice::<SubaccountPatch>(body)
            .map_err(|e| e.to_string())
            .and_then(|patch| accounts.patch_subaccount(key, &patch)),
        _ => {
            return (
                StatusCode::NOT_FOUND,
                json!({"error": "unknown control path (GET or PATCH /_fake/subaccounts, PATCH /_fake/subaccounts/{api_key})"}),
            );
        }
    };
    match changed {
        Ok(()) => (
            StatusCode::OK,
            serde_json::to_value(accounts.subaccounts_view()).unwrap_or_default(),
        ),
        Err(e) => (StatusCode::BAD_REQUEST, json!({"error": e})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SubAccountSeed;
    use proptest::prelude::*;

    const PRIMARY: &str = "prim0001";
    const KEYS: [&str; 5] = [PRIMARY, "own00001", "own00002", "shared01", "other001"];

    fn seed(balance: i64, credit: i64, own: [i64; 2], own_credit: [i64; 2]) -> Seed {
        let sub = |key: &str| SubAccountSeed {
            api_key: key.into(),
            secrets: vec!["Subsecret123".into()],
        };
        let mut accounts = BTreeMap::new();
        for i in 0..2 {
            accounts.insert(
                KEYS[i + 1].to_owned(),
                SeedSubaccount {
                    own_balance: Some(format_eur(i128::from(own[i]))),
                    credit_limit: Some(format_eur(-i128::from(own_credit[i]))),
                    ..SeedSubaccount::default()
                },
            );
        }
        Seed {
            api_key: PRIMARY.into(),
            balance: format_eur(i128::from(balance)),
            sub_accounts: vec![sub(KEYS[1]), sub(KEYS[2]), sub(KEYS[3])],
            subaccounts: SeedSubaccounts {
                credit_limit: format_eur(-i128::from(credit)),
                accounts,
                ..SeedSubaccounts::default()
            },
            ..Seed::default()
        }
    }

    /// The documented rules, written again apart from the fake's: what the source can give.
    fn available(kind: Kind, balance: i128, limit: i128) -> i128 {
        match kind {
            Kind::Balance => (balance - limit).abs(),
            Kind::Credit if balance < 0 => limit.abs() - balance.abs(),
            Kind::Credit => limit.abs(),
        }
    }

    fn view_of(accounts: &Accounts) -> SubaccountsView {
        accounts.subaccounts_view()
    }

    fn money_of(view: &SubaccountsView, key: &str) -> Option<(i128, i128)> {
        if key == view.primary {
            return Some((
                parse_eur(&view.primary_balance)?,
                parse_eur(&view.primary_credit_limit)?,
            ));
        }
        let sub = view.get(key)?;
        Some((
            parse_eur(sub.balance.as_deref()?)?,
            parse_eur(sub.credit_limit.as_deref()?)?,
        ))
    }

    /// How much to move: a fixed amount, or what the source can give (by the rules) plus a
    /// small difference, so that the edges are crossed often.
    #[derive(Debug, Clone, Copy)]
    enum Size {
        Fixed(i64),
        Edge(i64),
    }

    fn transfer_op() -> impl Strategy<Value = (bool, usize, usize, Size)> {
        (
            any::<bool>(),
            0..KEYS.len(),
            0..KEYS.len(),
            // Up to 300 EUR in units of 10⁻⁸, often small, sometimes zero; or at the edge.
            prop_oneof![
                (0..1_000i64).prop_map(Size::Fixed),
                (0..30_000_000_000i64).prop_map(Size::Fixed),
                (-2..=2i64).prop_map(Size::Edge),
            ],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Random transfers between the primary, its sub-accounts (two with balances of their
        /// own, one sharing the primary's) and a stranger: money is conserved, every account
        /// keeps `balance >= credit_limit`, and each transfer is made exactly when the
        /// documented rules allow it.
        #[test]
        fn random_transfers_conserve_money_and_follow_the_rules(
            balance in -5_000_000_000i64..20_000_000_000,
            credit in 0i64..20_000_000_000,
            own in [0i64..5_000_000_000, 0i64..5_000_000_000],
            own_credit in [0i64..1_000_000_000, 0i64..1_000_000_000],
            ops in proptest::collection::vec(transfer_op(), 1..40),
        ) {
            // A seeded balance below its credit limit is refused; such a seed is no case.
            let Ok(mut accounts) = Accounts::from_seed(&seed(balance, credit.max(i64::from(balance < 0) * -balance), own, own_credit)) else {
                return Err(TestCaseError::reject("unusable seed"));
            };
            let start = view_of(&accounts);
            let (total_balance, total_credit) =
                (start.total_balance_units(), start.total_credit_limit_units());
            let mut made = 0;
            for (credit_kind, from, to, size) in ops {
                let kind = if credit_kind { Kind::Credit } else { Kind::Balance };
                let (from, to) = (KEYS[from], KEYS[to]);
                let before = view_of(&accounts);
                let amount = match (size, money_of(&before, from)) {
                    (Size::Fixed(n), _) => n,
                    (Size::Edge(d), Some((b, l))) => {
                        i64::try_from(available(kind, b, l)).unwrap_or(0) + d
                    }
                    (Size::Edge(d), None) => 100 + d,
                };
                let body = format!(
                    r#"{{"from":"{from}","to":"{to}","amount":{},"reference":"r"}}"#,
                    format_eur(i128::from(amount))
                );
                let answer = transfer(&mut accounts, kind, body.as_bytes());
                let pair = (from == PRIMARY) != (to == PRIMARY)
                    && [from, to].iter().all(|k| *k == PRIMARY || k.starts_with("own") || k.starts_with("shared"));
                let expected = if from == to || amount <= 0 {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    match (pair, money_of(&before, from), money_of(&before, to)) {
                        (true, Some((b, l)), Some(_)) if i128::from(amount) <= available(kind, b, l) => StatusCode::OK,
                        _ => StatusCode::FORBIDDEN,
                    }
                };
                prop_assert_eq!(answer.status, expected, "{} {:?} {}", body, kind, answer.body);
                let after = view_of(&accounts);
                prop_assert_eq!(after.total_balance_units(), total_balance);
                prop_assert_eq!(after.total_credit_limit_units(), total_credit);
                for key in KEYS {
                    if let Some((b, l)) = money_of(&after, key) {
                        prop_assert!(b >= l, "{} has {} below its limit {}", key, b, l);
                        prop_assert!(l <= 0, "{} has a positive credit limit {}", key, l);
                    }
                }
                if answer.status == StatusCode::OK {
                    made += 1;
                    let (fb, fl) = money_of(&before, from).unwrap_or_default();
                    let (fb2, fl2) = money_of(&after, from).unwrap_or_default();
                    let moved = i128::from(amount);
                    match kind {
                        Kind::Balance => prop_assert_eq!((fb2, fl2), (fb - moved, fl)),
                        Kind::Credit => prop_assert_eq!((fb2, fl2), (fb, fl + moved)),
                    }
                } else {
                    prop_assert_eq!(&after, &before, "a refused transfer changes nothing");
                }
                prop_assert_eq!(after.transfers.len(), made);
            }
        }
    }

    #[test]
    fn a_string_amount_is_refused_with_the_live_reason() {
        let mut accounts = Accounts::from_seed(&seed(1_000_000_000, 0, [0, 0], [0, 0])).unwrap();
        let body = format!(r#"{{"from":"{PRIMARY}","to":"own00001","amount":"1.00"}}"#);
        let answer = transfer(&mut accounts, Kind::Balance, body.as_bytes());
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.body.contains(POSITIVE_NUMBER), "{}", answer.body);
    }

    #[test]
    fn the_transfer_echoes_the_amount_as_written() {
        let mut accounts = Accounts::from_seed(&seed(1_000_000_000, 0, [0, 0], [0, 0])).unwrap();
        let body = format!(r#"{{"from":"{PRIMARY}","to":"own00001","amount":0.50}}"#);
        let answer = transfer(&mut accounts, Kind::Balance, body.as_bytes());
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(answer.body.contains(r#""amount":0.50"#), "{}", answer.body);
        assert!(answer.body.contains(r#""reference":"""#), "{}", answer.body);
    }
}
