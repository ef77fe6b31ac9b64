//! The Account API: balance, top-up, and the default SMS webhook settings.

use serde::{Deserialize, Serialize};

use crate::{Amount, Answer, Call, Client, Error, call::call, generated::account::types, validate};

/// The balance, top-up and settings calls, from [`Client::account`]. Holds a clone of the client
/// (one `Arc`), so it can be stored and moved into tasks.
///
/// Each method returns a [`Call`]: await it for the value, or await `.with_meta()` for the value
/// with its request id ([`Answer`]).
#[derive(Debug, Clone)]
pub struct Account {
    client: Client,
}

impl Client {
    /// The balance, top-up and settings calls.
    pub fn account(&self) -> Account {
        Account {
            client: self.clone(),
        }
    }
}

/// The account balance.
///
/// Serialized in the crate's style (see [the crate docs](crate#serialization)):
///
/// ```
/// # use vonage_account::Balance;
/// let balance: Balance = serde_json::from_str(r#"{"value": 10.28, "auto_reload": true}"#).unwrap();
/// assert!(balance.auto_reload);
/// assert_eq!(
///     serde_json::to_string(&balance).unwrap(),
///     r#"{"value":10.28,"auto_reload":true}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Balance {
    /// The balance in EUR, with every decimal the API sent.
    pub value: Amount,
    /// Whether auto-reload is enabled (top-ups need it).
    pub auto_reload: bool,
}

/// The account's default SMS webhook settings and its rate limits.
///
/// Serialized in the crate's style (see [the crate docs](crate#serialization)): an unset URL is
/// `null`, never `""`.
///
/// ```
/// # use vonage_account::Settings;
/// let settings = Settings {
///     mo_callback_url: Some("https://example.com/inbound".into()),
///     dr_callback_url: None,
///     max_outbound_request: Some(30),
///     max_inbound_request: Some(30),
///     max_calls_per_second: Some(30),
/// };
/// let json = serde_json::to_value(&settings).unwrap();
/// assert_eq!(json["mo_callback_url"], "https://example.com/inbound");
/// assert!(json["dr_callback_url"].is_null());
/// assert_eq!(serde_json::from_value::<Settings>(json).unwrap(), settings);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Settings {
    /// The default webhook URL for inbound SMS; `None` when unset.
    #[serde(deserialize_with = "empty_is_none", default)]
    pub mo_callback_url: Option<String>,
    /// The webhook URL for delivery receipts; `None` when unset.
    #[serde(deserialize_with = "empty_is_none", default)]
    pub dr_callback_url: Option<String>,
    /// The maximum number of outbound messages per second.
    #[serde(default)]
    pub max_outbound_request: Option<i64>,
    /// The maximum number of inbound messages per second.
    #[serde(default)]
    pub max_inbound_request: Option<i64>,
    /// The maximum number of API calls per second.
    #[serde(default)]
    pub max_calls_per_second: Option<i64>,
}

/// The HTTP method Vonage uses to call the webhook URLs.
///
/// The generated client uses this type itself (progenitor's `with_replacement`), so its wire
/// spelling is written once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[cfg_attr(feature = "cli", value(rename_all = "SCREAMING_SNAKE_CASE"))]
#[non_exhaustive]
pub enum HttpForwardMethod {
    /// `GET` with the data as query parameters.
    GetQueryParams,
    /// `POST` with the data as query parameters.
    PostQueryParams,
    /// `POST` with the data as a JSON body.
    PostJson,
}

/// What to do with one webhook URL in a [`SettingsUpdate`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UrlChange {
    /// Leave it as it is (the field is not sent).
    #[default]
    Keep,
    /// Set it to this URL (checked to be absolute `http`/`https` before sending).
    Set(String),
    /// Unset it (sent as an empty string).
    Unset,
}

/// A change to the account settings; what is not mentioned stays as it is.
///
/// ```
/// use vonage_account::{HttpForwardMethod, SettingsUpdate};
/// let update = SettingsUpdate::new()
///     .mo_callback_url("https://example.com/inbound")
///     .unset_dr_callback_url()
///     .http_forward_method(HttpForwardMethod::PostJson);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SettingsUpdate {
    /// The inbound-SMS webhook URL.
    pub mo_callback_url: UrlChange,
    /// The delivery-receipt webhook URL.
    pub dr_callback_url: UrlChange,
    /// The HTTP method for the webhooks, if it should change.
    pub http_forward_method: Option<HttpForwardMethod>,
}

impl SettingsUpdate {
    /// A change that changes nothing.
    pub fn new() -> SettingsUpdate {
        SettingsUpdate::default()
    }

    /// Sets the inbound-SMS webhook URL.
    pub fn mo_callback_url(mut self, url: impl Into<String>) -> Self {
        self.mo_callback_url = UrlChange::Set(url.into());
        self
    }

    /// Unsets the inbound-SMS webhook URL.
    pub fn unset_mo_callback_url(mut self) -> Self {
        self.mo_callback_url = UrlChange::Unset;
        self
    }

    /// Sets the delivery-receipt webhook URL.
    pub fn dr_callback_url(mut self, url: impl Into<String>) -> Self {
        self.dr_callback_url = UrlChange::Set(url.into());
        self
    }

    /// Unsets the delivery-receipt webhook URL.
    pub fn unset_dr_callback_url(mut self) -> Self {
        self.dr_callback_url = UrlChange::Unset;
        self
    }

    /// Sets the HTTP method Vonage uses for the webhooks.
    pub fn http_forward_method(mut self, method: HttpForwardMethod) -> Self {
        self.http_forward_method = Some(method);
        self
    }

    /// The wire form, after checking every URL.
    fn to_request(&self) -> Result<types::SettingsRequest, Error> {
        let url = |field, change: &UrlChange| -> Result<Option<String>, Error> {
            Ok(match change {
                UrlChange::Keep => None,
                UrlChange::Unset => Some(String::new()),
                UrlChange::Set(url) => {
                    validate::callback_url(field, url)?;
                    Some(url.clone())
                }
            })
        };
        Ok(types::SettingsRequest {
            mo_call_back_url: url("mo_callback_url", &self.mo_callback_url)?,
            dr_call_back_url: url("dr_callback_url", &self.dr_callback_url)?,
            http_forward_method: self.http_forward_method,
        })
    }
}

impl Account {
    fn api(&self) -> &crate::generated::account::Client {
        &self.client.inner.account
    }

    /// The balance in EUR and whether auto-reload is on (`GET /account/get-balance`).
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// let balance = client.account().balance().await?;
    /// println!("{} EUR, auto-reload {}", balance.value, balance.auto_reload);
    /// # Ok(()) }
    /// ```
    pub fn balance(&self) -> Call<impl Future<Output = Result<Answer<Balance>, Error>>> {
        Call::new(async move {
            let answer = call(self.api().get_account_balance()).await?;
            Ok(answer.map(|balance| Balance {
                value: balance.value,
                auto_reload: balance.auto_reload,
            }))
        })
    }

    /// Tops up the balance by the amount of the original auto-reload payment
    /// (`POST /account/top-up`). Needs auto-reload on the account; otherwise the error's kind is
    /// [`ErrorKind::AutoReloadDisabled`](crate::ErrorKind::AutoReloadDisabled).
    ///
    /// Never sent twice: it is retried only when no connection could be made at all.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// client.account().top_up("8ef2447e69604f642ae59363aa5f781b").await?;
    /// # Ok(()) }
    /// ```
    pub fn top_up(&self, trx: &str) -> Call<impl Future<Output = Result<Answer<()>, Error>>> {
        Call::new(async move {
            validate::trx(trx)?;
            let body = types::TopUpRequest {
                trx: trx.to_owned(),
            };
            let answer = call(self.api().top_up_account_balance(&body)).await?;
            // A 2xx can still carry a failure code.
            if answer.value.error_code.trim() == "200" {
                Ok(answer.map(drop))
            } else {
                Err(Error::Api(Box::new(crate::ApiError {
                    status: answer.meta.status,
                    request_id: answer.meta.request_id,
                    body: crate::ErrorBody::Legacy {
                        code: answer.value.error_code,
                        label: answer.value.error_code_label,
                    },
                })))
            }
        })
    }

    /// The current settings: a settings `POST` with no fields, which changes nothing.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// let settings = client.account().settings().await?;
    /// println!("inbound SMS go to {:?}", settings.mo_callback_url);
    /// # Ok(()) }
    /// ```
    pub fn settings(&self) -> Call<impl Future<Output = Result<Answer<Settings>, Error>>> {
        Call::new(self.send_settings(Ok(types::SettingsRequest::default())))
    }

    /// Changes the settings and returns them as they are afterwards (`POST /account/settings`).
    /// Every URL is checked before anything is sent; Vonage also checks that each answers 200.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// use vonage_account::SettingsUpdate;
    /// let update = SettingsUpdate::new().mo_callback_url("https://example.com/inbound");
    /// let settings = client.account().update_settings(&update).await?;
    /// # Ok(()) }
    /// ```
    pub fn update_settings(
        &self,
        update: &SettingsUpdate,
    ) -> Call<impl Future<Output = Result<Answer<Settings>, Error>>> {
        Call::new(self.send_settings(update.to_request()))
    }

    /// Sends a settings request, or the error found while building it.
    async fn send_settings(
        &self,
        request: Result<types::SettingsRequest, Error>,
    ) -> Result<Answer<Settings>, Error> {
        let request = request?;
        // Setting the same values again gives the same result, so both reads and updates retry
        // (the spec's `x-retry: repeatable`).
        let answer = call(self.api().change_account_settings(&request)).await?;
        let url = |u: Option<String>| u.filter(|u| !u.is_empty());
        Ok(answer.map(|settings| Settings {
            mo_callback_url: url(settings.mo_callback_url),
            dr_callback_url: url(settings.dr_callback_url),
            max_outbound_request: settings.max_outbound_request,
            max_inbound_request: settings.max_inbound_request,
            max_calls_per_second: settings.max_calls_per_second,
        }))
    }
}

/// An unset URL reads as `None` whether it is written `null`, left out, or `""` (as the wire
/// has it).
fn empty_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}
