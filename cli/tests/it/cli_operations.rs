//! What an operator relies on (issue 24), run as a process against the fake: the secret in use
//! is never revoked, nothing is charged unasked, `check` follows the monitoring-plugins
//! guidelines, credentials come from files and profiles, a private CA is trusted besides the
//! system's, and the shell integration (help, completions, man pages, metrics) works.
//!
//! Terminal prompts run under a real pseudo-terminal: util-linux `script`, which every Debian
//! has, drives the binary as a user would (`at_terminal`).

use std::{path::Path, process::Stdio, time::Duration};

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use vonage_account::Operation;
use vonage_account_fake::{FakeVonage, Fault};

use crate::cli::{BIN, KEY, NEW_SECRET, SECRET, SUB, VARS, bare, cli, temp_path};

/// A directory of its own, created.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = temp_path(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary at a pseudo-terminal (`script`), with the fake's credentials and `env`;
/// for each `(prompt, answer)` waits until the output so far shows `prompt`, then types
/// `answer` and Enter. Returns the exit code and everything the terminal showed.
async fn at_terminal(
    fake: &FakeVonage,
    args: &[&str],
    env: &[(&str, &str)],
    dialogue: &[(&str, &str)],
) -> (i32, String) {
    let quoted: Vec<String> = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let mut command = tokio::process::Command::new("script");
    command
        .args(["-q", "-e", "-c", &quoted.join(" "), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for var in VARS {
        command.env_remove(var);
    }
    let home = temp_dir("tty-home");
    command
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("VONAGE_API_KEY", fake.api_key())
        .env("VONAGE_API_SECRET", fake.api_secret())
        .env("VONAGE_REST_URL", fake.url())
        .env("VONAGE_API_URL", fake.url());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("run script (util-linux)");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    for (prompt, answer) in dialogue {
        let wait = async {
            while !seen.contains(prompt) {
                let n = stdout.read(&mut buffer).await.unwrap();
                assert!(n > 0, "the terminal closed before {prompt:?}: {seen:?}");
                seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        };
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .unwrap_or_else(|_| panic!("no {prompt:?} within 10 s: {seen:?}"));
        // The prompt is written just before the terminal's echo is turned off.
        tokio::time::sleep(Duration::from_millis(300)).await;
        stdin
            .write_all(format!("{answer}\r").as_bytes())
            .await
            .unwrap();
        stdin.flush().await.unwrap();
    }
    let rest = async {
        loop {
            match stdout.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
            }
        }
        child.wait().await.unwrap()
    };
    let status = tokio::time::timeout(Duration::from_secs(10), rest)
        .await
        .expect("finished within 10 s");
    drop(stdin);
    (status.code().expect("exited"), seen)
}

// ---- 1. never revoke the secret in use ----

#[tokio::test]
async fn revoke_refuses_the_secret_named_in_use_and_asks_when_it_cannot_tell() {
    let fake = FakeVonage::start().await;
    let old = fake.secret_ids(KEY).remove(0);
    cli(&fake, &["secrets", "create"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await
        .assert_code(0);
    fake.clear_requests();

    // VONAGE_API_SECRET_ID names it: refused, nothing sent, the way out said.
    let run = cli(&fake, &["secrets", "revoke", &old, "--yes"])
        .env("VONAGE_API_SECRET_ID", &old)
        .run()
        .await;
    run.assert_code(2).assert_no_secret();
    assert!(run.stderr.contains("refusing to revoke secret"), "{run:?}");
    assert!(run.stderr.contains("VONAGE_API_SECRET_ID"), "{run:?}");
    assert!(run.stderr.contains("secrets rotate --stage"), "{run:?}");
    let run = cli(&fake, &["--json", "secrets", "revoke", &old])
        .env("VONAGE_API_SECRET_ID", &old)
        .run()
        .await;
    run.assert_code(2);
    assert_eq!(run.error_json()["error"], "secret-in-use");

    // Not known which is in use, not at a terminal, no --yes: exit 2, nothing sent.
    let run = cli(&fake, &["secrets", "revoke", &old]).run().await;
    run.assert_code(2);
    assert!(run.stderr.contains("--yes"), "{run:?}");
    assert!(run.stderr.contains("nothing was sent"), "{run:?}");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    assert_eq!(fake.secret_ids(KEY).len(), 2);

    // With --for another key nothing is at risk for the caller: nothing asked.
    let sub_id = fake.secret_ids(SUB).remove(0);
    cli(&fake, &["secrets", "create", "--for", SUB])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await
        .assert_code(0);
    cli(&fake, &["secrets", "revoke", &sub_id, "--for", SUB])
        .run()
        .await
        .assert_code(0);

    // Another secret than the one named in use goes without a question.
    let new = fake.secret_id_of(KEY, NEW_SECRET).unwrap();
    let run = cli(&fake, &["secrets", "revoke", &new])
        .env("VONAGE_API_SECRET_ID", &old)
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(fake.secret_ids(KEY), [old]);
}

#[tokio::test]
async fn the_stage_record_tells_which_secret_is_in_hand() {
    let fake = FakeVonage::start().await;
    let state = temp_dir("state");
    let state = state.to_str().unwrap();
    let old = fake.secret_ids(KEY).remove(0);
    cli(&fake, &["secrets", "rotate", "--stage"])
        .env("XDG_STATE_HOME", state)
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await
        .assert_code(0);
    let new = fake.secret_id_of(KEY, NEW_SECRET).unwrap();

    // The record: owner-only, ids and fingerprints, never a secret.
    let path = Path::new(state).join("vonage-account/rotation-abcd1234.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(SECRET) && !text.contains(NEW_SECRET),
        "{text}"
    );
    let record: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(record["old_secret_id"], old.as_str());
    assert_eq!(record["new_secret_id"], new.as_str());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    // The old secret still in VONAGE_API_SECRET (the roll-out not done): refused, nothing sent.
    fake.clear_requests();
    for args in [
        &["secrets", "rotate", "--retire", &old][..],
        &["secrets", "revoke", &old, "--yes"],
    ] {
        let run = cli(&fake, args).env("XDG_STATE_HOME", state).run().await;
        run.assert_code(2);
        assert!(run.stderr.contains("rotation record"), "{run:?}");
    }
    assert!(fake.requests_to(Operation::RevokeApiSecret).is_empty());

    // The same with the new secret: retired, no question asked.
    let run = cli(&fake, &["secrets", "rotate", "--retire", &old])
        .env("XDG_STATE_HOME", state)
        .env("VONAGE_API_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(fake.secret_ids(KEY), [new]);
}

#[tokio::test]
async fn at_a_terminal_revoke_and_top_up_ask_and_only_yes_goes_on() {
    let fake = FakeVonage::start().await;
    let old = fake.secret_ids(KEY).remove(0);
    cli(&fake, &["secrets", "create"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await
        .assert_code(0);

    let (code, screen) = at_terminal(&fake, &["top-up", "trx-tty"], &[], &[("[y/N]", "no")]).await;
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("charged the same amount again"), "{screen}");
    assert!(
        screen.contains("not confirmed: nothing was sent"),
        "{screen}"
    );
    assert!(fake.top_ups(KEY).is_empty());
    let (code, screen) = at_terminal(&fake, &["top-up", "trx-tty"], &[], &[("[y/N]", "YES")]).await;
    assert_eq!(code, 0, "{screen}");
    assert_eq!(fake.top_ups(KEY), ["trx-tty"]);

    let (code, screen) =
        at_terminal(&fake, &["secrets", "revoke", &old], &[], &[("[y/N]", "")]).await;
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("every process that holds it"), "{screen}");
    assert_eq!(fake.secret_ids(KEY).len(), 2);
    let (code, screen) =
        at_terminal(&fake, &["secrets", "revoke", &old], &[], &[("[y/N]", "y")]).await;
    assert_eq!(code, 0, "{screen}");
    assert_eq!(fake.secret_ids(KEY).len(), 1);
}

// ---- 7. secrets typed at a terminal are not echoed ----

#[tokio::test]
async fn a_secret_typed_at_a_terminal_is_not_echoed_and_asked_twice() {
    let fake = FakeVonage::start().await;
    let typed = "Typed-At-Tty-123";
    let (code, screen) = at_terminal(
        &fake,
        &["secrets", "create"],
        &[],
        &[("New secret", typed), ("again", typed)],
    )
    .await;
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(typed), "echoed: {screen}");
    assert!(fake.secret_id_of(KEY, typed).is_some());

    // Two different entries: refused, nothing sent.
    fake.clear_requests();
    let (code, screen) = at_terminal(
        &fake,
        &["secrets", "rotate", "--stage"],
        &[],
        &[
            ("New secret", "Typed-At-Tty-456"),
            ("again", "Typed-At-Tty-789"),
        ],
    )
    .await;
    assert_eq!(code, 2, "{screen}");
    assert!(screen.contains("differ"), "{screen}");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

// ---- 4. no unasked charge ----

#[tokio::test]
async fn top_up_needs_yes_off_a_terminal_and_dry_run_sends_nothing() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["top-up", "trx1"]).run().await;
    run.assert_code(2);
    assert!(
        run.stderr.contains("charged the same amount again"),
        "{run:?}"
    );
    assert!(run.stderr.contains("--yes"), "{run:?}");
    let run = cli(&fake, &["--json", "top-up", "trx1"]).run().await;
    run.assert_code(2);
    assert_eq!(run.error_json()["error"], "not-confirmed");

    let run = cli(&fake, &["top-up", "trx1", "--dry-run"]).run().await;
    run.assert_code(0).assert_no_secret();
    assert!(
        run.stdout
            .contains(&format!("POST {}/account/top-up", fake.url())),
        "{run:?}"
    );
    assert!(run.stdout.contains("trx=trx1"), "{run:?}");
    let run = cli(&fake, &["--json", "top-up", "trx 2&x", "--dry-run"])
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let json = run.json();
    assert_eq!(json["sent"], false);
    assert_eq!(json["method"], "POST");
    assert_eq!(json["body"], "trx=trx+2%26x");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    assert!(fake.top_ups(KEY).is_empty());
}

// ---- 2. check by the monitoring-plugins guidelines ----

/// The guidelines' range examples (`10`, `10:`, `~:10`, `10:20`, `@10:20`), each at values
/// inside, on and outside its ends: (range, balance, alerts).
const RANGES: [(&str, &str, bool); 20] = [
    ("10", "-1", true),
    ("10", "0", false),
    ("10", "10", false),
    ("10", "10.00000001", true),
    ("10:", "9.99999999", true),
    ("10:", "10", false),
    ("10:", "1000000", false),
    ("~:10", "-1000", false),
    ("~:10", "10", false),
    ("~:10", "10.5", true),
    ("10:20", "9", true),
    ("10:20", "10", false),
    ("10:20", "20", false),
    ("10:20", "20.01", true),
    ("@10:20", "9.99", false),
    ("@10:20", "10", true),
    ("@10:20", "15", true),
    ("@10:20", "20", true),
    ("@10:20", "21", false),
    ("~:", "-5", false),
];

#[tokio::test]
async fn check_ranges_follow_the_guidelines_examples() {
    let fake = FakeVonage::start().await;
    for (range, balance, alerts) in RANGES {
        fake.set_balance(KEY, balance).unwrap();
        // `10` alone is the guidelines' `0:10` as a range; a bare number is the balance's
        // documented "below", so the range is given as `0:10` to mean the guidelines' `10`.
        let given = if range.contains([':', '@']) {
            range.to_owned()
        } else {
            format!("0:{range}")
        };
        let run = cli(&fake, &["check", "balance", "-w", &given, "-c", "~:"])
            .run()
            .await;
        let expected = if alerts { 1 } else { 0 };
        assert_eq!(run.code, expected, "{range} at {balance}: {run:?}");
        // In the perfdata, as the guidelines write it (`0:10` is `10`).
        let perf = if range.contains([':', '@']) {
            &given
        } else {
            range
        };
        assert!(
            run.stdout.ends_with(&format!(";{perf};~:\n")),
            "{range} at {balance}: {run:?}"
        );
    }
    // A bare number keeps the balance's meaning (below it), and is written `N:`.
    fake.set_balance(KEY, "10.28").unwrap();
    let run = cli(&fake, &["check", "balance", "-w", "20", "-c", "5"])
        .run()
        .await;
    run.assert_code(1);
    // The value's digits as the API sent them (the fake sends 8 decimals).
    assert_eq!(
        run.stdout,
        "BALANCE WARNING - 10.28000000 EUR | balance=10.28000000;20:;5:\n"
    );
    // Critical wins over warning.
    let run = cli(
        &fake,
        &[
            "check",
            "balance",
            "--warning",
            "@0:100",
            "--critical",
            "@10:11",
        ],
    )
    .run()
    .await;
    run.assert_code(2);
}

#[tokio::test]
async fn every_check_usage_error_is_unknown_with_a_status_line() {
    let fake = FakeVonage::start().await;
    for args in [
        &["--timeout", "10s", "check", "balance", "--warn", "5"][..],
        &["check", "balance", "-t", "10", "-w", "5"],
        &["check"],
        &["check", "balance"],
        &["check", "balance", "-w", "5", "-c", "2", "--bogus"],
        &["check", "balance", "-w", "20:10", "-c", "5"],
        &["check", "balance", "-w", "@", "-c", "5"],
        &["check", "balance", "-w", "5", "-c", "2", "-t", "soon"],
        &["check", "balance", "-w", "2", "-c", "5"],
        &["check", "secrets", "-w", "90"],
        &["check", "secrets", "-w", "90", "-c", "30"],
        &["check", "secrets", "-w", "many", "-c", "30"],
        &["check", "nothing"],
    ] {
        let run = cli(&fake, args).run().await;
        assert_eq!(run.code, 3, "{args:?}: {run:?}");
        assert_eq!(run.stdout.lines().count(), 1, "{args:?}: {run:?}");
        let (_, reason) = run
            .stdout
            .split_once(" UNKNOWN - ")
            .unwrap_or_else(|| panic!("{args:?}: {run:?}"));
        assert!(reason.trim().len() > 10, "{args:?}: {run:?}");
    }
    // The whole reason, not its first line.
    let run = cli(&fake, &["check", "balance", "-w", "5"]).run().await;
    assert!(run.stdout.contains("--critical <RANGE>"), "{run:?}");
    // With --json, the verdict as JSON.
    let run = cli(&fake, &["--json", "check", "balance", "-w", "5"])
        .run()
        .await;
    run.assert_code(3);
    assert_eq!(run.json()["state"], "UNKNOWN");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn check_has_a_whole_check_timeout_and_a_json_verdict() {
    let fake = FakeVonage::start().await;
    fake.inject(Fault::delay(Duration::from_secs(5)).on(Operation::GetAccountBalance));
    let started = std::time::Instant::now();
    let run = cli(
        &fake,
        &["check", "balance", "-w", "5", "-c", "2", "-t", "1"],
    )
    .run()
    .await;
    run.assert_code(3);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(run.stdout.starts_with("BALANCE UNKNOWN - "), "{run:?}");
    assert!(run.stdout.contains("-t/--timeout"), "{run:?}");

    // VONAGE_TIMEOUT is one attempt's limit, not the check's: the check keeps its 10 s.
    fake.clear_faults();
    fake.inject(Fault::delay(Duration::from_millis(300)).on(Operation::GetAccountBalance));
    let run = cli(&fake, &["check", "balance", "-w", "5", "-c", "2"])
        .env("VONAGE_TIMEOUT", "100ms")
        .run()
        .await;
    run.assert_code(0);
    assert!(run.stdout.starts_with("BALANCE OK - "), "{run:?}");
    // Typed, before the command or after it, it is the check's limit.
    for line in [
        "--timeout 100ms check balance -w 5 -c 2",
        "check balance -w 5 -c 2 --timeout 100ms",
    ] {
        fake.inject(Fault::delay(Duration::from_millis(300)).on(Operation::GetAccountBalance));
        let args: Vec<&str> = line.split(' ').collect();
        let run = cli(&fake, &args).run().await;
        run.assert_code(3);
        assert!(run.stdout.contains("time limit of 100ms"), "{run:?}");
    }

    let run = cli(
        &fake,
        &["--json", "check", "balance", "-w", "20", "-c", "5"],
    )
    .run()
    .await;
    run.assert_code(1);
    let verdict = run.json();
    assert_eq!(verdict["state"], "WARNING");
    assert_eq!(verdict["exit_code"], 1);
    assert!(run.stdout.contains("\"balance\": 10.28000000"), "{run:?}");
    assert_eq!(verdict["thresholds"]["warning"], "20:");
    assert_eq!(verdict["thresholds"]["critical"], "5:");
    assert!(
        verdict["message"]
            .as_str()
            .unwrap()
            .starts_with("BALANCE WARNING - 10.28000000 EUR |")
    );
}

#[tokio::test]
async fn check_secrets_warns_on_age_and_on_a_rotation_left_half_way() {
    let fake = FakeVonage::start().await;
    let old = fake.secret_ids(KEY).remove(0);
    let days_ago = |days: i64| {
        (chrono::Utc::now() - chrono::Duration::days(days))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let check = |args: &'static [&'static str]| cli(&fake, args).run();

    let run = check(&["check", "secrets", "-w", "90", "-c", "180"]).await;
    run.assert_code(0);
    assert!(run.stdout.starts_with("SECRETS OK - 1 secret"), "{run:?}");

    fake.set_secret_created_at(KEY, &old, &days_ago(100))
        .unwrap();
    let run = check(&["check", "secrets", "-w", "90", "-c", "180"]).await;
    run.assert_code(1);
    assert!(run.stdout.starts_with("SECRETS WARNING - "), "{run:?}");
    let perf = run.stdout.split(" | ").nth(1).unwrap().trim();
    let (age, thresholds) = perf
        .strip_prefix("oldest_age=")
        .unwrap()
        .split_once("s;")
        .unwrap();
    let age: i64 = age.parse().unwrap();
    assert!((100 * 86_400..100 * 86_400 + 60).contains(&age), "{perf}");
    assert_eq!(thresholds, "7776000;15552000");

    fake.set_secret_created_at(KEY, &old, &days_ago(200))
        .unwrap();
    check(&["check", "secrets", "-w", "90", "-c", "180"])
        .await
        .assert_code(2);

    // Two secrets for ten days: a rotation left half-way, past the default 7-day grace.
    fake.set_secret_created_at(KEY, &old, &days_ago(20))
        .unwrap();
    cli(&fake, &["secrets", "create"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await
        .assert_code(0);
    let new = fake.secret_id_of(KEY, NEW_SECRET).unwrap();
    fake.set_secret_created_at(KEY, &new, &days_ago(10))
        .unwrap();
    let run = check(&["check", "secrets", "-w", "90", "-c", "180"]).await;
    run.assert_code(1);
    assert!(run.stdout.contains("half-way"), "{run:?}");
    check(&["check", "secrets", "-w", "90", "-c", "180", "--grace", "14"])
        .await
        .assert_code(0);
}

// ---- 3. credentials from files and profiles ----

#[tokio::test]
async fn the_secret_comes_from_a_file() {
    let fake = FakeVonage::start().await;
    let dir = temp_dir("secret-file");
    let file = dir.join("secret");
    std::fs::write(&file, format!("{SECRET}\nsecond line ignored\n")).unwrap();
    let file = file.to_str().unwrap();
    for run in [
        cli(&fake, &["balance", "--api-secret-file", file])
            .env("VONAGE_API_SECRET", "")
            .run()
            .await,
        bare(&["balance"])
            .env("VONAGE_API_KEY", KEY)
            .env("VONAGE_API_SECRET_FILE", file)
            .env("VONAGE_REST_URL", &fake.url())
            .run()
            .await,
        // The flag wins over the environment's secret.
        cli(&fake, &["balance", "--api-secret-file", file])
            .env("VONAGE_API_SECRET", "Wrong-Secret-1")
            .run()
            .await,
    ] {
        run.assert_code(0).assert_no_secret();
        assert!(run.stdout.starts_with("Balance: "), "{run:?}");
    }
    let run = cli(&fake, &["balance", "--api-secret-file", "/no/such/file"])
        .run()
        .await;
    run.assert_code(2);
    assert!(run.stderr.contains("--api-secret-file"), "{run:?}");
}

/// Writes `text` as the config file of a new config directory, with `mode`.
fn config(text: &str, mode: u32) -> std::path::PathBuf {
    let dir = temp_dir("config");
    let file = dir.join("vonage-account/config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
    dir
}

#[tokio::test]
async fn profiles_give_what_flags_and_environment_do_not() {
    let fake = FakeVonage::start().await;
    let url = fake.url();
    let dir = config(
        &format!(
            "[profiles.default]\napi_key = \"{KEY}\"\napi_secret = \"{SECRET}\"\nrest_url = \"{url}\"\napi_url = \"{url}\"\n\n\
             [profiles.sub]\napi_key = \"{SUB}\"\napi_secret = \"Subsecret123\"\nrest_url = \"{url}\"\ntimeout = \"5s\"\n"
        ),
        0o600,
    );
    let dir = dir.to_str().unwrap();
    let run = bare(&["balance"]).env("XDG_CONFIG_HOME", dir).run().await;
    run.assert_code(0);
    assert_eq!(run.stdout, "Balance: 10.28000000 EUR (auto-reload on)\n");
    let run = bare(&["balance", "--profile", "sub"])
        .env("XDG_CONFIG_HOME", dir)
        .run()
        .await;
    assert_eq!(run.stdout, "Balance: 0.00000000 EUR (auto-reload off)\n");
    let run = bare(&["balance"])
        .env("XDG_CONFIG_HOME", dir)
        .env("VONAGE_PROFILE", "sub")
        .run()
        .await;
    assert_eq!(run.stdout, "Balance: 0.00000000 EUR (auto-reload off)\n");

    // The environment wins over the profile, a flag over the environment.
    let run = bare(&["balance", "--profile", "sub"])
        .env("XDG_CONFIG_HOME", dir)
        .env("VONAGE_API_KEY", KEY)
        .env("VONAGE_API_SECRET", SECRET)
        .run()
        .await;
    assert_eq!(run.stdout, "Balance: 10.28000000 EUR (auto-reload on)\n");
    let run = bare(&["balance", "--api-secret", "Wrong-Secret-1"])
        .env("XDG_CONFIG_HOME", dir)
        .env("VONAGE_API_SECRET", SECRET)
        .run()
        .await;
    run.assert_code(3);

    // config show: each setting and where it came from, the secret redacted.
    let run = bare(&["config", "show", "--profile", "sub"])
        .env("XDG_CONFIG_HOME", dir)
        .env("VONAGE_API_URL", &url)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    assert!(!run.stdout.contains("Subsecret123"), "{run:?}");
    assert!(run.stdout.contains("api_key of profile sub"), "{run:?}");
    assert!(run.stdout.contains("(set, not shown)"), "{run:?}");
    assert!(run.stdout.contains("from VONAGE_API_URL"), "{run:?}");
    assert!(run.stdout.contains("timeout of profile sub"), "{run:?}");
    let json = bare(&["--json", "config", "show"])
        .env("XDG_CONFIG_HOME", dir)
        .run()
        .await
        .json();
    assert_eq!(json["profile"], "default");
    assert_eq!(json["settings"]["api_secret"]["value"], "(set, not shown)");
    assert_eq!(
        json["settings"]["api_key"]["from"],
        "api_key of profile default"
    );

    // A profile that is not there is an error naming the ones that are.
    let run = bare(&["balance", "--profile", "prod"])
        .env("XDG_CONFIG_HOME", dir)
        .run()
        .await;
    run.assert_code(2);
    assert!(run.stderr.contains("default, sub"), "{run:?}");
}

#[tokio::test]
async fn a_config_file_with_a_secret_readable_by_others_is_refused() {
    let fake = FakeVonage::start().await;
    let text = format!(
        "[profiles.default]\napi_key = \"{KEY}\"\napi_secret = \"{SECRET}\"\nrest_url = \"{}\"\n",
        fake.url()
    );
    let dir = config(&text, 0o644);
    let run = bare(&["balance"])
        .env("XDG_CONFIG_HOME", dir.to_str().unwrap())
        .run()
        .await;
    run.assert_code(2).assert_no_secret();
    assert!(run.stderr.contains("can be read by others"), "{run:?}");
    assert!(run.stderr.contains("chmod 600"), "{run:?}");
    assert!(fake.requests().is_empty());

    // The same with the secret in a file of its own: fine at 0644.
    let secret = temp_dir("secret").join("secret");
    std::fs::write(&secret, SECRET).unwrap();
    let text = format!(
        "[profiles.default]\napi_key = \"{KEY}\"\napi_secret_file = \"{}\"\nrest_url = \"{}\"\n",
        secret.display(),
        fake.url()
    );
    let dir = config(&text, 0o644);
    bare(&["balance"])
        .env("XDG_CONFIG_HOME", dir.to_str().unwrap())
        .run()
        .await
        .assert_code(0);
}

// ---- 8. help and errors ----

#[tokio::test]
async fn help_lists_global_options_once_and_errors_name_flags() {
    let help = bare(&["--help"]).run().await;
    assert!(help.stdout.contains("Global options:"), "{help:?}");
    for command in [&["balance", "--help"][..], &["secrets", "list", "--help"]] {
        let help = bare(command).run().await;
        help.assert_code(0);
        assert!(!help.stdout.contains("--rest-url"), "{help:?}");
        assert!(
            help.stdout.contains("see vonage-account --help"),
            "{help:?}"
        );
    }
    let help = bare(&["fake-server", "--help"]).run().await;
    for used in ["--api-key", "--api-secret", "--json", "--listen", "--tls"] {
        assert!(help.stdout.contains(used), "{used}: {help:?}");
    }
    for unused in [
        "--rest-url",
        "--api-url",
        "--timeout",
        "--verbose",
        "--profile",
        "--ca-file",
    ] {
        assert!(!help.stdout.contains(unused), "{unused}: {help:?}");
    }

    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["--rest-url", "http://example.com", "balance"])
        .run()
        .await;
    run.assert_code(2);
    assert!(run.stderr.contains("--rest-url"), "{run:?}");
    let run = cli(&fake, &["balance"])
        .env("VONAGE_API_URL", "http://example.com")
        .env("VONAGE_CA_FILE", "/dev/null")
        .run()
        .await;
    run.assert_code(2);
    for run in [&run] {
        for library_word in [
            "allow_insecure_http",
            "add_root_certificate",
            "api_base_url",
            "rest_base_url",
        ] {
            assert!(
                !run.stderr.contains(library_word),
                "{library_word}: {run:?}"
            );
        }
    }
}

// ---- 6. completions and man pages ----

#[tokio::test]
async fn completions_and_man_pages_come_from_the_command_line() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = bare(&["completions", shell]).run().await;
        run.assert_code(0);
        assert!(run.stdout.contains("vonage-account"), "{shell}: {run:?}");
        assert!(run.stdout.contains("top-up"), "{shell}: {run:?}");
    }
    let run = bare(&["man"]).run().await;
    run.assert_code(0);
    assert!(run.stdout.contains(".TH vonage-account 1"), "{run:?}");
    let dir = temp_path("man");
    bare(&["man", "--dir", dir.to_str().unwrap()])
        .run()
        .await
        .assert_code(0);
    for page in [
        "vonage-account.1",
        "vonage-account-top-up.1",
        "vonage-account-secrets-rotate.1",
        "vonage-account-check-balance.1",
    ] {
        assert!(dir.join(page).exists(), "{page}");
    }
}

// ---- 9. Prometheus ----

#[tokio::test]
async fn metrics_are_written_in_the_prometheus_text_format_atomically() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["metrics"]).run().await;
    run.assert_code(0).assert_no_secret();
    for line in [
        "# TYPE vonage_account_balance_eur gauge",
        "vonage_account_balance_eur{api_key=\"abcd1234\"} 10.28",
        "vonage_account_auto_reload{api_key=\"abcd1234\"} 1",
        "vonage_account_secrets{api_key=\"abcd1234\"} 1",
        "vonage_account_scrape_success{api_key=\"abcd1234\"} 1",
        "vonage_account_oldest_secret_age_seconds{api_key=\"abcd1234\"} ",
    ] {
        assert!(run.stdout.contains(line), "{line}: {run:?}");
    }
    let dir = temp_dir("textfile");
    let file = dir.join("vonage.prom");
    cli(&fake, &["metrics", "--output", file.to_str().unwrap()])
        .run()
        .await
        .assert_code(0);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("vonage_account_balance_eur")
    );
    // A failed read still replaces the file, saying so; nothing else is left in the directory.
    let run = cli(&fake, &["metrics", "-o", file.to_str().unwrap()])
        .env("VONAGE_API_SECRET", "Wrong-Secret-1")
        .run()
        .await;
    run.assert_code(3);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("vonage_account_scrape_success{api_key=\"abcd1234\"} 0"),
        "{text}"
    );
    assert!(!text.contains("vonage_account_balance_eur"), "{text}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

// ---- 5. a private CA, and the HTTPS fake's "Try:" line ----

#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
#[tokio::test]
async fn the_https_fake_servers_try_line_works_as_printed() {
    let server = crate::cli::fake_server(&["--tls"], &[]).await;
    let line = server
        .banner
        .lines()
        .skip_while(|l| *l != "Try:")
        .nth(1)
        .unwrap_or_else(|| panic!("a Try: line in {}", server.banner))
        .trim()
        .to_owned();
    let ca = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("VONAGE_CA_FILE="))
        .unwrap_or_else(|| panic!("VONAGE_CA_FILE in {line}"))
        .to_owned();
    assert!(Path::new(&ca).exists(), "{ca}");

    // Run by a shell as printed, with the binary on the PATH and nothing else set.
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = temp_dir("try-home");
    let mut command = tokio::process::Command::new("sh");
    command
        .args(["-c", &line])
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"));
    for var in VARS {
        command.env_remove(var);
    }
    let output = command.output().await.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{line}: {stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout, "Balance: 10.28000000 EUR (auto-reload on)\n");

    // The CA is added to the system's roots, not in their place; without it, refused.
    let run = bare(&["balance"])
        .env("VONAGE_API_KEY", KEY)
        .env("VONAGE_API_SECRET", SECRET)
        .env("VONAGE_REST_URL", &server.url)
        .run()
        .await;
    run.assert_code(4);

    let (code, stderr) = server.stop("TERM").await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !Path::new(&ca).exists(),
        "the CA file of the Try: line is removed on stop"
    );
}

/// `completions` and `man` into a reader that has gone (`| head -1` closing early): no panic, and
/// the exit code is the command's, not 101.
#[test]
fn completions_and_man_into_a_closed_pipe_do_not_panic() {
    for args in [&["completions", "bash"][..], &["man"]] {
        let mut child = std::process::Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {out:?}");
    }
}
