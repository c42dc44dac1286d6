//! Personal data posted about someone (doxxing): Kazakhstan phone numbers,
//! IINs and street addresses. Numbers are checked by the same parsers that
//! validate applications (`qorgau_domain::validation`), so a date or an order
//! number is not taken for a phone, and twelve digits are an IIN only with a
//! real birth date and a matching check digit.

use qorgau_domain::validation::iin::Iin;
use qorgau_domain::validation::phone::PhoneNumber;

/// What a detector found: the byte range and which detector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// `kz-phone`, `iin`, `address-ru`, `address-kk`, `address-en`.
    pub(crate) detector: &'static str,
}

pub(crate) fn find(text: &str) -> Vec<Found> {
    // Every detector needs a digit: most messages have none.
    if !text.bytes().any(|byte| byte.is_ascii_digit()) {
        return Vec::new();
    }
    let mut found = phones(text);
    found.extend(iins(text));
    found.extend(addresses(text));
    found
}

/// Characters that may separate the digits of a written phone number.
fn is_phone_separator(character: char) -> bool {
    matches!(character, ' ' | '\u{A0}' | '-' | '(' | ')' | '.')
}

/// `+7 701 123 45 67`, `8 (701) 123-45-67`, `87011234567`: a run of digits
/// and separators with 10 or 11 digits that `PhoneNumber::parse` accepts.
fn phones(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut offset = 0;
    while offset < text.len() {
        let rest = &text[offset..];
        let Some(character) = rest.chars().next() else {
            break;
        };
        let starts = character.is_ascii_digit()
            || (character == '+' && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
        let after_word = text[..offset]
            .chars()
            .next_back()
            .is_some_and(|before| before.is_alphanumeric() || before == '+');
        if !starts || after_word {
            offset += character.len_utf8();
            continue;
        }
        let mut digits = 0;
        let mut end = offset;
        let mut spaces_in_a_row = 0;
        for (index, next) in rest.char_indices() {
            if index == 0 && next == '+' {
                continue;
            }
            if next.is_ascii_digit() {
                digits += 1;
                end = offset + index + 1;
                spaces_in_a_row = 0;
            } else if is_phone_separator(next) {
                spaces_in_a_row = if next == ' ' { spaces_in_a_row + 1 } else { 0 };
                if spaces_in_a_row > 1 {
                    break;
                }
            } else {
                break;
            }
            if digits > 11 {
                break;
            }
        }
        let digit_follows = text[end..].starts_with(|c: char| c.is_ascii_digit());
        if (10..=11).contains(&digits)
            && !digit_follows
            && PhoneNumber::parse(&text[offset..end]).is_ok()
        {
            found.push(Found {
                start: offset,
                end,
                detector: "kz-phone",
            });
        }
        // Continue after the run, digits and all.
        offset = end.max(offset + character.len_utf8());
    }
    found
}

/// Exactly twelve digits in a row that are a valid IIN.
fn iins(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if !bytes[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        let start = index;
        while index < bytes.len() && bytes[index].is_ascii_digit() {
            index += 1;
        }
        if index - start == 12 && Iin::parse(&text[start..index]).is_ok() {
            found.push(Found {
                start,
                end: index,
                detector: "iin",
            });
        }
    }
    found
}

/// Words that name a street, an avenue or a district, by language. Short
/// forms that chats use for other things (`пр` for привет, `st`) are left out.
const STREET_WORDS: &[(&str, &[&str])] = &[
    (
        "address-ru",
        &[
            "ул",
            "улица",
            "улице",
            "улицу",
            "проспект",
            "просп",
            "пр-т",
            "мкр",
            "микрорайон",
            "переулок",
            "бульвар",
            "шоссе",
        ],
    ),
    (
        "address-kk",
        &[
            "көшесі",
            "көш",
            "даңғылы",
            "даңғ",
            "шағынаудан",
            "ықшамаудан",
            "ш.а",
            "ы.а",
        ],
    ),
    (
        "address-en",
        &["street", "avenue", "ave", "road", "lane", "microdistrict"],
    ),
];

struct Word<'a> {
    start: usize,
    end: usize,
    lower: String,
    raw: &'a str,
}

/// A street word with a name beside it and a house number near it:
/// `ул. Абая 15`, `Абай көшесі 15`, `мкр Самал-2, дом 5`, `15 Abay street`.
fn addresses(text: &str) -> Vec<Found> {
    let words = words(text);
    let mut found = Vec::new();
    for (index, word) in words.iter().enumerate() {
        let Some(detector) = STREET_WORDS
            .iter()
            .find(|(_, street_words)| street_words.contains(&word.lower.as_str()))
            .map(|(detector, _)| *detector)
        else {
            continue;
        };
        let is_number = |candidate: &Word<'_>| {
            candidate.raw.starts_with(|c: char| c.is_ascii_digit()) && candidate.raw.len() <= 6
        };
        let is_name = |candidate: &Word<'_>| {
            candidate
                .raw
                .chars()
                .next()
                .is_some_and(char::is_alphabetic)
                && candidate.raw.chars().count() >= 3
                && !STREET_WORDS
                    .iter()
                    .any(|(_, street_words)| street_words.contains(&candidate.lower.as_str()))
        };
        let name = nearest(index, words.len(), 2, 2, |other| is_name(&words[other]));
        let number = after_then_before(index, words.len(), 3, 4, |other| is_number(&words[other]));
        if let (Some(name), Some(number)) = (name, number) {
            let first = index.min(name).min(number);
            let last = index.max(name).max(number);
            found.push(Found {
                start: words[first].start,
                end: words[last].end,
                detector,
            });
        }
    }
    found
}

/// The closest index to `index` within `before` words before it and `after`
/// words after it, the later one first at equal distance.
fn nearest(
    index: usize,
    count: usize,
    before: usize,
    after: usize,
    accept: impl Fn(usize) -> bool,
) -> Option<usize> {
    (1..=before.max(after)).find_map(|distance| {
        later(index, count, distance, after)
            .filter(|other| accept(*other))
            .or_else(|| earlier(index, distance, before).filter(|other| accept(*other)))
    })
}

/// The first acceptable index after `index` (up to `after` words), else the
/// closest before it (up to `before`): a house number follows the street in
/// Kazakh and Russian and precedes it in English.
fn after_then_before(
    index: usize,
    count: usize,
    before: usize,
    after: usize,
    accept: impl Fn(usize) -> bool,
) -> Option<usize> {
    (1..=after)
        .find_map(|distance| later(index, count, distance, after).filter(|other| accept(*other)))
        .or_else(|| {
            (1..=before).find_map(|distance| {
                earlier(index, distance, before).filter(|other| accept(*other))
            })
        })
}

fn later(index: usize, count: usize, distance: usize, limit: usize) -> Option<usize> {
    (distance <= limit && index + distance < count).then_some(index + distance)
}

fn earlier(index: usize, distance: usize, limit: usize) -> Option<usize> {
    (distance <= limit && distance <= index).then(|| index - distance)
}

/// Runs of letters and digits, keeping `/` and `-` inside them (`15/2`,
/// `Самал-2`) and a dot between letters (`ш.а`).
fn words(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut characters = text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        let inner = matches!(character, '/' | '-' | '.')
            && start.is_some()
            && characters
                .peek()
                .is_some_and(|(_, next)| next.is_alphanumeric());
        if character.is_alphanumeric() || inner {
            start.get_or_insert(offset);
            continue;
        }
        if let Some(begin) = start.take() {
            words.push(word(text, begin, offset));
        }
    }
    if let Some(begin) = start {
        words.push(word(text, begin, text.len()));
    }
    words
}

fn word(text: &str, start: usize, end: usize) -> Word<'_> {
    Word {
        start,
        end,
        lower: text[start..end].to_lowercase(),
        raw: &text[start..end],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[(&str, &str)]) {
        let actual: Vec<(String, &str)> = find(text)
            .into_iter()
            .map(|found| (text[found.start..found.end].to_owned(), found.detector))
            .collect();
        let expected: Vec<(String, &str)> = expected
            .iter()
            .map(|(matched, detector)| ((*matched).to_owned(), *detector))
            .collect();
        assert_eq!(actual, expected, "{text:?}");
    }

    #[test]
    fn phone_numbers() {
        check(
            "звони +7 701 123 45 67!",
            &[("+7 701 123 45 67", "kz-phone")],
        );
        check(
            "номер 8 (701) 123-45-67 вот",
            &[("8 (701) 123-45-67", "kz-phone")],
        );
        check("87011234567", &[("87011234567", "kz-phone")]);
        // Not Kazakhstan, a date and time, too many digits, part of a word.
        check("+7 916 123 45 67", &[]);
        check("02.01.2024 10:11", &[]);
        check("870112345678", &[]);
        check("id87011234567", &[]);
    }

    #[test]
    fn iins_with_a_valid_check_digit() {
        // A test IIN with a valid check digit (docs/validation.md).
        check("ЖСН: 800416300257", &[("800416300257", "iin")]);
        check("800416300258", &[]);
        check("8004163002571", &[]);
    }

    #[test]
    fn street_addresses() {
        check(
            "живёт на ул. Абая 15, кв 3",
            &[("ул. Абая 15", "address-ru")],
        );
        check("Абай көшесі 15 үй", &[("Абай көшесі 15", "address-kk")]);
        check(
            "мкр Самал-2, дом 5",
            &[("мкр Самал-2, дом 5", "address-ru")],
        );
        check(
            "he lives at 15 Abay street",
            &[("15 Abay street", "address-en")],
        );
        check("на улице холодно", &[]);
        check("пр как дела 5 уроков", &[]);
    }
}
