//! The `vonage-account` binary against answers that echo the request, carry terminal escapes,
//! or are odd successes: no credential is printed in text, `--json` or `--verbose` mode,
//! nothing from the server reaches the terminal raw, every field of an error is in the JSON,
//! and a revoke or top-up that went through exits 0.

use std::{process::Stdio, time::Duration};

use serde_json::{Value, json};
use vonage_account::Operation;
use vonage_account_fake::{FakeVonage, Fault, FaultKind};

use crate::echo::{ECHO_KEY, ECHO_NEW_SECRET, ECHO_SECRET, Reflect, leak, start};

const BIN: &str = env!("CARGO_BIN_EXE_vonage-account");

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn error_json(&self) -> Value {
        let line = self.stderr.trim();
        assert_eq!(line.lines().count(), 1, "one line on stderr: {self:?}");
        serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
}

/// Runs the binary with `args` against `url` (both hosts), with `key` and `secret`.
async fn exec(url: &str, key: &str, secret: &str, args: &[&str]) -> Run {
    let mut command = tokio::process::Command::new(BIN);
    command
        .args(args)
        .env("VONAGE_API_KEY", key)
        .env("VONAGE_API_SECRET", secret)
        .env("VONAGE_REST_URL", url)
        .env("VONAGE_API_URL", url)
        .env("VONAGE_NEW_SECRET", ECHO_NEW_SECRET)
        .env_remove("VONAGE_TIMEOUT")
        .env("HOME", crate::cli::temp_path("home"))
        .env("XDG_CONFIG_HOME", crate::cli::temp_path("config"))
        .env("XDG_STATE_HOME", crate::cli::temp_path("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(30), command.output())
        .await
        .expect("vonage-account finished within 30 s")
        .expect("vonage-account ran");
    Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// One command line per operation; a new operation fails to compile here, naming it (`None`
/// for an operation no command sends).
fn command(op: Operation) -> Option<Vec<&'static str>> {
    Some(match op {
        Operation::GetAccountBalance => vec!["balance"],
        Operation::TopUpAccountBalance => vec!["top-up", "trx1", "--yes"],
        Operation::ChangeAccountSettings => vec!["settings"],
        Operation::RetrieveApiSecrets => vec!["secrets", "list"],
        Operation::RetrieveApiSecret => vec!["secrets", "get", "id1"],
        Operation::CreateApiSecret => vec!["secrets", "create"],
        Operation::RevokeApiSecret => vec!["secrets", "revoke", "id1", "--yes"],
        Operation::RetrievePricingCountry => vec!["pricing", "sms", "--country", "DE"],
        Operation::RetrievePricingAllCountries => vec!["pricing", "voice", "--all"],
        Operation::RetrievePrefixPricing => vec!["pricing", "sms-transit", "--prefix", "44"],
        Operation::RetrieveSubaccountsList => vec!["subaccounts", "list"],
        Operation::CreateSubAccount => vec!["subaccounts", "create", "--name", "Acme"],
        Operation::RetrieveSubaccount => vec!["subaccounts", "show", "sub12345"],
        Operation::ModifySubaccount => vec!["subaccounts", "update", "sub12345", "--suspend"],
        Operation::RetrieveCreditTransfers => {
            vec![
                "subaccounts",
                "transfers",
                "credit",
                "--since",
                "2026-01-01T00:00:00Z",
            ]
        }
        Operation::TransferCredit => {
            vec![
                "subaccounts",
                "transfer",
                "credit",
                "--from",
                ECHO_KEY,
                "--to",
                "sub12345",
                "--amount",
                "1.50",
            ]
        }
        Operation::RetrieveBalanceTransfers => {
            vec![
                "subaccounts",
                "transfers",
                "balance",
                "--since",
                "2026-01-01T00:00:00Z",
            ]
        }
        Operation::TransferBalance => {
            vec![
                "subaccounts",
                "transfer",
                "balance",
                "--from",
                ECHO_KEY,
                "--to",
                "sub12345",
                "--amount",
                "1.50",
            ]
        }
        Operation::TransferNumber => vec![
            "subaccounts",
            "transfer-number",
            "--from",
            ECHO_KEY,
            "--to",
            "sub12345",
            "--number",
            "447700900000",
            "--country",
            "GB",
        ],
    })
}

const MODES: [&[&str]; 3] = [&[], &["--json"], &["--verbose"]];

#[tokio::test]
async fn echoing_answers_never_print_a_credential_in_any_mode() {
    let mut cases = Vec::new();
    for reflect in Reflect::ALL {
        let url = start(reflect).await;
        for op in Operation::ALL.iter().copied() {
            let Some(command) = command(op) else {
                continue;
            };
            for mode in MODES {
                let mut args: Vec<&str> = mode.to_vec();
                args.extend(command.iter().copied());
                cases.push((reflect, url.clone(), args));
            }
        }
    }
    let total = cases.len();
    let mut redacted = 0;
    // Four processes at a time.
    for chunk in cases.chunks(4) {
        let mut jobs = tokio::task::JoinSet::new();
        for (reflect, url, args) in chunk.iter().cloned() {
            jobs.spawn(async move {
                let run = exec(&url, ECHO_KEY, ECHO_SECRET, &args).await;
                (reflect, args, run)
            });
        }
        while let Some(done) = jobs.join_next().await {
            let (reflect, args, run) = done.unwrap();
            for text in [&run.stdout, &run.stderr] {
                if let Some(form) = leak(text, ECHO_KEY, &[ECHO_SECRET, ECHO_NEW_SECRET]) {
                    panic!("{reflect:?} {args:?}: {form:?} was printed: {run:?}");
                }
            }
            if run.stderr.contains("[REDACTED]") {
                redacted += 1;
            }
        }
    }
    assert!(
        redacted * 10 >= total * 7,
        "{redacted} of {total} runs showed a redaction: the echoes were really printed"
    );
}

fn fault(status: u16, content_type: &str, body: &str) -> Fault {
    Fault::new(FaultKind::Status {
        status,
        headers: vec![],
        body: body.into(),
        content_type: Some(content_type.into()),
    })
}

/// Characters a terminal acts on or that reorder what it shows.
fn raw_control(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[tokio::test]
async fn server_text_cannot_drive_the_terminal() {
    let fake = FakeVonage::start().await;
    let key = fake.api_key().to_owned();
    let secret = fake.api_secret().to_owned();
    // ESC[2J clears the screen, OSC 0 retitles the window, CSI as one C1 character, a
    // right-to-left override, a newline to forge a second line.
    let title = "Gone\u{1b}[2J\u{1b}]0;pwned\u{7}";
    let detail = "Look \u{9b}31mred\u{202e}txet\nerror: forged";
    let problem =
        json!({"type": "https://x.example/#evil\u{1b}[5m", "title": title, "detail": detail,
        "instance": "i\u{7}", "invalid_parameters": [{"name": "n\u{1b}", "reason": "r\u{9b}"}]})
        .to_string();
    let faults = [
        fault(400, "application/problem+json", &problem),
        fault(
            401,
            "application/json",
            &json!({"error-code": "401\u{1b}[2J", "error-code-label": title}).to_string(),
        ),
        fault(500, "text/plain", detail),
        fault(
            502,
            "application/json",
            &json!({"message": title}).to_string(),
        ),
    ];
    for op in [Operation::GetAccountBalance, Operation::RevokeApiSecret] {
        for f in &faults {
            for mode in MODES {
                let mut args: Vec<&str> = mode.to_vec();
                args.extend(command(op).expect("a command"));
                // Three times: a read retries a 5xx gateway answer.
                fake.clear_faults();
                fake.inject(f.clone().on(op).times(3));
                let run = exec(&fake.url(), &key, &secret, &args).await;
                assert_eq!(run.code, 3, "{args:?}: {run:?}");
                for text in [&run.stdout, &run.stderr] {
                    assert_eq!(raw_control(text), None, "{args:?}: {text:?}");
                }
                if mode.is_empty() {
                    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
                }
                if mode == ["--json"] {
                    // The JSON still carries the text as it came, escaped the JSON way.
                    let error = run.error_json();
                    let all = error.to_string();
                    assert!(all.contains("Gone") || all.contains("Look"), "{all}");
                }
            }
        }
    }
    // The text is shown, escaped, not dropped.
    fake.clear_faults();
    fake.inject(faults[0].clone().on(Operation::GetAccountBalance));
    let run = exec(&fake.url(), &key, &secret, &["balance"]).await;
    assert!(
        run.stderr.contains(r"Gone\u{1b}[2J\u{1b}]0;pwned\u{7}"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains(r"Look \u{9b}31mred\u{202e}txet\nerror: forged"),
        "{run:?}"
    );

    // Successes print server text too: a secret id, a webhook URL.
    let id = "ad6dc56f\u{1b}[2J\u{202e}";
    let info = json!({"id": id, "created_at": "2018-12-03T10:07:23Z"}).to_string();
    let list =
        json!({"_embedded": {"secrets": [{"id": id, "created_at": "2018-12-03T10:07:23Z"}]}})
            .to_string();
    let settings = json!({"mo-callback-url": "https://e.example/\u{1b}]0;x\u{7}", "dr-callback-url": "\u{9b}2J"}).to_string();
    for (op, body) in [
        (Operation::RetrieveApiSecret, info.as_str()),
        (Operation::CreateApiSecret, info.as_str()),
        (Operation::RetrieveApiSecrets, list.as_str()),
        (Operation::ChangeAccountSettings, settings.as_str()),
    ] {
        for mode in MODES {
            let mut args: Vec<&str> = mode.to_vec();
            args.extend(command(op).expect("a command"));
            fake.clear_faults();
            fake.inject(fault(200, "application/json", body).on(op));
            let run = exec(&fake.url(), &key, &secret, &args).await;
            assert_eq!(run.code, 0, "{args:?}: {run:?}");
            for text in [&run.stdout, &run.stderr] {
                assert_eq!(raw_control(text), None, "{args:?}: {text:?}");
            }
            if mode == ["--json"] {
                // The value itself is intact once the JSON is read.
                let value: Value = serde_json::from_str(&run.stdout).unwrap();
                assert!(value.to_string().contains("\\u001b"), "{value}");
            }
        }
    }
}

#[tokio::test]
async fn json_errors_carry_every_field_of_the_body() {
    let fake = FakeVonage::start().await;
    let key = fake.api_key().to_owned();
    let secret = fake.api_secret().to_owned();
    let cli = |args: &'static [&'static str]| {
        let url = fake.url();
        let (key, secret) = (key.clone(), secret.clone());
        async move { exec(&url, &key, &secret, args).await }
    };

    // The issue's legacy 401 on a revoke: both fields, and a message that describes them.
    fake.inject(
        fault(
            401,
            "application/json",
            r#"{"error-code":"401","error-code-label":"authentication failed"}"#,
        )
        .on(Operation::RevokeApiSecret),
    );
    let run = cli(&["--json", "secrets", "revoke", "id1", "--yes"]).await;
    assert_eq!(run.code, 3);
    let e = run.error_json();
    assert_eq!(e["error"], "unauthorized");
    assert_eq!(e["error_code"], "401");
    assert_eq!(e["error_code_label"], "authentication failed");
    assert_eq!(
        e["body"],
        json!({"error-code": "401", "error-code-label": "authentication failed"})
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("error-code 401 (authentication failed)"),
        "{e}"
    );

    // The error_title form on a create: its title, its parameters as a list.
    fake.inject(
        fault(400, "application/json", r#"{"type":"BAD_REQUEST","error_title":"Bad Request","invalid_parameters":{"secret":"Is required."}}"#)
            .on(Operation::CreateApiSecret),
    );
    let run = cli(&["--json", "secrets", "create"]).await;
    let e = run.error_json();
    assert_eq!(e["title"], "Bad Request");
    assert_eq!(e["type"], "BAD_REQUEST");
    assert_eq!(
        e["invalid_parameters"],
        json!([{"name": "secret", "reason": "Is required."}])
    );

    // A full problem, with an extension member in `body`.
    fake.inject(
        fault(404, "application/problem+json", r#"{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID","detail":"ID 'id1' could not be found","instance":"797a","trace":"t-1"}"#)
            .on(Operation::RetrieveApiSecret),
    );
    let run = cli(&["--json", "secrets", "get", "id1"]).await;
    let e = run.error_json();
    assert_eq!(e["error"], "secret-not-found");
    assert_eq!(
        e["type"],
        "https://developer.nexmo.com/api-errors#invalid-id"
    );
    assert_eq!(e["detail"], "ID 'id1' could not be found");
    assert_eq!(e["instance"], "797a");
    assert_eq!(e["body"]["trace"], "t-1");

    // Text and `{}`.
    fake.inject(
        fault(503, "text/html", "<h1>Down</h1>")
            .on(Operation::GetAccountBalance)
            .times(3),
    );
    let run = cli(&["--json", "balance"]).await;
    let e = run.error_json();
    assert_eq!(e["text"], "<h1>Down</h1>");
    assert_eq!(e["body"], Value::Null);
    fake.inject(fault(401, "application/json", "{}").on(Operation::GetAccountBalance));
    let run = cli(&["balance"]).await;
    assert!(
        run.stderr
            .contains("401 Unauthorized with a JSON body without error fields: {}"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("non-JSON"), "{run:?}");
}

#[tokio::test]
async fn a_revoke_or_top_up_that_went_through_exits_0() {
    let fake = FakeVonage::start().await;
    let key = fake.api_key().to_owned();
    let secret = fake.api_secret().to_owned();
    for (status, body) in [
        (200, "{}"),
        (200, r#"{"id":"id1"}"#),
        (202, ""),
        (202, "accepted"),
    ] {
        fake.inject(fault(status, "application/json", body).on(Operation::RevokeApiSecret));
        let run = exec(
            &fake.url(),
            &key,
            &secret,
            &["secrets", "revoke", "id1", "--yes"],
        )
        .await;
        assert_eq!(run.code, 0, "{status} {body:?}: {run:?}");
        assert!(run.stdout.starts_with("Revoked secret id1"), "{run:?}");
    }
    for body in ["", "{}", r#"{"status":"ok"}"#] {
        fake.inject(fault(200, "application/json", body).on(Operation::TopUpAccountBalance));
        let text = exec(&fake.url(), &key, &secret, &["top-up", "trx1", "--yes"]).await;
        assert_eq!(text.code, 0, "{body:?}: {text:?}");
        assert!(text.stdout.contains("unconfirmed"), "{text:?}");
        assert!(text.stdout.contains("check the balance"), "{text:?}");
        fake.inject(fault(200, "application/json", body).on(Operation::TopUpAccountBalance));
        let json = exec(
            &fake.url(),
            &key,
            &secret,
            &["--json", "top-up", "trx1", "--yes"],
        )
        .await;
        assert_eq!(json.code, 0, "{json:?}");
        let value: Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(value["topped_up"], true);
        assert_eq!(value["confirmed"], false);
        assert_eq!(value["status"], 200);
        assert!(value["request_id"].is_string());
    }
    // A failure code in a 2xx still exits 3.
    fake.inject(
        fault(
            200,
            "application/json",
            r#"{"error-code":"420","error-code-label":"topup failed"}"#,
        )
        .on(Operation::TopUpAccountBalance),
    );
    let run = exec(&fake.url(), &key, &secret, &["top-up", "trx1", "--yes"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr.contains("error-code 420 (topup failed)"),
        "{run:?}"
    );
}
