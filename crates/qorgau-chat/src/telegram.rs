//! Telegram Desktop's chat export (`result.json`, "Export chat history" →
//! "Machine-readable JSON"), read as a stream.
//!
//! The file is one object, `{"name","type","id","messages":[…]}`, each
//! message `{"id","type":"message"|"service","date":"2024-01-02T10:11:12",
//! "date_unixtime":"1704168672","from","from_id","text",…}` where `text` is a
//! string or a list of strings and `{"type","text"}` parts, and media add
//! `photo`, `file`, `media_type`, `location_information`, … (older exports
//! have a numeric `from_id` and no `date_unixtime`). The top object is walked
//! with a serde visitor and `messages` with a sequence visitor that builds one
//! message, hands it on and forgets it: memory stays flat whatever the size.
//!
//! Telegram writes `date` in the exporting computer's local time, which the
//! file does not name; `date_unixtime` (exports since 2021) is the instant.
//! So `date_unixtime` is used when present and `date` is read in
//! `ImportOptions::time_zone` otherwise (and reported as an assumption).
//!
//! Only a syntax error is fatal (a truncated or damaged file: nothing is
//! kept). Unexpected *values* never are: every field is read leniently, and a
//! record that cannot be a message is skipped with its reason.

use std::fmt;
use std::io::{BufReader, Read};

use jiff::Timestamp;
use jiff::civil::DateTime;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;

use crate::lines::skip_byte_order_mark;
use crate::stamp::zone_name;
use crate::summary::{Assumption, Collector, SkipReason};
use crate::{
    Attachment, AttachmentKind, ChatMessage, ImportFailure, ImportOptions, MessageRef, Sender,
};

pub(crate) fn parse<R: Read>(
    input: R,
    options: &ImportOptions,
    collector: &mut Collector<'_>,
) -> Result<(), ImportFailure> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    skip_byte_order_mark(&mut reader)?;
    let mut state = State {
        collector,
        options,
        position: 0,
        whole_account: false,
        saw_messages: false,
        local_time_noted: false,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let result = (&mut deserializer)
        .deserialize_map(ExportVisitor { state: &mut state })
        .and_then(|()| deserializer.end());
    if let Err(error) = result {
        return Err(failure(&error, state.whole_account));
    }
    if !state.saw_messages {
        return Err(ImportFailure::NotAnExport);
    }
    Ok(())
}

fn failure(error: &serde_json::Error, whole_account: bool) -> ImportFailure {
    if whole_account {
        return ImportFailure::WholeAccountExport;
    }
    let line = u64::try_from(error.line()).unwrap_or(u64::MAX);
    let column = u64::try_from(error.column()).unwrap_or(u64::MAX);
    match error.classify() {
        Category::Eof => ImportFailure::Truncated { line, column },
        Category::Io => ImportFailure::Io {
            detail: error.to_string(),
        },
        Category::Data => ImportFailure::NotAnExport,
        Category::Syntax => {
            let text = error.to_string();
            if text.starts_with("invalid unicode code point") {
                ImportFailure::NotUtf8 { line, column }
            } else {
                // serde_json appends " at line L column C"; the message has its own.
                let detail = text
                    .rsplit_once(" at line ")
                    .map_or(text.as_str(), |(detail, _)| detail);
                ImportFailure::Malformed {
                    line,
                    column,
                    detail: detail.to_owned(),
                }
            }
        }
    }
}

struct State<'c, 'a> {
    collector: &'c mut Collector<'a>,
    options: &'c ImportOptions,
    /// Elements of `messages` seen so far.
    position: u64,
    whole_account: bool,
    saw_messages: bool,
    local_time_noted: bool,
}

// --- the top object ---------------------------------------------------------

enum RootKey {
    Name,
    Messages,
    /// A key only the whole-account export has.
    WholeAccount,
    Other,
}

fn root_key(key: &str) -> RootKey {
    match key {
        "name" => RootKey::Name,
        "messages" => RootKey::Messages,
        "chats" | "left_chats" | "personal_information" => RootKey::WholeAccount,
        _ => RootKey::Other,
    }
}

struct ExportVisitor<'s, 'c, 'a> {
    state: &'s mut State<'c, 'a>,
}

impl<'de> Visitor<'de> for ExportVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a Telegram chat export object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed(root_key))? {
            match key {
                RootKey::Name => {
                    if let Some(name) = map.next_value_seed(LooseString)? {
                        self.state.collector.set_chat_name(name);
                    }
                }
                RootKey::Messages => {
                    map.next_value_seed(MessagesSeed {
                        state: &mut *self.state,
                    })?;
                    self.state.saw_messages = true;
                }
                RootKey::WholeAccount => {
                    // Stop at once rather than walk gigabytes of other chats.
                    self.state.whole_account = true;
                    return Err(de::Error::custom("whole-account export"));
                }
                RootKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct MessagesSeed<'s, 'c, 'a> {
    state: &'s mut State<'c, 'a>,
}

impl<'de> DeserializeSeed<'de> for MessagesSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for MessagesSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a list of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.state.position += 1;
            let seed = MessageSeed {
                state: &mut *self.state,
            };
            if seq.next_element_seed(seed)?.is_none() {
                self.state.position -= 1;
                return Ok(());
            }
        }
    }
}

// --- one message ------------------------------------------------------------

enum Field {
    Id,
    Type,
    Date,
    DateUnixtime,
    From,
    FromId,
    Actor,
    ActorId,
    Action,
    Text,
    Photo,
    File,
    FileName,
    MediaType,
    Location,
    LiveLocation,
    Contact,
    Poll,
    Other,
}

fn field(key: &str) -> Field {
    match key {
        "id" => Field::Id,
        "type" => Field::Type,
        "date" => Field::Date,
        "date_unixtime" => Field::DateUnixtime,
        "from" => Field::From,
        "from_id" => Field::FromId,
        "actor" => Field::Actor,
        "actor_id" => Field::ActorId,
        "action" => Field::Action,
        "text" => Field::Text,
        "photo" => Field::Photo,
        "file" => Field::File,
        "file_name" => Field::FileName,
        "media_type" => Field::MediaType,
        "location_information" => Field::Location,
        "live_location_period_seconds" => Field::LiveLocation,
        "contact_information" | "contact_vcard" => Field::Contact,
        "poll" => Field::Poll,
        _ => Field::Other,
    }
}

#[derive(Default)]
struct Fields {
    id: Option<i64>,
    kind: Option<String>,
    date: Option<String>,
    unixtime: Option<String>,
    from: Option<String>,
    from_id: Option<String>,
    actor: Option<String>,
    actor_id: Option<String>,
    action: Option<String>,
    text: String,
    /// Present, with its path (or Telegram's "(File not included…)" note).
    photo: Option<Option<String>>,
    file: Option<Option<String>>,
    file_name: Option<String>,
    media_type: Option<String>,
    location: bool,
    live_location: bool,
    contact: bool,
    poll: bool,
}

struct MessageSeed<'s, 'c, 'a> {
    state: &'s mut State<'c, 'a>,
}

impl<'de> DeserializeSeed<'de> for MessageSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl MessageSeed<'_, '_, '_> {
    fn not_an_object(self) {
        let at = MessageRef::Position(self.state.position);
        self.state.collector.skip(SkipReason::NotAnObject, at);
    }
}

impl<'de> Visitor<'de> for MessageSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a message object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key_seed(KeySeed(field))? {
            match key {
                Field::Id => fields.id = map.next_value_seed(LooseInteger)?,
                Field::Type => fields.kind = map.next_value_seed(LooseString)?,
                Field::Date => fields.date = map.next_value_seed(LooseString)?,
                Field::DateUnixtime => fields.unixtime = map.next_value_seed(LooseString)?,
                Field::From => fields.from = map.next_value_seed(LooseString)?,
                Field::FromId => fields.from_id = map.next_value_seed(LooseString)?,
                Field::Actor => fields.actor = map.next_value_seed(LooseString)?,
                Field::ActorId => fields.actor_id = map.next_value_seed(LooseString)?,
                Field::Action => fields.action = map.next_value_seed(LooseString)?,
                Field::Text => map.next_value_seed(TextSeed(&mut fields.text))?,
                Field::Photo => fields.photo = Some(map.next_value_seed(LooseString)?),
                Field::File => fields.file = Some(map.next_value_seed(LooseString)?),
                Field::FileName => fields.file_name = map.next_value_seed(LooseString)?,
                Field::MediaType => fields.media_type = map.next_value_seed(LooseString)?,
                Field::Location | Field::LiveLocation | Field::Contact | Field::Poll => {
                    map.next_value::<IgnoredAny>()?;
                    match key {
                        Field::Location => fields.location = true,
                        Field::LiveLocation => fields.live_location = true,
                        Field::Contact => fields.contact = true,
                        _ => fields.poll = true,
                    }
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.state.finish_message(fields);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object();
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }
}

impl State<'_, '_> {
    fn finish_message(&mut self, fields: Fields) {
        let reference = fields
            .id
            .map_or(MessageRef::Position(self.position), MessageRef::Id);
        let (name, id, mut attachments) = match fields.kind.as_deref() {
            None | Some("message") => (fields.from, fields.from_id, Vec::new()),
            // A call is contact, even unanswered: kept as a message by its caller.
            Some("service") if fields.action.as_deref() == Some("phone_call") => (
                fields.actor,
                fields.actor_id,
                vec![Attachment {
                    kind: AttachmentKind::Call,
                    name: None,
                }],
            ),
            Some("service") => {
                return self.collector.skip(SkipReason::ServiceMessage, reference);
            }
            Some(_) => return self.collector.skip(SkipReason::UnknownType, reference),
        };
        if name.is_none() && id.is_none() {
            return self.collector.skip(SkipReason::NoSender, reference);
        }
        let time = match (fields.unixtime, fields.date) {
            (Some(seconds), _) => seconds
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|seconds| Timestamp::from_second(seconds).ok()),
            (None, Some(local)) => {
                if !self.local_time_noted {
                    self.local_time_noted = true;
                    self.collector.assume(Assumption::LocalTime {
                        zone: zone_name(&self.options.time_zone),
                    });
                }
                local
                    .parse::<DateTime>()
                    .ok()
                    .and_then(|datetime| self.options.time_zone.to_timestamp(datetime).ok())
            }
            (None, None) => return self.collector.skip(SkipReason::NoTime, reference),
        };
        let Some(time) = time else {
            return self.collector.skip(SkipReason::BadTime, reference);
        };
        if let Some(path) = fields.photo {
            attachments.push(Attachment {
                kind: AttachmentKind::Photo,
                name: path.filter(|path| is_file_path(path)),
            });
        }
        if let Some(path) = fields.file {
            let kind = match fields.media_type.as_deref() {
                Some("sticker") => AttachmentKind::Sticker,
                Some("voice_message") => AttachmentKind::Voice,
                Some("video_message") => AttachmentKind::VideoMessage,
                Some("video_file") => AttachmentKind::Video,
                Some("animation") => AttachmentKind::Animation,
                Some("audio_file") => AttachmentKind::Audio,
                _ => AttachmentKind::File,
            };
            attachments.push(Attachment {
                kind,
                name: fields
                    .file_name
                    .or_else(|| path.filter(|path| is_file_path(path))),
            });
        }
        if fields.location {
            attachments.push(Attachment {
                kind: if fields.live_location {
                    AttachmentKind::LiveLocation
                } else {
                    AttachmentKind::Location
                },
                name: None,
            });
        }
        for (present, kind) in [
            (fields.contact, AttachmentKind::Contact),
            (fields.poll, AttachmentKind::Poll),
        ] {
            if present {
                attachments.push(Attachment { kind, name: None });
            }
        }
        self.collector.accept(ChatMessage {
            reference,
            sender: Sender { name, id },
            time: Some(time),
            text: fields.text,
            attachments,
        });
    }
}

/// `photos/photo_1@02-01-2024_10-11-12.jpg`, not Telegram's
/// "(File not included. Change data exporting settings to download.)".
fn is_file_path(path: &str) -> bool {
    !path.starts_with('(')
}

// --- lenient values ---------------------------------------------------------

/// A map key turned into `T` without allocating.
struct KeySeed<T>(fn(&str) -> T);

impl<'de, T> DeserializeSeed<'de> for KeySeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, T> Visitor<'de> for KeySeed<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<T, E> {
        Ok((self.0)(key))
    }
}

/// Drains a list or an object that is not wanted.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A string, or a number written as one; anything else is no value.
struct LooseString;

impl<'de> DeserializeSeed<'de> for LooseString {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LooseString {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq).map(|()| None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map).map(|()| None)
    }
}

/// An integer, or one written as a string; anything else is no value.
struct LooseInteger;

impl<'de> DeserializeSeed<'de> for LooseInteger {
    type Value = Option<i64>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LooseInteger {
    type Value = Option<i64>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(value).ok())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(value.trim().parse().ok())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq).map(|()| None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map).map(|()| None)
    }
}

/// A message's `text`: a string, or a list of strings and `{"type","text"}`
/// parts (bold, links, mentions…), appended in order into one string.
struct TextSeed<'t>(&'t mut String);

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a text")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.0.push_str(value);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(TextSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(is_text) = map.next_key_seed(KeySeed(|key: &str| key == "text"))? {
            if is_text {
                map.next_value_seed(TextSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}
