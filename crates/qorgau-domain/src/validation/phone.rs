//! A Kazakhstan telephone number, kept in E.164 form: `+7` and ten digits.
//!
//! Kazakhstan shares country code +7 with Russia. Under the Russia–Kazakhstan
//! agreement of 11 June 2006 on the unified numbering plan, Kazakhstan holds the
//! zone codes **6xx and 7xx** (landlines 710–729, mobiles 70x and 77x, 747,
//! other services 75x/76x); Russia holds 3xx, 4xx, 8xx and 9xx. Applicants and
//! staff are reached by the authority in Kazakhstan, so a +7 number outside
//! 6xx/7xx is refused as "not a Kazakhstan number" rather than stored as one.
//! The whole 6xx/7xx zone is accepted, not a list of operator codes: operators
//! get new codes without notice and a stale list would refuse real numbers.
//!
//! Accepted spellings: `+7 701 123 45 67`, `8 (701) 123-45-67`, `87011234567`,
//! `77011234567`, `7011234567` (ten digits: the national significant number).
//! Spaces, dashes, dots and parentheses are separators; a `+` only leads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::message::{Explain, Message};
use crate::validation::iin::count;

/// A Kazakhstan number in E.164 form, `+7XXXXXXXXXX`, zone 6xx or 7xx.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number is empty")]
    Empty,
    #[error(
        "a phone number has digits, spaces, dashes, parentheses and a leading +; {character:?} is not allowed"
    )]
    InvalidCharacter { character: char },
    #[error(
        "a Kazakhstan phone number is +7 or 8 followed by 10 digits; this one has {digits} digits"
    )]
    WrongLength { digits: usize },
    #[error("a Kazakhstan phone number starts with +7 or 8; this one starts with {prefix}")]
    InvalidPrefix { prefix: String },
    #[error("a Kazakhstan phone number has country code +7; this one starts with +{prefix}")]
    ForeignCountryCode { prefix: String },
    #[error(
        "+7 {zone} is not a Kazakhstan number: Kazakhstan's codes begin with 6 or 7 (+7 6xx, +7 7xx)"
    )]
    NotKazakhstan { zone: String },
}

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::with_capacity(12);
        let mut has_plus = false;
        for (index, character) in trimmed.chars().enumerate() {
            match character {
                '0'..='9' => digits.push(character),
                '+' if index == 0 => has_plus = true,
                ' ' | '\u{a0}' | '-' | '\u{2010}'..='\u{2015}' | '(' | ')' | '.' => {}
                _ => return Err(PhoneError::InvalidCharacter { character }),
            }
        }
        let national = if has_plus {
            if !digits.starts_with('7') {
                let prefix = digits.chars().take(3).collect();
                return Err(PhoneError::ForeignCountryCode { prefix });
            }
            if digits.len() != 11 {
                return Err(PhoneError::WrongLength {
                    digits: digits.len(),
                });
            }
            &digits[1..]
        } else {
            match digits.len() {
                10 => &digits[..],
                11 if digits.starts_with('7') || digits.starts_with('8') => &digits[1..],
                11 => {
                    let prefix = digits.chars().take(1).collect();
                    return Err(PhoneError::InvalidPrefix { prefix });
                }
                other => return Err(PhoneError::WrongLength { digits: other }),
            }
        };
        if !(national.starts_with('6') || national.starts_with('7')) {
            return Err(PhoneError::NotKazakhstan {
                zone: national[..3].to_owned(),
            });
        }
        Ok(PhoneNumber(format!("+7{national}")))
    }

    /// The E.164 form, `+7XXXXXXXXXX`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;
    fn from_str(input: &str) -> Result<PhoneNumber, PhoneError> {
        PhoneNumber::parse(input)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(input: String) -> Result<PhoneNumber, PhoneError> {
        PhoneNumber::parse(&input)
    }
}

impl From<PhoneNumber> for String {
    fn from(phone: PhoneNumber) -> String {
        phone.0
    }
}

impl Explain for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone_empty",
            PhoneError::InvalidCharacter { .. } => "phone_invalid_character",
            PhoneError::WrongLength { .. } => "phone_wrong_length",
            PhoneError::InvalidPrefix { .. } => "phone_invalid_prefix",
            PhoneError::ForeignCountryCode { .. } => "phone_foreign_country_code",
            PhoneError::NotKazakhstan { .. } => "phone_not_kazakhstan",
        }
    }

    fn explain(&self) -> Message {
        match self {
            PhoneError::Empty => Message::new("validation-phone-empty"),
            PhoneError::InvalidCharacter { character } => {
                Message::new("validation-phone-invalid-character")
                    .with("character", character.to_string())
            }
            PhoneError::WrongLength { digits } => {
                Message::new("validation-phone-wrong-length").with("digits", count(*digits))
            }
            PhoneError::InvalidPrefix { prefix } => {
                Message::new("validation-phone-invalid-prefix").with("prefix", prefix.as_str())
            }
            PhoneError::ForeignCountryCode { prefix } => {
                Message::new("validation-phone-foreign-country-code")
                    .with("prefix", prefix.as_str())
            }
            PhoneError::NotKazakhstan { zone } => {
                Message::new("validation-phone-not-kazakhstan").with("zone", zone.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, PhoneError>) {
        let actual = PhoneNumber::parse(input);
        assert_eq!(
            actual.as_ref().map(PhoneNumber::as_str),
            expected.as_ref().map(|e| *e),
            "input {input:?}"
        );
    }

    #[test]
    fn kazakhstan_spellings_become_e164() {
        for input in [
            "+7 701 123 45 67",
            "+7 (701) 123-45-67",
            "8 (701) 123-45-67",
            "87011234567",
            "77011234567",
            "+77011234567",
            "701 123 45 67",
            " 8-701-123-45-67 ",
            "8\u{a0}701\u{a0}123\u{a0}45\u{a0}67",
        ] {
            check(input, Ok("+77011234567"));
        }
        check("8 (727) 250-00-00", Ok("+77272500000"));
        check("+7 717 270 00 00", Ok("+77172700000"));
        check("+7 747 000 00 00", Ok("+77470000000"));
        check("+7 600 000 00 00", Ok("+76000000000"));
    }

    #[test]
    fn each_rule_has_its_error() {
        check("", Err(PhoneError::Empty));
        check("   ", Err(PhoneError::Empty));
        check(
            "+7 701 123 45 6x",
            Err(PhoneError::InvalidCharacter { character: 'x' }),
        );
        check(
            "7+7011234567",
            Err(PhoneError::InvalidCharacter { character: '+' }),
        );
        check("+7 701 123 45", Err(PhoneError::WrongLength { digits: 9 }));
        check(
            "8 701 123 45 678",
            Err(PhoneError::WrongLength { digits: 12 }),
        );
        check("12345", Err(PhoneError::WrongLength { digits: 5 }));
        check(
            "97011234567",
            Err(PhoneError::InvalidPrefix { prefix: "9".into() }),
        );
        check(
            "+996 555 123 456",
            Err(PhoneError::ForeignCountryCode {
                prefix: "996".into(),
            }),
        );
        check(
            "+1 202 555 0100",
            Err(PhoneError::ForeignCountryCode {
                prefix: "120".into(),
            }),
        );
        // Russia's zones under the shared +7.
        check(
            "+7 916 123 45 67",
            Err(PhoneError::NotKazakhstan { zone: "916".into() }),
        );
        check(
            "8 (495) 123-45-67",
            Err(PhoneError::NotKazakhstan { zone: "495".into() }),
        );
        check(
            "8 800 555 35 35",
            Err(PhoneError::NotKazakhstan { zone: "800".into() }),
        );
        check(
            "+7 343 123 45 67",
            Err(PhoneError::NotKazakhstan { zone: "343".into() }),
        );
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parse_never_panics(input in "\\PC*") {
            let _ = PhoneNumber::parse(&input);
        }

        #[test]
        fn the_canonical_form_parses_to_itself(input in "[+]?[0-9 ()-]{0,20}") {
            if let Ok(phone) = PhoneNumber::parse(&input) {
                prop_assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone));
            }
        }
    }
}
