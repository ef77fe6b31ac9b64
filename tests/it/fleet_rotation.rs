//! Rotation for a fleet: stage (the old secret keeps working), then retire. A process that
//! stops after any step is finished by a second one reading the state from the API alone;
//! retire is safe to repeat; and a sub-account's rotation never hands back something that can
//! pass for the primary client.

use std::time::Duration;

use crate::common;

use common::*;
use vonage_account::{
    Client, ErrorKind, Operation, Retired, RotationRefusal, RotationState, RotationStep,
    SubAccountClient,
};
use vonage_account_fake::{FakeVonage, Fault, FaultKind, Seed, SubAccountSeed};

const NEW: &str = "Staged-Secret-42";

async fn works(fake: &FakeVonage, key: &str, secret: &str) -> bool {
    let client = fake
        .client_builder()
        .api_key(key)
        .api_secret(secret.to_owned())
        .build()
        .unwrap();
    client.verify_credentials().await.is_ok()
}

/// A client for the primary key, as another process would build it from its configuration.
fn process(fake: &FakeVonage, secret: &str) -> Client {
    fake.client_builder()
        .api_key(DOC_KEY)
        .api_secret(secret.to_owned())
        .retry(vonage_account::RetryConfig::NONE)
        .build()
        .unwrap()
}

fn routes(fake: &FakeVonage) -> Vec<Operation> {
    fake.requests().iter().filter_map(|r| r.route).collect()
}

#[tokio::test]
async fn stage_keeps_the_old_secret_working_until_retire() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let old_id = fake.secret_ids(DOC_KEY)[0].clone();

    let staged = client.secrets().stage(NEW).await.unwrap();
    assert_eq!(staged.old_secret_id, old_id);
    assert!(staged.revoked.is_empty());
    assert_eq!(
        staged.client.api_secret_id(),
        Some(staged.secret.id.as_str())
    );
    // Made and proven with a real authenticated read as the new secret; nothing revoked.
    assert_eq!(
        routes(&fake),
        [
            Operation::RetrieveApiSecrets,
            Operation::CreateApiSecret,
            Operation::RetrieveApiSecrets
        ]
    );
    let proof = fake.requests().remove(2);
    assert_ne!(proof.header("authorization"), Some(DOC_AUTH));
    // Both work: replicas still on the old secret keep going.
    assert!(works(&fake, DOC_KEY, DOC_SECRET).await);
    assert!(works(&fake, DOC_KEY, NEW).await);
    assert!(client.verify_credentials().await.is_ok());

    // The state, from the API alone.
    let state = client.secrets().rotation_state().await.unwrap();
    assert_eq!(state.old().map(|s| s.id.as_str()), Some(old_id.as_str()));
    assert_eq!(state.staged(), Some(&staged.secret));

    // Retire, once the fleet uses the new secret.
    let retired = staged
        .client
        .secrets()
        .retire(&staged.old_secret_id)
        .await
        .unwrap();
    assert_eq!(retired, Retired::Revoked);
    assert!(!works(&fake, DOC_KEY, DOC_SECRET).await);
    assert!(works(&fake, DOC_KEY, NEW).await);
    assert_eq!(fake.secret_ids(DOC_KEY), vec![staged.secret.id.clone()]);
    assert_eq!(
        staged.client.secrets().rotation_state().await.unwrap(),
        RotationState::Settled {
            current: staged.secret.clone()
        }
    );

    // A repeated retire is done at once: the secret is not listed, nothing is revoked.
    fake.clear_requests();
    for _ in 0..2 {
        let again = staged
            .client
            .secrets()
            .retire(&staged.old_secret_id)
            .await
            .unwrap();
        assert_eq!(again, Retired::AlreadyGone);
    }
    assert!(fake.requests_to(Operation::RevokeApiSecret).is_empty());
}

#[tokio::test]
async fn a_retire_answered_404_counts_as_done() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let staged = client.secrets().stage(NEW).await.unwrap();
    // Someone else revokes it between the list and the revocation.
    fake.inject(
        Fault::new(FaultKind::Status {
            status: 404,
            headers: Vec::new(),
            body: format!(
                r#"{{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID","detail":"ID '{}' could not be found","instance":"x"}}"#,
                staged.old_secret_id
            ),
            content_type: Some("application/problem+json".into()),
        })
        .on(Operation::RevokeApiSecret),
    );
    let retired = staged
        .client
        .secrets()
        .retire(&staged.old_secret_id)
        .await
        .unwrap();
    assert_eq!(retired, Retired::AlreadyGone);
    assert_eq!(fake.requests_to(Operation::RevokeApiSecret).len(), 1);

    // Any other failure is reported at the revocation step.
    let fake = doc_fake().await;
    let staged = no_retry(&fake).secrets().stage(NEW).await.unwrap();
    fake.inject(Fault::status(503).on(Operation::RevokeApiSecret));
    let err = staged
        .client
        .secrets()
        .retire(&staged.old_secret_id)
        .await
        .unwrap_err();
    assert_eq!(err.step, RotationStep::RevokeOld);
    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert!(works(&fake, DOC_KEY, DOC_SECRET).await, "nothing revoked");
}

#[tokio::test]
async fn retire_refuses_the_last_secret_the_staged_one_and_its_own() {
    let fake = doc_fake().await;
    let own_id = fake.secret_ids(DOC_KEY)[0].clone();
    let client = no_retry(&fake);

    // The only secret: refused before anything is revoked.
    let err = client.secrets().retire(&own_id).await.unwrap_err();
    assert!(
        matches!(err.refusal(), Some(RotationRefusal::LastSecret { .. })),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::LastSecret);
    assert!(fake.requests_to(Operation::RevokeApiSecret).is_empty());

    // The newer of two, which a stage made: retire takes the older one.
    let staged = client.secrets().stage(NEW).await.unwrap();
    let err = client
        .secrets()
        .retire(&staged.secret.id)
        .await
        .unwrap_err();
    assert!(
        matches!(err.refusal(), Some(RotationRefusal::NewestSecret { .. })),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::RotationRefused);
    assert!(err.to_string().contains("revoke"), "{err}");

    // The secret this very client authenticates with, when it knows its id.
    let knows_its_id = fake
        .client_builder()
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .api_secret_id(own_id.clone())
        .build()
        .unwrap();
    let err = knows_its_id.secrets().retire(&own_id).await.unwrap_err();
    assert!(
        matches!(err.refusal(), Some(RotationRefusal::InUse { .. })),
        "{err}"
    );
    assert!(fake.requests_to(Operation::RevokeApiSecret).is_empty());
    assert_eq!(fake.secret_ids(DOC_KEY).len(), 2, "nothing was revoked");
}

/// The first process is killed while the proof is in flight: the new secret exists, unproven.
/// A second process reads the state, proves the secret it was given, and retires the old one.
#[tokio::test]
async fn a_crash_after_create_is_finished_by_a_second_process() {
    let fake = doc_fake().await;
    let old_id = fake.secret_ids(DOC_KEY)[0].clone();
    fake.inject(
        Fault::delay(Duration::from_secs(30))
            .on(Operation::RetrieveApiSecrets)
            .after(1),
    );
    let first = process(&fake, DOC_SECRET);
    let stage = tokio::spawn(async move { first.secrets().stage(NEW).await });
    while fake.requests_to(Operation::RetrieveApiSecrets).len() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stage.abort(); // the crash
    assert!(stage.await.unwrap_err().is_cancelled());
    fake.clear_faults();
    assert_eq!(fake.secret_ids(DOC_KEY).len(), 2);

    // The second process has only its configuration (the old secret, and the new one to roll
    // out) and the API.
    let second = process(&fake, DOC_SECRET);
    let state = second.secrets().rotation_state().await.unwrap();
    let RotationState::Staged { old, staged } = &state else {
        panic!("{state:?}");
    };
    assert_eq!(old.id, old_id);
    let resumed = second.secrets().resume_stage(NEW).await.unwrap();
    assert_eq!(&resumed.secret, staged);
    assert_eq!(resumed.old_secret_id, old_id);
    assert!(resumed.client.verify_credentials().await.is_ok());

    // ... the fleet reloads; then the old secret goes.
    assert_eq!(
        resumed.client.secrets().retire(&old_id).await.unwrap(),
        Retired::Revoked
    );
    assert!(works(&fake, DOC_KEY, NEW).await);
    assert!(!works(&fake, DOC_KEY, DOC_SECRET).await);
}

/// The first process staged and proved the secret, then stopped before retiring.
#[tokio::test]
async fn a_crash_after_the_proof_is_finished_by_a_second_process() {
    let fake = doc_fake().await;
    let staged = process(&fake, DOC_SECRET)
        .secrets()
        .stage(NEW)
        .await
        .unwrap();
    drop(staged.client); // the crash: only what the first process printed survives

    // The second process runs with the new secret (the fleet has reloaded).
    let second = process(&fake, NEW);
    let state = second.secrets().rotation_state().await.unwrap();
    assert_eq!(state.staged().map(|s| &s.id), Some(&staged.secret.id));
    let old = state.old().unwrap().id.clone();
    assert_eq!(old, staged.old_secret_id);
    assert_eq!(
        second.secrets().retire(&old).await.unwrap(),
        Retired::Revoked
    );
    assert_eq!(fake.secret_ids(DOC_KEY), [staged.secret.id]);
}

/// The revocation reached Vonage but its answer never came back (the process timed out, or
/// died): retiring again is done.
#[tokio::test]
async fn a_crash_during_retire_is_finished_by_retiring_again() {
    let fake = doc_fake().await;
    let staged = process(&fake, DOC_SECRET)
        .secrets()
        .stage(NEW)
        .await
        .unwrap();
    fake.inject(Fault::delay(Duration::from_secs(5)).on(Operation::RevokeApiSecret));
    let impatient = fake
        .client_builder()
        .api_key(DOC_KEY)
        .api_secret(NEW)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = impatient
        .secrets()
        .retire(&staged.old_secret_id)
        .await
        .unwrap_err();
    assert_eq!(err.step, RotationStep::RevokeOld);
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(
        fake.requests_to(Operation::RevokeApiSecret).len(),
        1,
        "a revocation is never re-sent"
    );

    let second = process(&fake, NEW);
    assert_eq!(
        second
            .secrets()
            .retire(&staged.old_secret_id)
            .await
            .unwrap(),
        Retired::AlreadyGone
    );
    assert_eq!(fake.secret_ids(DOC_KEY), [staged.secret.id]);
}

/// The new value was lost with the first process: the second revokes the staged secret (the
/// newer one) and stages again.
#[tokio::test]
async fn a_stage_whose_value_was_lost_is_abandoned_and_redone() {
    let fake = doc_fake().await;
    fake.inject(Fault::html_500().on(Operation::RetrieveApiSecrets).after(1));
    let err = process(&fake, DOC_SECRET)
        .secrets()
        .stage("Lost-Secret-123")
        .await
        .unwrap_err();
    assert_eq!(err.step, RotationStep::Verify);
    let created = err.created.clone().expect("the new secret was created");

    let second = process(&fake, DOC_SECRET);
    let state = second.secrets().rotation_state().await.unwrap();
    assert_eq!(state.staged(), Some(&created));
    // Without the value, the proof fails with the key's answer, and nothing changes.
    let err = second
        .secrets()
        .resume_stage("Not-The-Value-1")
        .await
        .unwrap_err();
    assert_eq!(err.step, RotationStep::Verify);
    assert_eq!(err.kind(), ErrorKind::Unauthorized);

    second.secrets().revoke(&created.id).await.unwrap();
    let staged = second.secrets().stage(NEW).await.unwrap();
    assert!(works(&fake, DOC_KEY, NEW).await);
    assert!(works(&fake, DOC_KEY, DOC_SECRET).await);
    assert!(!works(&fake, DOC_KEY, "Lost-Secret-123").await);
    staged
        .client
        .secrets()
        .retire(&staged.old_secret_id)
        .await
        .unwrap();

    // Giving the secret the client already uses as the new one is refused before anything is
    // sent. (The default fake's secret, Abcdef123456, meets the rules; the documented example
    // secret does not.)
    let default = FakeVonage::start().await;
    let client = default.client();
    client.secrets().stage(NEW).await.unwrap();
    let err = client
        .secrets()
        .resume_stage(default.api_secret())
        .await
        .unwrap_err();
    assert!(
        matches!(err.refusal(), Some(RotationRefusal::NotNew { .. })),
        "{err}"
    );
    assert_eq!(default.requests_to(Operation::RetrieveApiSecrets).len(), 2);

    // With nothing staged, there is nothing to resume.
    let err = staged
        .client
        .secrets()
        .resume_stage("Another-One-77")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.refusal(),
            Some(RotationRefusal::NothingStaged { secrets: 1, .. })
        ),
        "{err}"
    );
}

#[tokio::test]
async fn stage_makes_room_only_when_allowed_and_keeps_the_secret_in_use() {
    let fake = FakeVonage::start_with(Seed {
        api_key: DOC_KEY.into(),
        secrets: vec!["Spare-Secret-1".into(), DOC_SECRET.into()],
        ..Seed::default()
    })
    .await
    .unwrap();
    let spare = fake.secret_id_of(DOC_KEY, "Spare-Secret-1").unwrap();
    let own = fake.secret_id_of(DOC_KEY, DOC_SECRET).unwrap();
    let client = fake
        .client_builder()
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .api_secret_id(own.clone())
        .build()
        .unwrap();

    let err = client.secrets().stage(NEW).await.unwrap_err();
    assert_eq!(err.step, RotationStep::MakeRoom);
    assert_eq!(err.kind(), ErrorKind::SecretLimitReached);
    assert_eq!(fake.secret_ids(DOC_KEY), [spare.clone(), own.clone()]);

    let staged = client.secrets().stage(NEW).make_room(true).await.unwrap();
    assert_eq!(staged.revoked, [spare]);
    assert_eq!(staged.old_secret_id, own);
    assert_eq!(fake.secret_ids(DOC_KEY), [own, staged.secret.id.clone()]);
    assert!(
        client.verify_credentials().await.is_ok(),
        "the one in use stays"
    );
}

async fn two_sub_accounts() -> FakeVonage {
    FakeVonage::start_with(Seed {
        api_key: DOC_KEY.into(),
        secrets: vec![DOC_SECRET.into()],
        sub_accounts: vec![
            SubAccountSeed {
                api_key: "sub12345".into(),
                secrets: vec!["Subsecret123".into()],
            },
            SubAccountSeed {
                api_key: "sub67890".into(),
                secrets: vec!["Subsecret678".into()],
            },
        ],
        ..Seed::default()
    })
    .await
    .unwrap()
}

/// The documented loop over keys: what each sub-account's rotation hands back is a
/// `SubAccountClient`, so the primary client stays the primary (assigning one to the other
/// does not compile; see the `compile_fail` example on `SubAccountClient`).
#[tokio::test]
async fn a_sub_accounts_rotation_leaves_the_primary_client_untouched() {
    let fake = two_sub_accounts().await;
    let client = no_retry(&fake);
    let mut rolled_out: Vec<SubAccountClient> = Vec::new();
    for key in ["sub12345", "sub67890"] {
        let rotated = client.secrets_for(key).rotate(NEW).await.unwrap();
        assert_eq!(rotated.client.api_key(), key);
        assert_eq!(
            rotated.client.api_secret_id(),
            Some(rotated.secret.id.as_str())
        );
        rotated.client.verify_credentials().await.unwrap();
        rolled_out.push(rotated.client);
    }
    // The primary client is still the primary, with its own secret and its own key's secrets.
    assert_eq!(client.api_key(), DOC_KEY);
    client.verify_credentials().await.unwrap();
    let own = client.secrets().list().await.unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(
        Some(own[0].id.clone()),
        fake.secret_id_of(DOC_KEY, DOC_SECRET)
    );
    assert!(works(&fake, "sub12345", NEW).await);
    assert!(!works(&fake, "sub67890", "Subsecret678").await);

    // The same for two phases: the stage hands back a SubAccountClient, the primary retires.
    let staged = client
        .secrets_for("sub12345")
        .stage("Sub-Staged-Secret-1")
        .await
        .unwrap();
    let sub: SubAccountClient = staged.client.clone();
    assert_eq!(sub.api_key(), "sub12345");
    assert!(
        works(&fake, "sub12345", NEW).await,
        "the old sub secret still works"
    );
    assert_eq!(
        client
            .secrets_for("sub12345")
            .retire(&staged.old_secret_id)
            .await
            .unwrap(),
        Retired::Revoked
    );
    assert!(!works(&fake, "sub12345", NEW).await);
    // Only explicitly does it become a Client, and then it is the sub-account's.
    let as_sub: Client = sub.into_client();
    assert_eq!(as_sub.api_key(), "sub12345");
    assert_eq!(
        as_sub.secrets().list().await.unwrap()[0].id,
        staged.secret.id
    );
}
