//! The Secret Management API: list, read, create and revoke the secrets of an API key.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::{
    Client, Error,
    call::{call, call_with_secret},
    generated::secrets::types,
    validate,
};

/// The most secrets one API key can have at a time.
pub const MAX_SECRETS_PER_KEY: usize = 2;

/// The secrets calls for one API key, from [`Client::secrets`] or [`Client::secrets_for`].
/// Holds a clone of the client (one `Arc`), so it can be stored and moved into tasks.
#[derive(Debug, Clone)]
pub struct Secrets {
    client: Client,
    api_key: String,
}

impl Client {
    /// The secrets of this client's own API key.
    pub fn secrets(&self) -> Secrets {
        self.secrets_for(self.api_key())
    }

    /// The secrets of a sub-account's API key, managed with this (primary) client's credentials.
    /// The key is checked when a call is made.
    pub fn secrets_for(&self, api_key: impl Into<String>) -> Secrets {
        Secrets {
            client: self.clone(),
            api_key: api_key.into(),
        }
    }
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

impl Secrets {
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// The API key whose secrets these calls manage.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    fn api(&self) -> Result<&crate::generated::secrets::Client, Error> {
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
        let list = call(api.retrieve_api_secrets(&self.api_key)).await?;
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
        let secret = call(api.retrieve_api_secret(&self.api_key, secret_id)).await?;
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
        // An answer that repeats the request would carry the new secret: it is redacted too.
        let created = call_with_secret(api.create_api_secret(&self.api_key, &body), &secret).await;
        zeroize::Zeroize::zeroize(&mut body.secret);
        Ok(created?.value.into())
    }

    /// Revokes a secret at once (`DELETE /accounts/{key}/secrets/{id}`). The last secret of a key
    /// cannot be revoked ([`ErrorKind::LastSecret`](crate::ErrorKind::LastSecret)).
    ///
    /// Any 2xx means revoked (204 is documented; 200 and 202, with or without a body, are taken
    /// the same way and the body is not read): the status is Vonage's statement that the secret
    /// is gone. To be certain, [`get`](Secrets::get) it: [`ErrorKind::SecretNotFound`](crate::ErrorKind::SecretNotFound).
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// client.secrets().revoke("01234567-aaaa-bbbb-cccc-defdefdefdef").await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke(&self, secret_id: &str) -> Result<(), Error> {
        let api = self.api()?;
        validate::secret_id(secret_id)?;
        call(api.revoke_api_secret(&self.api_key, secret_id)).await?;
        Ok(())
    }
}
