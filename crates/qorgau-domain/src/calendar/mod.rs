//! Kazakhstan's working-day calendar: data (`data/calendar/YYYY.toml`, embedded at
//! build time) plus arithmetic.
//!
//! The procedure counts its deadlines in working days of the five-day week
//! (PRODUCT.md: "within 3 working days of its receipt"). A day is a working day
//! unless it is
//!
//! - a Saturday or Sunday (five-day week, Labour Code);
//! - a holiday of Law 267-II «О праздниках в Республике Казахстан» (as amended:
//!   in 2022 25 October added, 1 and 17 December removed; in 2026 30 August
//!   removed, 15 March added from 2027);
//! - a religious day off — 7 January (Orthodox Christmas) and the first day of
//!   Kurban Ait, whose date moves every year (Labour Code Art. 84 p.5);
//! - the working day after a holiday that fell on a Saturday or Sunday (Law Art. 5).
//!   Religious days off are not holidays and are never carried over;
//! - a weekday made a day off by the year's transfer decree (Labour Code Art. 85
//!   p.3: Government decrees until 2023, Minister of Labour orders since 2024),
//!   which in exchange makes a Saturday, a Sunday or a carried-over day a
//!   working day.
//!
//! Architecture Invariant: nothing here guesses. A date in a year without a file
//! is [`CalendarError::YearNotCovered`], also in the middle of a walk; a year whose
//! transfer decree or Kurban Ait date could not be confirmed says so
//! ([`WorkingCalendar::is_provisional`]), and every special day names its source.

mod data;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::civil::Date;
use serde::Deserialize;

use crate::message::{Explain, Language, Message, MessageArg};
use crate::regime::Localized;

/// The working-day calendar over the years that have a data file.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    years: BTreeMap<i16, CalendarYear>,
}

/// A question the calendar cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// No data file for this year: the calendar never guesses, so the deadline
    /// cannot be computed until `data/calendar/<year>.toml` exists.
    #[error("the working-day calendar has no data for {year}; add data/calendar/{year}.toml")]
    YearNotCovered { year: i16 },
}

/// A calendar data file that is not valid. Names the file and the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("calendar data file {file}: {reason}")]
pub struct CalendarDataError {
    pub file: String,
    pub reason: String,
}

/// Whether a year's data is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearStatus {
    /// The holidays, the Kurban Ait date and the transfers were confirmed from
    /// official publications (or their reports, cited per entry).
    Official,
    /// Something could not be confirmed — typically the transfer decree is not
    /// yet published or the Kurban Ait date not yet set. Deadlines computed over
    /// such a year may move when the year is confirmed.
    Provisional,
}

/// A document the data rests on: a law, a decree, an order, or a report of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub issuer: String,
    /// Date of adoption or publication, where known.
    pub date: Option<Date>,
    /// Document number, where known.
    pub number: Option<String>,
    pub url: Option<String>,
    /// What the source says, and what about it could not be confirmed.
    pub note: Option<String>,
}

/// The name of a holiday in the three languages of Qorgau.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayName {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl HolidayName {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Kk => &self.kk,
            Language::Ru => &self.ru,
            Language::En => &self.en,
        }
    }
}

/// Why a holiday is a day off, which decides whether it is carried over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A national or state holiday of Law 267-II: carried over when it falls on
    /// a Saturday or Sunday (Law Art. 5).
    Public,
    /// A religious day off (7 January, first day of Kurban Ait; Labour Code
    /// Art. 84 p.5): never carried over.
    Religious,
}

/// Why a day is, or is not, a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayReason {
    /// Monday to Friday with nothing special: a working day.
    Weekday,
    /// Saturday or Sunday with nothing special: a day off.
    Weekend,
    /// A holiday or religious day off. `estimated` only in provisional years.
    Holiday {
        name: HolidayName,
        kind: HolidayKind,
        estimated: bool,
    },
    /// The day off carried over from a holiday on a weekend (Law 267-II Art. 5).
    CarriedOver {
        holiday_date: Date,
        holiday_name: HolidayName,
    },
    /// A weekday made a day off by a transfer; `working_day` is worked instead.
    DayOffByTransfer { working_day: Date },
    /// A Saturday, Sunday or carried-over day made a working day by a transfer;
    /// the rest moved to `day_off`.
    WorkingDayByTransfer { day_off: Date },
}

/// One day of the calendar with the reason and the source, for coordinators and
/// auditors who need to see why a deadline falls where it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: Date,
    pub is_working_day: bool,
    pub reason: DayReason,
    /// The document that makes this day what it is (for a plain weekday or
    /// weekend: the Labour Code's five-day week).
    pub source: Source,
    /// Further sources that confirm it.
    pub see_also: Vec<Source>,
    pub note: Option<String>,
    /// The year's data is provisional.
    pub provisional: bool,
}

/// A place where a source disagrees with the data, and why the data says what
/// it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub date: Date,
    /// Id of the disagreeing source.
    pub source: String,
    pub note: String,
}

/// One year of data, validated.
#[derive(Debug, Clone)]
pub struct CalendarYear {
    year: i16,
    status: YearStatus,
    note: Option<String>,
    week_source: String,
    sources: BTreeMap<String, Source>,
    special_days: BTreeMap<Date, SpecialDay>,
    disagreements: Vec<Disagreement>,
}

#[derive(Debug, Clone)]
struct SpecialDay {
    working: bool,
    reason: DayReason,
    source: String,
    see_also: Vec<String>,
    note: Option<String>,
}

impl CalendarYear {
    pub fn year(&self) -> i16 {
        self.year
    }

    pub fn status(&self) -> YearStatus {
        self.status
    }

    /// What the year's data rests on, and what could not be confirmed.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.values()
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.get(id)
    }

    pub fn disagreements(&self) -> &[Disagreement] {
        &self.disagreements
    }

    /// The Fluent message telling whether the year is official or provisional.
    pub fn explain_status(&self) -> Message {
        let id = match self.status {
            YearStatus::Official => "calendar-year-official",
            YearStatus::Provisional => "calendar-year-provisional",
        };
        Message::new(id).with("year", i64::from(self.year))
    }

    /// Resolves a source id that validation has already checked. The fallback
    /// keeps library code panic-free; it cannot be reached with validated data.
    fn resolve(&self, id: &str) -> Source {
        self.sources.get(id).cloned().unwrap_or_else(|| Source {
            id: id.to_owned(),
            title: id.to_owned(),
            issuer: String::new(),
            date: None,
            number: None,
            url: None,
            note: None,
        })
    }

    fn day(&self, date: Date) -> CalendarDay {
        let provisional = self.status == YearStatus::Provisional;
        match self.special_days.get(&date) {
            Some(special) => CalendarDay {
                date,
                is_working_day: special.working,
                reason: special.reason.clone(),
                source: self.resolve(&special.source),
                see_also: special.see_also.iter().map(|id| self.resolve(id)).collect(),
                note: special.note.clone(),
                provisional,
            },
            None => {
                let weekend = data::is_weekend(date);
                CalendarDay {
                    date,
                    is_working_day: !weekend,
                    reason: if weekend {
                        DayReason::Weekend
                    } else {
                        DayReason::Weekday
                    },
                    source: self.resolve(&self.week_source),
                    see_also: Vec::new(),
                    note: None,
                    provisional,
                }
            }
        }
    }

    fn is_working_day(&self, date: Date) -> bool {
        match self.special_days.get(&date) {
            Some(special) => special.working,
            None => !data::is_weekend(date),
        }
    }
}

static EMBEDDED: OnceLock<WorkingCalendar> = OnceLock::new();

impl WorkingCalendar {
    /// The calendar embedded from `data/calendar/` at build time, parsed once.
    pub fn embedded() -> &'static WorkingCalendar {
        EMBEDDED.get_or_init(|| {
            // The embedded files are checked by this module's tests, so a failure
            // here is a build that skipped them: stop loudly rather than compute a
            // deadline from a broken calendar.
            WorkingCalendar::from_files(crate::embedded::CALENDAR_FILES)
                .expect("the embedded data/calendar/*.toml files are invalid (run `cargo test -p qorgau-domain calendar`)")
        })
    }

    /// Parses and validates `(file name, contents)` pairs, one file per year
    /// (`2024.toml`).
    pub fn from_files(files: &[(&str, &str)]) -> Result<Self, CalendarDataError> {
        let mut years = BTreeMap::new();
        for (file, contents) in files {
            let year = data::parse_year(file, contents)?;
            if years.insert(year.year, year).is_some() {
                return Err(CalendarDataError {
                    file: (*file).to_owned(),
                    reason: "this year is given by more than one file".into(),
                });
            }
        }
        Ok(WorkingCalendar { years })
    }

    /// The years with data, ascending.
    pub fn covered_years(&self) -> Vec<i16> {
        self.years.keys().copied().collect()
    }

    /// One year's data: status, note, sources, disagreements.
    pub fn year(&self, year: i16) -> Result<&CalendarYear, CalendarError> {
        self.years
            .get(&year)
            .ok_or(CalendarError::YearNotCovered { year })
    }

    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(self.year(date.year())?.is_working_day(date))
    }

    /// Why `date` is or is not a working day, with its source.
    pub fn day(&self, date: Date) -> Result<CalendarDay, CalendarError> {
        Ok(self.year(date.year())?.day(date))
    }

    /// `start` plus `n` working days, counting from the day after `start`; n = 0 gives `start`.
    ///
    /// `start` itself may be any day (an application received on a Saturday
    /// starts counting on Monday). Every year touched, `start`'s included, must be
    /// covered.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        self.year(start.year())?;
        let mut current = start;
        let mut remaining = n;
        while remaining > 0 {
            current = next_day(current)?;
            if self.is_working_day(current)? {
                remaining -= 1;
            }
        }
        Ok(current)
    }

    /// Working days in `(from, to]`; negative (minus the count in `(to, from]`) when `to < from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<i32, CalendarError> {
        self.year(from.year())?;
        self.year(to.year())?;
        let (low, high, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count: i32 = 0;
        let mut current = low;
        while current < high {
            current = next_day(current)?;
            if self.is_working_day(current)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }

    /// Whether the year's data is provisional (see [`YearStatus::Provisional`]).
    pub fn is_provisional(&self, year: i16) -> Result<bool, CalendarError> {
        Ok(self.year(year)?.status == YearStatus::Provisional)
    }
}

/// The next day; past the end of jiff's range (9999-12-31) no year is covered.
fn next_day(date: Date) -> Result<Date, CalendarError> {
    date.tomorrow().map_err(|_| CalendarError::YearNotCovered {
        year: date.year().saturating_add(1),
    })
}

impl Explain for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            CalendarError::YearNotCovered { .. } => "calendar_year_not_covered",
        }
    }

    fn explain(&self) -> Message {
        match self {
            CalendarError::YearNotCovered { year } => {
                Message::new("calendar-year-not-covered").with("year", i64::from(*year))
            }
        }
    }
}

impl Explain for CalendarDataError {
    fn code(&self) -> &'static str {
        "calendar_data_invalid"
    }

    /// For operators: the reason is technical English, passed through as is.
    fn explain(&self) -> Message {
        Message::new("calendar-data-invalid")
            .with("file", self.file.as_str())
            .with("reason", self.reason.as_str())
    }
}

impl CalendarDay {
    /// The Fluent message saying why this day is or is not a working day
    /// (`locales/*/calendar.ftl`). The holiday name goes in as `name` in all
    /// three languages; the renderer picks the reader's.
    pub fn explain(&self) -> Message {
        let date = self.date.to_string();
        let with_names = |message: Message, name: &HolidayName| {
            message.with(
                "name",
                MessageArg::Localized(Localized {
                    kk: name.kk.clone(),
                    ru: name.ru.clone(),
                    en: name.en.clone(),
                }),
            )
        };
        let message = match &self.reason {
            DayReason::Weekday => Message::new("calendar-day-weekday"),
            DayReason::Weekend => Message::new("calendar-day-weekend"),
            DayReason::Holiday {
                name,
                kind: HolidayKind::Public,
                ..
            } => with_names(Message::new("calendar-day-holiday"), name),
            DayReason::Holiday {
                name,
                kind: HolidayKind::Religious,
                ..
            } => with_names(Message::new("calendar-day-religious"), name),
            DayReason::CarriedOver {
                holiday_date,
                holiday_name,
            } => with_names(Message::new("calendar-day-carried-over"), holiday_name)
                .with("holiday_date", holiday_date.to_string()),
            DayReason::DayOffByTransfer { working_day } => {
                Message::new("calendar-day-off-by-transfer")
                    .with("working_day", working_day.to_string())
            }
            DayReason::WorkingDayByTransfer { day_off } => {
                Message::new("calendar-day-working-by-transfer")
                    .with("day_off", day_off.to_string())
            }
        };
        message
            .with("date", date)
            .with("source", self.source.title.as_str())
    }
}

#[cfg(test)]
mod tests;
