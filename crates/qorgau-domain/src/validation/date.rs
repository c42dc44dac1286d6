//! Calendar dates in form fields and the API: strictly `YYYY-MM-DD` (RFC 3339
//! `full-date`), no times, no other separators, no two-digit years. Surrounding
//! whitespace is trimmed, as for every field.

use jiff::civil::Date;

use crate::message::{Explain, Message};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("the date is empty")]
    Empty,
    #[error("a date is written YYYY-MM-DD, as in 2025-01-28; {input:?} is not")]
    Format { input: String },
    #[error("{input} is not a day of the calendar")]
    NoSuchDay { input: String },
}

/// Parses a `YYYY-MM-DD` date such as a birth date or the day of an incident.
pub fn parse_date(field_value: &str) -> Result<Date, DateError> {
    let trimmed = field_value.trim();
    if trimmed.is_empty() {
        return Err(DateError::Empty);
    }
    let bytes = trimmed.as_bytes();
    let shape_is_right = bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shape_is_right {
        return Err(DateError::Format {
            input: trimmed.to_owned(),
        });
    }
    let number = |range: std::ops::Range<usize>| {
        trimmed[range]
            .bytes()
            .fold(0i16, |value, digit| value * 10 + i16::from(digit - b'0'))
    };
    let no_such_day = || DateError::NoSuchDay {
        input: trimmed.to_owned(),
    };
    let year = number(0..4);
    let month = i8::try_from(number(5..7)).map_err(|_| no_such_day())?;
    let day = i8::try_from(number(8..10)).map_err(|_| no_such_day())?;
    // Year 0000 exists in ISO 8601 but in no document a person would file.
    if year == 0 {
        return Err(no_such_day());
    }
    Date::new(year, month, day).map_err(|_| no_such_day())
}

impl Explain for DateError {
    fn code(&self) -> &'static str {
        match self {
            DateError::Empty => "date_empty",
            DateError::Format { .. } => "date_format",
            DateError::NoSuchDay { .. } => "date_no_such_day",
        }
    }

    fn explain(&self) -> Message {
        match self {
            DateError::Empty => Message::new("validation-date-empty"),
            DateError::Format { input } => {
                Message::new("validation-date-format").with("input", input.as_str())
            }
            DateError::NoSuchDay { input } => {
                Message::new("validation-date-no-such-day").with("input", input.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<Date, DateError>) {
        assert_eq!(parse_date(input), expected, "input {input:?}");
    }

    #[test]
    fn strict_dates() {
        check("2025-01-28", Ok(date(2025, 1, 28)));
        check(" 2012-02-29\n", Ok(date(2012, 2, 29)));
        check("0001-01-01", Ok(date(1, 1, 1)));
        check("", Err(DateError::Empty));
        for input in [
            "28.01.2025",
            "2025-1-28",
            "2025/01/28",
            "20250128",
            "2025-01-28T00:00",
            "+2025-01-28",
            "２０２５-01-28",
        ] {
            check(
                input,
                Err(DateError::Format {
                    input: input.to_owned(),
                }),
            );
        }
        for input in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "0000-01-01",
            "2025-99-99",
        ] {
            check(
                input,
                Err(DateError::NoSuchDay {
                    input: input.to_owned(),
                }),
            );
        }
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parse_never_panics(input in "\\PC*") {
            let _ = parse_date(&input);
        }

        #[test]
        fn valid_dates_print_back(input in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
            if let Ok(parsed) = parse_date(&input) {
                prop_assert_eq!(parsed.to_string(), input);
            }
        }
    }
}
