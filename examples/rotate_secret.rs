//! Rotate the API secret without downtime.
//!
//! `VONAGE_NEW_SECRET=... cargo run --example rotate_secret` creates the new secret, proves it
//! works, revokes the old one, and prints the new secret's id. With `--make-room` it first
//! revokes the key's other secret if the key already has two. Uses the real API when
//! `VONAGE_API_KEY`/`VONAGE_API_SECRET` are set (and `VONAGE_API_SECRET_ID` if the key has two
//! secrets), else the embedded fake server.

use vonage_account::{Client, ClientBuilder, RotationError, testing::FakeVonage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let make_room = std::env::args().any(|a| a == "--make-room");
    let new_secret =
        std::env::var("VONAGE_NEW_SECRET").unwrap_or_else(|_| "Rotated-Example-1".into());
    let fake;
    let client = if std::env::var_os("VONAGE_API_KEY").is_some() {
        let mut builder = ClientBuilder::from_env();
        if let Ok(id) = std::env::var("VONAGE_API_SECRET_ID") {
            builder = builder.api_secret_id(id);
        }
        builder.build()?
    } else {
        fake = FakeVonage::start().await;
        println!("(no VONAGE_API_KEY: rotating on the embedded fake server)");
        fake.client()
    };
    rotate(&client, new_secret, make_room).await?;
    Ok(())
}

async fn rotate(client: &Client, new_secret: String, make_room: bool) -> Result<(), RotationError> {
    match client
        .secrets()
        .rotate(new_secret)
        .make_room(make_room)
        .await
    {
        Ok(rotation) => {
            println!(
                "new secret {} is active; revoked {:?}",
                rotation.secret.id, rotation.revoked
            );
            println!(
                "set VONAGE_API_SECRET to the new value and VONAGE_API_SECRET_ID={}",
                rotation.secret.id
            );
            Ok(())
        }
        Err(e) => {
            eprintln!("stopped at '{}'", e.step);
            if let Some(created) = &e.created {
                eprintln!(
                    "the new secret {} exists next to the old one; both work",
                    created.id
                );
            }
            Err(e)
        }
    }
}
