//! `settings`: the SMS webhook settings, shown, or changed with the options.

use clap::{Args, builder::TypedValueParser as _};
use vonage_account::{HttpForwardMethod, Settings, SettingsUpdate};

use crate::{
    output::{Failure, Output, shown},
    profiles::Context,
};

/// `settings` options; with none the settings are only shown.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Set the inbound-SMS webhook URL (mo-callback-url); '' unsets it
    #[arg(long, value_name = "URL")]
    pub mo_url: Option<String>,

    /// Set the delivery-receipt webhook URL (dr-callback-url); '' unsets it
    #[arg(long, value_name = "URL")]
    pub dr_url: Option<String>,

    /// Set the HTTP method Vonage uses to call the webhooks
    #[arg(long, value_name = "METHOD", value_parser = http_method_parser())]
    pub http_method: Option<HttpForwardMethod>,
}

/// `--http-method`'s values: the wire spellings of [`HttpForwardMethod`].
fn http_method_parser() -> impl clap::builder::TypedValueParser<Value = HttpForwardMethod> {
    clap::builder::PossibleValuesParser::new(["GET_QUERY_PARAMS", "POST_QUERY_PARAMS", "POST_JSON"])
        .map(|name| match name.as_str() {
            "GET_QUERY_PARAMS" => HttpForwardMethod::GetQueryParams,
            "POST_QUERY_PARAMS" => HttpForwardMethod::PostQueryParams,
            _ => HttpForwardMethod::PostJson,
        })
}

impl SettingsArgs {
    /// Whether any change was asked for.
    fn is_update(&self) -> bool {
        self.mo_url.is_some() || self.dr_url.is_some() || self.http_method.is_some()
    }

    /// The change the options ask for; `''` unsets a URL.
    fn update(&self) -> SettingsUpdate {
        let mut update = SettingsUpdate::new();
        match self.mo_url.as_deref() {
            None => {}
            Some("") => update = update.unset_mo_callback_url(),
            Some(url) => update = update.mo_callback_url(url),
        }
        match self.dr_url.as_deref() {
            None => {}
            Some("") => update = update.unset_dr_callback_url(),
            Some(url) => update = update.dr_callback_url(url),
        }
        if let Some(method) = self.http_method {
            update = update.http_forward_method(method);
        }
        update
    }
}

/// Shows the settings, or changes them and shows the result.
pub async fn run(args: &SettingsArgs, ctx: &Context, out: Output) -> Result<(), Failure> {
    let client = ctx.client()?;
    if args.is_update() {
        let settings = client.account().update_settings(&args.update()).await?;
        print(&settings, Change::Updated, out)
    } else {
        print(&client.account().settings().await?, Change::Shown, out)
    }
}

/// Whether the settings printed are the result of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Shown,
    Updated,
}

fn print(settings: &Settings, change: Change, out: Output) -> Result<(), Failure> {
    if out.json {
        return out.print_json(settings);
    }
    if change == Change::Updated {
        out.line("Settings updated.");
    }
    let url = |u: &Option<String>| {
        u.as_deref()
            .map_or_else(|| "(unset)".into(), |u| shown(u).into_owned())
    };
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
    out.line(format_args!(
        "Inbound SMS webhook (mo-callback-url):   {}",
        url(&settings.mo_callback_url)
    ));
    out.line(format_args!(
        "Delivery receipts (dr-callback-url):     {}",
        url(&settings.dr_callback_url)
    ));
    out.line(format_args!(
        "Max outbound requests per second:        {}",
        number(settings.max_outbound_request)
    ));
    out.line(format_args!(
        "Max inbound requests per second:         {}",
        number(settings.max_inbound_request)
    ));
    out.line(format_args!(
        "Max API calls per second:                {}",
        number(settings.max_calls_per_second)
    ));
    Ok(())
}
