//! The documented rules, checked before anything is sent.

use std::fmt;

/// An argument that broke one or more documented rules. Nothing was sent.
///
/// `Display` names the field and every rule it broke; it never repeats a secret.
///
/// ```
/// use vonage_account::{Rule, validate_secret};
/// let err = validate_secret("short").unwrap_err();
/// assert_eq!(err.field(), "secret");
/// assert!(err.rules().contains(&Rule::TooShort { min: 8, actual: 5 }));
/// assert!(err.rules().contains(&Rule::MissingUppercase));
/// assert!(err.rules().contains(&Rule::MissingDigit));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    field: &'static str,
    rules: Vec<Rule>,
}

impl ValidationError {
    pub(crate) fn new(field: &'static str, rules: Vec<Rule>) -> ValidationError {
        ValidationError { field, rules }
    }

    /// The argument that broke the rules (`secret`, `trx`, `api_key`, `secret_id`,
    /// `mo_callback_url`, `dr_callback_url`, `country`, `prefix`).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Every rule the argument broke.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: ", self.field)?;
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{rule}")?;
        }
        f.write_str(" (nothing was sent)")
    }
}

/// A documented rule an argument broke.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// It is empty (or only white space).
    Empty,
    /// It has fewer characters than allowed.
    TooShort {
        /// The fewest allowed.
        min: usize,
        /// How many it has.
        actual: usize,
    },
    /// It has more characters than allowed.
    TooLong {
        /// The most allowed.
        max: usize,
        /// How many it has.
        actual: usize,
    },
    /// A secret needs at least one lower-case letter.
    MissingLowercase,
    /// A secret needs at least one upper-case letter.
    MissingUppercase,
    /// A secret needs at least one digit.
    MissingDigit,
    /// Only visible ASCII characters are allowed (no spaces, control or non-ASCII characters).
    NotVisibleAscii,
    /// Only ASCII letters, digits, `-` and `_` are allowed (it is a path segment).
    InvalidPathSegment,
    /// It must be an absolute `http` or `https` URL with a host.
    NotAbsoluteHttpUrl,
    /// Control characters are not allowed.
    ControlCharacter,
    /// A country code is two ASCII letters (ISO 3166-1 alpha-2, `DE`).
    NotCountryCode,
    /// A dialling prefix is digits only (a leading `+` is allowed and dropped).
    NotDigits,
    /// An amount to move must be above zero.
    NotPositive,
    /// Not an amount: the text is not a decimal in [`Amount`](crate::Amount)'s grammar, or is
    /// outside its range (more decimals than it keeps, say); the kind says which.
    NotAnAmount {
        /// What was wrong with the text.
        kind: crate::AmountErrorKind,
    },
    /// The two accounts of a transfer must differ.
    SameAccount,
    /// Credit and balance move only between the primary account and one of its sub-accounts:
    /// one side must be the primary's key.
    NotPrimaryPair {
        /// The primary account's key (the client's).
        primary: String,
    },
    /// Not an RFC 3339 time (`2026-01-31T09:00:00Z`).
    NotRfc3339Time,
    /// The end of a period is before its start.
    EndBeforeStart,
    /// A phone number is its E.164 digits without `+`: 1 to 15 digits (`447700900000`).
    NotNumberDigits,
    /// An update must change something.
    NothingToUpdate,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Empty => f.write_str("must not be empty"),
            Rule::TooShort { min, actual } => {
                write!(f, "must be at least {min} characters (has {actual})")
            }
            Rule::TooLong { max, actual } => {
                write!(f, "must be at most {max} characters (has {actual})")
            }
            Rule::MissingLowercase => f.write_str("must contain a lower-case letter"),
            Rule::MissingUppercase => f.write_str("must contain an upper-case letter"),
            Rule::MissingDigit => f.write_str("must contain a digit"),
            Rule::NotVisibleAscii => {
                f.write_str("must be visible ASCII characters only (no spaces, control or non-ASCII characters)")
            }
            Rule::InvalidPathSegment => {
                f.write_str("may only contain ASCII letters, digits, '-' and '_'")
            }
            Rule::NotAbsoluteHttpUrl => f.write_str("must be an absolute http:// or https:// URL"),
            Rule::ControlCharacter => f.write_str("must not contain control characters"),
            Rule::NotCountryCode => {
                f.write_str("must be a two letter country code (ISO 3166-1 alpha-2, e.g. DE)")
            }
            Rule::NotDigits => f.write_str("must be digits only (e.g. 44; a leading + is dropped)"),
            Rule::NotPositive => f.write_str("must be above zero"),
            Rule::NotAnAmount { kind } => {
                use crate::AmountErrorKind as K;
                let why = match kind {
                    K::Empty => "it is empty",
                    K::Exponent => "no exponents",
                    K::NotFinite => "NaN and infinity are not amounts",
                    K::OutOfRange => "out of range, or more than 28 decimals",
                    _ => "digits, an optional '.' and digits; no '+', spaces or leading zeros",
                };
                write!(f, "must be a decimal amount like 12.50 ({why})")
            }
            Rule::SameAccount => f.write_str("must be another account than from"),
            Rule::NotPrimaryPair { primary } => write!(
                f,
                "one of from and to must be the primary account {primary} (money moves only between the primary and a sub-account)"
            ),
            Rule::NotRfc3339Time => {
                f.write_str("must be an RFC 3339 time (e.g. 2026-01-31T09:00:00Z)")
            }
            Rule::EndBeforeStart => f.write_str("must not be before the start"),
            Rule::NotNumberDigits => f.write_str(
                "must be the number's E.164 digits without + (1 to 15 digits, e.g. 447700900000)",
            ),
            Rule::NothingToUpdate => {
                f.write_str("must set something (a name, suspend or reactivate, own balance)")
            }
        }
    }
}

/// The shortest secret the API accepts.
pub const SECRET_MIN_LEN: usize = 8;
/// The longest secret the API accepts.
pub const SECRET_MAX_LEN: usize = 25;

/// Checks a new secret against the API's rules: 8 to 25 characters, at least one lower-case
/// letter, one upper-case letter and one digit, visible ASCII only. Reports every rule broken.
pub fn validate_secret(secret: &str) -> Result<(), ValidationError> {
    let mut rules = Vec::new();
    let len = secret.chars().count();
    if len == 0 {
        rules.push(Rule::Empty);
    } else if len < SECRET_MIN_LEN {
        rules.push(Rule::TooShort {
            min: SECRET_MIN_LEN,
            actual: len,
        });
    } else if len > SECRET_MAX_LEN {
        rules.push(Rule::TooLong {
            max: SECRET_MAX_LEN,
            actual: len,
        });
    }
    if !secret.chars().any(|c| c.is_ascii_lowercase()) {
        rules.push(Rule::MissingLowercase);
    }
    if !secret.chars().any(|c| c.is_ascii_uppercase()) {
        rules.push(Rule::MissingUppercase);
    }
    if !secret.chars().any(|c| c.is_ascii_digit()) {
        rules.push(Rule::MissingDigit);
    }
    if !secret.chars().all(|c| c.is_ascii_graphic()) {
        rules.push(Rule::NotVisibleAscii);
    }
    finish("secret", rules)
}

/// Checks a top-up transaction reference: not empty or blank, no control characters.
/// Checks a top-up's transaction reference as [`Account::top_up`](crate::Account::top_up) does
/// before sending it (not blank, no control characters): for a caller that shows or confirms a
/// top-up before sending it.
///
/// ```
/// assert!(vonage_account::validate_trx("8ef2447e69604f642ae59363aa5f781b").is_ok());
/// assert!(vonage_account::validate_trx("  ").is_err());
/// ```
pub fn validate_trx(trx: &str) -> Result<(), ValidationError> {
    self::trx(trx)
}

pub(crate) fn trx(trx: &str) -> Result<(), ValidationError> {
    let mut rules = Vec::new();
    if trx.trim().is_empty() {
        rules.push(Rule::Empty);
    }
    if trx.chars().any(char::is_control) {
        rules.push(Rule::ControlCharacter);
    }
    finish("trx", rules)
}

/// Checks an API key used as a path segment (and as the client's own key).
pub(crate) fn api_key(key: &str) -> Result<(), ValidationError> {
    path_segment("api_key", key)
}

/// Checks a secret id used as a path segment.
pub(crate) fn secret_id(id: &str) -> Result<(), ValidationError> {
    path_segment("secret_id", id)
}

/// Only what cannot change the path: a key like `a/../b` or `x?y` is refused, not sent.
pub(crate) fn path_segment(field: &'static str, value: &str) -> Result<(), ValidationError> {
    let rules = if value.is_empty() {
        vec![Rule::Empty]
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        vec![Rule::InvalidPathSegment]
    } else {
        Vec::new()
    };
    finish(field, rules)
}

/// Checks a country code: two ASCII letters, returned upper case as the API writes them.
pub(crate) fn country_code(country: &str) -> Result<String, ValidationError> {
    if country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(country.to_ascii_uppercase())
    } else {
        let rule = if country.is_empty() {
            Rule::Empty
        } else {
            Rule::NotCountryCode
        };
        Err(ValidationError::new("country", vec![rule]))
    }
}

/// Checks a dialling prefix: digits, a leading `+` dropped.
pub(crate) fn dialing_prefix(prefix: &str) -> Result<&str, ValidationError> {
    let digits = prefix.strip_prefix('+').unwrap_or(prefix);
    if digits.is_empty() {
        Err(ValidationError::new("prefix", vec![Rule::Empty]))
    } else if digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        // No dialling prefix is longer than a whole E.164 number.
        Err(ValidationError::new("prefix", vec![Rule::NotDigits]))
    } else {
        Ok(digits)
    }
}

/// Checks a webhook URL: absolute `http`/`https` with a host.
pub(crate) fn callback_url(field: &'static str, url: &str) -> Result<(), ValidationError> {
    let ok = !url.trim().is_empty()
        && url.trim() == url
        && reqwest::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    finish(
        field,
        if ok {
            Vec::new()
        } else {
            vec![Rule::NotAbsoluteHttpUrl]
        },
    )
}

fn finish(field: &'static str, rules: Vec<Rule>) -> Result<(), ValidationError> {
    if rules.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::new(field, rules))
    }
}
