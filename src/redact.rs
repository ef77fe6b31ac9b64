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
//! - each of them literally, percent-encoded (`%21`, either case of hex, a space for `+`),
//!   JSON-escaped (`\"`, `\/`, `\u0021`), backslash-escaped (`\x21`) or as HTML character
//!   references (`&amp;`, `&#33;`, `&#x21;`), each character in any of these forms, and escapes
//!   inside escapes two deep (`%2521`, `\&quot;`, `%5C%22`).
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

/// How many times a text is decoded, each time looking for the credentials again: escapes
/// inside escapes two deep (`%2521`, `\&quot;`, `%5C%22`) are found.
const DECODINGS: usize = 2;

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
            // The Basic value with and without its padding (the longest is tried first), and
            // the same in the URL-safe alphabet, as some gateways re-encode it.
            let basic = credentials.basic_token();
            let mut url_safe = Zeroizing::new(basic.as_bytes().to_vec());
            for b in url_safe.iter_mut() {
                *b = match *b {
                    b'+' => b'-',
                    b'/' => b'_',
                    other => other,
                };
            }
            for token in [basic.as_bytes(), url_safe.as_slice()] {
                redactor.add(token);
                let unpadded = token
                    .strip_suffix(b"==")
                    .or_else(|| token.strip_suffix(b"="));
                redactor.add(unpadded.unwrap_or(token));
            }
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
    ///
    /// The credentials are looked for in the text as it is and decoded once and twice (each
    /// time undoing every escape [`decode_one`] knows, whichever is at each place), and what
    /// matched in a decoded text is cut from the original. Linear in the length of the text.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let bytes = text.as_bytes();
        if !self.needles.iter().any(|needle| could_hold(bytes, needle)) {
            return Cow::Borrowed(text);
        }
        let mut found: Vec<(usize, usize)> = Vec::new();
        self.find(bytes, |start, end| found.push((start, end)));
        let escaped = bytes.iter().any(|b| matches!(b, b'%' | b'\\' | b'&'));
        if escaped {
            let mut view = View::of(bytes);
            for _ in 0..DECODINGS {
                let Some(decoded) = view.decoded() else { break };
                view = decoded;
                self.find(&view.bytes, |start, end| {
                    found.push(view.source(start, end))
                });
            }
        }
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        found.sort_unstable();
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0;
        for (start, end) in found {
            if end <= at {
                continue;
            }
            out.extend_from_slice(&bytes[at..start.max(at)]);
            if start >= at {
                out.extend_from_slice(REDACTED.as_bytes());
            }
            at = end;
        }
        out.extend_from_slice(&bytes[at..]);
        // Every match starts and ends on an ASCII byte, so the text stays UTF-8.
        Cow::Owned(
            String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    }

    /// Calls `found(start, end)` for each place in `bytes` that holds a credential literally (or
    /// with a space where it has a `+`, as a form decoder leaves it).
    fn find(&self, bytes: &[u8], mut found: impl FnMut(usize, usize)) {
        for needle in &self.needles {
            let first = needle[0];
            let mut at = 0;
            while let Some(offset) = bytes[at..]
                .iter()
                .position(|&b| b == first || (first == b'+' && b == b' '))
            {
                let start = at + offset;
                let end = start + needle.len();
                let fits = bytes.get(start..end).is_some_and(|window| {
                    window
                        .iter()
                        .zip(needle.iter())
                        .all(|(&w, &n)| w == n || (n == b'+' && w == b' '))
                });
                if fits {
                    found(start, end);
                    at = end;
                } else {
                    at = start + 1;
                }
            }
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

/// A text decoded some number of times, with where each of its bytes came from in the
/// original.
struct View {
    bytes: Vec<u8>,
    /// For each byte, the range of the original text it was decoded from.
    spans: Vec<(u32, u32)>,
}

impl View {
    /// The original text (each byte from itself).
    fn of(bytes: &[u8]) -> View {
        View {
            bytes: bytes.to_vec(),
            spans: (0..bytes.len()).map(|i| (i as u32, i as u32 + 1)).collect(),
        }
    }

    /// The range of the original text that `self.bytes[start..end]` came from.
    fn source(&self, start: usize, end: usize) -> (usize, usize) {
        (self.spans[start].0 as usize, self.spans[end - 1].1 as usize)
    }

    /// This text with every escape decoded once, or `None` when it has none.
    fn decoded(&self) -> Option<View> {
        let mut bytes = Vec::with_capacity(self.bytes.len());
        let mut spans = Vec::with_capacity(self.bytes.len());
        let mut changed = false;
        let mut i = 0;
        while i < self.bytes.len() {
            match decode_one(&self.bytes[i..]) {
                Some((b, len)) => {
                    bytes.push(b);
                    spans.push((self.spans[i].0, self.spans[i + len - 1].1));
                    changed = true;
                    i += len;
                }
                None => {
                    bytes.push(self.bytes[i]);
                    spans.push(self.spans[i]);
                    i += 1;
                }
            }
        }
        changed.then_some(View { bytes, spans })
    }
}

/// Whether `text` could hold `needle` in any spelling a [`Redactor`] looks for: it has the
/// needle's first byte (or a space for a `+`), or an escape that may decode to it. One scan, and
/// most texts (a request id, a UUID) have none: then nothing else is done.
pub(crate) fn could_hold(text: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return false;
    };
    // A byte table: one load per byte of text, not four comparisons.
    let mut starts = [false; 256];
    for b in [first, b'%', b'\\', b'&'] {
        starts[usize::from(b)] = true;
    }
    if first == b'+' {
        starts[usize::from(b' ')] = true;
    }
    text.iter().any(|&b| starts[usize::from(b)])
}

/// The ASCII byte an escape at the start of `text` stands for, and the escape's length:
/// percent-encoding (`%21`), JSON and C escapes (`\u0021`, `\x21`, `\"`, `\/`), and HTML
/// character references (`&amp;`, `&#33;`, `&#x21;`, the `;` optional for numbers).
fn decode_one(text: &[u8]) -> Option<(u8, usize)> {
    let hex = |digits: &[u8]| -> Option<u32> {
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let ascii = |value: u32| u8::try_from(value).ok().filter(u8::is_ascii);
    match *text.first()? {
        b'%' => Some((ascii(hex(text.get(1..3)?)?)?, 3)),
        b'\\' => match *text.get(1)? {
            b'u' | b'U' => Some((ascii(hex(text.get(2..6)?)?)?, 6)),
            b'x' => Some((ascii(hex(text.get(2..4)?)?)?, 4)),
            c if c.is_ascii_punctuation() => Some((c, 2)),
            _ => None,
        },
        b'&' => {
            for (name, b) in [
                (&b"&amp;"[..], b'&'),
                (b"&lt;", b'<'),
                (b"&gt;", b'>'),
                (b"&quot;", b'"'),
                (b"&apos;", b'\''),
            ] {
                if text.len() >= name.len() && text[..name.len()].eq_ignore_ascii_case(name) {
                    return Some((b, name.len()));
                }
            }
            if text.get(1) != Some(&b'#') {
                return None;
            }
            let (radix, start) = match text.get(2) {
                Some(b'x' | b'X') => (16, 3),
                _ => (10, 2),
            };
            let digits = text
                .get(start..)?
                .iter()
                .take(8)
                .take_while(|c| c.is_ascii_hexdigit() && (radix == 16 || c.is_ascii_digit()))
                .count();
            let value = u32::from_str_radix(
                std::str::from_utf8(&text[start..start + digits]).ok()?,
                radix,
            )
            .ok()?;
            let end = start + digits;
            let end = if text.get(end) == Some(&b';') {
                end + 1
            } else {
                end
            };
            Some((ascii(value)?, end))
        }
        _ => None,
    }
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
    fn the_first_scan_lets_through_every_text_that_could_hold_the_needle() {
        assert!(!could_hold(
            b"77e85b51-bc1d-4a0b-86df-c055581664f0",
            b"Th1s-I5-my_n3w"
        ));
        assert!(could_hold(b"xx Th1s", b"Th1s-I5-my_n3w"));
        // An escape could decode to the first byte; a space is a `+` after form decoding.
        assert!(could_hold(b"%54h1s-I5-my_n3w", b"Th1s-I5-my_n3w"));
        assert!(could_hold(b"\\u0054h1s", b"Th1s-I5-my_n3w"));
        assert!(could_hold(b"&#84;h1s", b"Th1s-I5-my_n3w"));
        assert!(could_hold(b" abc", b"+abc"));
        assert!(!could_hold(b" xyz", b"abc+"));
        assert!(!could_hold(b"anything", b""));
        // And the redactor finds those it lets through.
        let redactor = redactor("+b/c+d1234");
        assert_eq!(redactor.redact("id  b/c d1234"), format!("id {REDACTED}"));
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
    fn escapes_inside_escapes_are_seen() {
        let r = redactor("Ech0&S3c\"t/+<x");
        for text in [
            // A JSON body reflected in HTML; the same percent-encoded; percent-encoded twice.
            r#"{&quot;secret&quot;:&quot;Ech0&amp;S3c\&quot;t/+&lt;x&quot;}"#,
            "Ech0%26S3c%5C%22t%2F%2B%3Cx",
            "Ech0%2526S3c%2522t%252F%252B%253Cx",
            // Go's JSON escaping of an HTML-escaped text.
            r"Ech0\u0026amp;S3c\u0026quot;t/+\u0026lt;x",
        ] {
            let out = r.redact(text);
            assert!(
                out.contains(REDACTED) && !out.contains("S3c"),
                "{text} -> {out}"
            );
        }
    }

    #[test]
    fn the_check_is_linear_even_for_texts_made_of_escapes() {
        let r = redactor("Abcdef123456");
        let started = std::time::Instant::now();
        for text in [
            "%".repeat(1 << 20),
            "&#".repeat(1 << 19),
            "%25".repeat(1 << 18),
        ] {
            assert!(matches!(r.redact(&text), Cow::Borrowed(_)));
        }
        let text = format!(
            "{}Abcdef%2531%2532%2533456{}",
            "&amp;".repeat(1 << 18),
            "\\".repeat(1 << 18)
        );
        assert_eq!(r.redact(&text).matches(REDACTED).count(), 1);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
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
