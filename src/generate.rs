//! New API secrets drawn from the operating system's cryptographic random source.

use secrecy::SecretString;
use zeroize::Zeroize as _;

use crate::validate::{Rule, SECRET_MAX_LEN, SECRET_MIN_LEN, ValidationError, validate_secret};

/// The characters a generated secret is made of: ASCII letters, digits, `-` and `_` (the URL-safe
/// base64 alphabet). 64 of them, so each character is 6 uniform bits of one random byte, and
/// none needs quoting in a shell, an environment file or a URL. The documented secret rules
/// allow special characters and show `-` and `_` in their examples.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// How many draws may fail the rules before the random source is judged broken. A working source
/// fails one draw of 8 characters in 3.5 (of 25 characters, one in 70), so 1,000 failures in a
/// row happen only when the bytes are not random (a stuck source returning zeros, say).
const MAX_DRAWS: usize = 1_000;

/// A new secret could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateSecretError {
    /// The length asked for is outside [`SECRET_MIN_LEN`]`..=`[`SECRET_MAX_LEN`]
    /// ([`Rule::TooShort`] or [`Rule::TooLong`]).
    #[error(transparent)]
    Length(#[from] ValidationError),
    /// The operating system's random source failed (or returned bytes that are not random). No
    /// secret is made from anything weaker.
    #[error("the operating system's random source failed: {0}")]
    RandomSource(String),
}

/// A new secret of [`SECRET_MAX_LEN`] (25) characters that meets every documented rule, from the
/// operating system's cryptographic random source.
///
/// The characters are ASCII letters, digits, `-` and `_`. Every secret of that length and
/// alphabet with at least one lower-case letter, one upper-case letter and one digit is equally
/// likely (draws that miss one are drawn again), which is about **149.9 bits** of entropy:
/// `log2` of the number of such secrets, just under 6 bits a character.
///
/// Returns [`GenerateSecretError::RandomSource`] if the random source fails; it never falls back
/// to a weaker one and never panics. Read the value with [`ExposeSecret`](crate::ExposeSecret).
///
/// ```
/// use vonage_account::{ExposeSecret, SECRET_MAX_LEN, generate_secret, validate_secret};
///
/// let secret = generate_secret()?;
/// assert_eq!(secret.expose_secret().len(), SECRET_MAX_LEN);
/// assert!(validate_secret(secret.expose_secret()).is_ok());
/// # Ok::<(), vonage_account::GenerateSecretError>(())
/// ```
///
/// With a client, to add it to the key (or use [`Secrets::rotate`](crate::Secrets::rotate)):
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = vonage_account_fake::FakeVonage::start().await;
/// # let client = fake.client();
/// let secret = vonage_account::generate_secret()?;
/// let created = client.secrets().create(secret).await?;
/// println!("created secret {}", created.id); // store the value before you forget it
/// # Ok(()) }
/// ```
pub fn generate_secret() -> Result<SecretString, GenerateSecretError> {
    generate_secret_with_len(SECRET_MAX_LEN)
}

/// A new secret of `len` characters that meets every documented rule, from the operating
/// system's cryptographic random source; see [`generate_secret`].
///
/// `len` must be within [`SECRET_MIN_LEN`]`..=`[`SECRET_MAX_LEN`] (8 to 25), else
/// [`GenerateSecretError::Length`]. The entropy is `log2` of the number of valid secrets of that
/// length: about 47.5 bits for 8 characters, 71.8 for 12, 95.9 for 16, 119.9 for 20, 143.9 for 24
/// and 149.9 for 25.
///
/// ```
/// use vonage_account::{ExposeSecret, GenerateSecretError, Rule, generate_secret_with_len};
///
/// let secret = generate_secret_with_len(16)?;
/// assert_eq!(secret.expose_secret().len(), 16);
///
/// let Err(GenerateSecretError::Length(err)) = generate_secret_with_len(7) else { panic!() };
/// assert_eq!(err.rules(), &[Rule::TooShort { min: 8, actual: 7 }]);
/// # Ok::<(), GenerateSecretError>(())
/// ```
pub fn generate_secret_with_len(len: usize) -> Result<SecretString, GenerateSecretError> {
    generate_with(len, |bytes| {
        getrandom::fill(bytes).map_err(|e| GenerateSecretError::RandomSource(e.to_string()))
    })
}

/// The generator, with the random source passed in (so tests can give it a failing or a stuck
/// one).
fn generate_with(
    len: usize,
    mut fill: impl FnMut(&mut [u8]) -> Result<(), GenerateSecretError>,
) -> Result<SecretString, GenerateSecretError> {
    if len < SECRET_MIN_LEN {
        let rule = Rule::TooShort {
            min: SECRET_MIN_LEN,
            actual: len,
        };
        return Err(ValidationError::new("secret", vec![rule]).into());
    }
    if len > SECRET_MAX_LEN {
        let rule = Rule::TooLong {
            max: SECRET_MAX_LEN,
            actual: len,
        };
        return Err(ValidationError::new("secret", vec![rule]).into());
    }
    let mut bytes = vec![0_u8; len];
    for _ in 0..MAX_DRAWS {
        if let Err(e) = fill(&mut bytes) {
            bytes.zeroize();
            return Err(e);
        }
        // 256 is a multiple of 64: the low 6 bits of a uniform byte are uniform, no bias.
        for byte in bytes.iter_mut() {
            *byte = ALPHABET[usize::from(*byte & 63)];
        }
        // Drawing again until the rules hold keeps every valid secret equally likely.
        if validate_secret_bytes(&bytes) {
            // Every byte is from the ASCII alphabet, so this is valid UTF-8 and moves the buffer
            // (capacity == len) into the secret without a copy.
            return match String::from_utf8(bytes) {
                Ok(text) => Ok(SecretString::from(text)),
                Err(e) => {
                    e.into_bytes().zeroize();
                    Err(GenerateSecretError::RandomSource(
                        "internal error: a generated secret is not ASCII".into(),
                    ))
                }
            };
        }
    }
    bytes.zeroize();
    Err(GenerateSecretError::RandomSource(format!(
        "{MAX_DRAWS} draws in a row missed a lower-case letter, an upper-case letter or a digit; \
         the bytes are not random"
    )))
}

/// Whether ASCII bytes meet the secret rules (`validate_secret` without building a `&str`).
fn validate_secret_bytes(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| validate_secret(text).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret as _;

    /// `log2` of the number of valid secrets of `len` characters, by inclusion and exclusion over
    /// the missing classes (26 lower, 26 upper, 10 digits, 2 others).
    fn entropy_bits(len: usize) -> f64 {
        let n = i32::try_from(len).unwrap();
        let p = |k: f64| k.powi(n);
        let valid =
            p(64.0) - (p(38.0) + p(38.0) + p(54.0)) + (p(12.0) + p(28.0) + p(28.0)) - p(2.0);
        valid.log2()
    }

    #[test]
    fn the_documented_entropy() {
        for (len, documented) in [
            (8, 47.5),
            (12, 71.8),
            (16, 95.9),
            (20, 119.9),
            (24, 143.9),
            (25, 149.9),
        ] {
            let bits = entropy_bits(len);
            assert!((bits - documented).abs() < 0.1, "{len}: {bits}");
        }
    }

    #[test]
    fn lengths_outside_the_rules_are_refused() {
        for (len, rule) in [
            (0, Rule::TooShort { min: 8, actual: 0 }),
            (7, Rule::TooShort { min: 8, actual: 7 }),
            (
                26,
                Rule::TooLong {
                    max: 25,
                    actual: 26,
                },
            ),
            (
                usize::MAX,
                Rule::TooLong {
                    max: 25,
                    actual: usize::MAX,
                },
            ),
        ] {
            let Err(GenerateSecretError::Length(err)) = generate_secret_with_len(len) else {
                panic!("{len} was accepted");
            };
            assert_eq!(err.field(), "secret");
            assert_eq!(err.rules(), &[rule]);
        }
    }

    #[test]
    fn a_failing_source_is_an_error() {
        let err =
            generate_with(12, |_| Err(GenerateSecretError::RandomSource("no".into()))).unwrap_err();
        assert_eq!(err, GenerateSecretError::RandomSource("no".into()));
    }

    #[test]
    fn a_stuck_source_is_an_error_not_a_hang() {
        let mut calls = 0;
        let err = generate_with(25, |bytes| {
            calls += 1;
            bytes.fill(0); // always 'A'
            Ok(())
        })
        .unwrap_err();
        assert!(
            matches!(err, GenerateSecretError::RandomSource(ref m) if m.contains("not random"))
        );
        assert_eq!(calls, MAX_DRAWS);
    }

    #[test]
    fn a_draw_that_misses_a_class_is_drawn_again() {
        // First all 'a' (no upper case, no digit), then 'a', 'A', '0' repeated.
        let mut calls = 0;
        let secret = generate_with(9, |bytes| {
            calls += 1;
            let pattern: &[u8] = if calls == 1 { &[26] } else { &[26, 0, 52] };
            for (b, p) in bytes.iter_mut().zip(pattern.iter().cycle()) {
                *b = *p;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(secret.expose_secret(), "aA0aA0aA0");
    }

    #[test]
    fn the_high_bits_are_ignored() {
        let secret = generate_with(8, |bytes| {
            for (b, p) in bytes
                .iter_mut()
                .zip([26_u8 | 0xC0, 64, 52 | 0x40, 63].iter().cycle())
            {
                *b = *p;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(secret.expose_secret(), "aA0_aA0_");
    }
}
