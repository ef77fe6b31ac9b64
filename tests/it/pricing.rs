//! The Pricing API lookups over real HTTP: the exact request for every type and lookup, every
//! answer variant the reference lists, every error shape, validation, and the pacing that keeps
//! a burst under the documented one request per second.

use std::time::Duration;

use crate::common;

use common::*;
use serde_json::json;
use vonage_account::{
    AccountAuth, Amount, Client, ErrorBody, ErrorKind, NetworkType, Operation, RetryConfig,
    ServiceType,
};
use vonage_account_fake::{FakeVonage, Fault, FaultKind, Seed, SeedPricing};

/// A client of `fake` with no retries and no pacing (most tests make several lookups).
fn client(fake: &FakeVonage) -> Client {
    fake.client_builder()
        .retry(RetryConfig::NONE)
        .rate_limit_pacing(false)
        .build()
        .unwrap()
}

fn amount(text: &str) -> Amount {
    text.parse().unwrap()
}

/// Answers the next request for `operation` with `status` and a JSON `body`.
fn answer_with(fake: &FakeVonage, operation: Operation, status: u16, body: &str) {
    fake.inject(
        Fault::new(FaultKind::Status {
            status,
            headers: Vec::new(),
            body: body.into(),
            content_type: Some("application/json".into()),
        })
        .on(operation),
    );
}

#[tokio::test]
async fn every_type_and_lookup_is_an_exact_get() {
    let fake = doc_fake().await;
    let client = client(&fake);
    for service in ServiceType::ALL {
        let wire = service.to_string();
        fake.clear_requests();
        client.pricing().country(service, "de").await.unwrap();
        client.pricing().prefix(service, "+44").await.unwrap();
        client.pricing().all_countries(service).await.unwrap();
        let requests = fake.requests();
        let seen: Vec<_> = requests
            .iter()
            .map(|r| (r.method.as_str(), r.path.clone(), r.query.clone()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "GET",
                    format!("/account/get-pricing/outbound/{wire}"),
                    Some("country=DE".to_owned())
                ),
                (
                    "GET",
                    format!("/account/get-prefix-pricing/outbound/{wire}"),
                    Some("prefix=44".to_owned())
                ),
                (
                    "GET",
                    format!("/account/get-full-pricing/outbound/{wire}"),
                    None
                ),
            ],
            "{service}"
        );
        for r in &requests {
            assert_eq!(r.header("authorization"), Some(DOC_AUTH));
            assert_eq!(r.header("accept"), Some("application/json"));
            assert!(r.header("api-version").is_none());
            assert_eq!(r.body, "");
        }
    }
}

#[tokio::test]
async fn legacy_query_credentials_apply_to_pricing_as_to_every_account_call() {
    let fake = doc_fake().await;
    let client = fake
        .client_builder()
        .account_auth(AccountAuth::QueryParameters)
        .build()
        .unwrap();
    client
        .pricing()
        .country(ServiceType::Voice, "GB")
        .await
        .unwrap();
    let r = only_request(&fake);
    assert_eq!(
        r.query.as_deref(),
        Some("country=GB&api_key=aaa012&api_secret=abc123456789")
    );
    assert!(r.header("authorization").is_none());
}

#[tokio::test]
async fn a_country_keeps_every_digit_and_every_missing_field_is_none() {
    let fake = FakeVonage::start().await;
    let client = client(&fake);
    let de = client
        .pricing()
        .country(ServiceType::Sms, "DE")
        .await
        .unwrap();
    assert_eq!(de.country_code, "DE");
    assert_eq!(de.country_name.as_deref(), Some("Germany"));
    assert_eq!(de.currency.as_deref(), Some("EUR"));
    assert_eq!(de.dialing_prefix.as_deref(), Some("49"));
    assert_eq!(de.default_price.as_ref().unwrap().to_string(), "0.07700000");
    assert_eq!(de.networks.len(), 3);
    let telekom = &de.networks[0];
    assert_eq!(telekom.network_type, Some(NetworkType::Mobile));
    assert_eq!(telekom.mcc.as_deref(), Some("262"));
    assert_eq!(telekom.mnc.as_deref(), Some("01"));
    assert_eq!(telekom.network_code.as_deref(), Some("26201"));
    // A landline without mcc/mnc, and a price with four decimals kept as sent.
    let landline = &de.networks[2];
    assert_eq!(landline.network_type, Some(NetworkType::Landline));
    assert_eq!(
        (landline.mcc.as_deref(), landline.mnc.as_deref()),
        (None, None)
    );
    assert_eq!(landline.price.as_ref().unwrap().to_string(), "0.0715");
    // The highest network price, not the default, is the safe estimate.
    assert_eq!(de.highest_price(), Some(&amount("0.081")));
    assert_eq!(de.messages_covered(&amount("10.28")), Ok(126));
    assert_eq!(de.messages_covered(&amount("0")), Ok(0));

    // `mnc` "090" stays a string with its zero.
    let us = client
        .pricing()
        .country(ServiceType::Sms, "US")
        .await
        .unwrap();
    assert_eq!(us.networks[0].mnc.as_deref(), Some("090"));
    assert_eq!(
        us.networks[1].network_type,
        Some(NetworkType::LandlineTollfree)
    );
}

#[tokio::test]
async fn a_prefix_gives_every_country_that_shares_it() {
    let fake = FakeVonage::start().await;
    let client = client(&fake);
    let one = client
        .pricing()
        .prefix(ServiceType::Sms, "1")
        .await
        .unwrap();
    let codes: Vec<_> = one.iter().map(|c| c.country_code.as_str()).collect();
    assert_eq!(codes, ["US", "CA", "UM"]);
    // The US Minor Outlying Islands list no networks, and a two-decimal price.
    assert!(one[2].networks.is_empty());
    assert_eq!(one[2].default_price.as_ref().unwrap().to_string(), "0.07");
    assert_eq!(one[2].highest_price(), Some(&amount("0.07")));

    let thirty_nine = client
        .pricing()
        .prefix(ServiceType::Sms, "39")
        .await
        .unwrap();
    let vatican = &thirty_nine[1];
    assert_eq!(vatican.country_code, "VA");
    assert_eq!(vatican.default_price, None);
    assert!(vatican.networks.is_empty());
    assert_eq!(vatican.highest_price(), None);
    assert_eq!(
        vatican.messages_covered(&amount("100")),
        Err(vonage_account::CoverageError::NoPrice)
    );

    assert!(
        client
            .pricing()
            .prefix(ServiceType::Voice, "999")
            .await
            .unwrap()
            .is_empty()
    );
    let all = client
        .pricing()
        .all_countries(ServiceType::Sms)
        .await
        .unwrap();
    assert_eq!(all.len(), 8);
}

#[tokio::test]
async fn odd_answers_decode_count_either_way_unknown_network_types_and_extra_keys() {
    let zambia = json!({
        "countryCode": "ZM", "countryName": "Zambia", "countryDisplayName": "Zambia",
        "currency": "EUR", "dialingPrefix": "260", "defaultPrice": "0.28725000",
        "networks": [
            {"type": "landline_premium", "price": "0.28725000", "currency": "EUR",
             "ranges": [26090], "networkCode": "ZM-PREMIUM", "networkName": "Zambia Premium"},
            {"type": "satellite", "price": "0.716", "currency": "EUR", "aliases": ["338050-AW"],
             "mcc": "645", "mnc": "02", "networkCode": "64502", "networkName": "Sky"},
            {"type": "pager", "price": "1.5", "currency": "EUR"}
        ]
    });
    let fake = FakeVonage::start_with(Seed {
        pricing: SeedPricing {
            sms: vec![zambia],
            count_as_string: true,
            ..SeedPricing::default()
        },
        ..Seed::default()
    })
    .await
    .unwrap();
    let client = client(&fake);
    let all = client
        .pricing()
        .all_countries(ServiceType::Sms)
        .await
        .unwrap();
    let log = fake.requests();
    assert_eq!(all.len(), 1, "count came as a string: {log:?}");
    let networks = &all[0].networks;
    assert_eq!(
        networks[1].network_type,
        Some(NetworkType::Other("satellite".into()))
    );
    assert_eq!(networks[2].network_type, Some(NetworkType::Pager));
    assert_eq!(networks[2].mcc, None);
    assert_eq!(all[0].highest_price(), Some(&amount("1.5")));
    // Serialized in the crate's own shape, an unknown type kept as sent.
    let back = serde_json::to_value(&all[0]).unwrap();
    assert_eq!(back["networks"][1]["network_type"], "satellite");
    assert_eq!(back["networks"][1]["price"], json!(0.716));

    // A number for count, straight from the wire.
    answer_with(
        &fake,
        Operation::RetrievePrefixPricing,
        200,
        r#"{"count":2,"countries":[{"countryCode":"IT","defaultPrice":"0.08270000"},{"countryCode":"VA"}]}"#,
    );
    let two = client
        .pricing()
        .prefix(ServiceType::Sms, "39")
        .await
        .unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(two[1].country_name, None);
}

#[tokio::test]
async fn the_legacy_shapes_are_refused_cleanly_not_read_as_empty() {
    let fake = FakeVonage::start().await;
    let client = client(&fake);
    // The pre-2017 prefix answer: `prices` with `country`/`mt`, no `countries`.
    answer_with(
        &fake,
        Operation::RetrievePrefixPricing,
        200,
        r#"{"count":3,"prices":[{"country":"CA","name":"Canada","prefix":"1","mt":"0.00570000","networks":[{"code":"302320","network":"Rogers","mtPrice":"0.00570000"}]}]}"#,
    );
    let err = client
        .pricing()
        .prefix(ServiceType::Sms, "1")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    // The legacy per-country answer.
    answer_with(
        &fake,
        Operation::RetrievePricingCountry,
        200,
        r#"{"country":"CA","name":"Canada","prefix":"1","mt":"0.00570000","networks":[]}"#,
    );
    let err = client
        .pricing()
        .country(ServiceType::Sms, "CA")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    // A price that is not a decimal.
    answer_with(
        &fake,
        Operation::RetrievePricingCountry,
        200,
        r#"{"countryCode":"CA","defaultPrice":"1e3"}"#,
    );
    let err = client
        .pricing()
        .country(ServiceType::Sms, "CA")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[tokio::test]
async fn every_documented_error_shape_is_typed() {
    let fake = FakeVonage::start().await;
    let client = client(&fake);
    let pricing = client.pricing();
    let lookup = || pricing.country(ServiceType::Sms, "DE");

    // 400 with `invalid_parameters` as one {parameter, message} object.
    answer_with(
        &fake,
        Operation::RetrievePricingCountry,
        400,
        r#"{"type":"BAD_REQUEST","error_title":"Bad Request","invalid_parameters":{"parameter":"country","message":"Is required"}}"#,
    );
    let err = lookup().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameters);
    let api = err.api().unwrap();
    assert_eq!(api.problem().unwrap().title.as_deref(), Some("Bad Request"));
    let params: Vec<_> = api
        .invalid_parameters()
        .iter()
        .map(|p| (p.name.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(params, [("country", "Is required")]);

    // 401 as the Pricing spec writes it (`code`, not `error-code`), and as an SDK fixture has it.
    for body in [
        r#"{"currency":"EUR","code":"401","error-code-label":"authentication failed"}"#,
        r#"{"error-code":"401","error-code-label":"authentication failed"}"#,
    ] {
        answer_with(&fake, Operation::RetrievePricingCountry, 401, body);
        let err = lookup().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unauthorized, "{body}");
        assert!(
            matches!(&err.api().unwrap().body, ErrorBody::Legacy { code, .. } if code == "401"),
            "{err:?}"
        );
    }

    // 420 "method failed" (the legacy phone-pricing misuse): not a top-up failure.
    answer_with(
        &fake,
        Operation::RetrievePricingCountry,
        420,
        r#"{"error-code":"420","error-code-label":"method failed"}"#,
    );
    assert_eq!(lookup().await.unwrap_err().kind(), ErrorKind::OtherApi);

    // 5xx in the legacy form.
    answer_with(
        &fake,
        Operation::RetrievePricingCountry,
        500,
        r#"{"error-code":"500","error-code-label":"unknown error"}"#,
    );
    assert_eq!(lookup().await.unwrap_err().kind(), ErrorKind::ServerError);

    // 404 and 429 without a JSON body.
    fake.inject(
        Fault::new(FaultKind::Status {
            status: 404,
            headers: Vec::new(),
            body: "404 - Page does not exist".into(),
            content_type: Some("text/html".into()),
        })
        .on(Operation::RetrievePricingCountry),
    );
    let err = lookup().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.api().unwrap().body,
        ErrorBody::Text("404 - Page does not exist".into())
    );
    fake.inject(Fault::status(429).on(Operation::RetrievePricingCountry));
    let err = lookup().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.api().unwrap().body, ErrorBody::Empty);

    // The fake's own answers: an unknown type is the documented 404, an unknown country a 400.
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/account/get-pricing/outbound/mms?country=DE",
            fake.url()
        ))
        .basic_auth(fake.api_key(), Some(fake.api_secret()))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 404);
    let err = client
        .pricing()
        .country(ServiceType::Sms, "XX")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameters);
    assert_eq!(err.api().unwrap().invalid_parameters()[0].name, "country");
}

#[tokio::test]
async fn bad_arguments_are_refused_before_anything_is_sent() {
    let fake = FakeVonage::start().await;
    let client = client(&fake);
    for bad in ["", "D", "DEU", "1A", "D-", "ü1", " DE"] {
        let err = client
            .pricing()
            .country(ServiceType::Sms, bad)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{bad:?}");
        assert_eq!(err.validation().unwrap().field(), "country");
    }
    for bad in ["", "+", "44a", "4 4", "++44", "0x44", "1234567890123456"] {
        let err = client
            .pricing()
            .prefix(ServiceType::Voice, bad)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{bad:?}");
        assert_eq!(err.validation().unwrap().field(), "prefix");
    }
    assert!(fake.requests().is_empty(), "nothing was sent");
    assert_eq!(
        "sms-transit".parse::<ServiceType>(),
        Ok(ServiceType::SmsTransit)
    );
    assert!("mms".parse::<ServiceType>().is_err());
}

#[tokio::test]
async fn a_burst_is_paced_one_per_second_and_draws_no_429() {
    let fake = FakeVonage::start_with(Seed {
        pricing: SeedPricing {
            enforce_rate_limit: true,
            ..SeedPricing::default()
        },
        ..Seed::default()
    })
    .await
    .unwrap();
    // Without pacing, the fake enforcing the limit answers a second lookup at once with 429.
    let unpaced = client(&fake);
    unpaced
        .pricing()
        .country(ServiceType::Sms, "DE")
        .await
        .unwrap();
    let err = unpaced
        .pricing()
        .country(ServiceType::Sms, "GB")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fake.clear_requests();

    // With pacing (the default) and no retries, a burst of 4 from clones in spawned tasks all
    // succeed, so none drew a 429; the fake saw them a second apart.
    let paced = fake
        .client_builder()
        .retry(RetryConfig::NONE)
        .build()
        .unwrap();
    let tasks: Vec<_> = ["DE", "GB", "US", "CA"]
        .into_iter()
        .map(|country| {
            let pricing = paced.clone().pricing();
            tokio::spawn(async move { pricing.country(ServiceType::Sms, country).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let times: Vec<u64> = fake.requests().iter().map(|r| r.received_ms).collect();
    assert_eq!(times.len(), 4);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        // Timer granularity and scheduling: a little under a second is still one per second
        // from the fake's point of view (it enforces whole elapsed seconds).
        assert!(gap >= 1000, "lookups {gap} ms apart: {times:?}");
    }
    let span = times[3] - times[0];
    assert!(
        (3000..4500).contains(&span),
        "4 lookups took {span} ms: {times:?}"
    );

    // Pacing leaves the other operations alone.
    let before = std::time::Instant::now();
    for _ in 0..3 {
        paced.account().balance().await.unwrap();
    }
    assert!(before.elapsed() < Duration::from_millis(900));
}

#[tokio::test]
async fn a_429_that_comes_anyway_is_retried_per_retry_after() {
    let fake = FakeVonage::start().await;
    fake.inject(Fault::rate_limited(1).on(Operation::RetrievePricingCountry));
    let client = fake
        .client_builder()
        .retry(
            RetryConfig::default()
                .max_retries(2)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_secs(2)),
        )
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    client
        .pricing()
        .country(ServiceType::Sms, "DE")
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(990));
    assert_eq!(fake.requests_to(Operation::RetrievePricingCountry).len(), 2);
}

#[tokio::test]
async fn the_large_lookups_get_a_larger_body_limit() {
    let fake = FakeVonage::start().await;
    let client = fake
        .client_builder()
        .max_response_bytes(64 * 1024)
        .rate_limit_pacing(false)
        .build()
        .unwrap();
    assert_eq!(
        Operation::RetrievePricingAllCountries.max_response_bytes(),
        Some(8 * 1024 * 1024)
    );
    // A 1 MiB full-pricing answer is read (and, being no price list, refused as undecodable);
    // the same on the balance is over that client's 64 KiB limit.
    fake.inject(Fault::huge_body(1024 * 1024).on(Operation::RetrievePricingAllCountries));
    let err = client
        .pricing()
        .all_countries(ServiceType::Sms)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    fake.inject(Fault::huge_body(1024 * 1024).on(Operation::GetAccountBalance));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    // Over 8 MiB, even full pricing is refused unread.
    fake.inject(Fault::huge_body(9 * 1024 * 1024).on(Operation::RetrievePricingAllCountries));
    let err = client
        .pricing()
        .all_countries(ServiceType::Sms)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
}
