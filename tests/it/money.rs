//! `Amount` behaves like money: exact, numerically equal and ordered, every digit kept for
//! display and JSON. Property tests against exact integer arithmetic (`i128` in units of 10⁻⁸).

use std::{
    cmp::Ordering,
    collections::hash_map::DefaultHasher,
    hash::{Hash, Hasher},
};

use proptest::prelude::*;
use vonage_account::{Amount, AmountErrorKind, Balance, Decimal};

/// A decimal text the way the API writes one: optional `-`, no leading zeros, 0 to 8 decimals.
fn decimal_text() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop_oneof![Just("0".to_owned()), "[1-9][0-9]{0,17}"],
        "[0-9]{0,8}",
    )
        .prop_map(|(negative, whole, fraction)| {
            let sign = if negative { "-" } else { "" };
            if fraction.is_empty() {
                format!("{sign}{whole}")
            } else {
                format!("{sign}{whole}.{fraction}")
            }
        })
}

/// A value as (mantissa, decimals), |mantissa| < 10¹⁸, 0 to 8 decimals.
fn scaled() -> impl Strategy<Value = (i64, u32)> {
    (
        -999_999_999_999_999_999_i64..=999_999_999_999_999_999,
        0_u32..=8,
    )
}

/// The text of mantissa × 10^-decimals, with exactly `decimals` decimals.
fn text_of((mantissa, decimals): (i64, u32)) -> String {
    Decimal::new(mantissa, decimals).to_string()
}

/// The value in units of 10⁻⁸, exactly.
fn units((mantissa, decimals): (i64, u32)) -> i128 {
    i128::from(mantissa) * 10_i128.pow(8 - decimals)
}

/// Units of 10⁻⁸ as an `Amount` with 8 decimals.
fn from_units(units: i128) -> Amount {
    let sign = if units < 0 { "-" } else { "" };
    let abs = units.unsigned_abs();
    format!("{sign}{}.{:08}", abs / 100_000_000, abs % 100_000_000)
        .parse()
        .unwrap()
}

fn hash_of(a: &Amount) -> u64 {
    let mut h = DefaultHasher::new();
    a.hash(&mut h);
    h.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_then_display_and_serialize_keep_the_text(text in decimal_text()) {
        let a: Amount = text.parse().unwrap();
        prop_assert_eq!(a.to_string(), text.as_str());
        prop_assert_eq!(a.as_str(), text.as_str());
        prop_assert_eq!(format!("{a:?}"), text.as_str());
        // A JSON number with every digit, both ways.
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), text.as_str());
        let back: Amount = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back.as_str(), text.as_str());
        // A JSON string holding a decimal (as prices are sent): same digits, serialized as a number.
        let quoted: Amount = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        prop_assert_eq!(quoted.as_str(), text.as_str());
        prop_assert_eq!(serde_json::to_string(&quoted).unwrap(), text.as_str());
        // Inside the balance, as the API sends it.
        let body = format!(r#"{{"value":{text},"autoReload":true}}"#);
        let balance: Balance = serde_json::from_str(&body).unwrap();
        prop_assert_eq!(balance.value.as_str(), text.as_str());
        prop_assert_eq!(serde_json::to_string(&balance).unwrap(), body);
    }

    #[test]
    fn equality_and_hash_ignore_trailing_zeros(text in decimal_text(), zeros in 1_usize..=20) {
        // An amount holds 28 digits (29 below 7.9…); more is refused, not rounded.
        let digits = text.bytes().filter(u8::is_ascii_digit).count();
        let zeros = zeros.min(28 - digits);
        let a: Amount = text.parse().unwrap();
        let padded = if text.contains('.') {
            format!("{text}{}", "0".repeat(zeros))
        } else {
            format!("{text}.{}", "0".repeat(zeros))
        };
        let b: Amount = padded.parse().unwrap();
        prop_assert_eq!(b.as_str(), padded.as_str()); // the digits are still kept
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.cmp(&b), Ordering::Equal);
        prop_assert_eq!(hash_of(&a), hash_of(&b));
    }

    #[test]
    fn order_and_equality_are_numeric(x in scaled(), y in scaled()) {
        let (a, b): (Amount, Amount) = (text_of(x).parse().unwrap(), text_of(y).parse().unwrap());
        let exact = units(x).cmp(&units(y));
        prop_assert_eq!(a.cmp(&b), exact);
        prop_assert_eq!(a.partial_cmp(&b), Some(exact));
        prop_assert_eq!(a == b, exact == Ordering::Equal);
        prop_assert_eq!(a.cmp(&b), Decimal::new(x.0, x.1).cmp(&Decimal::new(y.0, y.1)));
        if a == b {
            prop_assert_eq!(hash_of(&a), hash_of(&b));
        }
    }

    #[test]
    fn order_agrees_with_f64_where_f64_is_exact(
        m in -(1_i64 << 40)..(1_i64 << 40), k in 0_u32..=3,
        n in -(1_i64 << 40)..(1_i64 << 40), j in 0_u32..=3,
    ) {
        // m / 2^k has at most 3 decimals and is exact in f64.
        let (x, y) = (m as f64 / f64::from(1 << k), n as f64 / f64::from(1 << j));
        let (a, b) = (Amount::try_from(x).unwrap(), Amount::try_from(y).unwrap());
        prop_assert_eq!(Some(a.cmp(&b)), x.partial_cmp(&y));
        prop_assert_eq!(a.to_f64(), x);
        prop_assert_eq!(a.to_decimal(), Decimal::new(m, 0) / Decimal::new(1 << k, 0));
    }

    #[test]
    fn comparison_with_integers_is_numeric(x in scaled(), i in any::<i64>()) {
        let a: Amount = text_of(x).parse().unwrap();
        let exact = units(x).cmp(&(i128::from(i) * 100_000_000));
        prop_assert_eq!(a.partial_cmp(&i), Some(exact));
        prop_assert_eq!(i.partial_cmp(&a), Some(exact.reverse()));
        prop_assert_eq!(a == i, exact == Ordering::Equal);
        prop_assert_eq!(a.cmp(&Amount::from(i)), exact);
    }

    #[test]
    fn add_and_sub_are_exact(x in scaled(), y in scaled()) {
        let (a, b): (Amount, Amount) = (text_of(x).parse().unwrap(), text_of(y).parse().unwrap());
        let sum = a.checked_add(&b).unwrap();
        prop_assert_eq!(&sum, &from_units(units(x) + units(y)));
        // The sum keeps the larger scale: 10.28000000 + 0.0333 is 10.31330000.
        prop_assert_eq!(sum.to_decimal().scale(), x.1.max(y.1));
        prop_assert_eq!(a.checked_sub(&b).unwrap(), from_units(units(x) - units(y)));
    }

    #[test]
    fn mul_is_exact_when_the_product_fits(
        x in (-99_999_999_999_999_i64..=99_999_999_999_999, 0_u32..=8),
        y in (-99_999_999_999_999_i64..=99_999_999_999_999, 0_u32..=8),
    ) {
        // Below 10¹⁴ each, the product's mantissa (below 10²⁸) always fits.
        let (a, b): (Amount, Amount) = (text_of(x).parse().unwrap(), text_of(y).parse().unwrap());
        let product = a.checked_mul(&b).unwrap();
        let exact = i128::from(x.0) * i128::from(y.0);
        let exact = Decimal::try_from_i128_with_scale(exact, x.1 + y.1).unwrap();
        prop_assert_eq!(product.to_decimal(), exact);
    }

    #[test]
    fn whole_times_is_the_exact_floor(x in scaled(), y in scaled()) {
        let (a, price): (Amount, Amount) = (text_of(x).parse().unwrap(), text_of(y).parse().unwrap());
        let (ua, up) = (units(x), units(y));
        let expected = if up <= 0 {
            None
        } else if ua <= 0 {
            Some(0)
        } else {
            Some(u64::try_from(ua / up).unwrap_or(u64::MAX))
        };
        prop_assert_eq!(a.whole_times(&price), expected);
    }

    #[test]
    fn division_by_a_non_zero_amount_is_close(x in scaled(), y in scaled()) {
        let (a, b): (Amount, Amount) = (text_of(x).parse().unwrap(), text_of(y).parse().unwrap());
        match a.checked_div(&b) {
            None => prop_assert_eq!(units(y), 0),
            Some(q) => {
                // q × b is a within the last of q's 28 significant digits.
                let back = q.to_decimal() * b.to_decimal();
                let diff = (back - a.to_decimal()).abs();
                let tolerance = b.to_decimal().abs() * Decimal::new(1, 20).max(q.to_decimal().abs() * Decimal::new(1, 26));
                prop_assert!(diff <= tolerance, "{a} / {b} = {q}");
            }
        }
    }

    #[test]
    fn any_text_parses_to_itself_or_is_refused(text in "[-+0-9.eE nNaIiF_]{0,40}") {
        if let Ok(a) = text.parse::<Amount>() {
            prop_assert_eq!(a.as_str(), text.as_str());
            prop_assert_eq!(a.to_string(), text.as_str());
        }
    }

    #[test]
    fn any_float_is_exact_or_refused(x in any::<f64>()) {
        match Amount::try_from(x) {
            Ok(a) => prop_assert_eq!(a.to_f64(), x),
            Err(e) => prop_assert!(
                matches!(e.kind(), AmountErrorKind::NotFinite | AmountErrorKind::OutOfRange),
                "{x}: {e}"
            ),
        }
    }
}

#[test]
fn the_balance_and_a_price_as_the_api_sends_them() {
    let balance: Balance =
        serde_json::from_str(r#"{"value":10.28000000,"autoReload":true}"#).unwrap();
    assert_eq!(balance.value.to_string(), "10.28000000");
    assert_eq!(
        serde_json::to_string(&balance).unwrap(),
        r#"{"value":10.28000000,"autoReload":true}"#
    );
    assert!(balance.value < 11);
    assert!(balance.value < Amount::from(11));
    assert_eq!(balance.value, "10.28".parse::<Amount>().unwrap());

    let price: Amount = serde_json::from_str(r#""0.03330000""#).unwrap();
    assert_eq!(price.to_string(), "0.03330000");
    assert_eq!(balance.value.whole_times(&price), Some(308));
    assert_eq!(
        Amount::try_from(0.1)
            .unwrap()
            .checked_add(&Amount::try_from(0.2).unwrap())
            .unwrap()
            .to_string(),
        "0.3"
    );
}

#[test]
fn json_refusals_name_the_problem() {
    for (json, needle) in [
        ("1e3", "exponents"),
        (r#""1e3""#, "exponents"),
        (r#""NaN""#, "NaN"),
        (r#""""#, "empty"),
        (r#"" 1.5""#, "expected"),
        (r#""+1.5""#, "expected"),
        ("null", ""),
        ("true", ""),
        ("[1]", ""),
        ("100000000000000000000000000000", "out of range"),
    ] {
        let err = serde_json::from_str::<Amount>(json).unwrap_err();
        assert!(err.to_string().contains(needle), "{json}: {err}");
    }
}

#[test]
fn negative_balances_are_amounts() {
    let balance: Balance =
        serde_json::from_str(r#"{"value":-3.50000000,"autoReload":false}"#).unwrap();
    assert_eq!(balance.value.to_string(), "-3.50000000");
    assert!(balance.value < 0);
    assert_eq!(
        balance.value.whole_times(&"0.0333".parse().unwrap()),
        Some(0)
    );
}
