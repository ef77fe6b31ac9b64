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

/// The fake's starting state. Deserializes from JSON, so a seed can come from a file.
///
/// ```
/// let seed: vonage_account::testing::Seed = serde_json::from_str(r#"{
///     "api_key": "abcd1234",
///     "secrets": ["Abcdef123456"],
///     "balance": "10.28000000",
///     "auto_reload": true,
///     "sub_accounts": [{"api_key": "sub12345", "secrets": ["Subsecret123"]}]
/// }"#).unwrap();
/// assert_eq!(seed.sub_accounts.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    /// The primary account's API key.
    pub api_key: String,
    /// The primary key's secrets (at least one, at most two).
    pub secrets: Vec<String>,
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
            pricing: SeedPricing::default(),
        }
    }
}

/// The fake's starting settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedSettings {
    /// The inbound-SMS webhook URL (empty when unset).
    pub mo_callback_url: String,
    /// The delivery-receipt webhook URL (empty when unset).
    pub dr_callback_url: String,
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
            mo_callback_url: String::new(),
            dr_callback_url: String::new(),
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
    /// Its secrets.
    pub secrets: Vec<String>,
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

/// All accounts, by API key.
#[derive(Debug, Clone)]
pub(crate) struct Accounts {
    pub(crate) by_key: BTreeMap<String, AccountState>,
    pub(crate) prices: PriceTable,
}

fn new_secret(value: &str) -> StoredSecret {
    StoredSecret {
        id: uuid::Uuid::new_v4().to_string(),
        value: value.to_owned(),
        created_at: Utc::now().trunc_subsecs(0),
    }
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
        if seed.secrets.is_empty() || seed.secrets.len() > SECRETS_PER_KEY {
            return Err("the primary key needs one or two secrets".into());
        }
        by_key.insert(
            seed.api_key.clone(),
            AccountState {
                owner: None,
                secrets: seed.secrets.iter().map(|s| new_secret(s)).collect(),
                balance: money("balance", &seed.balance)?,
                auto_reload: seed.auto_reload,
                top_up_amount: money("top_up_amount", &seed.top_up_amount)?,
                mo_callback_url: seed.settings.mo_callback_url.clone(),
                dr_callback_url: seed.settings.dr_callback_url.clone(),
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
            if sub.secrets.is_empty() || sub.secrets.len() > SECRETS_PER_KEY {
                return Err(format!(
                    "sub-account {} needs one or two secrets",
                    sub.api_key
                ));
            }
            by_key.insert(
                sub.api_key.clone(),
                AccountState {
                    owner: Some(seed.api_key.clone()),
                    secrets: sub.secrets.iter().map(|s| new_secret(s)).collect(),
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
        Ok(Accounts {
            by_key,
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
