//! `vonage-account pricing` and `vonage-account check balance`, run as a process against the fake:
//! the text and JSON output, and the exit codes (the tool's own for `pricing`; the
//! monitoring-plugins convention, 0 OK / 1 WARNING / 2 CRITICAL / 3 UNKNOWN, for `check`).

use vonage_account::Operation;
use vonage_account_fake::{FakeVonage, Fault, Seed};

use crate::cli::{bare, cli};

#[tokio::test]
async fn pricing_prints_each_country_and_network_as_sent() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["pricing", "sms", "--country", "DE"])
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    assert_eq!(
        run.stdout,
        "DE Germany (+49), sms, EUR: default 0.07700000\n\
         \x20 0.07700000  mobile            26201        Telekom Deutschland\n\
         \x20 0.08100000  mobile            26202        Vodafone\n\
         \x20 0.0715  landline          DE-FIXED     Germany Landline\n"
    );
    let run = cli(&fake, &["pricing", "voice", "--prefix", "+1"])
        .run()
        .await;
    run.assert_code(0);
    assert!(
        run.stdout
            .starts_with("US United States (+1), voice, EUR: default 0.00900000\n")
    );

    let run = cli(&fake, &["pricing", "sms", "--prefix", "1"]).run().await;
    let countries: Vec<_> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| &l[..2])
        .collect();
    assert_eq!(countries, ["US", "CA", "UM"]);
    assert!(
        run.stdout
            .contains("UM United States Minor Outlying Islands (+1), sms, EUR: default 0.07\n")
    );

    let run = cli(&fake, &["pricing", "sms", "--prefix", "39"])
        .run()
        .await;
    assert!(
        run.stdout
            .contains("VA Vatican City (+39), sms, EUR: no default price\n")
    );

    let run = cli(&fake, &["pricing", "sms-transit", "--all"]).run().await;
    run.assert_code(0);
    assert_eq!(
        run.stdout.lines().filter(|l| !l.starts_with(' ')).count(),
        2
    );
}

#[tokio::test]
async fn pricing_json_is_the_crates_serde_shape() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["--json", "pricing", "sms", "--country", "us"])
        .run()
        .await;
    run.assert_code(0);
    let us = run.json();
    assert_eq!(us["country_code"], "US");
    // Every digit as sent, in the JSON text itself.
    assert!(
        run.stdout.contains(r#""default_price": 0.00790000"#),
        "{run:?}"
    );
    assert_eq!(us["networks"][0]["mnc"], "090");
    assert_eq!(us["networks"][1]["network_type"], "landline_tollfree");

    let run = cli(&fake, &["--json", "pricing", "voice", "--all"])
        .run()
        .await;
    let all = run.json();
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[1]["networks"][1]["network_type"], "pager");
    assert!(run.stdout.contains(r#""price": 0.716"#), "{run:?}");
}

#[tokio::test]
async fn pricing_exit_codes_are_the_tools_own() {
    let fake = FakeVonage::start().await;
    // Bad arguments: nothing is sent.
    for args in [
        &["pricing", "sms"][..],
        &["pricing", "mms", "--country", "DE"],
        &["pricing", "sms", "--country", "DE", "--all"],
        &["pricing", "sms", "--country", "DEU"],
        &["pricing", "sms", "--prefix", "44a"],
    ] {
        cli(&fake, args).run().await.assert_code(2);
    }
    assert!(fake.requests().is_empty());
    // The API's refusal.
    let run = cli(&fake, &["--json", "pricing", "sms", "--country", "XX"])
        .run()
        .await;
    run.assert_code(3);
    assert_eq!(run.error_json()["error"], "invalid-parameters");
    // The network.
    fake.inject(
        Fault::drop_connection()
            .on(Operation::RetrievePricingCountry)
            .times(3),
    );
    cli(&fake, &["pricing", "sms", "--country", "DE"])
        .run()
        .await
        .assert_code(4);
}

#[tokio::test]
async fn check_balance_reports_the_four_states() {
    // Balance 10.28000000 EUR.
    let fake = FakeVonage::start().await;
    let ok = cli(
        &fake,
        &["check", "balance", "--warn", "5", "--critical", "2"],
    )
    .run()
    .await;
    ok.assert_code(0).assert_no_secret();
    assert_eq!(
        ok.stdout,
        "BALANCE OK - 10.28000000 EUR | balance=10.28000000;5:;2:\n"
    );

    let warning = cli(
        &fake,
        &["check", "balance", "--warn", "20", "--critical", "8.5"],
    )
    .run()
    .await;
    warning.assert_code(1);
    assert_eq!(
        warning.stdout,
        "BALANCE WARNING - 10.28000000 EUR | balance=10.28000000;20:;8.5:\n"
    );

    let critical = cli(
        &fake,
        &["check", "balance", "--warn", "20", "--critical", "10.29"],
    )
    .run()
    .await;
    critical.assert_code(2);
    assert_eq!(
        critical.stdout,
        "BALANCE CRITICAL - 10.28000000 EUR | balance=10.28000000;20:;10.29:\n"
    );
    // Equal to a threshold is not below it.
    cli(
        &fake,
        &["check", "balance", "--warn", "10.28", "--critical", "1"],
    )
    .run()
    .await
    .assert_code(0);

    // UNKNOWN: bad credentials, the network, bad arguments; the reason is in the line.
    let unauthorized = cli(
        &fake,
        &["check", "balance", "--warn", "5", "--critical", "2"],
    )
    .env("VONAGE_API_SECRET", "Wrong-Secret-1")
    .run()
    .await;
    unauthorized.assert_code(3);
    assert!(
        unauthorized
            .stdout
            .starts_with("BALANCE UNKNOWN - Vonage answered 401"),
        "{unauthorized:?}"
    );
    assert!(!unauthorized.stdout.contains("Wrong-Secret-1"));

    let url = fake.url();
    let missing = bare(&["check", "balance", "--warn", "5", "--critical", "2"])
        .run()
        .await;
    missing.assert_code(3);
    assert!(
        missing
            .stdout
            .starts_with("BALANCE UNKNOWN - the API key is missing"),
        "{missing:?}"
    );
    for args in [
        &["check", "balance", "--warn", "5"][..],
        &["check", "balance", "--warn", "lots", "--critical", "2"],
        &["check", "balance", "--warn", "1e3", "--critical", "2"],
        &["check", "balance", "--warn", "2", "--critical", "5"],
        &[
            "check",
            "balance",
            "--warn",
            "5",
            "--critical",
            "2",
            "--covers",
            "mms:DE",
        ],
    ] {
        let run = cli(&fake, args).run().await;
        run.assert_code(3);
        assert!(
            run.stdout.starts_with("BALANCE UNKNOWN - "),
            "{args:?}: {run:?}"
        );
        assert_eq!(run.stdout.lines().count(), 1, "{run:?}");
    }
    fake.shutdown().await;
    let down = bare(&["check", "balance", "--warn", "5", "--critical", "2"])
        .env("VONAGE_API_KEY", "abcd1234")
        .env("VONAGE_API_SECRET", "Abcdef123456")
        .env("VONAGE_REST_URL", &url)
        .env("VONAGE_API_URL", &url)
        .run()
        .await;
    down.assert_code(3);
    assert!(
        down.stdout.starts_with("BALANCE UNKNOWN - network error"),
        "{down:?}"
    );
}

#[tokio::test]
async fn check_balance_says_what_the_balance_covers_at_the_highest_price() {
    let fake = FakeVonage::start_with(Seed::default()).await.unwrap();
    let run = cli(
        &fake,
        &[
            "check",
            "balance",
            "--warn",
            "5",
            "--critical",
            "2",
            "--covers",
            "sms:DE",
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    // 10.28 / 0.081 (Vodafone, the highest network price) = 126.9...: 126 messages.
    assert_eq!(
        run.stdout,
        "BALANCE OK - 10.28000000 EUR, covers 126 messages (sms) to DE at 0.08100000 EUR | balance=10.28000000;5:;2:\n"
    );
    let run = cli(
        &fake,
        &[
            "check",
            "balance",
            "--warn",
            "5",
            "--critical",
            "2",
            "--covers",
            "voice:gb",
        ],
    )
    .run()
    .await;
    // 10.28 / 0.716 (the pager network) = 14.3...: 14 minutes.
    assert!(
        run.stdout
            .contains(", covers 14 voice minutes (voice) to GB at 0.716 EUR |"),
        "{run:?}"
    );
    // A country without any price.
    let run = cli(
        &fake,
        &[
            "check",
            "balance",
            "--warn",
            "5",
            "--critical",
            "2",
            "--covers",
            "sms:VA",
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert!(
        run.stdout.contains(", no sms price is known for VA |"),
        "{run:?}"
    );
    // A failed lookup makes the whole check UNKNOWN.
    fake.inject(
        Fault::html_500()
            .on(Operation::RetrievePricingCountry)
            .times(3),
    );
    let run = cli(
        &fake,
        &[
            "check",
            "balance",
            "--warn",
            "5",
            "--critical",
            "2",
            "--covers",
            "sms:DE",
        ],
    )
    .run()
    .await;
    run.assert_code(3);
    assert!(
        run.stdout
            .starts_with("BALANCE UNKNOWN - balance 10.28000000 EUR, but the price lookup failed"),
        "{run:?}"
    );
}

/// Prices in another currency than the balance (EUR) give no count, and the line says why.
#[tokio::test]
async fn check_balance_never_counts_prices_in_another_currency() {
    let mut seed = Seed::default();
    seed.pricing.sms = vec![serde_json::json!({
        "countryCode": "US", "currency": "USD", "dialingPrefix": "1",
        "networks": [{"type": "mobile", "price": "0.00809000", "currency": "USD"}],
    })];
    let fake = FakeVonage::start_with(seed).await.unwrap();
    let args = ["check", "balance", "--warn", "5", "--critical", "2"];
    let run = cli(&fake, &[&args[..], &["--covers", "sms:US"]].concat())
        .run()
        .await;
    run.assert_code(0);
    assert!(
        run.stdout.contains(
            ", no sms estimate for US: the balance is in EUR but the prices are in USD |"
        ),
        "{run:?}"
    );
}
