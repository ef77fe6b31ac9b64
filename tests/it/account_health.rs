//! Issue 26's "account health" module, written the way a service team writes it, with none of
//! the workarounds the issue lists: money through `serde_json::Value` with every digit, chrono
//! from the crate, a coverage estimate that refuses prices in another currency, and one error
//! type across a rotation's steps.

use serde::{Deserialize, Serialize};
use vonage_account::{
    Amount, CountryPricing, CoverageError, Error, ErrorKind, RotationState, Secrets, ServiceType,
    chrono::{DateTime, TimeDelta, Utc},
};
use vonage_account_fake::{FakeVonage, Fault, Seed};

/// The two values of the issue: a balance with eight decimals, and a price with 28.
const BALANCE: &str = "10.17127500";
const PRICE: &str = "0.1000000000000000055511151231";

fn amount(text: &str) -> Amount {
    text.parse().unwrap()
}

#[derive(Debug, Serialize, Deserialize)]
struct AsString {
    #[serde(with = "vonage_account::amount::as_string")]
    balance: Amount,
    #[serde(with = "vonage_account::amount::as_string")]
    price: Amount,
}

#[derive(Debug, Serialize, Deserialize)]
struct AsNumber {
    #[serde(with = "vonage_account::amount::as_number")]
    balance: Amount,
    #[serde(with = "vonage_account::amount::as_number")]
    price: Amount,
}

#[derive(Debug, Serialize)]
struct Plain {
    balance: Amount,
    price: Amount,
}

#[test]
fn money_through_a_value_keeps_every_digit_as_a_string() {
    let report = AsString {
        balance: amount(BALANCE),
        price: amount(PRICE),
    };
    // `json!` (which calls `to_value`) and `to_value` itself: the path of
    // `Json(json!({"balance": report}))` in a web handler.
    let value = serde_json::json!({ "health": report });
    assert_eq!(
        value.to_string(),
        format!(r#"{{"health":{{"balance":"{BALANCE}","price":"{PRICE}"}}}}"#)
    );
    let back: AsString = serde_json::from_value(value["health"].clone()).unwrap();
    assert_eq!(back.balance.as_str(), BALANCE);
    assert_eq!(back.price.as_str(), PRICE);
    // Straight to text too, and read back from a string or a number alike.
    let text = serde_json::to_string(&report).unwrap();
    assert_eq!(
        text,
        format!(r#"{{"balance":"{BALANCE}","price":"{PRICE}"}}"#)
    );
    let from_numbers: AsString =
        serde_json::from_str(&format!(r#"{{"balance":{BALANCE},"price":{PRICE}}}"#)).unwrap();
    assert_eq!(from_numbers.price.as_str(), PRICE);
}

#[test]
fn money_as_a_number_keeps_every_digit_on_the_way_to_text() {
    let report = AsNumber {
        balance: amount(BALANCE),
        price: amount(PRICE),
    };
    let text = serde_json::to_string(&report).unwrap();
    assert_eq!(text, format!(r#"{{"balance":{BALANCE},"price":{PRICE}}}"#));
    let back: AsNumber = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (back.balance.as_str(), back.price.as_str()),
        (BALANCE, PRICE)
    );
    let from_strings: AsNumber =
        serde_json::from_str(&format!(r#"{{"balance":"{BALANCE}","price":"{PRICE}"}}"#)).unwrap();
    assert_eq!(from_strings.balance.as_str(), BALANCE);
}

/// The loss `Amount`'s docs describe: this workspace does not turn on serde_json's
/// `arbitrary_precision` (tests/host-app/arbitrary-precision does, and keeps every digit), so a
/// `Value` holds an `f64`.
#[test]
fn money_as_a_number_through_a_value_is_a_float_without_arbitrary_precision() {
    let plain = Plain {
        balance: amount(BALANCE),
        price: amount(PRICE),
    };
    let value = serde_json::to_value(&plain).unwrap();
    assert_eq!(value.to_string(), r#"{"balance":10.171275,"price":0.1}"#);
    // Serialized as itself, every digit stays.
    assert_eq!(
        serde_json::to_string(&plain).unwrap(),
        format!(r#"{{"balance":{BALANCE},"price":{PRICE}}}"#)
    );
}

/// chrono comes from the crate, with the features its public types need (a secret's
/// `created_at` compared with the clock, and serialized).
#[tokio::test]
async fn secret_ages_with_the_crates_own_chrono() {
    let fake = FakeVonage::start().await;
    let secrets = fake.client().secrets().list().await.unwrap();
    let created_at: DateTime<Utc> = secrets[0].created_at;
    let age: TimeDelta = Utc::now() - created_at;
    assert!(age < TimeDelta::minutes(5), "{age}");
    let json = serde_json::to_value(&secrets[0]).unwrap();
    let read: DateTime<Utc> = serde_json::from_value(json["created_at"].clone()).unwrap();
    assert_eq!(read, created_at);
}

/// A price table of the fake in `currency`, one country with one mobile network.
fn priced_in(currency: &str, network_currency: &str) -> Seed {
    let country = serde_json::json!({
        "countryCode": "US", "countryName": "United States", "currency": currency,
        "defaultPrice": "0.00809000", "dialingPrefix": "1",
        "networks": [{"type": "mobile", "price": "0.00809000", "currency": network_currency,
                      "mcc": "310", "mnc": "090", "networkCode": "310090",
                      "networkName": "AT&T"}],
    });
    let mut seed = Seed {
        balance: BALANCE.into(),
        ..Seed::default()
    };
    seed.pricing.sms = vec![country];
    seed
}

async fn us_prices(seed: Seed) -> (Amount, CountryPricing) {
    let fake = FakeVonage::start_with(seed).await.unwrap();
    let client = fake.client();
    let balance = client.account().balance().await.unwrap().value;
    let us = client
        .pricing()
        .country(ServiceType::Sms, "US")
        .await
        .unwrap();
    (balance, us)
}

#[tokio::test]
async fn coverage_is_refused_for_prices_in_another_currency() {
    // An account billed in USD: its prices are in USD, the balance is reported in EUR.
    let (balance, us) = us_prices(priced_in("USD", "USD")).await;
    let err = us.messages_covered(&balance).unwrap_err();
    assert_eq!(
        err,
        CoverageError::CurrencyMismatch {
            balance: "EUR".into(),
            prices: "USD".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "the balance is in EUR but the prices are in USD"
    );
    // Told the balance's currency, it counts: 10.171275 / 0.00809 = 1257.3.
    assert_eq!(us.messages_covered_in(&balance, "USD"), Ok(1257));
    assert_eq!(us.messages_covered_in(&balance, "usd"), Ok(1257));

    // One network in another currency than its country is enough to refuse.
    let (balance, mixed) = us_prices(priced_in("EUR", "USD")).await;
    assert!(matches!(
        mixed.messages_covered(&balance),
        Err(CoverageError::CurrencyMismatch { prices, .. }) if prices == "USD"
    ));

    // In EUR, the count as before.
    let (balance, eur) = us_prices(priced_in("EUR", "EUR")).await;
    assert_eq!(eur.messages_covered(&balance), Ok(1257));
}

/// A nightly rotation job as one function: `rotation_state` (an `Error`), `stage` and `retire`
/// (a `RotationError`) joined by `?` into one `Error`, the rotation's kind kept.
async fn nightly_rotation(secrets: &Secrets, new_secret: &str) -> Result<String, Error> {
    if let RotationState::Staged { old, .. } = secrets.rotation_state().await? {
        return Ok(format!("already staged, {} still to retire", old.id));
    }
    let staged = secrets.stage(new_secret).make_room(true).await?;
    // ... every replica reloads the new secret ...
    staged
        .client
        .secrets()
        .retire(&staged.old_secret_id)
        .await?;
    Ok(staged.secret.id)
}

#[tokio::test]
async fn one_error_type_across_a_rotations_steps() {
    let fake = FakeVonage::start().await;
    let client = fake.client();
    let new_id = nightly_rotation(&client.secrets(), "N3w-Secret-2026")
        .await
        .unwrap();
    assert_eq!(fake.secret_ids(fake.api_key()), [new_id]);

    // A refusal of the rotation's own: its kind, its step and its reason survive the `?`.
    let err: Error = nightly_rotation(&client.secrets(), "weak")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized, "{err}");

    let client = fake
        .client_builder()
        .api_secret("N3w-Secret-2026")
        .build()
        .unwrap();
    let err = nightly_rotation(&client.secrets(), "weak")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
    let rotation = err.rotation().expect("the rotation's own error");
    assert_eq!(rotation.step, vonage_account::RotationStep::Validate);
    assert!(err.validation().is_some());
    assert!(
        err.to_string()
            .starts_with("secret rotation stopped at step")
    );

    // A refusal for the key's state keeps its kind too: two secrets, and the client does not
    // know which one it uses.
    client.secrets().create("Second-Secret-1").await.unwrap();
    let ambiguous = async {
        client.secrets().stage("Fresher-Secret-2027").await?;
        Ok::<(), Error>(())
    };
    let err = ambiguous.await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RotationRefused, "{err}");
    assert!(matches!(
        err.rotation().and_then(|r| r.refusal()),
        Some(vonage_account::RotationRefusal::Ambiguous { secrets: 2, .. })
    ));
    let second = fake.secret_ids(fake.api_key())[1].clone();
    client.secrets().revoke(&second).await.unwrap();

    // A failed call inside the rotation: the status and request id of its answer.
    fake.inject(Fault::status(403).on(vonage_account::Operation::CreateApiSecret));
    let err = nightly_rotation(&client.secrets(), "Fresher-Secret-2027")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(err.request_id().is_some());
    assert_eq!(err.api().map(|a| a.status.as_u16()), Some(403));
    assert_eq!(
        err.rotation().map(|r| r.step),
        Some(vonage_account::RotationStep::Create)
    );
}
