//! An answer that echoes the request never puts a credential into an error: every operation,
//! against a server reflecting the request in every body shape, with Basic and with the legacy
//! query parameters; the API secret, its Basic form (and `key:secret`) and a new secret are
//! redacted from `Display`, `Debug`, the body fields, the whole JSON and the request id.

use crate::echo::{ECHO_KEY, ECHO_NEW_SECRET, ECHO_SECRET, Reflect, leak, start};
use vonage_account::{AccountAuth, Client, Operation, RetryConfig};

fn client(url: &str, auth: AccountAuth) -> Client {
    Client::builder()
        .base_url(url)
        .api_key(ECHO_KEY)
        .api_secret(ECHO_SECRET)
        .account_auth(auth)
        .retry(RetryConfig::NONE)
        .rate_limit_pacing(false)
        .build()
        .unwrap()
}

/// Everything a caller could print of `op`'s outcome.
async fn outcome_texts(client: &Client, op: Operation) -> Option<Vec<String>> {
    let secrets = client.secrets();
    fn texts<T: std::fmt::Debug>(r: Result<T, vonage_account::Error>) -> Vec<String> {
        match r {
            Ok(v) => vec![format!("{v:?}")],
            Err(e) => {
                let mut out = vec![e.to_string(), format!("{e:?}"), format!("{e:#?}")];
                if let Some(api) = e.api() {
                    out.push(format!("{:?}", api.body));
                    out.push(serde_json::to_string(&api.json).unwrap());
                    out.push(api.request_id.clone().unwrap_or_default());
                }
                if let Some(id) = e.request_id() {
                    out.push(id.to_owned());
                }
                out
            }
        }
    }
    use vonage_account::ServiceType::Sms;
    use vonage_account::{MoneyTransfer, NewSubaccount, NumberMove, TransferFilter};
    let subs = client.subaccounts();
    let since = TransferFilter::since("2020-01-01T00:00:00Z");
    let transfer = MoneyTransfer::new(ECHO_KEY, "sub12345", "1.00");
    let number = NumberMove::new(ECHO_KEY, "sub12345", "447700900000", "GB");
    Some(match op {
        Operation::GetAccountBalance => texts(client.account().balance().await),
        Operation::TopUpAccountBalance => texts(client.account().top_up("trx1").await),
        Operation::ChangeAccountSettings => texts(client.account().settings().await),
        Operation::RetrieveApiSecrets => texts(secrets.list().await),
        Operation::RetrieveApiSecret => texts(secrets.get("id1").await),
        Operation::CreateApiSecret => texts(secrets.create(ECHO_NEW_SECRET).await),
        Operation::RevokeApiSecret => texts(secrets.revoke("id1").await),
        Operation::RetrievePricingCountry => texts(client.pricing().country(Sms, "DE").await),
        Operation::RetrievePricingAllCountries => texts(client.pricing().all_countries(Sms).await),
        Operation::RetrievePrefixPricing => texts(client.pricing().prefix(Sms, "44").await),
        Operation::RetrieveSubaccountsList => texts(subs.list().await),
        Operation::CreateSubAccount => {
            let new = NewSubaccount::new("Echo").secret(ECHO_NEW_SECRET);
            texts(subs.create(&new).await)
        }
        Operation::RetrieveSubaccount => texts(subs.get("sub12345").await),
        Operation::ModifySubaccount => texts(subs.suspend("sub12345").await),
        Operation::RetrieveCreditTransfers => texts(subs.credit_transfers(&since).await),
        Operation::TransferCredit => texts(subs.transfer_credit(&transfer).await),
        Operation::RetrieveBalanceTransfers => texts(subs.balance_transfers(&since).await),
        Operation::TransferBalance => texts(subs.transfer_balance(&transfer).await),
        Operation::TransferNumber => texts(subs.transfer_number(&number).await),
    })
}

#[tokio::test]
async fn the_leak_check_sees_what_each_echo_sends() {
    // Without this the test below would prove nothing: each shape really carries a credential
    // back, in a spelling the check knows.
    let http = reqwest::Client::new();
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{ECHO_KEY}:{ECHO_SECRET}")
        )
    );
    for reflect in Reflect::ALL {
        let url = start(reflect).await;
        let body = http
            .post(format!("{url}/accounts/{ECHO_KEY}/secrets"))
            .header("authorization", &basic)
            .body(format!(
                r#"{{"secret":{}}}"#,
                serde_json::to_string(ECHO_NEW_SECRET).unwrap()
            ))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            leak(&body, ECHO_KEY, &[ECHO_SECRET, ECHO_NEW_SECRET]).is_some(),
            "{reflect:?} echoes no credential: {body}"
        );
    }
}

#[tokio::test]
async fn no_credential_reaches_an_error_from_an_echoing_answer() {
    let mut redacted = 0;
    let mut cases = 0;
    for reflect in Reflect::ALL {
        let url = start(reflect).await;
        for auth in [AccountAuth::Basic, AccountAuth::QueryParameters] {
            let client = client(&url, auth);
            for op in Operation::ALL.iter().copied() {
                let texts = outcome_texts(&client, op)
                    .await
                    .unwrap_or_else(|| panic!("no call for {} in tests/it/redaction.rs", op.id()));
                for text in &texts {
                    if let Some(form) = leak(text, ECHO_KEY, &[ECHO_SECRET, ECHO_NEW_SECRET]) {
                        panic!(
                            "{reflect:?} {auth:?} {}: {form:?} leaked in {text}",
                            op.id()
                        );
                    }
                }
                if texts.iter().any(|t| t.contains("[REDACTED]")) {
                    redacted += 1;
                }
                cases += 1;
            }
        }
    }
    // Most outcomes had something to redact (a revoke answered 200 has no error to show, a
    // top-up's 200 HTML is an unconfirmed success).
    assert!(
        redacted * 10 >= cases * 8,
        "{redacted} of {cases} outcomes redacted"
    );
}

#[tokio::test]
async fn what_is_not_a_credential_is_kept() {
    // The echo of a problem keeps its shape and every other word: only the credentials go.
    let url = start(Reflect::Problem).await;
    let err = client(&url, AccountAuth::Basic)
        .secrets()
        .create(ECHO_NEW_SECRET)
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    let problem = api.problem().unwrap();
    assert_eq!(problem.title.as_deref(), Some("Bad Request"));
    assert_eq!(
        problem.detail.as_deref(),
        Some(
            "Secret '[REDACTED]' rejected for POST /accounts/echokey1/secrets (Authorization: Basic [REDACTED]; secret [REDACTED])"
        )
    );
    let params = api.invalid_parameters();
    assert_eq!(params[0].name, "secret");
    assert_eq!(
        params[0].reason,
        "'[REDACTED]' does not meet complexity requirements"
    );
    assert_eq!(params[1].name, "echokey1:[REDACTED]");
    assert_eq!(params[1].reason, r#"{"secret":"[REDACTED]"}"#);
    assert_eq!(
        api.json.as_ref().unwrap()["request"]["headers"]["authorization"],
        "Basic [REDACTED]"
    );
    assert_eq!(err.kind(), vonage_account::ErrorKind::InvalidParameters);

    // The request id that echoed the secret is replaced, the others kept.
    let url = start(Reflect::Text).await;
    let err = client(&url, AccountAuth::Basic)
        .account()
        .balance()
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("[REDACTED]"));
    let url = start(Reflect::Legacy).await;
    let err = client(&url, AccountAuth::QueryParameters)
        .account()
        .balance()
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("echo-request-1"));
    assert_eq!(
        err.to_string(),
        "Vonage answered 401 Unauthorized: error-code 401 (authentication failed for  via \
         /account/get-balance?api_key=echokey1&api_secret=[REDACTED] ()) (request id echo-request-1)"
    );
}
