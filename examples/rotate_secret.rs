//! Rotate the API secret, the way a service whose secret is held by several processes must:
//! stage the new secret, roll it out, retire the old one.
//!
//! With credentials (`VONAGE_API_KEY`, `VONAGE_API_SECRET`, and `VONAGE_API_SECRET_ID` if the key
//! has two secrets):
//!
//! - `VONAGE_NEW_SECRET=... cargo run --example rotate_secret -- stage [--make-room]` creates and
//!   proves the new secret; the old one keeps working. It prints the old secret's id.
//! - roll the new secret out to every replica and job;
//! - `cargo run --example rotate_secret -- retire OLD_ID` (with the new secret in
//!   `VONAGE_API_SECRET`) revokes the old one. Safe to run again.
//! - `cargo run --example rotate_secret -- status` shows which secret is staged.
//! - `VONAGE_NEW_SECRET=... cargo run --example rotate_secret -- once` rotates in one step, for a
//!   secret that only this process holds.
//!
//! Without credentials it runs stage, a pretend roll-out and retire on the embedded fake server.
//! Everything but `main` is production code: it takes a `Client` and never sees the fake.

use vonage_account::{Client, Retired, RotationError, RotationState, SecretString};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let make_room = args.iter().any(|a| a == "--make-room");
    // The demo's only choice: the real API from the environment, or the embedded fake server.
    if std::env::var_os("VONAGE_API_KEY").is_none() {
        let fake = vonage_account_fake::FakeVonage::start().await;
        println!("(no VONAGE_API_KEY: rotating on the embedded fake server)");
        let client = fake.client();
        let new_secret = SecretString::from("Rotated-Example-1");
        let staged = stage(&client, new_secret.clone(), make_room).await?;
        println!("(the fleet reloads with the new secret)");
        let reloaded = client.to_builder().api_secret(new_secret).build()?;
        retire(&reloaded, &staged).await?;
        return Ok(());
    }
    let client = Client::from_env()?;
    let new_secret = || -> Result<SecretString, Box<dyn std::error::Error>> {
        Ok(std::env::var("VONAGE_NEW_SECRET")
            .map_err(|_| "set VONAGE_NEW_SECRET to the new secret")?
            .into())
    };
    match args.first().map(String::as_str) {
        Some("stage") => drop(stage(&client, new_secret()?, make_room).await?),
        Some("retire") => {
            let old = args.get(1).ok_or("usage: rotate_secret retire OLD_ID")?;
            retire(&client, old).await?;
        }
        Some("status") => status(&client).await?,
        Some("once") => once(&client, new_secret()?, make_room).await?,
        _ => {
            return Err(
                "usage: rotate_secret stage [--make-room] | retire OLD_ID | status | once".into(),
            );
        }
    }
    Ok(())
}

/// Phase 1: the new secret is created and proven; the old one keeps working. Returns the old
/// secret's id, for [`retire`].
async fn stage(
    client: &Client,
    new_secret: SecretString,
    make_room: bool,
) -> Result<String, RotationError> {
    let staged = client
        .secrets()
        .stage(new_secret)
        .make_room(make_room)
        .await
        .inspect_err(report)?;
    println!(
        "staged secret {} next to {}; roll it out (VONAGE_API_SECRET_ID={}), then retire {}",
        staged.secret.id, staged.old_secret_id, staged.secret.id, staged.old_secret_id
    );
    Ok(staged.old_secret_id)
}

/// Phase 2: once every holder uses the new secret, the old one goes.
async fn retire(client: &Client, old: &str) -> Result<(), RotationError> {
    match client.secrets().retire(old).await.inspect_err(report)? {
        Retired::Revoked => println!("retired secret {old}"),
        _ => println!("secret {old} was already gone"),
    }
    Ok(())
}

/// Where the key stands, from the API alone.
async fn status(client: &Client) -> Result<(), vonage_account::Error> {
    match client.secrets().rotation_state().await? {
        RotationState::Staged { old, staged } => {
            println!(
                "staged {}; retire {} once it is rolled out",
                staged.id, old.id
            )
        }
        RotationState::Settled { current } => println!("nothing staged; secret {}", current.id),
        _ => println!("no secret listed"),
    }
    Ok(())
}

/// One step, only for a secret that this process alone holds: the old one is revoked at once.
async fn once(
    client: &Client,
    new_secret: SecretString,
    make_room: bool,
) -> Result<(), RotationError> {
    let rotation = client
        .secrets()
        .rotate(new_secret)
        .make_room(make_room)
        .await
        .inspect_err(report)?;
    println!(
        "new secret {} is active; revoked {:?}; set VONAGE_API_SECRET_ID={}",
        rotation.secret.id, rotation.revoked, rotation.secret.id
    );
    Ok(())
}

fn report(e: &RotationError) {
    eprintln!("stopped at '{}'", e.step);
    if let Some(created) = &e.created {
        eprintln!(
            "the new secret {} exists next to the old one; both work",
            created.id
        );
    }
}
