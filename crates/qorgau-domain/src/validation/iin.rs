//! The individual identification number (IIN, ЖСН / ИИН) of a person in Kazakhstan.
//!
//! Structure (Government Decree No. 565 of 11 June 2003, the programme of the
//! transition to a single IIN/BIN; restated on egov.kz):
//!
//! ```text
//! Y Y M M D D  C  S S S S  K
//! birth date   |  serial   check digit
//!              century and sex: 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s; odd male, even female
//! ```
//!
//! The check digit is a two-pass weighted sum modulo 11: weights 1..=11 over the
//! first eleven digits; if the remainder is 10, a second pass with weights
//! 3,4,5,6,7,8,9,10,11,1,2; if that is 10 again, no IIN is issued with these
//! eleven digits (unlike the OKPO rule, which would then use 0). Checked against
//! published IINs in the tests below.
//!
//! Decision: a seventh digit of 0 (and 7, 8, 9) is refused. Some unofficial
//! sources say 0 marks foreign nationals, but the decree defines only 1–6, and an
//! IIN whose birth century and sex cannot be read would break what callers rely
//! on (`birth_date()`, `sex()`); the IIN is optional in an application, so an
//! applicant who has such a number simply leaves the field out.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::message::{Explain, Message};

/// The sex encoded in the seventh digit of an IIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

/// A valid IIN: twelve digits, a real birth date, a known century digit and a
/// matching check digit.
///
/// `Debug` masks the number: an IIN is a national identifier and must not end
/// up in logs by accident. Use [`Iin::as_str`] where the number is needed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iin {
    number: String,
    /// Derived from `number` once, by `parse`.
    birth_date: Date,
}

/// Why a string is not an IIN. Checked in this order: characters, length,
/// century digit, birth date, check digit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("an IIN has 12 digits; this one has {length}")]
    WrongLength { length: usize },
    #[error("an IIN has only digits; character {position} is {character:?}")]
    NonDigit { position: usize, character: char },
    #[error(
        "the 7th digit of an IIN gives the century of birth and the sex and is 1 to 6; this one is {digit}"
    )]
    InvalidCenturyDigit { digit: u8 },
    #[error("the first six digits of an IIN are the birth date YYMMDD; {digits} is not a date")]
    InvalidBirthDate { digits: String },
    #[error("the last digit of an IIN does not match the others; a digit is probably mistyped")]
    ChecksumMismatch {
        /// Kept for diagnostics only: the message does not reveal it, so that a
        /// person who mistyped a middle digit is not led to "fix" the last one.
        expected: u8,
        found: u8,
    },
    #[error("no IIN is issued with these first 11 digits (their check digit is undefined)")]
    ChecksumUndefined,
}

const LENGTH: usize = 12;
const FIRST_PASS_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_PASS_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

impl Iin {
    /// Parses an IIN. Surrounding whitespace is trimmed; inner spaces or dashes
    /// are refused (an IIN is written as twelve digits in one group).
    pub fn parse(input: &str) -> Result<Iin, IinError> {
        let trimmed = input.trim();
        if let Some((index, character)) = trimmed
            .chars()
            .enumerate()
            .find(|(_, character)| !character.is_ascii_digit())
        {
            return Err(IinError::NonDigit {
                position: index + 1,
                character,
            });
        }
        // Only ASCII digits remain, so bytes are characters.
        let digits: Vec<u8> = trimmed.bytes().map(|byte| byte - b'0').collect();
        if digits.len() != LENGTH {
            return Err(IinError::WrongLength {
                length: digits.len(),
            });
        }
        let century_digit = digits[6];
        if century_of(century_digit).is_none() {
            return Err(IinError::InvalidCenturyDigit {
                digit: century_digit,
            });
        }
        let Some(birth_date) = birth_date_of(&digits) else {
            return Err(IinError::InvalidBirthDate {
                digits: trimmed[..6].to_owned(),
            });
        };
        let expected = check_digit(&digits[..11]).ok_or(IinError::ChecksumUndefined)?;
        let found = digits[11];
        if expected != found {
            return Err(IinError::ChecksumMismatch { expected, found });
        }
        Ok(Iin {
            number: trimmed.to_owned(),
            birth_date,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }

    /// The birth date encoded in the first seven digits.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// The sex encoded in the seventh digit: odd is male, even is female.
    pub fn sex(&self) -> Sex {
        let century_digit = self.number.as_bytes()[6] - b'0';
        if century_digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

/// The first year of the century named by the seventh digit.
fn century_of(century_digit: u8) -> Option<i16> {
    match century_digit {
        1 | 2 => Some(1800),
        3 | 4 => Some(1900),
        5 | 6 => Some(2000),
        _ => None,
    }
}

fn birth_date_of(digits: &[u8]) -> Option<Date> {
    let two_digits = |at: usize| i16::from(digits[at]) * 10 + i16::from(digits[at + 1]);
    let year = century_of(digits[6])? + two_digits(0);
    let month = i8::try_from(two_digits(2)).ok()?;
    let day = i8::try_from(two_digits(4)).ok()?;
    Date::new(year, month, day).ok()
}

/// The check digit of the first eleven digits, or `None` when both passes give
/// 10 (Decree No. 565: such a number is not issued).
fn check_digit(first_eleven: &[u8]) -> Option<u8> {
    let weighted_remainder = |weights: &[u32; 11]| {
        let sum: u32 = first_eleven
            .iter()
            .zip(weights)
            .map(|(digit, weight)| u32::from(*digit) * weight)
            .sum();
        sum % 11
    };
    let mut remainder = weighted_remainder(&FIRST_PASS_WEIGHTS);
    if remainder == 10 {
        remainder = weighted_remainder(&SECOND_PASS_WEIGHTS);
    }
    u8::try_from(remainder).ok().filter(|digit| *digit < 10)
}

impl fmt::Debug for Iin {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Iin(<12 digits>)")
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.number)
    }
}

impl FromStr for Iin {
    type Err = IinError;
    fn from_str(input: &str) -> Result<Iin, IinError> {
        Iin::parse(input)
    }
}

impl TryFrom<String> for Iin {
    type Error = IinError;
    fn try_from(input: String) -> Result<Iin, IinError> {
        Iin::parse(&input)
    }
}

impl From<Iin> for String {
    fn from(iin: Iin) -> String {
        iin.number
    }
}

impl Explain for IinError {
    fn code(&self) -> &'static str {
        match self {
            IinError::WrongLength { .. } => "iin_wrong_length",
            IinError::NonDigit { .. } => "iin_non_digit",
            IinError::InvalidCenturyDigit { .. } => "iin_invalid_century_digit",
            IinError::InvalidBirthDate { .. } => "iin_invalid_birth_date",
            IinError::ChecksumMismatch { .. } => "iin_checksum_mismatch",
            IinError::ChecksumUndefined => "iin_checksum_undefined",
        }
    }

    fn explain(&self) -> Message {
        match self {
            IinError::WrongLength { length } => {
                Message::new("validation-iin-wrong-length").with("length", count(*length))
            }
            IinError::NonDigit {
                position,
                character,
            } => Message::new("validation-iin-non-digit")
                .with("position", count(*position))
                .with("character", character.to_string()),
            IinError::InvalidCenturyDigit { digit } => {
                Message::new("validation-iin-invalid-century-digit")
                    .with("digit", i64::from(*digit))
            }
            IinError::InvalidBirthDate { digits } => {
                Message::new("validation-iin-invalid-birth-date").with("digits", digits.as_str())
            }
            IinError::ChecksumMismatch { .. } => Message::new("validation-iin-checksum-mismatch"),
            IinError::ChecksumUndefined => Message::new("validation-iin-checksum-undefined"),
        }
    }
}

/// A count as a message argument (counts here are tiny; saturate rather than fail).
pub(crate) fn count(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// What `qorgau iin check` prints (API.md): `{"valid","birth_date","sex","error"}`,
/// plus `code`, the stable error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IinCheck {
    pub valid: bool,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    /// The rule broken, in English (the CLI's language); `null` when valid.
    pub error: Option<String>,
    /// The stable error code (`iin_checksum_mismatch`, …); `null` when valid.
    pub code: Option<&'static str>,
}

impl IinCheck {
    /// Checks `input` and reports the outcome; never fails.
    pub fn of(input: &str) -> IinCheck {
        match Iin::parse(input) {
            Ok(iin) => IinCheck {
                valid: true,
                birth_date: Some(iin.birth_date()),
                sex: Some(iin.sex()),
                error: None,
                code: None,
            },
            Err(error) => IinCheck {
                valid: false,
                birth_date: None,
                sex: None,
                code: Some(error.code()),
                error: Some(error.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// `Ok((birth date, sex))` or the error.
    fn check(input: &str, expected: Result<(Date, Sex), IinError>) {
        let actual = Iin::parse(input).map(|iin| (iin.birth_date(), iin.sex()));
        assert_eq!(actual, expected, "input {input:?}");
    }

    /// Completes eleven digits with their check digit, if they have one.
    fn complete(first_eleven: &str) -> Option<String> {
        let digits: Vec<u8> = first_eleven.bytes().map(|byte| byte - b'0').collect();
        check_digit(&digits).map(|digit| format!("{first_eleven}{digit}"))
    }

    #[test]
    fn published_iins_are_valid() {
        // From the public test suites of kaz-person-id (Java) and
        // kz-iin-validator (Python), which cite public sources.
        check("871008401427", Ok((date(1987, 10, 8), Sex::Female)));
        check("760212350620", Ok((date(1976, 2, 12), Sex::Male)));
        check("800416300257", Ok((date(1980, 4, 16), Sex::Male)));
        check("680503450037", Ok((date(1968, 5, 3), Sex::Female)));
        check("800416100254", Ok((date(1880, 4, 16), Sex::Male)));
        check("680503250034", Ok((date(1868, 5, 3), Sex::Female)));
        check("061211600012", Ok((date(2006, 12, 11), Sex::Female)));
    }

    #[test]
    fn constructed_iins_are_valid() {
        for (first_eleven, birth_date, sex) in [
            ("15030550123", date(2015, 3, 5), Sex::Male),
            ("12022960001", date(2012, 2, 29), Sex::Female),
            ("00022950777", date(2000, 2, 29), Sex::Male),
            ("99123140555", date(1999, 12, 31), Sex::Female),
        ] {
            let iin = complete(first_eleven).expect("these have a check digit");
            check(&iin, Ok((birth_date, sex)));
        }
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        check("  061211600012\n", Ok((date(2006, 12, 11), Sex::Female)));
        assert_eq!(
            Iin::parse(" 061211600012 ").map(|iin| iin.as_str().to_owned()),
            Ok("061211600012".to_owned())
        );
    }

    #[test]
    fn the_second_pass_is_used_when_the_first_gives_ten() {
        // Find eleven digits whose first pass gives 10 but whose second does not.
        let first_eleven = (0..10_000)
            .map(|serial| format!("0612116{serial:04}"))
            .find(|candidate| {
                let digits: Vec<u8> = candidate.bytes().map(|byte| byte - b'0').collect();
                let first: u32 = digits
                    .iter()
                    .zip(FIRST_PASS_WEIGHTS)
                    .map(|(d, w)| u32::from(*d) * w)
                    .sum();
                let second: u32 = digits
                    .iter()
                    .zip(SECOND_PASS_WEIGHTS)
                    .map(|(d, w)| u32::from(*d) * w)
                    .sum();
                first % 11 == 10 && second % 11 != 10
            })
            .expect("such a serial exists");
        let iin = complete(&first_eleven).expect("second pass defined");
        check(&iin, Ok((date(2006, 12, 11), Sex::Female)));
    }

    #[test]
    fn each_rule_has_its_error() {
        check("06121160001", Err(IinError::WrongLength { length: 11 }));
        check("0612116000123", Err(IinError::WrongLength { length: 13 }));
        check("", Err(IinError::WrongLength { length: 0 }));
        check(
            "06121160001a",
            Err(IinError::NonDigit {
                position: 12,
                character: 'a',
            }),
        );
        check(
            "061211 600012",
            Err(IinError::NonDigit {
                position: 7,
                character: ' ',
            }),
        );
        check(
            "０６1211600012",
            Err(IinError::NonDigit {
                position: 1,
                character: '０',
            }),
        );
        check(
            "061211000012",
            Err(IinError::InvalidCenturyDigit { digit: 0 }),
        );
        check(
            "061211700012",
            Err(IinError::InvalidCenturyDigit { digit: 7 }),
        );
        check(
            "061311600012",
            Err(IinError::InvalidBirthDate {
                digits: "061311".into(),
            }),
        );
        check(
            "060231600012",
            Err(IinError::InvalidBirthDate {
                digits: "060231".into(),
            }),
        );
        // 29 February 1900 did not exist (1900 is not a leap year); 2000 did.
        check(
            "000229400012",
            Err(IinError::InvalidBirthDate {
                digits: "000229".into(),
            }),
        );
        check(
            "061211600013",
            Err(IinError::ChecksumMismatch {
                expected: 2,
                found: 3,
            }),
        );
    }

    #[test]
    fn an_undefined_checksum_is_its_own_error() {
        let first_eleven = (0..10_000)
            .map(|serial| format!("0612116{serial:04}"))
            .find(|candidate| complete(candidate).is_none())
            .expect("some serials have no check digit");
        for last in 0..10 {
            check(
                &format!("{first_eleven}{last}"),
                Err(IinError::ChecksumUndefined),
            );
        }
    }

    #[test]
    fn the_cli_report_has_what_the_cli_prints() {
        let valid = serde_json::to_value(IinCheck::of("061211600012")).expect("serializes");
        assert_eq!(
            valid,
            serde_json::json!({"valid": true, "birth_date": "2006-12-11", "sex": "female", "error": null, "code": null})
        );
        let invalid = serde_json::to_value(IinCheck::of("123")).expect("serializes");
        assert_eq!(
            invalid,
            serde_json::json!({"valid": false, "birth_date": null, "sex": null,
                "error": "an IIN has 12 digits; this one has 3", "code": "iin_wrong_length"})
        );
    }

    #[test]
    fn debug_does_not_print_the_number() {
        let iin = Iin::parse("061211600012").expect("valid");
        assert!(!format!("{iin:?}").contains("061211"));
        assert_eq!(
            serde_json::to_string(&iin).expect("serializes"),
            "\"061211600012\""
        );
        assert!(serde_json::from_str::<Iin>("\"061211600013\"").is_err());
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parse_never_panics(input in "\\PC*") {
            let _ = Iin::parse(&input);
        }

        #[test]
        fn twelve_digits_never_panic_and_valid_ones_round_trip(input in "[0-9]{12}") {
            if let Ok(iin) = Iin::parse(&input) {
                prop_assert_eq!(iin.as_str(), input.as_str());
                let _ = (iin.birth_date(), iin.sex());
            }
        }

        #[test]
        fn one_changed_digit_is_caught(serial in 0u32..10_000, position in 7usize..10, delta in 1u8..10) {
            // First-pass weights 1..=10 are non-zero mod 11, so changing one of
            // digits 1–10 changes the remainder; when neither number needs the
            // second pass, the check digit can no longer match. (Digit 11 has
            // weight 11 ≡ 0: the first pass cannot see a change there at all.)
            let first_pass = |digits: &[u8]| -> u32 {
                digits[..11].iter().zip(FIRST_PASS_WEIGHTS).map(|(d, w)| u32::from(*d) * w).sum::<u32>() % 11
            };
            if let Some(iin) = complete(&format!("0612116{serial:04}")) {
                let mut digits: Vec<u8> = iin.bytes().map(|byte| byte - b'0').collect();
                let original_remainder = first_pass(&digits);
                digits[position] = (digits[position] + delta) % 10;
                if original_remainder != 10 && first_pass(&digits) != 10 {
                    let altered: String = digits.iter().map(|digit| char::from(b'0' + digit)).collect();
                    prop_assert!(Iin::parse(&altered).is_err());
                }
            }
        }
    }
}
