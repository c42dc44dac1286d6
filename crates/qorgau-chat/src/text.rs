//! Chat text pasted or typed by a person.
//!
//! Recognized, line by line:
//! - `Name, [02.01.2024 10:11]` alone on a line: Telegram Desktop's copy of
//!   selected messages; the message's text is on the lines below;
//! - `[time] Name: text`, `time Name: text`, `time - Name: text` with a date
//!   and time as `stamp::text_stamp` reads them;
//! - `Name: text` without a time (the message has no time).
//!
//! Any other line continues the message above; before the first message it
//! cannot be placed and is skipped. A line with a time and no `Name:` is a
//! message with no sender and is skipped. A name is at most 60 characters and
//! three words, so a sentence with a colon continues the message instead.

use std::io::Read;

use crate::lines::{LineFormat, LineKind, clean_name, parse_lines};
use crate::stamp::{text_stamp, whole_stamp};
use crate::summary::{Collector, SkipReason};
use crate::{Attachment, ImportFailure, ImportOptions};

pub(crate) fn parse<R: Read>(
    input: R,
    options: &ImportOptions,
    collector: &mut Collector<'_>,
) -> Result<(), ImportFailure> {
    parse_lines(input, options, collector, &Pasted)
}

struct Pasted;

impl LineFormat for Pasted {
    fn classify<'a>(&self, line: &'a str) -> LineKind<'a> {
        if let Some((name, stamp)) = telegram_copy_header(line) {
            return LineKind::Start {
                stamp: Some(stamp),
                sender: name,
                body: "",
            };
        }
        let (stamp, rest) = match text_stamp(line) {
            Some((stamp, rest)) => (Some(stamp), rest),
            None => (None, line),
        };
        match split_name(rest) {
            Some((sender, body)) => LineKind::Start {
                stamp,
                sender,
                body,
            },
            None if stamp.is_some() => LineKind::Unattributed(SkipReason::NoSender),
            None => LineKind::Continuation,
        }
    }

    fn finish_body(&self, body: String) -> Result<(String, Vec<Attachment>), SkipReason> {
        Ok((body, Vec::new()))
    }
}

/// `Name, [02.01.2024 10:11]`.
fn telegram_copy_header(line: &str) -> Option<(String, crate::stamp::RawStamp)> {
    let line = line.trim_end();
    let inner_end = line.strip_suffix(']')?;
    let (name, inner) = inner_end.rsplit_once(", [")?;
    let stamp = whole_stamp(inner)?;
    let name = clean_name(name);
    plausible_name(&name).then_some((name, stamp))
}

fn split_name(rest: &str) -> Option<(String, &str)> {
    let (name, body) = match rest.find(": ") {
        Some(colon) => (&rest[..colon], &rest[colon + 2..]),
        None => (rest.trim_end().strip_suffix(':')?, ""),
    };
    let name = clean_name(name);
    plausible_name(&name).then_some((name, body))
}

fn plausible_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 60
        && name.split_whitespace().count() <= 3
        && !name.contains("://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: &str) -> String {
        match Pasted.classify(line) {
            LineKind::Start {
                stamp,
                sender,
                body,
            } => format!("start {sender:?} {body:?} timed={}", stamp.is_some()),
            LineKind::Unattributed(reason) => format!("skip {}", reason.code()),
            LineKind::Continuation => "continue".to_owned(),
        }
    }

    #[test]
    fn lines_of_pasted_text() {
        assert_eq!(
            kind("Айгерім, [02.01.2024 10:11]"),
            "start \"Айгерім\" \"\" timed=true"
        );
        assert_eq!(
            kind("[02.01.2024 10:11] Bully: hi"),
            "start \"Bully\" \"hi\" timed=true"
        );
        assert_eq!(kind("Bully: hi"), "start \"Bully\" \"hi\" timed=false");
        assert_eq!(kind("2024-01-02 10:11 just text"), "skip no_sender");
        assert_eq!(kind("and then he wrote: stop it"), "continue");
        assert_eq!(kind("see https://example.kz"), "continue");
        assert_eq!(kind(""), "continue");
    }
}
