//! WhatsApp's exported `.txt` ("Export chat", with or without media).
//!
//! A message starts on a line with a time and a sender —
//! `02.01.2024, 10:11 - Name: text` (Android) or `[02.01.24, 10:11:12] Name: text`
//! (iOS), in the shapes `stamp` reads — and runs until the next such line, so a
//! multi-line message keeps its line breaks. A line with a time and no
//! `Name:` is a system line ("Messages and calls are end-to-end encrypted",
//! "X added Y") and is skipped as one. The file says nothing about its time
//! zone: times are read in `ImportOptions::time_zone` (default Asia/Almaty).
//!
//! Media appear as localized placeholders. Rather than a list of every
//! language's wording, which WhatsApp changes between versions, shapes are
//! recognized: a whole body in angle brackets (`<Media omitted>`,
//! `<Без медиафайлов>`, `<Медиафайл жоқ>`) is media left out; `<label: FILE>`
//! (iOS, `<attached: …>`, `<прикреплено: …>`) an attached file; `FILE (label)`
//! with a known label (`file attached`, `файл добавлен`) an attached file with
//! any caption on the following lines; an iOS body that starts with a
//! direction mark and ends in `omitted`/`отсутствует`/`жоқ` media left out.
//! docs/chat-import.md lists them with what is verified and what is not.

use std::io::Read;

use crate::lines::{LineFormat, LineKind, clean_name, is_direction_mark, parse_lines};
use crate::stamp::whatsapp_header;
use crate::summary::{Collector, SkipReason};
use crate::{Attachment, AttachmentKind, ImportFailure, ImportOptions};

pub(crate) fn parse<R: Read>(
    input: R,
    options: &ImportOptions,
    collector: &mut Collector<'_>,
) -> Result<(), ImportFailure> {
    parse_lines(input, options, collector, &Whatsapp)
}

struct Whatsapp;

impl LineFormat for Whatsapp {
    fn classify<'a>(&self, line: &'a str) -> LineKind<'a> {
        let Some((stamp, rest)) = whatsapp_header(line) else {
            return LineKind::Continuation;
        };
        match split_sender(rest) {
            Some((sender, body)) => LineKind::Start {
                stamp: Some(stamp),
                sender,
                body,
            },
            None => LineKind::Unattributed(SkipReason::SystemLine),
        }
    }

    fn finish_body(&self, body: String) -> Result<(String, Vec<Attachment>), SkipReason> {
        read_attachments(body)
    }
}

/// `Name: text` → the name without direction marks (phone numbers come
/// wrapped in U+202A … U+202C) and the text. A system line has no `: `.
fn split_sender(rest: &str) -> Option<(String, &str)> {
    let (name, body) = match rest.find(": ") {
        Some(colon) => (&rest[..colon], &rest[colon + 2..]),
        None => (rest.strip_suffix(':')?, ""),
    };
    let name = clean_name(name);
    // Contact names are short; a long "name" is a system sentence with a colon.
    if name.is_empty() || name.chars().count() > 100 {
        return None;
    }
    Some((name, body))
}

/// Labels after a file name in Android exports with media. Verified: English,
/// Russian (corpus exports); the Kazakh ones are WhatsApp's likely wording and
/// unverified (docs/chat-import.md).
const FILE_ATTACHED: &[&str] = &[
    "file attached",
    "файл добавлен",
    "файл прикреплен",
    "файл прикреплён",
    "файл тіркелді",
    "файл қосылды",
];

/// Last words of iOS placeholders for media left out (`image omitted`,
/// `изображение отсутствует`).
const OMITTED_ENDINGS: &[&str] = &["omitted", "отсутствует", "жоқ"];

/// First lines of a shared location (Android: `location: https://maps…`).
const LOCATION_PREFIXES: &[&str] = &[
    "location:",
    "местоположение:",
    "геолокация:",
    "геоорны:",
    "орналасқан жері:",
];

fn read_attachments(body: String) -> Result<(String, Vec<Attachment>), SkipReason> {
    let ios_generated = body.starts_with('\u{200E}');
    let trimmed = body.trim_start_matches(is_direction_mark).trim();
    let single_line = !trimmed.contains('\n');

    // `<Media omitted>`, `<attached: 00000012-PHOTO-2024-01-02-10-11-12.jpg>`
    if single_line
        && let Some(inner) = trimmed
            .strip_prefix('<')
            .and_then(|rest| rest.strip_suffix('>'))
    {
        let attachment = match inner.split_once(':') {
            Some((_, name)) if !name.trim().is_empty() => {
                let name = clean_name(name);
                Attachment {
                    kind: kind_of_file(&name),
                    name: Some(name),
                }
            }
            _ => Attachment {
                kind: AttachmentKind::Omitted,
                name: None,
            },
        };
        return Ok((String::new(), vec![attachment]));
    }

    // `IMG-20240102-WA0001.jpg (file attached)` + an optional caption below.
    let (first_line, caption) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
    if let Some((name, label)) = first_line
        .trim_end()
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" ("))
        && !name.contains(' ')
        && FILE_ATTACHED.contains(&label.to_lowercase().as_str())
    {
        let name = clean_name(name);
        return Ok((
            caption.trim().to_owned(),
            vec![Attachment {
                kind: kind_of_file(&name),
                name: Some(name),
            }],
        ));
    }

    // iOS: `‎image omitted`, `‎изображение отсутствует`.
    let lowered = trimmed.to_lowercase();
    if ios_generated
        && single_line
        && lowered.split_whitespace().count() <= 4
        && OMITTED_ENDINGS
            .iter()
            .any(|ending| lowered.ends_with(ending))
    {
        let first_word = lowered.split_whitespace().next().unwrap_or_default();
        return Ok((
            String::new(),
            vec![Attachment {
                kind: kind_of_word(first_word),
                name: None,
            }],
        ));
    }

    // A shared location keeps its text: the map link is evidence.
    let lowered_first = first_line.to_lowercase();
    if LOCATION_PREFIXES
        .iter()
        .any(|prefix| lowered_first.starts_with(prefix))
        && lowered_first.contains("http")
    {
        return Ok((
            trimmed.to_owned(),
            vec![Attachment {
                kind: AttachmentKind::Location,
                name: None,
            }],
        ));
    }
    if lowered == "live location shared" {
        return Ok((
            String::new(),
            vec![Attachment {
                kind: AttachmentKind::LiveLocation,
                name: None,
            }],
        ));
    }
    // iOS marks every text it generates with a direction mark; one that is not
    // a media placeholder is a system notice under the chat's name
    // ("‎Messages and calls are end-to-end encrypted", "‎X added Y").
    if ios_generated {
        return Err(SkipReason::SystemLine);
    }
    Ok((trimmed.to_owned(), Vec::new()))
}

/// The kind of an attached file from WhatsApp's naming (`IMG-…`, `PTT-…`) or
/// its extension.
pub(crate) fn kind_of_file(name: &str) -> AttachmentKind {
    let upper = name.to_uppercase();
    let extension = upper
        .rsplit_once('.')
        .map_or("", |(_, extension)| extension);
    if upper.starts_with("STK-") || extension == "WEBP" {
        AttachmentKind::Sticker
    } else if upper.starts_with("PTT-") || extension == "OPUS" {
        AttachmentKind::Voice
    } else if upper.starts_with("IMG-")
        || upper.contains("-PHOTO-")
        || matches!(extension, "JPG" | "JPEG" | "PNG" | "HEIC")
    {
        AttachmentKind::Photo
    } else if upper.starts_with("VID-")
        || upper.contains("-VIDEO-")
        || matches!(extension, "MP4" | "MOV" | "3GP")
    {
        AttachmentKind::Video
    } else if upper.starts_with("AUD-") || matches!(extension, "MP3" | "M4A" | "AAC" | "OGG") {
        AttachmentKind::Audio
    } else if extension == "GIF" {
        AttachmentKind::Animation
    } else if extension == "VCF" {
        AttachmentKind::Contact
    } else {
        AttachmentKind::File
    }
}

fn kind_of_word(word: &str) -> AttachmentKind {
    match word {
        "image" | "photo" | "изображение" | "фото" | "сурет" => {
            AttachmentKind::Photo
        }
        "video" | "видео" | "бейне" => AttachmentKind::Video,
        "audio" | "аудио" | "аудиофайл" => AttachmentKind::Audio,
        "sticker" | "стикер" => AttachmentKind::Sticker,
        "gif" => AttachmentKind::Animation,
        "document" | "документ" | "құжат" => AttachmentKind::File,
        "contact" | "контакт" | "карточка" => AttachmentKind::Contact,
        _ => AttachmentKind::Omitted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, text: &str, attachments: &[(AttachmentKind, Option<&str>)]) {
        let (actual_text, actual) = read_attachments(body.to_owned()).expect("a message");
        assert_eq!(actual_text, text, "{body:?}");
        let actual: Vec<(AttachmentKind, Option<&str>)> = actual
            .iter()
            .map(|attachment| (attachment.kind, attachment.name.as_deref()))
            .collect();
        assert_eq!(actual, attachments, "{body:?}");
    }

    #[test]
    fn media_placeholders_in_three_languages() {
        let omitted = [(AttachmentKind::Omitted, None)];
        check("<Media omitted>", "", &omitted);
        check("<Без медиафайлов>", "", &omitted);
        check("<Медиафайл жоқ>", "", &omitted);
        check(
            "\u{200E}<attached: 00000012-PHOTO-2024-01-02-10-11-12.jpg>",
            "",
            &[(
                AttachmentKind::Photo,
                Some("00000012-PHOTO-2024-01-02-10-11-12.jpg"),
            )],
        );
        check(
            "PTT-20240102-WA0003.opus (файл добавлен)",
            "",
            &[(AttachmentKind::Voice, Some("PTT-20240102-WA0003.opus"))],
        );
        check(
            "IMG-20240102-WA0002.jpg (file attached)\nlook at this",
            "look at this",
            &[(AttachmentKind::Photo, Some("IMG-20240102-WA0002.jpg"))],
        );
        check(
            "\u{200E}image omitted",
            "",
            &[(AttachmentKind::Photo, None)],
        );
        check(
            "\u{200E}изображение отсутствует",
            "",
            &[(AttachmentKind::Photo, None)],
        );
        check(
            "location: https://maps.google.com/?q=43.2,76.9",
            "location: https://maps.google.com/?q=43.2,76.9",
            &[(AttachmentKind::Location, None)],
        );
    }

    #[test]
    fn ios_system_notices_are_not_messages() {
        assert_eq!(
            read_attachments("\u{200E}Messages and calls are end-to-end encrypted.".to_owned()),
            Err(SkipReason::SystemLine)
        );
    }

    #[test]
    fn ordinary_text_stays_text() {
        check("a <b> c", "a <b> c", &[]);
        check("I omitted it", "I omitted it", &[]);
        check("see notes.txt (my file)", "see notes.txt (my file)", &[]);
        check("line one\nline two", "line one\nline two", &[]);
    }

    #[test]
    fn senders_and_system_lines() {
        assert_eq!(
            split_sender("\u{202A}+7 701 123 45 67\u{202C}: hi"),
            Some(("+7 701 123 45 67".to_owned(), "hi"))
        );
        assert_eq!(split_sender("Name:"), Some(("Name".to_owned(), "")));
        assert_eq!(split_sender("You created group \"Class 7A\""), None);
    }
}
