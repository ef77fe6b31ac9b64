//! The Subaccounts API: list, read, create and change the sub-accounts of a primary account,
//! move credit and balance between the primary and a sub-account, and move numbers.
//!
//! Every call authenticates as the primary account (HTTP Basic) and names the primary's key in
//! the path; a sub-account appears only as a key in the request. Its secrets are managed with
//! [`Client::secrets_for`] (or [`Subaccounts::secrets`]), with the same primary credentials.
//!
//! Money moves without an idempotency key: see [`UnknownOutcome`] for what happens when the
//! answer to a create or a transfer is lost.

mod outcome;
mod request;
mod types;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};

pub use outcome::{Asked, SETTLE_CLOCK_MARGIN, Settlement, UnknownOutcome};
pub use request::{
    IntoTransferAmount, IntoUtcTime, MoneyTransfer, NewSubaccount, NumberMove,
    SUBACCOUNT_NAME_MAX_LEN, SubaccountUpdate, TransferFilter,
};
pub(crate) use types::wire;
pub use types::{
    CreatedSubaccount, NumberTransfer, PrimaryAccount, Subaccount, SubaccountList, Transfer,
    TransferKind,
};

use crate::{
    Answer, Call, Client, Error, Operation, SubAccount,
    call::{call, call_with_secret},
    generated::subaccounts::types as wire_types,
    secrets::Secrets,
    validate,
};

/// The Subaccounts API calls, from [`Client::subaccounts`]. Holds a clone of the client (one
/// `Arc`), so it can be stored and moved into tasks.
///
/// Each method returns a [`Call`]: await it for the value, or await `.with_meta()` for the value
/// with its request id ([`Answer`]). Arguments are checked before anything is sent
/// ([`Error::Validation`] names the field and every rule broken).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// use vonage_account::{MoneyTransfer, NewSubaccount};
///
/// let subaccounts = client.subaccounts();
/// let created = subaccounts.create(&NewSubaccount::new("Acme Ltd").own_balance()).await?;
/// let key = created.api_key().to_owned(); // keep created.secret now: it is never shown again
/// let moved = subaccounts
///     .transfer_balance(&MoneyTransfer::new(client.api_key(), &key, "5.00"))
///     .await?;
/// println!("moved {} EUR, reference {:?}", moved.amount, moved.reference);
/// let list = subaccounts.list().await?;
/// assert_eq!(list.get(&key).unwrap().balance.as_ref().unwrap().to_string(), "5.00000000");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Subaccounts {
    client: Client,
}

impl Client {
    /// The Subaccounts API calls (`/accounts/{key}/subaccounts`, the transfers, number
    /// transfer), with this client as the primary account.
    pub fn subaccounts(&self) -> Subaccounts {
        Subaccounts {
            client: self.clone(),
        }
    }
}

impl Subaccounts {
    fn api(&self) -> &crate::generated::subaccounts::Client {
        &self.client.inner.subaccounts
    }

    /// The primary account's key, as every path names it.
    fn primary(&self) -> &str {
        self.client.api_key()
    }

    /// The secrets of the sub-account `api_key`, managed with the primary's credentials: the
    /// same as [`Client::secrets_for`].
    pub fn secrets(&self, api_key: impl Into<String>) -> Secrets<SubAccount> {
        self.client.secrets_for(api_key)
    }

    /// The primary account, every sub-account, and the totals
    /// (`GET /accounts/{key}/subaccounts`). The API does not page: one answer holds them all.
    pub fn list(&self) -> Call<impl Future<Output = Result<Answer<SubaccountList>, Error>>> {
        Call::new(async move {
            let answer = call(|| self.api().retrieve_subaccounts_list(self.primary())).await?;
            Ok(answer.map(SubaccountList::from))
        })
    }

    /// One sub-account (`GET /accounts/{key}/subaccounts/{subaccount_key}`). An unknown key is
    /// [`ErrorKind::InvalidApiKey`](crate::ErrorKind::InvalidApiKey).
    pub fn get(
        &self,
        subaccount_key: &str,
    ) -> Call<impl Future<Output = Result<Answer<Subaccount>, Error>>> {
        Call::new(async move {
            validate::path_segment("subaccount_key", subaccount_key)?;
            let answer = call(|| {
                self.api()
                    .retrieve_subaccount(self.primary(), subaccount_key)
            })
            .await?;
            Ok(answer.map(Subaccount::from))
        })
    }

    /// Creates a sub-account (`POST /accounts/{key}/subaccounts`) and hands back its secret,
    /// the only copy there will ever be ([`CreatedSubaccount`]).
    ///
    /// Never sent twice. When the answer is lost, the error is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown): the sub-account may
    /// exist; [`settle`](Self::settle) (or [`find_created`](Self::find_created)) finds it.
    pub fn create(
        &self,
        new: &NewSubaccount,
    ) -> Call<impl Future<Output = Result<Answer<CreatedSubaccount>, Error>>> {
        Call::new(async move {
            let name = new.checked_name()?;
            let secret = new.checked_secret()?;
            let mut body = wire_types::NewSubaccountRequest {
                name: name.to_owned(),
                secret: secret.map(|s| s.expose_secret().to_owned()),
                use_primary_account_balance: new.own_balance.then_some(false),
            };
            let sent_at = Utc::now();
            let send = || self.api().create_sub_account(self.primary(), &body);
            let created = match secret {
                Some(secret) => call_with_secret(send, secret).await,
                None => call(send).await,
            };
            if let Some(secret) = &mut body.secret {
                zeroize::Zeroize::zeroize(secret);
            }
            let created = created.map_err(|e| {
                outcome::classify(e, Operation::CreateSubAccount, sent_at, || Asked::Create {
                    name: name.to_owned(),
                })
            })?;
            Ok(created.map(|mut c| {
                let secret = SecretString::from(std::mem::take(&mut c.secret));
                CreatedSubaccount {
                    subaccount: Subaccount {
                        api_key: c.api_key,
                        name: c.name,
                        primary_account_api_key: c.primary_account_api_key,
                        use_primary_account_balance: c.use_primary_account_balance,
                        balance: c.balance,
                        credit_limit: c.credit_limit,
                        suspended: c.suspended,
                        created_at: c.created_at,
                    },
                    secret,
                }
            }))
        })
    }

    /// Changes a sub-account (`PATCH /accounts/{key}/subaccounts/{subaccount_key}`): sends
    /// exactly the fields the update sets, and answers with the sub-account as it now is. An
    /// update that sets nothing is refused before sending.
    ///
    /// Safe to send again (it sets absolute values), so it is retried like a read.
    pub fn update(
        &self,
        subaccount_key: &str,
        update: &SubaccountUpdate,
    ) -> Call<impl Future<Output = Result<Answer<Subaccount>, Error>>> {
        Call::new(async move {
            validate::path_segment("subaccount_key", subaccount_key)?;
            update.check()?;
            let body = wire_types::ModifySubaccountRequest {
                name: update.name.clone(),
                suspended: update.suspended,
                use_primary_account_balance: update.own_balance.then_some(false),
            };
            let answer = call(|| {
                self.api()
                    .modify_subaccount(self.primary(), subaccount_key, &body)
            })
            .await?;
            Ok(answer.map(Subaccount::from))
        })
    }

    /// Suspends a sub-account: [`update`](Self::update) with `{"suspended": true}`.
    pub fn suspend(
        &self,
        subaccount_key: &str,
    ) -> Call<impl Future<Output = Result<Answer<Subaccount>, Error>>> {
        let update = SubaccountUpdate::new().suspend();
        Call::new(async move { self.update(subaccount_key, &update).with_meta().await })
    }

    /// Reactivates a suspended sub-account: [`update`](Self::update) with
    /// `{"suspended": false}`.
    pub fn reactivate(
        &self,
        subaccount_key: &str,
    ) -> Call<impl Future<Output = Result<Answer<Subaccount>, Error>>> {
        let update = SubaccountUpdate::new().reactivate();
        Call::new(async move { self.update(subaccount_key, &update).with_meta().await })
    }

    /// Moves credit limit between the primary account and a sub-account
    /// (`POST /accounts/{key}/credit-transfers`).
    ///
    /// Never sent twice: when the answer is lost the error is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown), with the reference to
    /// look for ([`settle`](Self::settle)). Not enough credit to give is
    /// [`ErrorKind::InvalidTransfer`](crate::ErrorKind::InvalidTransfer).
    pub fn transfer_credit(
        &self,
        transfer: &MoneyTransfer,
    ) -> Call<impl Future<Output = Result<Answer<Transfer>, Error>>> {
        Call::new(self.transfer(TransferKind::Credit, transfer))
    }

    /// Moves balance between the primary account and a sub-account
    /// (`POST /accounts/{key}/balance-transfers`); the source can give
    /// `|balance - credit_limit|`. Never sent twice, as
    /// [`transfer_credit`](Self::transfer_credit).
    pub fn transfer_balance(
        &self,
        transfer: &MoneyTransfer,
    ) -> Call<impl Future<Output = Result<Answer<Transfer>, Error>>> {
        Call::new(self.transfer(TransferKind::Balance, transfer))
    }

    async fn transfer(
        &self,
        kind: TransferKind,
        transfer: &MoneyTransfer,
    ) -> Result<Answer<Transfer>, Error> {
        let amount = transfer.check(self.primary())?;
        let reference = transfer
            .reference
            .clone()
            .unwrap_or_else(request::new_reference);
        let body = wire_types::TransferRequest {
            from: transfer.from.clone(),
            to: transfer.to.clone(),
            amount: amount.clone(),
            reference: Some(reference.clone()),
        };
        let (operation, sent_at) = (kind.operation(), Utc::now());
        let answer = match kind {
            TransferKind::Credit => {
                call(|| self.api().transfer_credit(self.primary(), &body)).await
            }
            TransferKind::Balance => {
                call(|| self.api().transfer_balance(self.primary(), &body)).await
            }
        };
        let asked = || Asked::Transfer {
            kind,
            reference: reference.clone(),
            from: transfer.from.clone(),
            to: transfer.to.clone(),
            amount: amount.clone(),
        };
        // A 2xx without an id in any spelling was made, but cannot be named: unknown too.
        answer
            .and_then(transfer_of)
            .map_err(|e| outcome::classify(e, operation, sent_at, asked))
    }

    /// The credit transfers the filter selects (`GET /accounts/{key}/credit-transfers`),
    /// newest first as the API lists them.
    pub fn credit_transfers(
        &self,
        filter: &TransferFilter,
    ) -> Call<impl Future<Output = Result<Answer<Vec<Transfer>>, Error>>> {
        Call::new(self.transfers(TransferKind::Credit, filter))
    }

    /// The balance transfers the filter selects (`GET /accounts/{key}/balance-transfers`),
    /// newest first as the API lists them.
    pub fn balance_transfers(
        &self,
        filter: &TransferFilter,
    ) -> Call<impl Future<Output = Result<Answer<Vec<Transfer>>, Error>>> {
        Call::new(self.transfers(TransferKind::Balance, filter))
    }

    async fn transfers(
        &self,
        kind: TransferKind,
        filter: &TransferFilter,
    ) -> Result<Answer<Vec<Transfer>>, Error> {
        let (start, end, subaccounts) = filter.check()?;
        let subaccounts = (!subaccounts.is_empty()).then_some(subaccounts);
        let (end, subaccounts) = (end.as_deref(), subaccounts.as_ref());
        match kind {
            TransferKind::Credit => {
                let answer = call(|| {
                    self.api()
                        .retrieve_credit_transfers(self.primary(), end, &start, subaccounts)
                })
                .await?;
                let items = answer.value.embedded.credit_transfers.clone();
                transfers_of(answer, items.unwrap_or_default())
            }
            TransferKind::Balance => {
                let answer = call(|| {
                    self.api()
                        .retrieve_balance_transfers(self.primary(), end, &start, subaccounts)
                })
                .await?;
                let items = answer.value.embedded.balance_transfers.clone();
                transfers_of(answer, items)
            }
        }
    }

    /// Moves a number to another account of the primary (`POST /accounts/{key}/transfer-number`).
    ///
    /// Never sent twice by the crate; when the answer is lost the error is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown). A number cannot move
    /// twice, so the caller may send it again, marked
    /// [`after_unknown_outcome`](NumberMove::after_unknown_outcome): then a refusal that the
    /// number is not `from`'s or is `to`'s already is `OutcomeUnknown` too ("check who owns
    /// it"), never a plain refusal.
    pub fn transfer_number(
        &self,
        transfer: &NumberMove,
    ) -> Call<impl Future<Output = Result<Answer<NumberTransfer>, Error>>> {
        Call::new(async move {
            let (number, country) = transfer.check()?;
            let body = wire_types::TransferNumberRequest {
                from: transfer.from.clone(),
                to: transfer.to.clone(),
                number: number.clone(),
                country: country.clone(),
            };
            let asked = || Asked::NumberTransfer {
                number: number.clone(),
                country: country.clone(),
                from: transfer.from.clone(),
                to: transfer.to.clone(),
            };
            let sent_at = Utc::now();
            let answer = call(|| self.api().transfer_number(self.primary(), &body))
                .await
                .map_err(|e| {
                    let e = outcome::classify(e, Operation::TransferNumber, sent_at, asked);
                    if transfer.after_unknown_outcome {
                        outcome::number_refusal_after_unknown(e, asked(), sent_at)
                    } else {
                        e
                    }
                })?;
            Ok(answer.map(NumberTransfer::from))
        })
    }

    /// The transfer of `kind` with `reference`, made since `since`, if the ledger has it:
    /// how a transfer whose outcome was unknown is settled. Searches the transfers of the
    /// sub-account `subaccount` (the side of the transfer that is not the primary).
    pub async fn find_transfer(
        &self,
        kind: TransferKind,
        reference: &str,
        since: chrono::DateTime<Utc>,
        subaccount: &str,
    ) -> Result<Option<Transfer>, Error> {
        let filter = TransferFilter::since(since).subaccount(subaccount);
        let listed = match kind {
            TransferKind::Credit => self.credit_transfers(&filter).await?,
            TransferKind::Balance => self.balance_transfers(&filter).await?,
        };
        Ok(listed
            .into_iter()
            .find(|t| t.reference.as_deref() == Some(reference)))
    }

    /// The sub-accounts named `name` created at `since` or later, newest first: how a create
    /// whose outcome was unknown is settled. Names are not unique, so more than one may match.
    pub async fn find_created(
        &self,
        name: &str,
        since: chrono::DateTime<Utc>,
    ) -> Result<Vec<Subaccount>, Error> {
        let list = self.list().await?;
        let mut found: Vec<Subaccount> = list
            .subaccounts
            .into_iter()
            .filter(|s| s.name == name && s.created_at >= since)
            .collect();
        found.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok(found)
    }

    /// Finds out what became of a call whose outcome was unknown: looks for the transfer's
    /// reference in the ledger, or for the sub-account by name and creation time, since the
    /// send time less [`SETTLE_CLOCK_MARGIN`].
    ///
    /// [`Settlement::NotFound`] means the ledger (or the list) does not show it now; a call is
    /// sent again only after that.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = vonage_account_fake::FakeVonage::start().await;
    /// # let client = fake.client();
    /// # let own = vonage_account_fake::SubaccountPatch { own_balance: Some("0".into()), ..Default::default() };
    /// # fake.update_subaccount("sub12345", &own)?;
    /// use vonage_account::{MoneyTransfer, Operation, Settlement};
    /// use vonage_account_fake::Fault;
    ///
    /// // The transfer is made, then the connection drops before the answer.
    /// fake.inject(Fault::commit_then_drop().on(Operation::TransferBalance));
    /// let subaccounts = client.subaccounts();
    /// let transfer = MoneyTransfer::new(client.api_key(), "sub12345", "1.50");
    /// let err = subaccounts.transfer_balance(&transfer).await.unwrap_err();
    /// let unknown = err.outcome_unknown().expect("the outcome is unknown");
    /// match subaccounts.settle(unknown).await? {
    ///     Settlement::Transferred(t) => println!("it was made: {}", t.id),
    ///     Settlement::NotFound => println!("not made: send it again"),
    ///     other => println!("{other:?}"),
    /// }
    /// # assert!(matches!(subaccounts.settle(unknown).await?, Settlement::Transferred(_)));
    /// # Ok(()) }
    /// ```
    pub async fn settle(&self, unknown: &UnknownOutcome) -> Result<Settlement, Error> {
        let since = unknown.search_from();
        match &unknown.asked {
            Asked::Transfer {
                kind,
                reference,
                from,
                to,
                ..
            } => {
                let sub = if from == self.primary() { to } else { from };
                Ok(
                    match self.find_transfer(*kind, reference, since, sub).await? {
                        Some(t) => Settlement::Transferred(t),
                        None => Settlement::NotFound,
                    },
                )
            }
            Asked::Create { name } => {
                let found = self.find_created(name, since).await?;
                Ok(if found.is_empty() {
                    Settlement::NotFound
                } else {
                    Settlement::Created(found)
                })
            }
            Asked::NumberTransfer { .. } => Ok(Settlement::CheckNumberOwner),
        }
    }
}

impl TransferKind {
    /// The operation that makes a transfer of this kind.
    pub const fn operation(self) -> Operation {
        match self {
            TransferKind::Credit => Operation::TransferCredit,
            TransferKind::Balance => Operation::TransferBalance,
        }
    }
}

/// The transfer of an answer; one without an id in any spelling is undecodable.
fn transfer_of(answer: Answer<wire_types::Transfer>) -> Result<Answer<Transfer>, Error> {
    let Answer { value, meta } = answer;
    match Transfer::from_wire(value) {
        Some(value) => Ok(Answer { value, meta }),
        None => Err(no_id(&meta)),
    }
}

/// The transfers of a list answer.
fn transfers_of<T>(
    answer: Answer<T>,
    items: Vec<wire_types::Transfer>,
) -> Result<Answer<Vec<Transfer>>, Error> {
    let meta = answer.meta;
    let transfers = items
        .into_iter()
        .map(Transfer::from_wire)
        .collect::<Option<Vec<_>>>();
    match transfers {
        Some(value) => Ok(Answer { value, meta }),
        None => Err(no_id(&meta)),
    }
}

fn no_id(meta: &crate::ResponseMeta) -> Error {
    Error::Decode {
        status: meta.status,
        request_id: meta.request_id.clone(),
        reason: "a transfer has no id (`id`, `credit_transfer_id` or `balance_transfer_id`)".into(),
        excerpt: String::new(),
    }
}
