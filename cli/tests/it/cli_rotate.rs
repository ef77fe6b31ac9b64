//! `vonage-account secrets rotate --stage | --retire OLD_ID | --status`, run as a process
//! against the fake server: the two phases for the own key and a sub-account, the JSON shapes,
//! the generated value shown once, repeated retire, the refusals, and a stage that stopped
//! half-way finished from the command line.

use vonage_account::Operation;
use vonage_account_fake::{FakeVonage, Fault, Seed};

use crate::cli::{KEY, NEW_SECRET, SECRET, SUB, cli};

async fn works(fake: &FakeVonage, key: &str, secret: &str) -> bool {
    fake.client_builder()
        .api_key(key)
        .api_secret(secret.to_owned())
        .build()
        .unwrap()
        .verify_credentials()
        .await
        .is_ok()
}

#[tokio::test]
async fn stage_then_retire_the_own_key_in_text() {
    let fake = FakeVonage::start().await;
    let old = fake.secret_ids(KEY).remove(0);

    let run = cli(&fake, &["secrets", "rotate", "--stage"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let new = fake.secret_id_of(KEY, NEW_SECRET).expect("created");
    assert!(
        run.stdout
            .contains(&format!("Staged secret {new} for {KEY} (created ")),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("the old secret {old} keeps working")),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("vonage-account secrets rotate --retire {old}\n")),
        "{run:?}"
    );
    assert!(works(&fake, KEY, SECRET).await && works(&fake, KEY, NEW_SECRET).await);

    let run = cli(&fake, &["secrets", "rotate", "--status"]).run().await;
    run.assert_code(0);
    assert!(run.stdout.contains(&format!("  old     {old}")), "{run:?}");
    assert!(run.stdout.contains(&format!("  staged  {new}")), "{run:?}");

    // Retire as the fleet does once it has reloaded: with the new secret.
    let run = cli(&fake, &["secrets", "rotate", "--retire", &old])
        .env("VONAGE_API_SECRET", NEW_SECRET)
        .env("VONAGE_API_SECRET_ID", &new)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    assert_eq!(
        run.stdout,
        format!("Retired secret {old} of {KEY}: it no longer works.\n")
    );
    assert!(!works(&fake, KEY, SECRET).await);
    assert_eq!(fake.secret_ids(KEY), vec![new.clone()]);

    // Again: done, exit 0.
    let run = cli(&fake, &["secrets", "rotate", "--retire", &old])
        .env("VONAGE_API_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0);
    assert_eq!(
        run.stdout,
        format!("Secret {old} of {KEY} is already gone: nothing to retire.\n")
    );
    let run = cli(&fake, &["secrets", "rotate", "--status"])
        .env("VONAGE_API_SECRET", NEW_SECRET)
        .run()
        .await;
    assert!(
        run.stdout.contains(&format!("has one secret, {new}")),
        "{run:?}"
    );
}

#[tokio::test]
async fn the_json_shapes() {
    let fake = FakeVonage::start().await;
    let old = fake.secret_ids(KEY).remove(0);
    let run = cli(&fake, &["--json", "secrets", "rotate", "--stage"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let staged = run.json();
    let new = fake.secret_id_of(KEY, NEW_SECRET).unwrap();
    assert_eq!(staged["api_key"], KEY);
    assert_eq!(staged["staged"]["id"], new.as_str());
    assert!(staged["staged"]["created_at"].is_string());
    assert_eq!(staged["old_secret_id"], old.as_str());
    assert_eq!(staged["revoked"], serde_json::json!([]));
    assert!(staged.get("secret").is_none(), "not generated, not shown");

    let status = cli(&fake, &["--json", "secrets", "rotate", "--status"])
        .run()
        .await
        .json();
    assert_eq!(status["state"], "staged");
    assert_eq!(status["old"]["id"], old.as_str());
    assert_eq!(status["staged"], staged["staged"]);
    assert_eq!(status["secrets"].as_array().unwrap().len(), 2);

    for already_gone in [false, true] {
        let run = cli(&fake, &["--json", "secrets", "rotate", "--retire", &old])
            .env("VONAGE_API_SECRET", NEW_SECRET)
            .run()
            .await;
        run.assert_code(0);
        assert_eq!(
            run.json(),
            serde_json::json!({"api_key": KEY, "retired": old, "already_gone": already_gone})
        );
    }
    let status = cli(&fake, &["--json", "secrets", "rotate", "--status"])
        .env("VONAGE_API_SECRET", NEW_SECRET)
        .run()
        .await
        .json();
    assert_eq!(status["state"], "settled");
    assert!(status["staged"].is_null() && status["old"].is_null());
}

#[tokio::test]
async fn a_generated_secret_is_shown_once_or_written_to_an_owner_only_file() {
    let fake = FakeVonage::start().await;
    let run = cli(&fake, &["secrets", "rotate", "--stage", "--generate"])
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    let line = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("New secret (shown only this once): "))
        .expect("the value is printed");
    assert_eq!(run.stdout.matches(line).count(), 1, "shown once: {run:?}");
    assert!(vonage_account::validate_secret(line).is_ok());
    assert!(
        works(&fake, KEY, line).await,
        "the shown value is the staged secret"
    );
    let new = fake.secret_id_of(KEY, line).unwrap();
    assert!(run.stdout.contains(&new));

    // The key is now full. Which of its two secrets is in use is not known: refused.
    let run = cli(&fake, &["secrets", "rotate", "--stage", "--generate"])
        .run()
        .await;
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("--replacing ID, or set VONAGE_API_SECRET_ID"),
        "{run:?}"
    );
    // Known, but no room without --make-room.
    let own = fake.secret_ids(KEY)[0].clone();
    let run = cli(
        &fake,
        &["--json", "secrets", "rotate", "--stage", "--generate"],
    )
    .env("VONAGE_API_SECRET_ID", &own)
    .run()
    .await;
    run.assert_code(2);
    assert_eq!(run.error_json()["error"], "secret-limit-reached");
    assert_eq!(fake.secret_ids(KEY).len(), 2, "nothing changed");

    let dir = std::env::temp_dir().join(format!("vonage-rotate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("new-secret");
    let _ = std::fs::remove_file(&file);
    let run = cli(
        &fake,
        &[
            "--json",
            "secrets",
            "rotate",
            "--stage",
            "--make-room",
            "--generate",
            "--output-file",
            file.to_str().unwrap(),
        ],
    )
    .env("VONAGE_API_SECRET_ID", &own)
    .run()
    .await;
    run.assert_code(0);
    let staged = run.json();
    assert!(staged.get("secret").is_none(), "{staged}");
    assert_eq!(staged["secret_file"], file.to_str().unwrap());
    assert_eq!(
        staged["revoked"],
        serde_json::json!([new]),
        "the stale one made room"
    );
    let value = std::fs::read_to_string(&file).unwrap();
    assert!(!run.stdout.contains(value.trim()));
    assert!(works(&fake, KEY, value.trim()).await);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_dir_all(&dir).unwrap();

    // --generate with VONAGE_NEW_SECRET set is ambiguous: refused, nothing sent.
    fake.clear_requests();
    let run = cli(&fake, &["secrets", "rotate", "--stage", "--generate"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(2);
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_sub_account_with_the_primary_credentials() {
    let fake = FakeVonage::start().await;
    let old = fake.secret_ids(SUB).remove(0);
    let run = cli(&fake, &["secrets", "rotate", "--stage", "--for", SUB])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(0).assert_no_secret();
    assert!(
        run.stdout
            .contains(&format!("secrets rotate --retire {old} --for {SUB}")),
        "{run:?}"
    );
    assert!(works(&fake, SUB, NEW_SECRET).await && works(&fake, SUB, "Subsecret123").await);
    let run = cli(
        &fake,
        &["secrets", "rotate", "--retire", &old, "--for", SUB],
    )
    .run()
    .await;
    run.assert_code(0);
    assert!(!works(&fake, SUB, "Subsecret123").await);
    assert!(works(&fake, KEY, SECRET).await, "the primary is untouched");
    assert_eq!(fake.secret_ids(KEY).len(), 1);
}

#[tokio::test]
async fn retire_refuses_the_staged_secret_its_own_and_the_last_one() {
    let fake = FakeVonage::start().await;
    let old = fake.secret_ids(KEY).remove(0);

    // The only secret (which secret is in use cannot be told here, hence --yes).
    let run = cli(
        &fake,
        &["--json", "secrets", "rotate", "--retire", &old, "--yes"],
    )
    .run()
    .await;
    run.assert_code(2);
    let error = run.error_json();
    assert_eq!(error["error"], "last-secret");
    assert_eq!(error["step"], "find the secret being replaced");

    cli(&fake, &["secrets", "rotate", "--stage"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await
        .assert_code(0);
    let new = fake.secret_id_of(KEY, NEW_SECRET).unwrap();

    // The staged (newer) one.
    let run = cli(&fake, &["--json", "secrets", "rotate", "--retire", &new])
        .run()
        .await;
    run.assert_code(2);
    assert_eq!(run.error_json()["error"], "rotation-refused");
    assert!(
        run.error_json()["message"]
            .as_str()
            .unwrap()
            .contains("the staged one"),
        "{run:?}"
    );

    // The one this very run authenticates with, when VONAGE_API_SECRET_ID says so.
    let run = cli(&fake, &["secrets", "rotate", "--retire", &old])
        .env("VONAGE_API_SECRET_ID", &old)
        .run()
        .await;
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("retire it with a client that uses the new secret"),
        "{run:?}"
    );
    assert!(fake.requests_to(Operation::RevokeApiSecret).is_empty());
    assert_eq!(fake.secret_ids(KEY).len(), 2);
}

#[tokio::test]
async fn a_stage_that_stopped_half_way_is_finished_from_the_command_line() {
    let fake = FakeVonage::start_with(Seed::default()).await.unwrap();
    let old = fake.secret_ids(KEY).remove(0);
    // The proof read fails: the new secret exists, unproven.
    fake.inject(Fault::html_500().on(Operation::RetrieveApiSecrets).after(1));
    let run = cli(&fake, &["--json", "secrets", "rotate", "--stage"])
        .env("VONAGE_NEW_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(3).assert_no_secret();
    let error = run.error_json();
    assert_eq!(error["step"], "prove the new secret works");
    let new = fake.secret_id_of(KEY, NEW_SECRET).unwrap();
    assert_eq!(error["created"]["id"], new.as_str());

    // A second run reads the state and finishes.
    let status = cli(&fake, &["--json", "secrets", "rotate", "--status"])
        .run()
        .await
        .json();
    assert_eq!(status["staged"]["id"], new.as_str());
    assert_eq!(status["old"]["id"], old.as_str());
    // (The failed stage left no record, so the secret in use is named.)
    cli(&fake, &["secrets", "rotate", "--retire", &old])
        .env("VONAGE_API_SECRET", NEW_SECRET)
        .env("VONAGE_API_SECRET_ID", &new)
        .run()
        .await
        .assert_code(0);
    assert_eq!(fake.secret_ids(KEY), [new]);

    // A generated value that was created but not proven is shown rather than lost.
    fake.inject(Fault::html_500().on(Operation::RetrieveApiSecrets).after(1));
    let run = cli(&fake, &["secrets", "rotate", "--stage", "--generate"])
        .env("VONAGE_API_SECRET", NEW_SECRET)
        .run()
        .await;
    run.assert_code(3);
    let value = run
        .stdout
        .split("shown only this once: ")
        .nth(1)
        .expect("the value is shown")
        .trim();
    assert!(works(&fake, KEY, value).await);
}

#[tokio::test]
async fn exactly_one_phase_is_asked_for() {
    let fake = FakeVonage::start().await;
    for args in [
        &["secrets", "rotate"][..],
        &["secrets", "rotate", "--stage", "--status"],
        &["secrets", "rotate", "--stage", "--retire", "abc"],
        &["secrets", "rotate", "--make-room"],
        &["secrets", "rotate", "--retire", "abc", "--generate"],
    ] {
        let run = cli(&fake, args).run().await;
        run.assert_code(2);
    }
    assert!(fake.requests().is_empty());
    let help = cli(&fake, &["secrets", "rotate", "--help"]).run().await;
    help.assert_code(0);
    assert!(help.stdout.contains("--retire OLD_ID"), "{help:?}");
    assert!(help.stdout.contains("A rotation in two phases"), "{help:?}");
}
