//! `client.subaccounts().rotate_all()`: every sub-account's secret staged and retired, a bounded
//! number at a time, past a failure on one, and a re-run that skips what is done.

use std::{collections::HashMap, sync::Mutex};

use vonage_account::{
    ErrorKind, Operation, Retired, RetiredSubaccount, RotationState, SecretString,
    StagedSubaccount, generate_secret,
};
use vonage_account_fake::{FakeVonage, Fault, Seed, SubAccountSeed};

const SUBS: [&str; 5] = ["sub00001", "sub00002", "sub00003", "sub00004", "sub00005"];

#[tokio::test]
async fn stage_then_retire_every_subaccount_going_on_past_a_failure() {
    let seed = Seed {
        sub_accounts: SUBS
            .iter()
            .map(|key| SubAccountSeed {
                api_key: (*key).into(),
                secrets: vec!["Subsecret123".into()],
            })
            .collect(),
        ..Seed::default()
    };
    let fake = FakeVonage::start_with(seed).await.unwrap();
    let client = fake.client();
    let rotation = client.subaccounts().rotate_all().concurrency(2);
    let old: HashMap<String, String> = SUBS
        .iter()
        .map(|k| ((*k).to_owned(), fake.secret_ids(k)[0].clone()))
        .collect();

    // The new secrets, kept before they are sent.
    let kept: Mutex<HashMap<String, SecretString>> = Mutex::new(HashMap::new());
    let new_secret = |sub: &vonage_account::Subaccount| {
        let secret = generate_secret().ok()?;
        kept.lock()
            .unwrap()
            .insert(sub.api_key.clone(), secret.clone());
        Some(secret)
    };
    fake.inject(Fault::status(503).on(Operation::CreateApiSecret).times(1));
    let first = rotation.stage(new_secret).await.unwrap();
    assert_eq!(first.len(), SUBS.len());
    assert_eq!(
        first.iter().map(|e| e.api_key.as_str()).collect::<Vec<_>>(),
        SUBS,
        "in the list's order"
    );
    let failed: Vec<_> = first.iter().filter(|e| e.outcome.is_err()).collect();
    assert_eq!(failed.len(), 1);
    let failed_key = failed[0].api_key.clone();
    let error = failed[0].outcome.as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ServerError);
    for each in &first {
        if let Ok(StagedSubaccount::Staged(staged)) = &each.outcome {
            assert_eq!(staged.old_secret_id, old[&each.api_key]);
        }
    }
    assert_eq!(
        fake.requests_to(Operation::CreateApiSecret).len(),
        SUBS.len()
    );

    // Again: the staged ones are skipped without a secret asked for; the failed one is staged.
    fake.clear_requests();
    let asked = Mutex::new(Vec::new());
    let second = rotation
        .stage(|sub| {
            asked.lock().unwrap().push(sub.api_key.clone());
            generate_secret().ok()
        })
        .await
        .unwrap();
    assert_eq!(*asked.lock().unwrap(), std::slice::from_ref(&failed_key));
    for each in &second {
        match &each.outcome {
            Ok(StagedSubaccount::Staged(_)) => assert_eq!(each.api_key, failed_key),
            Ok(StagedSubaccount::AlreadyStaged { old: o, .. }) => {
                assert_eq!(o.id, old[&each.api_key])
            }
            other => panic!("{}: {other:?}", each.api_key),
        }
    }
    assert_eq!(fake.requests_to(Operation::CreateApiSecret).len(), 1);

    for each in rotation.status().await.unwrap() {
        assert!(
            matches!(each.outcome, Ok(RotationState::Staged { .. })),
            "{}: {:?}",
            each.api_key,
            each.outcome
        );
    }

    // Retire what each stage replaced; a sub-account given no id is skipped.
    let retired = rotation
        .retire(|sub| (sub.api_key != SUBS[4]).then(|| old[&sub.api_key].clone()))
        .await
        .unwrap();
    for each in &retired {
        let expected = if each.api_key == SUBS[4] {
            RetiredSubaccount::Skipped
        } else {
            RetiredSubaccount::Retired(Retired::Revoked)
        };
        assert_eq!(
            each.outcome.as_ref().unwrap(),
            &expected,
            "{}",
            each.api_key
        );
    }
    let again = rotation
        .retire(|sub| Some(old[&sub.api_key].clone()))
        .await
        .unwrap();
    for each in &again {
        let expected = if each.api_key == SUBS[4] {
            Retired::Revoked
        } else {
            Retired::AlreadyGone
        };
        assert_eq!(
            each.outcome.as_ref().unwrap(),
            &RetiredSubaccount::Retired(expected),
            "{}",
            each.api_key
        );
        assert_eq!(fake.secret_ids(&each.api_key).len(), 1);
        assert!(!fake.secret_ids(&each.api_key).contains(&old[&each.api_key]));
    }
}
