//! Never twice: a create or a transfer whose answer is lost after Vonage committed it is never
//! sent again; the error says the outcome is unknown and how to settle it, and settling finds
//! what was done. A number transfer sent again after an unknown outcome and refused means
//! "check who owns the number".

use crate::common;

use std::time::Duration;

use common::*;
use vonage_account::{
    Asked, ErrorKind, MoneyTransfer, NewSubaccount, NumberMove, Operation, RetryConfig, Settlement,
};
use vonage_account_fake::{Fault, SubaccountPatch};

const SUB: &str = "sub12345";

fn own_balance(fake: &vonage_account_fake::FakeVonage) {
    fake.update_subaccount(
        SUB,
        &SubaccountPatch {
            own_balance: Some("0".into()),
            ..SubaccountPatch::default()
        },
    )
    .unwrap();
}

/// A client that would retry everything it is allowed to, as often as it is allowed to.
fn eager(fake: &vonage_account_fake::FakeVonage) -> vonage_account::Client {
    fake.client_builder()
        .retry(
            RetryConfig::default()
                .max_retries(5)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_committed_transfer_whose_answer_is_lost_is_sent_once_and_found_by_its_reference() {
    for op in [Operation::TransferBalance, Operation::TransferCredit] {
        let fake = doc_fake().await;
        own_balance(&fake);
        let client = eager(&fake);
        let subs = client.subaccounts();
        fake.inject(Fault::commit_then_drop().on(op));
        let transfer = MoneyTransfer::new(DOC_KEY, SUB, "2.50");
        let err = match op {
            Operation::TransferBalance => subs.transfer_balance(&transfer).await,
            _ => subs.transfer_credit(&transfer).await,
        }
        .unwrap_err();
        assert_eq!(fake.requests_to(op).len(), 1, "{op}: sent once");
        assert_eq!(fake.subaccounts().transfers.len(), 1, "{op}: moved once");
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{op}: {err:?}");
        let unknown = err.outcome_unknown().unwrap();
        assert_eq!(unknown.operation, op);
        let Asked::Transfer { reference, .. } = &unknown.asked else {
            panic!("{op}: {:?}", unknown.asked)
        };
        let message = err.to_string();
        assert!(message.contains("unknown"), "{message}");
        assert!(message.contains(reference.as_str()), "{message}");
        assert!(message.contains("it was not sent again"), "{message}");
        // The reference sent is the one the error names.
        let sent: serde_json::Value = serde_json::from_str(&fake.requests_to(op)[0].body).unwrap();
        assert_eq!(sent["reference"], reference.as_str());
        // Settling finds it.
        match subs.settle(unknown).await.unwrap() {
            Settlement::Transferred(t) => {
                assert_eq!(t.reference.as_deref(), Some(reference.as_str()));
                assert_eq!(t.amount.to_string(), "2.50");
                assert_eq!(t.id, fake.subaccounts().transfers[0].id);
            }
            other => panic!("{op}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_transfer_dropped_before_it_was_made_settles_as_not_found() {
    let fake = doc_fake().await;
    own_balance(&fake);
    let client = eager(&fake);
    fake.inject(Fault::drop_connection().on(Operation::TransferBalance));
    let subs = client.subaccounts();
    let err = subs
        .transfer_balance(&MoneyTransfer::new(DOC_KEY, SUB, "1").reference("invoice 7"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(fake.requests_to(Operation::TransferBalance).len(), 1);
    assert!(fake.subaccounts().transfers.is_empty());
    let settled = subs.settle(err.outcome_unknown().unwrap()).await.unwrap();
    assert_eq!(settled, Settlement::NotFound);
}

#[tokio::test]
async fn a_committed_create_whose_answer_is_lost_is_sent_once_and_found_by_name() {
    let fake = doc_fake().await;
    let client = eager(&fake);
    let subs = client.subaccounts();
    fake.inject(Fault::commit_then_drop().on(Operation::CreateSubAccount));
    let err = subs
        .create(&NewSubaccount::new("Acme Ltd"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert_eq!(fake.requests_to(Operation::CreateSubAccount).len(), 1);
    let created: Vec<_> = fake
        .subaccounts()
        .subaccounts
        .into_iter()
        .filter(|s| s.name == "Acme Ltd")
        .collect();
    assert_eq!(created.len(), 1, "created once");
    let unknown = err.outcome_unknown().unwrap();
    assert_eq!(
        unknown.asked,
        Asked::Create {
            name: "Acme Ltd".into()
        }
    );
    assert!(err.to_string().contains("Acme Ltd"));
    match subs.settle(unknown).await.unwrap() {
        Settlement::Created(found) => {
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].api_key, created[0].api_key);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_timeout_after_the_commit_is_an_unknown_outcome_too() {
    let fake = doc_fake().await;
    own_balance(&fake);
    let client = fake
        .client_builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    fake.inject(Fault::delay(Duration::from_secs(2)).on(Operation::TransferCredit));
    let err = client
        .subaccounts()
        .transfer_credit(&MoneyTransfer::new(DOC_KEY, SUB, "3"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(
        err.outcome_unknown().unwrap().cause.kind(),
        ErrorKind::Timeout
    );
    assert_eq!(fake.requests_to(Operation::TransferCredit).len(), 1);
}

#[tokio::test]
async fn a_gateway_5xx_on_a_transfer_is_an_unknown_outcome_and_is_not_resent() {
    let fake = doc_fake().await;
    own_balance(&fake);
    let client = eager(&fake);
    fake.inject(Fault::empty_502().on(Operation::TransferBalance));
    let err = client
        .subaccounts()
        .transfer_balance(&MoneyTransfer::new(DOC_KEY, SUB, "1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.api().is_some(), "the answer is still there to read");
    assert_eq!(fake.requests_to(Operation::TransferBalance).len(), 1);
}

#[tokio::test]
async fn a_refusal_is_a_refusal_not_an_unknown_outcome() {
    let fake = doc_fake().await;
    own_balance(&fake);
    let err = no_retry(&fake)
        .subaccounts()
        .transfer_balance(&MoneyTransfer::new(SUB, DOC_KEY, "1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransfer, "{err}");
    assert!(err.to_string().contains("Insufficient"), "{err}");
}

#[tokio::test]
async fn a_connection_never_made_is_no_unknown_outcome() {
    // Nothing listens there: the request never left, so the outcome is known (not done).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = vonage_account::Client::builder()
        .base_url(url)
        .api_key(DOC_KEY)
        .api_secret("Abcdef123456")
        .retry(RetryConfig::NONE)
        .build()
        .unwrap();
    let err = client
        .subaccounts()
        .transfer_balance(&MoneyTransfer::new(DOC_KEY, SUB, "1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
}

#[tokio::test]
async fn a_number_transfer_resent_after_an_unknown_outcome_means_check_the_owner() {
    let fake = doc_fake().await;
    let client = eager(&fake);
    let subs = client.subaccounts();
    let transfer = NumberMove::new(DOC_KEY, SUB, "447700900000", "GB");
    fake.inject(Fault::commit_then_drop().on(Operation::TransferNumber));
    let err = subs.transfer_number(&transfer).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(fake.requests_to(Operation::TransferNumber).len(), 1);
    assert_eq!(fake.number_owner("447700900000").as_deref(), Some(SUB));
    assert_eq!(
        subs.settle(err.outcome_unknown().unwrap()).await.unwrap(),
        Settlement::CheckNumberOwner
    );

    // Without the mark a resend is the plain refusal: the sub-account owns it already (409).
    let plain = subs.transfer_number(&transfer).await.unwrap_err();
    assert_eq!(plain.kind(), ErrorKind::TransferConflict);

    // Moved on meanwhile (to another sub-account), then sent again after the unknown outcome:
    // the primary does not own it (403), which means "check the owner".
    subs.transfer_number(&NumberMove::new(SUB, "sub67890", "447700900000", "GB"))
        .await
        .unwrap_err(); // sub67890 is no account of this fake: refused, nothing moved
    let again = subs
        .transfer_number(&transfer.clone().after_unknown_outcome())
        .await
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::OutcomeUnknown, "{again:?}");
    assert!(again.to_string().contains("owns"), "{again}");

    // A resend once it moved: the sub-account owns it already (409), which after an unknown
    // outcome is "check the owner" too.
    let conflict = subs
        .transfer_number(&transfer.clone().after_unknown_outcome())
        .await;
    let conflict = conflict.unwrap_err();
    assert_eq!(conflict.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(
        conflict.outcome_unknown().unwrap().cause.kind(),
        ErrorKind::TransferConflict
    );
}
