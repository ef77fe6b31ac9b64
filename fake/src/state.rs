//! The fake's accounts and the documented rules they follow.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use super::pricing::{PriceTable, SeedPricing};

/// Money in the fake: a count of 10⁻⁸ EUR (the eighth decimal the API reports), so top-ups add
/// exactly.
pub(crate) type TenNanoEur = i128;
/// How many [`TenNanoEur`] make one euro.
const PER_EUR: TenNanoEur = 100_000_000;

/// The most secrets a key may have. Written here independently of the client's
/// `MAX_SECRETS_PER_KEY`, so the fake checks the client rather than agreeing with it.
pub(crate) const SECRETS_PER_KEY: usize = 2;

/// Parses a decimal text into units of 10⁻⁸ EUR.
pub(crate) fn parse_eur(text: &str) -> Option<TenNanoEur> {
    let text = text.trim();
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || frac.len() > 8
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let value = whole.parse::<TenNanoEur>().ok()? * PER_EUR
        + format!("{frac:0<8}").parse::<TenNanoEur>().ok()?;
    Some(if neg { -value } else { value })
}

/// Formats units of 10⁻⁸ EUR with eight decimals, as the API does.
pub(crate) fn format_eur(value: TenNanoEur) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.abs();
    format!("{sign}{}.{:08}", abs / PER_EUR, abs % PER_EUR)
}

/// The fake's starting state and behaviour. Deserializes from JSON, so a seed can come from a
/// file.
///
/// ```
/// let seed: vonage_account_fake::Seed = serde_json::from_str(r#"{
///     "api_key": "abcd1234",
///     "secrets": [{"secret": "Abcdef123456", "created_at": "2025-01-31T09:00:00Z"}],
///     "balance": "10.28000000",
///     "auto_reload": true,
///     "sub_accounts": [{"api_key": "sub12345", "secrets": ["Subsecret123"]}],
///     "lenient": false,
///     "account_401": "problem",
///     "top_up_refusal": "legacy"
/// }"#).unwrap();
/// assert_eq!(seed.sub_accounts.len(), 1);
/// assert_eq!(seed.secrets[0].created_at.as_deref(), Some("2025-01-31T09:00:00Z"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    /// The primary account's API key.
    pub api_key: String,
    /// The primary key's secrets (at least one, at most two), oldest first.
    pub secrets: Vec<SeedSecret>,
    /// The starting balance in EUR, as decimal text (up to 8 decimals).
    pub balance: String,
    /// Whether auto-reload is on (top-ups need it).
    pub auto_reload: bool,
    /// What one top-up adds, in EUR, as decimal text.
    pub top_up_amount: String,
    /// The starting settings.
    pub settings: SeedSettings,
    /// Sub-accounts owned by the primary account.
    pub sub_accounts: Vec<SubAccountSeed>,
    /// The price table and how pricing lookups are answered.
    pub pricing: SeedPricing,
    /// Accept what the published API does not define instead of refusing it: unknown form or
    /// JSON fields, and a body whose `Content-Type` is not the one the operation takes (it is
    /// read as what it says it is). Each is recorded as a warning in the request log. Off by
    /// default: the fake holds clients to the contract. (A wrong method still gets 405: there is
    /// no operation to run it as.)
    pub lenient: bool,
    /// The shape of a 401 on `/account/*` (default [`ErrorShape::Problem`], the developer
    /// portal's).
    pub account_401: ErrorShape,
    /// The shape of a top-up refused because auto-reload is off (default
    /// [`ErrorShape::Legacy`], the one body Vonage documents for it).
    pub top_up_refusal: ErrorShape,
    /// Check webhook URLs as Vonage does before saving them: a settings change whose
    /// `moCallBackUrl` or `drCallBackUrl` does not answer a `GET` with 200 OK (within 5 s, no
    /// redirects, no proxy) is refused with a 400 naming the field. Off by default: URLs are then
    /// only checked for form. The request Vonage sends and the error it answers are not
    /// documented; these are the fake's own choices.
    pub check_webhooks: bool,
    /// The Subaccounts API: provisioning, limits, the primary's credit, the sub-accounts'
    /// details, the numbers each account owns.
    pub subaccounts: super::subaccounts::SeedSubaccounts,
    /// How many requests the request log keeps: the newest ones, the older let go and counted
    /// (default [`DEFAULT_REQUEST_LOG_LIMIT`](crate::DEFAULT_REQUEST_LOG_LIMIT), 10,000; see
    /// [`FakeBuilder::request_log_limit`](crate::FakeBuilder::request_log_limit), which wins
    /// over this).
    pub request_log_limit: usize,
}

/// Which of the documented shapes an Account API error takes, where Vonage's sources disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorShape {
    /// RFC 7807 `application/problem+json`, as the developer portal's description documents it.
    #[default]
    Problem,
    /// The legacy `{"error-code": "401", "error-code-label": "…"}` of the GitHub-hosted
    /// description (`authentication failed`, `not auto-reload enabled`).
    Legacy,
}

/// A secret in a [`Seed`]: its value and, optionally, when it was created.
///
/// In JSON, a plain string (`"Abcdef123456"`, created when the fake starts) or an object
/// (`{"secret": "Abcdef123456", "created_at": "2025-01-31T09:00:00Z"}`). A `&str` or `String`
/// converts into one:
///
/// ```
/// use vonage_account_fake::{Seed, SeedSecret};
/// let seed = Seed {
///     secrets: vec![
///         SeedSecret::new("Abcdef123456").created_at("2024-01-01T00:00:00Z"),
///         "Second-Secret-1".into(),
///     ],
///     ..Seed::default()
/// };
/// # assert_eq!(seed.secrets.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SeedSecretJson", into = "SeedSecretJson")]
pub struct SeedSecret {
    /// The secret's value.
    pub secret: String,
    /// When it was created, RFC 3339 (`2025-01-31T09:00:00Z`); `None` for when the fake starts
    /// (or when it is added at run time).
    pub created_at: Option<String>,
}

impl SeedSecret {
    /// A secret created when the fake starts.
    pub fn new(secret: impl Into<String>) -> SeedSecret {
        SeedSecret {
            secret: secret.into(),
            created_at: None,
        }
    }

    /// The same secret, created at `created_at` (RFC 3339).
    pub fn created_at(mut self, created_at: impl Into<String>) -> SeedSecret {
        self.created_at = Some(created_at.into());
        self
    }
}

impl From<&str> for SeedSecret {
    fn from(secret: &str) -> SeedSecret {
        SeedSecret::new(secret)
    }
}

impl From<String> for SeedSecret {
    fn from(secret: String) -> SeedSecret {
        SeedSecret::new(secret)
    }
}

/// How a [`SeedSecret`] is written in JSON: a plain string when it has no creation time.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SeedSecretJson {
    Plain(String),
    Full {
        secret: String,
        #[serde(default)]
        created_at: Option<String>,
    },
}

impl From<SeedSecretJson> for SeedSecret {
    fn from(json: SeedSecretJson) -> SeedSecret {
        match json {
            SeedSecretJson::Plain(secret) => SeedSecret::new(secret),
            SeedSecretJson::Full { secret, created_at } => SeedSecret { secret, created_at },
        }
    }
}

impl From<SeedSecret> for SeedSecretJson {
    fn from(seed: SeedSecret) -> SeedSecretJson {
        match seed.created_at {
            None => SeedSecretJson::Plain(seed.secret),
            Some(created_at) => SeedSecretJson::Full {
                secret: seed.secret,
                created_at: Some(created_at),
            },
        }
    }
}

impl Default for Seed {
    /// Key `abcd1234`, secret `Abcdef123456`, balance 10.28000000 EUR, auto-reload on, top-up
    /// 20.00000000 EUR, one sub-account `sub12345` with secret `Subsecret123`.
    fn default() -> Self {
        Seed {
            api_key: "abcd1234".into(),
            secrets: vec!["Abcdef123456".into()],
            balance: "10.28000000".into(),
            auto_reload: true,
            top_up_amount: "20.00000000".into(),
            settings: SeedSettings::default(),
            sub_accounts: vec![SubAccountSeed {
                api_key: "sub12345".into(),
                secrets: vec!["Subsecret123".into()],
            }],
            lenient: false,
            account_401: ErrorShape::Problem,
            top_up_refusal: ErrorShape::Legacy,
            check_webhooks: false,
            pricing: SeedPricing::default(),
            subaccounts: super::subaccounts::SeedSubaccounts::default(),
            request_log_limit: crate::DEFAULT_REQUEST_LOG_LIMIT,
        }
    }
}

/// The fake's settings: how a seed starts them, and how [`AccountView`] shows them.
///
/// The same shape as the client's [`Settings`](vonage_account::Settings): an unset webhook URL
/// is `None` (`null` in JSON, which also reads a missing field or `""` as unset).
///
/// ```
/// let settings: vonage_account_fake::SeedSettings =
///     serde_json::from_str(r#"{"mo_callback_url": "https://example.com/in", "dr_callback_url": ""}"#)
///         .unwrap();
/// assert_eq!(settings.mo_callback_url.as_deref(), Some("https://example.com/in"));
/// assert_eq!(settings.dr_callback_url, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedSettings {
    /// The inbound-SMS webhook URL; `None` when unset.
    #[serde(deserialize_with = "empty_is_none")]
    pub mo_callback_url: Option<String>,
    /// The delivery-receipt webhook URL; `None` when unset.
    #[serde(deserialize_with = "empty_is_none")]
    pub dr_callback_url: Option<String>,
    /// `max-outbound-request`.
    pub max_outbound_request: i64,
    /// `max-inbound-request`.
    pub max_inbound_request: i64,
    /// `max-calls-per-second`.
    pub max_calls_per_second: i64,
}

impl From<&SeedSettings> for RateLimits {
    fn from(settings: &SeedSettings) -> Self {
        RateLimits {
            max_outbound_request: settings.max_outbound_request,
            max_inbound_request: settings.max_inbound_request,
            max_calls_per_second: settings.max_calls_per_second,
        }
    }
}

impl Default for SeedSettings {
    fn default() -> Self {
        SeedSettings {
            mo_callback_url: None,
            dr_callback_url: None,
            max_outbound_request: 30,
            max_inbound_request: 30,
            max_calls_per_second: 30,
        }
    }
}

/// A sub-account in a [`Seed`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubAccountSeed {
    /// Its API key.
    pub api_key: String,
    /// Its secrets (one or two), oldest first.
    pub secrets: Vec<SeedSecret>,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredSecret {
    pub(crate) id: String,
    pub(crate) value: String,
    pub(crate) created_at: DateTime<Utc>,
}

/// The three rate limits the settings answer reports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimits {
    pub(crate) max_outbound_request: i64,
    pub(crate) max_inbound_request: i64,
    pub(crate) max_calls_per_second: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct AccountState {
    pub(crate) owner: Option<String>,
    pub(crate) secrets: Vec<StoredSecret>,
    pub(crate) balance: TenNanoEur,
    pub(crate) auto_reload: bool,
    pub(crate) top_up_amount: TenNanoEur,
    pub(crate) mo_callback_url: String,
    pub(crate) dr_callback_url: String,
    pub(crate) http_forward_method: Option<String>,
    pub(crate) rate_limits: RateLimits,
    /// Every `trx` a successful top-up received, in order (a repeat shows twice).
    pub(crate) top_ups: Vec<String>,
}

/// How the fake answers, from the seed; changeable at run time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Behaviour {
    pub(crate) lenient: bool,
    pub(crate) account_401: ErrorShape,
    pub(crate) top_up_refusal: ErrorShape,
    pub(crate) check_webhooks: bool,
}

/// All accounts, by API key, and how the fake answers.
#[derive(Debug, Clone)]
pub(crate) struct Accounts {
    pub(crate) by_key: BTreeMap<String, AccountState>,
    pub(crate) behaviour: Behaviour,
    pub(crate) prices: PriceTable,
    /// The Subaccounts API's state (`subaccounts.rs`).
    pub(crate) subaccounts: super::subaccounts::Registry,
}

fn new_secret(value: &str) -> StoredSecret {
    StoredSecret {
        id: uuid::Uuid::new_v4().to_string(),
        value: value.to_owned(),
        created_at: Utc::now().trunc_subsecs(0),
    }
}

/// An RFC 3339 time, to the second as the API reports it, or why not.
pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(0))
        .map_err(|e| format!("created_at {text:?} is not an RFC 3339 time: {e}"))
}

/// The stored form of seeded secrets, or why they are unusable.
fn seeded_secrets(whose: &str, secrets: &[SeedSecret]) -> Result<Vec<StoredSecret>, String> {
    if secrets.is_empty() || secrets.len() > SECRETS_PER_KEY {
        return Err(format!("{whose} needs one or two secrets"));
    }
    secrets
        .iter()
        .map(|s| {
            let mut stored = new_secret(&s.secret);
            if let Some(at) = &s.created_at {
                stored.created_at = parse_time(at)?;
            }
            Ok(stored)
        })
        .collect()
}

impl Accounts {
    /// The state a seed describes, or why the seed is unusable.
    pub(crate) fn from_seed(seed: &Seed) -> Result<Accounts, String> {
        let money = |what: &str, text: &str| {
            parse_eur(text).ok_or_else(|| {
                format!("seed {what} {text:?} is not a decimal with at most 8 decimals")
            })
        };
        let mut by_key = BTreeMap::new();
        let key_ok = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric());
        if !key_ok(&seed.api_key) {
            return Err(format!(
                "seed api_key {:?} must be ASCII letters and digits",
                seed.api_key
            ));
        }
        by_key.insert(
            seed.api_key.clone(),
            AccountState {
                owner: None,
                secrets: seeded_secrets("the primary key", &seed.secrets)?,
                balance: money("balance", &seed.balance)?,
                auto_reload: seed.auto_reload,
                top_up_amount: money("top_up_amount", &seed.top_up_amount)?,
                mo_callback_url: seed.settings.mo_callback_url.clone().unwrap_or_default(),
                dr_callback_url: seed.settings.dr_callback_url.clone().unwrap_or_default(),
                http_forward_method: None,
                rate_limits: RateLimits::from(&seed.settings),
                top_ups: Vec::new(),
            },
        );
        for sub in &seed.sub_accounts {
            if !key_ok(&sub.api_key) || by_key.contains_key(&sub.api_key) {
                return Err(format!(
                    "sub-account key {:?} is invalid or repeated",
                    sub.api_key
                ));
            }
            by_key.insert(
                sub.api_key.clone(),
                AccountState {
                    owner: Some(seed.api_key.clone()),
                    secrets: seeded_secrets(&format!("sub-account {}", sub.api_key), &sub.secrets)?,
                    balance: 0,
                    auto_reload: false,
                    top_up_amount: 0,
                    mo_callback_url: String::new(),
                    dr_callback_url: String::new(),
                    http_forward_method: None,
                    rate_limits: RateLimits::from(&SeedSettings::default()),
                    top_ups: Vec::new(),
                },
            );
        }
        let subaccounts = super::subaccounts::Registry::from_seed(seed, &mut by_key)?;
        Ok(Accounts {
            by_key,
            subaccounts,
            behaviour: Behaviour {
                lenient: seed.lenient,
                account_401: seed.account_401,
                top_up_refusal: seed.top_up_refusal,
                check_webhooks: seed.check_webhooks,
            },
            prices: PriceTable::new(&seed.pricing),
        })
    }

    /// Whether `key:secret` are valid credentials (any active secret of the key works).
    pub(crate) fn authenticate(&self, key: &str, secret: &str) -> bool {
        self.by_key
            .get(key)
            .is_some_and(|a| a.secrets.iter().any(|s| s.value == secret))
    }

    /// Whether `caller` may manage the secrets of `target`: its own, or a sub-account it owns.
    pub(crate) fn may_manage(&self, caller: &str, target: &str) -> bool {
        caller == target
            || self
                .by_key
                .get(target)
                .is_some_and(|a| a.owner.as_deref() == Some(caller))
    }
}

/// The documented complexity rule, written independently of the client's check.
pub(crate) fn secret_is_complex(secret: &str) -> bool {
    let len = secret.chars().count();
    (8..=25).contains(&len)
        && secret.chars().any(|c| c.is_ascii_lowercase())
        && secret.chars().any(|c| c.is_ascii_uppercase())
        && secret.chars().any(|c| c.is_ascii_digit())
}

pub(crate) fn add_secret(account: &mut AccountState, value: &str) -> StoredSecret {
    let secret = new_secret(value);
    account.secrets.push(secret.clone());
    secret
}

/// A change to one account at run time: every field that is `Some` is set, the rest are left as
/// they are. Deserializes from JSON, as the control path's `PATCH /_fake/accounts/{api_key}`
/// takes it.
///
/// ```
/// use vonage_account_fake::{AccountPatch, SeedSecret};
/// let patch: AccountPatch = serde_json::from_str(r#"{"balance": "0.50", "auto_reload": false}"#).unwrap();
/// assert_eq!(patch.balance.as_deref(), Some("0.50"));
/// let patch = AccountPatch {
///     secrets: Some(vec![SeedSecret::new("Abcdef123456").created_at("2024-01-01T00:00:00Z")]),
///     ..AccountPatch::default()
/// };
/// # assert!(patch.balance.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountPatch {
    /// The balance in EUR, as decimal text (up to 8 decimals).
    pub balance: Option<String>,
    /// Whether auto-reload is on.
    pub auto_reload: Option<bool>,
    /// What one top-up adds, in EUR, as decimal text.
    pub top_up_amount: Option<String>,
    /// The inbound-SMS webhook URL (empty unsets it).
    pub mo_callback_url: Option<String>,
    /// The delivery-receipt webhook URL (empty unsets it).
    pub dr_callback_url: Option<String>,
    /// `max-outbound-request`.
    pub max_outbound_request: Option<i64>,
    /// `max-inbound-request`.
    pub max_inbound_request: Option<i64>,
    /// `max-calls-per-second`.
    pub max_calls_per_second: Option<i64>,
    /// Replaces every secret of the key (one or two, oldest first; they get new ids).
    pub secrets: Option<Vec<SeedSecret>>,
}

/// One account of the fake as it is now, for tests to inspect (and the control path's
/// `GET /_fake/accounts/{api_key}`). It is a fake: secrets are shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountView {
    /// The API key.
    pub api_key: String,
    /// The primary account that owns it, for a sub-account.
    pub owner: Option<String>,
    /// The balance in EUR, with eight decimals.
    pub balance: String,
    /// Whether auto-reload is on.
    pub auto_reload: bool,
    /// What one top-up adds, in EUR, with eight decimals.
    pub top_up_amount: String,
    /// The webhook URLs and rate limits.
    pub settings: SeedSettings,
    /// The `httpForwardMethod` last set, if any.
    pub http_forward_method: Option<String>,
    /// Its secrets, oldest first.
    pub secrets: Vec<SecretView>,
    /// Every `trx` of a successful top-up, in order.
    pub top_ups: Vec<String>,
}

/// One secret in an [`AccountView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SecretView {
    /// Its id, a UUID.
    pub id: String,
    /// Its value.
    pub secret: String,
    /// When it was created, RFC 3339 UTC to the second, as the API reports it.
    pub created_at: String,
}

/// An unset URL reads as `None` whether it is written `null`, left out, or `""`.
fn empty_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// `created_at` as the API writes it.
pub(crate) fn format_time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl AccountState {
    /// This account as a test sees it.
    pub(crate) fn view(&self, api_key: &str) -> AccountView {
        AccountView {
            api_key: api_key.to_owned(),
            owner: self.owner.clone(),
            balance: format_eur(self.balance),
            auto_reload: self.auto_reload,
            top_up_amount: format_eur(self.top_up_amount),
            settings: SeedSettings {
                mo_callback_url: Some(self.mo_callback_url.clone()).filter(|u| !u.is_empty()),
                dr_callback_url: Some(self.dr_callback_url.clone()).filter(|u| !u.is_empty()),
                max_outbound_request: self.rate_limits.max_outbound_request,
                max_inbound_request: self.rate_limits.max_inbound_request,
                max_calls_per_second: self.rate_limits.max_calls_per_second,
            },
            http_forward_method: self.http_forward_method.clone(),
            secrets: self
                .secrets
                .iter()
                .map(|s| SecretView {
                    id: s.id.clone(),
                    secret: s.value.clone(),
                    created_at: format_time(&s.created_at),
                })
                .collect(),
            top_ups: self.top_ups.clone(),
        }
    }

    /// Sets when the secret `id` was created (RFC 3339), or says why not.
    pub(crate) fn set_secret_created_at(
        &mut self,
        id: &str,
        created_at: &str,
    ) -> Result<(), String> {
        let at = parse_time(created_at)?;
        let secret = self.secrets.iter_mut().find(|s| s.id == id);
        secret
            .ok_or_else(|| format!("no secret {id:?} on this key"))?
            .created_at = at;
        Ok(())
    }

    /// Applies `patch` whole, or changes nothing and says what is wrong with it.
    pub(crate) fn apply(&mut self, patch: &AccountPatch) -> Result<(), String> {
        let money = |what: &str, text: &Option<String>| {
            text.as_deref()
                .map(|t| {
                    parse_eur(t).ok_or_else(|| {
                        format!("{what} {t:?} is not a decimal with at most 8 decimals")
                    })
                })
                .transpose()
        };
        let balance = money("balance", &patch.balance)?;
        let top_up_amount = money("top_up_amount", &patch.top_up_amount)?;
        let secrets = patch
            .secrets
            .as_deref()
            .map(|s| seeded_secrets("the key", s))
            .transpose()?;
        if let Some(balance) = balance {
            self.balance = balance;
        }
        if let Some(amount) = top_up_amount {
            self.top_up_amount = amount;
        }
        if let Some(on) = patch.auto_reload {
            self.auto_reload = on;
        }
        if let Some(url) = &patch.mo_callback_url {
            self.mo_callback_url = url.clone();
        }
        if let Some(url) = &patch.dr_callback_url {
            self.dr_callback_url = url.clone();
        }
        if let Some(n) = patch.max_outbound_request {
            self.rate_limits.max_outbound_request = n;
        }
        if let Some(n) = patch.max_inbound_request {
            self.rate_limits.max_inbound_request = n;
        }
        if let Some(n) = patch.max_calls_per_second {
            self.rate_limits.max_calls_per_second = n;
        }
        if let Some(secrets) = secrets {
            self.secrets = secrets;
        }
        Ok(())
    }
}
