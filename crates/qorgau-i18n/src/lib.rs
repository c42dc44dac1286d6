//! Renders `qorgau_domain::message::Message`s for people, in Kazakh, Russian or
//! English, from the Fluent files in `locales/{kk,ru,en}/*.ftl`.
//!
//! Architecture Invariant: no user-visible text is written in Rust code outside
//! `locales/`; the domain names messages, this crate words them.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use qorgau_domain::message::{Language, Message, MessageArg};
use unic_langid::LanguageIdentifier;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/ftl_files.rs"));
}

/// A problem in the Fluent files themselves (a build bug; tests catch it).
#[derive(Debug)]
pub struct LocaleError(pub String);

impl std::fmt::Display for LocaleError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for LocaleError {}

/// One bundle per language.
pub struct Localizer {
    bundles: Vec<(Language, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Localizer").finish_non_exhaustive()
    }
}

fn language_id(language: Language) -> LanguageIdentifier {
    match language {
        Language::Kk => unic_langid::langid!("kk"),
        Language::Ru => unic_langid::langid!("ru"),
        Language::En => unic_langid::langid!("en"),
    }
}

impl Localizer {
    /// The messages embedded from `locales/`.
    pub fn embedded() -> &'static Localizer {
        static LOCALIZER: OnceLock<Localizer> = OnceLock::new();
        LOCALIZER.get_or_init(|| {
            // The embedded files are checked by this crate's tests; a failure here
            // is a build that skipped them.
            Localizer::from_files(embedded::FTL_FILES).expect("the embedded Fluent files parse")
        })
    }

    /// Builds bundles from `(language tag, file name, contents)`.
    pub fn from_files(files: &[(&str, &str, &str)]) -> Result<Localizer, LocaleError> {
        let mut bundles = Vec::new();
        for language in Language::ALL {
            let mut bundle = FluentBundle::new_concurrent(vec![language_id(language)]);
            // Unicode isolation marks help bidirectional text in browsers but show
            // up as garbage in terminals and e-mail subjects; none of our three
            // languages is right-to-left.
            bundle.set_use_isolating(false);
            for (tag, name, source) in files.iter().filter(|(tag, ..)| *tag == language.tag()) {
                let resource =
                    FluentResource::try_new((*source).to_owned()).map_err(|(_, errors)| {
                        LocaleError(format!("locales/{tag}/{name}: {errors:?}"))
                    })?;
                bundle.add_resource(resource).map_err(|errors| {
                    LocaleError(format!(
                        "locales/{tag}/{name}: duplicate messages {errors:?}"
                    ))
                })?;
            }
            bundles.push((language, bundle));
        }
        Ok(Localizer { bundles })
    }

    fn bundle(&self, language: Language) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(known, _)| *known == language)
            .map(|(_, bundle)| bundle)
    }

    /// Renders `message` in `language`; falls back to English, then to the id,
    /// so a missing translation degrades instead of failing (tests forbid it).
    pub fn render(&self, language: Language, message: &Message) -> String {
        for candidate in [language, Language::En] {
            if let Some(text) = self.try_render(candidate, message) {
                return text;
            }
        }
        message.id.to_owned()
    }

    /// Renders a message that has no arguments.
    pub fn text(&self, language: Language, id: &'static str) -> String {
        self.render(language, &Message::new(id))
    }

    fn try_render(&self, language: Language, message: &Message) -> Option<String> {
        let bundle = self.bundle(language)?;
        let pattern = bundle.get_message(message.id)?.value()?;
        let mut args = FluentArgs::new();
        for (name, value) in &message.args {
            let value = match value {
                MessageArg::Text(text) => FluentValue::from(text.clone()),
                MessageArg::Number(number) => FluentValue::from(*number),
                MessageArg::Localized(localized) => {
                    FluentValue::from(localized.get(language).to_owned())
                }
            };
            args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
        Some(text.into_owned())
    }

    /// The message ids defined for `language` (for the completeness test).
    pub fn message_ids(language: Language) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for (_, _, source) in embedded::FTL_FILES
            .iter()
            .filter(|(tag, ..)| *tag == language.tag())
        {
            if let Ok(resource) = FluentResource::try_new((*source).to_owned()) {
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(message) = entry {
                        ids.insert(message.id.name.to_owned());
                    }
                }
            }
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_parses() {
        Localizer::from_files(embedded::FTL_FILES).unwrap();
    }

    #[test]
    fn the_three_locales_define_the_same_messages() {
        let kazakh = Localizer::message_ids(Language::Kk);
        assert!(!kazakh.is_empty());
        for language in [Language::Ru, Language::En] {
            let other = Localizer::message_ids(language);
            let missing: Vec<_> = kazakh.symmetric_difference(&other).collect();
            assert!(
                missing.is_empty(),
                "kk and {} differ in: {missing:?}",
                language.tag()
            );
        }
    }

    #[test]
    fn every_file_exists_in_every_language() {
        let names = |language: Language| -> BTreeSet<&str> {
            embedded::FTL_FILES
                .iter()
                .filter(|(tag, ..)| *tag == language.tag())
                .map(|(_, name, _)| *name)
                .collect()
        };
        assert_eq!(names(Language::Kk), names(Language::Ru));
        assert_eq!(names(Language::Kk), names(Language::En));
    }
}
