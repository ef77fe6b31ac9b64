//! The contract the fake holds requests to, from the specs' operation table: the method a path
//! takes (405 with `Allow`), the media type of a body (415), and its fields (400 naming an
//! unknown one, with the documented spelling when one is close). In lenient mode the last two
//! are accepted with a warning instead.

use std::borrow::Cow;

use axum::http::{HeaderMap, StatusCode, header};

use super::answers::{Answer, PROBLEM, answer, invalid_parameters};
use vonage_account::{Operation, RequestBody};

/// The most unknown fields of one request that an answer or the warnings name; the rest are
/// counted.
const MAX_NAMED_FIELDS: usize = 20;

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// The answer for a path no operation serves with this method: 405 with `Allow` when another
/// method serves it, 404 otherwise.
pub(crate) fn no_operation(path: &str) -> Answer {
    let mut allowed: Vec<&str> = Operation::ALL
        .iter()
        .filter(|op| op.matches_path(path))
        .map(|op| op.method())
        .collect();
    if allowed.is_empty() {
        return super::answers::not_found();
    }
    allowed.sort_unstable();
    allowed.dedup();
    let allow = allowed.join(", ");
    let mut refused = answer(
        StatusCode::METHOD_NOT_ALLOWED,
        PROBLEM,
        serde_json::json!({
            "type": "https://developer.vonage.com/api-errors#method-not-allowed",
            "title": "Method Not Allowed",
            "detail": format!("This path takes {allow}"),
            "instance": uuid::Uuid::new_v4().to_string(),
        }),
    );
    refused.headers.push(("allow", allow));
    refused
}

/// Checks the body of a request for `operation` against what the spec says the operation takes,
/// and hands back the body its handler should read (the same bytes, or in lenient mode a body
/// converted to the media type the operation takes). Only a request that carries a body is
/// judged by its `Content-Type`: a bodiless GET labelled `application/json` is fine.
pub(crate) fn check_body<'b>(
    operation: Operation,
    headers: &HeaderMap,
    body: &'b [u8],
    lenient: bool,
    warnings: &mut Vec<String>,
) -> Result<Cow<'b, [u8]>, Answer> {
    if body.is_empty() {
        return Ok(Cow::Borrowed(body));
    }
    let sent = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(essence);
    let Some(takes) = operation.request_body() else {
        let what = format!("{operation} takes no request body, but one was sent");
        if lenient {
            warnings.push(format!("{what}; ignored"));
            return Ok(Cow::Borrowed(&[]));
        }
        return Err(unsupported(&what));
    };
    let mut body = Cow::Borrowed(body);
    if sent.as_deref() != Some(takes.media_type) {
        let what = format!(
            "{operation} takes {}, but the body was sent as {}",
            takes.media_type,
            sent.as_deref().unwrap_or("no Content-Type")
        );
        if !lenient {
            return Err(unsupported(&what));
        }
        warnings.push(format!(
            "{what}; read as {}",
            sent.as_deref().unwrap_or(takes.media_type)
        ));
        if let Some(converted) = convert(&body, sent.as_deref(), takes.media_type) {
            body = Cow::Owned(converted);
        }
    }
    let names = field_names(&body, takes.media_type).map_err(|reason| {
        invalid_parameters(
            operation.api(),
            &format!("The request body is not valid {}", takes.media_type),
            &[("body".to_owned(), reason)],
        )
    })?;
    // Named one by one up to a bound, the rest counted: a body of 100,000 unknown fields must
    // not make an answer (or warnings) of millions of bytes.
    let mut unknown: Vec<(String, String)> = Vec::new();
    let mut unnamed = 0_usize;
    for name in names {
        if takes.fields.contains(&name.as_str()) {
            continue;
        }
        if unknown.len() == MAX_NAMED_FIELDS {
            unnamed += 1;
            continue;
        }
        let reason = match closest(&name, takes) {
            Some(documented) => {
                format!("Is not a field of this request; did you mean {documented}?")
            }
            None => format!(
                "Is not a field of this request (it takes {})",
                takes.fields.join(", ")
            ),
        };
        unknown.push((name, reason));
    }
    let more = match unnamed {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    if unknown.is_empty() {
        return Ok(body);
    }
    if lenient {
        for (name, reason) in &unknown {
            warnings.push(format!("unknown field {name}: {reason}; ignored"));
        }
        if unnamed > 0 {
            warnings.push(format!("{unnamed} more unknown fields; ignored"));
        }
        return Ok(body);
    }
    let named: Vec<&str> = unknown.iter().map(|(n, _)| n.as_str()).collect();
    Err(invalid_parameters(
        operation.api(),
        &format!(
            "The request has a field the API does not define: {}{more}",
            named.join(", ")
        ),
        &unknown,
    ))
}

/// The media type of a `Content-Type` value, lower case, without parameters.
fn essence(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn unsupported(detail: &str) -> Answer {
    answer(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        PROBLEM,
        serde_json::json!({
            "type": "https://developer.vonage.com/api-errors#unsupported-media-type",
            "title": "Unsupported Media Type",
            "detail": detail,
            "instance": uuid::Uuid::new_v4().to_string(),
        }),
    )
}

/// The top-level field names of a body of media type `media_type`, or why it cannot be read.
fn field_names(body: &[u8], media_type: &str) -> Result<Vec<String>, String> {
    match media_type {
        FORM => serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(|pairs| pairs.into_iter().map(|(name, _)| name).collect())
            .map_err(|e| format!("Is not a form: {e}")),
        JSON => match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(map)) => Ok(map.keys().cloned().collect()),
            Ok(_) => Err("Is not a JSON object".to_owned()),
            Err(e) => Err(format!("Is not JSON: {e}")),
        },
        // A media type the fake does not read: no fields to judge.
        _ => Ok(Vec::new()),
    }
}

/// A body sent as `sent` rewritten as `takes` (JSON object <-> form), when that is possible.
fn convert(body: &[u8], sent: Option<&str>, takes: &str) -> Option<Vec<u8>> {
    match (sent, takes) {
        (Some(JSON), FORM) => {
            let serde_json::Value::Object(map) = serde_json::from_slice(body).ok()? else {
                return None;
            };
            let pairs: Vec<(String, String)> = map
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect();
            serde_urlencoded::to_string(pairs)
                .ok()
                .map(String::into_bytes)
        }
        (Some(FORM), JSON) => {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
            let map: serde_json::Map<String, serde_json::Value> = pairs
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect();
            serde_json::to_vec(&map).ok()
        }
        _ => None,
    }
}

/// The documented field `name` was probably meant as: the same but for case, or at most two
/// edits away.
fn closest(name: &str, takes: RequestBody) -> Option<&'static str> {
    if let Some(same) = takes.fields.iter().find(|f| f.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    takes
        .fields
        .iter()
        .map(|f| (edit_distance(name, f), *f))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, f)| f)
}

/// The Levenshtein distance between two short strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(current).min(row[j])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        let settings = Operation::ChangeAccountSettings.request_body().unwrap();
        assert_eq!(closest("moCallbackUrl", settings), Some("moCallBackUrl"));
        assert_eq!(closest("drCallbackURL", settings), Some("drCallBackUrl"));
        assert_eq!(
            closest("httpForwardMetod", settings),
            Some("httpForwardMethod")
        );
        assert_eq!(closest("webhook", settings), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn bodies_convert_between_json_and_form() {
        let form = convert(br#"{"trx":"a b","n":1}"#, Some(JSON), FORM).unwrap();
        assert_eq!(String::from_utf8(form).unwrap(), "n=1&trx=a+b");
        let json = convert(b"secret=Abc%2F1", Some(FORM), JSON).unwrap();
        assert_eq!(String::from_utf8(json).unwrap(), r#"{"secret":"Abc/1"}"#);
        assert_eq!(
            essence("Application/JSON; charset=utf-8"),
            "application/json"
        );
    }
}
