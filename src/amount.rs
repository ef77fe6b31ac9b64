//! Money as the API sends it: an exact decimal that keeps every digit it was written with
//! ([`Amount`]), and serde helpers for an `Amount` field that must keep its digits on any path
//! ([`as_string`], [`as_number`]).

use std::{
    borrow::Cow,
    cmp::Ordering,
    fmt,
    hash::{Hash, Hasher},
    str::FromStr,
};

use rust_decimal::{Decimal, RoundingStrategy, prelude::ToPrimitive as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};
use serde_json::value::RawValue;

/// An amount of money in EUR: an exact decimal that keeps the digits the API sent.
///
/// Vonage reports balances with up to eight decimals (`10.17127500`) and prices as decimal
/// strings (`"0.03330000"`). `Amount` holds them exactly, as a [`rust_decimal::Decimal`]
/// (a 96-bit integer and a scale of 0 to 28 decimals: up to 28 or 29 significant digits, range
/// ±79,228,162,514,264,337,593,543,950,335), next to the text it was written with:
///
/// - **Display and serialization give back the digits as sent**: `10.28000000` prints as
///   `10.28000000`, not `10.28`. `{:.2}` rounds to two decimals (half to even, like floats) and
///   width and alignment work as for strings.
/// - **Equality, hashing and ordering are numeric**: `10.28 == 10.28000000`, equal amounts hash
///   equal, and `<` compares values. Amounts also compare with plain integers (`i64`), so when
///   comparing with a value whose type is inferred, name it: `a == s.parse::<Amount>()?`.
/// - **Arithmetic is exact and checked**: [`checked_add`](Amount::checked_add) and friends return
///   `None` on overflow or division by zero instead of panicking; `0.1 + 0.2` is `0.3`.
/// - **No NaN, no infinity**: there is no `From<f64>`; `TryFrom<f64>` refuses non-finite floats,
///   and integers convert exactly (`From<i32>`, `From<i64>`, `From<u32>`, `From<u64>`).
///
/// ```
/// use vonage_account::Amount;
///
/// let balance: Amount = "10.28000000".parse()?;
/// assert_eq!(balance.to_string(), "10.28000000"); // every digit as sent
/// assert_eq!(balance, "10.28".parse::<Amount>()?); // but equal by value
/// assert!(balance < 11 && balance > 10); // compare with plain integers
/// assert!(balance < Amount::from(25));
///
/// let price: Amount = "0.03330000".parse()?;
/// assert_eq!(balance.whole_times(&price), Some(308)); // 308 messages at 0.0333 EUR
///
/// let sum = Amount::try_from(0.1)?.checked_add(&Amount::try_from(0.2)?);
/// assert_eq!(sum, Some("0.3".parse()?)); // not 0.30000000000000004
/// assert!(Amount::try_from(f64::NAN).is_err());
/// # Ok::<(), vonage_account::ParseAmountError>(())
/// ```
///
/// # Text
///
/// [`FromStr`] takes the decimal grammar of a JSON number without an exponent:
/// an optional `-` (negative balances exist: a post-paid account can go below zero), then `0` or
/// digits not starting with `0`, then optionally `.` and one or more digits. It refuses, with a
/// [`ParseAmountError`] saying which ([`AmountErrorKind`]): the empty string; exponents (`1e3`);
/// `NaN` and `inf`; a leading `+`, leading zeros (`007`), `.5` or `5.`, white space, `_` and
/// anything else; and values outside the range above or with more than 28 decimals (nothing is
/// rounded).
///
/// # JSON
///
/// `Amount` deserializes from a JSON **number** (`{"value":10.28000000}`) or a JSON **string**
/// holding a decimal (`"0.03330000"`, as prices are sent), in the grammar above, keeping every
/// digit either way. It serializes as a JSON **number** with the digits it holds
/// (`10.28000000`, never `10.28` or `1.028e1`). Both go through [`serde_json`]'s `RawValue`, so
/// they are meant for `serde_json`; other serde formats are not supported.
///
/// Every digit is kept on the way to text: `serde_json::to_string`, `to_vec`, `to_writer`, and
/// a web framework's JSON answer of a value that holds the amount (axum's `Json(report)`).
///
/// ## Through `serde_json::Value`: digits are lost unless you choose otherwise
///
/// A [`serde_json::Value`] holds a number as an `f64` unless the application turns on
/// serde_json's `arbitrary_precision` feature. So `serde_json::to_value`, and the `json!` macro
/// (which calls it), **round an amount to the nearest float**: `10.17127500` becomes
/// `10.171275` and `0.1000000000000000055511151231` becomes `0.1`, and a later `to_string` of the
/// `Value` writes those. `Json(json!({"balance": report}))` in a web handler takes that path.
/// Three ways to keep every digit, any one of them enough:
///
/// - serialize the value itself, not a `Value` built from it: `Json(report)`,
///   `serde_json::to_string(&report)`;
/// - turn on `arbitrary_precision` in the application (`serde_json = { version = "1",
///   features = ["arbitrary_precision"] }`): a `Value` then keeps a number's text, and an
///   `Amount` goes through `to_value`, `json!` and back with every digit;
/// - mark the field `#[serde(with = "vonage_account::amount::as_string")]`: it is written as a
///   JSON string (`"10.17127500"`), which every path keeps, and read back from a string or a
///   number. [`as_number`] is its twin, for a field that must stay a JSON number.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use vonage_account::Amount;
///
/// #[derive(Serialize, Deserialize)]
/// struct Report {
///     #[serde(with = "vonage_account::amount::as_string")]
///     balance: Amount,
/// }
///
/// let report = Report { balance: "10.17127500".parse()? };
/// let value = serde_json::to_value(&report)?; // a Value, and every digit still there
/// assert_eq!(value["balance"], "10.17127500");
/// let back: Report = serde_json::from_value(value)?;
/// assert_eq!(back.balance.as_str(), "10.17127500");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # The decimal type
///
/// The arithmetic is [`rust_decimal`]'s (well kept, pure Rust, exact for the sums and
/// comparisons money needs), not hand-written. Its [`Decimal`] is part of this crate's public
/// API, re-exported as `vonage_account::Decimal`: [`Amount::to_decimal`] and `From<Decimal>`
/// convert both ways, for more than the checked operations here.
#[derive(Clone)]
pub struct Amount {
    /// The value. Its scale matches `text`'s decimals.
    value: Decimal,
    /// The text it was written with (from a parse), or the value's own `Display` (from arithmetic
    /// or a conversion). Always a JSON number without exponent.
    text: Box<str>,
}

impl Amount {
    fn from_decimal(value: Decimal) -> Amount {
        Amount {
            value,
            text: value.to_string().into(),
        }
    }

    /// The decimal text, with every digit the API sent (or, for a computed amount, the digits
    /// its scale has: `10.28000000 + 0.0333` is `10.31330000`).
    ///
    /// ```
    /// use vonage_account::Amount;
    /// let a: Amount = "10.28000000".parse()?;
    /// assert_eq!(a.as_str(), "10.28000000");
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The exact value as a [`Decimal`], for arithmetic beyond the checked operations here.
    /// The scale is kept: `10.28000000` gives a `Decimal` with 8 decimals.
    ///
    /// ```
    /// use vonage_account::{Amount, Decimal};
    /// let a: Amount = "10.28000000".parse()?;
    /// let d: Decimal = a.to_decimal();
    /// assert_eq!(d.scale(), 8);
    /// assert_eq!(d, Decimal::new(1028, 2));
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn to_decimal(&self) -> Decimal {
        self.value
    }

    /// The amount as the nearest `f64`. **Lossy**: a float cannot hold every decimal (`0.1` is
    /// not exact, and beyond 15 to 17 significant digits digits are lost). Compare and compute
    /// with `Amount` itself; use this only to hand the value to float-based code.
    ///
    /// ```
    /// use vonage_account::Amount;
    /// let a: Amount = "10.17127500".parse()?;
    /// assert_eq!(a.to_f64(), 10.171275);
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn to_f64(&self) -> f64 {
        // The text is a plain decimal, which `f64::from_str` rounds correctly to the nearest.
        self.text
            .parse()
            .ok()
            .or_else(|| self.value.to_f64())
            .unwrap_or(0.0)
    }

    /// `self + other`, exactly, or `None` if the sum is out of range. The sum has the larger of
    /// the two scales.
    ///
    /// ```
    /// use vonage_account::Amount;
    /// let a: Amount = "10.28000000".parse()?;
    /// let b: Amount = "0.0333".parse()?;
    /// assert_eq!(a.checked_add(&b).unwrap().to_string(), "10.31330000");
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn checked_add(&self, other: &Amount) -> Option<Amount> {
        self.value
            .checked_add(other.value)
            .map(Amount::from_decimal)
    }

    /// `self - other`, exactly, or `None` if the difference is out of range.
    ///
    /// ```
    /// use vonage_account::Amount;
    /// let a: Amount = "0.03330000".parse()?;
    /// assert_eq!(a.checked_sub(&Amount::from(1)).unwrap().to_string(), "-0.96670000");
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn checked_sub(&self, other: &Amount) -> Option<Amount> {
        self.value
            .checked_sub(other.value)
            .map(Amount::from_decimal)
    }

    /// `self × other`, or `None` if the product is out of range. Exact unless the product needs
    /// more than 28 decimals, when it is rounded to what an `Amount` holds.
    ///
    /// ```
    /// use vonage_account::Amount;
    /// let price: Amount = "0.0333".parse()?;
    /// assert_eq!(price.checked_mul(&Amount::from(3)).unwrap().to_string(), "0.0999");
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn checked_mul(&self, other: &Amount) -> Option<Amount> {
        self.value
            .checked_mul(other.value)
            .map(Amount::from_decimal)
    }

    /// `self ÷ other`, or `None` if `other` is zero or the quotient is out of range. Rounded to
    /// the 28 or 29 significant digits an `Amount` holds when it does not end sooner
    /// (`1 ÷ 3` is `0.3333333333333333333333333333`). To count how many times a price fits,
    /// use [`whole_times`](Amount::whole_times), which is exact.
    ///
    /// ```
    /// use vonage_account::Amount;
    /// let total: Amount = "10".parse()?;
    /// assert_eq!(total.checked_div(&Amount::from(4)).unwrap(), "2.5".parse::<Amount>()?);
    /// assert_eq!(total.checked_div(&Amount::from(0)), None);
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn checked_div(&self, other: &Amount) -> Option<Amount> {
        self.value
            .checked_div(other.value)
            .map(Amount::from_decimal)
    }

    /// How many whole times `price` fits into this amount: the number of messages at `price` a
    /// balance covers. Exact (no rounding of the quotient can push it up by one).
    ///
    /// `None` when `price` is zero or negative; `Some(0)` when this amount is zero, negative or
    /// less than `price`; `u64::MAX` when the count is larger than that.
    ///
    /// ```
    /// use vonage_account::Amount;
    /// let balance: Amount = "10.28000000".parse()?;
    /// let price: Amount = "0.03330000".parse()?;
    /// assert_eq!(balance.whole_times(&price), Some(308)); // 308 × 0.0333 = 10.2564
    /// assert_eq!(balance.whole_times(&"0.01".parse()?), Some(1028)); // exactly
    /// assert_eq!(balance.whole_times(&Amount::from(0)), None);
    /// assert_eq!("-2.5".parse::<Amount>()?.whole_times(&price), Some(0));
    /// # Ok::<(), vonage_account::ParseAmountError>(())
    /// ```
    pub fn whole_times(&self, price: &Amount) -> Option<u64> {
        if price.value <= Decimal::ZERO {
            return None;
        }
        if self.value <= Decimal::ZERO {
            return Some(0);
        }
        // The remainder is exact where a quotient may be rounded up (2.99…9 to 3): take it off
        // first, and the division of an exact multiple is an exact integer.
        let Some(rest) = self.value.checked_rem(price.value) else {
            return Some(u64::MAX);
        };
        let times = self
            .value
            .checked_sub(rest)
            .and_then(|multiple| multiple.checked_div(price.value));
        match times {
            Some(times) => Some(times.trunc().to_u64().unwrap_or(u64::MAX)),
            // Only an overflow is left: the count is beyond any u64.
            None => Some(u64::MAX),
        }
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Amount) -> bool {
        self.value == other.value
    }
}

impl Eq for Amount {}

impl Hash for Amount {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // `Decimal` hashes its normalized value (no trailing zeros, no -0), consistent with `==`.
        self.value.hash(state);
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Amount) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Amount) -> Ordering {
        self.value.cmp(&other.value)
    }
}

/// Compares with a plain integer: `balance.value == 0`.
impl PartialEq<i64> for Amount {
    fn eq(&self, other: &i64) -> bool {
        self.value == Decimal::from(*other)
    }
}

/// Compares with a plain integer: `balance.value < 10`.
impl PartialOrd<i64> for Amount {
    fn partial_cmp(&self, other: &i64) -> Option<Ordering> {
        Some(self.value.cmp(&Decimal::from(*other)))
    }
}

/// Compares a plain integer with an amount: `0 == balance.value`.
impl PartialEq<Amount> for i64 {
    fn eq(&self, other: &Amount) -> bool {
        other == self
    }
}

/// Compares a plain integer with an amount: `10 > balance.value`.
impl PartialOrd<Amount> for i64 {
    fn partial_cmp(&self, other: &Amount) -> Option<Ordering> {
        other.partial_cmp(self).map(Ordering::reverse)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The digits as sent. `{:.N}` rounds to `N` decimals (half to even); width, fill and alignment
/// apply as for strings.
///
/// ```
/// use vonage_account::Amount;
/// let a: Amount = "10.17127500".parse()?;
/// assert_eq!(format!("{a}"), "10.17127500");
/// assert_eq!(format!("{a:.2}"), "10.17");
/// assert_eq!(format!("{:.2}", "0.125".parse::<Amount>()?), "0.12");
/// assert_eq!(format!("{:>12}|", Amount::from(5)), "           5|");
/// # Ok::<(), vonage_account::ParseAmountError>(())
/// ```
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match f.precision() {
            None => f.pad(&self.text),
            Some(decimals) => {
                let dp = u32::try_from(decimals).unwrap_or(u32::MAX);
                let rounded = self
                    .value
                    .round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven);
                // `Decimal`'s own Display pads with zeros to the precision.
                fmt::Display::fmt(&rounded, f)
            }
        }
    }
}

/// What was wrong with a text or number that is not an [`Amount`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AmountErrorKind {
    /// The text is empty.
    Empty,
    /// An exponent (`1e3`, `2.5E-2`): amounts are written out in full.
    Exponent,
    /// `NaN` or infinity, as text or as a float.
    NotFinite,
    /// Not a decimal in the accepted grammar (a leading `+` or zero, `.5`, white space, letters…).
    Invalid,
    /// A decimal outside an amount's range, or with more than 28 decimals.
    OutOfRange,
}

/// The error from making an [`Amount`] of a text or float that is not an exact decimal amount.
///
/// ```
/// use vonage_account::{Amount, AmountErrorKind};
/// let err = "1e3".parse::<Amount>().unwrap_err();
/// assert_eq!(err.kind(), AmountErrorKind::Exponent);
/// assert_eq!(err.to_string(), "not a decimal amount: \"1e3\" (exponents are not accepted)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal amount: {input:?} ({})", reason(*.kind))]
pub struct ParseAmountError {
    kind: AmountErrorKind,
    /// The start of the input (at most 40 characters).
    input: String,
}

impl ParseAmountError {
    fn new(kind: AmountErrorKind, input: &str) -> ParseAmountError {
        ParseAmountError {
            kind,
            input: input.chars().take(40).collect(),
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> AmountErrorKind {
        self.kind
    }
}

fn reason(kind: AmountErrorKind) -> &'static str {
    match kind {
        AmountErrorKind::Empty => "it is empty",
        AmountErrorKind::Exponent => "exponents are not accepted",
        AmountErrorKind::NotFinite => "NaN and infinity are not amounts",
        AmountErrorKind::Invalid => {
            "expected an optional '-', digits without leading zeros, and optional '.' and digits"
        }
        AmountErrorKind::OutOfRange => "out of range or more than 28 decimals",
    }
}

/// Parses the decimal grammar described on [`Amount`] (`-12.50`, `0.03330000`, `7`).
impl FromStr for Amount {
    type Err = ParseAmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = |kind| Err(ParseAmountError::new(kind, s));
        if s.is_empty() {
            return error(AmountErrorKind::Empty);
        }
        let unsigned = s.strip_prefix('-').unwrap_or(s);
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let well_formed = digits(whole)
            && !(whole.len() > 1 && whole.starts_with('0'))
            && fraction.is_none_or(digits);
        if !well_formed {
            let lower = unsigned.to_ascii_lowercase();
            let kind = if ["nan", "inf", "infinity"].contains(&lower.as_str()) {
                AmountErrorKind::NotFinite
            } else if unsigned.starts_with(|c: char| c.is_ascii_digit())
                && unsigned.contains(['e', 'E'])
            {
                AmountErrorKind::Exponent
            } else {
                AmountErrorKind::Invalid
            };
            return error(kind);
        }
        // Exact: too many digits is an error, never a rounding.
        match Decimal::from_str_exact(s) {
            Ok(value) => Ok(Amount {
                value,
                text: s.into(),
            }),
            Err(_) => error(AmountErrorKind::OutOfRange),
        }
    }
}

/// The float's shortest decimal text (`0.1` is `0.1`, not the float's exact binary value);
/// refuses NaN, infinity, and floats out of range or with more than 28 decimals.
///
/// ```
/// use vonage_account::{Amount, AmountErrorKind};
/// assert_eq!(Amount::try_from(10.5)?.to_string(), "10.5");
/// assert_eq!(Amount::try_from(0.1)?, "0.1".parse::<Amount>()?);
/// let err = Amount::try_from(f64::INFINITY).unwrap_err();
/// assert_eq!(err.kind(), AmountErrorKind::NotFinite);
/// # Ok::<(), vonage_account::ParseAmountError>(())
/// ```
impl TryFrom<f64> for Amount {
    type Error = ParseAmountError;

    fn try_from(value: f64) -> Result<Self, Self::Error> {
        if !value.is_finite() {
            return Err(ParseAmountError::new(
                AmountErrorKind::NotFinite,
                &value.to_string(),
            ));
        }
        // `f64`'s Display is the shortest text that reads back as the same float, and never has
        // an exponent.
        value.to_string().parse()
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        /// Exact.
        impl From<$t> for Amount {
            fn from(value: $t) -> Self {
                Amount::from_decimal(Decimal::from(value))
            }
        }
    )*};
}
from_integer!(i32, i64, u32, u64);

/// The exact value, with the decimal's scale as its digits (`Decimal::new(1028, 2)` is `10.28`).
///
/// ```
/// use vonage_account::{Amount, Decimal};
/// assert_eq!(Amount::from(Decimal::new(1028, 2)).to_string(), "10.28");
/// ```
impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Amount::from_decimal(value)
    }
}

/// The exact value (the same as [`Amount::to_decimal`]).
impl From<Amount> for Decimal {
    fn from(amount: Amount) -> Self {
        amount.value
    }
}

/// From a JSON number or a JSON string holding a decimal, keeping every digit; see [`Amount`].
impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The raw JSON text keeps every digit; a float would not.
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        if text.starts_with('"') {
            // A price as a string: unescape it as JSON does, then the same grammar.
            let unquoted: Cow<'_, str> = serde_json::from_str(text).map_err(D::Error::custom)?;
            unquoted.parse().map_err(D::Error::custom)
        } else {
            text.parse().map_err(D::Error::custom)
        }
    }
}

/// A JSON number with the digits it holds (`10.28000000`); see [`Amount`].
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match RawValue::from_string(self.text.to_string()) {
            Ok(raw) => raw.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

/// `#[serde(with = "vonage_account::amount::as_string")]`: an [`Amount`] field written as a
/// JSON **string** with every digit (`"10.17127500"`), so it keeps them on any path, through a
/// [`serde_json::Value`] too (see [`Amount`], "Through `serde_json::Value`"), and in other serde
/// formats. It is read back from a JSON string or number as [`Amount`] reads itself (with
/// `serde_json`, from text or from a `Value`).
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use vonage_account::Amount;
///
/// #[derive(Serialize, Deserialize)]
/// struct Line {
///     #[serde(with = "vonage_account::amount::as_string")]
///     price: Amount,
/// }
///
/// let line = Line { price: "0.1000000000000000055511151231".parse()? };
/// let json = serde_json::json!({ "line": line }); // `json!` makes a Value
/// assert_eq!(json.to_string(), r#"{"line":{"price":"0.1000000000000000055511151231"}}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub mod as_string {
    use serde::{Deserialize as _, Deserializer, Serializer};

    use super::Amount;

    /// Writes `amount` as a string with the digits it holds.
    pub fn serialize<S: Serializer>(amount: &Amount, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(amount.as_str())
    }

    /// Reads a JSON string or number, keeping every digit (as [`Amount`]'s own `Deserialize`).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        Amount::deserialize(deserializer)
    }

    /// `#[serde(with = "vonage_account::amount::as_string::option")]`: the same for an
    /// `Option<Amount>`, such as a sub-account's [`balance`](crate::Subaccount::balance), which
    /// is `null` while it shares the primary account's. `None` is written as `null`, and read
    /// from `null` (add `#[serde(default)]` to read a missing field as `None` too).
    ///
    /// ```
    /// use serde::{Deserialize, Serialize};
    /// use vonage_account::Amount;
    ///
    /// #[derive(Serialize, Deserialize)]
    /// struct Customer {
    ///     #[serde(with = "vonage_account::amount::as_string::option")]
    ///     balance: Option<Amount>,
    /// }
    ///
    /// let own = Customer { balance: Some("2.50000000".parse()?) };
    /// let shared = Customer { balance: None };
    /// let json = serde_json::json!([own, shared]);
    /// assert_eq!(json.to_string(), r#"[{"balance":"2.50000000"},{"balance":null}]"#);
    /// let back: Vec<Customer> = serde_json::from_value(json)?;
    /// assert_eq!(back[0].balance.as_ref().map(|a| a.as_str()), Some("2.50000000"));
    /// assert!(back[1].balance.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub mod option {
        use serde::{Deserialize as _, Deserializer, Serializer};

        use crate::Amount;

        /// Writes `Some(amount)` as a string with the digits it holds, `None` as `null`.
        pub fn serialize<S: Serializer>(
            amount: &Option<Amount>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match amount {
                Some(amount) => serializer.serialize_some(amount.as_str()),
                None => serializer.serialize_none(),
            }
        }

        /// Reads `null` as `None`, a JSON string or number as `Some`, keeping every digit.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Amount>, D::Error> {
            Option::<Amount>::deserialize(deserializer)
        }
    }
}

/// `#[serde(with = "vonage_account::amount::as_number")]`: an [`Amount`] field written as a
/// JSON **number** with every digit (`10.17127500`), as [`Amount`] writes itself, and read back
/// from a number or a string. The twin of [`as_string`], for a field that must stay a number
/// where the reader expects one.
///
/// A number keeps every digit on the way to text (`serde_json::to_string`, `to_writer`). Through
/// a [`serde_json::Value`] it keeps them only where the application turns on serde_json's
/// `arbitrary_precision` feature; without it a `Value` holds an `f64`, and `10.17127500` comes
/// out as `10.171275` (see [`Amount`]). Where that cannot be chosen, use [`as_string`].
///
/// ```
/// use serde::Serialize;
/// use vonage_account::Amount;
///
/// #[derive(Serialize)]
/// struct Health {
///     #[serde(with = "vonage_account::amount::as_number")]
///     balance: Amount,
/// }
///
/// let health = Health { balance: "10.17127500".parse()? };
/// assert_eq!(serde_json::to_string(&health)?, r#"{"balance":10.17127500}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub mod as_number {
    use serde::{Deserialize as _, Deserializer, Serialize as _, Serializer};

    use super::Amount;

    /// Writes `amount` as a number with the digits it holds.
    pub fn serialize<S: Serializer>(amount: &Amount, serializer: S) -> Result<S::Ok, S::Error> {
        amount.serialize(serializer)
    }

    /// Reads a JSON number or string, keeping every digit (as [`Amount`]'s own `Deserialize`).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        Amount::deserialize(deserializer)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn amount(s: &str) -> Amount {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn refusals_say_why() {
        use AmountErrorKind::*;
        for (text, kind) in [
            ("", Empty),
            ("1e3", Exponent),
            ("2.5E-2", Exponent),
            ("-1e3", Exponent),
            ("NaN", NotFinite),
            ("inf", NotFinite),
            ("-Infinity", NotFinite),
            ("+1", Invalid),
            ("007", Invalid),
            ("-01.5", Invalid),
            (".5", Invalid),
            ("5.", Invalid),
            ("-", Invalid),
            (" 1", Invalid),
            ("1 ", Invalid),
            ("1_000", Invalid),
            ("1,5", Invalid),
            ("0x10", Invalid),
            ("ten", Invalid),
            ("1.2.3", Invalid),
            ("--1", Invalid),
            ("79228162514264337593543950336", OutOfRange),
            ("0.00000000000000000000000000001", OutOfRange),
            ("9.9999999999999999999999999999", OutOfRange),
            ("1.00000000000000000000000000000", OutOfRange),
        ] {
            let err = text.parse::<Amount>().unwrap_err();
            assert_eq!(err.kind(), kind, "{text:?}: {err}");
        }
    }

    #[test]
    fn the_edges_of_the_range_are_accepted_exactly() {
        for text in [
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "7.9228162514264337593543950335",
            "0",
            "-0",
            "-0.00",
        ] {
            assert_eq!(amount(text).to_string(), text);
        }
    }

    #[test]
    fn zero_is_zero_whatever_its_sign_or_scale() {
        let zeros = ["0", "-0", "0.00", "-0.00000000"].map(amount);
        let hashes: HashSet<_> = zeros.iter().cloned().collect();
        assert_eq!(hashes.len(), 1);
        for z in &zeros {
            assert_eq!(*z, 0);
            assert_eq!(*z, zeros[0]);
        }
    }

    #[test]
    fn floats_become_their_shortest_decimal() {
        assert_eq!(Amount::try_from(0.1).unwrap().as_str(), "0.1");
        assert_eq!(Amount::try_from(-2.0).unwrap().as_str(), "-2");
        assert_eq!(
            Amount::try_from(1e20).unwrap().as_str(),
            "100000000000000000000"
        );
        assert_eq!(
            Amount::try_from(f64::NAN).unwrap_err().kind(),
            AmountErrorKind::NotFinite
        );
        assert_eq!(
            Amount::try_from(f64::NEG_INFINITY).unwrap_err().kind(),
            AmountErrorKind::NotFinite
        );
        assert_eq!(
            Amount::try_from(1e30).unwrap_err().kind(),
            AmountErrorKind::OutOfRange
        );
        assert_eq!(
            Amount::try_from(1e-30).unwrap_err().kind(),
            AmountErrorKind::OutOfRange
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = amount("79228162514264337593543950335");
        assert_eq!(max.checked_add(&Amount::from(1)), None);
        assert_eq!(max.checked_mul(&Amount::from(2)), None);
        assert_eq!(
            max.checked_sub(&Amount::from(1)).unwrap().to_string(),
            "79228162514264337593543950334"
        );
        assert_eq!(Amount::from(1).checked_div(&amount("0.00")), None);
        assert_eq!(
            Amount::from(1)
                .checked_div(&Amount::from(3))
                .unwrap()
                .to_string(),
            "0.3333333333333333333333333333"
        );
    }

    #[test]
    fn whole_times_at_the_edges() {
        let max = amount("79228162514264337593543950335");
        let tiny = amount("0.0000000000000000000000000001");
        assert_eq!(max.whole_times(&tiny), Some(u64::MAX));
        assert_eq!(tiny.whole_times(&max), Some(0));
        assert_eq!(max.whole_times(&max), Some(1));
        assert_eq!(Amount::from(1).whole_times(&amount("-0.5")), None);
        assert_eq!(Amount::from(0).whole_times(&amount("0.5")), Some(0));
        // A quotient that division alone would round up to 3.
        let a = amount("2.9999999999999999999999999999");
        assert_eq!(a.whole_times(&Amount::from(1)), Some(2));
        let b = amount("0.9999999999999999999999999999");
        assert_eq!(Amount::from(3).whole_times(&b), Some(3));
        let c = amount("1.0000000000000000000000000001");
        assert_eq!(Amount::from(3).whole_times(&c), Some(2));
        assert_eq!(
            amount("18446744073709551615").whole_times(&Amount::from(1)),
            Some(u64::MAX)
        );
        assert_eq!(
            amount("18446744073709551616").whole_times(&Amount::from(1)),
            Some(u64::MAX)
        );
        assert_eq!(
            amount("18446744073709551614.5").whole_times(&Amount::from(1)),
            Some(u64::MAX - 1)
        );
    }

    #[test]
    fn integers_compare_both_ways() {
        let a = amount("9.99");
        assert!(a < 10 && a > 9 && a != 10);
        assert!(10 > a && 9 < a);
        assert!(amount("10.000") == 10 && 10 == amount("10.0"));
        assert!(amount("-0.01") < 0);
    }
}
