//! Request ids on successes, tracing spans per attempt, and the credential check.

use crate::common;

use common::*;
use vonage_account::{Client, ErrorKind, Operation, RetryConfig, with_response_meta};
use vonage_account_fake::Fault;

#[tokio::test]
async fn successes_expose_their_request_id_status_and_attempts() {
    let fake = doc_fake().await;
    let client = fast_retry(&fake, 2);
    let (balance, answers) = with_response_meta(client.account().balance()).await;
    balance.unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].operation, Operation::GetAccountBalance);
    assert_eq!(answers[0].status.as_u16(), 200);
    assert_eq!(answers[0].attempts, 1);
    assert_eq!(answers[0].request_id.as_ref().map(String::len), Some(36));

    fake.inject(Fault::status(503).on(Operation::RetrieveApiSecrets));
    let (outcome, answers) = with_response_meta(async {
        client.secrets().list().await?;
        client.secrets().get("nosuchid").await
    })
    .await;
    let err = outcome.unwrap_err();
    let ops: Vec<_> = answers
        .iter()
        .map(|a| (a.operation, a.status.as_u16(), a.attempts))
        .collect();
    assert_eq!(
        ops,
        [
            (Operation::RetrieveApiSecrets, 200, 2),
            (Operation::RetrieveApiSecret, 404, 1)
        ]
    );
    assert_eq!(
        err.request_id(),
        answers[1].request_id.as_deref(),
        "the error carries the same id"
    );
}

#[tokio::test]
async fn verify_credentials_tells_refusal_from_network_trouble() {
    let fake = doc_fake().await;
    assert!(no_retry(&fake).verify_credentials().await.is_ok());
    let wrong = fake
        .client_builder()
        .api_key(DOC_KEY)
        .api_secret("Wrong-Secret-1")
        .build()
        .unwrap();
    assert_eq!(
        wrong.verify_credentials().await.unwrap_err().kind(),
        ErrorKind::Unauthorized
    );
    fake.inject(Fault::html_500());
    assert_eq!(
        no_retry(&fake)
            .verify_credentials()
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::ServerError
    );
    let url = fake.url();
    fake.shutdown().await;
    let offline = Client::builder()
        .base_url(url)
        .api_key(DOC_KEY)
        .api_secret(DOC_SECRET)
        .retry(RetryConfig::NONE)
        .build()
        .unwrap();
    assert_eq!(
        offline.verify_credentials().await.unwrap_err().kind(),
        ErrorKind::Transport
    );
}
