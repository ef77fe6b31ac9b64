//! A fake a service's test suite can drive: secrets seeded with their creation time, state
//! changed at run time (library and control path), and one fake shared by every test of a
//! binary on a runtime of its own.

use std::sync::LazyLock;

use crate::common::*;
use vonage_account::SettingsUpdate;
use vonage_account_fake::{AccountPatch, FakeError, FakeVonage, Seed, SeedSecret};

#[tokio::test]
async fn secrets_are_seeded_with_their_creation_time() {
    let seed: Seed = serde_json::from_str(
        r#"{
            "secrets": [{"secret": "Abcdef123456", "created_at": "2024-02-29T12:34:56.789+01:00"}, "Second-Secret-1"],
            "sub_accounts": [{"api_key": "sub12345", "secrets": [{"secret": "Subsecret123", "created_at": "2020-01-01T00:00:00Z"}]}]
        }"#,
    )
    .unwrap();
    let fake = FakeVonage::start_with(seed).await.unwrap();
    let client = fake.client();
    let listed = client.secrets().list().await.unwrap();
    assert_eq!(
        listed[0].created_at.to_rfc3339(),
        "2024-02-29T11:34:56+00:00"
    );
    assert!(chrono::Utc::now() - listed[1].created_at < chrono::Duration::minutes(5));
    let sub = client.secrets_for("sub12345").list().await.unwrap();
    assert_eq!(sub[0].created_at.to_rfc3339(), "2020-01-01T00:00:00+00:00");
    // On the wire as the API writes it: UTC, to the second, `Z`.
    let body = send_json(
        reqwest::Client::new()
            .get(format!(
                "{}/accounts/{}/secrets",
                fake.url(),
                fake.api_key()
            ))
            .basic_auth(fake.api_key(), Some(fake.api_secret())),
    )
    .await;
    assert_eq!(
        body["_embedded"]["secrets"][0]["created_at"],
        "2024-02-29T11:34:56Z"
    );
    // A plain string and an object both round-trip; a bad time is refused.
    let seed = Seed {
        secrets: vec![SeedSecret::new("Abcdef123456").created_at("2024-01-01T00:00:00Z")],
        ..Seed::default()
    };
    let json = serde_json::to_string(&seed).unwrap();
    assert!(json.contains(r#"{"secret":"Abcdef123456","created_at":"2024-01-01T00:00:00Z"}"#));
    assert!(json.contains(r#""secrets":["Subsecret123"]"#), "{json}");
    assert_eq!(serde_json::from_str::<Seed>(&json).unwrap(), seed);
    let bad = Seed {
        secrets: vec![SeedSecret::new("Abcdef123456").created_at("last tuesday")],
        ..Seed::default()
    };
    assert!(matches!(
        FakeVonage::start_with(bad).await,
        Err(FakeError::Seed(_))
    ));
}

#[tokio::test]
async fn state_changes_at_run_time_from_the_library() {
    let fake = FakeVonage::start().await;
    let key = fake.api_key().to_owned();
    let client = fake.client();
    // A falling balance, without a canned answer.
    for balance in ["5.00", "0.42"] {
        fake.set_balance(&key, balance).unwrap();
        let value = client.account().balance().await.unwrap().value;
        assert_eq!(value, balance.parse::<vonage_account::Amount>().unwrap());
    }
    // "Rotate when older than 90 days", without a clock injected into the service.
    let id = fake.secret_ids(&key)[0].clone();
    fake.set_secret_created_at(&key, &id, "2020-05-01T08:00:00Z")
        .unwrap();
    let secret = client.secrets().get(&id).await.unwrap();
    assert!(chrono::Utc::now() - secret.created_at > chrono::Duration::days(90));

    let view = fake
        .update_account(
            &key,
            &AccountPatch {
                auto_reload: Some(false),
                top_up_amount: Some("1.5".into()),
                mo_callback_url: Some("https://example.com/in".into()),
                max_calls_per_second: Some(3),
                ..AccountPatch::default()
            },
        )
        .unwrap();
    assert!(!view.auto_reload);
    assert_eq!(view.top_up_amount, "1.50000000");
    let settings = client.account().settings().await.unwrap();
    assert_eq!(
        settings.mo_callback_url.as_deref(),
        Some("https://example.com/in")
    );
    assert_eq!(settings.max_calls_per_second, Some(3));

    // A bad patch changes nothing; an unknown key is named.
    let err = fake
        .update_account(
            &key,
            &AccountPatch {
                balance: Some("9.99".into()),
                top_up_amount: Some("lots".into()),
                ..AccountPatch::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, FakeError::State(_)), "{err}");
    assert_eq!(fake.account(&key).unwrap().balance, "0.42000000");
    assert!(matches!(
        fake.set_balance("nosuchkey", "1"),
        Err(FakeError::UnknownKey(_))
    ));
    assert!(
        fake.set_secret_created_at(&key, "nosuchid", "2020-01-01T00:00:00Z")
            .is_err()
    );
    // reset() restores the seed.
    fake.reset();
    assert_eq!(fake.account(&key).unwrap().balance, "10.28000000");
}

#[tokio::test]
async fn state_changes_at_run_time_from_the_control_path() {
    let fake = FakeVonage::start().await;
    let http = reqwest::Client::new();
    let account = format!("{}/_fake/accounts/{}", fake.url(), fake.api_key());
    let view = send_json(http.patch(&account).json(&serde_json::json!({
        "balance": "0.01",
        "secrets": [{"secret": "Abcdef123456", "created_at": "2023-03-03T03:03:03Z"}, "Second-Secret-1"]
    })))
    .await;
    assert_eq!(view["balance"], "0.01000000");
    assert_eq!(view["secrets"][0]["created_at"], "2023-03-03T03:03:03Z");
    assert_eq!(view["secrets"][1]["secret"], "Second-Secret-1");
    let listed = fake.client().secrets().list().await.unwrap();
    assert_eq!(listed.len(), 2);
    let id = listed[1].id.clone();
    let view = send_json(
        http.patch(format!("{account}/secrets/{id}"))
            .json(&serde_json::json!({"created_at": "2021-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(view["secrets"][1]["created_at"], "2021-01-01T00:00:00Z");
    assert_eq!(send_json(http.get(&account)).await["balance"], "0.01000000");

    for (request, status) in [
        (http.patch(&account).body(r#"{"balance":"x"}"#), 400),
        (http.patch(&account).body(r#"{"balanse":"1"}"#), 400),
        (
            http.get(format!("{}/_fake/accounts/nosuchkey", fake.url())),
            404,
        ),
        (http.delete(&account), 405),
    ] {
        assert_eq!(request.send().await.unwrap().status(), status);
    }
    assert_eq!(fake.account(fake.api_key()).unwrap().balance, "0.01000000");
    assert_eq!(
        fake.requests().len(),
        1,
        "only the API call is logged, not the control path"
    );
}

/// One fake for every test of this module, on a runtime of its own: each `#[tokio::test]` has a
/// runtime that ends with the test, and a fake started on one of them would die with it.
static SHARED: LazyLock<FakeVonage> = LazyLock::new(|| {
    FakeVonage::builder()
        .start_on_own_runtime()
        .expect("the shared fake starts")
});

#[tokio::test]
async fn a_static_fake_serves_one_test() {
    SHARED.client().account().balance().await.unwrap();
}

#[tokio::test]
async fn a_static_fake_serves_another_test() {
    SHARED.client().secrets().list().await.unwrap();
}

#[test]
fn a_fake_on_its_own_runtime_outlives_the_runtimes_that_use_it() {
    let fake = FakeVonage::builder().start_on_own_runtime().unwrap();
    for _ in 0..2 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async { fake.client().account().balance().await.unwrap() });
    }
    assert_eq!(fake.requests().len(), 2);
    // A bad seed is reported, not a panic on another thread.
    let err = FakeVonage::builder()
        .seed(Seed {
            api_key: "bad key".into(),
            ..Seed::default()
        })
        .start_on_own_runtime()
        .unwrap_err();
    assert!(matches!(err, FakeError::Seed(_)), "{err}");
    // Dropped, it stops.
    let addr = fake.addr();
    drop(fake);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(std::net::TcpStream::connect(addr).is_err());
}

/// The fake's view of the settings has the client's shape (issue 26, item 6): an unset URL is
/// `None` (`null` in JSON), a set one `Some`, in the view and in the seed.
#[tokio::test]
async fn the_settings_view_has_the_clients_shape() {
    let fake = FakeVonage::start().await;
    let key = fake.api_key().to_owned();
    let settings = fake.account(&key).unwrap().settings;
    assert_eq!(
        (settings.mo_callback_url, settings.dr_callback_url),
        (None, None)
    );
    let client_settings = fake.client().account().settings().await.unwrap();
    assert_eq!(client_settings.dr_callback_url, None);

    let update = SettingsUpdate::new().dr_callback_url("https://example.com/dr");
    let client_settings = fake
        .client()
        .account()
        .update_settings(&update)
        .await
        .unwrap();
    let view = fake.account(&key).unwrap();
    assert_eq!(
        view.settings.dr_callback_url,
        client_settings.dr_callback_url
    );
    assert_eq!(
        view.settings.dr_callback_url.as_deref(),
        Some("https://example.com/dr")
    );
    assert_eq!(view.settings.mo_callback_url, None);
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(
        json["settings"]["dr_callback_url"],
        "https://example.com/dr"
    );
    assert!(json["settings"]["mo_callback_url"].is_null());

    // A seed file may write an unset URL as null, "" or not at all.
    let seed: Seed = serde_json::from_str(
        r#"{"settings": {"mo_callback_url": "", "dr_callback_url": "https://example.com/seeded"}}"#,
    )
    .unwrap();
    assert_eq!(seed.settings.mo_callback_url, None);
    let fake = FakeVonage::start_with(seed).await.unwrap();
    let read = fake.client().account().settings().await.unwrap();
    assert_eq!(read.mo_callback_url, None);
    assert_eq!(
        read.dr_callback_url.as_deref(),
        Some("https://example.com/seeded")
    );
}
