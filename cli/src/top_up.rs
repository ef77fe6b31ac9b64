//! `top-up TRX`: the balance topped up by the amount of the original auto-reload payment.

use clap::Args;
use serde_json::json;
use vonage_account::{Error, Operation, TopUp};

use crate::{
    output::{Failure, Output, shown},
    profiles::{Context, Effective},
    prompt,
};

/// `top-up TRX [--yes | --dry-run]`.
#[derive(Debug, Args)]
pub struct TopUpArgs {
    /// The transaction reference of the original auto-reload payment
    pub trx: String,

    /// Go on without asking (needed when not at a terminal): the card is charged
    #[arg(long, short = 'y', conflicts_with = "dry_run")]
    pub yes: bool,

    /// Print the request that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Says what the top-up will do and asks (or takes `--yes`); sends it once (it is never
/// re-sent) and prints the outcome. `--dry-run` prints the request instead.
pub async fn run(args: &TopUpArgs, ctx: &Context, out: Output) -> Result<(), Failure> {
    vonage_account::validate_trx(&args.trx).map_err(Error::from)?;
    let effective = ctx.effective()?;
    let client = effective.client(ctx.global.verbose)?;
    if args.dry_run {
        return print_dry_run(&args.trx, client.api_key(), &effective, out);
    }
    prompt::confirm(
        args.yes,
        &format!(
            "This tops up the balance of {}: the card of the auto-reload payment {} is charged the \
             same amount again.",
            shown(client.api_key()),
            shown(&args.trx)
        ),
    )?;
    let top_up = client.account().top_up(&args.trx).await?;
    print(&args.trx, &top_up, out)
}

/// The request `top-up` would send, credentials not shown.
fn print_dry_run(
    trx: &str,
    api_key: &str,
    effective: &Effective,
    out: Output,
) -> Result<(), Failure> {
    let operation = Operation::TopUpAccountBalance;
    let base = effective
        .rest_url
        .as_ref()
        .map_or(vonage_account::DEFAULT_REST_URL, |u| u.value.as_str());
    let url = format!(
        "{}{}",
        base.trim_end_matches('/'),
        operation.path_template()
    );
    let media_type = operation
        .request_body()
        .map_or("application/x-www-form-urlencoded", |b| b.media_type);
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("trx", trx)
        .finish();
    if out.json {
        return out.print_json(&json!({
            "dry_run": true,
            "sent": false,
            "method": operation.method(),
            "url": url,
            "headers": {
                "Authorization": format!("Basic (API key {api_key} and its secret, not shown)"),
                "Content-Type": media_type,
            },
            "body": body,
        }));
    }
    out.line("Dry run: this request would be sent (nothing was sent):");
    out.line(format_args!("  {} {}", operation.method(), shown(&url)));
    out.line(format_args!(
        "  Authorization: Basic (API key {} and its secret, not shown)",
        shown(api_key)
    ));
    out.line(format_args!("  Content-Type: {media_type}"));
    out.line("");
    out.line(format_args!("  {}", shown(&body)));
    Ok(())
}

/// A 2xx without the documented `error-code` is a success, said to be unconfirmed.
fn print(trx: &str, top_up: &TopUp, out: Output) -> Result<(), Failure> {
    if out.json {
        let mut object = json!({"topped_up": true, "trx": trx});
        if !top_up.confirmed() {
            object["confirmed"] = json!(false);
            object["status"] = json!(top_up.status.as_u16());
            object["request_id"] = json!(top_up.request_id);
        }
        return out.print_json(&object);
    }
    if top_up.confirmed() {
        out.line(format_args!("Topped up (trx {}).", shown(trx)));
    } else {
        out.line(format_args!(
            "Topped up (trx {}), unconfirmed: Vonage answered {} without the documented \
             error-code; check the balance before trying again.",
            shown(trx),
            top_up.status
        ));
    }
    Ok(())
}
