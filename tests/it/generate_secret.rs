//! `generate_secret`: every secret meets the documented rules, has the asked length, and the
//! draws use the whole alphabet evenly.

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use vonage_account::{
    ExposeSecret, GenerateSecretError, Rule, SECRET_MAX_LEN, SECRET_MIN_LEN, generate_secret,
    generate_secret_with_len, validate_secret,
};

const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_length_the_rules_allow_gives_a_valid_secret(len in SECRET_MIN_LEN..=SECRET_MAX_LEN) {
        let secret = generate_secret_with_len(len).unwrap();
        let text = secret.expose_secret();
        prop_assert_eq!(text.len(), len);
        prop_assert!(validate_secret(text).is_ok(), "{text}");
        prop_assert!(text.chars().all(|c| ALPHABET.contains(c)), "{text}");
    }

    #[test]
    fn other_lengths_are_refused(len in prop_oneof![0..SECRET_MIN_LEN, SECRET_MAX_LEN + 1..10_000]) {
        let Err(GenerateSecretError::Length(err)) = generate_secret_with_len(len) else {
            return Err(TestCaseError::fail(format!("{len} was accepted")));
        };
        let rule = if len < SECRET_MIN_LEN {
            Rule::TooShort { min: SECRET_MIN_LEN, actual: len }
        } else {
            Rule::TooLong { max: SECRET_MAX_LEN, actual: len }
        };
        prop_assert_eq!(err.rules(), &[rule]);
    }
}

#[test]
fn the_default_is_the_longest_allowed_and_valid() {
    for _ in 0..500 {
        let secret = generate_secret().unwrap();
        assert_eq!(secret.expose_secret().len(), SECRET_MAX_LEN);
        assert!(validate_secret(secret.expose_secret()).is_ok());
    }
}

#[test]
fn many_draws_use_the_whole_alphabet_evenly_and_never_repeat() {
    const DRAWS: usize = 4_000;
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    let mut first: HashSet<char> = HashSet::new();
    let mut last: HashSet<char> = HashSet::new();
    let mut seen = HashSet::new();
    for _ in 0..DRAWS {
        let secret = generate_secret().unwrap();
        let text = secret.expose_secret();
        for c in text.chars() {
            *counts.entry(c).or_default() += 1;
        }
        first.extend(text.chars().next());
        last.extend(text.chars().last());
        assert!(seen.insert(text.to_owned()), "a secret came twice");
    }
    // Every character, in every position's reach.
    let all: HashSet<char> = ALPHABET.chars().collect();
    assert_eq!(counts.keys().copied().collect::<HashSet<_>>(), all);
    assert_eq!(first, all);
    assert_eq!(last, all);
    // 100,000 characters over 64: about 1,562 each (σ ≈ 39). The rules' redraws shift this by
    // under 2 %; ±20 % is more than ten σ, so this fails only for a biased generator.
    let expected = (DRAWS * SECRET_MAX_LEN) as f64 / 64.0;
    for (c, n) in &counts {
        let ratio = *n as f64 / expected;
        assert!(
            (0.8..1.2).contains(&ratio),
            "{c:?} drawn {n} times, expected about {expected}"
        );
    }
}

#[test]
fn the_error_says_what_was_wrong() {
    let err = generate_secret_with_len(30).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid secret: must be at most 25 characters (has 30) (nothing was sent)"
    );
}
