//! Chat exports as evidence (issue 7): a parent usually has the messages, not
//! a list of URLs. This crate reads the three forms they come in —
//! Telegram Desktop's JSON export (`result.json`), WhatsApp's exported `.txt`
//! (its Kazakh, Russian and English phone locales) and pasted plain text —
//! into one timeline of [`ChatMessage`]s, and finds the abuse signals that help
//! an expert read a long chat (`signals`). `docs/chat-import.md` lists every
//! shape that is understood and every reason a record is skipped.
//!
//! Architecture Invariant: no I/O beyond the `std::io::Read` it is handed, no
//! async, no clock. Every parser is a stream: it holds one message at a time
//! (plus, for a WhatsApp file whose date order is still unknown, a bounded
//! buffer), so a 1-million-message export never needs the whole file in memory.
//!
//! Architecture Invariant: all or nothing. [`import`] returns either a summary
//! that accounts for every record (read, or skipped with its reason), or an
//! [`ImportError`] that says what was read before the file broke off and why
//! nothing may be kept. A caller that stored messages from `on_message` must
//! discard them on `Err`: a half result is never presented as whole.
//!
//! Architecture Invariant: signals never decide. A signal names the lexicon
//! entry or detector that matched and where; it carries no score and no verdict.

#![forbid(unsafe_code)]

use std::fmt;
use std::io::Read;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

mod error;
mod lines;
pub mod signals;
mod stamp;
mod summary;
mod telegram;
mod text;
mod whatsapp;

pub use error::{ImportError, ImportFailure};
pub use stamp::DateOrder;
pub use summary::{Assumption, DateOrderBasis, ImportSummary, SenderCount, SkipReason, Skipped};

use summary::Collector;

/// The forms a chat arrives in (`qorgau import chat --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatFormat {
    /// Telegram Desktop's "Export chat history" as machine-readable JSON.
    Telegram,
    /// WhatsApp's "Export chat" text file.
    Whatsapp,
    /// Text pasted or typed: `Name: text` lines, optionally with times.
    Text,
}

impl ChatFormat {
    pub const ALL: [ChatFormat; 3] = [ChatFormat::Telegram, ChatFormat::Whatsapp, ChatFormat::Text];

    /// The name used on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatFormat::Telegram => "telegram",
            ChatFormat::Whatsapp => "whatsapp",
            ChatFormat::Text => "text",
        }
    }

    pub fn from_name(name: &str) -> Option<ChatFormat> {
        ChatFormat::ALL
            .into_iter()
            .find(|format| format.as_str() == name)
    }
}

impl fmt::Display for ChatFormat {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// How to read what the export leaves open.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The zone of times written without one: every WhatsApp and pasted time,
    /// and a Telegram message's `date` when `date_unixtime` is missing (Telegram
    /// writes `date` in the exporting computer's local time). Default
    /// `Asia/Almaty` (PRODUCT.md: Kazakhstan time, from the tz database).
    pub time_zone: TimeZone,
    /// Day before month or month before day, for dates such as `3/6/24` that do
    /// not say. `None`: decided from the file (docs/chat-import.md).
    pub date_order: Option<DateOrder>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            time_zone: qorgau_domain::deadline::almaty().clone(),
            date_order: None,
        }
    }
}

/// Where a record sits in the export, so a person can find it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "number", rename_all = "lowercase")]
pub enum MessageRef {
    /// A Telegram message's `id`.
    Id(i64),
    /// The n-th element (from 1) of a Telegram export's `messages`, for an
    /// element without an `id`.
    Position(u64),
    /// The line (from 1) on which a WhatsApp or pasted message starts.
    Line(u64),
}

impl MessageRef {
    /// `id`, `position` or `line`: the Fluent selector of `chat-ref`.
    pub fn kind(self) -> &'static str {
        match self {
            MessageRef::Id(_) => "id",
            MessageRef::Position(_) => "position",
            MessageRef::Line(_) => "line",
        }
    }

    pub fn number(self) -> i64 {
        match self {
            MessageRef::Id(number) => number,
            MessageRef::Position(number) | MessageRef::Line(number) => {
                i64::try_from(number).unwrap_or(i64::MAX)
            }
        }
    }

    /// The reference as a language-neutral message (`locales/*/chat.ftl`).
    pub fn explain(self) -> qorgau_domain::message::Message {
        qorgau_domain::message::Message::new("chat-ref")
            .with("kind", self.kind())
            .with("number", self.number())
    }
}

impl fmt::Display for MessageRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}", self.kind(), self.number())
    }
}

/// Who wrote a message: the name the export shows and, when the export has
/// one, the account's stable id (Telegram's `from_id`, e.g. `user123456`).
/// Two people with one display name stay two senders when the ids differ.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Sender {
    pub name: Option<String>,
    pub id: Option<String>,
}

impl Sender {
    pub fn named(name: impl Into<String>) -> Sender {
        Sender {
            name: Some(name.into()),
            id: None,
        }
    }

    /// The name, or the id of an account whose name is gone (a deleted
    /// Telegram account exports `"from": null` with its `from_id`).
    pub fn display(&self) -> &str {
        self.name
            .as_deref()
            .or(self.id.as_deref())
            .unwrap_or_default()
    }
}

/// What kind of file or object a message carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Photo,
    Video,
    /// A round video message (Telegram) or a video note.
    VideoMessage,
    Voice,
    Audio,
    Sticker,
    Animation,
    File,
    /// A shared location (a map point).
    Location,
    /// A location shared live for a period: a sign of tracking to read closely.
    LiveLocation,
    Contact,
    Poll,
    /// A voice or video call (Telegram's `phone_call` service record).
    Call,
    /// The export left the media out and says only that there was some
    /// (`<Media omitted>`, `<Без медиафайлов>`, `image omitted`).
    Omitted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub kind: AttachmentKind,
    /// The file name or path in the export, when it names one.
    pub name: Option<String>,
}

/// One message of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    pub reference: MessageRef,
    pub sender: Sender,
    /// When it was sent; `None` only for pasted text without times.
    pub time: Option<Timestamp>,
    /// The text as written (Telegram's formatted parts joined), lines joined
    /// with `\n`; empty for a message that is only an attachment.
    pub text: String,
    pub attachments: Vec<Attachment>,
}

/// Reads a chat export from `input`, handing each message to `on_message` in
/// the file's order, and returns the summary of what was read and skipped.
///
/// On `Err` the file could not be read to its end (or held no message at
/// all): the error says what was read before and why; discard whatever
/// `on_message` received.
pub fn import<R: Read>(
    format: ChatFormat,
    input: R,
    options: &ImportOptions,
    on_message: &mut dyn FnMut(ChatMessage),
) -> Result<ImportSummary, ImportError> {
    let mut collector = Collector::new(format, on_message);
    let result = match format {
        ChatFormat::Telegram => telegram::parse(input, options, &mut collector),
        ChatFormat::Whatsapp => whatsapp::parse(input, options, &mut collector),
        ChatFormat::Text => text::parse(input, options, &mut collector),
    };
    let summary = collector.finish();
    match result {
        Err(failure) => Err(ImportError {
            failure,
            read_before: Box::new(summary),
        }),
        Ok(()) if summary.messages == 0 && summary.skipped_total() > 0 => Err(ImportError {
            failure: ImportFailure::NothingRead,
            read_before: Box::new(summary),
        }),
        Ok(()) => Ok(summary),
    }
}

/// [`import`] without looking at the messages: the expert's preview.
pub fn summarize<R: Read>(
    format: ChatFormat,
    input: R,
    options: &ImportOptions,
) -> Result<ImportSummary, ImportError> {
    import(format, input, options, &mut |_| {})
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use qorgau_domain::message::{Explain, Message};

    use super::*;
    use crate::signals::{SignalCategory, SignalMatch};

    const CHAT_FTL: [(&str, &str); 3] = [
        ("kk", include_str!("../../../locales/kk/chat.ftl")),
        ("ru", include_str!("../../../locales/ru/chat.ftl")),
        ("en", include_str!("../../../locales/en/chat.ftl")),
    ];

    /// Message id → the `$variables` its text needs, following message
    /// references (`{ chat-ref }`), which see the caller's variables.
    fn variables(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut bodies: BTreeMap<String, String> = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in source.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if line.starts_with(' ') {
                if let Some(id) = &current {
                    bodies.entry(id.clone()).or_default().push_str(line);
                }
            } else if let Some((id, body)) = line.split_once(" = ") {
                current = Some(id.trim().to_owned());
                bodies.insert(id.trim().to_owned(), body.to_owned());
            }
        }
        let direct = |body: &str| -> BTreeSet<String> {
            body.split('$')
                .skip(1)
                .map(|rest| {
                    rest.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                        .collect()
                })
                .collect()
        };
        bodies
            .iter()
            .map(|(id, body)| {
                let mut needed = direct(body);
                for (other, other_body) in &bodies {
                    if body.contains(&format!("{{ {other} }}")) {
                        needed.extend(direct(other_body));
                    }
                }
                (id.clone(), needed)
            })
            .collect()
    }

    fn used_messages() -> Vec<Message> {
        let summary = summarize(ChatFormat::Text, &b"A: hi\n"[..], &ImportOptions::default())
            .expect("a summary");
        let mut used: Vec<Message> = [
            ImportFailure::Io { detail: "x".into() },
            ImportFailure::Truncated { line: 1, column: 2 },
            ImportFailure::Malformed {
                line: 1,
                column: 2,
                detail: "x".into(),
            },
            ImportFailure::NotUtf8 { line: 1, column: 2 },
            ImportFailure::Utf16,
            ImportFailure::NotAnExport,
            ImportFailure::WholeAccountExport,
            ImportFailure::NothingRead,
        ]
        .into_iter()
        .map(|failure| {
            ImportError {
                failure,
                read_before: Box::new(summary.clone()),
            }
            .explain()
        })
        .collect();
        used.extend(SkipReason::ALL.into_iter().map(|reason| {
            Skipped {
                reason,
                count: 1,
                first: MessageRef::Line(1),
            }
            .explain()
        }));
        used.push(
            Assumption::LocalTime {
                zone: "Asia/Almaty".into(),
            }
            .explain(),
        );
        used.push(
            Assumption::DateOrder {
                order: DateOrder::DayFirst,
                basis: DateOrderBasis::Sequence,
            }
            .explain(),
        );
        used.push(MessageRef::Id(1).explain());
        used.extend(
            SignalCategory::ALL
                .into_iter()
                .map(|category| Message::new(category.message_id())),
        );
        used.push(
            SignalMatch {
                category: SignalCategory::Insult,
                lexicon: "insults".into(),
                entry: "ru-durak".into(),
                term: "дурак".into(),
                start: 0,
                end: 1,
            }
            .explain(),
        );
        used
    }

    #[test]
    fn every_message_exists_in_every_language_with_its_arguments() {
        for (language, source) in CHAT_FTL {
            let defined = variables(source);
            for message in used_messages() {
                let needed = defined
                    .get(message.id)
                    .unwrap_or_else(|| panic!("{language}: no message {}", message.id));
                let given: BTreeSet<String> = message
                    .args
                    .iter()
                    .map(|(name, _)| (*name).to_owned())
                    .collect();
                assert!(
                    needed.is_subset(&given),
                    "{language}: {} needs {needed:?}, given {given:?}",
                    message.id
                );
            }
        }
    }

    #[test]
    fn formats_have_names() {
        for format in ChatFormat::ALL {
            assert_eq!(ChatFormat::from_name(format.as_str()), Some(format));
            assert_eq!(format.to_string(), format.as_str());
        }
        assert_eq!(ChatFormat::from_name("viber"), None);
        assert_eq!(Sender::named("A").display(), "A");
        assert_eq!(
            Sender {
                name: None,
                id: Some("user1".into())
            }
            .display(),
            "user1"
        );
    }
}
