//! Bad input to the Subaccounts calls: a typed error naming the field and every rule broken,
//! and nothing on the wire. The quality bar's table (amounts, same accounts, names, times, keys,
//! numbers, countries) and more.

use crate::common;

use common::*;
use vonage_account::{
    AmountErrorKind, Client, Error, MoneyTransfer, NewSubaccount, NumberMove, Rule,
    SubaccountUpdate, TransferFilter,
};

/// One bad call.
#[derive(Debug, Clone)]
enum Bad {
    CreditAmount(&'static str),
    BalanceAmount(&'static str),
    Transfer(&'static str, &'static str),
    Reference(&'static str),
    Create(String),
    CreateSecret(&'static str),
    Rename(String),
    EmptyUpdate,
    Get(&'static str),
    Update(&'static str),
    Since(&'static str),
    Until(&'static str, &'static str),
    Filter(&'static str),
    Number(&'static str),
    Country(&'static str),
    NumberPair(&'static str, &'static str),
}

const PRIMARY: &str = DOC_KEY;
const SUB: &str = "sub12345";

async fn run(client: &Client, bad: Bad) -> Error {
    let subs = client.subaccounts();
    let transfer = |amount: &str| MoneyTransfer::new(PRIMARY, SUB, amount);
    let outcome = match bad {
        Bad::CreditAmount(a) => subs.transfer_credit(&transfer(a)).await.map(drop),
        Bad::BalanceAmount(a) => subs.transfer_balance(&transfer(a)).await.map(drop),
        Bad::Transfer(from, to) => subs
            .transfer_balance(&MoneyTransfer::new(from, to, "1.00"))
            .await
            .map(drop),
        Bad::Reference(r) => subs
            .transfer_credit(&transfer("1.00").reference(r))
            .await
            .map(drop),
        Bad::Create(name) => subs.create(&NewSubaccount::new(name)).await.map(drop),
        Bad::CreateSecret(secret) => subs
            .create(&NewSubaccount::new("Acme").secret(secret))
            .await
            .map(drop),
        Bad::Rename(name) => subs
            .update(SUB, &SubaccountUpdate::new().name(name))
            .await
            .map(drop),
        Bad::EmptyUpdate => subs.update(SUB, &SubaccountUpdate::new()).await.map(drop),
        Bad::Get(key) => subs.get(key).await.map(drop),
        Bad::Update(key) => subs.suspend(key).await.map(drop),
        Bad::Since(t) => subs
            .balance_transfers(&TransferFilter::since(t))
            .await
            .map(drop),
        Bad::Until(since, until) => subs
            .credit_transfers(&TransferFilter::since(since).until(until))
            .await
            .map(drop),
        Bad::Filter(key) => subs
            .credit_transfers(&TransferFilter::since("2026-01-01T00:00:00Z").subaccount(key))
            .await
            .map(drop),
        Bad::Number(n) => subs
            .transfer_number(&NumberMove::new(PRIMARY, SUB, n, "GB"))
            .await
            .map(drop),
        Bad::Country(c) => subs
            .transfer_number(&NumberMove::new(PRIMARY, SUB, "447700900000", c))
            .await
            .map(drop),
        Bad::NumberPair(from, to) => subs
            .transfer_number(&NumberMove::new(from, to, "447700900000", "GB"))
            .await
            .map(drop),
    };
    outcome.expect_err("refused")
}

fn table() -> Vec<(Bad, &'static str, Rule)> {
    use AmountErrorKind as K;
    use Bad::*;
    let not_amount = |kind| Rule::NotAnAmount { kind };
    vec![
        // Amounts.
        (CreditAmount("0"), "amount", Rule::NotPositive),
        (BalanceAmount("0.00"), "amount", Rule::NotPositive),
        (CreditAmount("-1"), "amount", Rule::NotPositive),
        (BalanceAmount("-0.01"), "amount", Rule::NotPositive),
        (CreditAmount("abc"), "amount", not_amount(K::Invalid)),
        (BalanceAmount("1e400"), "amount", not_amount(K::Exponent)),
        (CreditAmount("1E2"), "amount", not_amount(K::Exponent)),
        (BalanceAmount("NaN"), "amount", not_amount(K::NotFinite)),
        (CreditAmount("inf"), "amount", not_amount(K::NotFinite)),
        // More decimals than an Amount keeps (28): refused, never rounded.
        (
            BalanceAmount("0.00000000000000000000000000001"),
            "amount",
            not_amount(K::OutOfRange),
        ),
        (
            CreditAmount("79228162514264337593543950336"),
            "amount",
            not_amount(K::OutOfRange),
        ),
        (BalanceAmount(""), "amount", Rule::Empty),
        (CreditAmount(" 5"), "amount", not_amount(K::Invalid)),
        (BalanceAmount("+5"), "amount", not_amount(K::Invalid)),
        (CreditAmount("5,00"), "amount", not_amount(K::Invalid)),
        // The accounts of a transfer.
        (Transfer(PRIMARY, PRIMARY), "to", Rule::SameAccount),
        (Transfer(SUB, SUB), "to", Rule::SameAccount),
        (
            Transfer(SUB, "sub67890"),
            "to",
            Rule::NotPrimaryPair {
                primary: PRIMARY.into(),
            },
        ),
        (Transfer("a/b", SUB), "from", Rule::InvalidPathSegment),
        (Transfer(PRIMARY, ".."), "to", Rule::InvalidPathSegment),
        (
            Transfer(PRIMARY, "sub 1234"),
            "to",
            Rule::InvalidPathSegment,
        ),
        (Transfer("", SUB), "from", Rule::Empty),
        (Reference(""), "reference", Rule::Empty),
        (
            Reference("invoice\n42"),
            "reference",
            Rule::ControlCharacter,
        ),
        // Names.
        (Create(String::new()), "name", Rule::Empty),
        (Create("   ".into()), "name", Rule::Empty),
        (
            Create("x".repeat(81)),
            "name",
            Rule::TooLong {
                max: 80,
                actual: 81,
            },
        ),
        (
            Create("é".repeat(81)),
            "name",
            Rule::TooLong {
                max: 80,
                actual: 81,
            },
        ),
        (
            Create("Acme\u{1b}[2J".into()),
            "name",
            Rule::ControlCharacter,
        ),
        (Rename("\t".into()), "name", Rule::Empty),
        (
            Rename("y".repeat(200)),
            "name",
            Rule::TooLong {
                max: 80,
                actual: 200,
            },
        ),
        (CreateSecret("weak"), "secret", Rule::MissingDigit),
        (
            CreateSecret("Abc1"),
            "secret",
            Rule::TooShort { min: 8, actual: 4 },
        ),
        (EmptyUpdate, "update", Rule::NothingToUpdate),
        // Keys in the path.
        (Get("a/b"), "subaccount_key", Rule::InvalidPathSegment),
        (Get(".."), "subaccount_key", Rule::InvalidPathSegment),
        (Get("sub 1234"), "subaccount_key", Rule::InvalidPathSegment),
        (Get(""), "subaccount_key", Rule::Empty),
        (
            Update("../secrets"),
            "subaccount_key",
            Rule::InvalidPathSegment,
        ),
        (Update("x?y=1"), "subaccount_key", Rule::InvalidPathSegment),
        // Times.
        (Since("yesterday"), "start_date", Rule::NotRfc3339Time),
        (
            Since("2026-13-01T00:00:00Z"),
            "start_date",
            Rule::NotRfc3339Time,
        ),
        (Since("2026-01-01"), "start_date", Rule::NotRfc3339Time),
        (Since("1700000000"), "start_date", Rule::NotRfc3339Time),
        (Since(""), "start_date", Rule::Empty),
        (
            Until("2026-01-01T00:00:00Z", "noon"),
            "end_date",
            Rule::NotRfc3339Time,
        ),
        (
            Until("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            "end_date",
            Rule::EndBeforeStart,
        ),
        (Filter("a/b"), "subaccount", Rule::InvalidPathSegment),
        (Filter(""), "subaccount", Rule::Empty),
        // Numbers and countries.
        (Number("+447700900000"), "number", Rule::NotNumberDigits),
        (Number("44770090000a"), "number", Rule::NotNumberDigits),
        (Number("44 7700 900000"), "number", Rule::NotNumberDigits),
        (Number("4477009000001234"), "number", Rule::NotNumberDigits),
        (Number(""), "number", Rule::Empty),
        (Country("GBR"), "country", Rule::NotCountryCode),
        (Country("G"), "country", Rule::NotCountryCode),
        (Country("1A"), "country", Rule::NotCountryCode),
        (Country(""), "country", Rule::Empty),
        (NumberPair(SUB, SUB), "to", Rule::SameAccount),
        (NumberPair("a/b", SUB), "from", Rule::InvalidPathSegment),
    ]
}

#[tokio::test]
async fn every_bad_input_is_refused_before_sending_naming_its_rule() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let table = table();
    assert!(table.len() >= 25, "the quality bar asks for at least 25");
    for (bad, field, rule) in table {
        let case = format!("{bad:?}");
        let err = run(&client, bad).await;
        let validation = err
            .validation()
            .unwrap_or_else(|| panic!("{case}: a validation error, got {err:?}"));
        assert_eq!(validation.field(), field, "{case}");
        assert!(
            validation.rules().contains(&rule),
            "{case}: {:?} lacks {rule:?}",
            validation.rules()
        );
        let message = err.to_string();
        assert!(message.contains(field), "{case}: {message}");
        assert!(message.contains(&rule.to_string()), "{case}: {message}");
        assert!(message.ends_with("(nothing was sent)"), "{case}: {message}");
        assert!(fake.requests().is_empty(), "{case}: something was sent");
    }
}

#[tokio::test]
async fn every_rule_of_a_field_is_named_at_once() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let err = run(&client, Bad::Create(format!("{}\u{7}", "n".repeat(90)))).await;
    let rules = err.validation().unwrap().rules();
    assert!(rules.contains(&Rule::TooLong {
        max: 80,
        actual: 91
    }));
    assert!(rules.contains(&Rule::ControlCharacter));
    assert!(fake.requests().is_empty());
}
