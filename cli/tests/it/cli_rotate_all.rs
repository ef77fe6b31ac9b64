//! `vonage-account secrets rotate --all-subaccounts` against the fake with several
//! sub-accounts: a line each, the files and records in the secret directory, a failure on one
//! that does not stop the others, the worst exit code, and re-runs that skip what is done.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vonage_account::Operation;
use vonage_account_fake::{FakeVonage, Fault, Seed, SubAccountSeed};

use crate::cli::cli;

const SUBS: [&str; 4] = ["suba0001", "subb0002", "subc0003", "subd0004"];

async fn fake_with_subs() -> FakeVonage {
    let seed = Seed {
        sub_accounts: SUBS
            .iter()
            .enumerate()
            .map(|(i, key)| SubAccountSeed {
                api_key: (*key).into(),
                secrets: vec![format!("Subsecret12{i}").as_str().into()],
            })
            .collect(),
        ..Seed::default()
    };
    FakeVonage::start_with(seed).await.unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("va-rotate-all-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn secret_in(dir: &Path, key: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{key}.secret")))
        .unwrap()
        .trim_end()
        .to_owned()
}

fn outcomes(run: &Value) -> Vec<(String, String)> {
    run["subaccounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["api_key"].as_str().unwrap().to_owned(),
                s["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn stage_and_retire_every_subaccount_past_a_failure_and_again() {
    let fake = fake_with_subs().await;
    let dir = temp_dir("stage");
    let dir_arg = dir.to_str().unwrap();
    let old_ids: Vec<String> = SUBS.iter().map(|k| fake.secret_ids(k)[0].clone()).collect();

    let run = cli(
        &fake,
        &["secrets", "rotate", "--all-subaccounts", "--status"],
    )
    .run()
    .await;
    run.assert_code(0).assert_no_secret();
    for key in SUBS {
        assert!(
            run.stdout.contains(&format!("{key}  settled: one secret")),
            "{}",
            run.stdout
        );
    }

    // One creation fails (a 500, not sent again: it may have been made); the others go on.
    fake.clear_requests();
    fake.inject(Fault::status(500).on(Operation::CreateApiSecret).times(1));
    let run = cli(
        &fake,
        &[
            "--json",
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--stage",
            "--generate",
            "--secret-dir",
            dir_arg,
            "--concurrency",
            "2",
        ],
    )
    .run()
    .await;
    run.assert_code(3);
    assert_eq!(run.error_json()["error"], "several");
    let first = run.json();
    assert_eq!(first["exit_code"], 3);
    let results = outcomes(&first);
    assert_eq!(results.len(), 4);
    let failed: Vec<&String> = results
        .iter()
        .filter(|(_, o)| o == "failed")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(failed.len(), 1, "{results:?}");
    let failed = failed[0].clone();
    assert_eq!(results.iter().filter(|(_, o)| o == "staged").count(), 3);
    assert_eq!(fake.requests_to(Operation::CreateApiSecret).len(), 4);
    for (i, key) in SUBS.iter().enumerate() {
        let secret = secret_in(&dir, key);
        assert!(!run.stdout.contains(&secret), "no secret on stdout");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.join(format!("{key}.secret")))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{key}");
        }
        if *key == failed {
            // Kept: the 500 may have come after the secret was made.
            assert!(!dir.join(format!("{key}.json")).exists());
            continue;
        }
        let record: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{key}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(record["old_secret_id"], old_ids[i].as_str());
        let staged = fake
            .secret_id_of(key, &secret)
            .expect("the staged secret works");
        assert_eq!(record["staged_secret_id"], staged.as_str());
        assert_eq!(
            fake.secret_ids(key).len(),
            2,
            "old and new both work until retired"
        );
    }

    // Again: the three staged are skipped, the failed one is staged with its kept secret.
    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--stage",
            "--generate",
            "--secret-dir",
            dir_arg,
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert_eq!(
        run.stdout.matches("already staged").count(),
        3,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("{failed}  staged ")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("4 sub-accounts (stage): 3 already-staged, 1 staged\n"),
        "{}",
        run.stdout
    );
    let creates = fake.requests_to(Operation::CreateApiSecret);
    assert_eq!(creates.len(), 1, "only the failed one is created again");
    assert!(creates[0].path.contains(&failed));
    assert!(
        fake.secret_id_of(&failed, &secret_in(&dir, &failed))
            .is_some()
    );

    let run = cli(
        &fake,
        &[
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--status",
            "--secret-dir",
            dir_arg,
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert_eq!(
        run.stdout
            .matches("its stage is recorded in the directory")
            .count(),
        4,
        "{}",
        run.stdout
    );

    // Retire: on each, the secret its stage replaced; the staged one stays.
    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "--json",
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--retire",
            "--secret-dir",
            dir_arg,
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert!(
        outcomes(&run.json()).iter().all(|(_, o)| o == "retired"),
        "{}",
        run.stdout
    );
    let revokes = fake.requests_to(Operation::RevokeApiSecret);
    assert_eq!(revokes.len(), 4);
    for (i, key) in SUBS.iter().enumerate() {
        assert!(
            revokes
                .iter()
                .any(|r| r.path == format!("/accounts/{key}/secrets/{}", old_ids[i]))
        );
        let left = fake.secret_ids(key);
        assert_eq!(left.len(), 1, "{key}");
        assert_eq!(
            Some(&left[0]),
            fake.secret_id_of(key, &secret_in(&dir, key)).as_ref()
        );
    }

    // Again: nothing left to revoke, nothing sent to revoke.
    fake.clear_requests();
    let run = cli(
        &fake,
        &[
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--retire",
            "--secret-dir",
            dir_arg,
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert_eq!(
        run.stdout.matches("is already gone").count(),
        4,
        "{}",
        run.stdout
    );
    assert!(fake.requests_to(Operation::RevokeApiSecret).is_empty());

    // A stage with the same directory after the retire: done already, nothing created.
    let run = cli(
        &fake,
        &[
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--stage",
            "--generate",
            "--secret-dir",
            dir_arg,
        ],
    )
    .run()
    .await;
    run.assert_code(0);
    assert_eq!(
        run.stdout.matches("nothing to do").count(),
        4,
        "{}",
        run.stdout
    );
    assert!(fake.requests_to(Operation::CreateApiSecret).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_subaccount_with_two_secrets_unrecorded_is_refused_and_bad_lines_send_nothing() {
    let fake = fake_with_subs().await;
    fake.client()
        .secrets_for(SUBS[1])
        .create("Someone-Elses-1")
        .await
        .unwrap();
    let dir = temp_dir("refuse");
    let dir_arg = dir.to_str().unwrap();
    let run = cli(
        &fake,
        &[
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--stage",
            "--generate",
            "--secret-dir",
            dir_arg,
        ],
    )
    .run()
    .await;
    run.assert_code(2);
    assert!(
        run.stdout
            .contains(&format!("{}  has two secrets", SUBS[1])),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("  staged ").count(), 3, "{}", run.stdout);
    assert!(
        !dir.join(format!("{}.secret", SUBS[1])).exists(),
        "no secret made for it"
    );
    let _ = std::fs::remove_dir_all(&dir);

    fake.clear_requests();
    for args in [
        vec![
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--stage",
            "--secret-dir",
            dir_arg,
        ],
        vec![
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--stage",
            "--generate",
        ],
        vec!["secrets", "rotate", "--all-subaccounts", "--retire"],
        vec![
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--retire",
            "OLD",
            "--secret-dir",
            dir_arg,
        ],
        vec![
            "secrets",
            "rotate",
            "--all-subaccounts",
            "--status",
            "--for",
            "suba0001",
        ],
        vec!["secrets", "rotate", "--retire"],
        vec!["secrets", "rotate", "--status", "--secret-dir", dir_arg],
    ] {
        let run = cli(&fake, &args).run().await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
    }
    assert!(fake.requests().is_empty(), "{:#?}", fake.requests());
}

#[tokio::test]
async fn the_summary_counts_one_subaccount_in_the_singular() {
    let fake = FakeVonage::start().await; // one sub-account
    let run = cli(
        &fake,
        &["secrets", "rotate", "--all-subaccounts", "--status"],
    )
    .run()
    .await;
    run.assert_code(0);
    assert!(
        run.stdout
            .ends_with("\n1 sub-account (status): 1 settled\n"),
        "{}",
        run.stdout
    );
}
