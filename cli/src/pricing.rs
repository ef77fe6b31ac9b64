//! `pricing`: what an SMS or a call costs, per country, per dialling prefix, or everywhere.

use clap::{Args, builder::TypedValueParser as _};
use vonage_account::{CountryPricing, ServiceType};

use crate::{
    output::{Failure, Output},
    profiles::Context,
};

/// `pricing TYPE (--country CC | --prefix NN | --all)`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["country", "prefix", "all"])))]
pub struct PricingArgs {
    /// What to price: sms, sms-transit or voice (voice prices are per minute)
    #[arg(value_name = "TYPE", value_parser = service_type_parser())]
    pub service: ServiceType,

    /// One country, by its two letter code (DE)
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,

    /// Every country on a dialling prefix (44; 1 gives the US, Canada and more)
    #[arg(long, value_name = "NN")]
    pub prefix: Option<String>,

    /// Every country (a large answer)
    #[arg(long)]
    pub all: bool,
}

/// A price type's values: the wire spellings of [`ServiceType`] (`sms`, `sms-transit`, `voice`).
fn service_type_parser() -> impl clap::builder::TypedValueParser<Value = ServiceType> {
    let all = [
        ServiceType::Sms,
        ServiceType::SmsTransit,
        ServiceType::Voice,
    ];
    clap::builder::PossibleValuesParser::new(all.map(ServiceType::as_str)).map(move |name| {
        all.into_iter()
            .find(|service| service.as_str() == name)
            .unwrap_or(ServiceType::Sms)
    })
}

/// Looks the prices up and prints them.
pub async fn run(args: &PricingArgs, ctx: &Context, out: Output) -> Result<(), Failure> {
    let client = ctx.client()?;
    let pricing = client.pricing();
    let countries = match (&args.country, &args.prefix) {
        (Some(country), _) => vec![pricing.country(args.service, country).await?],
        (None, Some(prefix)) => pricing.prefix(args.service, prefix).await?,
        (None, None) => pricing.all_countries(args.service).await?,
    };
    if out.json {
        // One country is one object; a prefix or --all is a list, as the library returns them.
        return match (&args.country, countries.as_slice()) {
            (Some(_), [one]) => out.print_json(one),
            _ => out.print_json(&countries),
        };
    }
    for country in &countries {
        print_country(args.service, country, out);
    }
    if countries.is_empty() {
        out.line("No countries.");
    }
    Ok(())
}

/// `DE Germany (+49), sms, EUR: default 0.07700000` and one indented line per network, every
/// price exactly as sent.
fn print_country(service: ServiceType, country: &CountryPricing, out: Output) {
    let name = country
        .country_display_name
        .as_deref()
        .or(country.country_name.as_deref())
        .unwrap_or("");
    let prefix = country
        .dialing_prefix
        .as_deref()
        .map(|p| format!(" (+{p})"))
        .unwrap_or_default();
    let currency = country.currency.as_deref().unwrap_or("?");
    let default = country
        .default_price
        .as_ref()
        .map(|p| format!("default {p}"))
        .unwrap_or_else(|| "no default price".into());
    out.line(format_args!(
        "{} {name}{prefix}, {service}, {currency}: {default}",
        country.country_code
    ));
    for network in &country.networks {
        let price = network
            .price
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_else(|| "no price".into());
        let kind = network
            .network_type
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_else(|| "?".into());
        let code = network.network_code.as_deref().unwrap_or("?");
        let name = network.network_name.as_deref().unwrap_or("");
        out.line(format_args!("  {price}  {kind:<17} {code:<12} {name}"));
    }
}
