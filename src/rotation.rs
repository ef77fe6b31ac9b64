//! Secret rotation, never leaving a key without a working secret: in one step for a single
//! holder of the secret ([`Rotate`]), or in two phases for a fleet ([`Stage`], then
//! [`Secrets::retire`]).

use std::{fmt, future::IntoFuture, pin::Pin};

use secrecy::{ExposeSecret, SecretString};

use crate::{
    Client, Error, ErrorKind, KeyRole, OwnKey, RotatedClient, Secret, Secrets,
    error::{Nested, NestedError, StoppedRotation},
    secrets::{MAX_SECRETS_PER_KEY, new_client, rotated_client},
    validate,
};

impl<K: KeyRole> Secrets<K> {
    /// Replaces a secret of the key with `new_secret` in one step: create, prove, and revoke
    /// the old secret at once. For a secret held by **one** process (this one); see [`Rotate`].
    /// Where other processes hold the old secret, use [`stage`](Self::stage) and
    /// [`retire`](Self::retire) instead.
    pub fn rotate(&self, new_secret: impl Into<SecretString>) -> Rotate<K> {
        Rotate {
            plan: Plan::new(self, new_secret.into()),
        }
    }

    /// The first phase of a rotation for a fleet: makes room if allowed, creates `new_secret`,
    /// proves it with an authenticated read, and leaves the old secret working. See [`Stage`].
    pub fn stage(&self, new_secret: impl Into<SecretString>) -> Stage<K> {
        Stage {
            plan: Plan::new(self, new_secret.into()),
        }
    }

    /// Picks up a staged rotation, say after the process that staged it stopped half-way:
    /// finds the staged secret (the newer of the key's two, see [`RotationState`]), proves that
    /// `new_secret` works for the key, and returns what [`stage`](Self::stage) returns.
    ///
    /// The API never shows a secret's value, so the proof shows that `new_secret` works, not
    /// that it is the staged one; for the client's own key, passing the secret the client
    /// already uses is refused ([`RotationRefusal::NotNew`]). If the new secret's value was
    /// lost, revoke the staged secret ([`Secrets::revoke`]) and stage again.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// # client.secrets().create("N3w-Secret-2026").await?; // as if a stage stopped after creating it
    /// let staged = client.secrets().resume_stage("N3w-Secret-2026").await?;
    /// println!("staged {}; retire {} once every holder has reloaded", staged.secret.id, staged.old_secret_id);
    /// # Ok(()) }
    /// ```
    pub async fn resume_stage(
        &self,
        new_secret: impl Into<SecretString>,
    ) -> Result<Staged<K>, RotationError> {
        let new_secret: SecretString = new_secret.into();
        let client = self.client();
        let key = self.api_key();
        validate::validate_secret(new_secret.expose_secret()).map_err(|e| {
            RotationError::at(RotationStep::Validate, RotationCause::Call(e.into()))
        })?;
        if key == client.api_key()
            && client.inner.credentials.api_secret.expose_secret() == new_secret.expose_secret()
        {
            let why = RotationRefusal::NotNew {
                api_key: key.to_owned(),
            };
            return Err(RotationError::refused(RotationStep::Validate, why));
        }
        let state = self
            .rotation_state()
            .await
            .map_err(|e| RotationError::at(RotationStep::FindCurrent, RotationCause::Call(e)))?;
        let (old, staged) = match state {
            RotationState::Staged { old, staged } => (old, staged),
            other => {
                let why = RotationRefusal::NothingStaged {
                    api_key: key.to_owned(),
                    secrets: other.secrets().count(),
                };
                return Err(RotationError::refused(RotationStep::FindCurrent, why));
            }
        };
        let proven = prove(client, key, &new_secret, &staged.id)
            .await
            .map_err(|e| RotationError {
                created: Some(staged.clone()),
                ..RotationError::at(RotationStep::Verify, RotationCause::Call(e))
            })?;
        Ok(Staged {
            client: new_client::<K>(proven),
            secret: staged,
            old_secret_id: old.id,
            revoked: Vec::new(),
        })
    }

    /// The second phase of a rotation for a fleet: revokes the old secret once every holder
    /// uses the new one. Safe to repeat: a secret that is already gone counts as done
    /// ([`Retired::AlreadyGone`]), whether it was missing from the list or the revocation was
    /// answered 404.
    ///
    /// Before revoking, it lists the key's secrets and refuses, with nothing revoked:
    ///
    /// - the key's only secret ([`RotationRefusal::LastSecret`]);
    /// - the newer of two secrets, the one a stage creates ([`RotationRefusal::NewestSecret`]):
    ///   retire takes the old one; to abandon a stage, revoke the new one with
    ///   [`Secrets::revoke`];
    /// - for the client's own key, the secret this client authenticates with, when it knows
    ///   that secret's id ([`RotationRefusal::InUse`]): retire with the client the stage handed
    ///   back, or one built with the new secret.
    ///
    /// A failure stops at [`RotationStep::FindCurrent`] (the list) or
    /// [`RotationStep::RevokeOld`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// use vonage_account::Retired;
    /// let staged = client.secrets().stage("N3w-Secret-2026").await?;
    /// // ... every holder reloads the new secret ...
    /// let client = staged.client;
    /// assert_eq!(client.secrets().retire(&staged.old_secret_id).await?, Retired::Revoked);
    /// assert_eq!(client.secrets().retire(&staged.old_secret_id).await?, Retired::AlreadyGone);
    /// # Ok(()) }
    /// ```
    pub async fn retire(&self, old_secret_id: &str) -> Result<Retired, RotationError> {
        let find = |cause| RotationError::at(RotationStep::FindCurrent, cause);
        let refused = |why| RotationError::refused(RotationStep::FindCurrent, why);
        let client = self.client();
        let key = self.api_key();
        validate::secret_id(old_secret_id).map_err(|e| find(RotationCause::Call(e.into())))?;
        if key == client.api_key() && client.api_secret_id() == Some(old_secret_id) {
            return Err(refused(RotationRefusal::InUse {
                api_key: key.to_owned(),
                secret_id: old_secret_id.to_owned(),
            }));
        }
        let secrets = oldest_first(
            self.list()
                .await
                .map_err(|e| find(RotationCause::Call(e)))?,
        );
        let Some(position) = secrets.iter().position(|s| s.id == old_secret_id) else {
            return Ok(Retired::AlreadyGone);
        };
        let named = || (key.to_owned(), old_secret_id.to_owned());
        if secrets.len() == 1 {
            let (api_key, secret_id) = named();
            return Err(refused(RotationRefusal::LastSecret { api_key, secret_id }));
        }
        if position + 1 == secrets.len() {
            let (api_key, secret_id) = named();
            return Err(refused(RotationRefusal::NewestSecret {
                api_key,
                secret_id,
            }));
        }
        match self.revoke(old_secret_id).await {
            Ok(()) => Ok(Retired::Revoked),
            Err(e) if e.kind() == ErrorKind::SecretNotFound => Ok(Retired::AlreadyGone),
            Err(e) => Err(RotationError::at(
                RotationStep::RevokeOld,
                RotationCause::Call(e),
            )),
        }
    }

    /// Where the key stands in a rotation, from the API alone: its secrets, oldest first by
    /// `created_at` (ties in the order the API lists them). With two, the newer one is the
    /// staged one and the older one is what [`retire`](Self::retire) takes: a process that
    /// stopped half-way reads this to finish the job. See [`RotationState`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// use vonage_account::RotationState;
    /// # client.secrets().stage("N3w-Secret-2026").await?;
    /// match client.secrets().rotation_state().await? {
    ///     RotationState::Staged { old, staged } => {
    ///         println!("{} is staged; retire {} when every holder uses it", staged.id, old.id)
    ///     }
    ///     RotationState::Settled { current } => println!("nothing staged; {} in use", current.id),
    ///     _ => println!("no secret listed"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn rotation_state(&self) -> Result<RotationState, Error> {
        Ok(RotationState::of(oldest_first(self.list().await?)))
    }
}

/// `secrets`, oldest first by `created_at`, keeping the API's order between equal times.
fn oldest_first(mut secrets: Vec<Secret>) -> Vec<Secret> {
    secrets.sort_by_key(|s| s.created_at);
    secrets
}

/// Proves `secret` works for `key`: the key reads its own secrets with it. Returns the client
/// that did.
async fn prove(
    client: &Client,
    key: &str,
    secret: &SecretString,
    secret_id: &str,
) -> Result<Client, Error> {
    let new_client = client
        .to_builder()
        .api_key(key)
        .api_secret(secret.clone())
        .api_secret_id(secret_id)
        .build()?;
    new_client.secrets().list().await?;
    Ok(new_client)
}

/// Where a key stands in a rotation, read from the API by [`Secrets::rotation_state`].
///
/// The API gives only each secret's id and creation time, so the state follows one rule: after
/// [`Secrets::stage`], the key has two secrets and **the newer one is the staged one**. (A key
/// can hold two secrets for other reasons; the rule still names the one [`Secrets::retire`]
/// would take, the older.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotationState {
    /// One secret: nothing is staged.
    Settled {
        /// The key's secret.
        current: Secret,
    },
    /// Two secrets: a rotation is staged (or the key holds two for another reason).
    Staged {
        /// The older secret: the one [`Secrets::retire`] revokes.
        old: Secret,
        /// The newer secret: the one a stage created.
        staged: Secret,
    },
    /// No secret was listed (the API keeps at least one; only a misbehaving server says so).
    Empty,
}

impl RotationState {
    fn of(mut oldest_first: Vec<Secret>) -> RotationState {
        match oldest_first.len() {
            0 => RotationState::Empty,
            1 => RotationState::Settled {
                current: oldest_first.remove(0),
            },
            _ => {
                let staged = oldest_first.remove(oldest_first.len() - 1);
                RotationState::Staged {
                    old: oldest_first.remove(0),
                    staged,
                }
            }
        }
    }

    /// The staged secret, if any.
    pub fn staged(&self) -> Option<&Secret> {
        match self {
            RotationState::Staged { staged, .. } => Some(staged),
            _ => None,
        }
    }

    /// The secret [`Secrets::retire`] would revoke, if a rotation is staged.
    pub fn old(&self) -> Option<&Secret> {
        match self {
            RotationState::Staged { old, .. } => Some(old),
            _ => None,
        }
    }

    /// The key's secrets, oldest first.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        let (first, second) = match self {
            RotationState::Settled { current } => (Some(current), None),
            RotationState::Staged { old, staged } => (Some(old), Some(staged)),
            RotationState::Empty => (None, None),
        };
        first.into_iter().chain(second)
    }
}

/// What [`Secrets::retire`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Retired {
    /// The old secret was revoked now.
    Revoked,
    /// The old secret was already gone (retired before, or revoked by someone else): nothing
    /// to do.
    AlreadyGone,
}

/// What a rotation, a stage or a retirement needs besides the key.
struct Plan<K: KeyRole> {
    secrets: Secrets<K>,
    new_secret: SecretString,
    make_room: bool,
    replacing: Option<String>,
}

/// A stage that went through: the new secret is created and proven, the old one still works.
struct StagedParts {
    client: Client,
    secret: Secret,
    old_secret_id: String,
    revoked: Vec<String>,
}

impl<K: KeyRole> Plan<K> {
    fn new(secrets: &Secrets<K>, new_secret: SecretString) -> Plan<K> {
        Plan {
            secrets: secrets.clone(),
            new_secret,
            make_room: false,
            replacing: None,
        }
    }

    fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("api_key", &self.secrets.api_key())
            .field("new_secret", &"[REDACTED]")
            .field("make_room", &self.make_room)
            .field("replacing", &self.replacing)
            .finish()
    }

    /// Validate, find the secret being replaced, make room if allowed, create, prove.
    async fn stage(&self) -> Result<StagedParts, RotationError> {
        use RotationCause::Call;
        let secrets = &self.secrets;
        let client = secrets.client();
        let key = secrets.api_key();
        let own_key = key == client.api_key();
        let mut revoked = Vec::new();

        validate::validate_secret(self.new_secret.expose_secret())
            .map_err(|e| RotationError::at(RotationStep::Validate, Call(e.into())))?;

        let current = secrets
            .list()
            .await
            .map_err(|e| RotationError::at(RotationStep::FindCurrent, Call(e)))?;
        let known = self.replacing.clone().or_else(|| {
            own_key
                .then(|| client.api_secret_id().map(str::to_owned))
                .flatten()
        });
        let old_id = match (known, current.as_slice()) {
            (Some(id), _) if current.iter().any(|s| s.id == id) => id,
            (Some(id), _) => {
                let why = RotationRefusal::NotOnKey {
                    api_key: key.to_owned(),
                    secret_id: id,
                };
                return Err(RotationError::refused(RotationStep::FindCurrent, why));
            }
            (None, [only]) => only.id.clone(),
            (None, _) => {
                let why = RotationRefusal::Ambiguous {
                    api_key: key.to_owned(),
                    secrets: current.len(),
                };
                return Err(RotationError::refused(RotationStep::FindCurrent, why));
            }
        };

        if current.len() >= MAX_SECRETS_PER_KEY {
            // The oldest other one goes; the one in use stays until the new one is proven.
            let others = oldest_first(current.into_iter().filter(|s| s.id != old_id).collect());
            let Some(victim) = others.first().filter(|_| self.make_room) else {
                let why = RotationRefusal::KeyFull {
                    api_key: key.to_owned(),
                    secrets: others.len() + 1,
                };
                return Err(RotationError::refused(RotationStep::MakeRoom, why));
            };
            secrets
                .revoke(&victim.id)
                .await
                .map_err(|e| RotationError::at(RotationStep::MakeRoom, Call(e)))?;
            revoked.push(victim.id.clone());
        }

        let created = secrets
            .create(self.new_secret.clone())
            .await
            .map_err(|e| RotationError {
                revoked: revoked.clone(),
                ..RotationError::at(RotationStep::Create, Call(e))
            })?;

        // The proof: the key reads its own secrets with the new secret.
        let proven = prove(client, key, &self.new_secret, &created.id)
            .await
            .map_err(|e| RotationError {
                created: Some(created.clone()),
                revoked: revoked.clone(),
                ..RotationError::at(RotationStep::Verify, Call(e))
            })?;
        Ok(StagedParts {
            client: proven,
            secret: created,
            old_secret_id: old_id,
            revoked,
        })
    }
}

/// A rotation in one step, from [`Secrets::rotate`]: the old secret is revoked as soon as the
/// new one is proven. Await it to run it.
///
/// **Use it when one process holds the secret** (this one): it switches to the returned client
/// at once. When other replicas, jobs or services hold the old secret, they would get 401 from
/// the moment it is revoked until they reload: rotate those in two phases, [`Secrets::stage`]
/// and then [`Secrets::retire`].
///
/// The steps, each stopping the rotation if it fails, so the key never has zero working secrets:
///
/// 1. check the new secret against the rules (nothing sent);
/// 2. list the key's secrets and find the one being replaced: the client's own (its
///    [`api_secret_id`](Client::api_secret_id), or the only secret), or the one named with
///    [`replacing`](Rotate::replacing);
/// 3. if the key already has two secrets, and only with [`make_room`](Rotate::make_room), revoke
///    the oldest one that is not being replaced;
/// 4. create the new secret;
/// 5. prove it works: an authenticated read as the key, with the new secret;
/// 6. revoke the replaced secret (one already gone counts as revoked).
///
/// For the client's own key ([`Client::secrets`]) the result carries a [`Client`] with the new
/// secret; for a sub-account ([`Client::secrets_for`]) a [`SubAccountClient`](crate::SubAccountClient), which cannot be
/// taken for the primary client.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// let rotated = client.secrets().rotate("N3w-Secret-2026").await?;
/// let client = rotated.client; // authenticates with the new secret from now on
/// assert_eq!(client.secrets().list().await?.len(), 1);
/// # Ok(()) }
/// ```
#[must_use = "a rotation does nothing until awaited"]
pub struct Rotate<K: KeyRole = OwnKey> {
    plan: Plan<K>,
}

impl<K: KeyRole> fmt::Debug for Rotate<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.plan.debug("Rotate", f)
    }
}

/// The first phase of a rotation for a fleet, from [`Secrets::stage`]. Await it to run it.
///
/// **Use it when more than one process holds the secret** (replicas, jobs, other services):
///
/// 1. **stage**: the new secret is created and proven, and the old one keeps working;
/// 2. roll the new secret out to every holder (the result says what they need: the key, the
///    new secret's id, and the value you gave);
/// 3. **retire** the old secret with [`Secrets::retire`], passing
///    [`Staged::old_secret_id`].
///
/// Between the two phases the state is readable from the API alone
/// ([`Secrets::rotation_state`]: the newer of the two secrets is the staged one), so a process
/// that stopped half-way can finish: [`Secrets::resume_stage`] if it still has the new value,
/// [`Secrets::retire`] once the fleet has reloaded.
///
/// The steps are those of [`Rotate`] without the last one: check the new secret, find the one in
/// use, make room if the key is full and [`make_room`](Stage::make_room) allows it, create,
/// prove.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// let staged = client.secrets().stage("N3w-Secret-2026").await?;
/// println!("deploy secret id {} (api key {})", staged.secret.id, client.api_key());
/// // Both secrets work until the old one is retired.
/// # assert!(client.verify_credentials().await.is_ok());
/// // ... later, once every holder uses the new secret:
/// staged.client.secrets().retire(&staged.old_secret_id).await?;
/// # Ok(()) }
/// ```
#[must_use = "a stage does nothing until awaited"]
pub struct Stage<K: KeyRole = OwnKey> {
    plan: Plan<K>,
}

impl<K: KeyRole> fmt::Debug for Stage<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.plan.debug("Stage", f)
    }
}

/// The step a rotation stopped at (see [`Rotate`](crate::Rotate)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RotationStep {
    /// Checking the new secret against the rules.
    Validate,
    /// Listing the key's secrets and finding the one being replaced.
    FindCurrent,
    /// Revoking another secret to make room for the new one.
    MakeRoom,
    /// Creating the new secret.
    Create,
    /// Reading with the new secret to prove it works.
    Verify,
    /// Revoking the replaced secret.
    RevokeOld,
}

impl fmt::Display for RotationStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RotationStep::Validate => "validate the new secret",
            RotationStep::FindCurrent => "find the secret being replaced",
            RotationStep::MakeRoom => "make room for the new secret",
            RotationStep::Create => "create the new secret",
            RotationStep::Verify => "prove the new secret works",
            RotationStep::RevokeOld => "revoke the old secret",
        })
    }
}

/// Why a rotation stopped on its own, before a call failed: the key's state does not allow it
/// as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RotationRefusal {
    /// The secret named to be replaced is not on the key.
    #[error("the secret {secret_id} being replaced is not on key {api_key}")]
    NotOnKey {
        /// The key.
        api_key: String,
        /// The secret named with [`Rotate::replacing`](crate::Rotate::replacing) or
        /// [`ClientBuilder::api_secret_id`](crate::ClientBuilder::api_secret_id).
        secret_id: String,
    },
    /// The key has several secrets and nothing says which one is being replaced.
    #[error(
        "key {api_key} has {secrets} secrets and it is not known which one is being replaced: name it with .replacing(id) or build the client with .api_secret_id(id)"
    )]
    Ambiguous {
        /// The key.
        api_key: String,
        /// How many secrets it has.
        secrets: usize,
    },
    /// The key already has the most secrets it may have, and
    /// [`Rotate::make_room`](crate::Rotate::make_room) was not allowed.
    #[error(
        "key {api_key} already has {secrets} secrets: allow .make_room(true) to revoke the oldest one not in use"
    )]
    KeyFull {
        /// The key.
        api_key: String,
        /// How many secrets it has.
        secrets: usize,
    },
    /// [`Secrets::retire`](crate::Secrets::retire) was asked to revoke the key's only secret.
    #[error("the secret {secret_id} is the only secret of key {api_key}: nothing to retire it for")]
    LastSecret {
        /// The key.
        api_key: String,
        /// The secret.
        secret_id: String,
    },
    /// [`Secrets::retire`](crate::Secrets::retire) was asked to revoke the newer of the key's
    /// secrets, the one a stage creates; it retires the older one.
    #[error(
        "the secret {secret_id} is the newer of key {api_key}'s secrets, the staged one: retire the older one (to abandon the stage, revoke this one with `revoke`)"
    )]
    NewestSecret {
        /// The key.
        api_key: String,
        /// The secret.
        secret_id: String,
    },
    /// [`Secrets::retire`](crate::Secrets::retire) was asked to revoke the secret the client
    /// itself authenticates with.
    #[error(
        "the secret {secret_id} of key {api_key} is the one this client authenticates with: retire it with a client that uses the new secret"
    )]
    InUse {
        /// The key.
        api_key: String,
        /// The secret.
        secret_id: String,
    },
    /// [`Secrets::resume_stage`](crate::Secrets::resume_stage) found no staged secret: the key
    /// does not have two.
    #[error("key {api_key} has {secrets} secret(s): no rotation is staged")]
    NothingStaged {
        /// The key.
        api_key: String,
        /// How many secrets it has.
        secrets: usize,
    },
    /// [`Secrets::resume_stage`](crate::Secrets::resume_stage) was given the secret the client
    /// already authenticates with as the new one.
    #[error(
        "the secret given as the new one for key {api_key} is the one this client already authenticates with"
    )]
    NotNew {
        /// The key.
        api_key: String,
    },
}

/// What stopped a rotation: a call that failed, or a refusal of the rotation's own.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RotationCause {
    /// A call failed.
    #[error(transparent)]
    Call(Error),
    /// The rotation refused to go on (nothing was changed by this step).
    #[error(transparent)]
    Refused(RotationRefusal),
}

/// Why a rotation stopped, and what state it left the key in.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RotationError {
    /// The step that failed.
    pub step: RotationStep,
    /// What went wrong there.
    pub cause: RotationCause,
    /// The new secret, when it was already created (steps [`Verify`](RotationStep::Verify) and
    /// [`RevokeOld`](RotationStep::RevokeOld)): it is active on the key, next to the old one.
    pub created: Option<Secret>,
    /// A client with the new secret, when it was created and proven (step
    /// [`RevokeOld`](RotationStep::RevokeOld) of [`Rotate`]): switch to it, then retire the old
    /// secret later ([`Secrets::retire`]). For a sub-account it authenticates as the
    /// sub-account ([`RotatedClient::SubAccount`]).
    pub new_client: Option<RotatedClient>,
    /// The ids revoked before the failure.
    pub revoked: Vec<String>,
}

impl fmt::Display for RotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "secret rotation stopped at step '{}': {}",
            self.step, self.cause
        )?;
        if let Some(secret) = &self.created {
            write!(
                f,
                "; the new secret {} is active alongside the old one",
                secret.id
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for RotationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// A rotation's error as the crate's one error, its kind kept: `?` works across
/// [`Secrets::rotation_state`](crate::Secrets::rotation_state),
/// [`stage`](crate::Secrets::stage) and [`retire`](crate::Secrets::retire) in a function that
/// returns `Result<_, Error>`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), vonage_account::Error> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// use vonage_account::{Error, Secrets};
///
/// async fn nightly(secrets: &Secrets, new_secret: &str) -> Result<(), Error> {
///     if secrets.rotation_state().await?.staged().is_none() {
///         let staged = secrets.stage(new_secret).make_room(true).await?;
///         // ... every replica reloads the new secret ...
///         staged.client.secrets().retire(&staged.old_secret_id).await?;
///     }
///     Ok(())
/// }
/// nightly(&client.secrets(), "N3w-Secret-2026").await?;
/// # Ok(()) }
/// ```
impl From<RotationError> for Error {
    fn from(error: RotationError) -> Error {
        Error::Rotation(StoppedRotation(Nested::new(error)))
    }
}

impl NestedError for RotationError {
    fn kind(&self) -> ErrorKind {
        RotationError::kind(self)
    }

    fn call_error(&self) -> Option<&Error> {
        RotationError::call_error(self)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn clone_box(&self) -> Box<dyn NestedError> {
        Box::new(self.clone())
    }
}

/// The rotation's side of [`Error`]: a stopped rotation read back from the one error.
impl Error {
    /// The rotation's error, when a rotation stopped: which step, the state it left the key
    /// in, the new client when there is one.
    pub fn rotation(&self) -> Option<&RotationError> {
        match self {
            Error::Rotation(StoppedRotation(nested)) => nested.as_any().downcast_ref(),
            _ => None,
        }
    }
}

impl RotationError {
    /// A failure of `step` with no change made by it.
    fn at(step: RotationStep, cause: RotationCause) -> RotationError {
        RotationError {
            step,
            cause,
            created: None,
            new_client: None,
            revoked: Vec::new(),
        }
    }

    /// A refusal at `step`.
    fn refused(step: RotationStep, why: RotationRefusal) -> RotationError {
        RotationError::at(step, RotationCause::Refused(why))
    }

    /// What kind of failure stopped the rotation: the failed call's kind;
    /// [`ErrorKind::SecretLimitReached`] for a full key without
    /// [`Rotate::make_room`](crate::Rotate::make_room); [`ErrorKind::LastSecret`] for a retire
    /// of the only secret; [`ErrorKind::RotationRefused`] for the other refusals.
    pub fn kind(&self) -> ErrorKind {
        match &self.cause {
            RotationCause::Call(error) => error.kind(),
            RotationCause::Refused(RotationRefusal::KeyFull { .. }) => {
                ErrorKind::SecretLimitReached
            }
            RotationCause::Refused(RotationRefusal::LastSecret { .. }) => ErrorKind::LastSecret,
            RotationCause::Refused(_) => ErrorKind::RotationRefused,
        }
    }

    /// The call that failed, when one did.
    pub fn call_error(&self) -> Option<&Error> {
        match &self.cause {
            RotationCause::Call(error) => Some(error),
            RotationCause::Refused(_) => None,
        }
    }

    /// The HTTP status of the answer that stopped the rotation, if one did.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        self.call_error()?.status()
    }

    /// The `X-Request-Id` of the answer that stopped the rotation, if one did.
    pub fn request_id(&self) -> Option<&str> {
        self.call_error()?.request_id()
    }

    /// The refusal, when the rotation stopped on its own.
    pub fn refusal(&self) -> Option<&RotationRefusal> {
        match &self.cause {
            RotationCause::Refused(refusal) => Some(refusal),
            RotationCause::Call(_) => None,
        }
    }
}

/// A finished rotation, from [`Rotate`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Rotation<K: KeyRole = OwnKey> {
    /// A client for the rotated key with the new secret (same settings otherwise): a [`Client`]
    /// for the client's own key, a [`SubAccountClient`](crate::SubAccountClient) for a sub-account's.
    pub client: K::Client,
    /// The new secret.
    pub secret: Secret,
    /// The ids revoked: the replaced secret, and the one revoked to make room, if any.
    pub revoked: Vec<String>,
}

/// A staged rotation, from [`Stage`] or [`Secrets::resume_stage`]: the new secret is created
/// and proven, and the old one still works until [`Secrets::retire`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Staged<K: KeyRole = OwnKey> {
    /// A client for the key with the new secret, proven to work: a [`Client`] for the client's
    /// own key, a [`SubAccountClient`](crate::SubAccountClient) for a sub-account's.
    pub client: K::Client,
    /// The new (staged) secret: what every holder needs besides the key and the value.
    pub secret: Secret,
    /// The id of the secret being replaced, still working: pass it to [`Secrets::retire`]
    /// once every holder uses the new secret.
    pub old_secret_id: String,
    /// The ids revoked to make room, if any.
    pub revoked: Vec<String>,
}

macro_rules! options {
    ($builder:ident) => {
        impl<K: KeyRole> $builder<K> {
            /// When the key already has two secrets, revoke the oldest one that is not being
            /// replaced to make room. Off by default: without it such a key stops the rotation
            /// with [`ErrorKind::SecretLimitReached`](crate::ErrorKind::SecretLimitReached)
            /// before anything changes.
            pub fn make_room(mut self, allow: bool) -> Self {
                self.plan.make_room = allow;
                self
            }

            /// The id of the secret being replaced (the one in use). Needed for a sub-account
            /// key with two secrets, or a key of this client with two secrets when the client
            /// does not know its own secret's id ([`ClientBuilder::api_secret_id`](crate::ClientBuilder::api_secret_id),
            /// `VONAGE_API_SECRET_ID`).
            pub fn replacing(mut self, secret_id: impl Into<String>) -> Self {
                self.plan.replacing = Some(secret_id.into());
                self
            }
        }
    };
}

options!(Rotate);
options!(Stage);

impl<K: KeyRole> Rotate<K> {
    async fn run(self) -> Result<Rotation<K>, RotationError> {
        let staged = self.plan.stage().await?;
        let secrets = &self.plan.secrets;
        let client = secrets.client();
        let key = secrets.api_key();
        // With the new credentials for the client's own key, so the old ones are not needed any
        // more; a sub-account's old secret is revoked by the primary as before.
        let revoker = if key == client.api_key() {
            &staged.client
        } else {
            client
        };
        let mut revoked = staged.revoked;
        match revoker.secrets_for(key).revoke(&staged.old_secret_id).await {
            Ok(()) => revoked.push(staged.old_secret_id),
            // Someone else revoked it meanwhile: what this step is for is done.
            Err(e) if e.kind() == ErrorKind::SecretNotFound => {}
            Err(e) => {
                return Err(RotationError {
                    step: RotationStep::RevokeOld,
                    cause: RotationCause::Call(e),
                    created: Some(staged.secret),
                    new_client: Some(rotated_client::<K>(staged.client)),
                    revoked,
                });
            }
        }
        Ok(Rotation {
            client: new_client::<K>(staged.client),
            secret: staged.secret,
            revoked,
        })
    }
}

impl<K: KeyRole> IntoFuture for Rotate<K> {
    type Output = Result<Rotation<K>, RotationError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<K: KeyRole> IntoFuture for Stage<K> {
    type Output = Result<Staged<K>, RotationError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let staged = self.plan.stage().await?;
            Ok(Staged {
                client: new_client::<K>(staged.client),
                secret: staged.secret,
                old_secret_id: staged.old_secret_id,
                revoked: staged.revoked,
            })
        })
    }
}
