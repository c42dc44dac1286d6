use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;

fn calendar() -> &'static WorkingCalendar {
    WorkingCalendar::embedded()
}

/// What a day is, in short: `W` weekday, `E` weekend, `H` public holiday,
/// `R` religious day off, `C` carried over, `T` day off by transfer, `S` working
/// day by transfer.
fn kind_letter(reason: &DayReason) -> char {
    match reason {
        DayReason::Weekday => 'W',
        DayReason::Weekend => 'E',
        DayReason::Holiday {
            kind: HolidayKind::Public,
            ..
        } => 'H',
        DayReason::Holiday {
            kind: HolidayKind::Religious,
            ..
        } => 'R',
        DayReason::CarriedOver { .. } => 'C',
        DayReason::DayOffByTransfer { .. } => 'T',
        DayReason::WorkingDayByTransfer { .. } => 'S',
    }
}

/// `expect` is `"<letter> <working|off>"`, e.g. `"C off"`.
fn check(day: &str, expect: &str) {
    let date: Date = day.parse().unwrap();
    let calendar_day = calendar().day(date).unwrap();
    let actual = format!(
        "{} {}",
        kind_letter(&calendar_day.reason),
        if calendar_day.is_working_day {
            "working"
        } else {
            "off"
        }
    );
    assert_eq!(actual, expect, "{day}: {calendar_day:#?}");
    assert_eq!(
        calendar().is_working_day(date).unwrap(),
        calendar_day.is_working_day
    );
}

#[test]
fn calendar_known_days() {
    for (day, expect) in [
        // 2015 (provisional): Nauryz 21–23 March, 21–22 on a weekend.
        ("2015-03-24", "C off"),
        ("2015-03-25", "C off"),
        ("2015-09-24", "R off"),
        ("2015-12-17", "H off"),
        // 2016: 5 March worked for 7 March; 7 May (Sat) carried past Victory Day to 10 May.
        ("2016-03-05", "S working"),
        ("2016-03-07", "T off"),
        ("2016-05-10", "C off"),
        ("2016-09-12", "R off"),
        ("2016-12-19", "C off"),
        // 2017: 7 January is a Saturday and is not carried over.
        ("2017-01-07", "R off"),
        ("2017-01-09", "W working"),
        ("2017-01-03", "C off"),
        ("2017-07-01", "S working"),
        ("2017-07-07", "T off"),
        ("2017-12-18", "C off"),
        ("2017-12-19", "C off"),
        // 2018: five transfers.
        ("2018-01-08", "W working"),
        ("2018-03-03", "S working"),
        ("2018-03-09", "T off"),
        ("2018-08-25", "S working"),
        ("2018-08-31", "T off"),
        ("2018-12-03", "C off"),
        ("2018-12-18", "C off"),
        ("2018-12-29", "S working"),
        ("2018-12-31", "T off"),
        // 2019: Kurban Ait on a Sunday, no carry-over.
        ("2019-05-04", "S working"),
        ("2019-05-10", "T off"),
        ("2019-08-11", "R off"),
        ("2019-08-12", "W working"),
        ("2019-12-02", "C off"),
        // 2020: Sundays made working days; the Victory Day carry-over moved to 8 May.
        ("2020-01-03", "T off"),
        ("2020-01-05", "S working"),
        ("2020-05-08", "T off"),
        ("2020-05-11", "S working"),
        ("2020-07-31", "R off"),
        ("2020-12-18", "T off"),
        ("2020-12-20", "S working"),
        // 2021
        ("2021-03-24", "C off"),
        ("2021-07-03", "S working"),
        ("2021-07-05", "T off"),
        ("2021-12-17", "H off"),
        // 2022: Republic Day back, First President Day and 17 December gone.
        ("2022-01-04", "C off"),
        ("2022-07-09", "R off"),
        ("2022-07-11", "W working"),
        ("2022-10-22", "S working"),
        ("2022-10-24", "T off"),
        ("2022-10-25", "H off"),
        ("2022-12-01", "W working"),
        ("2022-12-16", "H off"),
        // 2023
        ("2023-01-03", "C off"),
        ("2023-06-28", "R off"),
        ("2023-07-01", "S working"),
        ("2023-07-07", "T off"),
        ("2023-12-18", "C off"),
        // 2024: Kurban Ait on Sunday 16 June; 17 June stays a working day.
        ("2024-01-08", "W working"),
        ("2024-03-25", "C off"),
        ("2024-05-04", "S working"),
        ("2024-05-08", "T off"),
        ("2024-06-16", "R off"),
        ("2024-06-17", "W working"),
        ("2024-07-08", "C off"),
        // 2025
        ("2025-01-03", "T off"),
        ("2025-01-05", "S working"),
        ("2025-03-10", "C off"),
        ("2025-06-06", "R off"),
        ("2025-09-01", "C off"),
        ("2025-10-27", "C off"),
        // 2026: 30 August is no longer a holiday, so 31 August is worked.
        ("2026-03-09", "C off"),
        ("2026-03-16", "W working"),
        ("2026-05-11", "C off"),
        ("2026-05-27", "R off"),
        ("2026-08-30", "E off"),
        ("2026-08-31", "W working"),
        ("2026-10-26", "C off"),
        // 2027 (provisional): Constitution Day on 15 March.
        ("2027-01-04", "C off"),
        ("2027-03-15", "H off"),
        ("2027-03-24", "C off"),
        ("2027-05-03", "C off"),
        ("2027-05-10", "C off"),
        ("2027-08-30", "W working"),
    ] {
        check(day, expect);
    }
}

/// `start + n working days == expect`, or the error.
fn check_add(start: &str, n: u32, expect: Result<&str, CalendarError>) {
    let start_date: Date = start.parse().unwrap();
    let actual = calendar().add_working_days(start_date, n);
    let expect = expect.map(|day| day.parse::<Date>().unwrap());
    assert_eq!(actual, expect, "{start} + {n} working days");
    if let Ok(end) = actual {
        assert_eq!(
            calendar().working_days_between(start_date, end).unwrap(),
            i32::try_from(n).unwrap()
        );
    }
}

#[test]
fn calendar_add_working_days() {
    for (start, n, expect) in [
        // n = 0 is the start itself, even on a holiday.
        ("2024-03-22", 0, Ok("2024-03-22")),
        // Received on the last working day before Nauryz 2024 (Wednesday 20 March):
        // 21–22 holidays, 23–24 weekend, 25 carried over from Saturday 23 March.
        ("2024-03-20", 1, Ok("2024-03-26")),
        ("2024-03-20", 3, Ok("2024-03-28")),
        // Nauryz 2026: Friday 20 March, then 21–25 March off.
        ("2026-03-20", 3, Ok("2026-03-30")),
        // Received on a Saturday: counting starts on Monday.
        ("2024-03-30", 3, Ok("2024-04-03")),
        // Across the year boundary: 1–2 January holidays, 3 January off by the
        // 2025 order, Sunday 5 January worked, 7 January Orthodox Christmas.
        ("2024-12-31", 1, Ok("2025-01-05")),
        ("2024-12-31", 3, Ok("2025-01-08")),
        // A day carried over and then transferred (2020): 8 May off, 11 May worked.
        ("2020-05-06", 1, Ok("2020-05-11")),
        // Kurban Ait 2024 on Sunday: Monday 17 June counts.
        ("2024-06-14", 1, Ok("2024-06-17")),
        // Into an uncovered year.
        ("2027-12-29", 2, Ok("2027-12-31")),
        (
            "2027-12-29",
            3,
            Err(CalendarError::YearNotCovered { year: 2028 }),
        ),
        (
            "2014-12-31",
            0,
            Err(CalendarError::YearNotCovered { year: 2014 }),
        ),
    ] {
        check_add(start, n, expect);
    }
}

#[test]
fn calendar_working_days_between() {
    let between = |from: &str, to: &str| {
        calendar().working_days_between(from.parse().unwrap(), to.parse().unwrap())
    };
    assert_eq!(between("2024-03-20", "2024-03-28"), Ok(3));
    assert_eq!(between("2024-03-28", "2024-03-20"), Ok(-3));
    assert_eq!(between("2024-03-20", "2024-03-20"), Ok(0));
    // (2024-03-20, 2024-03-25] holds no working day.
    assert_eq!(between("2024-03-20", "2024-03-25"), Ok(0));
    assert_eq!(
        between("2027-12-01", "2028-01-10"),
        Err(CalendarError::YearNotCovered { year: 2028 })
    );
}

#[test]
fn calendar_years_and_status() {
    let years = calendar().covered_years();
    for year in 2016..=2027 {
        assert!(years.contains(&year), "{year} must be covered");
    }
    assert!(
        years.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "no gaps: {years:?}"
    );
    for year in 2016..=2026 {
        assert_eq!(calendar().is_provisional(year), Ok(false), "{year}");
    }
    assert_eq!(calendar().is_provisional(2027), Ok(true));
    assert_eq!(calendar().is_provisional(2015), Ok(true));
    assert_eq!(
        calendar().is_provisional(2030),
        Err(CalendarError::YearNotCovered { year: 2030 })
    );
    assert_eq!(
        calendar().is_working_day(date(2031, 1, 6)),
        Err(CalendarError::YearNotCovered { year: 2031 })
    );
}

#[test]
fn calendar_embedded_files_parse_one_by_one() {
    assert!(!crate::embedded::CALENDAR_FILES.is_empty());
    for (file, contents) in crate::embedded::CALENDAR_FILES {
        let calendar = WorkingCalendar::from_files(&[(file, contents)])
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(calendar.covered_years().len(), 1, "{file}");
    }
    assert_eq!(
        WorkingCalendar::from_files(crate::embedded::CALENDAR_FILES)
            .unwrap()
            .covered_years(),
        calendar().covered_years()
    );
}

#[test]
fn calendar_every_year_has_the_statutory_holidays() {
    for year in calendar().covered_years() {
        let holiday = |month: i8, day: i8| {
            matches!(
                calendar().day(date(year, month, day)).unwrap().reason,
                DayReason::Holiday { .. }
            )
        };
        for (month, day) in [
            (1, 1),
            (1, 2),
            (1, 7),
            (3, 8),
            (3, 21),
            (3, 22),
            (3, 23),
            (5, 1),
            (5, 7),
            (5, 9),
            (7, 6),
            (12, 16),
        ] {
            assert!(
                holiday(month, day),
                "{year}-{month:02}-{day:02} must be a holiday"
            );
        }
        assert_eq!(
            holiday(8, 30),
            year <= 2025,
            "{year}-08-30 Constitution Day"
        );
        assert_eq!(
            holiday(3, 15),
            year >= 2027,
            "{year}-03-15 Constitution Day"
        );
        assert_eq!(holiday(10, 25), year >= 2022, "{year}-10-25 Republic Day");
        assert_eq!(
            holiday(12, 1),
            year <= 2021,
            "{year}-12-01 First President Day"
        );
        assert_eq!(
            holiday(12, 17),
            year <= 2021,
            "{year}-12-17 Independence Day"
        );
        let kurban_days = (1..=12)
            .flat_map(|month| (1..=31).map(move |day| (month, day)))
            .filter_map(|(month, day)| Date::new(year, month, day).ok())
            .filter(|day| {
                matches!(
                    calendar().day(*day).unwrap().reason,
                    DayReason::Holiday { kind: HolidayKind::Religious, ref name, .. } if name.en.contains("Kurban")
                )
            })
            .count();
        assert_eq!(kurban_days, 1, "{year}: one first day of Kurban Ait");
    }
}

#[test]
fn calendar_day_explains_itself() {
    let day = calendar().day(date(2024, 5, 8)).unwrap();
    assert_eq!(
        day.reason,
        DayReason::DayOffByTransfer {
            working_day: date(2024, 5, 4)
        }
    );
    assert_eq!(day.source.number.as_deref(), Some("109"));
    assert_eq!(day.source.date, Some(date(2024, 4, 17)));
    let message = day.explain();
    assert_eq!(message.id, "calendar-day-off-by-transfer");
    assert!(message.args.contains(&("working_day", "2024-05-04".into())));

    let nauryz = calendar().day(date(2024, 3, 25)).unwrap();
    let DayReason::CarriedOver {
        holiday_date,
        holiday_name,
    } = &nauryz.reason
    else {
        panic!("{nauryz:?}")
    };
    assert_eq!(*holiday_date, date(2024, 3, 23));
    assert_eq!(holiday_name.get(Language::Kk), "Наурыз мейрамы");
    assert_eq!(nauryz.source.id, "law-267");
    assert_eq!(nauryz.explain().id, "calendar-day-carried-over");

    let weekday = calendar().day(date(2024, 3, 26)).unwrap();
    assert_eq!(weekday.reason, DayReason::Weekday);
    assert_eq!(weekday.source.id, "labour-code-2015");

    let kurban_2027 = calendar().day(date(2027, 5, 16)).unwrap();
    assert!(kurban_2027.provisional);
    assert!(matches!(
        kurban_2027.reason,
        DayReason::Holiday {
            estimated: true,
            ..
        }
    ));

    let error = CalendarError::YearNotCovered { year: 2031 };
    assert_eq!(error.code(), "calendar_year_not_covered");
    assert_eq!(
        error.explain(),
        Message::new("calendar-year-not-covered").with("year", 2031_i64)
    );
    assert_eq!(
        calendar().year(2027).unwrap().explain_status().id,
        "calendar-year-provisional"
    );
    assert!(!calendar().year(2024).unwrap().disagreements().is_empty());
}

// ---- validation of the data format ----

const HEADER: &str = r#"
year = 2024
status = "official"
week_source = "lc"

[[sources]]
id = "lc"
title = "Labour Code"
issuer = "Parliament"

[[sources]]
id = "law"
title = "Law 267-II"
issuer = "Parliament"
date = 2001-12-13
"#;

/// Parses `HEADER` + `body` as `2024.toml`; `expect` is `"ok"` or a fragment of
/// the error.
fn check_data(body: &str, expect: &str) {
    check_file("2024.toml", &format!("{HEADER}{body}"), expect);
}

fn check_file(file: &str, contents: &str, expect: &str) {
    match WorkingCalendar::from_files(&[(file, contents)]) {
        Ok(_) => assert_eq!("ok", expect, "{contents}"),
        Err(error) => {
            assert_eq!(error.file, file);
            assert!(
                error.reason.contains(expect),
                "expected `{expect}` in `{}`",
                error.reason
            );
        }
    }
}

const SATURDAY_HOLIDAY: &str = r#"
[[holidays]]
date = 2024-03-23
name = { kk = "Наурыз мейрамы", ru = "Наурыз мейрамы", en = "Nauryz" }
kind = "public"
source = "law"
"#;

#[test]
fn calendar_data_validation() {
    check_data("", "ok");
    check_file("24.toml", HEADER, "four-digit year");
    check_file("2025.toml", HEADER, "does not match the file name");
    check_data("bogus = 1", "not valid calendar TOML");
    check_data(
        "[[sources]]\nid = \"lc\"\ntitle = \"x\"\nissuer = \"y\"\n",
        "the id is used twice",
    );
    // A holiday on a Saturday needs its carry-over…
    check_data(
        SATURDAY_HOLIDAY,
        "makes 2024-03-25 a day off, but no [[carried_over]]",
    );
    // …on the right day, with a known source.
    let carry = |day: &str, source: &str| {
        format!(
            "{SATURDAY_HOLIDAY}\n[[carried_over]]\ndate = {day}\nholiday = 2024-03-23\nsource = \"{source}\"\n"
        )
    };
    check_data(&carry("2024-03-25", "law"), "ok");
    check_data(
        &carry("2024-03-26", "law"),
        "to the next working day, 2024-03-25, not 2024-03-26",
    );
    check_data(&carry("2024-03-25", "nope"), "source `nope` is not defined");
    // Religious days off are never carried over.
    check_data(
        r#"
[[holidays]]
date = 2024-06-16
name = { kk = "Құрбан айт", ru = "Курбан айт", en = "Kurban Ait" }
kind = "religious"
source = "lc"

[[carried_over]]
date = 2024-06-17
holiday = 2024-06-16
source = "law"
"#,
        "never carried over",
    );
    // Dates belong to the file's year and are plain dates.
    check_data(
        "[[transfers]]\nworking_day = 2025-05-04\nday_off = 2024-05-08\nsource = \"law\"\n",
        "is not in 2024",
    );
    check_data(
        "[[transfers]]\nworking_day = 2024-05-04T10:00:00\nday_off = 2024-05-08\nsource = \"law\"\n",
        "must be a plain date",
    );
    // A transfer makes a day off a working day and a weekday a day off.
    check_data(
        "[[transfers]]\nworking_day = 2024-05-04\nday_off = 2024-05-08\nsource = \"law\"\n",
        "ok",
    );
    check_data(
        "[[transfers]]\nworking_day = 2024-05-06\nday_off = 2024-05-08\nsource = \"law\"\n",
        "is an ordinary Monday",
    );
    check_data(
        "[[transfers]]\nworking_day = 2024-05-04\nday_off = 2024-05-05\nsource = \"law\"\n",
        "is a Sunday, already a day off",
    );
    check_data(
        "[[transfers]]\nworking_day = 2024-05-04\nday_off = 2024-05-08\nsource = \"law\"\n\
         [[transfers]]\nworking_day = 2024-05-11\nday_off = 2024-05-08\nsource = \"law\"\n",
        "already used by another transfer",
    );
    check_data(
        &format!(
            "{}\n[[transfers]]\nworking_day = 2024-03-23\nday_off = 2024-03-27\nsource = \"law\"\n",
            carry("2024-03-25", "law")
        ),
        "cannot make a holiday a working day",
    );
    // A carried-over day may be moved by a transfer (11 May 2020), but a transfer
    // cannot give a carried-over day off again.
    check_data(
        &format!(
            "{}\n[[transfers]]\nworking_day = 2024-03-25\nday_off = 2024-03-27\nsource = \"law\"\n",
            carry("2024-03-25", "law")
        ),
        "ok",
    );
    check_data(
        &format!(
            "{}\n[[transfers]]\nworking_day = 2024-03-30\nday_off = 2024-03-25\nsource = \"law\"\n",
            carry("2024-03-25", "law")
        ),
        "is already a day off",
    );
    // Duplicates, unknown fields, estimates in official years.
    check_data(
        &format!("{SATURDAY_HOLIDAY}{SATURDAY_HOLIDAY}"),
        "already listed as a holiday",
    );
    check_data(
        r#"
[[holidays]]
date = 2024-06-17
name = { kk = "Құрбан айт", ru = "Курбан айт", en = "Kurban Ait" }
kind = "religious"
source = "lc"
estimated = true
"#,
        "only allowed in a provisional year",
    );
    check_data(
        r#"
[[holidays]]
date = 2024-06-17
name = { kk = "", ru = "Курбан айт", en = "Kurban Ait" }
kind = "religious"
source = "lc"
"#,
        "`name.kk` must not be empty",
    );
    check_data(
        "[[disagreements]]\ndate = 2024-06-17\nsource = \"zzz\"\nnote = \"x\"\n",
        "source `zzz` is not defined",
    );
    // Two files for one year.
    let twice = WorkingCalendar::from_files(&[("2024.toml", HEADER), ("2024.toml", HEADER)]);
    assert_eq!(
        twice.unwrap_err().reason,
        "this year is given by more than one file"
    );
}

// ---- properties over the covered years ----

fn covered_date() -> impl Strategy<Value = Date> {
    // 2016-01-01 .. 2027-12-31
    (0i32..4383).prop_map(|offset| {
        date(2016, 1, 1)
            .checked_add(jiff::Span::new().days(offset))
            .unwrap()
    })
}

proptest! {
    // No regression files: the tests must not write into the source tree.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn calendar_add_working_days_is_monotonic_and_lands_on_working_days(
        start in covered_date(),
        n in 0u32..120,
    ) {
        let calendar = calendar();
        match (calendar.add_working_days(start, n), calendar.add_working_days(start, n + 1)) {
            (Ok(end), Ok(next_end)) => {
                prop_assert!(end >= start);
                prop_assert!(next_end > end);
                if n >= 1 {
                    prop_assert!(calendar.is_working_day(end).unwrap());
                }
                prop_assert!(calendar.is_working_day(next_end).unwrap());
                prop_assert_eq!(calendar.working_days_between(start, end).unwrap(), i32::try_from(n).unwrap());
                prop_assert_eq!(calendar.working_days_between(end, start).unwrap(), -i32::try_from(n).unwrap());
            }
            (Ok(end), Err(error)) => {
                prop_assert_eq!(error, CalendarError::YearNotCovered { year: end.year() + 1 });
            }
            (Err(error), _) => {
                prop_assert_eq!(error, CalendarError::YearNotCovered { year: 2028 });
            }
        }
    }

    #[test]
    fn calendar_working_days_between_is_antisymmetric(a in covered_date(), b in covered_date()) {
        let calendar = calendar();
        let forward = calendar.working_days_between(a, b).unwrap();
        prop_assert_eq!(forward, -calendar.working_days_between(b, a).unwrap());
        if forward > 0 {
            prop_assert!(b > a);
        }
        if forward < 0 {
            prop_assert!(b < a);
        }
    }
}
