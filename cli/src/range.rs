//! Threshold ranges in the monitoring-plugins syntax (`10`, `10:`, `~:10`, `10:20`, `@10:20`),
//! shared by the `check` commands.
//!
//! From the development guidelines: a range is `[@]start:end`; `start:` leaves the end at
//! infinity, `~` is negative infinity, a bare `end` means `0:end`; endpoints are inclusive; an
//! alert is raised when the value is *outside* the range, or *inside* it with `@`; a start above
//! its end is an error.

use std::fmt;

use vonage_account::Amount;

/// One threshold range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// `None`: negative infinity (`~`).
    start: Option<Amount>,
    /// `None`: infinity (nothing after the `:`).
    end: Option<Amount>,
    /// `@`: alert inside the range rather than outside.
    inside: bool,
}

impl Range {
    /// Parses the guidelines' syntax.
    pub fn parse(text: &str) -> Result<Range, String> {
        let trimmed = text.trim();
        let (inside, body) = match trimmed.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let number = |part: &str| -> Result<Amount, String> {
            part.parse::<Amount>()
                .map_err(|e| format!("invalid range {text:?}: {part:?} is not a number ({e})"))
        };
        let (start, end) = match body.split_once(':') {
            Some((start, end)) => {
                let start = match start {
                    "~" => None,
                    "" => Some(Amount::from(0)),
                    start => Some(number(start)?),
                };
                let end = match end {
                    "" => None,
                    end => Some(number(end)?),
                };
                (start, end)
            }
            None if body.is_empty() => {
                return Err(format!(
                    "invalid range {text:?}: expected [@]start:end, e.g. 10, 10:, ~:10, 10:20 or @10:20"
                ));
            }
            None => (Some(Amount::from(0)), Some(number(body)?)),
        };
        if let (Some(start), Some(end)) = (&start, &end)
            && start > end
        {
            return Err(format!(
                "invalid range {text:?}: its start {start} is above its end {end}"
            ));
        }
        Ok(Range { start, end, inside })
    }

    /// A balance threshold: a bare number `N` keeps the check's documented meaning, "alert below
    /// N", which is the range `N:`; anything else is [`Range::parse`].
    pub fn parse_lower_bound(text: &str) -> Result<Range, String> {
        let trimmed = text.trim();
        if !trimmed.is_empty() && !trimmed.contains([':', '@', '~']) {
            let start = trimmed
                .parse::<Amount>()
                .map_err(|e| format!("invalid threshold {text:?}: {e}"))?;
            return Ok(Range {
                start: Some(start),
                end: None,
                inside: false,
            });
        }
        Range::parse(text)
    }

    /// Whether `value` raises an alert.
    pub fn alerts(&self, value: &Amount) -> bool {
        let above_start = self.start.as_ref().is_none_or(|start| value >= start);
        let below_end = self.end.as_ref().is_none_or(|end| value <= end);
        let within = above_start && below_end;
        within == self.inside
    }

    /// `Some(N)` when the range is `N:` (alert below N).
    pub fn lower_bound(&self) -> Option<&Amount> {
        match (&self.start, &self.end, self.inside) {
            (Some(start), None, false) => Some(start),
            _ => None,
        }
    }
}

impl fmt::Display for Range {
    /// The range in the guidelines' syntax, as performance data carries it (`20:`, `~:10`,
    /// `@10:20`; `0:N` is written `N`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inside {
            f.write_str("@")?;
        }
        match &self.start {
            None => f.write_str("~:")?,
            Some(start) if *start == 0 && self.end.is_some() => {}
            Some(start) => write!(f, "{start}:")?,
        }
        if let Some(end) = &self.end {
            write!(f, "{end}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Range;
    use vonage_account::Amount;

    fn alerts(range: &str, value: &str) -> bool {
        Range::parse(range)
            .unwrap()
            .alerts(&value.parse::<Amount>().unwrap())
    }

    #[test]
    fn the_guidelines_examples() {
        // (range, value, alert?) from the monitoring-plugins guidelines' table.
        for (range, value, alert) in [
            ("10", "-0.01", true),
            ("10", "0", false),
            ("10", "10", false),
            ("10", "10.01", true),
            ("10:", "9.99", true),
            ("10:", "10", false),
            ("~:10", "-99999", false),
            ("~:10", "10.01", true),
            ("10:20", "9.99", true),
            ("10:20", "10", false),
            ("10:20", "20", false),
            ("10:20", "20.01", true),
            ("@10:20", "9.99", false),
            ("@10:20", "10", true),
            ("@10:20", "20", true),
            ("@10:20", "20.01", false),
        ] {
            assert_eq!(alerts(range, value), alert, "{range} at {value}");
        }
    }

    #[test]
    fn bad_ranges_and_how_they_are_written() {
        for bad in ["", "@", "20:10", "abc", "1e3", "10:x", "~"] {
            assert!(Range::parse(bad).is_err(), "{bad:?}");
        }
        for (text, written) in [
            ("10", "10"),
            ("0:10", "10"),
            ("10:", "10:"),
            ("~:10", "~:10"),
        ] {
            assert_eq!(Range::parse(text).unwrap().to_string(), written);
        }
        assert_eq!(Range::parse_lower_bound("20").unwrap().to_string(), "20:");
        assert_eq!(
            Range::parse_lower_bound("@5:6").unwrap().to_string(),
            "@5:6"
        );
    }
}
