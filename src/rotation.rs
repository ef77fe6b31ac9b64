//! Secret rotation without downtime: make room, create, prove, revoke — never zero secrets.

use std::{fmt, future::IntoFuture, pin::Pin};

use secrecy::{ExposeSecret, SecretString};

use crate::{Client, Error, ErrorKind, Secret, Secrets, validate};

impl Secrets {
    /// Replaces a secret of the key with `new_secret` without downtime; see [`Rotate`] for the
    /// steps and [`Rotate::make_room`] / [`Rotate::replacing`] for the options.
    pub fn rotate(&self, new_secret: impl Into<SecretString>) -> Rotate {
        Rotate {
            secrets: self.clone(),
            new_secret: new_secret.into(),
            make_room: false,
            replacing: None,
        }
    }
}

/// A rotation of an API key's secret, from [`Secrets::rotate`]. Await it to run it.
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
/// 6. revoke the replaced secret.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account::testing::FakeVonage::start().await;
/// # let client = fake.client();
/// let rotated = client.secrets().rotate("N3w-Secret-2026").await?;
/// let client = rotated.client; // authenticates with the new secret from now on
/// assert_eq!(client.secrets().list().await?.len(), 1);
/// # Ok(()) }
/// ```
#[must_use = "a rotation does nothing until awaited"]
pub struct Rotate {
    secrets: Secrets,
    new_secret: SecretString,
    make_room: bool,
    replacing: Option<String>,
}

impl fmt::Debug for Rotate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rotate")
            .field("api_key", &self.secrets.api_key())
            .field("new_secret", &"[REDACTED]")
            .field("make_room", &self.make_room)
            .field("replacing", &self.replacing)
            .finish()
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
    /// [`RevokeOld`](RotationStep::RevokeOld)): switch to it, then revoke the old secret later.
    pub new_client: Option<Client>,
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

impl RotationError {
    /// What kind of failure stopped the rotation: the failed call's kind;
    /// [`ErrorKind::SecretLimitReached`] for a full key without
    /// [`Rotate::make_room`](crate::Rotate::make_room); [`ErrorKind::RotationRefused`] when it is
    /// not known which secret is being replaced.
    pub fn kind(&self) -> ErrorKind {
        match &self.cause {
            RotationCause::Call(error) => error.kind(),
            RotationCause::Refused(RotationRefusal::KeyFull { .. }) => {
                ErrorKind::SecretLimitReached
            }
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

/// A finished rotation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Rotation {
    /// A client for the rotated key with the new secret (same settings otherwise).
    pub client: Client,
    /// The new secret.
    pub secret: Secret,
    /// The ids revoked: the replaced secret, and the one revoked to make room, if any.
    pub revoked: Vec<String>,
}

impl Rotate {
    /// When the key already has two secrets, revoke the oldest one that is not being replaced
    /// to make room. Off by default: without it such a rotation stops with
    /// [`ErrorKind::SecretLimitReached`](crate::ErrorKind::SecretLimitReached) before changing
    /// anything.
    pub fn make_room(mut self, allow: bool) -> Self {
        self.make_room = allow;
        self
    }

    /// The id of the secret to replace. Needed for a sub-account key with two secrets, or a key
    /// of this client with two secrets when the client does not know its own secret's id.
    pub fn replacing(mut self, secret_id: impl Into<String>) -> Self {
        self.replacing = Some(secret_id.into());
        self
    }

    async fn run(self) -> Result<Rotation, RotationError> {
        let fail = |step,
                    cause: RotationCause,
                    created: Option<Secret>,
                    new_client: Option<Client>,
                    revoked: &Vec<String>| {
            RotationError {
                step,
                cause,
                created,
                new_client,
                revoked: revoked.clone(),
            }
        };
        let call = RotationCause::Call;
        let refused = RotationCause::Refused;
        let mut revoked = Vec::new();
        let client = self.secrets.client().clone();
        let key = self.secrets.api_key().to_owned();
        let own_key = key == client.api_key();

        validate::validate_secret(self.new_secret.expose_secret())
            .map_err(|e| fail(RotationStep::Validate, call(e.into()), None, None, &revoked))?;

        let current = self
            .secrets
            .list()
            .await
            .map_err(|e| fail(RotationStep::FindCurrent, call(e), None, None, &revoked))?;
        let known = self.replacing.clone().or_else(|| {
            own_key
                .then(|| client.api_secret_id().map(str::to_owned))
                .flatten()
        });
        let old_id = match (known, current.as_slice()) {
            (Some(id), _) if current.iter().any(|s| s.id == id) => id,
            (Some(id), _) => {
                let why = RotationRefusal::NotOnKey {
                    api_key: key,
                    secret_id: id,
                };
                return Err(fail(
                    RotationStep::FindCurrent,
                    refused(why),
                    None,
                    None,
                    &revoked,
                ));
            }
            (None, [only]) => only.id.clone(),
            (None, _) => {
                let why = RotationRefusal::Ambiguous {
                    api_key: key,
                    secrets: current.len(),
                };
                return Err(fail(
                    RotationStep::FindCurrent,
                    refused(why),
                    None,
                    None,
                    &revoked,
                ));
            }
        };

        if current.len() >= crate::secrets::MAX_SECRETS_PER_KEY {
            // The oldest other one goes; the one in use stays until the new one is proven.
            let mut others: Vec<&Secret> = current.iter().filter(|s| s.id != old_id).collect();
            others.sort_by_key(|s| s.created_at);
            let Some(victim) = others.first().filter(|_| self.make_room) else {
                let why = RotationRefusal::KeyFull {
                    api_key: key,
                    secrets: current.len(),
                };
                return Err(fail(
                    RotationStep::MakeRoom,
                    refused(why),
                    None,
                    None,
                    &revoked,
                ));
            };
            self.secrets
                .revoke(&victim.id)
                .await
                .map_err(|e| fail(RotationStep::MakeRoom, call(e), None, None, &revoked))?;
            revoked.push(victim.id.clone());
        }

        let created = self
            .secrets
            .create(self.new_secret.clone())
            .await
            .map_err(|e| fail(RotationStep::Create, call(e), None, None, &revoked))?;

        // The proof: the key reads its own secrets with the new secret.
        let proven: Result<Client, Error> = async {
            let new_client = client
                .to_builder()
                .api_key(key.clone())
                .api_secret(self.new_secret.clone())
                .api_secret_id(created.id.clone())
                .build()?;
            new_client.secrets().list().await?;
            Ok(new_client)
        }
        .await;
        let new_client = proven.map_err(|e| {
            fail(
                RotationStep::Verify,
                call(e),
                Some(created.clone()),
                None,
                &revoked,
            )
        })?;

        // With the new credentials for the client's own key, so the old ones are not needed any
        // more; a sub-account's old secret is revoked by the primary as before.
        let revoker = if own_key { &new_client } else { &client };
        revoker
            .secrets_for(key.clone())
            .revoke(&old_id)
            .await
            .map_err(|e| {
                fail(
                    RotationStep::RevokeOld,
                    call(e),
                    Some(created.clone()),
                    Some(new_client.clone()),
                    &revoked,
                )
            })?;
        revoked.push(old_id);
        Ok(Rotation {
            client: new_client,
            secret: created,
            revoked,
        })
    }
}

impl IntoFuture for Rotate {
    type Output = Result<Rotation, RotationError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
