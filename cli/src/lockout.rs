//! The lock-out guard of `secrets revoke` and `secrets rotate --retire`: the secret this run
//! authenticates with is never revoked (every process that holds it would stop working), and
//! when it cannot be told which secret that is, nothing is revoked without a yes.
//!
//! The id in use comes from `--api-secret-id`, `VONAGE_API_SECRET_ID` or the profile, else from
//! the record `secrets rotate --stage` left (see `state.rs`). With `--for` another key's secret
//! is revoked: nothing is at risk for the caller, and nothing is asked.

use crate::{
    output::{Failure, shown},
    profiles::{Effective, InUse},
    prompt,
};

/// What is about to revoke a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoking {
    /// `secrets revoke ID`.
    Revoke,
    /// `secrets rotate --retire ID`.
    Retire,
}

/// Goes on, or refuses with nothing sent: `id` of `api_key` is about to be revoked by a client
/// of `own_key`; `yes` is the command's `--yes`.
pub fn guard(
    effective: &Effective,
    own_key: &str,
    api_key: &str,
    id: &str,
    yes: bool,
    revoking: Revoking,
) -> Result<(), Failure> {
    if api_key != own_key {
        return Ok(());
    }
    match effective.in_use()? {
        InUse::Known { id: used, how } if used == id => {
            let (verb, next) = match revoking {
                Revoking::Revoke => (
                    "revoke",
                    "stage a new secret first (vonage-account secrets rotate --stage), roll it out, \
                     then retire this one with the new secret",
                ),
                Revoking::Retire => (
                    "retire",
                    "retire it with a client that uses the new secret: run this again with the \
                     new secret in VONAGE_API_SECRET (or --api-secret-file) and its id in \
                     VONAGE_API_SECRET_ID",
                ),
            };
            Err(Failure::Refused(
                "secret-in-use",
                format!(
                    "refusing to {verb} secret {} of {}: it is the secret this command \
                     authenticates with (as {how} says), and every process that holds it would \
                     stop working; {next} (nothing was sent)",
                    shown(id),
                    shown(api_key)
                ),
            ))
        }
        InUse::Known { .. } => Ok(()),
        InUse::Unknown => prompt::confirm(
            yes,
            &format!(
                "It is not known which secret of {key} this command authenticates with (set \
                 VONAGE_API_SECRET_ID or --api-secret-id, or stage with `vonage-account secrets \
                 rotate --stage`, to tell): if it is {id}, revoking it stops this command and \
                 every process that holds it.",
                key = shown(api_key),
                id = shown(id)
            ),
        ),
    }
}
