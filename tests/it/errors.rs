//! Every error shape the API is documented to send, decoded into the right variant and kind.

use crate::common;

use common::*;
use vonage_account::{ErrorBody, ErrorKind, Operation};
use vonage_account_fake::{Fault, FaultKind};

fn answer(status: u16, content_type: &str, body: &str) -> Fault {
    Fault::new(FaultKind::Status {
        status,
        headers: vec![],
        body: body.into(),
        content_type: Some(content_type.into()),
    })
}

const PROBLEM: &str = "application/problem+json";
const JSON: &str = "application/json";

/// Each documented body, the route it comes from, the kind it must become, and text the
/// message must contain.
fn cases() -> Vec<(Operation, Fault, ErrorKind, &'static [&'static str])> {
    vec![
        (
            Operation::GetAccountBalance,
            answer(
                401,
                JSON,
                r#"{"error-code":"401","error-code-label":"authentication failed"}"#,
            ),
            ErrorKind::Unauthorized,
            &["401", "authentication failed"],
        ),
        (
            Operation::GetAccountBalance,
            answer(
                401,
                PROBLEM,
                r#"{"type":"https://developer.vonage.com/api-errors/#unathorized","title":"You did not provide correct credentials.","detail":"Check your key","instance":"x1"}"#,
            ),
            ErrorKind::Unauthorized,
            &[
                "401",
                "You did not provide correct credentials",
                "Check your key",
            ],
        ),
        (
            Operation::GetAccountBalance,
            answer(
                401,
                PROBLEM,
                r#"{"type":"https://developer.vonage.com/api-errors/#unprovisioned","title":"The crendentials provided do not have access to the requested product","instance":"x2"}"#,
            ),
            ErrorKind::Unauthorized,
            &["do not have access"],
        ),
        (
            Operation::TopUpAccountBalance,
            answer(
                401,
                JSON,
                r#"{"error-code":"401","error-code-label":"not auto-reload enabled"}"#,
            ),
            ErrorKind::AutoReloadDisabled,
            &["not auto-reload enabled"],
        ),
        (
            Operation::TopUpAccountBalance,
            answer(
                400,
                JSON,
                r#"{"type":"BAD_REQUEST","error_title":"Bad Request","invalid_parameters":{"trx":"Is required."}}"#,
            ),
            ErrorKind::InvalidParameters,
            &["Bad Request", "trx: Is required."],
        ),
        (
            Operation::TopUpAccountBalance,
            answer(
                401,
                JSON,
                r#"{"error-code":"420","error-code-label":"topup failed"}"#,
            ),
            ErrorKind::TopUpFailed,
            &["420", "topup failed"],
        ),
        (
            Operation::TopUpAccountBalance,
            answer(
                200,
                JSON,
                r#"{"error-code":"420","error-code-label":"topup failed"}"#,
            ),
            ErrorKind::TopUpFailed,
            &["200", "420", "topup failed"],
        ),
        (
            Operation::RetrieveApiSecrets,
            answer(
                401,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/api-errors#unauthorized","title":"Invalid credentials supplied","detail":"You did not provide correct credentials.","instance":"797a8f199c45014ab7b08bfe9cc1c12c"}"#,
            ),
            ErrorKind::Unauthorized,
            &["Invalid credentials supplied"],
        ),
        (
            Operation::RetrieveApiSecrets,
            answer(
                401,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/","title":"Unauthorized","detail":"Invalid credentials format. Expected: \"Authorization: (Base64(UTF-8(apiKey:secret)))\"","instance":"i"}"#,
            ),
            ErrorKind::Unauthorized,
            &["Invalid credentials format"],
        ),
        (
            Operation::RetrieveApiSecrets,
            answer(
                404,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/api-errors#invalid-api-key","title":"Invalid API Key","detail":"API key 'ABC123' does not exist, or you do not have access","instance":"i"}"#,
            ),
            ErrorKind::InvalidApiKey,
            &["404", "Invalid API Key", "ABC123"],
        ),
        (
            Operation::RetrieveApiSecret,
            answer(
                404,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID","detail":"ID '07239aeb-d756-4c32-a1de-cf64f8b21827' could not be found","instance":"i"}"#,
            ),
            ErrorKind::SecretNotFound,
            &["Invalid ID"],
        ),
        (
            Operation::CreateApiSecret,
            answer(
                400,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#validation","title":"Bad Request","detail":"The request failed due to secret validation errors","instance":"i","invalid_parameters":[{"name":"secret","reason":"Does not meet complexity requirements"}]}"#,
            ),
            ErrorKind::InvalidParameters,
            &[
                "Bad Request",
                "secret: Does not meet complexity requirements",
            ],
        ),
        (
            Operation::CreateApiSecret,
            answer(
                403,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#maximum-secrets-allowed","title":"Maxmimum number of secrets already met","detail":"This account has reached maximum number of '2' allowed secrets","instance":"797a"}"#,
            ),
            ErrorKind::SecretLimitReached,
            &["403", "Maxmimum"],
        ),
        (
            Operation::CreateApiSecret,
            answer(
                403,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#add-excess-secret","title":"Secret Addition Forbidden","detail":"Account reached maximum number [2] of allowed secrets","instance":"48898273-7ae1-4ce4-8125-a71058ca6069"}"#,
            ),
            ErrorKind::SecretLimitReached,
            &["Secret Addition Forbidden"],
        ),
        // Documented as 400 too: classified by the type fragment, not the status.
        (
            Operation::CreateApiSecret,
            answer(
                400,
                PROBLEM,
                r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#add-excess-secret","title":"Secret Addition Forbidden","instance":"i"}"#,
            ),
            ErrorKind::SecretLimitReached,
            &["400"],
        ),
        (
            Operation::RevokeApiSecret,
            answer(
                403,
                JSON,
                r#"{"type":"https://developer.nexmo.com/api-errors/account/secret-management#delete-last-secret","title":"Secret Deletion Forbidden","detail":"Can not delete the last secret. The account must always have at least 1 secret active at any time","instance":"i"}"#,
            ),
            ErrorKind::LastSecret,
            &["Secret Deletion Forbidden"],
        ),
        (
            Operation::GetAccountBalance,
            answer(
                429,
                PROBLEM,
                r#"{"type":"https://developer.vonage.com/api-errors#throttled","title":"Rate Limit Hit","instance":"i"}"#,
            ),
            ErrorKind::RateLimited,
            &["429", "Rate Limit Hit"],
        ),
        (
            Operation::GetAccountBalance,
            answer(
                500,
                "text/html",
                "<html><body>Internal Server Error</body></html>",
            ),
            ErrorKind::ServerError,
            &["500", "Internal Server Error"],
        ),
        (
            Operation::GetAccountBalance,
            Fault::status(502),
            ErrorKind::ServerError,
            &["502", "empty body"],
        ),
        (
            Operation::GetAccountBalance,
            answer(418, "text/plain", "I'm a teapot"),
            ErrorKind::OtherApi,
            &["418", "teapot"],
        ),
        (
            Operation::GetAccountBalance,
            answer(
                403,
                JSON,
                r#"{"type":"https://example.com/#something-else","title":"Nope"}"#,
            ),
            ErrorKind::Forbidden,
            &["Nope"],
        ),
        (
            Operation::GetAccountBalance,
            Fault::redirect("https://evil.example/steal"),
            ErrorKind::Redirect,
            &["302", "not followed"],
        ),
    ]
}

#[tokio::test]
async fn every_documented_error_shape_is_typed() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    for (route, fault, kind, needles) in cases() {
        fake.clear_requests();
        fake.inject(fault.clone().on(route));
        let err = match route {
            Operation::GetAccountBalance => client.account().balance().await.map(drop),
            Operation::TopUpAccountBalance => client.account().top_up("trx1").await.map(drop),
            Operation::RetrieveApiSecrets => client.secrets().list().await.map(drop),
            Operation::RetrieveApiSecret => client.secrets().get("abc").await.map(drop),
            Operation::CreateApiSecret => client.secrets().create("Abcdefgh1234").await.map(drop),
            Operation::RevokeApiSecret => client.secrets().revoke("abc").await,
            _ => unreachable!(),
        }
        .expect_err("the fault must surface as an error");
        assert_eq!(err.kind(), kind, "{fault:?} gave {err:?}");
        let message = err.to_string();
        for needle in needles {
            assert!(message.contains(needle), "{message:?} lacks {needle:?}");
        }
        // The request id is in the error and its message.
        let request_id = err
            .request_id()
            .expect("every answer carries X-Request-Id")
            .to_owned();
        assert!(message.contains(&request_id), "{message}");
        assert!(!message.contains('\n'), "one line: {message:?}");
        assert_eq!(
            fake.requests().len(),
            1,
            "no retries without a retry policy"
        );
    }
}

#[tokio::test]
async fn error_bodies_keep_their_shape() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);

    fake.inject(answer(
        401,
        JSON,
        r#"{"error-code":"401","error-code-label":"authentication failed"}"#,
    ));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(
        err.api().unwrap().body,
        ErrorBody::Legacy {
            code: "401".into(),
            label: Some("authentication failed".into())
        }
    );

    fake.inject(answer(400, PROBLEM, r#"{"type":"https://x#validation","title":"Bad Request","detail":"d","instance":"i","invalid_parameters":[{"name":"secret","reason":"Does not meet complexity requirements"}]}"#));
    let err = client.secrets().create("Abcdefgh1234").await.unwrap_err();
    let api = err.api().unwrap();
    let problem = api.problem().unwrap();
    assert_eq!(problem.type_uri.as_deref(), Some("https://x#validation"));
    assert_eq!(problem.title.as_deref(), Some("Bad Request"));
    assert_eq!(problem.detail.as_deref(), Some("d"));
    assert_eq!(problem.instance.as_deref(), Some("i"));
    assert_eq!(api.invalid_parameters()[0].name, "secret");
    assert_eq!(
        api.invalid_parameters()[0].reason,
        "Does not meet complexity requirements"
    );
    assert_eq!(api.problem_fragment(), Some("validation"));

    fake.inject(answer(500, "text/html", "<html>oops</html>"));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(
        err.api().unwrap().body,
        ErrorBody::Text("<html>oops</html>".into())
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));

    fake.inject(Fault::status(503));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.api().unwrap().body, ErrorBody::Empty);
}

#[tokio::test]
async fn broken_success_answers_are_decode_errors_with_an_excerpt() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);

    fake.inject(Fault::truncated_body());
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let vonage_account::Error::Decode {
        status,
        excerpt,
        request_id,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert!(excerpt.starts_with("{\"value\":10."), "{excerpt}");
    assert!(request_id.is_some());

    fake.inject(Fault::not_json());
    let err = client.secrets().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("this is not JSON"), "{err}");

    // A 2xx whose JSON has the wrong shape.
    fake.inject(answer(200, JSON, r#"{"value":"ten","autoReload":"maybe"}"#));
    assert_eq!(
        client.account().balance().await.unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_not_read() {
    let fake = doc_fake().await;
    let client = fake
        .client_builder()
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    fake.inject(Fault::huge_body(200 * 1024));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge);
    assert!(err.to_string().contains("65536-byte limit"), "{err}");

    // The default limit is 1 MiB.
    let client = no_retry(&fake);
    fake.inject(Fault::huge_body(2 * 1024 * 1024));
    assert_eq!(
        client.secrets().list().await.unwrap_err().kind(),
        ErrorKind::ResponseTooLarge
    );
    fake.inject(Fault::huge_body(512 * 1024));
    // Under the limit it is read, then fails to decode as a secret list.
    assert_eq!(
        client.secrets().list().await.unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    fake.inject(Fault::redirect(format!(
        "{}/account/get-balance",
        fake.url()
    )));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert_eq!(
        fake.requests().len(),
        1,
        "the redirect target was not requested"
    );
}

#[tokio::test]
async fn timeouts_and_dropped_connections_are_typed() {
    let fake = doc_fake().await;
    let client = fake
        .client_builder()
        .timeout(std::time::Duration::from_millis(300))
        .retry(vonage_account::RetryConfig::NONE)
        .build()
        .unwrap();
    fake.inject(Fault::delay(std::time::Duration::from_secs(2)));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.to_string(), "the request timed out");

    fake.inject(Fault::drop_connection());
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.to_string().starts_with("network error:"), "{err}");
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let fake = doc_fake().await;
    let url = fake.url();
    fake.shutdown().await;
    let client = vonage_account::Client::builder()
        .base_url(url)
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .retry(vonage_account::RetryConfig::NONE)
        .build()
        .unwrap();
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.to_string().contains("could not connect"), "{err}");
}
