//! Which handler answers a request: the operation table's [`Operation`] for its method and path,
//! matched exhaustively, so an operation added to a spec does not compile here until it has a
//! handler.

use axum::http::HeaderMap;

use super::{
    account,
    answers::{Answer, credentials, key_not_found, unauthorized},
    contract, pricing, secrets,
    state::Accounts,
    subaccounts::{self, Kind, as_primary},
};
use vonage_account::{Api, Operation};

/// A request as the handlers see it.
pub(crate) struct Incoming<'a> {
    pub(crate) operation: Option<Operation>,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    /// The webhook URLs that failed the check Vonage makes before saving them, as
    /// `(field, reason)` (only with [`Seed::check_webhooks`](super::Seed::check_webhooks)).
    pub(crate) webhook_refusals: &'a [(String, String)],
}

/// Authenticates the request, holds its body to the operation's contract, and hands it to its
/// operation's handler. What was accepted though it breaks the contract (lenient mode) is
/// added to `warnings`.
pub(crate) fn dispatch(
    accounts: &mut Accounts,
    request: &Incoming<'_>,
    warnings: &mut Vec<String>,
) -> Answer {
    let Some(operation) = request.operation else {
        return contract::no_operation(request.path);
    };
    let behaviour = accounts.behaviour;
    let refused = || unauthorized(operation.api(), behaviour.account_401);
    let Some(caller) = authenticated(accounts, request) else {
        return refused();
    };
    let body = match contract::check_body(
        operation,
        request.headers,
        request.body,
        behaviour.lenient,
        warnings,
    ) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let body = &*body;
    let service = operation
        .path_param(request.path, "type")
        .unwrap_or_default();
    match operation {
        Operation::GetAccountBalance => own(accounts, &caller, account::balance),
        Operation::TopUpAccountBalance => own(accounts, &caller, |a| {
            account::top_up(a, body, behaviour.top_up_refusal)
        }),
        Operation::ChangeAccountSettings => own(accounts, &caller, |a| {
            account::change_settings(a, body, request.webhook_refusals)
        }),
        Operation::RetrievePricingCountry => {
            pricing::country(&mut accounts.prices, service, request.query)
        }
        Operation::RetrievePricingAllCountries => {
            pricing::all_countries(&mut accounts.prices, service)
        }
        Operation::RetrievePrefixPricing => {
            pricing::prefix(&mut accounts.prices, service, request.query)
        }
        Operation::RetrieveApiSecrets => {
            managed(accounts, &caller, operation, request.path, |key, a| {
                secrets::list(key, a)
            })
        }
        Operation::CreateApiSecret => {
            managed(accounts, &caller, operation, request.path, |key, a| {
                secrets::create(key, a, body)
            })
        }
        Operation::RetrieveApiSecret => {
            let id = operation.path_param(request.path, "secret_id");
            managed(accounts, &caller, operation, request.path, |key, a| {
                secrets::get(key, a, id.unwrap_or_default())
            })
        }
        Operation::RevokeApiSecret => {
            let id = operation.path_param(request.path, "secret_id");
            managed(accounts, &caller, operation, request.path, |_, a| {
                secrets::revoke(a, id.unwrap_or_default())
            })
        }
        Operation::RetrieveSubaccountsList => {
            as_primary(accounts, &caller, operation, request.path, |a| {
                subaccounts::list(a)
            })
        }
        Operation::CreateSubAccount => {
            as_primary(accounts, &caller, operation, request.path, |a| {
                subaccounts::create(a, body)
            })
        }
        Operation::RetrieveSubaccount => {
            let sub = operation.path_param(request.path, "subaccount_key");
            as_primary(accounts, &caller, operation, request.path, |a| {
                subaccounts::get(a, sub.unwrap_or_default())
            })
        }
        Operation::ModifySubaccount => {
            let sub = operation.path_param(request.path, "subaccount_key");
            as_primary(accounts, &caller, operation, request.path, |a| {
                subaccounts::modify(a, sub.unwrap_or_default(), body)
            })
        }
        Operation::RetrieveCreditTransfers => {
            as_primary(accounts, &caller, operation, request.path, |a| {
                subaccounts::transfers(a, Kind::Credit, request.query)
            })
        }
        Operation::TransferCredit => as_primary(accounts, &caller, operation, request.path, |a| {
            subaccounts::transfer(a, Kind::Credit, body)
        }),
        Operation::RetrieveBalanceTransfers => {
            as_primary(accounts, &caller, operation, request.path, |a| {
                subaccounts::transfers(a, Kind::Balance, request.query)
            })
        }
        Operation::TransferBalance => as_primary(accounts, &caller, operation, request.path, |a| {
            subaccounts::transfer(a, Kind::Balance, body)
        }),
        Operation::TransferNumber => as_primary(accounts, &caller, operation, request.path, |a| {
            subaccounts::transfer_number(a, body)
        }),
    }
}

/// The API key of the caller, when its credentials are valid for the request's API.
pub(crate) fn authenticated(accounts: &Accounts, request: &Incoming<'_>) -> Option<String> {
    // The Account API also takes the legacy query-parameter credentials; the others only Basic.
    let allow_query = match request.operation?.api() {
        Api::Account => true,
        Api::Secrets | Api::Subaccounts => false,
    };
    let (caller, secret) = credentials(request.headers, request.query, allow_query)?;
    accounts.authenticate(&caller, &secret).then_some(caller)
}

/// Runs `handler` on the caller's own account.
fn own(
    accounts: &mut Accounts,
    caller: &str,
    handler: impl FnOnce(&mut super::state::AccountState) -> Answer,
) -> Answer {
    let shape = accounts.behaviour.account_401;
    match accounts.by_key.get_mut(caller) {
        Some(account) => handler(account),
        // Authenticated callers have an account; answer as for wrong credentials all the same.
        None => unauthorized(Api::Account, shape),
    }
}

/// Runs `handler` on the account named by the path's `api_key`, when the caller may manage it
/// (its own, or a sub-account it owns).
fn managed(
    accounts: &mut Accounts,
    caller: &str,
    operation: Operation,
    path: &str,
    handler: impl FnOnce(&str, &mut super::state::AccountState) -> Answer,
) -> Answer {
    let target = operation.path_param(path, "api_key").unwrap_or_default();
    if !accounts.may_manage(caller, target) {
        // The same answer for a key that does not exist and one that is not the caller's.
        return key_not_found(target);
    }
    match accounts.by_key.get_mut(target) {
        Some(account) => handler(target, account),
        None => key_not_found(target),
    }
}
