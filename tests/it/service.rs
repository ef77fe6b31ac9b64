//! What a service holds: handles stored in its own struct and moved into spawned tasks, errors
//! sent through a `watch` channel, and the public types in one serde style.

use std::time::Duration;

use crate::common;

use common::*;
use vonage_account::{
    Account, Balance, Error, ErrorKind, Operation, Secret, Secrets, Settings, SettingsUpdate,
    SubAccount,
};
use vonage_account_fake::Fault;

/// A service's account module, as a team would write it: handles, not a borrowed client.
#[derive(Clone)]
struct AccountModule {
    account: Account,
    own: Secrets,
    subs: Vec<Secrets<SubAccount>>,
}

fn assert_send_sync_static<T: Send + Sync + 'static>(_: &T) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handles_are_stored_and_moved_into_spawned_tasks() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let module = AccountModule {
        account: client.account(),
        own: client.secrets(),
        subs: vec![client.secrets_for("sub12345")],
    };
    drop(client); // the handles keep what they need
    assert_send_sync_static(&module.account);
    assert_send_sync_static(&module.own);
    assert_send_sync_static(&module.subs);

    let balance = tokio::spawn({
        let account = module.account.clone();
        async move { account.balance().await }
    });
    let own = tokio::spawn({
        let own = module.own.clone();
        async move { own.list().await }
    });
    let sub = tokio::spawn({
        let module = module.clone();
        async move { module.subs[0].list().await }
    });
    assert_eq!(
        balance.await.unwrap().unwrap().value.to_string(),
        "10.28000000"
    );
    assert_eq!(own.await.unwrap().unwrap().len(), 1);
    assert_eq!(sub.await.unwrap().unwrap().len(), 1);
    // A rotation moved into a task, too: only once the list above has its answer, since the
    // stage adds a secret (on two worker threads the two raced, and the list sometimes saw 2).
    let staged = tokio::spawn({
        let own = module.own.clone();
        async move { own.stage("Spawned-Secret-1").await }
    });
    let staged = staged.await.unwrap().unwrap();
    assert_eq!(module.own.list().await.unwrap().len(), 2);
    // A handle moved into the task whole.
    let account = module.account.clone();
    let settings = tokio::spawn(async move { account.settings().await });
    assert!(settings.await.unwrap().is_ok());
    drop(staged);
}

#[tokio::test]
async fn errors_go_through_a_watch_channel() {
    let fake = doc_fake().await;
    let account = no_retry(&fake).account();
    let (health, mut seen) = tokio::sync::watch::channel::<Result<Balance, Error>>(Ok(Balance {
        value: "0".parse().unwrap(),
        auto_reload: false,
    }));
    fake.inject(Fault::status(503).on(Operation::GetAccountBalance));
    let checker = tokio::spawn(async move {
        let _ = health.send(account.balance().await);
        tokio::time::sleep(Duration::from_millis(10)).await;
    });
    seen.changed().await.unwrap();
    // Error: Clone, so every reader gets its own copy of the status.
    let status = seen.borrow().clone();
    let err = status.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert!(err.request_id().is_some());
    checker.await.unwrap();
}

#[test]
fn public_types_serialize_in_one_style() {
    let balance: Balance =
        serde_json::from_str(r#"{"value": 10.28000000, "auto_reload": true}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&balance).unwrap(),
        serde_json::json!({"value": 10.28, "auto_reload": true})
    );

    let unset = Settings {
        mo_callback_url: None,
        dr_callback_url: Some("https://example.com/dr".into()),
        max_outbound_request: Some(30),
        max_inbound_request: None,
        max_calls_per_second: Some(30),
    };
    let json = serde_json::to_value(&unset).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "mo_callback_url": null,
            "dr_callback_url": "https://example.com/dr",
            "max_outbound_request": 30,
            "max_inbound_request": null,
            "max_calls_per_second": 30,
        })
    );
    assert_eq!(serde_json::from_value::<Settings>(json).unwrap(), unset);
    // Absent or "" also read as unset.
    let sparse: Settings = serde_json::from_str(r#"{"dr_callback_url": ""}"#).unwrap();
    assert_eq!(sparse.mo_callback_url, None);
    assert_eq!(sparse.dr_callback_url, None);

    let secret: Secret = serde_json::from_str(
        r#"{"id": "01234567-aaaa-bbbb-cccc-defdefdefdef", "created_at": "2018-12-03T10:07:23Z"}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&secret).unwrap(),
        serde_json::json!({"id": "01234567-aaaa-bbbb-cccc-defdefdefdef", "created_at": "2018-12-03T10:07:23Z"})
    );
    // Nothing of the wire spellings leaks into the public shapes.
    for text in [
        serde_json::to_string(&balance).unwrap(),
        serde_json::to_string(&unset).unwrap(),
    ] {
        assert!(
            !text.contains("autoReload") && !text.contains('-'),
            "{text}"
        );
    }
}

#[tokio::test]
async fn settings_read_from_the_fake_serialize_an_unset_url_as_null() {
    let fake = doc_fake().await;
    let account = no_retry(&fake).account();
    let settings = account
        .update_settings(&SettingsUpdate::new().unset_mo_callback_url())
        .await
        .unwrap();
    let json = serde_json::to_value(&settings).unwrap();
    assert!(json["mo_callback_url"].is_null(), "{json}");
}
