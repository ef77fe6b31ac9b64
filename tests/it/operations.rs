//! The operation table against everything that lists operations: the specs (through build.rs's
//! own parser), the facade, the fake, and the README. An operation added to a spec and nothing
//! else fails here (or fails to compile in the fake's router), naming the operation.

use vonage_account::{
    Api, MoneyTransfer, NewSubaccount, NumberMove, Operation, RetryClass, ServiceType,
    TransferFilter,
};
use vonage_account_fake::{FakeVonage, SubaccountPatch};

use crate::build_script;

/// Every operation of the specs, read with build.rs's parser.
fn spec_operations() -> Vec<(String, String, String, String)> {
    let mut all = Vec::new();
    for spec in build_script::SPECS {
        let text = std::fs::read_to_string(spec.path).unwrap();
        let (_, rows) = build_script::generate_spec(spec, &text).unwrap();
        for op in rows.operations {
            all.push((op.id, op.method, op.path, op.retry.to_owned()));
        }
    }
    all
}

#[test]
fn the_table_is_the_specs() {
    let specs = spec_operations();
    let table: Vec<_> = Operation::ALL
        .iter()
        .map(|op| {
            let class = match op.retry_class() {
                RetryClass::Repeatable => "Repeatable",
                RetryClass::ConnectOnly => "ConnectOnly",
                other => panic!("{op}: a retry class this test does not know: {other:?}"),
            };
            (
                op.id().to_owned(),
                op.method().to_owned(),
                op.path_template().to_owned(),
                class.to_owned(),
            )
        })
        .collect();
    assert_eq!(table, specs);
}

#[test]
fn every_host_is_the_spec_server() {
    assert_eq!(
        Api::Account.default_base_url(),
        vonage_account::DEFAULT_REST_URL
    );
    assert_eq!(
        Api::Secrets.default_base_url(),
        vonage_account::DEFAULT_API_URL
    );
    // The Subaccounts API lives on the Secret Management host.
    assert_eq!(
        Api::Subaccounts.default_base_url(),
        vonage_account::DEFAULT_API_URL
    );
}

/// Calls `op` through the facade against the fake. Every operation must have an arm: one added to
/// a spec without a facade method falls into the last arm and fails, naming it.
async fn call_through_facade(
    fake: &FakeVonage,
    op: Operation,
) -> Result<(), vonage_account::Error> {
    let client = fake.client();
    let secrets = client.secrets();
    let subs = client.subaccounts();
    let since = TransferFilter::since("2020-01-01T00:00:00Z");
    let transfer = MoneyTransfer::new(fake.api_key(), "sub12345", "1.00");
    match op {
        Operation::GetAccountBalance => client.account().balance().await.map(drop),
        Operation::TopUpAccountBalance => client.account().top_up("trx-table").await.map(drop),
        Operation::ChangeAccountSettings => client.account().settings().await.map(drop),
        Operation::RetrieveApiSecrets => secrets.list().await.map(drop),
        Operation::CreateApiSecret => secrets.create("Table-Secret-1").await.map(drop),
        Operation::RetrieveApiSecret => {
            let id = fake.secret_ids(fake.api_key())[0].clone();
            secrets.get(&id).await.map(drop)
        }
        Operation::RevokeApiSecret => {
            let id = fake.secret_ids(fake.api_key())[0].clone();
            secrets.revoke(&id).await
        }
        Operation::RetrievePricingCountry => client
            .pricing()
            .country(ServiceType::Sms, "DE")
            .await
            .map(drop),
        Operation::RetrievePricingAllCountries => client
            .pricing()
            .all_countries(ServiceType::Voice)
            .await
            .map(drop),
        Operation::RetrievePrefixPricing => client
            .pricing()
            .prefix(ServiceType::SmsTransit, "44")
            .await
            .map(drop),
        Operation::RetrieveSubaccountsList => subs.list().await.map(drop),
        Operation::CreateSubAccount => subs.create(&NewSubaccount::new("Table")).await.map(drop),
        Operation::RetrieveSubaccount => subs.get("sub12345").await.map(drop),
        Operation::ModifySubaccount => subs.suspend("sub12345").await.map(drop),
        Operation::RetrieveCreditTransfers => subs.credit_transfers(&since).await.map(drop),
        Operation::TransferCredit => subs.transfer_credit(&transfer).await.map(drop),
        Operation::RetrieveBalanceTransfers => subs.balance_transfers(&since).await.map(drop),
        Operation::TransferBalance => subs.transfer_balance(&transfer).await.map(drop),
        Operation::TransferNumber => subs
            .transfer_number(&NumberMove::new(
                fake.api_key(),
                "sub12345",
                "447700900000",
                "GB",
            ))
            .await
            .map(drop),
    }
}

#[tokio::test]
async fn every_operation_has_a_facade_call_that_the_fake_serves() {
    for &op in Operation::ALL {
        let fake = FakeVonage::start().await;
        if op == Operation::RevokeApiSecret {
            // The last secret cannot be revoked: give the key a second one first.
            fake.client()
                .secrets()
                .create("Second-Secret-1")
                .await
                .unwrap();
            fake.clear_requests();
        }
        // Money moves to a sub-account with a balance of its own (set without a request).
        let own = SubaccountPatch {
            own_balance: Some("0".into()),
            ..SubaccountPatch::default()
        };
        fake.update_subaccount("sub12345", &own).unwrap();
        call_through_facade(&fake, op)
            .await
            .unwrap_or_else(|e| panic!("{op}: {e}"));
        let seen: Vec<_> = fake.requests().iter().filter_map(|r| r.route).collect();
        assert_eq!(seen, [op], "{op} went out as one request for itself");
    }
}

#[test]
fn the_readme_lists_every_operation_with_its_retry_class() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for op in Operation::ALL {
        let class = match op.retry_class() {
            RetryClass::Repeatable => "repeatable",
            RetryClass::ConnectOnly => "connect-only",
            other => panic!("{op}: a retry class this test does not know: {other:?}"),
        };
        let row = format!(
            "| `{}` | `{} {}` | {class} |",
            op.id(),
            op.method(),
            op.path_template()
        );
        assert!(
            readme.contains(&row),
            "README.md's operation table lacks the row for {op}:\n{row}"
        );
    }
}
