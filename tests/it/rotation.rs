//! Secret rotation: the happy paths, and a failure injected at each step, never leaving the key
//! without a working secret.

use crate::common;

use common::*;
use vonage_account::{Client, ErrorKind, Operation, RotatedClient, RotationStep};
use vonage_account_fake::{FakeVonage, Fault, Seed};

const NEW: &str = "Rotated-Secret-9";

async fn works(fake: &FakeVonage, key: &str, secret: &str) -> bool {
    let client = fake
        .client_builder()
        .api_key(key)
        .api_secret(secret.to_owned())
        .build()
        .unwrap();
    client.verify_credentials().await.is_ok()
}

fn rotation_error(err: &vonage_account::RotationError) -> &vonage_account::RotationError {
    err
}

#[tokio::test]
async fn rotating_the_clients_own_secret() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let old_id = fake.secret_ids(DOC_KEY)[0].clone();
    let rotation = client.secrets().rotate(NEW).await.unwrap();
    assert_eq!(rotation.revoked, vec![old_id]);
    assert_eq!(fake.secret_ids(DOC_KEY), vec![rotation.secret.id.clone()]);
    assert_eq!(
        rotation.client.api_secret_id(),
        Some(rotation.secret.id.as_str())
    );
    // The steps on the wire: list, create, list as the new secret, revoke as the new secret.
    let requests = fake.requests();
    let routes: Vec<Operation> = requests.iter().filter_map(|r| r.route).collect();
    assert_eq!(
        routes,
        [
            Operation::RetrieveApiSecrets,
            Operation::CreateApiSecret,
            Operation::RetrieveApiSecrets,
            Operation::RevokeApiSecret
        ]
    );
    assert_eq!(requests[1].header("authorization"), Some(DOC_AUTH));
    assert_ne!(
        requests[2].header("authorization"),
        Some(DOC_AUTH),
        "the proof uses the new secret"
    );
    assert!(rotation.client.verify_credentials().await.is_ok());
    assert_eq!(
        client.verify_credentials().await.unwrap_err().kind(),
        ErrorKind::Unauthorized
    );
    // And the rotated client can rotate again, knowing its own secret id.
    let again = rotation
        .client
        .secrets()
        .rotate("Rotated-Again-10")
        .await
        .unwrap();
    assert!(works(&fake, DOC_KEY, "Rotated-Again-10").await);
    assert!(!works(&fake, DOC_KEY, NEW).await);
    assert_eq!(again.revoked, vec![rotation.secret.id]);
}

async fn two_secret_fake() -> (FakeVonage, Client) {
    let fake = FakeVonage::start_with(Seed {
        api_key: DOC_KEY.into(),
        secrets: vec!["Spare-Secret-1".into(), DOC_SECRET.into()],
        ..Seed::default()
    })
    .await
    .unwrap();
    let own_id = fake.secret_id_of(DOC_KEY, DOC_SECRET).unwrap();
    let client = fake
        .client_builder()
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .api_secret_id(own_id)
        .build()
        .unwrap();
    (fake, client)
}

#[tokio::test]
async fn a_full_key_needs_make_room_and_then_loses_only_the_other_secret() {
    let (fake, client) = two_secret_fake().await;
    let spare = fake.secret_id_of(DOC_KEY, "Spare-Secret-1").unwrap();
    let own = fake.secret_id_of(DOC_KEY, DOC_SECRET).unwrap();

    let err = client.secrets().rotate(NEW).await.unwrap_err();
    assert_eq!(rotation_error(&err).step, RotationStep::MakeRoom);
    assert_eq!(err.kind(), ErrorKind::SecretLimitReached);
    assert_eq!(fake.secret_ids(DOC_KEY).len(), 2, "nothing changed");

    let rotation = client.secrets().rotate(NEW).make_room(true).await.unwrap();
    assert_eq!(rotation.revoked, vec![spare, own]);
    assert_eq!(fake.secret_ids(DOC_KEY), vec![rotation.secret.id]);
}

#[tokio::test]
async fn with_two_secrets_and_no_known_id_it_stops_before_changing_anything() {
    let (fake, _) = two_secret_fake().await;
    let client = fake
        .client_builder()
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .build()
        .unwrap();
    let err = client
        .secrets()
        .rotate(NEW)
        .make_room(true)
        .await
        .unwrap_err();
    assert_eq!(rotation_error(&err).step, RotationStep::FindCurrent);
    assert!(err.to_string().contains(".api_secret_id"), "{err}");
    assert_eq!(fake.secret_ids(DOC_KEY).len(), 2);
    // Naming the one to replace works.
    let own = fake.secret_id_of(DOC_KEY, DOC_SECRET).unwrap();
    client
        .secrets()
        .rotate(NEW)
        .make_room(true)
        .replacing(own)
        .await
        .unwrap();
    assert!(works(&fake, DOC_KEY, NEW).await);
}

#[tokio::test]
async fn a_weak_new_secret_stops_before_anything_is_sent() {
    let fake = doc_fake().await;
    let err = no_retry(&fake).secrets().rotate("weak").await.unwrap_err();
    assert_eq!(rotation_error(&err).step, RotationStep::Validate);
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(fake.requests().is_empty());
}

/// A failure at each step that talks to the API. Afterwards the old secret must still work.
#[tokio::test]
async fn a_failure_at_each_step_stops_there_and_leaves_a_working_secret() {
    let cases = [
        (
            Fault::html_500().on(Operation::RetrieveApiSecrets),
            RotationStep::FindCurrent,
            false,
        ),
        (
            Fault::html_500().on(Operation::CreateApiSecret),
            RotationStep::Create,
            false,
        ),
        (
            Fault::html_500().on(Operation::RetrieveApiSecrets).after(1),
            RotationStep::Verify,
            true,
        ),
        (
            Fault::html_500().on(Operation::RevokeApiSecret),
            RotationStep::RevokeOld,
            true,
        ),
    ];
    for (fault, step, created) in cases {
        let fake = doc_fake().await;
        let client = no_retry(&fake);
        fake.inject(fault);
        let err = client.secrets().rotate(NEW).await.unwrap_err();
        let rotation = rotation_error(&err);
        assert_eq!(rotation.step, step, "{err}");
        assert_eq!(err.kind(), ErrorKind::ServerError);
        assert!(err.to_string().contains(&step.to_string()), "{err}");
        assert!(
            works(&fake, DOC_KEY, DOC_SECRET).await,
            "{step:?}: the old secret must still work"
        );
        assert_eq!(rotation.created.is_some(), created, "{step:?}");
        assert_eq!(works(&fake, DOC_KEY, NEW).await, created, "{step:?}");
        if step == RotationStep::RevokeOld {
            let Some(RotatedClient::OwnKey(new_client)) = &rotation.new_client else {
                panic!("a proven client for the own key is handed back");
            };
            assert!(new_client.verify_credentials().await.is_ok());
        }
    }
}

#[tokio::test]
async fn a_failure_while_making_room_creates_nothing() {
    let (fake, client) = two_secret_fake().await;
    fake.inject(Fault::status(503).on(Operation::RevokeApiSecret));
    let err = client
        .secrets()
        .rotate(NEW)
        .make_room(true)
        .await
        .unwrap_err();
    assert_eq!(rotation_error(&err).step, RotationStep::MakeRoom);
    assert_eq!(fake.secret_ids(DOC_KEY).len(), 2);
    assert!(fake.requests_to(Operation::CreateApiSecret).is_empty());
}

#[tokio::test]
async fn rotating_a_sub_accounts_secret_with_the_primary_credentials() {
    let fake = doc_fake().await;
    let primary = no_retry(&fake);
    let rotation = primary.secrets_for("sub12345").rotate(NEW).await.unwrap();
    assert_eq!(rotation.client.api_key(), "sub12345");
    assert!(works(&fake, "sub12345", NEW).await);
    assert!(!works(&fake, "sub12345", "Subsecret123").await);
    assert!(
        works(&fake, DOC_KEY, DOC_SECRET).await,
        "the primary is untouched"
    );
    // The old sub secret was revoked by the primary (DOC_AUTH), the proof read made as the sub.
    let revoke = fake.requests_to(Operation::RevokeApiSecret).remove(0);
    assert_eq!(revoke.header("authorization"), Some(DOC_AUTH));
    assert_eq!(
        revoke.path,
        format!("/accounts/sub12345/secrets/{}", rotation.revoked[0])
    );
}
