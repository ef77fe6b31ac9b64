//! The request id of a success, from the call's own result (`Call::with_meta`): for every
//! operation, one entry per attempt when the call was retried, and inside spawned tasks, where
//! `with_response_meta` sees nothing.

use std::collections::HashSet;

use crate::common;

use common::*;
use vonage_account::{Operation, ResponseMeta, ServiceType, SettingsUpdate, with_response_meta};
use vonage_account_fake::Fault;

/// A request id as the fake makes them: a UUID.
fn is_request_id(id: &str) -> bool {
    id.len() == 36 && id.bytes().filter(|&b| b == b'-').count() == 4
}

fn assert_one_clean_attempt(meta: &ResponseMeta, operation: Operation) {
    assert_eq!(meta.operation, operation);
    assert!(meta.status.is_success(), "{meta:?}");
    assert_eq!(meta.attempts, 1);
    assert!(meta.retried.is_empty());
    let id = meta.request_id.as_deref().expect("a request id");
    assert!(is_request_id(id), "{id}");
    assert_eq!(meta.request_ids().collect::<Vec<_>>(), [id]);
}

#[tokio::test]
async fn every_operation_hands_back_its_request_id_when_asked() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let account = client.account();
    let secrets = client.secrets();

    let balance = account.balance().with_meta().await.unwrap();
    assert_eq!(balance.value.value.to_string(), "10.28000000");
    assert_one_clean_attempt(&balance.meta, Operation::GetAccountBalance);
    assert_eq!(balance.request_id(), balance.meta.request_id.as_deref());

    let settings = account.settings().with_meta().await.unwrap();
    assert_one_clean_attempt(&settings.meta, Operation::ChangeAccountSettings);
    let update = SettingsUpdate::new().mo_callback_url("https://example.com/in");
    let updated = account.update_settings(&update).with_meta().await.unwrap();
    assert_one_clean_attempt(&updated.meta, Operation::ChangeAccountSettings);
    assert_eq!(
        updated.value.mo_callback_url.as_deref(),
        Some("https://example.com/in")
    );
    let top_up = account.top_up("abc123").with_meta().await.unwrap();
    assert_one_clean_attempt(&top_up.meta, Operation::TopUpAccountBalance);

    let listed = secrets.list().with_meta().await.unwrap();
    assert_one_clean_attempt(&listed.meta, Operation::RetrieveApiSecrets);
    let created = secrets.create("Second-Secret-1").with_meta().await.unwrap();
    assert_one_clean_attempt(&created.meta, Operation::CreateApiSecret);
    assert_eq!(created.meta.status.as_u16(), 201);
    let got = secrets.get(&created.value.id).with_meta().await.unwrap();
    assert_one_clean_attempt(&got.meta, Operation::RetrieveApiSecret);
    assert_eq!(got.into_value(), created.value);
    let revoked = secrets.revoke(&created.value.id).with_meta().await.unwrap();
    assert_one_clean_attempt(&revoked.meta, Operation::RevokeApiSecret);
    assert_eq!(revoked.meta.status.as_u16(), 204);

    let priced = client
        .pricing()
        .country(ServiceType::Sms, "DE")
        .with_meta()
        .await
        .unwrap();
    assert_one_clean_attempt(&priced.meta, Operation::RetrievePricingCountry);
    assert_eq!(priced.value.country_code, "DE");

    // Every answer had its own id.
    let ids: HashSet<String> = [
        &balance.meta,
        &settings.meta,
        &updated.meta,
        &top_up.meta,
        &listed.meta,
        &created.meta,
        &revoked.meta,
        &priced.meta,
    ]
    .iter()
    .filter_map(|m| m.request_id.clone())
    .collect();
    assert_eq!(ids.len(), 8);

    // Awaited plainly, the same calls give the value alone.
    let plain = account.settings().await.unwrap();
    assert_eq!(plain, updated.value);
}

#[tokio::test]
async fn a_retried_success_has_one_entry_per_attempt() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 3);
    fake.inject(Fault::status(503).on(Operation::RetrieveApiSecrets));
    fake.inject(Fault::drop_connection().on(Operation::RetrieveApiSecrets));
    fake.inject(Fault::status(502).on(Operation::RetrieveApiSecrets));

    let answer = client.secrets().list().with_meta().await.unwrap();
    assert_eq!(answer.value.len(), 1);
    let meta = &answer.meta;
    assert_eq!(meta.attempts, 4);
    assert_eq!(fake.requests_to(Operation::RetrieveApiSecrets).len(), 4);
    let statuses: Vec<Option<u16>> = meta
        .retried
        .iter()
        .map(|a| a.status.map(|s| s.as_u16()))
        .collect();
    assert_eq!(statuses, [Some(503), None, Some(502)]);
    assert!(meta.retried[1].request_id.is_none(), "no answer, no id");
    assert_eq!(meta.status.as_u16(), 200);

    // One id per answered attempt, oldest first, the success's last; all different.
    let ids: Vec<&str> = meta.request_ids().collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| is_request_id(id)), "{ids:?}");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 3);
    assert_eq!(ids[0], meta.retried[0].request_id.as_deref().unwrap());
    assert_eq!(ids[2], answer.request_id().unwrap());

    // The collector sees the same record.
    fake.inject(Fault::status(504).on(Operation::GetAccountBalance));
    let (balance, answers) = with_response_meta(client.account().balance()).await;
    balance.unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].attempts, 2);
    assert_eq!(answers[0].retried[0].status.map(|s| s.as_u16()), Some(504));
    assert_eq!(answers[0].request_ids().count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_spawned_tasks_have_their_request_ids() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    fake.inject(Fault::status(503).on(Operation::GetAccountBalance).times(2));

    // The wrapper only sees its own task: calls in tasks spawned inside it are not collected.
    let account = client.account();
    let (answers_in_tasks, collected) = with_response_meta(async move {
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let account = account.clone();
                tokio::spawn(async move { account.balance().with_meta().await })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap().unwrap());
        }
        answers
    })
    .await;
    assert!(collected.is_empty(), "{collected:?}");

    // Each call's own result has them: 4 calls, two of them hit a 503 first.
    let mut ids = HashSet::new();
    let mut retried = 0;
    for answer in &answers_in_tasks {
        assert_eq!(answer.meta.operation, Operation::GetAccountBalance);
        retried += answer.meta.retried.len();
        for id in answer.meta.request_ids() {
            assert!(is_request_id(id));
            assert!(ids.insert(id.to_owned()), "{id} seen twice");
        }
    }
    assert_eq!(retried, 2);
    assert_eq!(ids.len(), 6);
    assert_eq!(fake.requests_to(Operation::GetAccountBalance).len(), 6);
}
