//! The Account API: balance, top-up, and the default SMS webhook settings.

use serde::{Deserialize, Serialize};

use crate::{
    Amount, Answer, Call, Client, Error,
    call::{call, call_raw},
    generated::account::types,
    validate,
};

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

impl Balance {
    /// The currency of [`value`](Self::value): `EUR`, the one the Account API documents for
    /// the balance (its answer names none). What
    /// [`CountryPricing::messages_covered`](crate::CountryPricing::messages_covered) compares
    /// a price table's currency with.
    pub const CURRENCY: &'static str = "EUR";
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

/// What a top-up's answer said, when it was a success.
///
/// The documented success is a 2xx with `"error-code": "200"` ([`TopUp::confirmed`]). A 2xx
/// that was read whole and has **no** `error-code` (an empty body, `{}`, another JSON value) is
/// also taken as success, with [`error_code`](TopUp::error_code) `None`: the HTTP status is the
/// API's primary signal, and reporting a failure for a top-up that went through invites a retry
/// that charges twice. Check the balance when [`confirmed`](TopUp::confirmed) is false and it
/// matters.
///
/// A 2xx with any other `error-code` is an error
/// ([`ErrorKind::TopUpFailed`](crate::ErrorKind::TopUpFailed)). A 2xx whose body is not JSON
/// (cut off, an HTML page) could have hidden a failure code, so it is neither: a
/// [`Decode`](crate::ErrorKind::Decode) error that says the top-up was accepted and has
/// probably taken effect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TopUp {
    /// The HTTP status of the answer.
    pub status: reqwest::StatusCode,
    /// The `X-Request-Id` of the answer.
    pub request_id: Option<String>,
    /// `error-code`: `"200"` as documented, or `None` when the answer carried none.
    pub error_code: Option<String>,
    /// `error-code-label` (`"success"`), when the answer carried one (credentials redacted).
    pub error_code_label: Option<String>,
}

impl TopUp {
    /// Whether the answer was the documented success, `"error-code": "200"`; false for a 2xx
    /// that carried no code.
    pub fn confirmed(&self) -> bool {
        self.error_code.is_some()
    }
}

/// The HTTP method Vonage uses to call the webhook URLs.
///
/// The generated client uses this type itself (progenitor's `with_replacement`), so its wire
/// spelling is written once, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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
            let answer = call(|| self.api().get_account_balance()).await?;
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
    /// Never sent twice: it is retried only when no connection could be made at all. A 2xx
    /// answer is a success unless it carries an `error-code` other than `"200"`; see [`TopUp`]
    /// for a 2xx without any code.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// let top_up = client.account().top_up("8ef2447e69604f642ae59363aa5f781b").await?;
    /// if !top_up.confirmed() {
    ///     println!("Vonage answered {} without a code; check the balance", top_up.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn top_up<'a>(
        &'a self,
        trx: &'a str,
    ) -> Call<impl Future<Output = Result<Answer<TopUp>, Error>> + 'a> {
        Call::new(async move {
            validate::trx(trx)?;
            let body = types::TopUpRequest {
                trx: trx.to_owned(),
            };
            // The answer is decided here from its bytes: the generated type would refuse a 2xx
            // without a code, and a code that is a number.
            let answer = call_raw(|| self.api().top_up_account_balance(&body)).await?;
            let text = crate::error::strip_bom(&answer.body);
            let json = if text.iter().all(u8::is_ascii_whitespace) {
                None
            } else {
                // A body that cannot be read may have carried a failure code (a cut-off
                // `{"error-code":"420"…`): neither a success nor a failure can be told, and the
                // error says the top-up was accepted and has probably taken effect.
                match serde_json::from_slice::<serde_json::Value>(text) {
                    Ok(json) => Some(json),
                    Err(e) => return Err(answer.into_decode_error(&e.to_string())),
                }
            };
            let field = |name: &str| {
                json.as_ref()
                    .and_then(|j| j.get(name))
                    .and_then(|v| match v {
                        serde_json::Value::Null => None,
                        serde_json::Value::String(s) => Some(s.trim().to_owned()),
                        other => Some(other.to_string()),
                    })
                    .filter(|s| !s.is_empty())
            };
            match field("error-code") {
                // A code, and not the success code: a failure, whatever the status said.
                Some(code) if code != "200" => Err(answer.into_error()),
                code => {
                    let mut label = field("error-code-label");
                    if let Some(label) = &mut label {
                        answer.redactor().redact_string(label);
                    }
                    if code.is_none() {
                        tracing::warn!(
                            status = answer.status.as_u16(),
                            request_id = answer.request_id.as_deref(),
                            "vonage_account.top_up_unconfirmed"
                        );
                    }
                    let meta = answer.meta()?;
                    Ok(Answer {
                        value: TopUp {
                            status: answer.status,
                            request_id: answer.request_id,
                            error_code: code,
                            error_code_label: label,
                        },
                        meta,
                    })
                }
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
        // An async block, not the inner future itself: built in place, its unstarted state is a
        // few bytes, where a started-looking `send_settings(..)` future is moved whole (17 KB)
        // each time the caller moves the call.
        Call::new(async move {
            self.send_settings(Ok(types::SettingsRequest::default()))
                .await
        })
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
        Call::new(async move { self.send_settings(update.to_request()).await })
    }

    /// Sends a settings request, or the error found while building it.
    async fn send_settings(
        &self,
        request: Result<types::SettingsRequest, Error>,
    ) -> Result<Answer<Settings>, Error> {
        let request = request?;
        // Setting the same values again gives the same result, so both reads and updates retry
        // (the spec's `x-retry: repeatable`).
        let answer = call(|| self.api().change_account_settings(&request)).await?;
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
