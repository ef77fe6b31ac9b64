//! Every sub-account's secret rotated in two phases: staged on each (both secrets working), a
//! re-run that skips what is staged, one failure that does not stop the others, the retirement,
//! and a retirement run again.

use std::collections::BTreeMap;

use vonage_account::{ExposeSecret, Operation, Retired, RotationState, StageOutcome};
use vonage_account_fake::{FakeVonage, Fault, Seed, SubAccountSeed};

async fn fleet(n: usize) -> FakeVonage {
    let sub_accounts = (0..n)
        .map(|i| SubAccountSeed {
            api_key: format!("sub{i:05}"),
            secrets: vec![format!("Subsecret{i:03}").into()],
        })
        .collect();
    FakeVonage::start_with(Seed {
        sub_accounts,
        ..Seed::default()
    })
    .await
    .unwrap()
}

fn new_secret(key: &str) -> vonage_account::SecretString {
    format!("New-{key}-Secret9").into()
}

#[tokio::test]
async fn every_sub_account_is_staged_then_retired_and_a_rerun_skips_what_is_done() {
    let fake = fleet(6).await;
    let client = fake.client();
    let every = client.subaccounts().every_subaccount().concurrency(2);

    // One sub-account's create fails: the others go on.
    fake.inject(Fault::status(500).on(Operation::CreateApiSecret).after(2));
    let staged = every.stage(new_secret).await.unwrap();
    assert_eq!(staged.len(), 6);
    let mut retire = BTreeMap::new();
    let mut failed = Vec::new();
    for (key, outcome) in &staged {
        match outcome {
            StageOutcome::Staged { staged, secret } => {
                assert_eq!(secret.expose_secret(), new_secret(key).expose_secret());
                // Both secrets work: the new one, proven, and the old one.
                staged.client.verify_credentials().await.unwrap();
                assert_eq!(fake.secret_ids(key).len(), 2);
                retire.insert(key.clone(), staged.old_secret_id.clone());
            }
            StageOutcome::Failed(e) => failed.push((key.clone(), e.to_string())),
            other => panic!("{key}: {other:?}"),
        }
    }
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(retire.len(), 5);

    // A re-run stages only the one that failed.
    let again = every.stage(new_secret).await.unwrap();
    let mut staged_now = Vec::new();
    for (key, outcome) in &again {
        match outcome {
            StageOutcome::AlreadyStaged { old, .. } => assert_eq!(retire[key], old.id),
            StageOutcome::Staged { staged, .. } => {
                staged_now.push(key.clone());
                retire.insert(key.clone(), staged.old_secret_id.clone());
            }
            other => panic!("{key}: {other:?}"),
        }
    }
    assert_eq!(staged_now, [failed[0].0.clone()]);

    let status = every.status().await.unwrap();
    assert!(
        status
            .iter()
            .all(|(_, s)| matches!(s, Ok(RotationState::Staged { .. }))),
        "{status:?}"
    );

    // Retire everywhere, then again: already gone.
    let retired = every.retire(&retire).await;
    assert_eq!(retired.len(), 6);
    assert!(
        retired
            .iter()
            .all(|(_, r)| matches!(r, Ok(Retired::Revoked)))
    );
    for key in retire.keys() {
        assert_eq!(fake.secret_ids(key).len(), 1, "{key}");
        let new = new_secret(key);
        assert!(
            fake.secret_id_of(key, new.expose_secret()).is_some(),
            "{key}"
        );
    }
    let again = every.retire(&retire).await;
    assert!(
        again
            .iter()
            .all(|(_, r)| matches!(r, Ok(Retired::AlreadyGone)))
    );
}

#[tokio::test]
async fn the_list_failing_is_the_only_failure_of_the_whole() {
    let fake = fleet(2).await;
    fake.inject(
        Fault::status(403)
            .on(Operation::RetrieveSubaccountsList)
            .times(10),
    );
    let err = fake
        .client()
        .subaccounts()
        .every_subaccount()
        .stage(new_secret)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(fake.requests_to(Operation::CreateApiSecret).is_empty());
}
