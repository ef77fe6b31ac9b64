//! An application that turns on serde_json's `arbitrary_precision` (issue 26, item 1): an
//! `Amount` goes through `serde_json::Value` (`to_value`, `json!`, `from_value`) with every
//! digit, where without the feature a `Value` holds an `f64`. And chrono comes from the crate,
//! with the features its public types need: this application does not depend on chrono.
//!
//! Fails (panics, exit 101) if a digit is lost.

use serde::{Deserialize, Serialize};
use vonage_account::{
    Amount, Balance,
    chrono::{DateTime, TimeDelta, Utc},
};

/// The two values of the issue: a balance with eight decimals, a price with 28.
const BALANCE: &str = "10.17127500";
const PRICE: &str = "0.1000000000000000055511151231";

#[derive(Debug, Serialize, Deserialize)]
struct Report {
    balance: Amount,
    price: Amount,
}

fn main() {
    // The feature is on here: a Value keeps a number's text.
    let number: serde_json::Value = serde_json::from_str(PRICE).expect("a number");
    assert_eq!(number.to_string(), PRICE, "arbitrary_precision is not on");

    let report = Report {
        balance: BALANCE.parse().expect("an amount"),
        price: PRICE.parse().expect("an amount"),
    };
    let expected = format!(r#"{{"balance":{BALANCE},"price":{PRICE}}}"#);

    // `to_value`, and `json!` (a web handler's `Json(json!({"balance": report}))`).
    let value = serde_json::to_value(&report).expect("to_value");
    assert_eq!(value.to_string(), expected);
    let wrapped = serde_json::json!({ "health": report });
    assert_eq!(wrapped.to_string(), format!(r#"{{"health":{expected}}}"#));

    // And back from the Value.
    let back: Report = serde_json::from_value(value).expect("from_value");
    assert_eq!(back.balance.as_str(), BALANCE);
    assert_eq!(back.price.as_str(), PRICE);
    let balance: Balance = serde_json::from_value(
        serde_json::from_str(&format!(r#"{{"value":{BALANCE},"auto_reload":true}}"#))
            .expect("a Value"),
    )
    .expect("a Balance from a Value");
    assert_eq!(balance.value.as_str(), BALANCE);

    // The serde helpers work here too.
    #[derive(Serialize)]
    struct Helpers {
        #[serde(with = "vonage_account::amount::as_string")]
        as_string: Amount,
        #[serde(with = "vonage_account::amount::as_number")]
        as_number: Amount,
    }
    let helpers = Helpers {
        as_string: report.price.clone(),
        as_number: report.price.clone(),
    };
    let value = serde_json::to_value(&helpers).expect("to_value");
    assert_eq!(value["as_string"], PRICE);
    assert_eq!(value["as_number"].to_string(), PRICE);

    // chrono from the crate: the clock and serde, as a secret's `created_at` needs them.
    let created_at: DateTime<Utc> = "2025-01-31T09:00:00Z".parse().expect("a time");
    assert!(Utc::now() - created_at > TimeDelta::days(90));
    assert_eq!(
        serde_json::to_string(&created_at).expect("serialize"),
        r#""2025-01-31T09:00:00Z""#
    );

    println!(
        "host-app-arbitrary-precision: {BALANCE} and {PRICE} kept through serde_json::Value; chrono from the crate"
    );
}
