//! `top-up TRX`: the balance topped up by the amount of the original auto-reload payment.

use clap::Args;
use serde_json::json;
use vonage_account::TopUp;

use crate::{
    global::Context,
    output::{Failure, Output, shown},
};

/// `top-up TRX`.
#[derive(Debug, Args)]
pub struct TopUpArgs {
    /// The transaction reference of the original auto-reload payment
    pub trx: String,
}

/// Sends the top-up (once: it is never re-sent) and prints the outcome.
pub async fn run(args: &TopUpArgs, ctx: &Context, out: Output) -> Result<(), Failure> {
    let client = ctx.client()?;
    let top_up = client.account().top_up(&args.trx).await?;
    print(&args.trx, &top_up, out)
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
