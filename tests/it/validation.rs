//! Bad input gets a typed error naming the field and the rule, and nothing goes on the wire.

use crate::common;

use common::*;
use proptest::prelude::*;
use vonage_account::{Client, Error, ErrorKind, Rule, SettingsUpdate, validate_secret};

/// One bad call: what it is, the field it must name, and a rule it must report.
#[derive(Debug, Clone)]
enum Bad {
    Secret(&'static str),
    SecretFor(&'static str),
    Trx(&'static str),
    MoUrl(&'static str),
    DrUrl(&'static str),
    KeyList(&'static str),
    KeyRevoke(&'static str),
    Get(&'static str),
    Revoke(&'static str),
}

fn table() -> Vec<(Bad, &'static str, Rule)> {
    use Bad::*;
    vec![
        (Secret(""), "secret", Rule::Empty),
        (
            Secret("Abc1234"),
            "secret",
            Rule::TooShort { min: 8, actual: 7 },
        ),
        (
            Secret("Abcdefghijklmnopqrstuvwxyz0123456789"),
            "secret",
            Rule::TooLong {
                max: 25,
                actual: 36,
            },
        ),
        (
            Secret("Abcdefghijklmnopqrstuvwx12"),
            "secret",
            Rule::TooLong {
                max: 25,
                actual: 26,
            },
        ),
        (Secret("abcdefgh1234"), "secret", Rule::MissingUppercase),
        (Secret("ABCDEFGH1234"), "secret", Rule::MissingLowercase),
        (Secret("Abcdefghijkl"), "secret", Rule::MissingDigit),
        (Secret("short"), "secret", Rule::MissingDigit),
        (Secret("short"), "secret", Rule::MissingUppercase),
        (Secret("12345678"), "secret", Rule::MissingLowercase),
        (Secret("Abcdéfgh1234"), "secret", Rule::NotVisibleAscii),
        (Secret("Abcd efgh1234"), "secret", Rule::NotVisibleAscii),
        (Secret("Abcdefgh1234\n"), "secret", Rule::NotVisibleAscii),
        (Secret("Пароль12345Ab"), "secret", Rule::NotVisibleAscii),
        (Secret("        "), "secret", Rule::MissingDigit),
        (
            SecretFor("Abc"),
            "secret",
            Rule::TooShort { min: 8, actual: 3 },
        ),
        (Trx(""), "trx", Rule::Empty),
        (Trx("   "), "trx", Rule::Empty),
        (Trx("\t\n"), "trx", Rule::Empty),
        (Trx("abc\u{0}def"), "trx", Rule::ControlCharacter),
        (Trx("abc\r\ndef"), "trx", Rule::ControlCharacter),
        (MoUrl(""), "mo_callback_url", Rule::NotAbsoluteHttpUrl),
        (
            MoUrl("/relative/path"),
            "mo_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            MoUrl("example.com/inbound"),
            "mo_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            MoUrl("ftp://example.com/inbound"),
            "mo_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            MoUrl("garbage"),
            "mo_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            MoUrl("https://"),
            "mo_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            MoUrl("mailto:ops@example.com"),
            "mo_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            MoUrl(" https://example.com/x"),
            "mo_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            DrUrl("javascript:alert(1)"),
            "dr_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            DrUrl("file:///etc/passwd"),
            "dr_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (
            DrUrl("http//missing-colon.example"),
            "dr_callback_url",
            Rule::NotAbsoluteHttpUrl,
        ),
        (KeyList(""), "api_key", Rule::Empty),
        (KeyList("a/../b"), "api_key", Rule::InvalidPathSegment),
        (KeyList(".."), "api_key", Rule::InvalidPathSegment),
        (KeyList("."), "api_key", Rule::InvalidPathSegment),
        (KeyList("abc?x=1"), "api_key", Rule::InvalidPathSegment),
        (KeyList("abc#frag"), "api_key", Rule::InvalidPathSegment),
        (KeyList("abc%2F"), "api_key", Rule::InvalidPathSegment),
        (KeyList("ab cd"), "api_key", Rule::InvalidPathSegment),
        (KeyList("ключ"), "api_key", Rule::InvalidPathSegment),
        (
            KeyRevoke("sub/secrets"),
            "api_key",
            Rule::InvalidPathSegment,
        ),
        (Get(""), "secret_id", Rule::Empty),
        (
            Get("../../account/get-balance"),
            "secret_id",
            Rule::InvalidPathSegment,
        ),
        (Get("id?x"), "secret_id", Rule::InvalidPathSegment),
        (Get("id#x"), "secret_id", Rule::InvalidPathSegment),
        (Get("%2e%2e"), "secret_id", Rule::InvalidPathSegment),
        (Revoke(".."), "secret_id", Rule::InvalidPathSegment),
        (Revoke("a b"), "secret_id", Rule::InvalidPathSegment),
        (Revoke("ü-id"), "secret_id", Rule::InvalidPathSegment),
    ]
}

async fn run(client: &Client, bad: &Bad) -> Result<(), Error> {
    match *bad {
        Bad::Secret(s) => client.secrets().create(s).await.map(drop),
        Bad::SecretFor(s) => client.secrets_for("sub12345").create(s).await.map(drop),
        Bad::Trx(t) => client.account().top_up(t).await.map(drop),
        Bad::MoUrl(u) => client
            .account()
            .update_settings(&SettingsUpdate::new().mo_callback_url(u))
            .await
            .map(drop),
        Bad::DrUrl(u) => client
            .account()
            .update_settings(
                &SettingsUpdate::new()
                    .mo_callback_url("https://ok.example/x")
                    .dr_callback_url(u),
            )
            .await
            .map(drop),
        Bad::KeyList(k) => client.secrets_for(k).list().await.map(drop),
        Bad::KeyRevoke(k) => {
            client
                .secrets_for(k)
                .revoke("01234567-aaaa-bbbb-cccc-defdefdefdef")
                .await
        }
        Bad::Get(id) => client.secrets().get(id).await.map(drop),
        Bad::Revoke(id) => client.secrets().revoke(id).await,
    }
}

#[tokio::test]
async fn every_bad_input_is_refused_before_sending() {
    let fake = doc_fake().await;
    let client = no_retry(&fake);
    let table = table();
    assert!(table.len() >= 40, "the table holds {} cases", table.len());
    for (bad, field, rule) in table {
        let err = run(&client, &bad)
            .await
            .expect_err(&format!("{bad:?} must be refused"));
        assert_eq!(err.kind(), ErrorKind::Validation, "{bad:?}: {err:?}");
        let v = err.validation().unwrap();
        assert_eq!(v.field(), field, "{bad:?}");
        assert!(
            v.rules().contains(&rule),
            "{bad:?}: {:?} lacks {rule:?}",
            v.rules()
        );
        let message = err.to_string();
        assert!(
            message.contains(field) && message.contains("nothing was sent"),
            "{message}"
        );
        assert!(
            fake.requests().is_empty(),
            "{bad:?} reached the server: {:#?}",
            fake.requests()
        );
    }
}

#[test]
fn a_secret_breaking_several_rules_reports_each() {
    let err = validate_secret("aaa").unwrap_err();
    assert_eq!(
        err.rules(),
        &[
            Rule::TooShort { min: 8, actual: 3 },
            Rule::MissingUppercase,
            Rule::MissingDigit
        ]
    );
    assert_eq!(
        err.to_string(),
        "invalid secret: must be at least 8 characters (has 3); must contain an upper-case letter; must contain a digit (nothing was sent)"
    );
    let err = validate_secret("").unwrap_err();
    assert_eq!(
        err.rules(),
        &[
            Rule::Empty,
            Rule::MissingLowercase,
            Rule::MissingUppercase,
            Rule::MissingDigit
        ]
    );
}

#[test]
fn boundary_secrets_pass() {
    for ok in [
        "Abcdefg1",
        "Abcdefghijklmnopqrstuvw12",
        "Th1s-I5-my_n3w-s3cr3t",
        "example-4PI-secret",
        "aB3!@#$%^&*()",
    ] {
        validate_secret(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
    }
}

#[test]
fn secret_errors_never_echo_the_secret() {
    let err = validate_secret("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").unwrap_err();
    assert!(!err.to_string().contains("zzzz"));
    assert!(!format!("{err:?}").contains("zzzz"));
}

/// The rules, stated independently.
fn model(secret: &str) -> bool {
    let n = secret.chars().count();
    (8..=25).contains(&n)
        && secret.bytes().any(|b| b.is_ascii_lowercase())
        && secret.bytes().any(|b| b.is_ascii_uppercase())
        && secret.bytes().any(|b| b.is_ascii_digit())
        && secret.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

proptest! {
    #[test]
    fn the_secret_rule_matches_its_model(secret in "\\PC{0,30}|[ -~]{0,30}|[a-zA-Z0-9]{6,27}") {
        prop_assert_eq!(validate_secret(&secret).is_ok(), model(&secret), "{:?}", secret);
    }

    #[test]
    fn every_broken_rule_is_reported(secret in "[ -~]{0,30}") {
        if let Err(err) = validate_secret(&secret) {
            let rules = err.rules();
            prop_assert_eq!(rules.contains(&Rule::MissingDigit), !secret.bytes().any(|b| b.is_ascii_digit()));
            prop_assert_eq!(rules.contains(&Rule::MissingUppercase), !secret.bytes().any(|b| b.is_ascii_uppercase()));
            prop_assert_eq!(rules.contains(&Rule::MissingLowercase), !secret.bytes().any(|b| b.is_ascii_lowercase()));
            prop_assert_eq!(rules.contains(&Rule::NotVisibleAscii), secret.contains(' '));
        }
    }
}
