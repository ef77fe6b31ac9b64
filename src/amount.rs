//! Money as the API sends it: a JSON number whose every decimal is kept.

use std::{borrow::Cow, fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};
use serde_json::value::RawValue;

/// An amount of money in EUR, exactly as the API wrote it.
///
/// Vonage reports balances with up to eight decimals (`10.17127500`). A float would print that as
/// `10.171275`; `Amount` keeps the decimal text, so [`Display`](fmt::Display) and serialization give
/// back what the API sent. Use [`Amount::to_f64`] for arithmetic and comparisons.
///
/// ```
/// use vonage_account::Amount;
/// let a: Amount = "10.17127500".parse().unwrap();
/// assert_eq!(a.to_string(), "10.17127500");
/// assert!((a.to_f64() - 10.171275).abs() < 1e-12);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Amount(Box<str>);

impl Amount {
    /// The decimal text, as the API sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The amount as a float (for comparisons and arithmetic; may round the last decimals).
    pub fn to_f64(&self) -> f64 {
        // The text was checked to be a JSON number when it was made, so this cannot fail.
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The error from parsing an [`Amount`] that is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal number: {0:?}")]
pub struct ParseAmountError(String);

impl FromStr for Amount {
    type Err = ParseAmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        // A JSON number: optional minus, digits, optional fraction and exponent; nothing else.
        match serde_json::from_str::<serde_json::Number>(s) {
            Ok(_) => Ok(Amount(s.into())),
            Err(_) => Err(ParseAmountError(s.chars().take(40).collect())),
        }
    }
}

impl From<f64> for Amount {
    fn from(value: f64) -> Self {
        Amount(value.to_string().into())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The raw JSON text keeps every decimal; a float would not. A quoted number is accepted
        // too, since some gateways quote numbers.
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        text.parse().map_err(D::Error::custom)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match RawValue::from_string(self.0.to_string()) {
            Ok(raw) => raw.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl schemars::JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "description": "An amount of money in EUR, with every decimal the API sent."
        })
    }
}
