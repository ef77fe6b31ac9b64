//! `vonage-account secrets create --generate [--output-file PATH]`, run as a process against the
//! fake server: the secret shown (or written) is the one the fake now accepts, the file is
//! owner-only and never written over, and without `--generate` nothing changes.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use serde_json::Value;
use tokio::io::AsyncWriteExt as _;
use vonage_account::{SECRET_MAX_LEN, validate_secret};
use vonage_account_fake::FakeVonage;

const BIN: &str = env!("CARGO_BIN_EXE_vonage-account");
const KEY: &str = "abcd1234";
const SUB: &str = "sub12345";
const NEW_SECRET: &str = "Fresh-N3w-Secret";

/// One run of the binary.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {self:?}"))
    }

    fn error_json(&self) -> Value {
        let line = self.stderr.trim();
        assert_eq!(line.lines().count(), 1, "one line on stderr: {self:?}");
        serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("stderr is not a JSON object ({e}): {self:?}"))
    }

    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code: {self:?}");
        self
    }

    /// The secret printed after "New secret (shown only this once): ".
    fn shown_secret(&self) -> String {
        let prefix = "New secret (shown only this once): ";
        let lines: Vec<_> = self
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix(prefix))
            .collect();
        assert_eq!(lines.len(), 1, "the secret is shown once: {self:?}");
        lines[0].to_owned()
    }
}

/// The binary with the fake's URL and credentials in the environment, and no other VONAGE_*.
fn cli(fake: &FakeVonage, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(BIN);
    command.args(args);
    for var in ["VONAGE_TIMEOUT", "VONAGE_NEW_SECRET"] {
        command.env_remove(var);
    }
    command
        .env("VONAGE_API_KEY", fake.api_key())
        .env("VONAGE_API_SECRET", fake.api_secret())
        .env("VONAGE_REST_URL", fake.url())
        .env("VONAGE_API_URL", fake.url());
    command
}

async fn run_cli(mut command: tokio::process::Command, stdin: Option<&str>) -> Run {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("run vonage-account");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        // A command that does not read stdin may have exited already: a broken pipe is fine.
        let _ = pipe.write_all(text.as_bytes()).await;
    }
    drop(pipe);
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

/// A path in a new directory of its own, removed on drop.
struct TempPath {
    dir: PathBuf,
    path: PathBuf,
}

impl TempPath {
    fn new(name: &str) -> TempPath {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vonage-cli-generate-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempPath {
            path: dir.join(name),
            dir,
        }
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn arg(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn assert_generated(secret: &str) {
    assert_eq!(secret.len(), SECRET_MAX_LEN, "{secret}");
    assert!(validate_secret(secret).is_ok(), "{secret}");
}

#[tokio::test]
async fn the_generated_secret_is_shown_once_and_is_the_one_created() {
    let fake = FakeVonage::start().await;
    let run = run_cli(cli(&fake, &["secrets", "create", "--generate"]), None).await;
    run.assert_code(0);
    let secret = run.shown_secret();
    assert_generated(&secret);
    let id = fake.secret_id_of(KEY, &secret).expect("the fake has it");
    assert!(
        run.stdout
            .starts_with(&format!("Created secret {id} for {KEY} at ")),
        "{run:?}"
    );
    assert!(!run.stderr.contains(&secret), "{run:?}");

    // The new secret works as the key's secret.
    let client = fake
        .client_builder()
        .api_secret(secret.as_str())
        .build()
        .unwrap();
    client.verify_credentials().await.unwrap();
}

#[tokio::test]
async fn json_has_the_value_only_when_generated() {
    let fake = FakeVonage::start().await;
    let run = run_cli(
        cli(
            &fake,
            &["--json", "secrets", "create", "--generate", "--for", SUB],
        ),
        None,
    )
    .await;
    run.assert_code(0);
    let json = run.json();
    let secret = json["secret"].as_str().expect("the value").to_owned();
    assert_generated(&secret);
    assert_eq!(
        fake.secret_id_of(SUB, &secret).as_deref(),
        json["id"].as_str()
    );
    assert!(json["created_at"].as_str().unwrap().ends_with('Z'));
    let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["created_at", "id", "secret"]);
    assert!(!run.stderr.contains(&secret));

    // Without --generate: the same shape as before, no value.
    let mut command = cli(&fake, &["--json", "secrets", "create"]);
    command.env("VONAGE_NEW_SECRET", NEW_SECRET);
    let run = run_cli(command, None).await;
    run.assert_code(0);
    let json = run.json();
    let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["created_at", "id"]);
    assert!(!run.stdout.contains(NEW_SECRET) && !run.stderr.contains(NEW_SECRET));
    assert_eq!(
        fake.secret_id_of(KEY, NEW_SECRET).as_deref(),
        json["id"].as_str()
    );
}

#[tokio::test]
async fn output_file_is_new_owner_only_and_holds_the_created_secret() {
    let fake = FakeVonage::start().await;
    let file = TempPath::new("new.secret");
    let run = run_cli(
        cli(
            &fake,
            &[
                "secrets",
                "create",
                "--generate",
                "--output-file",
                file.arg(),
            ],
        ),
        None,
    )
    .await;
    run.assert_code(0);
    let text = std::fs::read_to_string(file.path()).unwrap();
    let secret = text.strip_suffix('\n').expect("one line");
    assert_generated(secret);
    assert!(fake.secret_id_of(KEY, secret).is_some());
    // Not on stdout or stderr: only where it went.
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    assert!(
        run.stdout
            .contains(&format!("New secret written to {}", file.arg())),
        "{run:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    // An existing file is never written over, and nothing is sent.
    fake.clear_requests();
    for json in [false, true] {
        let mut args = vec![
            "secrets",
            "create",
            "--generate",
            "--output-file",
            file.arg(),
        ];
        if json {
            args.insert(0, "--json");
        }
        let run = run_cli(cli(&fake, &args), None).await;
        run.assert_code(2);
        assert!(run.stderr.contains("already exists"), "{run:?}");
        if json {
            assert_eq!(run.error_json()["error"], "usage");
        }
    }
    assert_eq!(std::fs::read_to_string(file.path()).unwrap(), text);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn json_with_an_output_file_names_the_file_not_the_value() {
    let fake = FakeVonage::start().await;
    let file = TempPath::new("new.secret");
    let run = run_cli(
        cli(
            &fake,
            &[
                "--json",
                "secrets",
                "create",
                "--generate",
                "--output-file",
                file.arg(),
            ],
        ),
        None,
    )
    .await;
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["secret_file"], file.arg());
    assert!(json.get("secret").is_none(), "{json}");
    let secret = std::fs::read_to_string(file.path()).unwrap();
    let secret = secret.trim_end();
    assert_eq!(
        fake.secret_id_of(KEY, secret).as_deref(),
        json["id"].as_str()
    );
    assert!(!run.stdout.contains(secret));
}

#[tokio::test]
async fn a_refused_secret_leaves_no_file_and_a_maybe_created_one_keeps_it() {
    let fake = FakeVonage::start().await;
    // The key has one secret; a second is allowed, a third is refused with 403.
    let mut command = cli(&fake, &["secrets", "create"]);
    command.env("VONAGE_NEW_SECRET", NEW_SECRET);
    run_cli(command, None).await.assert_code(0);
    let refused = TempPath::new("refused.secret");
    let run_refused = run_cli(
        cli(
            &fake,
            &[
                "secrets",
                "create",
                "--generate",
                "--output-file",
                refused.arg(),
            ],
        ),
        None,
    )
    .await;
    run_refused.assert_code(3);
    assert!(!refused.path().exists(), "the file was removed");
    assert_eq!(fake.secret_ids(KEY).len(), 2);

    // A timeout: the secret may have been created, so the file (the only copy) stays. The
    // Secret Management API here accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let kept = TempPath::new("kept.secret");
    let mut command = cli(
        &fake,
        &[
            "--timeout",
            "300ms",
            "secrets",
            "create",
            "--generate",
            "--output-file",
            kept.arg(),
        ],
    );
    command.env("VONAGE_API_URL", &silent_url);
    let run_kept = run_cli(command, None).await;
    holder.abort();
    run_kept.assert_code(4);
    assert!(
        run_kept.stderr.contains("may have been created"),
        "{run_kept:?}"
    );
    let secret = std::fs::read_to_string(kept.path()).unwrap();
    assert_generated(secret.trim_end());
    assert!(!run_kept.stdout.contains(secret.trim_end()));
    assert!(!run_kept.stderr.contains(secret.trim_end()));
}

#[tokio::test]
async fn generate_conflicts_with_the_other_sources() {
    let fake = FakeVonage::start().await;
    // VONAGE_NEW_SECRET and --generate: refused, nothing sent.
    let mut command = cli(&fake, &["secrets", "create", "--generate"]);
    command.env("VONAGE_NEW_SECRET", NEW_SECRET);
    let run_env = run_cli(command, None).await;
    run_env.assert_code(2);
    assert!(run_env.stderr.contains("VONAGE_NEW_SECRET"), "{run_env:?}");
    assert!(!run_env.stderr.contains(NEW_SECRET));
    assert!(fake.requests().is_empty());

    // Standard input is not read with --generate.
    let run_stdin = run_cli(
        cli(&fake, &["secrets", "create", "--generate"]),
        Some(&format!("{NEW_SECRET}\n")),
    )
    .await;
    run_stdin.assert_code(0);
    assert_eq!(fake.secret_id_of(KEY, NEW_SECRET), None);
    assert!(fake.secret_id_of(KEY, &run_stdin.shown_secret()).is_some());

    // --output-file needs --generate.
    let file = TempPath::new("x.secret");
    let run_file = run_cli(
        cli(&fake, &["secrets", "create", "--output-file", file.arg()]),
        Some(&format!("{NEW_SECRET}\n")),
    )
    .await;
    run_file.assert_code(2);
    assert!(run_file.stderr.contains("--generate"), "{run_file:?}");
    assert!(!file.path().exists());
    assert_eq!(fake.secret_id_of(KEY, NEW_SECRET), None);
}

#[tokio::test]
async fn without_generate_stdin_still_works_and_nothing_is_printed() {
    let fake = FakeVonage::start().await;
    let run = run_cli(
        cli(&fake, &["secrets", "create"]),
        Some(&format!("{NEW_SECRET}\n")),
    )
    .await;
    run.assert_code(0);
    let id = fake
        .secret_id_of(KEY, NEW_SECRET)
        .expect("created from stdin");
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "one line, as before: {run:?}"
    );
    assert!(
        run.stdout
            .starts_with(&format!("Created secret {id} for {KEY} at "))
    );
    assert!(!run.stdout.contains(NEW_SECRET) && !run.stderr.contains(NEW_SECRET));
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_is_not_followed() {
    let fake = FakeVonage::start().await;
    let link = TempPath::new("link.secret");
    let target = link.path().with_file_name("target.secret");
    std::os::unix::fs::symlink(&target, link.path()).unwrap();
    let run = run_cli(
        cli(
            &fake,
            &[
                "secrets",
                "create",
                "--generate",
                "--output-file",
                link.arg(),
            ],
        ),
        None,
    )
    .await;
    run.assert_code(2);
    assert!(!target.exists(), "written through the link");
    assert!(fake.requests().is_empty());
}
