//! Language-neutral messages. The domain never formats text for people: it names
//! a Fluent message (`locales/{kk,ru,en}/*.ftl`) and its arguments, and the shell
//! renders it in the reader's language with `qorgau-i18n`.

use serde::{Deserialize, Serialize};

/// The languages Qorgau speaks. Kazakh is the state language and the default
/// (API.md: `?lang=`, then `Accept-Language`, then Kazakh).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Kk,
    Ru,
    En,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Kk, Language::Ru, Language::En];

    /// The BCP 47 tag: `kk`, `ru` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Kk => "kk",
            Language::Ru => "ru",
            Language::En => "en",
        }
    }

    /// Parses a tag such as `ru`, `ru-KZ` or `EN`; `None` for anything else.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "kk" | "kz" => Some(Language::Kk),
            "ru" => Some(Language::Ru),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// One argument of a message. Dates and numbers stay typed so the renderer can
/// format them for the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageArg {
    Text(String),
    Number(i64),
    /// Text the legal data already holds in every language (a rule's citation).
    Localized(crate::regime::Localized),
}

impl From<String> for MessageArg {
    fn from(text: String) -> Self {
        MessageArg::Text(text)
    }
}

impl From<&str> for MessageArg {
    fn from(text: &str) -> Self {
        MessageArg::Text(text.to_owned())
    }
}

impl From<i64> for MessageArg {
    fn from(number: i64) -> Self {
        MessageArg::Number(number)
    }
}

/// A reference to a Fluent message with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The Fluent message id, e.g. `refusal-resource-required`.
    pub id: &'static str,
    pub args: Vec<(&'static str, MessageArg)>,
}

impl Message {
    pub fn new(id: &'static str) -> Self {
        Message {
            id,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<MessageArg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

/// Implemented by every error and outcome a person may read: a stable
/// machine-readable code (API problem `errors[].code`) and the message that
/// explains it.
pub trait Explain {
    /// A stable snake_case code, e.g. `resource_required`.
    fn code(&self) -> &'static str;
    /// The localizable explanation.
    fn explain(&self) -> Message;
}
