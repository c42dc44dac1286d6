//! Reading and validating one year file (`data/calendar/YYYY.toml`).
//!
//! The format is documented in `docs/calendar.md`. Everything that can be checked
//! mechanically is checked here, so a wrong file fails the build's tests instead
//! of moving somebody's deadline:
//!
//! - the file is named `YYYY.toml` and says `year = YYYY`; every date belongs to it;
//! - every `source` / `see_also` id resolves to a `[[sources]]` entry;
//! - no date is listed twice (the one exception: a day carried over from a
//!   holiday may be moved again by a transfer, as 11 May 2020 was);
//! - the `[[carried_over]]` entries are exactly what Law 267-II Art. 5 gives
//!   (a public holiday on a Saturday or Sunday moves the day off to the next
//!   working day after it; religious days off never move, Labour Code Art. 84 p.5);
//! - a transfer's `working_day` is a day that would otherwise be a day off (a
//!   weekend or a carried-over day) and its `day_off` a weekday that would
//!   otherwise be worked;
//! - `estimated` entries appear only in provisional years.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use super::{
    CalendarDataError, CalendarYear, DayReason, Disagreement, HolidayKind, HolidayName, Source,
    SpecialDay, YearStatus,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i64,
    status: YearStatus,
    week_source: String,
    note: Option<String>,
    #[serde(default)]
    sources: Vec<RawSource>,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
    #[serde(default)]
    carried_over: Vec<RawCarriedOver>,
    #[serde(default)]
    transfers: Vec<RawTransfer>,
    #[serde(default)]
    disagreements: Vec<RawDisagreement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    title: String,
    issuer: String,
    date: Option<toml::value::Datetime>,
    number: Option<String>,
    url: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawName {
    kk: String,
    ru: String,
    en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    date: toml::value::Datetime,
    name: RawName,
    kind: HolidayKind,
    source: String,
    #[serde(default)]
    see_also: Vec<String>,
    #[serde(default)]
    estimated: bool,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCarriedOver {
    date: toml::value::Datetime,
    holiday: toml::value::Datetime,
    source: String,
    #[serde(default)]
    see_also: Vec<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransfer {
    working_day: toml::value::Datetime,
    day_off: toml::value::Datetime,
    source: String,
    #[serde(default)]
    see_also: Vec<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisagreement {
    date: toml::value::Datetime,
    source: String,
    note: String,
}

/// Parses and validates one year file. `file` is the file name (`2024.toml`).
pub(super) fn parse_year(file: &str, contents: &str) -> Result<CalendarYear, CalendarDataError> {
    let fail = |reason: String| CalendarDataError {
        file: file.to_owned(),
        reason,
    };
    let year = year_from_file_name(file).ok_or_else(|| {
        fail("the file name must be a four-digit year followed by `.toml`, e.g. `2024.toml`".into())
    })?;
    let raw: RawYear = toml::from_str(contents)
        .map_err(|error| fail(format!("not valid calendar TOML: {error}")))?;
    if raw.year != i64::from(year) {
        return Err(fail(format!(
            "`year = {}` does not match the file name",
            raw.year
        )));
    }
    let mut checker = Checker {
        year,
        fail: &fail,
        sources: BTreeMap::new(),
    };

    // Sources first: every entry refers to them.
    for (index, raw_source) in raw.sources.into_iter().enumerate() {
        let entry = format!("[[sources]] #{} (id = {:?})", index + 1, raw_source.id);
        let source = checker.source(&entry, raw_source)?;
        if checker.sources.contains_key(&source.id) {
            return Err(fail(format!("{entry}: the id is used twice")));
        }
        checker.sources.insert(source.id.clone(), source);
    }
    checker.known_source("`week_source`", &raw.week_source, &[])?;
    if let Some(note) = &raw.note {
        checker.non_empty("`note`", "note", note)?;
    }

    let mut special_days: BTreeMap<Date, SpecialDay> = BTreeMap::new();

    // Holidays and religious days off.
    let mut holidays: BTreeMap<Date, (HolidayKind, HolidayName)> = BTreeMap::new();
    for (index, holiday) in raw.holidays.into_iter().enumerate() {
        let entry = format!("[[holidays]] #{} (date = {})", index + 1, holiday.date);
        let date = checker.date(&entry, "date", &holiday.date)?;
        checker.known_source(&entry, &holiday.source, &holiday.see_also)?;
        let name = HolidayName {
            kk: holiday.name.kk,
            ru: holiday.name.ru,
            en: holiday.name.en,
        };
        for (language, text) in [("kk", &name.kk), ("ru", &name.ru), ("en", &name.en)] {
            checker.non_empty(&entry, &format!("name.{language}"), text)?;
        }
        if holiday.estimated && raw.status == YearStatus::Official {
            return Err(fail(format!(
                "{entry}: `estimated = true` is only allowed in a provisional year; \
                 confirm the date or mark the year `status = \"provisional\"`"
            )));
        }
        if holidays
            .insert(date, (holiday.kind, name.clone()))
            .is_some()
        {
            return Err(fail(format!(
                "{entry}: this date is already listed as a holiday"
            )));
        }
        special_days.insert(
            date,
            SpecialDay {
                working: false,
                reason: DayReason::Holiday {
                    name,
                    kind: holiday.kind,
                    estimated: holiday.estimated,
                },
                source: holiday.source,
                see_also: holiday.see_also,
                note: holiday.note,
            },
        );
    }

    // Days off carried over from holidays on a weekend: listed in the data so an
    // auditor can read them, and checked against the rule so they cannot be wrong.
    let expected_carry_overs = carry_overs(&holidays).map_err(&fail)?;
    let mut carried: BTreeMap<Date, Date> = BTreeMap::new();
    for (index, carry) in raw.carried_over.into_iter().enumerate() {
        let entry = format!("[[carried_over]] #{} (date = {})", index + 1, carry.date);
        let date = checker.date(&entry, "date", &carry.date)?;
        let holiday_date = checker.date(&entry, "holiday", &carry.holiday)?;
        checker.known_source(&entry, &carry.source, &carry.see_also)?;
        let Some((kind, holiday_name)) = holidays.get(&holiday_date) else {
            return Err(fail(format!(
                "{entry}: `holiday = {holiday_date}` is not listed in [[holidays]]"
            )));
        };
        if *kind == HolidayKind::Religious {
            return Err(fail(format!(
                "{entry}: {holiday_date} is a religious day off; Labour Code Art. 84 p.5 days off \
                 are never carried over"
            )));
        }
        if !is_weekend(holiday_date) {
            return Err(fail(format!(
                "{entry}: the holiday {holiday_date} is a {}, not a Saturday or Sunday, so nothing is \
                 carried over",
                weekday_name(holiday_date)
            )));
        }
        match expected_carry_overs.get(&holiday_date) {
            Some(expected) if *expected == date => {}
            Some(expected) => {
                return Err(fail(format!(
                    "{entry}: Law 267-II Art. 5 carries the holiday {holiday_date} over to the next \
                     working day, {expected}, not {date}"
                )));
            }
            None => {
                return Err(fail(format!(
                    "{entry}: the holiday {holiday_date} is not carried over"
                )));
            }
        }
        if carried.insert(date, holiday_date).is_some() {
            return Err(fail(format!(
                "{entry}: this date is already listed as carried over"
            )));
        }
        special_days.insert(
            date,
            SpecialDay {
                working: false,
                reason: DayReason::CarriedOver {
                    holiday_date,
                    holiday_name: holiday_name.clone(),
                },
                source: carry.source,
                see_also: carry.see_also,
                note: carry.note,
            },
        );
    }
    for (holiday_date, carried_to) in &expected_carry_overs {
        if !carried.contains_key(carried_to) {
            return Err(fail(format!(
                "the holiday {holiday_date} falls on a {}; Law 267-II Art. 5 makes {carried_to} a day \
                 off, but no [[carried_over]] entry says so",
                weekday_name(*holiday_date)
            )));
        }
    }

    // Transfers by government decree / ministerial order (Labour Code Art. 85 p.3).
    let mut transfer_dates: BTreeSet<Date> = BTreeSet::new();
    for (index, transfer) in raw.transfers.into_iter().enumerate() {
        let entry = format!(
            "[[transfers]] #{} (working_day = {}, day_off = {})",
            index + 1,
            transfer.working_day,
            transfer.day_off
        );
        let working_day = checker.date(&entry, "working_day", &transfer.working_day)?;
        let day_off = checker.date(&entry, "day_off", &transfer.day_off)?;
        checker.known_source(&entry, &transfer.source, &transfer.see_also)?;
        if holidays.contains_key(&working_day) {
            return Err(fail(format!(
                "{entry}: `working_day` {working_day} is a holiday; a transfer cannot make a holiday a \
                 working day"
            )));
        }
        if !is_weekend(working_day) && !carried.contains_key(&working_day) {
            return Err(fail(format!(
                "{entry}: `working_day` {working_day} is an ordinary {}; a transfer makes a day off \
                 (a Saturday, a Sunday or a carried-over day) a working day",
                weekday_name(working_day)
            )));
        }
        if is_weekend(day_off) {
            return Err(fail(format!(
                "{entry}: `day_off` {day_off} is a {}, already a day off; a transfer gives a weekday off",
                weekday_name(day_off)
            )));
        }
        if holidays.contains_key(&day_off) || carried.contains_key(&day_off) {
            return Err(fail(format!(
                "{entry}: `day_off` {day_off} is already a day off (a holiday or a carried-over day)"
            )));
        }
        for date in [working_day, day_off] {
            if !transfer_dates.insert(date) {
                return Err(fail(format!(
                    "{entry}: {date} is already used by another transfer"
                )));
            }
        }
        special_days.insert(
            working_day,
            SpecialDay {
                working: true,
                reason: DayReason::WorkingDayByTransfer { day_off },
                source: transfer.source.clone(),
                see_also: transfer.see_also.clone(),
                note: transfer.note.clone(),
            },
        );
        special_days.insert(
            day_off,
            SpecialDay {
                working: false,
                reason: DayReason::DayOffByTransfer { working_day },
                source: transfer.source,
                see_also: transfer.see_also,
                note: transfer.note,
            },
        );
    }

    let mut disagreements = Vec::new();
    for (index, disagreement) in raw.disagreements.into_iter().enumerate() {
        let entry = format!(
            "[[disagreements]] #{} (date = {})",
            index + 1,
            disagreement.date
        );
        let date = checker.date(&entry, "date", &disagreement.date)?;
        checker.known_source(&entry, &disagreement.source, &[])?;
        checker.non_empty(&entry, "note", &disagreement.note)?;
        disagreements.push(Disagreement {
            date,
            source: disagreement.source,
            note: disagreement.note,
        });
    }

    Ok(CalendarYear {
        year,
        status: raw.status,
        note: raw.note,
        week_source: raw.week_source,
        sources: checker.sources,
        special_days,
        disagreements,
    })
}

/// `2024.toml` → 2024.
fn year_from_file_name(file: &str) -> Option<i16> {
    let stem = file.strip_suffix(".toml")?;
    if stem.len() != 4 || !stem.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    stem.parse().ok()
}

/// Law 267-II Art. 5: "при совпадении выходного и праздничного дней выходным днем
/// является следующий после праздничного рабочий день". For each public holiday on
/// a Saturday or Sunday (in date order) the day off moves to the first later
/// weekday that is neither a holiday or religious day off nor already taken by an
/// earlier carry-over (Nauryz 21–22 March on a weekend moves to 24 and 25 March when
/// 23 March is itself a holiday). Religious days off (7 January, Kurban Ait) are
/// days off under Labour Code Art. 84 p.5, not holidays, and never move.
///
/// Returns holiday date → carried-over date.
pub(super) fn carry_overs(
    holidays: &BTreeMap<Date, (HolidayKind, HolidayName)>,
) -> Result<BTreeMap<Date, Date>, String> {
    let mut taken: BTreeSet<Date> = BTreeSet::new();
    let mut result = BTreeMap::new();
    for (holiday_date, (kind, _)) in holidays {
        if *kind != HolidayKind::Public || !is_weekend(*holiday_date) {
            continue;
        }
        let mut candidate = *holiday_date;
        loop {
            candidate = candidate.tomorrow().map_err(|error| error.to_string())?;
            if candidate.year() != holiday_date.year() {
                return Err(format!(
                    "the holiday {holiday_date} would be carried over into the next year; \
                     a carry-over across years is not supported by this format"
                ));
            }
            if !is_weekend(candidate)
                && !holidays.contains_key(&candidate)
                && !taken.contains(&candidate)
            {
                break;
            }
        }
        taken.insert(candidate);
        result.insert(*holiday_date, candidate);
    }
    Ok(result)
}

pub(super) fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn weekday_name(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Shared checks; every failure names the entry.
struct Checker<'a, F: Fn(String) -> CalendarDataError> {
    year: i16,
    fail: &'a F,
    sources: BTreeMap<String, Source>,
}

impl<F: Fn(String) -> CalendarDataError> Checker<'_, F> {
    fn source(&self, entry: &str, raw: RawSource) -> Result<Source, CalendarDataError> {
        self.non_empty(entry, "id", &raw.id)?;
        self.non_empty(entry, "title", &raw.title)?;
        self.non_empty(entry, "issuer", &raw.issuer)?;
        let date = match &raw.date {
            Some(datetime) => Some(self.any_date(entry, "date", datetime)?),
            None => None,
        };
        if let Some(url) = &raw.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err((self.fail)(format!(
                "{entry}: `url` must start with https:// or http://"
            )));
        }
        Ok(Source {
            id: raw.id,
            title: raw.title,
            issuer: raw.issuer,
            date,
            number: raw.number,
            url: raw.url,
            note: raw.note,
        })
    }

    fn known_source(
        &self,
        entry: &str,
        id: &str,
        see_also: &[String],
    ) -> Result<(), CalendarDataError> {
        for id in std::iter::once(id).chain(see_also.iter().map(String::as_str)) {
            if !self.sources.contains_key(id) {
                return Err((self.fail)(format!(
                    "{entry}: source `{id}` is not defined in [[sources]]"
                )));
            }
        }
        Ok(())
    }

    fn non_empty(&self, entry: &str, field: &str, text: &str) -> Result<(), CalendarDataError> {
        if text.trim().is_empty() {
            return Err((self.fail)(format!("{entry}: `{field}` must not be empty")));
        }
        Ok(())
    }

    /// A date of this file's year.
    fn date(
        &self,
        entry: &str,
        field: &str,
        datetime: &toml::value::Datetime,
    ) -> Result<Date, CalendarDataError> {
        let date = self.any_date(entry, field, datetime)?;
        if date.year() != self.year {
            return Err((self.fail)(format!(
                "{entry}: `{field}` {date} is not in {}; each file holds one year",
                self.year
            )));
        }
        Ok(date)
    }

    /// A plain TOML local date (`2024-03-21`), no time, no offset.
    fn any_date(
        &self,
        entry: &str,
        field: &str,
        datetime: &toml::value::Datetime,
    ) -> Result<Date, CalendarDataError> {
        let fail = || {
            (self.fail)(format!(
                "{entry}: `{field}` must be a plain date such as 2024-03-21, not `{datetime}`"
            ))
        };
        let (Some(date), None, None) = (datetime.date, datetime.time, datetime.offset) else {
            return Err(fail());
        };
        let year = i16::try_from(date.year).map_err(|_| fail())?;
        let month = i8::try_from(date.month).map_err(|_| fail())?;
        let day = i8::try_from(date.day).map_err(|_| fail())?;
        Date::new(year, month, day).map_err(|_| fail())
    }
}
