//! What an import read, what it skipped and why, and what it had to assume.

use std::collections::HashMap;

use jiff::Timestamp;
use qorgau_domain::message::Message;
use serde::Serialize;

use crate::stamp::DateOrder;
use crate::{ChatFormat, ChatMessage, MessageRef, Sender};

/// Why a record of the export did not become a message. Each is counted, with
/// the first place it happened, and explained to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A Telegram service record (someone joined, a message was pinned, …):
    /// not something a person wrote. Calls are kept, as contact.
    ServiceMessage,
    /// A WhatsApp line with a time but no sender ("Messages and calls are
    /// end-to-end encrypted", "X added Y").
    SystemLine,
    /// A message with neither a name nor an account id.
    NoSender,
    /// A Telegram message with neither `date_unixtime` nor `date`.
    NoTime,
    /// A time that is not a real instant (31.02.2024, 25:61) or cannot be read.
    BadTime,
    /// An element of `messages` that is not a JSON object.
    NotAnObject,
    /// A Telegram record whose `type` is neither `message` nor `service`: an
    /// export version this build does not know.
    UnknownType,
    /// A message with bytes that are not UTF-8 (a file saved in another
    /// encoding, or two files glued together).
    NotUtf8,
    /// A line or message longer than any messenger allows (1 MiB).
    TooLong,
    /// A line that is neither the start of a message nor part of one (text
    /// before the first message).
    CannotPlace,
}

impl SkipReason {
    pub fn code(self) -> &'static str {
        match self {
            SkipReason::ServiceMessage => "service_message",
            SkipReason::SystemLine => "system_line",
            SkipReason::NoSender => "no_sender",
            SkipReason::NoTime => "no_time",
            SkipReason::BadTime => "bad_time",
            SkipReason::NotAnObject => "not_an_object",
            SkipReason::UnknownType => "unknown_type",
            SkipReason::NotUtf8 => "not_utf8",
            SkipReason::TooLong => "too_long",
            SkipReason::CannotPlace => "cannot_place",
        }
    }

    /// The Fluent message (`locales/*/chat.ftl`); arguments `count`, `kind`
    /// and `number` (the first place, as in `chat-ref`).
    pub fn message_id(self) -> &'static str {
        match self {
            SkipReason::ServiceMessage => "chat-skip-service-message",
            SkipReason::SystemLine => "chat-skip-system-line",
            SkipReason::NoSender => "chat-skip-no-sender",
            SkipReason::NoTime => "chat-skip-no-time",
            SkipReason::BadTime => "chat-skip-bad-time",
            SkipReason::NotAnObject => "chat-skip-not-an-object",
            SkipReason::UnknownType => "chat-skip-unknown-type",
            SkipReason::NotUtf8 => "chat-skip-not-utf8",
            SkipReason::TooLong => "chat-skip-too-long",
            SkipReason::CannotPlace => "chat-skip-cannot-place",
        }
    }

    pub const ALL: [SkipReason; 10] = [
        SkipReason::ServiceMessage,
        SkipReason::SystemLine,
        SkipReason::NoSender,
        SkipReason::NoTime,
        SkipReason::BadTime,
        SkipReason::NotAnObject,
        SkipReason::UnknownType,
        SkipReason::NotUtf8,
        SkipReason::TooLong,
        SkipReason::CannotPlace,
    ];
}

/// The records skipped for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub reason: SkipReason,
    pub count: u64,
    /// Where the first one is.
    pub first: MessageRef,
}

impl Skipped {
    pub fn explain(&self) -> Message {
        Message::new(self.reason.message_id())
            .with("count", i64::try_from(self.count).unwrap_or(i64::MAX))
            .with("kind", self.first.kind())
            .with("number", self.first.number())
    }
}

/// How a day-and-month order was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrderBasis {
    /// Given by the caller (`--date-order`).
    Given,
    /// No date says; the order that keeps the messages in time order won.
    Sequence,
    /// No date says and the sequence does not tell: the locale's usual order
    /// (month first with `AM`/`PM`, as en-US writes it; otherwise day first).
    Default,
}

/// What the import had to assume because the export does not say: shown to the
/// reader beside the figures, so a wrong guess can be corrected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Assumption {
    /// Times written without a zone were read as local time in `zone`.
    LocalTime { zone: String },
    /// Dates such as `3/6/24` were read in this order.
    DateOrder {
        order: DateOrder,
        basis: DateOrderBasis,
    },
}

impl Assumption {
    pub fn explain(&self) -> Message {
        match self {
            Assumption::LocalTime { zone } => {
                Message::new("chat-assumed-local-time").with("zone", zone.as_str())
            }
            Assumption::DateOrder { order, basis } => Message::new("chat-assumed-date-order")
                .with("order", order.as_str())
                .with(
                    "basis",
                    match basis {
                        DateOrderBasis::Given => "given",
                        DateOrderBasis::Sequence => "sequence",
                        DateOrderBasis::Default => "default",
                    },
                ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SenderCount {
    /// The name as shown; an account without a name shows its id.
    pub name: String,
    pub id: Option<String>,
    pub messages: u64,
}

/// Everything an import read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub format: ChatFormat,
    /// The chat's name, when the export gives one (Telegram's `name`).
    pub chat_name: Option<String>,
    pub messages: u64,
    /// Messages without a time (pasted text only).
    pub without_time: u64,
    /// Most messages first, then by name.
    pub senders: Vec<SenderCount>,
    /// The earliest and latest message times (not the first and last lines:
    /// a pasted chat may be out of order).
    pub first_at: Option<Timestamp>,
    pub last_at: Option<Timestamp>,
    /// By reason, in [`SkipReason`] order.
    pub skipped: Vec<Skipped>,
    pub assumptions: Vec<Assumption>,
}

impl ImportSummary {
    pub fn skipped_total(&self) -> u64 {
        self.skipped.iter().map(|skipped| skipped.count).sum()
    }
}

/// Counts messages as they stream past and hands them on.
pub(crate) struct Collector<'a> {
    format: ChatFormat,
    on_message: &'a mut dyn FnMut(ChatMessage),
    chat_name: Option<String>,
    messages: u64,
    without_time: u64,
    senders: HashMap<Sender, u64>,
    first_at: Option<Timestamp>,
    last_at: Option<Timestamp>,
    skipped: HashMap<SkipReason, (u64, MessageRef)>,
    assumptions: Vec<Assumption>,
}

impl<'a> Collector<'a> {
    pub(crate) fn new(format: ChatFormat, on_message: &'a mut dyn FnMut(ChatMessage)) -> Self {
        Collector {
            format,
            on_message,
            chat_name: None,
            messages: 0,
            without_time: 0,
            senders: HashMap::new(),
            first_at: None,
            last_at: None,
            skipped: HashMap::new(),
            assumptions: Vec::new(),
        }
    }

    pub(crate) fn accept(&mut self, message: ChatMessage) {
        self.messages += 1;
        match message.time {
            Some(time) => {
                self.first_at = Some(self.first_at.map_or(time, |first| first.min(time)));
                self.last_at = Some(self.last_at.map_or(time, |last| last.max(time)));
            }
            None => self.without_time += 1,
        }
        // Look up by reference; clone the sender only the first time it is seen.
        match self.senders.get_mut(&message.sender) {
            Some(count) => *count += 1,
            None => {
                self.senders.insert(message.sender.clone(), 1);
            }
        }
        (self.on_message)(message);
    }

    pub(crate) fn skip(&mut self, reason: SkipReason, at: MessageRef) {
        self.skipped.entry(reason).or_insert((0, at)).0 += 1;
    }

    pub(crate) fn set_chat_name(&mut self, name: String) {
        self.chat_name = Some(name);
    }

    /// Records an assumption once.
    pub(crate) fn assume(&mut self, assumption: Assumption) {
        if !self.assumptions.contains(&assumption) {
            self.assumptions.push(assumption);
        }
    }

    pub(crate) fn finish(self) -> ImportSummary {
        let mut senders: Vec<SenderCount> = self
            .senders
            .into_iter()
            .map(|(sender, messages)| SenderCount {
                name: sender.display().to_owned(),
                id: sender.id,
                messages,
            })
            .collect();
        senders.sort_by(|left, right| {
            right
                .messages
                .cmp(&left.messages)
                .then_with(|| left.name.cmp(&right.name))
                .then_with(|| left.id.cmp(&right.id))
        });
        let mut skipped: Vec<Skipped> = self
            .skipped
            .into_iter()
            .map(|(reason, (count, first))| Skipped {
                reason,
                count,
                first,
            })
            .collect();
        skipped.sort_by_key(|skipped| skipped.reason);
        ImportSummary {
            format: self.format,
            chat_name: self.chat_name,
            messages: self.messages,
            without_time: self.without_time,
            senders,
            first_at: self.first_at,
            last_at: self.last_at,
            skipped,
            assumptions: self.assumptions,
        }
    }
}
