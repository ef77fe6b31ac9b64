//! Onboarding a customer as a sub-account, written to be lifted into a service: a sub-account
//! with a balance of its own, its secret kept, an opening balance moved to it exactly once, and
//! the ways back (suspend, reactivate).
//!
//! Money moves without an idempotency key, so the code never sends a create or a transfer twice
//! on its own: when an answer is lost ([`ErrorKind::OutcomeUnknown`]) it looks in the list or the
//! ledger first ([`Subaccounts::settle`]). The opening transfer carries a reference derived from
//! the sub-account's key, so running the onboarding again for the same sub-account finds it in
//! the ledger instead of paying twice.
//!
//! Run: `cargo run --example onboard_customer` (the embedded fake server), or with
//! `VONAGE_API_KEY`/`VONAGE_API_SECRET` set: `cargo run --example onboard_customer -- NAME EUR`
//! (this creates a real sub-account and moves real balance to it).
//!
//! Everything but `main` is production code: it takes a `Client`.

use vonage_account::{
    Client, Error, ExposeSecret as _, MoneyTransfer, NewSubaccount, SecretString, Settlement,
    Subaccount, Transfer, TransferKind, generate_secret,
};

/// What onboarding can fail with: a call ([`Error`]), the rotation that replaces a lost secret
/// ([`vonage_account::RotationError`]), or the OS's random source.
pub type OnboardError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), OnboardError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if std::env::var_os("VONAGE_API_KEY").is_some() {
        let client = Client::from_env()?;
        let [name, amount] = args.as_slice() else {
            eprintln!("usage, with real credentials: onboard_customer NAME EUR");
            for sub in client.subaccounts().list().await?.subaccounts {
                println!("{} {:?}", sub.api_key, sub.name);
            }
            return Ok(());
        };
        let customer = onboard(&client, name, amount).await?;
        println!(
            "onboarded {} ({:?})",
            customer.subaccount.api_key, customer.subaccount.name
        );
        return Ok(());
    }
    // The demo's only choice: without credentials, the embedded fake server.
    let fake = vonage_account_fake::FakeVonage::start().await;
    let client = fake.client();
    let customer = onboard(&client, "Acme Ltd", "25.00").await?;
    let key = customer.subaccount.api_key.clone();
    println!(
        "onboarded {key}: opening transfer {} (reference {}); secret kept ({} characters)",
        customer.opening.id,
        customer.opening.reference.as_deref().unwrap_or("none"),
        customer.secret.expose_secret().len()
    );
    // Running it again for the same sub-account pays nothing twice.
    let again = open_balance(&client, &customer.subaccount, "25.00").await?;
    println!("again:     found transfer {} in the ledger", again.id);
    suspend(&client, &key).await?;
    println!("suspended {key}");
    reactivate(&client, &key).await?;
    println!("reactivated {key}");
    println!("the fake saw {} requests", fake.requests().len());
    Ok(())
}

/// A customer's sub-account, its secret (the only copy), and the opening transfer.
#[derive(Debug)]
pub struct Customer {
    /// The sub-account.
    pub subaccount: Subaccount,
    /// Its API secret: store it (a vault, the customer's configuration) before anything else.
    pub secret: SecretString,
    /// The transfer of the opening balance.
    pub opening: Transfer,
}

/// Creates the customer's sub-account with a balance of its own and moves `opening_eur` to it.
///
/// A create whose answer was lost is settled by name and time; the sub-account it made is taken
/// over with a new secret (the lost answer held the only copy of the first one).
pub async fn onboard(
    client: &Client,
    name: &str,
    opening_eur: &str,
) -> Result<Customer, OnboardError> {
    let subaccounts = client.subaccounts();
    let (subaccount, secret) = match subaccounts
        .create(&NewSubaccount::new(name).own_balance())
        .await
    {
        Ok(created) => (created.subaccount.clone(), created.secret),
        Err(e) => {
            let Some(unknown) = e.outcome_unknown() else {
                return Err(e.into());
            };
            match subaccounts.settle(unknown).await? {
                Settlement::Created(found) if !found.is_empty() => {
                    let sub = found[0].clone();
                    let secret = replace_lost_secret(client, &sub.api_key).await?;
                    (sub, secret)
                }
                // Not made: one more attempt, which again is never sent twice.
                _ => {
                    let created = subaccounts
                        .create(&NewSubaccount::new(name).own_balance())
                        .await?;
                    (created.subaccount.clone(), created.secret)
                }
            }
        }
    };
    let opening = open_balance(client, &subaccount, opening_eur).await?;
    Ok(Customer {
        subaccount,
        secret,
        opening,
    })
}

/// A new secret for a sub-account whose secret was lost: the only one it has is replaced.
async fn replace_lost_secret(client: &Client, api_key: &str) -> Result<SecretString, OnboardError> {
    let secret = generate_secret()?;
    client.secrets_for(api_key).rotate(secret.clone()).await?;
    Ok(secret)
}

/// Moves `amount_eur` of balance from the primary account to the sub-account, exactly once:
/// the reference names the sub-account, so a transfer already in the ledger is found, not made
/// again; a transfer whose answer was lost is looked for before it is sent again.
pub async fn open_balance(
    client: &Client,
    sub: &Subaccount,
    amount_eur: &str,
) -> Result<Transfer, Error> {
    let subaccounts = client.subaccounts();
    let reference = format!("opening balance {}", sub.api_key);
    let find = || {
        subaccounts.find_transfer(
            TransferKind::Balance,
            &reference,
            sub.created_at,
            &sub.api_key,
        )
    };
    if let Some(done) = find().await? {
        return Ok(done);
    }
    let transfer =
        MoneyTransfer::new(client.api_key(), &sub.api_key, amount_eur).reference(&reference);
    match subaccounts.transfer_balance(&transfer).await {
        Ok(made) => Ok(made),
        // Lost answer: in the ledger means made; only if not there is it sent again.
        Err(e) if e.outcome_unknown().is_some() => match find().await? {
            Some(done) => Ok(done),
            None => subaccounts.transfer_balance(&transfer).await,
        },
        Err(e) => Err(e),
    }
}

/// Suspends the customer's sub-account (a customer who stopped paying); its data and numbers
/// stay.
pub async fn suspend(client: &Client, api_key: &str) -> Result<Subaccount, Error> {
    client.subaccounts().suspend(api_key).await
}

/// Reactivates a suspended sub-account.
pub async fn reactivate(client: &Client, api_key: &str) -> Result<Subaccount, Error> {
    client.subaccounts().reactivate(api_key).await
}
