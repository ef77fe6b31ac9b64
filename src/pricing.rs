//! The Pricing API v1 lookups: what an SMS or a call to a country or a dialling prefix costs.
//!
//! They live beside the balance under `/account/` on `rest.nexmo.com`, with the same
//! authentication, so they are operations of `openapi/account.yaml` and use the Account API's
//! generated client. The API takes one request per second: the transport spaces these calls
//! (see [`ClientBuilder::rate_limit_pacing`](crate::ClientBuilder::rate_limit_pacing)).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::{
    Amount, Answer, Balance, Call, Client, Error, call::call, generated::account::types, validate,
};

/// The outbound price lookups, from [`Client::pricing`]. Holds a clone of the client.
///
/// Each method returns a [`Call`]: await it for the value, or await `.with_meta()` for the value
/// with its request id ([`Answer`]).
#[derive(Debug, Clone)]
pub struct Pricing {
    client: Client,
}

impl Client {
    /// The Pricing API lookups (`/account/get-*pricing/outbound/{type}`).
    pub fn pricing(&self) -> Pricing {
        Pricing {
            client: self.clone(),
        }
    }
}

/// The service a price is for. The generated client uses this type itself, so its wire spelling
/// (`sms`, `sms-transit`, `voice`) is written once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
pub enum ServiceType {
    /// An outbound SMS (`sms`).
    #[serde(rename = "sms")]
    Sms,
    /// An outbound SMS sent in transit (`sms-transit`).
    #[serde(rename = "sms-transit")]
    SmsTransit,
    /// An outbound voice call, priced per minute (`voice`).
    #[serde(rename = "voice")]
    Voice,
}

impl ServiceType {
    /// The wire spelling: `sms`, `sms-transit` or `voice`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ServiceType::Sms => "sms",
            ServiceType::SmsTransit => "sms-transit",
            ServiceType::Voice => "voice",
        }
    }

    /// Every service type.
    pub const ALL: [ServiceType; 3] = [
        ServiceType::Sms,
        ServiceType::SmsTransit,
        ServiceType::Voice,
    ];
}

impl fmt::Display for ServiceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error from parsing a [`ServiceType`] that is none of `sms`, `sms-transit`, `voice`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown service type {0:?} (use sms, sms-transit or voice)")]
pub struct ParseServiceTypeError(String);

impl FromStr for ServiceType {
    type Err = ParseServiceTypeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServiceType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ParseServiceTypeError(s.to_owned()))
    }
}

/// The prices of one country for one service.
///
/// Every field the API has been seen to leave out is optional: whole-world answers omit
/// `defaultPrice` for every country and `networks` for some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CountryPricing {
    /// The two letter country code (`DE`).
    pub country_code: String,
    /// The country's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
    /// The country's name for display.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_display_name: Option<String>,
    /// The currency of the prices (the account's billing currency, EUR by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The default price: for networks not listed (often landlines). Not the price to a mobile;
    /// see [`highest_price`](Self::highest_price).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_price: Option<Amount>,
    /// The dialling prefix (`49`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialing_prefix: Option<String>,
    /// The price to each network (empty when the answer lists none).
    pub networks: Vec<NetworkPricing>,
}

/// The price to one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NetworkPricing {
    /// The kind of network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_type: Option<NetworkType>,
    /// The price of one message, or of one minute of a call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<Amount>,
    /// The currency of the price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The mobile country code (absent on non-mobile networks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcc: Option<String>,
    /// The mobile network code, as sent: leading zeros count (`"090"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnc: Option<String>,
    /// MCC and MNC (`26201`), or a code such as `ZM-PREMIUM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_code: Option<String>,
    /// The operator's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
}

/// The kind of a network. Open: a value this crate does not know is kept as
/// [`Other`](NetworkType::Other).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkType {
    /// `mobile`.
    Mobile,
    /// `landline`.
    Landline,
    /// `landline_tollfree`.
    LandlineTollfree,
    /// `landline_premium`.
    LandlinePremium,
    /// `virtual`.
    Virtual,
    /// `pager`.
    Pager,
    /// Any other value, as sent.
    Other(String),
}

impl NetworkType {
    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            NetworkType::Mobile => "mobile",
            NetworkType::Landline => "landline",
            NetworkType::LandlineTollfree => "landline_tollfree",
            NetworkType::LandlinePremium => "landline_premium",
            NetworkType::Virtual => "virtual",
            NetworkType::Pager => "pager",
            NetworkType::Other(other) => other,
        }
    }
}

impl From<&str> for NetworkType {
    fn from(value: &str) -> Self {
        match value {
            "mobile" => NetworkType::Mobile,
            "landline" => NetworkType::Landline,
            "landline_tollfree" => NetworkType::LandlineTollfree,
            "landline_premium" => NetworkType::LandlinePremium,
            "virtual" => NetworkType::Virtual,
            "pager" => NetworkType::Pager,
            other => NetworkType::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for NetworkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for NetworkType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NetworkType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(NetworkType::from(text.as_str()))
    }
}

impl CountryPricing {
    /// The highest price among the country's networks, or the default price when it lists no
    /// network with a price: the safe figure for "what can one message cost".
    pub fn highest_price(&self) -> Option<&Amount> {
        self.networks
            .iter()
            .filter_map(|n| n.price.as_ref())
            .max()
            .or(self.default_price.as_ref())
    }

    /// How many messages (or minutes, for voice) `balance` pays for at the
    /// [`highest_price`](Self::highest_price): the safe estimate. The balance is in EUR, the
    /// currency the Account API reports it in ([`Balance::CURRENCY`]); for a balance in another
    /// currency, see [`messages_covered_in`](Self::messages_covered_in).
    ///
    /// Refused, with the reason ([`CoverageError`]), when the prices are in another currency
    /// than the balance (an account billed in USD has USD prices), when no price is known, or
    /// when the highest is not above zero.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// use vonage_account::ServiceType;
    /// let balance = client.account().balance().await?;
    /// let germany = client.pricing().country(ServiceType::Sms, "DE").await?;
    /// let n = germany.messages_covered(&balance.value)?;
    /// println!("the balance pays for {n} SMS to Germany");
    /// # Ok(()) }
    /// ```
    pub fn messages_covered(&self, balance: &Amount) -> Result<u64, CoverageError> {
        self.messages_covered_in(balance, Balance::CURRENCY)
    }

    /// [`messages_covered`](Self::messages_covered) for a balance in `currency` (an ISO 4217
    /// code such as `EUR` or `USD`, compared without regard to case).
    ///
    /// Every currency the prices name (the country's and each network's with a price) must be
    /// `currency`; a price table that names none is taken to be in the account's billing
    /// currency, as Vonage documents, and is not refused for it.
    ///
    /// ```
    /// use vonage_account::{Amount, CountryPricing, CoverageError};
    ///
    /// let us: CountryPricing = serde_json::from_str(r#"{"country_code": "US", "currency": "USD",
    ///     "networks": [{"price": "0.00809000", "currency": "USD"}]}"#)?;
    /// let balance: Amount = "10.17127500".parse()?;
    /// assert_eq!(us.messages_covered_in(&balance, "USD"), Ok(1257));
    /// let err = us.messages_covered(&balance).unwrap_err(); // a balance in EUR
    /// assert!(matches!(err, CoverageError::CurrencyMismatch { .. }));
    /// assert_eq!(err.to_string(), "the balance is in EUR but the prices are in USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn messages_covered_in(
        &self,
        balance: &Amount,
        currency: &str,
    ) -> Result<u64, CoverageError> {
        let priced = self.networks.iter().filter(|n| n.price.is_some());
        let named = self
            .currency
            .iter()
            .chain(priced.filter_map(|n| n.currency.as_ref()));
        if let Some(other) = named
            .into_iter()
            .find(|c| !c.trim().eq_ignore_ascii_case(currency.trim()))
        {
            return Err(CoverageError::CurrencyMismatch {
                balance: currency.to_owned(),
                prices: other.clone(),
            });
        }
        let price = self.highest_price().ok_or(CoverageError::NoPrice)?;
        balance
            .whole_times(price)
            .ok_or_else(|| CoverageError::PriceNotPositive {
                price: price.clone(),
            })
    }
}

/// Why [`CountryPricing::messages_covered`] gave no count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoverageError {
    /// The balance and the prices are in different currencies: a count would compare euros
    /// with dollars.
    #[error("the balance is in {balance} but the prices are in {prices}")]
    CurrencyMismatch {
        /// The balance's currency.
        balance: String,
        /// The first other currency the prices name.
        prices: String,
    },
    /// The country lists no price (no network with one, and no default price).
    #[error("no price is known for the country")]
    NoPrice,
    /// The highest price is zero or negative: any balance would cover any number of messages.
    #[error("the highest price {price} is not above zero")]
    PriceNotPositive {
        /// The price.
        price: Amount,
    },
}

impl From<types::CountryPricing> for CountryPricing {
    fn from(c: types::CountryPricing) -> Self {
        CountryPricing {
            country_code: c.country_code,
            country_name: c.country_name,
            country_display_name: c.country_display_name,
            currency: c.currency,
            default_price: c.default_price,
            dialing_prefix: c.dialing_prefix,
            networks: c.networks.into_iter().map(NetworkPricing::from).collect(),
        }
    }
}

impl From<types::NetworkPricing> for NetworkPricing {
    fn from(n: types::NetworkPricing) -> Self {
        NetworkPricing {
            network_type: n.type_.as_deref().map(NetworkType::from),
            price: n.price,
            currency: n.currency,
            mcc: n.mcc,
            mnc: n.mnc,
            network_code: n.network_code,
            network_name: n.network_name,
        }
    }
}

impl Pricing {
    fn api(&self) -> &crate::generated::account::Client {
        &self.client.inner.account
    }

    /// The prices for one country (`GET /account/get-pricing/outbound/{type}?country=`). The
    /// country is two ASCII letters, checked before sending (lower case is sent upper case).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), vonage_account::Error> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// use vonage_account::ServiceType;
    /// let germany = client.pricing().country(ServiceType::Sms, "DE").await?;
    /// for network in &germany.networks {
    ///     println!("{:?}: {:?}", network.network_name, network.price);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn country(
        &self,
        service: ServiceType,
        country: &str,
    ) -> Call<impl Future<Output = Result<Answer<CountryPricing>, Error>>> {
        Call::new(async move {
            let country = validate::country_code(country)?;
            let answer = call(|| self.api().retrieve_pricing_country(&service, &country)).await?;
            Ok(answer.map(CountryPricing::from))
        })
    }

    /// The prices of every country that dials `prefix` (`1` gives the US, Canada and the US
    /// Minor Outlying Islands): `GET /account/get-prefix-pricing/outbound/{type}?prefix=`. The
    /// prefix is digits; a leading `+` is dropped.
    pub fn prefix(
        &self,
        service: ServiceType,
        prefix: &str,
    ) -> Call<impl Future<Output = Result<Answer<Vec<CountryPricing>>, Error>>> {
        Call::new(async move {
            let prefix = validate::dialing_prefix(prefix)?;
            let answer = call(|| self.api().retrieve_prefix_pricing(&service, prefix)).await?;
            Ok(answer.map(countries))
        })
    }

    /// The prices of every country (`GET /account/get-full-pricing/outbound/{type}`): an answer
    /// of hundreds of KB, read up to 8 MiB (or the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) if larger).
    pub fn all_countries(
        &self,
        service: ServiceType,
    ) -> Call<impl Future<Output = Result<Answer<Vec<CountryPricing>>, Error>>> {
        Call::new(async move {
            let answer = call(|| self.api().retrieve_pricing_all_countries(&service)).await?;
            Ok(answer.map(countries))
        })
    }
}

/// The countries of a list answer. Its `count` (a string or a number, depending on the answer)
/// only repeats how many follow, so the list itself is the truth.
fn countries(list: types::PricingList) -> Vec<CountryPricing> {
    list.countries
        .into_iter()
        .map(CountryPricing::from)
        .collect()
}
