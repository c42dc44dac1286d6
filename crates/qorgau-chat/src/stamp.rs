//! Times as text exports write them: `02.01.2024, 10:11`, `[02.01.24, 10:11:12]`,
//! `1/2/24, 10:11 AM`, `2024-01-02 10:11` — and the day-or-month question.
//!
//! WhatsApp formats the time with the phone's locale (CLDR patterns), so the
//! shape varies along several axes at once: `.`, `/` or `-` between the parts,
//! a 2- or 4-digit year, padded or not, a comma or not, 24 hours or 12 with an
//! `AM`/`am`/`a.m.` marker after a space that is U+0020 on older phones and
//! U+202F (narrow no-break space) since CLDR 42. Kazakh and Russian phones
//! write `dd.MM.yy` or `dd.MM.yyyy` with 24 hours; English ones `M/d/yy`
//! (en-US, 12 hours) or `dd/MM/yyyy` (en-GB). A dotted or dashed date is read
//! day first; a slashed one (`3/6/24`) does not say, so the order is settled
//! for the whole file by [`Resolver`]: the first date whose first or second
//! part exceeds 12 decides; otherwise the order that keeps the messages in
//! time order; otherwise month first with an upper-case `AM`/`PM` (en-US),
//! day first without. Whatever was assumed is reported (`Assumption`).

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::ChatMessage;
use crate::summary::{Assumption, Collector, DateOrderBasis, SkipReason};

/// Which of the first two parts of a date like `3/6/24` is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// `3/6/24` is 3 June 2024 (en-GB, and every dotted date: ru, kk).
    DayFirst,
    /// `3/6/24` is 6 March 2024 (en-US).
    MonthFirst,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "day_first",
            DateOrder::MonthFirst => "month_first",
        }
    }

    /// `day_first`/`dmy` or `month_first`/`mdy`.
    pub fn from_name(name: &str) -> Option<DateOrder> {
        match name {
            "day_first" | "dmy" => Some(DateOrder::DayFirst),
            "month_first" | "mdy" => Some(DateOrder::MonthFirst),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawDate {
    parts: [u16; 3],
    digits: [u8; 3],
    separator: char,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meridiem {
    pm: bool,
    /// `AM`/`PM` as en-US writes it, rather than `am`/`a.m.`.
    upper: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTime {
    hour: u8,
    minute: u8,
    second: u8,
    meridiem: Option<Meridiem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawStamp {
    date: RawDate,
    time: RawTime,
}

impl RawDate {
    fn year_first(&self) -> bool {
        self.digits[0] == 4
    }

    /// Whether the file's day/month order is needed to read this date.
    fn is_ambiguous_shape(&self) -> bool {
        !self.year_first() && self.separator == '/'
    }

    /// The civil date under `order` (used only for year-last dates).
    fn civil(&self, order: DateOrder) -> Option<(i16, i8, i8)> {
        let [first, second, third] = self.parts;
        let (year, month, day) = if self.year_first() {
            (first, second, third)
        } else {
            let year = match self.digits[2] {
                2 => 2000 + third,
                4 => third,
                _ => return None,
            };
            match order {
                DateOrder::DayFirst => (year, second, first),
                DateOrder::MonthFirst => (year, first, second),
            }
        };
        Some((
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        ))
    }
}

impl RawStamp {
    fn datetime(&self, order: DateOrder) -> Option<DateTime> {
        let (year, month, day) = self.date.civil(order)?;
        let mut hour = self.time.hour;
        if let Some(meridiem) = self.time.meridiem {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour %= 12;
            if meridiem.pm {
                hour += 12;
            }
        }
        DateTime::new(
            year,
            month,
            day,
            i8::try_from(hour).ok()?,
            i8::try_from(self.time.minute).ok()?,
            i8::try_from(self.time.second).ok()?,
            0,
        )
        .ok()
    }
}

/// A small scanner over one line.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text, at: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, expected: char) -> bool {
        if self.peek() == Some(expected) {
            self.at += expected.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, expected: &[char]) -> Option<char> {
        let next = self.peek()?;
        if expected.contains(&next) {
            self.at += next.len_utf8();
            Some(next)
        } else {
            None
        }
    }

    /// Spaces, including the no-break spaces CLDR puts before `AM`.
    fn spaces(&mut self) -> usize {
        let mut count = 0;
        while self
            .eat_any(&[' ', '\u{A0}', '\u{202F}', '\u{2009}', '\t'])
            .is_some()
        {
            count += 1;
        }
        count
    }

    /// 1 to `max` ASCII digits: the value and how many digits.
    fn number(&mut self, max: u8) -> Option<(u16, u8)> {
        let mut value: u16 = 0;
        let mut digits = 0;
        while digits < max {
            match self.peek() {
                Some(character @ '0'..='9') => {
                    value = value * 10 + u16::from(character as u8 - b'0');
                    digits += 1;
                    self.at += 1;
                }
                _ => break,
            }
        }
        // A fifth digit means this was not a date part.
        if digits == 0 || matches!(self.peek(), Some('0'..='9')) {
            return None;
        }
        Some((value, digits))
    }

    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn at_end(&self) -> bool {
        self.at == self.text.len()
    }
}

fn parse_date(cursor: &mut Cursor<'_>) -> Option<RawDate> {
    let (first, first_digits) = cursor.number(4)?;
    let separator = cursor.eat_any(&['.', '/', '-'])?;
    cursor.eat(' ');
    let (second, second_digits) = cursor.number(2)?;
    if !cursor.eat(separator) {
        return None;
    }
    cursor.eat(' ');
    let (third, third_digits) = cursor.number(4)?;
    // `13. 6. 2018.`: some locales end the date with its separator.
    if separator == '.' && cursor.text[cursor.at..].starts_with(". ") {
        cursor.eat('.');
    }
    let shape_ok = if first_digits == 4 {
        third_digits <= 2
    } else {
        first_digits <= 2 && matches!(third_digits, 2 | 4)
    };
    if !shape_ok || second_digits > 2 {
        return None;
    }
    Some(RawDate {
        parts: [first, second, third],
        digits: [first_digits, second_digits, third_digits],
        separator,
    })
}

fn parse_time(cursor: &mut Cursor<'_>) -> Option<RawTime> {
    let (hour, _) = cursor.number(2)?;
    let separator = cursor.eat_any(&[':', '.'])?;
    let (minute, minute_digits) = cursor.number(2)?;
    if minute_digits != 2 {
        return None;
    }
    let mut second = 0;
    let save = cursor.at;
    if cursor.eat(separator) {
        match cursor.number(2) {
            Some((value, 2)) => second = value,
            _ => cursor.at = save,
        }
    }
    let before_meridiem = cursor.at;
    cursor.spaces();
    let meridiem = parse_meridiem(cursor);
    if meridiem.is_none() {
        cursor.at = before_meridiem;
    }
    Some(RawTime {
        hour: u8::try_from(hour).ok()?,
        minute: u8::try_from(minute).ok()?,
        second: u8::try_from(second).ok()?,
        meridiem,
    })
}

/// `AM`, `pm`, `a.m.`, `p. m.`.
fn parse_meridiem(cursor: &mut Cursor<'_>) -> Option<Meridiem> {
    let save = cursor.at;
    let first = cursor.peek()?;
    let pm = match first {
        'a' | 'A' => false,
        'p' | 'P' => true,
        _ => return None,
    };
    cursor.at += 1;
    let dotted = cursor.eat('.');
    if dotted {
        cursor.eat(' ');
    }
    let upper = match cursor.peek() {
        Some('M') => true,
        Some('m') => false,
        _ => {
            cursor.at = save;
            return None;
        }
    };
    cursor.at += 1;
    if dotted {
        cursor.eat('.');
    }
    // `AM` must end a word: `10:11 amigo` is not a time.
    if cursor.peek().is_some_and(char::is_alphanumeric) {
        cursor.at = save;
        return None;
    }
    Some(Meridiem {
        pm,
        upper: upper && first.is_ascii_uppercase(),
    })
}

/// The header of a WhatsApp line: `[02.01.24, 10:11:12] rest` (iOS) or
/// `02.01.2024, 10:11 - rest` (Android), after any direction marks.
pub(crate) fn whatsapp_header(line: &str) -> Option<(RawStamp, &str)> {
    let line = line.trim_start_matches(crate::lines::is_direction_mark);
    let mut cursor = Cursor::new(line);
    let bracketed = cursor.eat('[');
    let date = parse_date(&mut cursor)?;
    cursor.eat(',');
    if cursor.spaces() == 0 {
        return None;
    }
    let time = parse_time(&mut cursor)?;
    if bracketed {
        if !cursor.eat(']') {
            return None;
        }
        cursor.spaces();
    } else {
        cursor.spaces();
        cursor.eat_any(&['-', '\u{2013}'])?;
        if cursor.spaces() == 0 && !cursor.at_end() {
            return None;
        }
    }
    Some((RawStamp { date, time }, cursor.rest()))
}

/// A time at the start of a pasted line, more leniently: `[02.01.2024 10:11]`,
/// `2024-01-02T10:11:12`, `02.01.2024, 10:11 -` — then the rest.
pub(crate) fn text_stamp(line: &str) -> Option<(RawStamp, &str)> {
    let mut cursor = Cursor::new(line.trim_start_matches(crate::lines::is_direction_mark));
    let bracketed = cursor.eat('[');
    let date = parse_date(&mut cursor)?;
    let joined = cursor.eat('T');
    if !joined {
        cursor.eat(',');
        if cursor.spaces() == 0 {
            return None;
        }
    }
    let time = parse_time(&mut cursor)?;
    if bracketed && !cursor.eat(']') {
        return None;
    }
    let had_space = cursor.spaces() > 0;
    if cursor.eat_any(&['-', '\u{2013}']).is_some() {
        cursor.spaces();
    } else if !had_space && !cursor.at_end() && !bracketed {
        return None;
    }
    Some((RawStamp { date, time }, cursor.rest()))
}

/// Exactly a date and a time, as inside Telegram Desktop's copied header
/// `Name, [02.01.2024 10:11]`.
pub(crate) fn whole_stamp(text: &str) -> Option<RawStamp> {
    let mut cursor = Cursor::new(text.trim());
    let date = parse_date(&mut cursor)?;
    cursor.eat(',');
    if cursor.spaces() == 0 {
        return None;
    }
    let time = parse_time(&mut cursor)?;
    cursor.spaces();
    cursor.at_end().then_some(RawStamp { date, time })
}

/// A message waiting for its time to be read.
pub(crate) struct Pending {
    pub(crate) stamp: Option<RawStamp>,
    pub(crate) message: ChatMessage,
}

/// Buffer no more than this many messages while the date order is unknown;
/// then decide from them. A chat would have to stay within the first twelve
/// days of months for this many messages to reach it.
const MAX_PENDING: usize = 50_000;

/// Turns raw times into instants, settling the file's date order on the way.
pub(crate) struct Resolver {
    zone: TimeZone,
    /// The order the caller gave, which also applies to dotted dates.
    given: Option<DateOrder>,
    /// The order of slashed dates, once known.
    order: Option<DateOrder>,
    pending: Vec<Pending>,
    local_time_noted: bool,
}

impl Resolver {
    pub(crate) fn new(
        zone: TimeZone,
        order: Option<DateOrder>,
        collector: &mut Collector<'_>,
    ) -> Self {
        if let Some(order) = order {
            collector.assume(Assumption::DateOrder {
                order,
                basis: DateOrderBasis::Given,
            });
        }
        Resolver {
            zone,
            given: order,
            order,
            pending: Vec::new(),
            local_time_noted: false,
        }
    }

    pub(crate) fn push(&mut self, pending: Pending, collector: &mut Collector<'_>) {
        if self.order.is_none()
            && let Some(stamp) = &pending.stamp
            && stamp.date.is_ambiguous_shape()
        {
            let [first, second, _] = stamp.date.parts;
            if first > 12 {
                self.order = Some(DateOrder::DayFirst);
            } else if second > 12 {
                self.order = Some(DateOrder::MonthFirst);
            } else {
                self.pending.push(pending);
                if self.pending.len() >= MAX_PENDING {
                    self.settle_from_pending(collector);
                }
                return;
            }
            self.flush(collector);
        }
        if self.pending.is_empty() {
            self.emit(pending, collector);
        } else {
            self.pending.push(pending);
        }
    }

    pub(crate) fn finish(&mut self, collector: &mut Collector<'_>) {
        if !self.pending.is_empty() {
            self.settle_from_pending(collector);
        }
    }

    /// No date told: the order that keeps the buffered messages in time order,
    /// else the locale's usual one.
    fn settle_from_pending(&mut self, collector: &mut Collector<'_>) {
        let stamps: Vec<&RawStamp> = self
            .pending
            .iter()
            .filter_map(|pending| pending.stamp.as_ref())
            .filter(|stamp| stamp.date.is_ambiguous_shape())
            .collect();
        let disorder = |order: DateOrder| -> u64 {
            let mut previous: Option<DateTime> = None;
            let mut disorder = 0;
            for stamp in &stamps {
                match stamp.datetime(order) {
                    None => disorder += 1_000,
                    Some(datetime) => {
                        if previous.is_some_and(|previous| datetime < previous) {
                            disorder += 1;
                        }
                        previous = Some(datetime);
                    }
                }
            }
            disorder
        };
        let day_first = disorder(DateOrder::DayFirst);
        let month_first = disorder(DateOrder::MonthFirst);
        let (order, basis) = if day_first < month_first {
            (DateOrder::DayFirst, DateOrderBasis::Sequence)
        } else if month_first < day_first {
            (DateOrder::MonthFirst, DateOrderBasis::Sequence)
        } else if stamps
            .iter()
            .any(|stamp| stamp.time.meridiem.is_some_and(|meridiem| meridiem.upper))
        {
            (DateOrder::MonthFirst, DateOrderBasis::Default)
        } else {
            (DateOrder::DayFirst, DateOrderBasis::Default)
        };
        collector.assume(Assumption::DateOrder { order, basis });
        self.order = Some(order);
        self.flush(collector);
    }

    fn flush(&mut self, collector: &mut Collector<'_>) {
        for pending in std::mem::take(&mut self.pending) {
            self.emit(pending, collector);
        }
    }

    fn emit(&mut self, pending: Pending, collector: &mut Collector<'_>) {
        let Pending { stamp, mut message } = pending;
        if let Some(stamp) = stamp {
            // Dotted and dashed dates are day first whatever the file's slashed
            // ones turn out to be, unless the caller said otherwise.
            let order = if stamp.date.is_ambiguous_shape() {
                self.order.unwrap_or(DateOrder::DayFirst)
            } else {
                self.given.unwrap_or(DateOrder::DayFirst)
            };
            let instant = stamp
                .datetime(order)
                .and_then(|datetime| self.zone.to_timestamp(datetime).ok());
            match instant {
                Some(instant) => {
                    if !self.local_time_noted {
                        self.local_time_noted = true;
                        collector.assume(Assumption::LocalTime {
                            zone: zone_name(&self.zone),
                        });
                    }
                    message.time = Some(instant);
                }
                None => {
                    collector.skip(SkipReason::BadTime, message.reference);
                    return;
                }
            }
        }
        collector.accept(message);
    }
}

/// The IANA name of a zone, or its offset when it has none.
pub(crate) fn zone_name(zone: &TimeZone) -> String {
    match zone.iana_name() {
        Some(name) => name.to_owned(),
        None => zone.to_offset(Timestamp::UNIX_EPOCH).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn civil(stamp: RawStamp, order: DateOrder) -> String {
        stamp
            .datetime(order)
            .map_or_else(|| "invalid".to_owned(), |datetime| datetime.to_string())
    }

    /// `expected`: the rest of the line and the civil time read day first.
    fn check_whatsapp(line: &str, expected: Option<(&str, &str)>) {
        let actual = whatsapp_header(line)
            .map(|(stamp, rest)| (rest.to_owned(), civil(stamp, DateOrder::DayFirst)));
        assert_eq!(
            actual,
            expected.map(|(rest, time)| (rest.to_owned(), time.to_owned())),
            "{line:?}"
        );
    }

    #[test]
    fn whatsapp_headers_in_kazakh_russian_and_english_locales() {
        // Android, ru/kk: dd.MM.yyyy, HH:mm
        check_whatsapp(
            "02.01.2024, 10:11 - Айгерім: сәлем",
            Some(("Айгерім: сәлем", "2024-01-02T10:11:00")),
        );
        // iOS, ru/kk: [dd.MM.yy, HH:mm:ss]
        check_whatsapp(
            "[02.01.24, 10:11:12] Name: text",
            Some(("Name: text", "2024-01-02T10:11:12")),
        );
        // iOS with a direction mark before the bracket.
        check_whatsapp(
            "\u{200E}[02.01.24, 10:11:12] Name: \u{200E}image omitted",
            Some(("Name: \u{200E}image omitted", "2024-01-02T10:11:12")),
        );
        // Android, en-US: M/d/yy, h:mm AM with U+202F before AM.
        check_whatsapp(
            "1/2/24, 10:11\u{202F}PM - Name: text",
            Some(("Name: text", "2024-02-01T22:11:00")),
        );
        check_whatsapp(
            "12/31/24, 12:05 AM - Name: text",
            Some(("Name: text", "invalid")),
        );
        // en-GB: dd/MM/yyyy, HH:mm; en-IN lower-case am; a.m.
        check_whatsapp(
            "19/09/2026, 09:52 - Name: x",
            Some(("Name: x", "2026-09-19T09:52:00")),
        );
        check_whatsapp(
            "19/09/26, 9:52 am - Name: x",
            Some(("Name: x", "2026-09-19T09:52:00")),
        );
        check_whatsapp(
            "23/06/2018, 01:55 p.m. - Loris: one",
            Some(("Loris: one", "2018-06-23T13:55:00")),
        );
        // No comma (Czech-style), a system line, an en dash.
        check_whatsapp(
            "23.03.22 13:31 - Messages and calls are end-to-end encrypted.",
            Some((
                "Messages and calls are end-to-end encrypted.",
                "2022-03-23T13:31:00",
            )),
        );
        check_whatsapp(
            "02.01.2024, 10:11 \u{2013} A: b",
            Some(("A: b", "2024-01-02T10:11:00")),
        );
        // Year first.
        check_whatsapp(
            "[2018/06/13, 21:25:15] a: m",
            Some(("a: m", "2018-06-13T21:25:15")),
        );
        // Not headers: a bare date-time in a message, text, a phone number.
        check_whatsapp("2016-04-29 10:30:00", None);
        check_whatsapp("hello 02.01.2024, 10:11 - x", None);
        check_whatsapp("+7 701 123 45 67", None);
        check_whatsapp("02.01.2024", None);
        check_whatsapp("123.01.2024, 10:11 - A: b", None);
    }

    #[test]
    fn pasted_stamps() {
        let read = |line: &str| {
            text_stamp(line)
                .map(|(stamp, rest)| (rest.to_owned(), civil(stamp, DateOrder::DayFirst)))
        };
        assert_eq!(
            read("[02.01.2024 10:11] Name: hi"),
            Some(("Name: hi".to_owned(), "2024-01-02T10:11:00".to_owned()))
        );
        assert_eq!(
            read("2024-01-02T10:11:12 Name: hi"),
            Some(("Name: hi".to_owned(), "2024-01-02T10:11:12".to_owned()))
        );
        assert_eq!(
            read("2024-01-02 10:11 - Name: hi"),
            Some(("Name: hi".to_owned(), "2024-01-02T10:11:00".to_owned()))
        );
        assert_eq!(read("Name: 02.01.2024 10:11"), None);
        assert_eq!(
            whole_stamp("02.01.2024 10:11").map(|stamp| civil(stamp, DateOrder::DayFirst)),
            Some("2024-01-02T10:11:00".to_owned())
        );
        assert_eq!(whole_stamp("02.01.2024 10:11 x"), None);
    }

    #[test]
    fn date_orders_have_names() {
        for order in [DateOrder::DayFirst, DateOrder::MonthFirst] {
            assert_eq!(DateOrder::from_name(order.as_str()), Some(order));
        }
        assert_eq!(DateOrder::from_name("mdy"), Some(DateOrder::MonthFirst));
        assert_eq!(DateOrder::from_name("ymd"), None);
    }
}
