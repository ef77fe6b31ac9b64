//! The operation table: every operation of the specs in `openapi/`, with its method, path, API,
//! retry class and request body. `build.rs` generates it from the same parse that generates the clients, so
//! an operation added to a spec appears here, and every exhaustive `match` on [`Operation`]
//! inside the crate (the fake server's router, for one) stops compiling until it is handled.

use std::fmt;

use crate::retry::RetryClass;

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// The request body an operation takes, as its spec describes it: what the fake server holds
/// requests to.
///
/// ```
/// use vonage_account::Operation;
/// let body = Operation::TopUpAccountBalance.request_body().unwrap();
/// assert_eq!(body.media_type, "application/x-www-form-urlencoded");
/// assert_eq!(body.fields, ["trx"]);
/// assert!(Operation::GetAccountBalance.request_body().is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RequestBody {
    /// Its media type (`application/json`, `application/x-www-form-urlencoded`).
    pub media_type: &'static str,
    /// Whether the spec requires it.
    pub required: bool,
    /// The fields the spec defines for it, in spec order.
    pub fields: &'static [&'static str],
}

impl Operation {
    /// The operation a request's method and path belong to, if any.
    ///
    /// ```
    /// use vonage_account::Operation;
    /// assert_eq!(
    ///     Operation::of("DELETE", "/accounts/abcd1234/secrets/ad6dc56f"),
    ///     Some(Operation::RevokeApiSecret)
    /// );
    /// assert_eq!(Operation::of("GET", "/account/nothing-here"), None);
    /// ```
    pub fn of(method: &str, path: &str) -> Option<Operation> {
        Operation::ALL
            .iter()
            .copied()
            .find(|op| op.method().eq_ignore_ascii_case(method) && op.matches_path(path))
    }

    /// The operation whose `operationId` is `id`.
    pub fn from_id(id: &str) -> Option<Operation> {
        Operation::ALL.iter().copied().find(|op| op.id() == id)
    }

    /// Whether `path` (without a query) fits this operation's path template; each `{name}`
    /// matches one non-empty segment.
    pub fn matches_path(self, path: &str) -> bool {
        self.path_params(path).is_some()
    }

    /// The value of the path parameter `name` (`api_key` in `/accounts/{api_key}/secrets`) in
    /// `path`, when `path` fits the template.
    ///
    /// ```
    /// use vonage_account::Operation;
    /// let path = "/accounts/abcd1234/secrets";
    /// assert_eq!(Operation::RetrieveApiSecrets.path_param(path, "api_key"), Some("abcd1234"));
    /// ```
    pub fn path_param<'p>(self, path: &'p str, name: &str) -> Option<&'p str> {
        self.path_params(path)?
            .find(|(param, _)| *param == name)
            .map(|(_, value)| value)
    }

    /// The `(name, value)` of each path parameter, or `None` when `path` does not fit.
    fn path_params<'p>(
        self,
        path: &'p str,
    ) -> Option<impl Iterator<Item = (&'static str, &'p str)>> {
        let template: Vec<&'static str> = segments(self.path_template()).collect();
        let actual: Vec<&'p str> = segments(path).collect();
        let fits = template.len() == actual.len()
            && template.iter().zip(&actual).all(|(t, a)| {
                if t.starts_with('{') {
                    !a.is_empty()
                } else {
                    t == a
                }
            });
        fits.then(|| {
            template
                .into_iter()
                .zip(actual)
                .filter_map(|(t, a)| Some((t.strip_prefix('{')?.strip_suffix('}')?, a)))
        })
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/')
}

impl fmt::Display for Operation {
    /// The `operationId`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl fmt::Display for Api {
    /// The spec's title.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_found_by_its_own_method_and_path() {
        for &op in Operation::ALL {
            let concrete = op.path_template().replace('{', "x").replace('}', "");
            assert_eq!(Operation::of(op.method(), &concrete), Some(op), "{op}");
            assert_eq!(Operation::from_id(op.id()), Some(op));
            assert_eq!(
                Operation::from_generated(&op.id().chars().fold(String::new(), |mut s, c| {
                    if c.is_ascii_uppercase() {
                        s.push('_');
                    }
                    s.push(c.to_ascii_lowercase());
                    s
                })),
                Some(op)
            );
        }
    }

    #[test]
    fn paths_match_segment_by_segment() {
        let op = Operation::RetrieveApiSecret;
        assert!(op.matches_path("/accounts/k/secrets/id"));
        assert!(op.matches_path("accounts/k/secrets/id/"));
        assert!(!op.matches_path("/accounts//secrets/id"));
        assert!(!op.matches_path("/accounts/k/secrets"));
        assert!(!op.matches_path("/accounts/k/secrets/id/more"));
        assert_eq!(
            op.path_param("/accounts/k/secrets/id", "secret_id"),
            Some("id")
        );
        assert_eq!(op.path_param("/accounts/k/secrets/id", "nope"), None);
        assert_eq!(Operation::of("PATCH", "/accounts/k/secrets/id"), None);
    }
}
