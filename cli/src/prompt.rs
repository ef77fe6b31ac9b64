//! Questions at a terminal: the confirmation before something that cannot be undone (a top-up
//! charges a card, a revoke can lock out the secret's holders), and a new secret typed without
//! echo.
//!
//! The rule for an answer is one for every question: `y` or `yes` (any case, surrounding spaces
//! ignored) goes on; anything else, an empty line or the end of input sends nothing. Not at a
//! terminal nothing is asked: the command needs `--yes`.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use vonage_account::SecretString;

use crate::output::Failure;

/// Whether standard input is a terminal, so that a question can be asked and answered.
pub fn at_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// Whether `answer` says yes: `y` or `yes`, in any case, with spaces around.
pub fn is_yes(answer: &str) -> bool {
    let answer = answer.trim();
    answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes")
}

/// Goes on when `yes` (the command's `--yes`) is given, or when the user answers yes at a
/// terminal; refuses otherwise, with nothing sent. `what` says what the command is about to do
/// and its risk, in one or more sentences; it is printed before the question.
pub fn confirm(yes: bool, what: &str) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !at_terminal() {
        return Err(Failure::Refused(
            "not-confirmed",
            format!(
                "{what} Not at a terminal, so nothing was asked: pass --yes to go on (nothing was sent)"
            ),
        ));
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{what}\nGo on? [y/N] ");
    let _ = stderr.flush();
    drop(stderr);
    let mut answer = String::new();
    let read = std::io::stdin().lock().read_line(&mut answer);
    if read.is_ok_and(|n| n > 0) && is_yes(&answer) {
        return Ok(());
    }
    Err(Failure::Refused(
        "not-confirmed",
        "not confirmed: nothing was sent".to_owned(),
    ))
}

/// A new secret typed at the terminal without echo, asked twice; refused if the two differ.
pub fn new_secret_twice() -> Result<SecretString, Failure> {
    let read = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| {
            Failure::Usage(format!(
                "cannot read the new secret from the terminal: {e} (nothing was sent)"
            ))
        })
    };
    let mut first = read("New secret (not shown as you type): ")?;
    let mut second = read("The same secret again: ")?;
    let same = first == second;
    zeroize::Zeroize::zeroize(&mut second);
    if !same {
        zeroize::Zeroize::zeroize(&mut first);
        return Err(Failure::Usage(
            "the two secrets typed differ (nothing was sent)".to_owned(),
        ));
    }
    Ok(SecretString::from(first))
}

#[cfg(test)]
mod tests {
    use super::is_yes;

    #[test]
    fn only_y_or_yes_goes_on() {
        for yes in ["y", "Y", "yes", "YES", "Yes", " y\n", "yes\r\n"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in [
            "", "\n", "n", "no", "yep", "ye", "y y", "sure", "oui", "1", "true",
        ] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
