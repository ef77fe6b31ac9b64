//! The Secret Management API: list, read, create and revoke the secrets of an API key.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::{
    Client, Error,
    generated::secrets::types,
    transport::{Idempotency, call},
    validate,
};

/// The secrets calls for one API key, from [`Client::secrets`] or [`Client::secrets_for`].
#[derive(Debug, Clone)]
pub struct Secrets<'a> {
    client: &'a Client,
    api_key: String,
}

/// One API secret. The API never returns a secret's value, only its id and creation time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Secret {
    /// The secret's id (a UUID).
    pub id: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<types::SecretInfo> for Secret {
    fn from(info: types::SecretInfo) -> Self {
        Secret {
            id: info.id,
            created_at: info.created_at,
        }
    }
}

impl<'a> Secrets<'a> {
    pub(crate) fn new(client: &'a Client, api_key: String) -> Self {
        Secrets { client, api_key }
    }

    /// Replaces a secret of the key with `new_secret` without downtime; see [`Rotate`](crate::Rotate) for the
    /// steps and [`Rotate::make_room`](crate::Rotate::make_room) / [`Rotate::replacing`](crate::Rotate::replacing) for the options.
    pub fn rotate(&self, new_secret: impl Into<SecretString>) -> crate::Rotate<'a> {
        crate::Rotate::new(self.clone(), new_secret.into())
    }

    pub(crate) fn client(&self) -> &'a Client {
        self.client
    }

    /// The API key whose secrets these calls manage.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    fn api(&self) -> Result<&'a crate::generated::secrets::Client, Error> {
        validate::api_key(&self.api_key)?;
        Ok(&self.client.inner.secrets)
    }

    /// The key's secrets, oldest first as the API lists them (`GET /accounts/{key}/secrets`).
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// for secret in client.secrets().list().await? {
    ///     println!("{} created {}", secret.id, secret.created_at);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<Secret>, Error> {
        let api = self.api()?;
        let list = call(
            Idempotency::Repeatable,
            api.retrieve_api_secrets(&self.api_key),
        )
        .await?;
        Ok(list
            .value
            .embedded
            .secrets
            .into_iter()
            .map(Secret::from)
            .collect())
    }

    /// One secret by id (`GET /accounts/{key}/secrets/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// let secret = client.secrets().get("01234567-aaaa-bbbb-cccc-defdefdefdef").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, secret_id: &str) -> Result<Secret, Error> {
        let api = self.api()?;
        validate::secret_id(secret_id)?;
        let secret = call(
            Idempotency::Repeatable,
            api.retrieve_api_secret(&self.api_key, secret_id),
        )
        .await?;
        Ok(secret.value.into())
    }

    /// Adds a secret (`POST /accounts/{key}/secrets`). It is checked against the rules first
    /// (see [`validate_secret`](crate::validate_secret)); a key holds at most two secrets.
    ///
    /// Never sent twice: it is retried only when no connection could be made at all.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// let created = client.secrets().create("Th1s-I5-my_n3w").await?;
    /// println!("new secret {}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, secret: impl Into<SecretString>) -> Result<Secret, Error> {
        let secret: SecretString = secret.into();
        let api = self.api()?;
        validate::validate_secret(secret.expose_secret())?;
        let mut body = types::CreateSecretRequest {
            secret: secret.expose_secret().to_owned(),
        };
        let created = call(
            Idempotency::ConnectFailureOnly,
            api.create_api_secret(&self.api_key, &body),
        )
        .await;
        zeroize::Zeroize::zeroize(&mut body.secret);
        Ok(created?.value.into())
    }

    /// Revokes a secret at once (`DELETE /accounts/{key}/secrets/{id}`). The last secret of a key
    /// cannot be revoked ([`ErrorKind::LastSecret`](crate::ErrorKind::LastSecret)).
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// client.secrets().revoke("01234567-aaaa-bbbb-cccc-defdefdefdef").await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke(&self, secret_id: &str) -> Result<(), Error> {
        let api = self.api()?;
        validate::secret_id(secret_id)?;
        call(
            Idempotency::ConnectFailureOnly,
            api.revoke_api_secret(&self.api_key, secret_id),
        )
        .await?;
        Ok(())
    }
}
