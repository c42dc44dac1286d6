//! Parse, don't validate: every value a person types becomes a type that can
//! only hold a valid value, or an error that names the rule it broke.
//!
//! | input | type | rules |
//! |---|---|---|
//! | IIN | [`iin::Iin`] | 12 digits, birth date, century digit, check digit (Decree No. 565) |
//! | phone | [`phone::PhoneNumber`] | Kazakhstan +7 6xx/7xx, stored as E.164 |
//! | e-mail | [`email::EmailAddress`] | one @, local part ≤ 64, IDN domain with a dot |
//! | date | [`parse_date`] | strict `YYYY-MM-DD` |
//! | Internet resource | [`resource::InternetResource`] | normalized URL and dedup key |
//! | actor | [`actor::ActorAccount`] | an account, however written |
//!
//! Every error implements [`crate::message::Explain`]: a stable code for the
//! API and a Fluent message in `locales/{kk,ru,en}/validation.ftl`. The rules
//! and their sources are in `docs/validation.md`.
//!
//! Architecture Invariant: nothing here does I/O. A short link stays a short
//! link and a domain is never resolved; the shell does that (evidence capture).

pub mod actor;
pub mod date;
pub mod email;
pub mod iin;
pub mod phone;
pub mod resource;

pub use actor::{ActorAccount, ActorError};
pub use date::{DateError, parse_date};
pub use email::{EmailAddress, EmailError};
pub use iin::{Iin, IinCheck, IinError, Sex};
pub use phone::{PhoneError, PhoneNumber};
pub use resource::{InternetResource, Platform, ResourceError, ResourceKind};

#[cfg(test)]
mod tests {
    //! Every error has a message in every language, with the arguments the
    //! message uses.

    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::message::{Explain, Language};

    fn locale_file(language: Language) -> &'static str {
        match language {
            Language::Kk => include_str!("../../../../locales/kk/validation.ftl"),
            Language::Ru => include_str!("../../../../locales/ru/validation.ftl"),
            Language::En => include_str!("../../../../locales/en/validation.ftl"),
        }
    }

    /// Message id → the `$variables` its text uses (a crude reader of Fluent:
    /// enough for messages without terms or attributes).
    fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut messages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in source.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ')
                && let Some((id, _)) = line.split_once('=')
            {
                current = Some(id.trim().to_owned());
                messages.entry(id.trim().to_owned()).or_default();
            }
            if let Some(id) = &current {
                let variables = line.split('$').skip(1).map(|rest| {
                    rest.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                        .collect::<String>()
                });
                messages.entry(id.clone()).or_default().extend(variables);
            }
        }
        messages
    }

    /// One example of every error variant.
    fn every_error() -> Vec<Box<dyn Explain>> {
        vec![
            Box::new(IinError::WrongLength { length: 11 }),
            Box::new(IinError::NonDigit {
                position: 3,
                character: 'x',
            }),
            Box::new(IinError::InvalidCenturyDigit { digit: 0 }),
            Box::new(IinError::InvalidBirthDate {
                digits: "991332".into(),
            }),
            Box::new(IinError::ChecksumMismatch {
                expected: 1,
                found: 2,
            }),
            Box::new(IinError::ChecksumUndefined),
            Box::new(PhoneError::Empty),
            Box::new(PhoneError::InvalidCharacter { character: 'x' }),
            Box::new(PhoneError::WrongLength { digits: 9 }),
            Box::new(PhoneError::InvalidPrefix { prefix: "9".into() }),
            Box::new(PhoneError::ForeignCountryCode {
                prefix: "996".into(),
            }),
            Box::new(PhoneError::NotKazakhstan { zone: "916".into() }),
            Box::new(EmailError::Empty),
            Box::new(EmailError::ContainsSpace),
            Box::new(EmailError::TooLong { length: 300 }),
            Box::new(EmailError::MissingAt),
            Box::new(EmailError::MultipleAt { count: 2 }),
            Box::new(EmailError::LocalEmpty),
            Box::new(EmailError::LocalTooLong { length: 65 }),
            Box::new(EmailError::LocalInvalidCharacter { character: 'ә' }),
            Box::new(EmailError::LocalMisplacedDot),
            Box::new(EmailError::DomainEmpty),
            Box::new(EmailError::DomainWithoutDot {
                domain: "localhost".into(),
            }),
            Box::new(EmailError::DomainInvalid {
                domain: "exa_mple.kz".into(),
            }),
            Box::new(DateError::Empty),
            Box::new(DateError::Format {
                input: "28.01.2025".into(),
            }),
            Box::new(DateError::NoSuchDay {
                input: "2025-02-30".into(),
            }),
            Box::new(ResourceError::Empty),
            Box::new(ResourceError::TooLong { length: 3000 }),
            Box::new(ResourceError::ContainsSpace),
            Box::new(ResourceError::HandleNeedsPlatform {
                handle: "@name".into(),
            }),
            Box::new(ResourceError::UnsupportedScheme {
                scheme: "javascript".into(),
            }),
            Box::new(ResourceError::Unparseable {
                input: "https://".into(),
            }),
            Box::new(ResourceError::UserInfo),
            Box::new(ResourceError::HostWithoutDot {
                host: "localhost".into(),
            }),
            Box::new(ResourceError::IpNotPublic {
                address: "10.0.0.1".into(),
            }),
            Box::new(ResourceError::PlatformHome {
                platform: Platform::Instagram,
            }),
            Box::new(ResourceError::UnknownPlatform {
                name: "myspace".into(),
            }),
            Box::new(ResourceError::InvalidHandle {
                platform: Platform::Telegram,
                handle: "@".into(),
            }),
            Box::new(ResourceError::HandleNotSupported {
                platform: Platform::Whatsapp,
            }),
            Box::new(ActorError::PlatformMismatch {
                expected: Platform::Telegram,
                found: Platform::Vk,
            }),
            Box::new(ActorError::NotAnAccount {
                kind: ResourceKind::Post,
            }),
        ]
    }

    #[test]
    fn the_three_locales_define_the_same_messages() {
        let english = messages(locale_file(Language::En));
        for language in Language::ALL {
            let translated = messages(locale_file(language));
            assert_eq!(
                translated.keys().collect::<Vec<_>>(),
                english.keys().collect::<Vec<_>>(),
                "message ids of {}",
                language.tag()
            );
        }
    }

    #[test]
    fn every_error_has_a_message_with_its_arguments_in_every_language() {
        let mut codes = BTreeSet::new();
        for error in every_error() {
            let message = error.explain();
            let code = error.code();
            assert!(codes.insert(code), "code {code} is used twice");
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "code {code} is snake_case"
            );
            assert_eq!(
                message.id,
                format!("validation-{}", code.replace('_', "-")),
                "id of {code}"
            );
            let given: BTreeSet<String> = message
                .args
                .iter()
                .map(|(name, _)| (*name).to_owned())
                .collect();
            for language in Language::ALL {
                let defined = messages(locale_file(language));
                let used = defined
                    .get(message.id)
                    .unwrap_or_else(|| panic!("{} has no message {}", language.tag(), message.id));
                assert!(
                    used.is_subset(&given),
                    "{} {} uses {used:?}, given {given:?}",
                    language.tag(),
                    message.id
                );
            }
        }
        let defined = messages(locale_file(Language::En));
        let explained: BTreeSet<String> = every_error()
            .iter()
            .map(|error| error.explain().id.to_owned())
            .collect();
        let unused: Vec<&String> = defined
            .keys()
            .filter(|id| !explained.contains(*id))
            .collect();
        assert!(unused.is_empty(), "messages no error uses: {unused:?}");
    }
}
