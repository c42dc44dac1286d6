//! Lines of a text export, one at a time, with a bound on their length.
//!
//! `BufRead::read_line` would grow its buffer without limit on a file with no
//! line breaks (a 2 GB file of one line); this reader keeps at most
//! [`MAX_LINE`] bytes of a line and reports the rest as too long, keeping a
//! short prefix so the caller can still tell whether the line starts a message.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};

use crate::stamp::{Pending, RawStamp, Resolver};
use crate::summary::{Collector, SkipReason};
use crate::{Attachment, ChatMessage, ImportFailure, ImportOptions, MessageRef, Sender};

/// No messenger allows a message near this long (WhatsApp's limit is 65,536
/// characters, Telegram's 4,096), so a longer line is not a message.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// What is kept of a too-long line: enough to read a timestamp and a name.
const PREFIX: usize = 256;

pub(crate) enum LineText<'a> {
    Text(&'a str),
    /// Bytes that are not UTF-8, shown with U+FFFD in their place.
    NotUtf8(Cow<'a, str>),
    /// Longer than [`MAX_LINE`]; the start of the line, decoded leniently.
    TooLong(Cow<'a, str>),
}

pub(crate) struct LineReader<R> {
    reader: R,
    buffer: Vec<u8>,
    number: u64,
}

impl<R: BufRead> LineReader<R> {
    /// Checks the byte-order mark first: a UTF-8 one is dropped, a UTF-16 one
    /// refuses the file (every line would read as garbage).
    pub(crate) fn new(mut reader: R) -> Result<LineReader<R>, ImportFailure> {
        skip_byte_order_mark(&mut reader)?;
        Ok(LineReader {
            reader,
            buffer: Vec::new(),
            number: 0,
        })
    }

    /// The next line without its `\n` / `\r\n`, with its number (from 1).
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(u64, LineText<'_>)>> {
        self.buffer.clear();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if available.is_empty() {
                if !read_any {
                    return Ok(None);
                }
                break;
            }
            read_any = true;
            let (chunk, consumed, done) = match available.iter().position(|byte| *byte == b'\n') {
                Some(end) => (&available[..end], end + 1, true),
                None => (available, available.len(), false),
            };
            if !too_long {
                if self.buffer.len() + chunk.len() > MAX_LINE {
                    too_long = true;
                    self.buffer.truncate(PREFIX);
                    let room = PREFIX.saturating_sub(self.buffer.len());
                    self.buffer
                        .extend_from_slice(&chunk[..room.min(chunk.len())]);
                } else {
                    self.buffer.extend_from_slice(chunk);
                }
            }
            self.reader.consume(consumed);
            if done {
                break;
            }
        }
        self.number += 1;
        if self.buffer.last() == Some(&b'\r') {
            self.buffer.pop();
        }
        let text = if too_long {
            LineText::TooLong(String::from_utf8_lossy(&self.buffer))
        } else {
            match std::str::from_utf8(&self.buffer) {
                Ok(text) => LineText::Text(text),
                Err(_) => LineText::NotUtf8(String::from_utf8_lossy(&self.buffer)),
            }
        };
        Ok(Some((self.number, text)))
    }
}

/// Drops a UTF-8 byte-order mark; refuses UTF-16.
pub(crate) fn skip_byte_order_mark<R: BufRead>(reader: &mut R) -> Result<(), ImportFailure> {
    let start = loop {
        match reader.fill_buf() {
            Ok(bytes) => break bytes,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                return Err(ImportFailure::Io {
                    detail: error.to_string(),
                });
            }
        }
    };
    if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    } else if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportFailure::Utf16);
    }
    Ok(())
}

/// Characters that WhatsApp and phones put around names and at the start of
/// generated text to fix its direction; they are invisible and never part of
/// what someone wrote.
pub(crate) fn is_direction_mark(character: char) -> bool {
    matches!(
        character,
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// `text` without direction marks, trimmed.
pub(crate) fn clean_name(text: &str) -> String {
    text.chars()
        .filter(|character| !is_direction_mark(*character))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// What a line of a line-based export is.
pub(crate) enum LineKind<'a> {
    /// The first line of a message by `sender`, and the start of its text.
    Start {
        stamp: Option<RawStamp>,
        sender: String,
        body: &'a str,
    },
    /// The first line of a record that is not a person's message (a WhatsApp
    /// system line, a pasted time with no name): it and its continuation lines
    /// are skipped for this reason.
    Unattributed(SkipReason),
    /// More text of the record above.
    Continuation,
}

/// One line-based export format: how to recognize a line, how to read a body.
pub(crate) trait LineFormat {
    fn classify<'a>(&self, line: &'a str) -> LineKind<'a>;
    /// Splits a finished body into text and attachments, or says why the
    /// record is not a person's message after all.
    fn finish_body(&self, body: String) -> Result<(String, Vec<Attachment>), SkipReason>;
}

/// A record being assembled from its lines.
struct Draft {
    line: u64,
    stamp: Option<RawStamp>,
    /// Who wrote it, or why it is not a person's message.
    sender: Result<String, SkipReason>,
    body: String,
    /// Why the whole record will be skipped, once something in it was unreadable.
    damaged: Option<SkipReason>,
}

/// Reads a line-based export: each record starts on a line the format
/// recognizes and runs until the next one. A record with any unreadable line
/// is skipped whole — never kept with a hole in it, and never allowed to glue
/// its remaining lines onto the record before.
pub(crate) fn parse_lines<R: Read>(
    input: R,
    options: &ImportOptions,
    collector: &mut Collector<'_>,
    format: &impl LineFormat,
) -> Result<(), ImportFailure> {
    let mut lines = LineReader::new(BufReader::with_capacity(1 << 16, input))?;
    let mut resolver = Resolver::new(options.time_zone.clone(), options.date_order, collector);
    let mut draft: Option<Draft> = None;
    loop {
        let next = lines.next_line().map_err(|error| ImportFailure::Io {
            detail: error.to_string(),
        })?;
        let Some((number, text)) = next else { break };
        let (line, damage) = match &text {
            LineText::Text(line) => (*line, None),
            LineText::NotUtf8(line) => (line.as_ref(), Some(SkipReason::NotUtf8)),
            LineText::TooLong(prefix) => (prefix.as_ref(), Some(SkipReason::TooLong)),
        };
        let start = |stamp, sender| Draft {
            line: number,
            stamp,
            sender,
            body: String::new(),
            damaged: damage,
        };
        match format.classify(line) {
            LineKind::Start {
                stamp,
                sender,
                body,
            } => {
                finish(draft.take(), format, &mut resolver, collector);
                let mut started = start(stamp, Ok(sender));
                if damage.is_none() {
                    started.body.push_str(body);
                }
                draft = Some(started);
            }
            LineKind::Unattributed(reason) => {
                finish(draft.take(), format, &mut resolver, collector);
                draft = Some(start(None, Err(reason)));
            }
            LineKind::Continuation => match &mut draft {
                Some(current) => {
                    if let Some(reason) = damage {
                        current.damaged.get_or_insert(reason);
                    } else if current.damaged.is_none() {
                        if current.body.len() + line.len() >= MAX_LINE {
                            current.damaged = Some(SkipReason::TooLong);
                        } else {
                            current.body.push('\n');
                            current.body.push_str(line);
                        }
                    }
                }
                None if damage.is_none() && line.trim().is_empty() => {}
                None => collector.skip(
                    damage.unwrap_or(SkipReason::CannotPlace),
                    MessageRef::Line(number),
                ),
            },
        }
    }
    finish(draft.take(), format, &mut resolver, collector);
    resolver.finish(collector);
    Ok(())
}

fn finish(
    draft: Option<Draft>,
    format: &impl LineFormat,
    resolver: &mut Resolver,
    collector: &mut Collector<'_>,
) {
    let Some(draft) = draft else { return };
    let reference = MessageRef::Line(draft.line);
    let sender = match (draft.damaged, draft.sender) {
        (Some(reason), _) => return collector.skip(reason, reference),
        (None, Err(reason)) => return collector.skip(reason, reference),
        (None, Ok(sender)) => sender,
    };
    let body = draft.body.trim_start_matches('\n').trim_end().to_owned();
    let (text, attachments) = match format.finish_body(body) {
        Ok(read) => read,
        Err(reason) => return collector.skip(reason, reference),
    };
    resolver.push(
        Pending {
            stamp: draft.stamp,
            message: ChatMessage {
                reference,
                sender: Sender::named(sender),
                time: None,
                text,
                attachments,
            },
        },
        collector,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<(u64, String)> {
        let mut reader = LineReader::new(input).unwrap();
        let mut out = Vec::new();
        while let Some((number, text)) = reader.next_line().unwrap() {
            let shown = match text {
                LineText::Text(text) => text.to_owned(),
                LineText::NotUtf8(text) => format!("!utf8 {text}"),
                LineText::TooLong(prefix) => format!("!long {}", prefix.len()),
            };
            out.push((number, shown));
        }
        out
    }

    #[test]
    fn splits_lines_and_reports_what_it_cannot_read() {
        assert_eq!(
            lines(b"\xEF\xBB\xBFa\r\nb\n\nc"),
            vec![
                (1, "a".to_owned()),
                (2, "b".to_owned()),
                (3, String::new()),
                (4, "c".to_owned())
            ]
        );
        assert_eq!(
            lines(b"ok\n\xFF\xFEbad"),
            vec![
                (1, "ok".to_owned()),
                (2, "!utf8 \u{FFFD}\u{FFFD}bad".to_owned())
            ]
        );
        let mut long = vec![b'x'; MAX_LINE + 10];
        long.extend_from_slice(b"\nnext");
        assert_eq!(
            lines(&long),
            vec![(1, format!("!long {PREFIX}")), (2, "next".to_owned())]
        );
        assert!(matches!(
            LineReader::new(&b"\xFF\xFEa\x00"[..]),
            Err(ImportFailure::Utf16)
        ));
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn names_lose_direction_marks() {
        assert_eq!(
            clean_name("\u{202A}+7 701 123 45 67\u{202C} "),
            "+7 701 123 45 67"
        );
    }
}
