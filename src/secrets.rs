//! The Secret Management API: list, read, create and revoke the secrets of an API key.

use std::{fmt, marker::PhantomData};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::{
    Answer, Call, Client, Error,
    call::{call, call_with_secret},
    generated::secrets::types,
    validate,
};

/// The most secrets one API key can have at a time.
pub const MAX_SECRETS_PER_KEY: usize = 2;

/// The secrets calls for one API key, from [`Client::secrets`] (the client's own key,
/// `Secrets<OwnKey>`, written `Secrets`) or [`Client::secrets_for`] (a sub-account's key,
/// `Secrets<SubAccount>`). Holds a clone of the client (one `Arc`), so it can be stored and
/// moved into tasks.
///
/// Each call returns a [`Call`]: await it for the value, or await `.with_meta()` for the value
/// with its request id ([`Answer`]). The rotations are in [`Secrets::rotate`] (one step) and
/// [`Secrets::stage`] / [`Secrets::retire`] (two phases, for a fleet).
///
/// The [`KeyRole`] parameter only decides what a rotation hands back: a [`Client`] for the
/// client's own key, a [`SubAccountClient`] for a sub-account's, so that the two cannot be
/// mixed up.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// use vonage_account::{Secrets, SubAccount};
///
/// struct Keys {
///     own: Secrets,
///     subs: Vec<Secrets<SubAccount>>,
/// }
/// let keys = Keys { own: client.secrets(), subs: vec![client.secrets_for("sub12345")] };
/// let task = tokio::spawn(async move { keys.subs[0].list().await });
/// assert_eq!(task.await??.len(), 1);
/// # Ok(()) }
/// ```
pub struct Secrets<K: KeyRole = OwnKey> {
    client: Client,
    api_key: String,
    role: PhantomData<fn() -> K>,
}

impl<K: KeyRole> Clone for Secrets<K> {
    fn clone(&self) -> Self {
        Secrets {
            client: self.client.clone(),
            api_key: self.api_key.clone(),
            role: PhantomData,
        }
    }
}

impl<K: KeyRole> fmt::Debug for Secrets<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("api_key", &self.api_key)
            .field("role", &K::NAME)
            .field("client", &self.client)
            .finish()
    }
}

impl Client {
    /// The secrets of this client's own API key.
    pub fn secrets(&self) -> Secrets {
        Secrets {
            client: self.clone(),
            api_key: self.api_key().to_owned(),
            role: PhantomData,
        }
    }

    /// The secrets of a sub-account's API key, managed with this (primary) client's credentials.
    /// The key is checked when a call is made. A rotation of these secrets hands back a
    /// [`SubAccountClient`], never a [`Client`] that could pass for this one.
    pub fn secrets_for(&self, api_key: impl Into<String>) -> Secrets<SubAccount> {
        Secrets {
            client: self.clone(),
            api_key: api_key.into(),
            role: PhantomData,
        }
    }
}

mod sealed {
    /// Keeps [`KeyRole`](super::KeyRole) to the crate's two roles.
    pub trait Sealed {}
    /// Only the crate can call [`KeyRole::new_client`](super::KeyRole::new_client).
    #[derive(Debug)]
    pub struct Token;
}

/// Whose key a [`Secrets`] handle manages: [`OwnKey`] or [`SubAccount`]. Sealed.
pub trait KeyRole: sealed::Sealed + Send + Sync + 'static {
    /// What a rotation of such a key hands back to use the new secret with.
    type Client: Clone + fmt::Debug + Send + Sync + 'static;

    /// The role's name, for `Debug`.
    #[doc(hidden)]
    const NAME: &'static str;

    /// Wraps a client that authenticates as the key with its new secret.
    #[doc(hidden)]
    fn new_client(client: Client, _: sealed::Token) -> Self::Client;

    /// The same, for a [`RotationError`](crate::RotationError).
    #[doc(hidden)]
    fn rotated_client(client: Client, _: sealed::Token) -> RotatedClient;
}

/// The client's own API key ([`Client::secrets`]): a rotation hands back a [`Client`] that
/// replaces the one it was made with.
#[derive(Debug, Clone, Copy)]
pub enum OwnKey {}

/// A sub-account's API key, managed with the primary credentials ([`Client::secrets_for`]): a
/// rotation hands back a [`SubAccountClient`].
#[derive(Debug, Clone, Copy)]
pub enum SubAccount {}

impl sealed::Sealed for OwnKey {}
impl sealed::Sealed for SubAccount {}

impl KeyRole for OwnKey {
    type Client = Client;
    const NAME: &'static str = "own key";

    fn new_client(client: Client, _: sealed::Token) -> Client {
        client
    }

    fn rotated_client(client: Client, _: sealed::Token) -> RotatedClient {
        RotatedClient::OwnKey(client)
    }
}

impl KeyRole for SubAccount {
    type Client = SubAccountClient;
    const NAME: &'static str = "sub-account";

    fn new_client(client: Client, _: sealed::Token) -> SubAccountClient {
        SubAccountClient { client }
    }

    fn rotated_client(client: Client, _: sealed::Token) -> RotatedClient {
        RotatedClient::SubAccount(SubAccountClient { client })
    }
}

pub(crate) fn new_client<K: KeyRole>(client: Client) -> K::Client {
    K::new_client(client, sealed::Token)
}

pub(crate) fn rotated_client<K: KeyRole>(client: Client) -> RotatedClient {
    K::rotated_client(client, sealed::Token)
}

/// A client that authenticates **as a sub-account**, with the new secret a rotation of that
/// sub-account's secret made. Not a [`Client`], so it cannot take the place of the primary
/// client by accident; [`into_client`](Self::into_client) says so when it is meant.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let primary = fake.client();
/// let rotated = primary.secrets_for("sub12345").rotate("Sub-Secret-2027").await?;
/// let sub = rotated.client; // a SubAccountClient
/// assert_eq!(sub.api_key(), "sub12345");
/// sub.verify_credentials().await?;
/// # Ok(()) }
/// ```
///
/// Swapping the primary client for it, as a loop over keys might, does not compile:
///
/// ```compile_fail
/// # async fn rotate_all(primary: vonage_account::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let mut client = primary;
/// for key in ["sub12345", "sub67890"] {
///     let rotated = client.secrets_for(key).rotate("Sub-Secret-2027").await?;
///     client = rotated.client; // expected `Client`, found `SubAccountClient`
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SubAccountClient {
    client: Client,
}

impl fmt::Debug for SubAccountClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SubAccountClient")
            .field(&self.client)
            .finish()
    }
}

impl SubAccountClient {
    /// The sub-account's API key.
    pub fn api_key(&self) -> &str {
        self.client.api_key()
    }

    /// The id of the new secret it authenticates with.
    pub fn api_secret_id(&self) -> Option<&str> {
        self.client.api_secret_id()
    }

    /// Checks the new credentials with one cheap authenticated read, as the sub-account (see
    /// [`Client::verify_credentials`]).
    pub async fn verify_credentials(&self) -> Result<(), Error> {
        self.client.verify_credentials().await
    }

    /// A [`Client`] that authenticates as the sub-account, for code that works as the
    /// sub-account (its own balance, its own secrets). It has the sub-account's key, not the
    /// primary's: keep it apart from the primary client.
    pub fn into_client(self) -> Client {
        self.client
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

impl<K: KeyRole> Secrets<K> {
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
    pub fn list(&self) -> Call<impl Future<Output = Result<Answer<Vec<Secret>>, Error>>> {
        Call::new(async move {
            let api = self.api()?;
            let list = call(|| api.retrieve_api_secrets(&self.api_key)).await?;
            Ok(list.map(|list| {
                list.embedded
                    .secrets
                    .into_iter()
                    .map(Secret::from)
                    .collect()
            }))
        })
    }

    /// One secret by id (`GET /accounts/{key}/secrets/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// let secret = client.secrets().get("01234567-aaaa-bbbb-cccc-defdefdefdef").await?;
    /// # Ok(()) }
    /// ```
    pub fn get(
        &self,
        secret_id: &str,
    ) -> Call<impl Future<Output = Result<Answer<Secret>, Error>>> {
        Call::new(async move {
            let api = self.api()?;
            validate::secret_id(secret_id)?;
            let secret = call(|| api.retrieve_api_secret(&self.api_key, secret_id)).await?;
            Ok(secret.map(Secret::from))
        })
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
    pub fn create(
        &self,
        secret: impl Into<SecretString>,
    ) -> Call<impl Future<Output = Result<Answer<Secret>, Error>>> {
        let secret: SecretString = secret.into();
        Call::new(async move {
            let api = self.api()?;
            validate::validate_secret(secret.expose_secret())?;
            let mut body = types::CreateSecretRequest {
                secret: secret.expose_secret().to_owned(),
            };
            // An answer that repeats the request would carry the new secret: it is redacted too.
            let created =
                call_with_secret(|| api.create_api_secret(&self.api_key, &body), &secret).await;
            zeroize::Zeroize::zeroize(&mut body.secret);
            Ok(created?.map(Secret::from))
        })
    }

    /// Revokes a secret at once (`DELETE /accounts/{key}/secrets/{id}`). The last secret of a key
    /// cannot be revoked ([`ErrorKind::LastSecret`](crate::ErrorKind::LastSecret)).
    ///
    /// Any 2xx means revoked (204 is documented; 200 and 202, with or without a body, are taken
    /// the same way and the body is not read): the status is Vonage's statement that the secret
    /// is gone. To be certain, [`get`](Secrets::get) it: [`ErrorKind::SecretNotFound`](crate::ErrorKind::SecretNotFound).
    ///
    /// The client's own secret is never revoked by its own key's `revoke`: when the client knows
    /// its secret's id ([`ClientBuilder::api_secret_id`](crate::ClientBuilder::api_secret_id))
    /// and that is `secret_id`, the call is refused before anything is sent
    /// ([`ErrorKind::SecretInUse`](crate::ErrorKind::SecretInUse)): it would lock out every
    /// holder of that secret, this client first. Retire it with a client that uses the new one.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_account::Client) -> Result<(), vonage_account::Error> {
    /// client.secrets().revoke("01234567-aaaa-bbbb-cccc-defdefdefdef").await?;
    /// # Ok(()) }
    /// ```
    pub fn revoke(&self, secret_id: &str) -> Call<impl Future<Output = Result<Answer<()>, Error>>> {
        Call::new(async move {
            let api = self.api()?;
            validate::secret_id(secret_id)?;
            if self.api_key == self.client.api_key()
                && self.client.api_secret_id() == Some(secret_id)
            {
                return Err(Error::SecretInUse {
                    api_key: self.api_key.clone(),
                    secret_id: secret_id.to_owned(),
                });
            }
            call(|| api.revoke_api_secret(&self.api_key, secret_id)).await
        })
    }
}

/// A client with a rotation's new secret, as a [`RotationError`](crate::RotationError) hands it back.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RotatedClient {
    /// For the client's own key ([`Client::secrets`]): it can replace that client.
    OwnKey(Client),
    /// For a sub-account ([`Client::secrets_for`]): it authenticates as the sub-account.
    SubAccount(SubAccountClient),
}

#[cfg(test)]
mod tests {
    use crate::{Client, ErrorKind, RetryConfig};

    #[tokio::test]
    async fn revoke_refuses_the_clients_own_secret_before_sending() {
        // Nothing listens there: a request that left would be a transport error.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let client = Client::builder()
            .base_url(format!("http://{closed}"))
            .api_key("abcd1234")
            .api_secret("Abcdef123456")
            .api_secret_id("id-in-use")
            .retry(RetryConfig::NONE)
            .build()
            .unwrap();
        let err = client.secrets().revoke("id-in-use").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SecretInUse);
        assert_eq!(err.kind().as_str(), "secret-in-use");
        assert!(err.to_string().contains("id-in-use"), "{err}");
        // The own key named with secrets_for is the own key.
        let err = client
            .secrets_for("abcd1234")
            .revoke("id-in-use")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SecretInUse);
        // Another secret, or a sub-account's secret of the same id, is sent.
        let err = client.secrets().revoke("other-id").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport);
        let err = client
            .secrets_for("sub12345")
            .revoke("id-in-use")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport);
    }
}
