//! Every sub-account's secret rotated without an outage: the two-phase rotation of
//! [`Secrets::stage`](crate::Secrets::stage) and [`Secrets::retire`](crate::Secrets::retire),
//! run over all the sub-accounts of the primary account with a bounded number of them at a time,
//! going on past a failure, with one result per sub-account.

use std::{future::Future, pin::Pin, task::Poll};

use secrecy::SecretString;

use crate::{
    Error, Retired, RotationCause, RotationError, RotationState, RotationStep, Secret, Staged,
    SubAccount, Subaccount, Subaccounts,
};

/// How many sub-accounts [`RotateAll`] works on at a time by default.
pub const DEFAULT_ROTATE_ALL_CONCURRENCY: usize = 8;

/// The rotation of every sub-account's secret, from [`Subaccounts::rotate_all`]: where each
/// stands ([`status`](Self::status)), the first phase on each ([`stage`](Self::stage)), and the
/// second ([`retire`](Self::retire)).
///
/// Each lists the sub-accounts once, then works on at most
/// [`concurrency`](Self::concurrency) of them at a time (each sub-account's own calls run one
/// after the other). A failure on one sub-account is its result and the others go on; the
/// result has one entry per sub-account, in the list's order. Running a phase again skips what
/// is done: a sub-account that is already staged (it has two secrets) is not staged again, and
/// a secret that is already retired counts as retired.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// use std::collections::HashMap;
/// use vonage_account::{StagedSubaccount, generate_secret};
///
/// let rotation = client.subaccounts().rotate_all().concurrency(4);
/// // Phase 1: a new secret for each sub-account, kept by the caller before it is sent.
/// let mut old_ids = HashMap::new();
/// for each in rotation.stage(|_sub| generate_secret().ok()).await? {
///     match each.outcome {
///         Ok(StagedSubaccount::Staged(staged)) => {
///             old_ids.insert(each.api_key, staged.old_secret_id);
///         }
///         other => println!("{}: {other:?}", each.api_key),
///     }
/// }
/// // ... every holder of each sub-account's secret reloads the new one ...
/// // Phase 2: retire, on each, the secret its stage replaced.
/// for each in rotation.retire(|sub| old_ids.get(&sub.api_key).cloned()).await? {
///     println!("{}: {:?}", each.api_key, each.outcome);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct RotateAll {
    subaccounts: Subaccounts,
    concurrency: usize,
}

/// The result for one sub-account.
#[derive(Debug)]
#[non_exhaustive]
pub struct ForSubaccount<T, E> {
    /// Its API key.
    pub api_key: String,
    /// Its name.
    pub name: String,
    /// What happened to it.
    pub outcome: Result<T, E>,
}

/// What [`RotateAll::stage`] did on a sub-account.
#[derive(Debug)]
#[non_exhaustive]
pub enum StagedSubaccount {
    /// The new secret is created and proven; the old one keeps working until retired.
    Staged(Box<Staged<SubAccount>>),
    /// The sub-account already has two secrets, so it is taken to be staged (the newer is the
    /// staged one, as [`RotationState`] reads it): nothing was done.
    AlreadyStaged {
        /// The older secret: the one a retire revokes.
        old: Secret,
        /// The newer secret.
        staged: Secret,
    },
    /// The new-secret function gave no secret for it: nothing was sent.
    Skipped,
}

/// What [`RotateAll::retire`] did on a sub-account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetiredSubaccount {
    /// The old secret was revoked, or was already gone.
    Retired(Retired),
    /// The old-secret function gave no id for it (no stage recorded): nothing was sent.
    Skipped,
}

impl Subaccounts {
    /// The rotation of every sub-account's secret: see [`RotateAll`].
    pub fn rotate_all(&self) -> RotateAll {
        RotateAll {
            subaccounts: self.clone(),
            concurrency: DEFAULT_ROTATE_ALL_CONCURRENCY,
        }
    }
}

impl RotateAll {
    /// How many sub-accounts to work on at a time (at least 1; default
    /// [`DEFAULT_ROTATE_ALL_CONCURRENCY`]).
    pub fn concurrency(mut self, limit: usize) -> RotateAll {
        self.concurrency = limit.max(1);
        self
    }

    /// Where each sub-account stands ([`Secrets::rotation_state`](crate::Secrets::rotation_state)).
    /// Fails as a whole only if the sub-accounts cannot be listed.
    pub async fn status(&self) -> Result<Vec<ForSubaccount<RotationState, Error>>, Error> {
        let subs = self.subaccounts.list().await?.subaccounts;
        Ok(bounded(self.concurrency, &subs, |sub| async move {
            self.subaccounts
                .secrets(sub.api_key.clone())
                .rotation_state()
                .await
        })
        .await)
    }

    /// Phase 1 on each sub-account: reads where it stands; if it has two secrets, reports it
    /// [`AlreadyStaged`](StagedSubaccount::AlreadyStaged); otherwise asks `new_secret` for its
    /// new secret (`None` skips it) and stages it, replacing its current secret
    /// ([`Secrets::stage`](crate::Secrets::stage)).
    ///
    /// `new_secret` is called only for a sub-account about to be staged, before anything is
    /// created: keep the value there (a file, a vault) so that a secret that may have been
    /// created is never lost. Fails as a whole only if the sub-accounts cannot be listed.
    pub async fn stage<F>(
        &self,
        new_secret: F,
    ) -> Result<Vec<ForSubaccount<StagedSubaccount, RotationError>>, Error>
    where
        F: Fn(&Subaccount) -> Option<SecretString> + Sync,
    {
        let subs = self.subaccounts.list().await?.subaccounts;
        let new_secret = &new_secret;
        Ok(bounded(self.concurrency, &subs, |sub| async move {
            let secrets = self.subaccounts.secrets(sub.api_key.clone());
            let state = secrets.rotation_state().await.map_err(finding_current)?;
            let current = match state {
                RotationState::Staged { old, staged } => {
                    return Ok(StagedSubaccount::AlreadyStaged { old, staged });
                }
                RotationState::Settled { current } => Some(current.id),
                _ => None,
            };
            let Some(secret) = new_secret(sub) else {
                return Ok(StagedSubaccount::Skipped);
            };
            let mut stage = secrets.stage(secret);
            if let Some(id) = current {
                stage = stage.replacing(id);
            }
            Ok(StagedSubaccount::Staged(Box::new(stage.await?)))
        })
        .await)
    }

    /// Phase 2 on each sub-account: revokes the secret its stage replaced, the id
    /// `old_secret_id` gives for it (`None` skips it), by the rules of
    /// [`Secrets::retire`](crate::Secrets::retire): never the only or the newer secret, and a
    /// secret already gone counts as retired. Fails as a whole only if the sub-accounts cannot be
    /// listed.
    pub async fn retire<F>(
        &self,
        old_secret_id: F,
    ) -> Result<Vec<ForSubaccount<RetiredSubaccount, RotationError>>, Error>
    where
        F: Fn(&Subaccount) -> Option<String> + Sync,
    {
        let subs = self.subaccounts.list().await?.subaccounts;
        let old_secret_id = &old_secret_id;
        Ok(bounded(self.concurrency, &subs, |sub| async move {
            let Some(old) = old_secret_id(sub) else {
                return Ok(RetiredSubaccount::Skipped);
            };
            let retired = self
                .subaccounts
                .secrets(sub.api_key.clone())
                .retire(&old)
                .await?;
            Ok(RetiredSubaccount::Retired(retired))
        })
        .await)
    }
}

/// Runs `work` on each sub-account, at most `limit` at a time, in this task (nothing is
/// spawned); the results in the order of `subs`.
async fn bounded<'a, T, E, Fut>(
    limit: usize,
    subs: &'a [Subaccount],
    work: impl Fn(&'a Subaccount) -> Fut,
) -> Vec<ForSubaccount<T, E>>
where
    Fut: Future<Output = Result<T, E>> + 'a,
{
    let outcomes = join_bounded(limit, subs.iter().map(work)).await;
    subs.iter()
        .zip(outcomes)
        .map(|(sub, outcome)| ForSubaccount {
            api_key: sub.api_key.clone(),
            name: sub.name.clone(),
            outcome,
        })
        .collect()
}

/// Polls the futures, at most `limit` at a time, and returns their outputs in their order.
async fn join_bounded<T, F: Future<Output = T>>(
    limit: usize,
    futures: impl Iterator<Item = F>,
) -> Vec<T> {
    let mut pending = futures.enumerate();
    let mut running: Vec<(usize, Pin<Box<F>>)> = Vec::new();
    let mut done: Vec<(usize, T)> = Vec::new();
    std::future::poll_fn(|cx| {
        loop {
            while running.len() < limit {
                match pending.next() {
                    Some((i, f)) => running.push((i, Box::pin(f))),
                    None => break,
                }
            }
            if running.is_empty() {
                return Poll::Ready(());
            }
            let before = running.len();
            let mut j = 0;
            while j < running.len() {
                if let Poll::Ready(value) = running[j].1.as_mut().poll(cx) {
                    let (i, _) = running.swap_remove(j);
                    done.push((i, value));
                } else {
                    j += 1;
                }
            }
            if running.len() == before {
                return Poll::Pending;
            }
        }
    })
    .await;
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, value)| value).collect()
}

/// A failure to read the key's secrets before a stage.
fn finding_current(error: Error) -> RotationError {
    RotationError {
        step: RotationStep::FindCurrent,
        cause: RotationCause::Call(error),
        created: None,
        new_client: None,
        revoked: Vec::new(),
    }
}
