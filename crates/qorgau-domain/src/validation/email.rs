//! An e-mail address, checked pragmatically: what a person can mistype, not the
//! whole of RFC 5322.
//!
//! Rules: one `@`; a local part of 1–64 characters (RFC 5321 §4.5.3.1.1) made of
//! ASCII letters, digits and ``!#$%&'*+/=?^_`{|}~-``, with dots between them
//! (no quoted local parts, no non-ASCII mailboxes: both are rare and the
//! outgoing mail relay is not required to support SMTPUTF8); a domain with at
//! least one dot, converted from Unicode to punycode by UTS #46 (`почта.қаз` →
//! `xn--…`), lower-cased, labels of 1–63 letters, digits and inner hyphens; the
//! whole address at most 254 characters (RFC 5321 path limit less the angle
//! brackets). The local part keeps its case: only the receiving server may
//! decide that `Ali` and `ali` are the same mailbox.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::message::{Explain, Message};
use crate::validation::iin::count;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the e-mail address is empty")]
    Empty,
    #[error("an e-mail address has no spaces")]
    ContainsSpace,
    #[error("an e-mail address is at most 254 characters long; this one has {length}")]
    TooLong { length: usize },
    #[error("an e-mail address has an @ between the name and the domain, as in name@example.kz")]
    MissingAt,
    #[error("an e-mail address has exactly one @; this one has {count}")]
    MultipleAt { count: usize },
    #[error("an e-mail address has a name before the @")]
    LocalEmpty,
    #[error(
        "the part of an e-mail address before the @ is at most 64 characters; this one has {length}"
    )]
    LocalTooLong { length: usize },
    #[error(
        "the part of an e-mail address before the @ has Latin letters, digits and . _ - + only; {character:?} is not allowed"
    )]
    LocalInvalidCharacter { character: char },
    #[error(
        "the part of an e-mail address before the @ cannot start or end with a dot or have two dots in a row"
    )]
    LocalMisplacedDot,
    #[error("an e-mail address has a domain after the @, as in name@example.kz")]
    DomainEmpty,
    #[error("the domain of an e-mail address has a dot, as in example.kz; {domain:?} has none")]
    DomainWithoutDot { domain: String },
    #[error("{domain:?} is not a valid domain name")]
    DomainInvalid { domain: String },
}

const MAX_LENGTH: usize = 254;
const MAX_LOCAL_LENGTH: usize = 64;
const MAX_DOMAIN_LENGTH: usize = 253;
const MAX_LABEL_LENGTH: usize = 63;

impl EmailAddress {
    pub fn parse(input: &str) -> Result<EmailAddress, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(EmailError::ContainsSpace);
        }
        let length = trimmed.chars().count();
        if length > MAX_LENGTH {
            return Err(EmailError::TooLong { length });
        }
        let at_count = trimmed.matches('@').count();
        let (local, domain) = match trimmed.split_once('@') {
            None => return Err(EmailError::MissingAt),
            Some(_) if at_count > 1 => return Err(EmailError::MultipleAt { count: at_count }),
            Some(parts) => parts,
        };
        check_local_part(local)?;
        let ascii_domain = normalize_domain(domain)?;
        let address = format!("{local}@{ascii_domain}");
        // Punycode can make a short Unicode domain long.
        let length = address.chars().count();
        if length > MAX_LENGTH {
            return Err(EmailError::TooLong { length });
        }
        Ok(EmailAddress(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, as written.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// The domain in lower-case ASCII (punycode for internationalized names).
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

fn check_local_part(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::LocalEmpty);
    }
    let length = local.chars().count();
    if length > MAX_LOCAL_LENGTH {
        return Err(EmailError::LocalTooLong { length });
    }
    let is_atext = |character: char| {
        character.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(character)
    };
    if let Some(character) = local
        .chars()
        .find(|&character| character != '.' && !is_atext(character))
    {
        return Err(EmailError::LocalInvalidCharacter { character });
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::LocalMisplacedDot);
    }
    Ok(())
}

fn normalize_domain(domain: &str) -> Result<String, EmailError> {
    if domain.is_empty() {
        return Err(EmailError::DomainEmpty);
    }
    let invalid = || EmailError::DomainInvalid {
        domain: domain.to_owned(),
    };
    // UTS #46 with the STD3 rules: letters, digits and hyphens only; also maps
    // upper case and full-width forms.
    let ascii = idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::STD3)
        .map_err(|_| invalid())?
        .into_owned();
    if !ascii.contains('.') {
        return Err(EmailError::DomainWithoutDot {
            domain: domain.to_owned(),
        });
    }
    if ascii.len() > MAX_DOMAIN_LENGTH {
        return Err(invalid());
    }
    let labels_are_valid = ascii.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_LENGTH
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    // A numeric top-level label means an IP address, which a mailbox domain is not.
    let top_level_is_numeric = ascii
        .rsplit('.')
        .next()
        .is_some_and(|label| label.bytes().all(|byte| byte.is_ascii_digit()));
    if !labels_are_valid || top_level_is_numeric {
        return Err(invalid());
    }
    Ok(ascii)
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = EmailError;
    fn from_str(input: &str) -> Result<EmailAddress, EmailError> {
        EmailAddress::parse(input)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(input: String) -> Result<EmailAddress, EmailError> {
        EmailAddress::parse(&input)
    }
}

impl From<EmailAddress> for String {
    fn from(email: EmailAddress) -> String {
        email.0
    }
}

impl Explain for EmailError {
    fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "email_empty",
            EmailError::ContainsSpace => "email_contains_space",
            EmailError::TooLong { .. } => "email_too_long",
            EmailError::MissingAt => "email_missing_at",
            EmailError::MultipleAt { .. } => "email_multiple_at",
            EmailError::LocalEmpty => "email_local_empty",
            EmailError::LocalTooLong { .. } => "email_local_too_long",
            EmailError::LocalInvalidCharacter { .. } => "email_local_invalid_character",
            EmailError::LocalMisplacedDot => "email_local_misplaced_dot",
            EmailError::DomainEmpty => "email_domain_empty",
            EmailError::DomainWithoutDot { .. } => "email_domain_without_dot",
            EmailError::DomainInvalid { .. } => "email_domain_invalid",
        }
    }

    fn explain(&self) -> Message {
        match self {
            EmailError::Empty => Message::new("validation-email-empty"),
            EmailError::ContainsSpace => Message::new("validation-email-contains-space"),
            EmailError::TooLong { length } => {
                Message::new("validation-email-too-long").with("length", count(*length))
            }
            EmailError::MissingAt => Message::new("validation-email-missing-at"),
            EmailError::MultipleAt { count: at_count } => {
                Message::new("validation-email-multiple-at").with("count", count(*at_count))
            }
            EmailError::LocalEmpty => Message::new("validation-email-local-empty"),
            EmailError::LocalTooLong { length } => {
                Message::new("validation-email-local-too-long").with("length", count(*length))
            }
            EmailError::LocalInvalidCharacter { character } => {
                Message::new("validation-email-local-invalid-character")
                    .with("character", character.to_string())
            }
            EmailError::LocalMisplacedDot => Message::new("validation-email-local-misplaced-dot"),
            EmailError::DomainEmpty => Message::new("validation-email-domain-empty"),
            EmailError::DomainWithoutDot { domain } => {
                Message::new("validation-email-domain-without-dot").with("domain", domain.as_str())
            }
            EmailError::DomainInvalid { domain } => {
                Message::new("validation-email-domain-invalid").with("domain", domain.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, EmailError>) {
        let actual = EmailAddress::parse(input);
        assert_eq!(
            actual.as_ref().map(EmailAddress::as_str),
            expected.as_ref().map(|e| *e),
            "input {input:?}"
        );
    }

    #[test]
    fn valid_addresses_are_normalized() {
        check("aigerim@example.kz", Ok("aigerim@example.kz"));
        check(
            "  Aigerim.Nurlanqyzy@Example.KZ ",
            Ok("Aigerim.Nurlanqyzy@example.kz"),
        );
        check("parent+qorgau@mail.ru", Ok("parent+qorgau@mail.ru"));
        check("o'brien@sub.example.co.uk", Ok("o'brien@sub.example.co.uk"));
        check("ata-ana@мектеп.қаз", Ok("ata-ana@xn--e1aaogsq.xn--80ao21a"));
        check("user@ПРИМЕР.РФ", Ok("user@xn--e1afmkfd.xn--p1ai"));
        check(
            &format!("{}@example.kz", "a".repeat(64)),
            Ok(&format!("{}@example.kz", "a".repeat(64))),
        );
    }

    #[test]
    fn each_rule_has_its_error() {
        check("", Err(EmailError::Empty));
        check("ali @example.kz", Err(EmailError::ContainsSpace));
        check(
            &format!("a@{}.kz", "b".repeat(260)),
            Err(EmailError::TooLong { length: 265 }),
        );
        check("ali.example.kz", Err(EmailError::MissingAt));
        check("ali@@example.kz", Err(EmailError::MultipleAt { count: 2 }));
        check(
            "\"a@b\"@example.kz",
            Err(EmailError::MultipleAt { count: 2 }),
        );
        check("@example.kz", Err(EmailError::LocalEmpty));
        check(
            &format!("{}@example.kz", "a".repeat(65)),
            Err(EmailError::LocalTooLong { length: 65 }),
        );
        check(
            "әли@example.kz",
            Err(EmailError::LocalInvalidCharacter { character: 'ә' }),
        );
        check(
            "a,b@example.kz",
            Err(EmailError::LocalInvalidCharacter { character: ',' }),
        );
        check(".ali@example.kz", Err(EmailError::LocalMisplacedDot));
        check("ali.@example.kz", Err(EmailError::LocalMisplacedDot));
        check("a..li@example.kz", Err(EmailError::LocalMisplacedDot));
        check("ali@", Err(EmailError::DomainEmpty));
        check(
            "ali@localhost",
            Err(EmailError::DomainWithoutDot {
                domain: "localhost".into(),
            }),
        );
        check(
            "ali@exa_mple.kz",
            Err(EmailError::DomainInvalid {
                domain: "exa_mple.kz".into(),
            }),
        );
        check(
            "ali@example..kz",
            Err(EmailError::DomainInvalid {
                domain: "example..kz".into(),
            }),
        );
        check(
            "ali@-example.kz",
            Err(EmailError::DomainInvalid {
                domain: "-example.kz".into(),
            }),
        );
        check(
            "ali@192.168.0.1",
            Err(EmailError::DomainInvalid {
                domain: "192.168.0.1".into(),
            }),
        );
        check(
            "ali@[192.168.0.1]",
            Err(EmailError::DomainInvalid {
                domain: "[192.168.0.1]".into(),
            }),
        );
    }

    #[test]
    fn parts_are_available() {
        let email = EmailAddress::parse("Ali@Example.KZ").expect("valid");
        assert_eq!((email.local_part(), email.domain()), ("Ali", "example.kz"));
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parse_never_panics(input in "\\PC*") {
            let _ = EmailAddress::parse(&input);
        }

        #[test]
        fn the_canonical_form_parses_to_itself(local in "[a-zA-Z0-9._+-]{1,20}", domain in "\\PC{1,30}") {
            if let Ok(email) = EmailAddress::parse(&format!("{local}@{domain}")) {
                prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email));
            }
        }
    }
}
