//! `Client::from_env`. Alone in its binary: it changes the process environment.

mod common;

use common::*;
use vonage_account::{Client, ErrorKind};

#[tokio::test]
async fn from_env_reads_the_key_secret_its_id_and_both_hosts() {
    let fake = doc_fake().await;
    let vars = [
        "VONAGE_API_KEY",
        "VONAGE_API_SECRET",
        "VONAGE_API_SECRET_ID",
        "VONAGE_REST_URL",
        "VONAGE_API_URL",
    ];
    // SAFETY: this binary's only test, so no other thread reads the environment meanwhile.
    unsafe {
        for var in vars {
            std::env::remove_var(var);
        }
    }
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("VONAGE_API_KEY"), "{err}");

    unsafe {
        std::env::set_var("VONAGE_API_KEY", DOC_KEY);
        std::env::set_var("VONAGE_API_SECRET", DOC_SECRET);
        std::env::set_var("VONAGE_REST_URL", fake.url());
        std::env::set_var("VONAGE_API_URL", format!("{}/", fake.url()));
    }
    let client = Client::from_env().unwrap();
    assert_eq!(client.api_key(), DOC_KEY);
    assert_eq!(
        client.api_secret_id(),
        None,
        "VONAGE_API_SECRET_ID is optional"
    );
    client.account().balance().await.unwrap();
    client.secrets().list().await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests[0].header("authorization"), Some(DOC_AUTH));
    assert_eq!(
        requests[1].path, "/accounts/aaa012/secrets",
        "a trailing slash on the base URL is dropped"
    );

    // The secret's id comes from VONAGE_API_SECRET_ID, so a rotation started from the
    // environment knows which of two secrets is its own.
    let own_id = fake.secret_ids(DOC_KEY).remove(0);
    unsafe { std::env::set_var("VONAGE_API_SECRET_ID", &own_id) };
    let client = Client::from_env().unwrap();
    assert_eq!(client.api_secret_id(), Some(own_id.as_str()));
    unsafe { std::env::set_var("VONAGE_API_SECRET_ID", "") };
    assert_eq!(Client::from_env().unwrap().api_secret_id(), None);

    unsafe { std::env::set_var("VONAGE_API_SECRET", "") };
    assert_eq!(Client::from_env().unwrap_err().kind(), ErrorKind::Config);
}
