//! The `vonage-account` binary, run as a process against the fake server: every command, every
//! exit code, the `--json` shapes, and that no secret is ever printed. The harness (`cli`, `Run`)
//! is shared with `cli_rotate.rs`.

use std::{process::Stdio, time::Duration};

use serde_json::Value;
use tokio::io::AsyncWriteExt as _;
use vonage_account::Operation;
use vonage_account_fake::{FakeVonage, Fault};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_vonage-account");
pub(crate) const KEY: &str = "abcd1234";
pub(crate) const SECRET: &str = "Abcdef123456";
pub(crate) const SUB: &str = "sub12345";
pub(crate) const SUB_SECRET: &str = "Subsecret123";
pub(crate) const NEW_SECRET: &str = "Fresh-N3w-Secret";

/// One run of the binary.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {self:?}"))
    }

    pub(crate) fn error_json(&self) -> Value {
        let line = self.stderr.trim();
        assert_eq!(line.lines().count(), 1, "one line on stderr: {self:?}");
        serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("stderr is not a JSON object ({e}): {self:?}"))
    }

    pub(crate) fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code: {self:?}");
        self
    }

    /// Neither the API secrets nor a new secret appear anywhere in the output.
    pub(crate) fn assert_no_secret(&self) -> &Self {
        for secret in [SECRET, SUB_SECRET, NEW_SECRET] {
            assert!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "{secret} was printed: {self:?}"
            );
        }
        self
    }
}

/// A command line to run, with the fake's URL and credentials in the environment.
pub(crate) struct Cli {
    command: tokio::process::Command,
    stdin: Option<String>,
}

pub(crate) fn cli(fake: &FakeVonage, args: &[&str]) -> Cli {
    let mut cli = bare(args);
    // One state directory per fake, so that what `secrets rotate --stage` records is seen by
    // the later runs of the same test, and by no other test: named by the fake's port and its
    // sub-account's first secret id (random), as a port may be used again by a later fake.
    let port = fake.url().rsplit(':').next().unwrap_or_default().to_owned();
    let marker = fake.secret_ids(SUB).first().cloned().unwrap_or_default();
    cli.command
        .env(
            "XDG_STATE_HOME",
            std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
                "cli-{}-fake-{port}-{marker}-state",
                std::process::id()
            )),
        )
        .env("VONAGE_API_KEY", fake.api_key())
        .env("VONAGE_API_SECRET", fake.api_secret())
        .env("VONAGE_REST_URL", fake.url())
        .env("VONAGE_API_URL", fake.url());
    cli
}

/// Every environment variable the tool reads.
pub(crate) const VARS: [&str; 11] = [
    "VONAGE_API_KEY",
    "VONAGE_API_SECRET",
    "VONAGE_API_SECRET_FILE",
    "VONAGE_API_SECRET_ID",
    "VONAGE_REST_URL",
    "VONAGE_API_URL",
    "VONAGE_TIMEOUT",
    "VONAGE_NEW_SECRET",
    "VONAGE_PROFILE",
    "VONAGE_CONFIG",
    "VONAGE_CA_FILE",
];

/// A path of its own under the target's temporary directory (not created), for one test's
/// HOME, config or state.
pub(crate) fn temp_path(name: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A command line with no VONAGE_* variables at all, and a HOME, config and state directory of
/// its own (empty), never the user's.
pub(crate) fn bare(args: &[&str]) -> Cli {
    let mut command = tokio::process::Command::new(BIN);
    command.args(args);
    for var in VARS {
        command.env_remove(var);
    }
    let home = temp_path("home");
    command
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"));
    Cli {
        command,
        stdin: None,
    }
}

impl Cli {
    pub(crate) fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    pub(crate) fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    pub(crate) async fn run(mut self) -> Run {
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = self.command.spawn().expect("run vonage-account");
        let mut stdin = child.stdin.take().expect("stdin");
        if let Some(text) = self.stdin {
            stdin.write_all(text.as_bytes()).await.expect("write stdin");
        }
        drop(stdin);
        let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
            .await
            .expect("vonage-account finished within 20 s")
            .expect("vonage-account output");
        Run {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }
}

// ---- balance and top-up ----

#[tokio::test]
async fn balance_text_and_json() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["balance"]).run().await;
    run.assert_code(0).assert_no_secret();
    assert_eq!(run.stdout, "Balance: 10.28000000 EUR (auto-reload on)\n");
    assert_eq!(run.stderr, "");

    fake.set_auto_reload(KEY, false);
    let run = cli(&fake, &["balance"]).run().await;
    assert_eq!(run.stdout, "Balance: 10.28000000 EUR (auto-reload off)\n");

    let run = cli(&fake, &["--json", "balance"]).run().await;
    run.assert_code(0);
    // Every decimal the API sent, as a JSON number, in the crate's serde style (snake_case).
    assert!(run.stdout.contains("10.28000000"), "{run:?}");
    assert_eq!(
        run.json(),
        serde_json::json!({"value": 10.28, "auto_reload": false})
    );
    // The option works after the command too.
    let after = cli(&fake, &["balance", "--json"]).run().await;
    assert_eq!(after.json(), run.json());
}

#[tokio::test]
async fn top_up_succeeds_and_reports_auto_reload_off_as_an_api_error() {
    let fake = FakeVonage::start().await;
    let run = cli(
        &fake,
        &["top-up", "8ef2447e69604f642ae59363aa5f781b", "--yes"],
    )
    .run()
    .await;
    run.assert_code(0).assert_no_secret();
    assert!(run.stdout.contains("Topped up"), "{run:?}");
    assert_eq!(fake.top_ups(KEY), ["8ef2447e69604f642ae59363aa5f781b"]);
    assert_eq!(fake.balance(KEY).unwrap().to_string(), "30.28000000");

    let run = cli(&fake, &["--json", "top-up", "trx2", "--yes"])
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(
        run.json(),
        serde_json::json!({"topped_up": true, "trx": "trx2"})
    );

    fake.set_auto_reload(KEY, false);
    let run = cli(&fake, &["top-up", "trx3", "--yes"]).run().await;
    run.assert_code(3).assert_no_secret();
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: Vonage answered 401"),
        "{run:?}"
    );
    assert!(run.stderr.contains("auto-reload"), "{run:?}");
    assert!(run.stderr.contains("request id"), "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1);

    let run = cli(&fake, &["--json", "top-up", "trx3", "--yes"])
        .run()
        .await;
    run.assert_code(3);
    let error = run.error_json();
    assert_eq!(error["error"], "auto-reload-disabled");
    assert_eq!(error["status"], 401);
    assert_eq!(error["exit_code"], 3);
    assert!(
        error["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(fake.top_ups(KEY).len(), 2);
}

#[tokio::test]
async fn a_blank_trx_is_a_usage_error_and_nothing_is_sent() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["top-up", "  "]).run().await;
    run.assert_code(2);
    assert!(run.stderr.contains("invalid trx"), "{run:?}");
    assert!(fake.requests().is_empty());
}

// ---- settings ----

#[tokio::test]
async fn settings_show_update_and_unset() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["settings"]).run().await;
    run.assert_code(0).assert_no_secret();
    assert!(
        run.stdout.contains("mo-callback-url):   (unset)"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("Max API calls per second:                30")
    );

    let run = cli(
        &fake,
        &[
            "settings",
            "--mo-url",
            "https://example.com/inbound",
            "--dr-url",
            "https://example.com/receipts",
            "--http-method",
            "POST_JSON",
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert!(run.stdout.starts_with("Settings updated."), "{run:?}");
    assert!(run.stdout.contains("https://example.com/inbound"));
    assert!(run.stdout.contains("https://example.com/receipts"));
    assert_eq!(fake.http_forward_method(KEY).as_deref(), Some("POST_JSON"));

    let run = cli(&fake, &["--json", "settings", "--mo-url", ""])
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(
        run.json(),
        serde_json::json!({
            "mo_callback_url": null,
            "dr_callback_url": "https://example.com/receipts",
            "max_outbound_request": 30,
            "max_inbound_request": 30,
            "max_calls_per_second": 30,
        })
    );
    let last = fake
        .requests_to(Operation::ChangeAccountSettings)
        .pop()
        .unwrap();
    assert_eq!(last.body, "moCallBackUrl=");

    // A bad URL or method never leaves the machine.
    fake.clear_requests();
    let run = cli(&fake, &["settings", "--mo-url", "not a url"])
        .run()
        .await;
    run.assert_code(2);
    assert!(run.stderr.contains("mo_callback_url"), "{run:?}");
    let run = cli(&fake, &["settings", "--http-method", "PUT"])
        .run()
        .await;
    run.assert_code(2);
    assert!(fake.requests().is_empty());
}

// ---- secrets ----

#[tokio::test]
async fn secrets_list_get_and_revoke_for_own_key_and_a_sub_account() {
    let fake = FakeVonage::start().await;
    let own = fake.secret_ids(KEY);
    let run = cli(&fake, &["secrets", "list"]).run().await;
    run.assert_code(0).assert_no_secret();
    assert!(run.stdout.contains(&own[0]), "{run:?}");

    let run = cli(&fake, &["--json", "secrets", "list", "--for", SUB])
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let list = run.json();
    let sub_id = fake.secret_ids(SUB)[0].clone();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], sub_id.as_str());
    assert!(list[0]["created_at"].as_str().unwrap().ends_with('Z'));

    let run = cli(&fake, &["secrets", "get", &own[0]]).run().await;
    run.assert_code(0);
    assert!(run.stdout.starts_with(&format!("Secret {}", own[0])));
    let run = cli(&fake, &["--json", "secrets", "get", &sub_id, "--for", SUB])
        .run()
        .await;
    assert_eq!(run.json()["id"], sub_id.as_str());

    // The sub-account's own secret is not the primary key's.
    let run = cli(&fake, &["--json", "secrets", "get", &sub_id])
        .run()
        .await;
    run.assert_code(3);
    assert_eq!(run.error_json()["error"], "secret-not-found");

    // Revoking the only secret is refused by the API; with two, one can go.
    let run = cli(&fake, &["secrets", "revoke", &own[0], "--yes"])
        .run()
        .await;
    run.assert_code(3);
    assert!(run.stderr.contains("403"), "{run:?}");
    let run = cli(&fake, &["secrets", "create"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let run = cli(&fake, &["--json", "secrets", "revoke", &own[0], "--yes"])
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    assert_eq!(
        run.json(),
        serde_json::json!({"revoked": own[0], "api_key": KEY})
    );
    assert_eq!(fake.secret_ids(KEY).len(), 1);
    assert_eq!(fake.secret_id_of(KEY, SECRET), None);
}

#[tokio::test]
async fn secrets_create_reads_the_environment_or_one_line_of_stdin() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["--json", "secrets", "create", "--for", SUB])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let id = fake.secret_id_of(SUB, NEW_SECRET).expect("created");
    assert_eq!(run.json()["id"], id.as_str());

    // From stdin, with a Windows line ending: only the line is the secret.
    let run = cli(&fake, &["secrets", "create"])
        .stdin(&format!("{NEW_SECRET}\r\nthe next line is ignored\n"))
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let id = fake
        .secret_id_of(KEY, NEW_SECRET)
        .expect("created from stdin");
    assert!(run.stdout.contains(&id), "{run:?}");

    // A third secret is over the API's limit of two.
    let run = cli(&fake, &["--json", "secrets", "create"])
        .env("VONAGE_NEW_SECRET", "An0ther-secret")
        .run()
        .await;
    run.assert_code(3).assert_no_secret();
    let error = run.error_json();
    assert_eq!(error["error"], "secret-limit-reached");
    assert_eq!(error["status"], 403);
    assert_eq!(error["title"], "Secret Addition Forbidden");
    assert!(error["detail"].as_str().unwrap().contains("maximum"));
    assert!(error["request_id"].is_string());
    assert!(error["message"].as_str().unwrap().contains("403"));
}

#[tokio::test]
async fn a_weak_new_secret_is_refused_before_anything_is_sent() {
    let fake = FakeVonage::start().await;
    let weak = "weakpass";
    let run = cli(&fake, &["secrets", "create"]).stdin(weak).run().await;
    run.assert_code(2).assert_no_secret();
    assert!(run.stderr.starts_with("error: invalid secret:"), "{run:?}");
    assert!(run.stderr.contains("upper-case"));
    assert!(!run.stderr.contains(weak) && !run.stdout.contains(weak));

    let run = cli(&fake, &["--json", "--verbose", "secrets", "create"])
        .env("VONAGE_NEW_SECRET", weak)
        .run()
        .await;
    run.assert_code(2);
    assert!(!run.stderr.contains(weak));
    let error = run
        .stderr
        .lines()
        .find(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .expect("a JSON error line");
    assert_eq!(error["error"], "validation");
    assert_eq!(error["field"], "secret");
    assert_eq!(error["exit_code"], 2);
    assert!(error["rules"].as_array().unwrap().len() >= 2);

    // Nothing on stdin at all: an empty secret, refused.
    let run = cli(&fake, &["secrets", "create"]).run().await;
    run.assert_code(2);
    assert!(run.stderr.contains("must not be empty"), "{run:?}");

    // A key that would change the path is refused too.
    let run = cli(&fake, &["secrets", "list", "--for", "../x"])
        .run()
        .await;
    run.assert_code(2);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_secret_typed_as_an_argument_is_refused_and_not_echoed() {
    let fake = FakeVonage::start().await;
    let typed = "Typed-As-Arg-123";
    for json in [false, true] {
        let mut args = vec!["secrets", "create", typed];
        if json {
            args.insert(0, "--json");
        }
        let run = cli(&fake, &args).run().await;
        run.assert_code(2);
        assert!(
            !run.stderr.contains(typed) && !run.stdout.contains(typed),
            "{run:?}"
        );
        assert!(run.stderr.contains("VONAGE_NEW_SECRET"), "{run:?}");
    }
    assert!(fake.requests().is_empty());
    // A mistyped flag is still named, since a flag is not a value.
    let run = cli(&fake, &["balance", "--jsn"]).run().await;
    run.assert_code(2);
    assert!(run.stderr.contains("--jsn"), "{run:?}");
}

#[tokio::test]
async fn an_unknown_sub_account_is_an_api_error() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["--json", "secrets", "list", "--for", "nobody99"])
        .run()
        .await;
    run.assert_code(3);
    let error = run.error_json();
    assert_eq!(error["error"], "invalid-api-key");
    assert_eq!(error["status"], 404);
    assert_eq!(error["title"], "Invalid API Key");
}

// ---- credentials and usage ----

#[tokio::test]
async fn wrong_credentials_are_an_api_error_and_missing_ones_a_usage_error() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["balance"])
        .env("VONAGE_API_SECRET", "Wrongsecret1")
        .run()
        .await;
    run.assert_code(3);
    assert!(run.stderr.contains("401"), "{run:?}");
    assert!(!run.stderr.contains("Wrongsecret1"));

    // The flags work too, and win over the environment.
    let run = cli(
        &fake,
        &["balance", "--api-key", SUB, "--api-secret", SUB_SECRET],
    )
    .run()
    .await;
    run.assert_code(0);
    assert_eq!(run.stdout, "Balance: 0.00000000 EUR (auto-reload off)\n");

    fake.clear_requests();
    let run = bare(&["balance", "--rest-url", &fake.url()]).run().await;
    run.assert_code(2);
    assert_eq!(
        run.stderr,
        "error: the API key is missing: set VONAGE_API_KEY or pass --api-key\n"
    );
    let run = bare(&["--json", "balance"])
        .env("VONAGE_API_KEY", KEY)
        .run()
        .await;
    run.assert_code(2);
    let error = run.error_json();
    assert_eq!(error["error"], "usage");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("VONAGE_API_SECRET")
    );

    // A plain-http remote host is a configuration error: nothing is sent.
    let run = cli(&fake, &["--rest-url", "http://example.com", "balance"])
        .run()
        .await;
    run.assert_code(2);
    assert!(
        run.stderr.contains("invalid client configuration"),
        "{run:?}"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let run = bare(&["frobnicate"]).run().await;
    run.assert_code(2);
    let run = bare(&["--timeout", "soon", "balance"]).run().await;
    run.assert_code(2);
    assert!(run.stderr.contains("not a duration"), "{run:?}");
    let run = bare(&["secrets", "get"]).run().await;
    run.assert_code(2);
    // A secret is never an argument of `secrets create`.
    let run = bare(&["secrets", "create", NEW_SECRET]).run().await;
    run.assert_code(2);

    let help = bare(&["--help"])
        .env("VONAGE_API_SECRET", SECRET)
        .run()
        .await;
    help.assert_code(0).assert_no_secret();
    for needle in [
        "Exit codes:",
        "0  success",
        "2  usage or validation error",
        "3  the API answered with an error",
        "4  network error, timeout",
        "prefer the VONAGE_API_SECRET environment variable",
        "balance      Show the balance",
        "top-up       Top up the balance",
        "settings     Show the SMS webhook settings",
        "secrets      List, show, create or revoke API secrets",
        "fake-server  Run the fake Vonage server",
    ] {
        assert!(
            help.stdout.contains(needle),
            "{needle:?} in {}",
            help.stdout
        );
    }
    let help = bare(&["secrets", "--help"]).run().await;
    for needle in [
        "list    List the secrets",
        "get     Show one secret",
        "create  Add a secret, read from VONAGE_NEW_SECRET",
        "revoke  Revoke a secret",
    ] {
        assert!(
            help.stdout.contains(needle),
            "{needle:?} in {}",
            help.stdout
        );
    }
}

// ---- network failures ----

#[tokio::test]
async fn timeouts_broken_connections_and_bad_bodies_exit_4() {
    let fake = FakeVonage::start().await;
    fake.inject(Fault::delay(Duration::from_secs(2)).on(Operation::GetAccountBalance));
    let run = cli(&fake, &["--timeout", "200ms", "balance"]).run().await;
    run.assert_code(4).assert_no_secret();
    assert!(run.stderr.contains("timed out"), "{run:?}");

    fake.inject(Fault::not_json().on(Operation::GetAccountBalance));
    let run = cli(&fake, &["--json", "balance"]).run().await;
    run.assert_code(4);
    let error = run.error_json();
    assert_eq!(error["error"], "decode");
    assert_eq!(error["status"], 200);
    assert!(error["request_id"].is_string());

    // A top-up is never sent twice, so a dropped connection is reported at once.
    fake.inject(Fault::drop_connection().on(Operation::TopUpAccountBalance));
    let run = cli(&fake, &["top-up", "trx9", "--yes"]).run().await;
    run.assert_code(4);
    assert!(run.stderr.starts_with("error: network error"), "{run:?}");
    assert_eq!(fake.requests_to(Operation::TopUpAccountBalance).len(), 1);

    // Nothing listening at all.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let run = cli(&fake, &["--json", "balance"])
        .env("VONAGE_REST_URL", &format!("http://{closed}"))
        .run()
        .await;
    run.assert_code(4);
    assert_eq!(run.error_json()["error"], "transport");

    // A 500 from the API is the API's error, not the network's.
    fake.inject(Fault::html_500().on(Operation::ChangeAccountSettings));
    let run = cli(&fake, &["settings"]).run().await;
    run.assert_code(3);
    assert!(run.stderr.contains("500"), "{run:?}");
}

// ---- --verbose ----

#[tokio::test]
async fn verbose_logs_each_request_to_stderr_but_never_a_secret() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["--verbose", "balance"]).run().await;
    run.assert_code(0).assert_no_secret();
    assert_eq!(run.stdout, "Balance: 10.28000000 EUR (auto-reload on)\n");
    assert!(run.stderr.contains("vonage_account.request"), "{run:?}");
    assert!(run.stderr.contains("getAccountBalance"), "{run:?}");
    assert!(run.stderr.contains("status=200"), "{run:?}");
    assert!(run.stderr.contains("request_id="), "{run:?}");
    assert!(run.stderr.contains("API key abcd1234"), "{run:?}");

    // Every command, with --verbose and --api-secret on the command line: still no secret.
    let own = fake.secret_ids(KEY)[0].clone();
    for args in [
        vec!["-v", "top-up", "trx1", "--yes"],
        vec!["-v", "settings", "--mo-url", "https://example.com/in"],
        vec!["-v", "secrets", "list", "--for", SUB],
        vec!["-v", "secrets", "get", own.as_str()],
        vec!["-v", "--json", "secrets", "create"],
        vec!["-v", "--json", "secrets", "create"],
        vec!["-v", "secrets", "revoke", "no-such-id", "--yes"],
    ] {
        let run = cli(&fake, &args)
            .env("VONAGE_NEW_SECRET", NEW_SECRET)
            .run()
            .await;
        run.assert_no_secret();
        assert!(run.stderr.contains("vonage_account.request"), "{run:?}");
    }
    let run = cli(&fake, &["-v", "balance", "--api-secret", SECRET])
        .env("VONAGE_API_SECRET", "")
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    // Retries are logged as well (a 503 is retried for a read).
    fake.inject(Fault::status(503).on(Operation::GetAccountBalance));
    let run = cli(&fake, &["-v", "balance"]).run().await;
    run.assert_code(0).assert_no_secret();
    assert!(run.stderr.contains("status=503"), "{run:?}");
    assert!(run.stderr.contains("attempt=2"), "{run:?}");
}

// ---- fake-server ----

/// A running `vonage-account fake-server` process.
pub(crate) struct FakeProcess {
    child: tokio::process::Child,
    pub(crate) url: String,
    /// Everything it printed after the first line, up to the end of the start-up text.
    pub(crate) banner: String,
}

/// Starts `vonage-account fake-server ARGS` and reads its start-up text.
pub(crate) async fn fake_server(args: &[&str], env: &[(&str, &str)]) -> FakeProcess {
    use tokio::io::AsyncBufReadExt as _;
    let mut command = bare(&[]).command;
    command
        .arg("fake-server")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("start fake-server");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let read = async {
        let first = lines.next_line().await.unwrap().expect("a first line");
        let mut banner = String::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            banner.push_str(&line);
            banner.push('\n');
            if line.starts_with("Stop with") || line.starts_with('{') {
                break;
            }
        }
        (first, banner)
    };
    let (first, banner) = tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("fake-server printed its address within 10 s");
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line {first:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") || url.starts_with("https://127.0.0.1:"),
        "{first:?}"
    );
    url.rsplit(':')
        .next()
        .unwrap()
        .parse::<u16>()
        .expect("a port");
    // Keep draining stdout so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    FakeProcess { child, url, banner }
}

impl FakeProcess {
    /// Sends `signal` (TERM or INT) and returns the exit code and stderr.
    pub(crate) async fn stop(mut self, signal: &str) -> (i32, String) {
        use tokio::io::AsyncReadExt as _;
        let pid = self.child.id().expect("still running");
        let sent = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .expect("fake-server stopped within 5 s of the signal")
            .unwrap();
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .await
            .unwrap();
        (
            status.code().expect("exited, not killed by the signal"),
            stderr,
        )
    }

    fn client(&self, key: &str, secret: &str) -> vonage_account::Client {
        vonage_account::Client::builder()
            .base_url(&self.url)
            .api_key(key)
            .api_secret(secret.to_owned())
            .retry(vonage_account::RetryConfig::NONE)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }
}

#[tokio::test]
async fn fake_server_serves_every_operation_and_stops_on_sigterm() {
    let server = fake_server(&["--listen", "127.0.0.1:0"], &[]).await;
    // The default account, secret included, after the first line.
    for needle in [KEY, SECRET, "10.28000000", SUB, SUB_SECRET, "/_fake/faults"] {
        assert!(
            server.banner.contains(needle),
            "{needle} in {}",
            server.banner
        );
    }

    // The crate's own client: every operation.
    let client = server.client(KEY, SECRET);
    let balance = client.account().balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "10.28000000");
    assert!(balance.auto_reload);
    client.account().top_up("trx-1").await.unwrap();
    assert_eq!(
        client.account().balance().await.unwrap().value.to_string(),
        "30.28000000"
    );
    let update = vonage_account::SettingsUpdate::new()
        .mo_callback_url("https://example.com/in")
        .http_forward_method(vonage_account::HttpForwardMethod::PostJson);
    let settings = client.account().update_settings(&update).await.unwrap();
    assert_eq!(
        settings.mo_callback_url.as_deref(),
        Some("https://example.com/in")
    );
    assert_eq!(client.account().settings().await.unwrap(), settings);
    let created = client.secrets().create(NEW_SECRET).await.unwrap();
    assert_eq!(client.secrets().list().await.unwrap().len(), 2);
    assert_eq!(client.secrets().get(&created.id).await.unwrap(), created);
    client.secrets().revoke(&created.id).await.unwrap();
    let sub = client.secrets_for(SUB).list().await.unwrap();
    assert_eq!(sub.len(), 1);
    let err = client.secrets().create("weak").await.unwrap_err();
    assert_eq!(err.kind(), vonage_account::ErrorKind::Validation);
    let sms = vonage_account::ServiceType::Sms;
    let pricing = client.pricing();
    assert_eq!(pricing.country(sms, "DE").await.unwrap().country_code, "DE");
    assert_eq!(pricing.prefix(sms, "1").await.unwrap().len(), 3);
    assert!(!pricing.all_countries(sms).await.unwrap().is_empty());
    // The Subaccounts API (issue 25), with a balance of its own for sub12345 first.
    let own = reqwest::Client::new()
        .patch(format!("{}/_fake/subaccounts/{SUB}", server.url))
        .body(r#"{"own_balance": "0"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let subs = client.subaccounts();
    let new = subs
        .create(&vonage_account::NewSubaccount::new("CLI fake"))
        .await
        .unwrap();
    subs.get(new.api_key()).await.unwrap();
    subs.suspend(new.api_key()).await.unwrap();
    let transfer = vonage_account::MoneyTransfer::new(KEY, SUB, "1.00");
    subs.transfer_balance(&transfer).await.unwrap();
    subs.transfer_credit(&transfer).await.unwrap();
    // And back, so that the primary's balance is as the checks below expect.
    let back = vonage_account::MoneyTransfer::new(SUB, KEY, "1.00");
    subs.transfer_balance(&back).await.unwrap();
    let since = vonage_account::TransferFilter::since("2020-01-01T00:00:00Z");
    assert_eq!(subs.balance_transfers(&since).await.unwrap().len(), 2);
    assert_eq!(subs.credit_transfers(&since).await.unwrap().len(), 1);
    let number = vonage_account::NumberMove::new(KEY, SUB, "447700900000", "GB");
    subs.transfer_number(&number).await.unwrap();
    assert_eq!(subs.list().await.unwrap().subaccounts.len(), 2);

    // The binary as a client of the binary.
    let run = bare(&["balance"])
        .env("VONAGE_API_KEY", KEY)
        .env("VONAGE_API_SECRET", SECRET)
        .env("VONAGE_REST_URL", &server.url)
        .env("VONAGE_API_URL", &server.url)
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(run.stdout, "Balance: 30.28000000 EUR (auto-reload on)\n");

    // Plain HTTP, as curl would.
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{}/account/get-balance", server.url))
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().contains_key("x-request-id"));
    assert_eq!(
        answer.text().await.unwrap(),
        r#"{"value":30.28000000,"autoReload":true}"#
    );
    let answer = http
        .get(format!("{}/accounts/{KEY}/secrets", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);

    // The control path: a fault, seen by the next call, then gone.
    let queued: Value = http
        .post(format!("{}/_fake/faults", server.url))
        .body(
            r#"{"kind":"status","status":500,"body":"boom","route":"getAccountBalance","times":1}"#,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queued, serde_json::json!({"queued": 1}));
    let err = client.account().balance().await.unwrap_err();
    assert_eq!(err.kind(), vonage_account::ErrorKind::ServerError);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(err.to_string().contains("boom"), "{err}");
    client.account().balance().await.unwrap();

    // A list of faults, then cleared before any hits.
    let queued: Value = http
        .post(format!("{}/_fake/faults", server.url))
        .body(r#"[{"kind":"not-json"},{"kind":"delay","millis":10,"route":"topUpAccountBalance"}]"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queued["queued"], 2);
    let cleared = http
        .delete(format!("{}/_fake/faults", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    client.account().balance().await.unwrap();
    let bad = http
        .post(format!("{}/_fake/faults", server.url))
        .body(r#"{"kind":"explode"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // The request log, then a reset to the seed.
    let log: Value = http
        .get(format!("{}/_fake/requests", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let routes: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["route"].as_str().unwrap())
        .collect();
    // Every operation of the specs was exercised above, and is logged by its operationId.
    for op in Operation::ALL {
        assert!(routes.contains(&op.id()), "{op} in {routes:?}");
    }
    let reset = http
        .post(format!("{}/_fake/reset", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(
        client.account().balance().await.unwrap().value.to_string(),
        "10.28000000"
    );
    let log: Value = http
        .get(format!("{}/_fake/requests", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);

    let url = server.url.clone();
    let (code, stderr) = server.stop("TERM").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("stopped on SIGTERM"), "{stderr}");
    assert!(reqwest::get(format!("{url}/_fake/requests")).await.is_err());
}

#[tokio::test]
async fn fake_server_seeds_from_a_file_and_flags_and_stops_on_sigint() {
    let path = std::env::temp_dir().join(format!("vonage-seed-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"api_key": "seedkey1", "secrets": ["Seedsecret1"], "balance": "5.00000000",
            "auto_reload": false, "settings": {"mo_callback_url": "https://example.com/seeded"},
            "sub_accounts": []}"#,
    )
    .unwrap();
    let seed = path.to_str().unwrap();

    // The seed file alone.
    let server = fake_server(&["--seed", seed], &[]).await;
    assert!(server.banner.contains("seedkey1"), "{}", server.banner);
    assert!(!server.banner.contains(SUB), "{}", server.banner);
    let client = server.client("seedkey1", "Seedsecret1");
    let balance = client.account().balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "5.00000000");
    assert!(!balance.auto_reload);
    let settings = client.account().settings().await.unwrap();
    assert_eq!(
        settings.mo_callback_url.as_deref(),
        Some("https://example.com/seeded")
    );
    let (code, stderr) = server.stop("INT").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("stopped on SIGINT"), "{stderr}");

    // Flags override the file; the VONAGE_* environment is not used for the fake's account.
    let server = fake_server(
        &[
            "--seed",
            seed,
            "--balance",
            "7.5",
            "--auto-reload",
            "on",
            "--api-key",
            "flagkey2",
            "--api-secret",
            "Flagsecret2",
        ],
        &[
            ("VONAGE_API_KEY", "envkey99"),
            ("VONAGE_API_SECRET", "Envsecret99"),
        ],
    )
    .await;
    assert!(!server.banner.contains("envkey99") && !server.banner.contains("Envsecret99"));
    let client = server.client("flagkey2", "Flagsecret2");
    let balance = client.account().balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "7.50000000");
    assert!(balance.auto_reload);
    client.account().top_up("trx").await.unwrap();
    assert_eq!(server.stop("TERM").await.0, 0);
    std::fs::remove_file(&path).unwrap();

    // Only the environment: the default account, not the environment's.
    let server = fake_server(
        &["--json"],
        &[
            ("VONAGE_API_KEY", "envkey99"),
            ("VONAGE_API_SECRET", "Envsecret99"),
        ],
    )
    .await;
    let start: Value = serde_json::from_str(server.banner.trim()).unwrap();
    assert_eq!(start["url"], server.url.as_str());
    assert_eq!(start["seed"]["api_key"], KEY);
    assert_eq!(start["seed"]["secrets"][0], SECRET);
    server
        .client(KEY, SECRET)
        .account()
        .balance()
        .await
        .unwrap();
    assert_eq!(server.stop("TERM").await.0, 0);
}

#[tokio::test]
async fn fake_server_listens_where_it_is_told_and_reports_start_up_errors() {
    // A given port is used as given.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let listen = format!("127.0.0.1:{port}");
    let server = fake_server(&["--listen", &listen], &[]).await;
    assert_eq!(server.url, format!("http://{listen}"));

    // That address is taken now: a local failure, exit 4.
    let run = bare(&["fake-server", "--listen", &listen]).run().await;
    run.assert_code(4);
    assert!(run.stderr.contains("cannot listen on"), "{run:?}");
    assert_eq!(server.stop("TERM").await.0, 0);

    // Bad input: exit 2, nothing listens.
    let run = bare(&["fake-server", "--listen", "localhost"]).run().await;
    run.assert_code(2);
    let run = bare(&["fake-server", "--seed", "/no/such/seed.json"])
        .run()
        .await;
    run.assert_code(2);
    assert!(run.stderr.contains("cannot read the seed file"), "{run:?}");
    let run = bare(&["fake-server", "--balance", "lots"]).run().await;
    run.assert_code(2);
    assert!(run.stderr.contains("invalid seed"), "{run:?}");
    let run = bare(&["--json", "fake-server", "--api-key", "bad/key"])
        .run()
        .await;
    run.assert_code(2);
    assert_eq!(run.error_json()["error"], "usage");
    assert_eq!(run.stdout, "");
}

// The fake's HTTPS needs a rustls feature (tests/fake_without_tls.rs: the error without one).
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
#[tokio::test]
async fn fake_server_serves_https_with_its_certificate_written_before_the_first_line() {
    let cert = std::env::temp_dir().join(format!("vonage-fake-ca-{}.pem", std::process::id()));
    let cert_arg = cert.to_str().unwrap();
    let server = fake_server(&["--tls", "--cert-out", cert_arg, "--lenient"], &[]).await;
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    // Written before the first line, so it is there as soon as that line is read.
    let pem = std::fs::read_to_string(&cert).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert!(server.banner.contains(cert_arg), "{}", server.banner);
    assert!(server.banner.contains("Lenient"), "{}", server.banner);

    let client = vonage_account::Client::builder()
        .base_url(&server.url)
        .api_key(KEY)
        .api_secret(SECRET)
        .add_root_certificate(&pem)
        .no_proxy()
        .build()
        .unwrap();
    let balance = client.account().balance().await.unwrap();
    assert_eq!(balance.value.to_string(), "10.28000000");

    // --lenient: the Python SDK's settings call is accepted, with a warning in the log.
    let http = crate::common::trusting(&pem);
    let status = http
        .post(format!("{}/account/settings", server.url))
        .basic_auth(KEY, Some(SECRET))
        .form(&[("moCallbackUrl", "https://example.com/in")])
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let log: Value = http
        .get(format!("{}/_fake/requests", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log[1]["status"], 200);
    assert!(
        log[1]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("moCallbackUrl"),
        "{log}"
    );
    assert_eq!(server.stop("TERM").await.0, 0);
    let _ = std::fs::remove_file(&cert);

    // --cert-out needs --tls.
    let run = bare(&["fake-server", "--cert-out", cert_arg]).run().await;
    run.assert_code(2);
    assert!(!cert.exists());
}

#[tokio::test]
async fn with_json_even_command_line_errors_are_json() {
    let run = bare(&["--json", "frobnicate"]).run().await;
    run.assert_code(2);
    let error = run.error_json();
    assert_eq!(error["error"], "usage");
    assert!(error["message"].as_str().unwrap().contains("frobnicate"));
    let run = bare(&["secrets", "list", "--json", "--timeout", "0"])
        .run()
        .await;
    run.assert_code(2);
    assert_eq!(run.error_json()["exit_code"], 2);
    // Help stays text, on stdout.
    let run = bare(&["--json", "--help"]).run().await;
    run.assert_code(0);
    assert!(run.stdout.contains("Exit codes:"));
}

/// `fake-server --request-log-limit N` bounds the request log, over the seed file's
/// `request_log_limit`, and the control path counts what it dropped.
#[tokio::test]
async fn fake_server_keeps_the_newest_requests_it_is_told_to() {
    let path = std::env::temp_dir().join(format!("vonage-log-seed-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"request_log_limit": 5}"#).unwrap();
    let server = fake_server(
        &["--seed", path.to_str().unwrap(), "--request-log-limit", "2"],
        &[],
    )
    .await;
    let client = server.client(KEY, SECRET);
    for _ in 0..5 {
        client.account().balance().await.unwrap();
    }
    let answer = reqwest::get(format!("{}/_fake/requests", server.url))
        .await
        .unwrap();
    assert_eq!(answer.headers()["x-fake-requests-dropped"], "3");
    assert_eq!(answer.headers()["x-fake-request-log-limit"], "2");
    let log: Vec<Value> = answer.json().await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(server.stop("TERM").await.0, 0);
    std::fs::remove_file(&path).unwrap();
}
