//! Why a file could not be read to its end: nothing of it may be kept.

use qorgau_domain::message::{Explain, Message};

use crate::ImportSummary;

/// A file that cannot be imported, with what was read before it broke off.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{failure} (after {} messages)", read_before.messages)]
pub struct ImportError {
    pub failure: ImportFailure,
    /// What was read before the failure: reported so the person sees how far
    /// the file goes, never kept. Boxed, so that the `Err` stays small.
    pub read_before: Box<ImportSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFailure {
    #[error("the file could not be read: {detail}")]
    Io { detail: String },
    /// The JSON stops in the middle: a partial download or copy.
    #[error("the file ends in the middle of the export, at line {line}, column {column}")]
    Truncated { line: u64, column: u64 },
    #[error("the file is not valid JSON at line {line}, column {column}: {detail}")]
    Malformed {
        line: u64,
        column: u64,
        detail: String,
    },
    #[error("the file is not UTF-8 at line {line}, column {column}")]
    NotUtf8 { line: u64, column: u64 },
    /// A UTF-16 file (a byte-order mark FF FE or FE FF).
    #[error("the file is UTF-16, not UTF-8")]
    Utf16,
    /// Valid JSON that is not a single-chat Telegram export.
    #[error("this is not a Telegram chat export: no `messages` list at the top")]
    NotAnExport,
    /// Telegram's whole-account export ("Export Telegram data"): many chats.
    #[error("this is a whole-account Telegram export, not one chat")]
    WholeAccountExport,
    /// Every record was skipped: probably the wrong `--format`.
    #[error("no message could be read from the file")]
    NothingRead,
}

impl Explain for ImportError {
    fn code(&self) -> &'static str {
        match self.failure {
            ImportFailure::Io { .. } => "chat_io",
            ImportFailure::Truncated { .. } => "chat_truncated",
            ImportFailure::Malformed { .. } => "chat_malformed",
            ImportFailure::NotUtf8 { .. } => "chat_not_utf8",
            ImportFailure::Utf16 => "chat_utf16",
            ImportFailure::NotAnExport => "chat_not_an_export",
            ImportFailure::WholeAccountExport => "chat_whole_account_export",
            ImportFailure::NothingRead => "chat_nothing_read",
        }
    }

    fn explain(&self) -> Message {
        let read = i64::try_from(self.read_before.messages).unwrap_or(i64::MAX);
        let position = |id: &'static str, line: u64, column: u64| {
            Message::new(id)
                .with("line", i64::try_from(line).unwrap_or(i64::MAX))
                .with("column", i64::try_from(column).unwrap_or(i64::MAX))
                .with("read", read)
        };
        match &self.failure {
            ImportFailure::Io { detail } => Message::new("chat-error-io")
                .with("detail", detail.as_str())
                .with("read", read),
            ImportFailure::Truncated { line, column } => {
                position("chat-error-truncated", *line, *column)
            }
            ImportFailure::Malformed {
                line,
                column,
                detail,
            } => position("chat-error-malformed", *line, *column).with("detail", detail.as_str()),
            ImportFailure::NotUtf8 { line, column } => {
                position("chat-error-not-utf8", *line, *column)
            }
            ImportFailure::Utf16 => Message::new("chat-error-utf16"),
            ImportFailure::NotAnExport => Message::new("chat-error-not-an-export"),
            ImportFailure::WholeAccountExport => Message::new("chat-error-whole-account-export"),
            ImportFailure::NothingRead => Message::new("chat-error-nothing-read").with(
                "skipped",
                i64::try_from(self.read_before.skipped_total()).unwrap_or(i64::MAX),
            ),
        }
    }
}
