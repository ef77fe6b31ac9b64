//! The Pricing API's handlers, one per operation, mirroring `src/pricing.rs`, and the fake's
//! price table.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::answers::{Answer, JSON, answer};
use vonage_account::ServiceType;

/// The fake's price table and how it answers pricing lookups, part of the
/// [`Seed`](super::Seed).
///
/// Each list holds country objects exactly as the API answers them (`countryCode`,
/// `countryName`, `countryDisplayName`, `currency`, `defaultPrice`, `dialingPrefix`,
/// `networks`), so a test can seed any shape the real API sends, odd ones included. The default
/// has Germany, the United Kingdom, the United States, Canada and the US Minor Outlying Islands
/// (all three on prefix `1`), Italy and Vatican City (prefix `39`; Vatican City without
/// `defaultPrice` or `networks`, as real answers have it), and Zambia (a premium network without
/// `mcc`/`mnc`, and `mnc` `"02"`).
///
/// ```
/// let seed: vonage_account_fake::Seed = serde_json::from_str(r#"{
///     "pricing": {"sms": [{"countryCode": "FR", "countryName": "France",
///                          "defaultPrice": "0.07", "networks": []}],
///                 "enforce_rate_limit": true}
/// }"#).unwrap();
/// assert_eq!(seed.pricing.sms.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedPricing {
    /// The countries' SMS prices.
    pub sms: Vec<Value>,
    /// The countries' SMS-in-transit prices.
    pub sms_transit: Vec<Value>,
    /// The countries' voice prices (per minute).
    pub voice: Vec<Value>,
    /// Answer the list lookups' `count` as a string (`"2"`), as the spec has it, instead of a
    /// number, as real answers have it.
    pub count_as_string: bool,
    /// Answer a pricing lookup less than a second after the previous one with 429 and no body,
    /// as the Pricing API's documented limit of one request per second does. Off by default.
    pub enforce_rate_limit: bool,
}

impl Default for SeedPricing {
    fn default() -> Self {
        SeedPricing {
            sms: countries(&SMS),
            sms_transit: countries(&SMS_TRANSIT),
            voice: countries(&VOICE),
            count_as_string: false,
            enforce_rate_limit: false,
        }
    }
}

/// One country of the default table: code, name, prefix, default price, networks.
type Country = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [Network],
);
/// One network: type, price, mcc, mnc, network code, name.
type Network = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
);

const SMS: [Country; 8] = [
    (
        "DE",
        "Germany",
        "49",
        Some("0.07700000"),
        &[
            (
                "mobile",
                "0.07700000",
                Some("262"),
                Some("01"),
                "26201",
                "Telekom Deutschland",
            ),
            (
                "mobile",
                "0.08100000",
                Some("262"),
                Some("02"),
                "26202",
                "Vodafone",
            ),
            (
                "landline",
                "0.0715",
                None,
                None,
                "DE-FIXED",
                "Germany Landline",
            ),
        ],
    ),
    (
        "GB",
        "United Kingdom",
        "44",
        Some("0.03140000"),
        &[
            (
                "mobile",
                "0.03330000",
                Some("234"),
                Some("15"),
                "23415",
                "Vodafone",
            ),
            (
                "virtual",
                "0.075000",
                None,
                None,
                "GB-VIRTUAL",
                "United Kingdom Virtual",
            ),
        ],
    ),
    (
        "US",
        "United States",
        "1",
        Some("0.00790000"),
        &[
            (
                "mobile",
                "0.00790000",
                Some("310"),
                Some("090"),
                "310090",
                "AT&T",
            ),
            (
                "landline_tollfree",
                "0.00790000",
                None,
                None,
                "US-TOLLFREE",
                "United States Toll Free",
            ),
        ],
    ),
    (
        "CA",
        "Canada",
        "1",
        Some("0.00620000"),
        &[(
            "mobile",
            "0.00590000",
            Some("302"),
            Some("530"),
            "302530",
            "Keewaytinook Okimakanak",
        )],
    ),
    (
        "UM",
        "United States Minor Outlying Islands",
        "1",
        Some("0.07"),
        &[],
    ),
    (
        "IT",
        "Italy",
        "39",
        Some("0.08270000"),
        &[(
            "mobile",
            "0.08270000",
            Some("222"),
            Some("07"),
            "22207",
            "Noverca Italia S.r.l.",
        )],
    ),
    ("VA", "Vatican City", "39", None, &[]),
    (
        "ZM",
        "Zambia",
        "260",
        Some("0.28725000"),
        &[
            (
                "landline_premium",
                "0.28725000",
                None,
                None,
                "ZM-PREMIUM",
                "Zambia Premium",
            ),
            (
                "mobile",
                "0.28725000",
                Some("645"),
                Some("02"),
                "64502",
                "MTN Zambia",
            ),
        ],
    ),
];

const SMS_TRANSIT: [Country; 2] = [
    (
        "DE",
        "Germany",
        "49",
        Some("0.07200000"),
        &[(
            "mobile",
            "0.07200000",
            Some("262"),
            Some("01"),
            "26201",
            "Telekom Deutschland",
        )],
    ),
    (
        "GB",
        "United Kingdom",
        "44",
        Some("0.03000000"),
        &[(
            "mobile",
            "0.03000000",
            Some("234"),
            Some("15"),
            "23415",
            "Vodafone",
        )],
    ),
];

const VOICE: [Country; 3] = [
    (
        "DE",
        "Germany",
        "49",
        Some("0.01900000"),
        &[
            (
                "mobile",
                "0.12500000",
                Some("262"),
                Some("01"),
                "26201",
                "Telekom Deutschland",
            ),
            (
                "landline",
                "0.01900000",
                None,
                None,
                "DE-FIXED",
                "Germany Landline",
            ),
        ],
    ),
    (
        "GB",
        "United Kingdom",
        "44",
        Some("0.01200000"),
        &[
            (
                "mobile",
                "0.04800000",
                Some("234"),
                Some("15"),
                "23415",
                "Vodafone",
            ),
            (
                "pager",
                "0.716",
                None,
                None,
                "GB-PAGER",
                "United Kingdom Pager",
            ),
        ],
    ),
    (
        "US",
        "United States",
        "1",
        Some("0.00900000"),
        &[(
            "mobile",
            "0.00900000",
            Some("310"),
            Some("090"),
            "310090",
            "AT&T",
        )],
    ),
];

/// The default table's countries as the API writes them (no `networks` key where it has none
/// and no `defaultPrice` where it has none, as real answers do).
fn countries(table: &[Country]) -> Vec<Value> {
    table
        .iter()
        .map(|(code, name, prefix, default_price, networks)| {
            let mut country = json!({
                "countryCode": code,
                "countryName": name,
                "countryDisplayName": name,
                "currency": "EUR",
                "dialingPrefix": prefix,
            });
            if let Some(price) = default_price {
                country["defaultPrice"] = json!(price);
            }
            if !networks.is_empty() {
                country["networks"] = networks
                    .iter()
                    .map(|(kind, price, mcc, mnc, network_code, network_name)| {
                        let mut network = json!({
                            "type": kind,
                            "price": price,
                            "currency": "EUR",
                            "networkCode": network_code,
                            "networkName": network_name,
                        });
                        if let (Some(mcc), Some(mnc)) = (mcc, mnc) {
                            network["mcc"] = json!(mcc);
                            network["mnc"] = json!(mnc);
                        }
                        network
                    })
                    .collect();
            }
            country
        })
        .collect()
}

/// The price table while the fake runs, and when it last answered a lookup.
#[derive(Debug, Clone)]
pub(crate) struct PriceTable {
    seed: SeedPricing,
    last_lookup: Option<Instant>,
}

/// The Pricing API's documented limit.
const ONE_LOOKUP_EVERY: Duration = Duration::from_secs(1);

impl PriceTable {
    pub(crate) fn new(seed: &SeedPricing) -> PriceTable {
        PriceTable {
            seed: seed.clone(),
            last_lookup: None,
        }
    }

    /// The countries for the path's `{type}`, or the 404 an unknown type gets.
    fn service(&self, service: &str) -> Result<&[Value], Answer> {
        match service.parse::<ServiceType>() {
            Ok(ServiceType::Sms) => Ok(&self.seed.sms),
            Ok(ServiceType::SmsTransit) => Ok(&self.seed.sms_transit),
            Ok(ServiceType::Voice) => Ok(&self.seed.voice),
            // The documented 404 carries no JSON.
            _ => Err(Answer {
                status: StatusCode::NOT_FOUND,
                content_type: "text/html",
                body: "404 - Page does not exist".into(),
                headers: Vec::new(),
            }),
        }
    }

    /// 429 without a body when the limit is enforced and the last lookup was under a second
    /// ago; otherwise notes this lookup.
    fn within_rate_limit(&mut self) -> Result<(), Answer> {
        let now = Instant::now();
        if self.seed.enforce_rate_limit
            && self
                .last_lookup
                .is_some_and(|last| now.duration_since(last) < ONE_LOOKUP_EVERY)
        {
            return Err(Answer {
                status: StatusCode::TOO_MANY_REQUESTS,
                content_type: "",
                body: String::new(),
                headers: Vec::new(),
            });
        }
        self.last_lookup = Some(now);
        Ok(())
    }

    fn list(&self, countries: Vec<Value>) -> Answer {
        let count = if self.seed.count_as_string {
            json!(countries.len().to_string())
        } else {
            json!(countries.len())
        };
        answer(
            StatusCode::OK,
            JSON,
            json!({"count": count, "countries": countries}),
        )
    }
}

/// The documented 400 for a missing or unusable query parameter (`invalid_parameters` as an
/// object).
fn bad_parameter(name: &str, message: &str) -> Answer {
    answer(
        StatusCode::BAD_REQUEST,
        JSON,
        json!({
            "type": "BAD_REQUEST",
            "error_title": "Bad Request",
            "invalid_parameters": {"parameter": name, "message": message},
        }),
    )
}

/// A query parameter's value.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// `GET /account/get-pricing/outbound/{type}?country=`. An unknown country answers the
/// documented 400 naming `country` (the real answer is undocumented: the fake's own choice).
pub(crate) fn country(table: &mut PriceTable, service: &str, query: Option<&str>) -> Answer {
    let result = (|| {
        let countries = table.service(service)?;
        let Some(code) = query_param(query, "country").filter(|c| !c.is_empty()) else {
            return Err(bad_parameter("country", "Is required"));
        };
        let found = countries
            .iter()
            .find(|c| {
                c["countryCode"]
                    .as_str()
                    .is_some_and(|c| c.eq_ignore_ascii_case(&code))
            })
            .cloned()
            .ok_or_else(|| bad_parameter("country", "Is invalid"))?;
        table.within_rate_limit()?;
        Ok(answer(StatusCode::OK, JSON, found))
    })();
    result.unwrap_or_else(|refusal| refusal)
}

/// `GET /account/get-prefix-pricing/outbound/{type}?prefix=`: every country on that prefix.
pub(crate) fn prefix(table: &mut PriceTable, service: &str, query: Option<&str>) -> Answer {
    let result = (|| {
        let countries = table.service(service)?;
        let Some(prefix) = query_param(query, "prefix").filter(|p| !p.is_empty()) else {
            return Err(bad_parameter("prefix", "Is required"));
        };
        let found: Vec<Value> = countries
            .iter()
            .filter(|c| c["dialingPrefix"].as_str() == Some(prefix.as_str()))
            .cloned()
            .collect();
        table.within_rate_limit()?;
        Ok(table.list(found))
    })();
    result.unwrap_or_else(|refusal| refusal)
}

/// `GET /account/get-full-pricing/outbound/{type}`: every country.
pub(crate) fn all_countries(table: &mut PriceTable, service: &str) -> Answer {
    let result = (|| {
        let countries = table.service(service)?.to_vec();
        table.within_rate_limit()?;
        Ok(table.list(countries))
    })();
    result.unwrap_or_else(|refusal| refusal)
}
