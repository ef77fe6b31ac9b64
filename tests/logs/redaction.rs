//! No credential reaches a log line when the answer echoes the request (a request id that
//! repeats the secret or the Basic value included).

use vonage_account::{AccountAuth, Client, RetryConfig};

use crate::{
    capture::{Level, capture},
    echo::{ECHO_KEY, ECHO_NEW_SECRET, ECHO_SECRET, Reflect, leak, start},
};

#[tokio::test]
async fn echoed_credentials_reach_no_log_line() {
    let log = capture(Level::TRACE);

    for reflect in Reflect::ALL {
        let url = start(reflect).await;
        for auth in [AccountAuth::Basic, AccountAuth::QueryParameters] {
            let client = Client::builder()
                .base_url(&url)
                .api_key(ECHO_KEY)
                .api_secret(ECHO_SECRET)
                .account_auth(auth)
                .retry(RetryConfig::NONE)
                .build()
                .unwrap();
            let _ = client.account().balance().await;
            let _ = client.account().top_up("trx1").await;
            let _ = client.account().settings().await;
            let secrets = client.secrets();
            let _ = secrets.list().await;
            let _ = secrets.get("id1").await;
            let _ = secrets.create(ECHO_NEW_SECRET).await;
            let _ = secrets.revoke("id1").await;
        }
    }
    let logs = log.text();
    assert!(logs.contains("vonage_account.request"), "spans were logged");
    // The echo servers put the secret and the Basic value in X-Request-Id: replaced.
    assert!(logs.contains("request_id=\"[REDACTED]\""), "{logs}");
    // A top-up answered 200 without a code is logged as unconfirmed.
    assert!(logs.contains("vonage_account.top_up_unconfirmed"), "{logs}");
    if let Some(form) = leak(&logs, ECHO_KEY, &[ECHO_SECRET, ECHO_NEW_SECRET]) {
        panic!("{form:?} is in the logs");
    }
}
