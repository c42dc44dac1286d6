#![allow(clippy::unwrap_used, clippy::panic)]
//! Every format and locale through the public API, on fixtures written for
//! these tests (no real person's chat): each case renders what was read — the
//! summary and every message — and compares it with the expected text.

use std::path::Path;

use jiff::Timestamp;
use qorgau_chat::{
    Assumption, ChatFormat, ChatMessage, DateOrder, ImportFailure, ImportOptions, ImportSummary,
    import,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn almaty(time: Timestamp) -> String {
    time.to_zoned_datetime(qorgau_domain::deadline::almaty().clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn render_summary(summary: &ImportSummary) -> String {
    let senders: Vec<String> = summary
        .senders
        .iter()
        .map(|sender| match &sender.id {
            Some(id) => format!("{} [{id}] {}", sender.name, sender.messages),
            None => format!("{} {}", sender.name, sender.messages),
        })
        .collect();
    let skipped: Vec<String> = summary
        .skipped
        .iter()
        .map(|skipped| {
            format!(
                "{} {} at {}",
                skipped.reason.code(),
                skipped.count,
                skipped.first
            )
        })
        .collect();
    let assumed: Vec<String> = summary
        .assumptions
        .iter()
        .map(|assumption| match assumption {
            Assumption::LocalTime { zone } => format!("local time {zone}"),
            Assumption::DateOrder { order, basis } => {
                format!("{} by {basis:?}", order.as_str())
            }
        })
        .collect();
    format!(
        "{} messages ({} without time), chat {:?}\nsenders: {}\nfrom {} to {}\nskipped: {}\nassumed: {}\n",
        summary.messages,
        summary.without_time,
        summary.chat_name.as_deref().unwrap_or("-"),
        senders.join(", "),
        summary.first_at.map_or("-".to_owned(), almaty),
        summary.last_at.map_or("-".to_owned(), almaty),
        if skipped.is_empty() {
            "none".to_owned()
        } else {
            skipped.join(", ")
        },
        if assumed.is_empty() {
            "nothing".to_owned()
        } else {
            assumed.join(", ")
        },
    )
}

fn render_message(message: &ChatMessage) -> String {
    let attachments: Vec<String> = message
        .attachments
        .iter()
        .map(|attachment| match &attachment.name {
            Some(name) => format!("[{:?} {name}]", attachment.kind),
            None => format!("[{:?}]", attachment.kind),
        })
        .collect();
    format!(
        "{} {} {}{} {:?}\n",
        message.reference,
        message.sender.display(),
        message.time.map_or("-".to_owned(), almaty),
        attachments.concat(),
        message.text
    )
}

fn run(format: ChatFormat, bytes: &[u8], options: &ImportOptions) -> String {
    let mut messages = String::new();
    let result = import(format, bytes, options, &mut |message| {
        messages.push_str(&render_message(&message));
    });
    match result {
        Ok(summary) => format!("{}{messages}", render_summary(&summary)),
        Err(error) => format!(
            "error: {:?}\nread before:\n{}",
            error.failure,
            render_summary(&error.read_before)
        ),
    }
}

/// `expected` lists the summary, then every message in order.
fn check(format: ChatFormat, name: &str, expected: &str) {
    check_bytes(format, &fixture(name), &ImportOptions::default(), expected);
}

fn check_bytes(format: ChatFormat, bytes: &[u8], options: &ImportOptions, expected: &str) {
    let actual = run(format, bytes, options);
    assert_eq!(actual, expected, "\n--- actual ---\n{actual}");
}

#[test]
fn telegram_desktop_export() {
    check(
        ChatFormat::Telegram,
        "telegram/result.json",
        r#"10 messages (0 without time), chat "Бұзақы_77"
senders: Бұзақы_77 [user5000000001] 7, Айгерім [user5000000009] 2, user5000000002 [user5000000002] 1
from 2024-02-05T19:02:11+06:00 to 2024-02-10T08:10:00+06:00
skipped: service_message 1 at id:105
assumed: nothing
id:101 Бұзақы_77 2024-02-05T19:02:11+06:00 "сен ақымақсың"
id:102 Айгерім 2024-02-05T19:03:40+06:00 "қойшы, маған жазба"
id:103 Бұзақы_77 2024-02-06T07:45:00+06:00 "мен қайда тұратыныңды білемін 😈"
id:104 Бұзақы_77 2024-02-06T07:46:10+06:00[Photo] ""
id:106 Бұзақы_77 2024-02-07T22:15:00+06:00[Call] ""
id:107 user5000000002 2024-02-09T16:20:05+06:00 "мені бұғаттай алмайсың"
id:108 Бұзақы_77 2024-02-09T16:21:00+06:00[Sticker sticker.webp] ""
id:109 Бұзақы_77 2024-02-10T08:05:30+06:00[Location] ""
id:110 Бұзақы_77 2024-02-10T08:06:00+06:00 "https://example.kz/post/1"
id:111 Айгерім 2024-02-10T08:10:00+06:00 "тоқтат"
"#,
    );
}

#[test]
fn telegram_export_of_an_older_version() {
    // Numeric `from_id`, no `date_unixtime`: `date` is read in the zone given.
    check(
        ChatFormat::Telegram,
        "telegram/old-export.json",
        r#"2 messages (0 without time), chat "Class 7A"
senders: Stranger [222] 1, Teacher [111] 1
from 2019-05-10T08:00:00+06:00 to 2019-05-10T08:05:00+06:00
skipped: none
assumed: local time Asia/Almaty
id:1 Teacher 2019-05-10T08:00:00+06:00 "Homework is on page 12"
id:2 Stranger 2019-05-10T08:05:00+06:00 "look @classmate"
"#,
    );
    let utc = ImportOptions {
        time_zone: jiff::tz::TimeZone::UTC,
        ..ImportOptions::default()
    };
    let read = run(
        ChatFormat::Telegram,
        &fixture("telegram/old-export.json"),
        &utc,
    );
    assert!(
        read.contains("id:1 Teacher 2019-05-10T14:00:00+06:00"),
        "{read}"
    );
    assert!(read.contains("assumed: local time UTC"), "{read}");
}

#[test]
fn telegram_records_that_are_not_messages_are_counted_with_their_reason() {
    check(
        ChatFormat::Telegram,
        "telegram/odd-records.json",
        r#"2 messages (0 without time), chat "Odd records"
senders: X [user1] 2
from 2024-02-05T19:02:11+06:00 to 2024-02-05T19:03:20+06:00
skipped: no_sender 1 at id:2, no_time 1 at id:4, bad_time 1 at id:5, not_an_object 1 at position:2, unknown_type 1 at id:3
assumed: local time Asia/Almaty
id:1 X 2024-02-05T19:02:11+06:00 "ok"
id:6 X 2024-02-05T19:03:20+06:00 ""
"#,
    );
}

#[test]
fn a_truncated_telegram_file_is_refused_whole() {
    let whole = fixture("telegram/result.json");
    let text = String::from_utf8(whole.clone()).unwrap();
    // Cut inside the fifth record (a service record), after four messages.
    let cut = text.find("\"id\": 105").unwrap() + 20;
    let read = run(
        ChatFormat::Telegram,
        &whole[..cut],
        &ImportOptions::default(),
    );
    assert!(read.starts_with("error: Truncated { line: "), "{read}");
    assert!(read.contains("read before:\n4 messages"), "{read}");
    // Cut right after the list ended but before the closing brace.
    let end = text.rfind(']').unwrap() + 1;
    let read = run(
        ChatFormat::Telegram,
        &whole[..end],
        &ImportOptions::default(),
    );
    assert!(read.starts_with("error: Truncated"), "{read}");
    assert!(read.contains("read before:\n10 messages"), "{read}");
}

#[test]
fn malformed_and_foreign_json_is_refused() {
    let options = ImportOptions::default();
    let failure = |bytes: &[u8]| match import(ChatFormat::Telegram, bytes, &options, &mut |_| {}) {
        Ok(summary) => panic!("accepted: {summary:?}"),
        Err(error) => error.failure,
    };
    assert_eq!(
        failure(&fixture("telegram/whole-account.json")),
        ImportFailure::WholeAccountExport
    );
    assert_eq!(failure(b"[1, 2, 3]"), ImportFailure::NotAnExport);
    assert_eq!(failure(b"{\"name\": \"x\"}"), ImportFailure::NotAnExport);
    assert_eq!(failure(b"{\"messages\": 3}"), ImportFailure::NotAnExport);
    assert!(matches!(
        failure(b"{\"messages\": [{\"id\": 1,, }]}"),
        ImportFailure::Malformed { line: 1, .. }
    ));
    assert!(matches!(
        failure(b"{\"messages\": []} trailing"),
        ImportFailure::Malformed { .. }
    ));
    assert_eq!(failure(b"\xFF\xFE{\x00"), ImportFailure::Utf16);
    // Bytes that are not UTF-8 inside a string (another encoding mixed in).
    let mut mixed = fixture("telegram/result.json");
    let at = mixed
        .windows(6)
        .position(|window| window == b"\"text\"")
        .unwrap()
        + 9;
    mixed[at] = 0xFF;
    assert!(matches!(failure(&mixed), ImportFailure::NotUtf8 { .. }));
    // An empty chat is a chat with no messages, not an error.
    let empty = run(
        ChatFormat::Telegram,
        b"\xEF\xBB\xBF{\"name\": \"Empty\", \"messages\": []}",
        &options,
    );
    assert!(
        empty.starts_with("0 messages (0 without time), chat \"Empty\""),
        "{empty}"
    );
}

#[test]
fn whatsapp_android_russian() {
    check(
        ChatFormat::Whatsapp,
        "whatsapp/android-ru.txt",
        r#"6 messages (0 without time), chat "-"
senders: Незнакомец 4, Ержан 2
from 2024-01-02T10:11:00+06:00 to 2024-01-05T07:31:00+06:00
skipped: system_line 2 at line:1
assumed: local time Asia/Almaty
line:2 Ержан 2024-01-02T10:11:00+06:00 "привет"
line:3 Незнакомец 2024-01-02T10:12:00+06:00 "ты дурак\nи это ещё не всё"
line:5 Незнакомец 2024-01-02T10:13:00+06:00[Omitted] ""
line:6 Незнакомец 2024-01-03T22:40:00+06:00 "я знаю где ты живешь"
line:8 Ержан 2024-01-05T07:30:00+06:00 "отстань"
line:9 Незнакомец 2024-01-05T07:31:00+06:00[Photo IMG-20240105-WA0001.jpg] "это твой дом"
"#,
    );
}

#[test]
fn whatsapp_android_kazakh() {
    check(
        ChatFormat::Whatsapp,
        "whatsapp/android-kk.txt",
        r#"4 messages (0 without time), chat "-"
senders: +7 701 000 00 00 3, Айгерім 1
from 2024-02-12T18:05:00+06:00 to 2024-02-13T08:15:00+06:00
skipped: system_line 1 at line:1
assumed: local time Asia/Almaty
line:2 Айгерім 2024-02-12T18:05:00+06:00 "сәлем"
line:3 +7 701 000 00 00 2024-02-12T18:06:00+06:00 "сен ақымақсың"
line:4 +7 701 000 00 00 2024-02-12T18:06:00+06:00[Omitted] ""
line:5 +7 701 000 00 00 2024-02-13T08:15:00+06:00 "мектептен кейін күтемін"
"#,
    );
}

#[test]
fn whatsapp_ios_russian() {
    check(
        ChatFormat::Whatsapp,
        "whatsapp/ios-ru.txt",
        r#"4 messages (0 without time), chat "-"
senders: Незнакомец 3, Ержан 1
from 2024-01-02T10:11:12+06:00 to 2024-01-02T10:13:05+06:00
skipped: system_line 1 at line:1
assumed: local time Asia/Almaty
line:2 Ержан 2024-01-02T10:11:12+06:00 "привет"
line:3 Незнакомец 2024-01-02T10:12:00+06:00[Photo] ""
line:4 Незнакомец 2024-01-02T10:12:30+06:00[Photo 00000012-PHOTO-2024-01-02-10-12-30.jpg] ""
line:5 Незнакомец 2024-01-02T10:13:05+06:00 "первая строка\nвторая строка"
"#,
    );
}

#[test]
fn whatsapp_english_us_is_month_first() {
    // 1/13/24 settles the order: the earlier 1/2/24 is 2 January, not 1 February.
    check(
        ChatFormat::Whatsapp,
        "whatsapp/android-en-us.txt",
        r#"4 messages (0 without time), chat "-"
senders: Stranger 3, Aigerim 1
from 2024-01-02T09:05:00+06:00 to 2024-01-14T00:01:00+06:00
skipped: system_line 1 at line:1
assumed: local time Asia/Almaty
line:2 Aigerim 2024-01-02T09:05:00+06:00 "hi"
line:3 Stranger 2024-01-02T21:07:00+06:00 "you are such a loser"
line:4 Stranger 2024-01-13T23:58:00+06:00[Omitted] ""
line:5 Stranger 2024-01-14T00:01:00+06:00 "I know where you live"
"#,
    );
    // Without that line nothing says; AM/PM in capitals is en-US: month first.
    let text = String::from_utf8(fixture("whatsapp/android-en-us.txt")).unwrap();
    let undecided: String = text
        .lines()
        .take(3)
        .map(|line| format!("{line}\n"))
        .collect();
    let read = run(
        ChatFormat::Whatsapp,
        undecided.as_bytes(),
        &ImportOptions::default(),
    );
    assert!(read.contains("month_first by Default"), "{read}");
    assert!(
        read.contains("line:2 Aigerim 2024-01-02T09:05:00+06:00"),
        "{read}"
    );
}

#[test]
fn whatsapp_order_from_the_sequence_or_as_given() {
    // Every date fits both orders; only day first keeps them in time order.
    check(
        ChatFormat::Whatsapp,
        "whatsapp/android-en-gb.txt",
        r#"3 messages (0 without time), chat "-"
senders: Stranger 2, Aigerim 1
from 2024-01-11T09:00:00+06:00 to 2024-02-01T09:00:00+06:00
skipped: none
assumed: day_first by Sequence, local time Asia/Almaty
line:1 Aigerim 2024-01-11T09:00:00+06:00 "one"
line:2 Stranger 2024-01-12T09:00:00+06:00 "two"
line:3 Stranger 2024-02-01T09:00:00+06:00 "three"
"#,
    );
    let given = ImportOptions {
        date_order: Some(DateOrder::MonthFirst),
        ..ImportOptions::default()
    };
    let read = run(
        ChatFormat::Whatsapp,
        &fixture("whatsapp/android-en-gb.txt"),
        &given,
    );
    assert!(read.contains("assumed: month_first by Given"), "{read}");
    // Kazakhstan moved to UTC+5 on 2024-03-01: November is +05:00.
    assert!(
        read.contains("line:1 Aigerim 2024-11-01T09:00:00+05:00"),
        "{read}"
    );
}

#[test]
fn whatsapp_lines_in_another_encoding_skip_their_whole_message() {
    let mut bytes = b"02.01.2024, 10:11 - A: one\n02.01.2024, 10:12 - B: ".to_vec();
    // "привет" in Windows-1251.
    bytes.extend_from_slice(&[0xEF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]);
    bytes.extend_from_slice(b"\nstill B's message\n02.01.2024, 10:13 - A: three\n");
    check_bytes(
        ChatFormat::Whatsapp,
        &bytes,
        &ImportOptions::default(),
        r#"2 messages (0 without time), chat "-"
senders: A 2
from 2024-01-02T10:11:00+06:00 to 2024-01-02T10:13:00+06:00
skipped: not_utf8 1 at line:2
assumed: local time Asia/Almaty
line:1 A 2024-01-02T10:11:00+06:00 "one"
line:4 A 2024-01-02T10:13:00+06:00 "three"
"#,
    );
}

#[test]
fn whatsapp_impossible_dates_and_unplaced_lines() {
    check_bytes(
        ChatFormat::Whatsapp,
        "a line before any message\n31.02.2024, 10:11 - A: no such day\n01.03.2024, 10:11 - A: ok\n"
            .as_bytes(),
        &ImportOptions::default(),
        r#"1 messages (0 without time), chat "-"
senders: A 1
from 2024-03-01T10:11:00+05:00 to 2024-03-01T10:11:00+05:00
skipped: bad_time 1 at line:2, cannot_place 1 at line:1
assumed: local time Asia/Almaty
line:3 A 2024-03-01T10:11:00+05:00 "ok"
"#,
    );
}

#[test]
fn a_file_in_the_wrong_format_reads_nothing_and_says_so() {
    let options = ImportOptions::default();
    let pasted = "Незнакомец: привет\nАйгерім: тоқтат\n".as_bytes();
    let error = import(ChatFormat::Whatsapp, pasted, &options, &mut |_| {}).unwrap_err();
    assert_eq!(error.failure, ImportFailure::NothingRead);
    assert_eq!(error.read_before.skipped_total(), 2);
    let error = import(
        ChatFormat::Whatsapp,
        &fixture("telegram/result.json")[..],
        &options,
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(error.failure, ImportFailure::NothingRead);
}

#[test]
fn pasted_text() {
    check(
        ChatFormat::Text,
        "text/pasted.txt",
        r#"4 messages (1 without time), chat "-"
senders: Незнакомец 3, Айгерім 1
from 2024-01-02T10:11:00+06:00 to 2024-01-03T08:00:00+06:00
skipped: none
assumed: local time Asia/Almaty
line:1 Незнакомец 2024-01-02T10:11:00+06:00 "ты дурак"
line:4 Айгерім 2024-01-02T10:12:00+06:00 "тоқтат\nжазбашы"
line:8 Незнакомец 2024-01-03T08:00:00+06:00 "жду тебя у школы"
line:9 Незнакомец - "ещё одно, без времени\nи его вторая строка"
"#,
    );
}

#[test]
fn streaming_holds_one_message_at_a_time() {
    // A generated export of 20,000 messages is read through a reader that
    // hands out a few bytes at a time: the parser never needs the whole file.
    struct Trickle<'a>(&'a [u8]);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let count = buffer.len().min(7).min(self.0.len());
            buffer[..count].copy_from_slice(&self.0[..count]);
            self.0 = &self.0[count..];
            Ok(count)
        }
    }
    let mut json = String::from("{\"name\":\"big\",\"messages\":[");
    for id in 0..20_000 {
        if id > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "{{\"id\":{id},\"type\":\"message\",\"date_unixtime\":\"{}\",\"from\":\"{}\",\"from_id\":\"user{}\",\"text\":[\"part \",{{\"type\":\"bold\",\"text\":\"{id}\"}}]}}",
            1_700_000_000 + id,
            if id % 3 == 0 { "A" } else { "B" },
            id % 3 == 0
        ));
    }
    json.push_str("]}");
    let mut count = 0;
    let mut last_text = String::new();
    let summary = import(
        ChatFormat::Telegram,
        Trickle(json.as_bytes()),
        &ImportOptions::default(),
        &mut |message| {
            count += 1;
            last_text = message.text;
        },
    )
    .unwrap();
    assert_eq!((summary.messages, count), (20_000, 20_000));
    assert_eq!(last_text, "part 19999");
    assert_eq!(summary.senders.len(), 2);
}
