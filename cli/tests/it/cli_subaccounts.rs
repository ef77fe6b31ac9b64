//! `vonage-account subaccounts …` against the fake: the exact requests that reached it, the
//! text and `--json` outputs, the exit codes, and a stable kind for each error class.

use serde_json::{Value, json};
use vonage_account::{MoneyTransfer, NewSubaccount, Operation};
use vonage_account_fake::{
    FakeVonage, Fault, FaultKind, RecordedRequest, SeedNumber, SubaccountsPatch,
};

use crate::cli::{KEY, NEW_SECRET, SUB, cli};

/// The one request of `operation` the fake saw since the last clear.
fn only(fake: &FakeVonage, operation: Operation) -> RecordedRequest {
    let requests = fake.requests_to(operation);
    assert_eq!(requests.len(), 1, "{operation:?}: {requests:#?}");
    requests.into_iter().next().unwrap()
}

fn body_json(request: &RecordedRequest) -> Value {
    serde_json::from_str(&request.body).unwrap_or_else(|e| panic!("{e}: {request:?}"))
}

/// A sub-account with a balance of its own holding `amount` EUR, made with the library.
async fn own_balance_sub(fake: &FakeVonage, name: &str, amount: &str) -> String {
    let client = fake.client();
    let created = client
        .subaccounts()
        .create(&NewSubaccount::new(name).own_balance())
        .await
        .unwrap();
    let key = created.api_key().to_owned();
    client
        .subaccounts()
        .transfer_balance(&MoneyTransfer::new(KEY, &key, amount))
        .await
        .unwrap();
    fake.clear_requests();
    key
}

#[tokio::test]
async fn list_and_show_print_the_api_names_the_digits_and_null_for_a_shared_balance() {
    let fake = FakeVonage::start().await;
    let own = own_balance_sub(&fake, "Acme Ltd", "2.50").await;

    let run = cli(&fake, &["--json", "subaccounts", "list"]).run().await;
    run.assert_code(0).assert_no_secret();
    let request = only(&fake, Operation::RetrieveSubaccountsList);
    assert_eq!(
        (
            request.method.as_str(),
            request.path.as_str(),
            &request.query
        ),
        ("GET", "/accounts/abcd1234/subaccounts", &None)
    );
    let list = run.json();
    assert_eq!(list["primary_account"]["api_key"], KEY);
    let subs = list["subaccounts"].as_array().unwrap();
    let shared = subs.iter().find(|s| s["api_key"] == SUB).unwrap();
    assert_eq!(shared["balance"], Value::Null);
    assert_eq!(shared["credit_limit"], Value::Null);
    assert_eq!(shared["use_primary_account_balance"], true);
    let mine = subs.iter().find(|s| s["api_key"] == own.as_str()).unwrap();
    assert_eq!(mine["name"], "Acme Ltd");
    assert_eq!(mine["use_primary_account_balance"], false);
    assert_eq!(mine["suspended"], false);
    assert!(mine["created_at"].is_string());
    assert_eq!(mine["primary_account_api_key"], KEY);
    // Money as JSON numbers with the digits the fake sent (eight decimals).
    assert!(
        run.stdout.contains("\"balance\": 2.50000000"),
        "{}",
        run.stdout
    );
    assert!(list["total_balance"].is_number() && list["total_credit_limit"].is_number());

    let run = cli(&fake, &["subaccounts", "list"]).run().await;
    run.assert_code(0);
    assert!(run.stdout.contains("Sub-accounts: 2"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!(
        "{SUB}  \"{SUB}\"  shares the primary account's balance  active"
    )));
    assert!(
        run.stdout
            .contains("balance 2.50000000 EUR, credit limit 0.00000000 EUR"),
        "{}",
        run.stdout
    );

    fake.clear_requests();
    let run = cli(&fake, &["--json", "subaccounts", "show", &own])
        .run()
        .await;
    run.assert_code(0);
    let request = only(&fake, Operation::RetrieveSubaccount);
    assert_eq!(
        request.path,
        format!("/accounts/abcd1234/subaccounts/{own}")
    );
    assert_eq!(run.json()["api_key"], own.as_str());
    assert!(run.stdout.contains("\"balance\": 2.50000000"));

    // An unknown key: the API's 404, exit 3 with its kind.
    let run = cli(&fake, &["--json", "subaccounts", "show", "nosuch99"])
        .run()
        .await;
    run.assert_code(3);
    let error = run.error_json();
    assert_eq!(
        (error["error"].as_str(), error["status"].as_u64()),
        (Some("invalid-api-key"), Some(404))
    );
    // A key that is not a path segment: refused before sending.
    fake.clear_requests();
    let run = cli(&fake, &["--json", "subaccounts", "show", "../secrets"])
        .run()
        .await;
    run.assert_code(2);
    assert_eq!(run.error_json()["error"], "validation");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn create_sends_the_secret_from_the_environment_or_generate_or_none() {
    let fake = FakeVonage::start().await;

    // Neither: no secret sent; the API's is printed once.
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "create",
            "--name",
            "Acme",
            "--own-balance",
        ],
    )
    .run()
    .await;
    run.assert_code(0).assert_no_secret();
    let request = only(&fake, Operation::CreateSubAccount);
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/accounts/abcd1234/subaccounts")
    );
    assert_eq!(
        body_json(&request),
        json!({"name": "Acme", "use_primary_account_balance": false})
    );
    let created = run.json();
    assert_eq!(created["secret_source"], "api");
    let key = created["api_key"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap();
    assert!(
        fake.secret_id_of(&key, secret).is_some(),
        "the printed secret is the account's"
    );
    assert!(
        run.stdout.contains("\"balance\": 0.00000000"),
        "{}",
        run.stdout
    );

    // VONAGE_NEW_SECRET: sent, and not printed again.
    fake.clear_requests();
    let run = cli(&fake, &["subaccounts", "create", "--name", "Globex"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let request = only(&fake, Operation::CreateSubAccount);
    assert_eq!(
        body_json(&request),
        json!({"name": "Globex", "secret": NEW_SECRET})
    );
    assert!(
        run.stdout
            .contains("Its secret is the one in VONAGE_NEW_SECRET."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("shares the primary account's balance"));

    // --generate --output-file: a new 0600 file, written before sending; stdout has no secret.
    let dir = std::env::temp_dir().join(format!("va-subcli-create-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("initech.secret");
    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "create",
            "--name",
            "Initech",
            "--generate",
            "--output-file",
            path.to_str().unwrap(),
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["secret_source"], "generated");
    assert_eq!(out["secret_file"], path.to_str().unwrap());
    assert!(out.get("secret").is_none());
    let value = std::fs::read_to_string(&path).unwrap();
    let value = value.trim_end();
    assert!(!run.stdout.contains(value));
    assert_eq!(
        body_json(&only(&fake, Operation::CreateSubAccount))["secret"],
        value
    );
    assert!(
        fake.secret_id_of(out["api_key"].as_str().unwrap(), value)
            .is_some()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // The same file again: refused, nothing sent, the file untouched.
    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "subaccounts",
            "create",
            "--name",
            "Initech 2",
            "--generate",
            "--output-file",
            path.to_str().unwrap(),
        ],
    )
    .run()
    .await;
    run.assert_code(2);
    assert!(fake.requests().is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap().trim_end(), value);

    // --generate with VONAGE_NEW_SECRET set, a weak secret, a name too long, --output-file
    // without --generate: usage errors, nothing sent.
    let long = "x".repeat(81);
    for (args, env) in [
        (
            vec!["subaccounts", "create", "--name", "A", "--generate"],
            Some(NEW_SECRET),
        ),
        (vec!["subaccounts", "create", "--name", "A"], Some("weak")),
        (vec!["subaccounts", "create", "--name", long.as_str()], None),
        (vec!["subaccounts", "create", "--name", " "], None),
        (
            vec!["subaccounts", "create", "--name", "A", "--output-file", "x"],
            None,
        ),
    ] {
        let mut command = cli(&fake, &args);
        if let Some(secret) = env {
            command = command.env("VONAGE_NEW_SECRET", secret);
        }
        command.run().await.assert_code(2);
    }
    assert!(fake.requests().is_empty());

    // A create refused by the API removes the file written for it.
    fake.update_subaccounts(&SubaccountsPatch {
        max_subaccounts: Some(1),
        ..Default::default()
    })
    .unwrap();
    let refused = dir.join("refused.secret");
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "create",
            "--name",
            "Over",
            "--generate",
            "--output-file",
            refused.to_str().unwrap(),
        ],
    )
    .run()
    .await;
    run.assert_code(3);
    assert_eq!(run.error_json()["error"], "subaccount-limit");
    assert!(!refused.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn update_sends_exactly_the_fields_given_and_nothing_without_one() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["--json", "subaccounts", "update", SUB])
        .run()
        .await;
    run.assert_code(2);
    assert_eq!(run.error_json()["error"], "usage");
    let run = cli(
        &fake,
        &["subaccounts", "update", SUB, "--suspend", "--reactivate"],
    )
    .run()
    .await;
    run.assert_code(2);
    assert!(fake.requests().is_empty(), "nothing sent");

    for (args, body) in [
        (
            vec!["--name", "Acme (closed)", "--suspend"],
            json!({"name": "Acme (closed)", "suspended": true}),
        ),
        (vec!["--reactivate"], json!({"suspended": false})),
        (
            vec!["--own-balance"],
            json!({"use_primary_account_balance": false}),
        ),
    ] {
        fake.clear_requests();
        let mut line = vec!["--json", "subaccounts", "update", SUB];
        line.extend(args);
        let run = cli(&fake, &line).run().await;
        run.assert_code(0);
        let request = only(&fake, Operation::ModifySubaccount);
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("PATCH", "/accounts/abcd1234/subaccounts/sub12345")
        );
        assert_eq!(body_json(&request), body);
        let sub = run.json();
        for (field, value) in body.as_object().unwrap() {
            match field.as_str() {
                "use_primary_account_balance" => assert_eq!(sub[field], false),
                _ => assert_eq!(&sub[field], value),
            }
        }
    }
    let run = cli(&fake, &["subaccounts", "show", SUB]).run().await;
    assert!(
        run.stdout.contains("name        Acme (closed)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("balance 0.00000000 EUR"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn a_transfer_goes_once_with_its_digits_and_prints_its_reference() {
    let fake = FakeVonage::start().await;
    let own = own_balance_sub(&fake, "Acme", "1.00").await;

    let run = cli(
        &fake,
        &[
            "subaccounts",
            "transfer",
            "balance",
            "--from",
            KEY,
            "--to",
            &own,
            "--amount",
            "2.50",
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    let request = only(&fake, Operation::TransferBalance);
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/accounts/abcd1234/balance-transfers")
    );
    assert!(
        request.body.contains("\"amount\":2.50"),
        "the digits given: {}",
        request.body
    );
    let sent = body_json(&request);
    let reference = sent["reference"].as_str().unwrap();
    assert!(reference.starts_with("va-"), "{reference}");
    assert_eq!(
        (sent["from"].as_str(), sent["to"].as_str()),
        (Some(KEY), Some(own.as_str()))
    );
    assert!(
        run.stdout.contains(&format!("Reference: {reference}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "Transferred 2.50 EUR of balance from {KEY} to {own}"
        )),
        "{}",
        run.stdout
    );

    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "transfer",
            "credit",
            "--from",
            KEY,
            "--to",
            &own,
            "--amount",
            "10.5",
            "--reference",
            "invoice 42",
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    let request = only(&fake, Operation::TransferCredit);
    assert_eq!(request.path, "/accounts/abcd1234/credit-transfers");
    assert!(
        request.body.contains(r#""amount":10.5"#),
        "{}",
        request.body
    );
    assert_eq!(
        body_json(&request),
        json!({"from": KEY, "to": own, "amount": 10.5, "reference": "invoice 42"})
    );
    let made = run.json();
    assert_eq!(made["reference"], "invoice 42");
    assert!(made["id"].is_string() && made["created_at"].is_string());
    assert!(run.stdout.contains("\"amount\": 10.5"), "{}", run.stdout);

    // The ledger, filtered: the query as sent, and both transfers of that kind listed.
    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "transfers",
            "balance",
            "--since",
            "2020-01-01T01:00:00+01:00",
            "--until",
            "2099-01-01T00:00:00.9Z",
            "--subaccount",
            &own,
            "--subaccount",
            SUB,
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    let request = only(&fake, Operation::RetrieveBalanceTransfers);
    assert_eq!(request.path, "/accounts/abcd1234/balance-transfers");
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query.as_deref().unwrap().as_bytes())
            .into_owned()
            .collect();
    let mut query_sorted = query.clone();
    query_sorted.sort();
    let mut expected = vec![
        ("end_date".to_owned(), "2099-01-01T00:00:00Z".to_owned()),
        ("start_date".to_owned(), "2020-01-01T00:00:00Z".to_owned()),
        ("subaccount".to_owned(), own.clone()),
        ("subaccount".to_owned(), SUB.to_owned()),
    ];
    expected.sort();
    assert_eq!(query_sorted, expected, "{:?}", request.query);
    let listed = run.json();
    let listed = listed.as_array().unwrap();
    // The library's setup transfer and the CLI's: both to `own`.
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed
            .iter()
            .any(|t| t["reference"] == reference && t["amount"].is_number())
    );

    // A date alone is the start of that day, UTC.
    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "subaccounts",
            "transfers",
            "credit",
            "--since",
            "2020-01-01",
            "--until",
            "2099-12-31",
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert_eq!(
        only(&fake, Operation::RetrieveCreditTransfers)
            .query
            .as_deref(),
        Some("end_date=2099-12-31T00%3A00%3A00Z&start_date=2020-01-01T00%3A00%3A00Z")
    );
    assert!(
        run.stdout.starts_with("1 credit transfers\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("10.5 EUR  reference invoice 42"),
        "{}",
        run.stdout
    );

    // Refused before sending: every one exit 2, nothing reaches the fake.
    fake.clear_requests();
    for args in [
        vec![
            "subaccounts",
            "transfer",
            "balance",
            "--from",
            KEY,
            "--to",
            &own,
            "--amount",
            "0",
        ],
        vec![
            "subaccounts",
            "transfer",
            "balance",
            "--from",
            KEY,
            "--to",
            &own,
            "--amount",
            "-1",
        ],
        vec![
            "subaccounts",
            "transfer",
            "balance",
            "--from",
            KEY,
            "--to",
            &own,
            "--amount",
            "abc",
        ],
        vec![
            "subaccounts",
            "transfer",
            "balance",
            "--from",
            KEY,
            "--to",
            &own,
            "--amount",
            "1e400",
        ],
        vec![
            "subaccounts",
            "transfer",
            "credit",
            "--from",
            KEY,
            "--to",
            KEY,
            "--amount",
            "1",
        ],
        vec![
            "subaccounts",
            "transfer",
            "credit",
            "--from",
            SUB,
            "--to",
            &own,
            "--amount",
            "1",
        ],
        vec!["subaccounts", "transfers", "credit", "--since", "yesterday"],
        vec![
            "subaccounts",
            "transfers",
            "credit",
            "--since",
            "2026-01-02T00:00:00Z",
            "--until",
            "2026-01-01T00:00:00Z",
        ],
        vec![
            "subaccounts",
            "transfers",
            "credit",
            "--since",
            "2026-01-01T00:00:00Z",
            "--subaccount",
            "a/b",
        ],
        vec![
            "subaccounts",
            "transfer-number",
            "--from",
            KEY,
            "--to",
            SUB,
            "--number",
            "+447700900000",
            "--country",
            "GB",
        ],
        vec![
            "subaccounts",
            "transfer-number",
            "--from",
            KEY,
            "--to",
            SUB,
            "--number",
            "447700900000",
            "--country",
            "GBR",
        ],
        vec!["subaccounts", "transfers", "credit"],
    ] {
        let run = cli(&fake, &args).run().await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
    }
    assert!(fake.requests().is_empty(), "{:#?}", fake.requests());
}

#[tokio::test]
async fn transfer_number_and_every_error_class_has_its_kind() {
    let fake = FakeVonage::start().await;
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "transfer-number",
            "--from",
            KEY,
            "--to",
            SUB,
            "--number",
            "447700900000",
            "--country",
            "gb",
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    let request = only(&fake, Operation::TransferNumber);
    assert_eq!(request.path, "/accounts/abcd1234/transfer-number");
    assert_eq!(
        body_json(&request),
        json!({"from": KEY, "to": SUB, "number": "447700900000", "country": "GB"})
    );
    let moved = run.json();
    assert_eq!(
        (
            moved["number"].as_str(),
            moved["country"].as_str(),
            moved["to"].as_str()
        ),
        (Some("447700900000"), Some("GB"), Some(SUB))
    );
    assert_eq!(fake.number_owner("447700900000").as_deref(), Some(SUB));

    let other = own_balance_sub(&fake, "Other", "1.00").await;
    let other: &'static str = Box::leak(other.into_boxed_str());
    fake.update_subaccounts(&SubaccountsPatch {
        numbers: Some(vec![SeedNumber {
            number: "447700900002".into(),
            country: "GB".into(),
            owner: Some(SUB.into()),
        }]),
        ..Default::default()
    })
    .unwrap();
    let number = |number: &'static str, from: &'static str, to: &'static str| {
        vec![
            "--json",
            "subaccounts",
            "transfer-number",
            "--from",
            from,
            "--to",
            to,
            "--number",
            number,
            "--country",
            "GB",
        ]
    };
    let cases: Vec<(Vec<&str>, u16, &str)> = vec![
        // Moved already: the target owns it.
        (number("447700900000", KEY, SUB), 409, "transfer-conflict"),
        // Not the source's.
        (
            number("447700900002", KEY, other),
            403,
            "invalid-number-transfer",
        ),
        (
            number("447700900099", KEY, SUB),
            404,
            "missing-number-transfer",
        ),
        // More balance than the primary may give to a sub-account.
        (
            vec![
                "--json",
                "subaccounts",
                "transfer",
                "balance",
                "--from",
                KEY,
                "--to",
                SUB,
                "--amount",
                "1000000",
            ],
            403,
            "invalid-transfer",
        ),
        (
            vec!["--json", "subaccounts", "show", "nosuch99"],
            404,
            "invalid-api-key",
        ),
    ];
    for (args, status, kind) in cases {
        let run = cli(&fake, &args).run().await;
        run.assert_code(3);
        let error = run.error_json();
        assert_eq!(error["error"], kind, "{args:?}: {error}");
        assert_eq!(error["status"], status, "{args:?}: {error}");
        assert!(
            error["title"].is_string() && error["detail"].is_string(),
            "{error}"
        );
    }

    // A validation answer: every invalid parameter named.
    fake.inject(
        Fault::new(FaultKind::Status {
            status: 422,
            headers: vec![],
            body: r#"{"type":"https://developer.nexmo.com/api-errors/account/subaccounts#validation","title":"Bad Request","detail":"The request failed due to validation errors","instance":"797a8f199c45014ab7b08bfe9cc1c12c","invalid_parameters":[{"name":"amount","reason":"Only positive values of data type JSON number are allowed"},{"name":"from","reason":"Invalid accounts. From and To accounts should be different"}]}"#.into(),
            content_type: Some("application/problem+json".into()),
        })
        .on(Operation::TransferCredit),
    );
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "transfer",
            "credit",
            "--from",
            KEY,
            "--to",
            SUB,
            "--amount",
            "1",
        ],
    )
    .run()
    .await;
    run.assert_code(3);
    let error = run.error_json();
    assert_eq!(
        (error["error"].as_str(), error["status"].as_u64()),
        (Some("invalid-parameters"), Some(422))
    );
    assert_eq!(error["title"], "Bad Request");
    let names: Vec<&str> = error["invalid_parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["amount", "from"]);

    // Not provisioned.
    fake.update_subaccounts(&SubaccountsPatch {
        provisioned: Some(false),
        ..Default::default()
    })
    .unwrap();
    let run = cli(&fake, &["--json", "subaccounts", "list"]).run().await;
    run.assert_code(3);
    let error = run.error_json();
    assert_eq!(
        (error["error"].as_str(), error["status"].as_u64()),
        (Some("unprovisioned"), Some(403))
    );
}

#[tokio::test]
async fn a_transfer_whose_answer_is_lost_is_not_resent_and_exits_4_with_its_reference() {
    let fake = FakeVonage::start().await;
    let own = own_balance_sub(&fake, "Acme", "1.00").await;
    let before = fake.subaccounts().transfers.len();
    fake.inject(Fault::commit_then_drop().on(Operation::TransferBalance));
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "transfer",
            "balance",
            "--from",
            KEY,
            "--to",
            &own,
            "--amount",
            "3.25",
            "--reference",
            "inv-7",
        ],
    )
    .run()
    .await;
    run.assert_code(4);
    assert_eq!(
        fake.requests_to(Operation::TransferBalance).len(),
        1,
        "sent once"
    );
    let ledger = fake.subaccounts().transfers;
    assert_eq!(ledger.len(), before + 1, "made once");
    let error = run.error_json();
    assert_eq!(error["error"], "outcome-unknown");
    assert_eq!(error["exit_code"], 4);
    assert_eq!(error["outcome_unknown"]["reference"], "inv-7");
    assert_eq!(error["outcome_unknown"]["operation"], "transferBalance");
    assert!(
        error["message"].as_str().unwrap().contains("inv-7"),
        "{error}"
    );

    // The reference finds it in the ledger.
    let since = error["outcome_unknown"]["search_from"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = cli(
        &fake,
        &[
            "--json",
            "subaccounts",
            "transfers",
            "balance",
            "--since",
            &since,
            "--subaccount",
            &own,
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert!(
        run.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["reference"] == "inv-7")
    );

    // A create whose answer is lost: exit 4 too, sent once.
    fake.inject(Fault::commit_then_drop().on(Operation::CreateSubAccount));
    let run = cli(&fake, &["subaccounts", "create", "--name", "Lost"])
        .run()
        .await;
    run.assert_code(4);
    assert_eq!(fake.requests_to(Operation::CreateSubAccount).len(), 1);
    assert!(run.stderr.contains("Lost"), "{}", run.stderr);
}
