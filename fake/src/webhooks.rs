//! The check Vonage makes before it saves a webhook URL, made for real when the seed asks for it
//! ([`Seed::check_webhooks`](super::Seed::check_webhooks)): each URL must answer 200 OK.
//!
//! Vonage documents the rule ("Vonage will check that they return a 200 OK response before the
//! setting is saved") but neither the request it sends nor the error it answers; the fake sends
//! a `GET`, follows no redirect, waits up to 5 s, and refuses with its own Account-API problem.

use std::time::Duration;

/// How long a webhook may take to answer the check.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The settings fields that hold a webhook URL.
const URL_FIELDS: [&str; 2] = ["moCallBackUrl", "drCallBackUrl"];

/// Calls each webhook URL a settings form body sets (not the empty ones, which unset it, nor the
/// malformed ones, which the handler refuses), and returns `(field, reason)` for each that did
/// not answer 200 OK.
pub(crate) async fn check(body: &[u8]) -> Vec<(String, String)> {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let urls: Vec<(String, url::Url)> = form
        .into_iter()
        .filter(|(name, _)| URL_FIELDS.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name, url::Url::parse(&value).ok()?)))
        .filter(|(_, url)| matches!(url.scheme(), "http" | "https"))
        .collect();
    if urls.is_empty() {
        return Vec::new();
    }
    let http = match reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(CHECK_TIMEOUT)
        .build()
    {
        Ok(http) => http,
        Err(e) => {
            return urls
                .into_iter()
                .map(|(name, _)| (name, format!("Could not be checked: {e}")))
                .collect();
        }
    };
    let mut refused = Vec::new();
    for (name, url) in urls {
        match http.get(url).send().await {
            Ok(response) if response.status() == reqwest::StatusCode::OK => {}
            Ok(response) => refused.push((
                name,
                format!("Did not answer 200 OK (it answered {})", response.status()),
            )),
            Err(_) => refused.push((name, "Could not be reached".to_owned())),
        }
    }
    refused
}
