//! Every sub-account's secret, rotated without an outage: the two-phase rotation
//! ([`Secrets::stage`](crate::Secrets::stage), then [`Secrets::retire`](crate::Secrets::retire))
//! over every sub-account of the primary, a bounded number at a time, going on past a failure,
//! with one outcome per sub-account. A re-run skips what is already done: a sub-account whose
//! rotation is staged is not staged again, a secret already retired is not an error.

use std::{collections::BTreeMap, sync::Arc};

use secrecy::SecretString;
use tokio::{sync::Semaphore, task::JoinSet};

use crate::{
    Error, Retired, RotationCause, RotationError, RotationState, RotationStep, Secret, Staged,
    SubAccount,
};

use super::Subaccounts;

/// How many sub-accounts are worked on at once by default.
pub const DEFAULT_FLEET_CONCURRENCY: usize = 8;

/// The rotation of every sub-account's secret, from [`Subaccounts::every_subaccount`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// use std::collections::BTreeMap;
/// use vonage_account::{StageOutcome, generate_secret};
///
/// let every = client.subaccounts().every_subaccount().concurrency(4);
/// let mut retire = BTreeMap::new();
/// let new_secret = |_key: &str| generate_secret().expect("the OS's random source works");
/// for (key, outcome) in every.stage(new_secret).await? {
///     match outcome {
///         StageOutcome::Staged { staged, secret } => {
///             // deploy `secret` to whatever uses `key`; keep the id to retire
///             # let _ = secret;
///             retire.insert(key, staged.old_secret_id);
///         }
///         StageOutcome::AlreadyStaged { old, .. } => { retire.insert(key, old.id); }
///         StageOutcome::Failed(e) => eprintln!("{key}: {e}"),
///         _ => {}
///     }
/// }
/// // ... once every holder uses its new secret:
/// for (key, retired) in every.retire(&retire).await {
///     println!("{key}: {retired:?}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct EverySubaccount {
    subaccounts: Subaccounts,
    concurrency: usize,
}

/// What staging a sub-account's new secret gave.
#[derive(Debug)]
#[non_exhaustive]
pub enum StageOutcome {
    /// Staged now: both secrets work until the old one is retired.
    Staged {
        /// The stage: the new secret's id, the id of the one it replaces, a client with it.
        staged: Box<Staged<SubAccount>>,
        /// The new secret's value, the only copy: hand it to what uses the sub-account.
        secret: SecretString,
    },
    /// A rotation was staged already (the key has two secrets): skipped, as a re-run should.
    AlreadyStaged {
        /// The older secret, the one to retire.
        old: Secret,
        /// The newer secret, the staged one.
        staged: Secret,
    },
    /// It failed; the others went on.
    Failed(RotationError),
}

impl Subaccounts {
    /// The rotation of every sub-account's secret, [`DEFAULT_FLEET_CONCURRENCY`] at a time.
    pub fn every_subaccount(&self) -> EverySubaccount {
        EverySubaccount {
            subaccounts: self.clone(),
            concurrency: DEFAULT_FLEET_CONCURRENCY,
        }
    }
}

impl EverySubaccount {
    /// How many sub-accounts are worked on at once (at least one).
    pub fn concurrency(mut self, n: usize) -> EverySubaccount {
        self.concurrency = n.max(1);
        self
    }

    /// The keys of every sub-account, in the order the API lists them.
    async fn keys(&self) -> Result<Vec<String>, Error> {
        let list = self.subaccounts.list().await?;
        Ok(list.subaccounts.into_iter().map(|s| s.api_key).collect())
    }

    /// Runs `work` on each key, at most `concurrency` at once, and gives the outcomes in the
    /// order of `keys`.
    async fn each<T, F, Fut>(&self, keys: Vec<String>, work: F) -> Vec<(String, T)>
    where
        T: Send + 'static,
        F: Fn(String) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
    {
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for (index, key) in keys.iter().enumerate() {
            let permits = Arc::clone(&permits);
            let job = work(key.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (index, job.await)
            });
        }
        let mut done: Vec<Option<T>> = keys.iter().map(|_| None).collect();
        while let Some(joined) = tasks.join_next().await {
            // A task only panics if the crate has a bug; its slot stays empty then.
            if let Ok((index, outcome)) = joined {
                done[index] = Some(outcome);
            }
        }
        keys.into_iter()
            .zip(done)
            .filter_map(|(key, outcome)| Some((key, outcome?)))
            .collect()
    }

    /// The rotation state of every sub-account (one or two secrets, which is staged).
    pub async fn status(&self) -> Result<Vec<(String, Result<RotationState, Error>)>, Error> {
        let subaccounts = self.subaccounts.clone();
        let keys = self.keys().await?;
        Ok(self
            .each(keys, move |key| {
                let secrets = subaccounts.secrets(key);
                async move { secrets.rotation_state().await }
            })
            .await)
    }

    /// Stages a new secret, made by `new_secret(key)` (see
    /// [`generate_secret`](crate::generate_secret)), on every sub-account that has one secret;
    /// one with two is skipped ([`StageOutcome::AlreadyStaged`]), so a re-run after a partial
    /// run stages only the rest. Never makes room by revoking a secret. Listing the
    /// sub-accounts is the only failure of the whole; each sub-account's failure is its outcome.
    pub async fn stage(
        &self,
        new_secret: impl Fn(&str) -> SecretString,
    ) -> Result<Vec<(String, StageOutcome)>, Error> {
        let subaccounts = self.subaccounts.clone();
        let keys = self.keys().await?;
        let made: BTreeMap<String, SecretString> =
            keys.iter().map(|k| (k.clone(), new_secret(k))).collect();
        let made = Arc::new(made);
        Ok(self
            .each(keys, move |key| {
                let secrets = subaccounts.secrets(key.clone());
                // Every listed key has one (an empty one would fail the stage's first step).
                let secret = made
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| SecretString::from(String::new()));
                async move {
                    match secrets.rotation_state().await {
                        Ok(RotationState::Staged { old, staged }) => {
                            return StageOutcome::AlreadyStaged { old, staged };
                        }
                        Ok(_) => {}
                        Err(e) => {
                            return StageOutcome::Failed(failure(RotationStep::FindCurrent, e));
                        }
                    }
                    match secrets.stage(secret.clone()).make_room(false).await {
                        Ok(staged) => StageOutcome::Staged {
                            staged: Box::new(staged),
                            secret,
                        },
                        Err(e) => StageOutcome::Failed(e),
                    }
                }
            })
            .await)
    }

    /// Retires, on each sub-account named in `old_secret_ids`, the secret its stage replaced
    /// (`key -> old secret id`, as [`StageOutcome`] gave them). One already gone is
    /// [`Retired::AlreadyGone`], so a re-run is harmless.
    pub async fn retire(
        &self,
        old_secret_ids: &BTreeMap<String, String>,
    ) -> Vec<(String, Result<Retired, RotationError>)> {
        let subaccounts = self.subaccounts.clone();
        let ids = Arc::new(old_secret_ids.clone());
        let keys = old_secret_ids.keys().cloned().collect();
        self.each(keys, move |key| {
            let secrets = subaccounts.secrets(key.clone());
            let id = ids.get(&key).cloned().unwrap_or_default();
            async move { secrets.retire(&id).await }
        })
        .await
    }
}

/// A failure of one sub-account's part, at `step`.
fn failure(step: RotationStep, error: Error) -> RotationError {
    RotationError {
        step,
        cause: RotationCause::Call(error),
        created: None,
        new_client: None,
        revoked: Vec::new(),
    }
}
