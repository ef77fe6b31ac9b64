//! Taking the credentials out of what the other side sent back.
//!
//! Servers, proxies, WAFs and debug gateways reflect requests in their error pages: the
//! `Authorization` header, the query string, the body. Before any part of an answer reaches an
//! [`Error`](crate::Error), a log line or the CLI, a [`Redactor`] built from the credentials the
//! request carried replaces each of them with [`REDACTED`], wherever it appears and however it
//! is spelled there:
//!
//! - the API secret (which also covers the decoded `key:secret`), the Basic value
//!   (`base64(key:secret)`, standard and URL-safe alphabets, with or without padding), and a new
//!   secret being created;
//! - each of them literally, percent-encoded (`%21`, `%2521`, either case of hex, `+` or a space
//!   for `+`), JSON-escaped (`\"`, `\/`, `\u0021`), backslash-escaped (`\x21`) or as HTML
//!   character references (`&amp;`, `&#33;`, `&#x21;`), each character in any of these forms.
//!
//! JSON bodies are redacted after they are parsed, string by string (keys too), so a secret
//! spelled with JSON escapes is caught in its decoded form; text is redacted whole before it is
//! cut to an excerpt, so half a secret is never left at the cut. Only error paths build a
//! `Redactor`; a successful call does none of this work.

use std::borrow::Cow;

use secrecy::{ExposeSecret as _, SecretString};
use zeroize::{Zeroize as _, Zeroizing};

use crate::credentials::Credentials;

/// What a credential is replaced with.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Replaces the credentials of one request wherever they appear in text from its answer.
/// Its copies of the credentials are zeroed on drop.
#[derive(Default)]
pub(crate) struct Redactor {
    /// The spellings to look for, longest first, each visible ASCII.
    needles: Vec<Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("needles", &self.needles.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor for a request that carried `credentials` (when known) and, for a create or a
    /// rotation, `new_secret`.
    pub(crate) fn new(
        credentials: Option<&Credentials>,
        new_secret: Option<&SecretString>,
    ) -> Redactor {
        let mut redactor = Redactor::default();
        if let Some(credentials) = credentials {
            redactor.add(credentials.api_secret.expose_secret().as_bytes());
            let basic = credentials.basic_token();
            let basic = basic.trim_end_matches('=');
            redactor.add(basic.as_bytes());
            // The same bytes in the URL-safe alphabet, as some gateways re-encode them.
            let mut url_safe = Zeroizing::new(basic.as_bytes().to_vec());
            for b in url_safe.iter_mut() {
                *b = match *b {
                    b'+' => b'-',
                    b'/' => b'_',
                    other => other,
                };
            }
            redactor.add(&url_safe);
        }
        if let Some(secret) = new_secret {
            redactor.add(secret.expose_secret().as_bytes());
        }
        redactor
            .needles
            .sort_by_key(|needle| std::cmp::Reverse(needle.len()));
        redactor
    }

    fn add(&mut self, needle: &[u8]) {
        if !needle.is_empty() && !self.needles.iter().any(|n| n.as_slice() == needle) {
            self.needles.push(Zeroizing::new(needle.to_vec()));
        }
    }

    /// `text` with every credential replaced by [`REDACTED`]; borrowed when there was none.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.needles.is_empty() {
            return Cow::Borrowed(text);
        }
        let bytes = text.as_bytes();
        let mut out: Option<Vec<u8>> = None;
        let mut i = 0;
        while i < bytes.len() {
            let found = self
                .needles
                .iter()
                .find_map(|needle| match_at(bytes, i, needle));
            match found {
                Some(len) => {
                    let out = out.get_or_insert_with(|| bytes[..i].to_vec());
                    out.extend_from_slice(REDACTED.as_bytes());
                    i += len;
                }
                None => {
                    if let Some(out) = &mut out {
                        out.push(bytes[i]);
                    }
                    i += 1;
                }
            }
        }
        match out {
            None => Cow::Borrowed(text),
            // Every match starts and ends on an ASCII byte, so the text stays UTF-8.
            Some(out) => Cow::Owned(
                String::from_utf8(out)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        }
    }

    /// Redacts `text` in place, zeroing the text it replaces.
    pub(crate) fn redact_string(&self, text: &mut String) {
        if let Cow::Owned(redacted) = self.redact(text) {
            text.zeroize();
            *text = redacted;
        }
    }

    /// Redacts every string of a JSON value in place: values, object keys, and numbers whose
    /// digits spell a credential.
    pub(crate) fn redact_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        if self.needles.is_empty() {
            return;
        }
        match value {
            Value::String(s) => self.redact_string(s),
            Value::Number(n) => {
                let text = n.to_string();
                if let Cow::Owned(redacted) = self.redact(&text) {
                    *value = Value::String(redacted);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            Value::Object(map) => {
                if map.keys().any(|k| matches!(self.redact(k), Cow::Owned(_))) {
                    let old = std::mem::take(map);
                    for (mut key, v) in old {
                        self.redact_string(&mut key);
                        map.insert(key, v);
                    }
                }
                map.values_mut().for_each(|v| self.redact_json(v));
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
}

/// The length of a spelling of `needle` in `text` at `at`, if there is one there. Each byte of
/// the needle may be spelled in any of the forms [`spellings`] knows, independently.
fn match_at(text: &[u8], at: usize, needle: &[u8]) -> Option<usize> {
    fn go(text: &[u8], pos: usize, needle: &[u8]) -> Option<usize> {
        let Some((&b, rest)) = needle.split_first() else {
            return Some(pos);
        };
        spellings(text, pos, b).find_map(|len| go(text, pos + len, rest))
    }
    go(text, at, needle).map(|end| end - at)
}

/// The lengths of the spellings of the byte `b` that start at `text[pos]`.
fn spellings(text: &[u8], pos: usize, b: u8) -> impl Iterator<Item = usize> {
    let rest = text.get(pos..).unwrap_or_default();
    // The value of the hex digits at `range` (all of them hex digits: `from_str_radix` alone
    // would take a sign).
    let hex = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = rest.get(range)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let b32 = u32::from(b);
    let mut found = [None; 4];
    let mut push = |len: usize| {
        if let Some(slot) = found.iter_mut().find(|s| s.is_none()) {
            *slot = Some(len);
        }
    };
    match rest.first().copied() {
        Some(first) if first == b => push(1),
        _ => {}
    }
    match rest.first().copied() {
        // Percent-encoded, once or twice.
        Some(b'%') => {
            if hex(1..3) == Some(b32) {
                push(3);
            }
            if rest.get(1..3) == Some(b"25") && hex(3..5) == Some(b32) {
                push(5);
            }
        }
        // A form-encoded space for `+` (a `+` decoded as a space by the reflecting side).
        Some(b' ') if b == b'+' => push(1),
        // JSON and C-style escapes.
        Some(b'\\') => match rest.get(1).copied() {
            Some(b'u' | b'U') if hex(2..6) == Some(b32) => push(6),
            Some(b'x') if hex(2..4) == Some(b32) => push(4),
            Some(c) if c == b && matches!(b, b'"' | b'\\' | b'/' | b'\'') => push(2),
            _ => {}
        },
        // HTML character references.
        Some(b'&') => {
            let named: &[(&[u8], u8)] = &[
                (b"&amp;", b'&'),
                (b"&lt;", b'<'),
                (b"&gt;", b'>'),
                (b"&quot;", b'"'),
                (b"&apos;", b'\''),
            ];
            for (name, value) in named {
                if *value == b
                    && rest.len() >= name.len()
                    && rest[..name.len()].eq_ignore_ascii_case(name)
                {
                    push(name.len());
                }
            }
            if rest.get(1) == Some(&b'#') {
                let (radix, start) = match rest.get(2) {
                    Some(b'x' | b'X') => (16, 3),
                    _ => (10, 2),
                };
                let digits = rest[start.min(rest.len())..]
                    .iter()
                    .take_while(|c| {
                        if radix == 16 {
                            c.is_ascii_hexdigit()
                        } else {
                            c.is_ascii_digit()
                        }
                    })
                    .count();
                if (1..=8).contains(&digits) {
                    let value = std::str::from_utf8(&rest[start..start + digits])
                        .ok()
                        .and_then(|d| u32::from_str_radix(d, radix).ok());
                    if value == Some(b32) {
                        let end = start + digits;
                        // The `;` is optional in HTML for numeric references.
                        push(if rest.get(end) == Some(&b';') {
                            end + 1
                        } else {
                            end
                        });
                    }
                }
            }
        }
        _ => {}
    }
    found.into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;

    fn redactor(secret: &str) -> Redactor {
        let credentials = Credentials::new("key1".into(), SecretString::from(secret.to_owned()));
        Redactor::new(
            Some(&credentials),
            Some(&SecretString::from("N3w-S3cret!x")),
        )
    }

    #[test]
    fn every_spelling_of_a_credential_is_redacted() {
        let r = redactor("Ech0&S3c\"t/+<x");
        let basic = base64::engine::general_purpose::STANDARD.encode("key1:Ech0&S3c\"t/+<x");
        let url_safe =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("key1:Ech0&S3c\"t/+<x");
        for text in [
            "Ech0&S3c\"t/+<x".to_owned(),
            "api_secret=Ech0%26S3c%22t%2F%2B%3Cx&api_key=key1".to_owned(),
            "api_secret=Ech0%26S3c%22t%2f%2b%3cx".to_owned(),
            "Ech0%2526S3c%2522t%252F%252B%253Cx".to_owned(),
            "Ech0&S3c\"t/ <x".to_owned(),
            r#"Ech0\u0026S3c\"t\/+\u003cx"#.to_owned(),
            r"Ech0\x26S3c\x22t/+\x3Cx".to_owned(),
            "Ech0&amp;S3c&quot;t/+&lt;x".to_owned(),
            "Ech0&#38;S3c&#x22;t&#47;&#43;&#060x".to_owned(),
            format!("Authorization: Basic {basic}"),
            format!("Authorization: Basic {}", basic.trim_end_matches('=')),
            format!("token {url_safe}"),
            format!("key1:{}", "Ech0&S3c\"t/+<x"),
            "new N3w-S3cret!x and N3w-S3cret%21x".to_owned(),
        ] {
            let out = r.redact(&text);
            assert!(out.contains(REDACTED), "{text} -> {out}");
            for fragment in ["Ech0", "S3c", "N3w-", "S3cret"] {
                assert!(!out.contains(fragment), "{text} -> {out}");
            }
            assert!(!out.contains(&basic[..20]), "{text} -> {out}");
        }
    }

    #[test]
    fn text_without_a_credential_is_borrowed_and_unchanged() {
        let r = redactor("Abcdef123456");
        for text in [
            "",
            "plain",
            "Abcdef12345 almost",
            "%41bcdef1234 also almost",
            "&#65;",
        ] {
            assert!(
                matches!(r.redact(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
        assert!(matches!(
            Redactor::default().redact("Abcdef123456"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn redaction_keeps_the_text_around_and_utf8() {
        let r = redactor("Abcdef123456");
        assert_eq!(
            r.redact("é Abcdef123456 ü Abcdef123456é"),
            "é [REDACTED] ü [REDACTED]é"
        );
    }

    #[test]
    fn json_strings_keys_and_numbers_are_redacted() {
        let r = redactor("Abcdef123456");
        let digits = Redactor::new(
            Some(&Credentials::new(
                "k".into(),
                SecretString::from("12345678"),
            )),
            None,
        );
        let mut value = serde_json::json!({
            "detail": "secret Abcdef123456",
            "invalid_parameters": {"Abcdef123456": "bad"},
            "list": [{"reason": "N3w-S3cret!x"}],
            "n": 1
        });
        r.redact_json(&mut value);
        assert_eq!(
            value,
            serde_json::json!({
                "detail": "secret [REDACTED]",
                "invalid_parameters": {"[REDACTED]": "bad"},
                "list": [{"reason": "[REDACTED]"}],
                "n": 1
            })
        );
        let mut number = serde_json::json!({"code": 12345678});
        digits.redact_json(&mut number);
        assert_eq!(number, serde_json::json!({"code": "[REDACTED]"}));
    }
}
