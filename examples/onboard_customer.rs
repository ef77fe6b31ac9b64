//! Onboarding a customer: a sub-account of its own with an opening balance, written to be lifted
//! into a service.
//!
//! `onboard` creates the sub-account with its own balance and a secret made here, then moves the
//! opening balance to it. Neither call is ever sent twice by the crate; when an answer is lost
//! (the outcome is unknown) it settles the outcome before going on, so a retry of the whole
//! onboarding never makes two sub-accounts or moves the money twice.
//!
//! With no `VONAGE_API_KEY` in the environment this runs against the embedded fake server, once
//! plainly and once with both answers lost after the work was done. With credentials it onboards
//! one customer for real: `cargo run --example onboard_customer -- "Acme Ltd" 25.00`.
//!
//! Everything but `main` is production code: it takes a `Client` and never sees the fake.

use vonage_account::{
    Amount, Client, CreatedSubaccount, Error, ErrorKind, ExposeSecret, MoneyTransfer,
    NewSubaccount, SecretString, Settlement, Transfer, generate_secret,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "Acme Ltd".into());
    let opening: Amount = args.next().as_deref().unwrap_or("25.00").parse()?;
    if std::env::var_os("VONAGE_API_KEY").is_some() {
        let client = Client::from_env()?;
        let customer = onboard(&client, &name, &opening).await?;
        report(&customer);
        return Ok(());
    }
    // The demo's only choice: without credentials, the embedded fake server.
    use vonage_account::Operation;
    use vonage_account_fake::{FakeVonage, Fault};
    let fake = FakeVonage::start().await;
    println!(
        "No VONAGE_API_KEY set: the embedded fake Vonage server at {}\n",
        fake.url()
    );
    let client = fake.client();
    report(&onboard(&client, &name, &opening).await?);

    println!("\nAgain, with both answers lost after Vonage did the work:");
    fake.inject(Fault::commit_then_drop().on(Operation::CreateSubAccount));
    fake.inject(Fault::commit_then_drop().on(Operation::TransferBalance));
    report(&onboard(&client, "Globex Corp", &opening).await?);
    let view = fake.subaccounts();
    println!(
        "\nThe fake has {} sub-accounts and {} balance transfers: nothing was done twice.",
        view.subaccounts.len(),
        view.transfers.len()
    );
    Ok(())
}

/// A customer's sub-account, ready to hand over.
#[derive(Debug)]
pub struct Customer {
    /// The sub-account's API key.
    pub api_key: String,
    /// Its API secret: give it to the customer (or store it) now.
    pub secret: SecretString,
    /// The opening balance transfer.
    pub opening: Transfer,
}

/// Creates a sub-account named `name` with its own balance and a fresh secret, and moves
/// `opening` EUR to it from the primary account. Safe against lost answers: see the module docs.
pub async fn onboard(client: &Client, name: &str, opening: &Amount) -> Result<Customer, Error> {
    let subs = client.subaccounts();
    let secret = generate_secret().map_err(|e| Error::Config(e.to_string()))?;
    let new = NewSubaccount::new(name)
        .own_balance()
        .secret(secret.clone());
    let api_key = match subs.create(&new).await {
        Ok(CreatedSubaccount { subaccount, .. }) => subaccount.api_key,
        Err(e) if e.kind() == ErrorKind::OutcomeUnknown => {
            let unknown = e.outcome_unknown().expect("an unknown outcome");
            match subs.settle(unknown).await? {
                // It was created, with the secret sent: the newest of that name.
                Settlement::Created(found) => found[0].api_key.clone(),
                // Not created: creating it now is creating it once.
                _ => subs.create(&new).await?.subaccount.api_key,
            }
        }
        Err(e) => return Err(e),
    };
    let transfer = MoneyTransfer::new(client.api_key(), &api_key, opening)
        .reference(format!("onboarding {api_key}"));
    let opening = match subs.transfer_balance(&transfer).await {
        Ok(made) => made,
        Err(e) if e.kind() == ErrorKind::OutcomeUnknown => {
            let unknown = e.outcome_unknown().expect("an unknown outcome");
            match subs.settle(unknown).await? {
                Settlement::Transferred(made) => made,
                _ => subs.transfer_balance(&transfer).await?,
            }
        }
        Err(e) => return Err(e),
    };
    Ok(Customer {
        api_key,
        secret,
        opening,
    })
}

fn report(customer: &Customer) {
    println!(
        "onboarded {}: secret of {} characters, {} EUR moved (transfer {}, reference {:?})",
        customer.api_key,
        customer.secret.expose_secret().len(),
        customer.opening.amount,
        customer.opening.id,
        customer.opening.reference.as_deref().unwrap_or_default(),
    );
}
